/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Token buckets in integer packet-nanoseconds, and a fixed-size table of
 * per-key buckets (keyed hash, LRU within a set) that floods cannot grow.
 * Pure: the caller passes the time.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "dedup.h"
#include "ratelimit.h"

#define TOKEN	1000000000ULL		/* one packet, in packet-nanoseconds */

/* The bucket size in units; burst 0 with a rate is taken as 1. */
static uint64_t
capacity(const struct ratelimit_conf *c)
{
	return (uint64_t)(c->burst > 0 ? c->burst : 1) * TOKEN;
}

/* Nanoseconds to accrue missing units at rate: rounded up, cannot overflow. */
static uint64_t
fill_ns(uint64_t missing, uint32_t rate)
{
	return (missing + rate - 1) / rate;
}

/*
 * Add what accrued since last_ns. Elapsed time is only used up to what
 * fills the bucket, so rate * elapsed cannot overflow; a clock that went
 * back just restarts the accounting from now.
 */
static void
refill(struct tbucket *b, const struct ratelimit_conf *c, uint64_t now_ns)
{
	uint64_t	 cap = capacity(c), elapsed;

	if (b->tokens > cap)
		b->tokens = cap;	/* the burst was lowered */
	if (now_ns > b->last_ns) {
		elapsed = now_ns - b->last_ns;
		if (elapsed >= fill_ns(cap - b->tokens, c->rate))
			b->tokens = cap;
		else
			b->tokens += elapsed * c->rate;
	}
	b->last_ns = now_ns;
}

/* 1 and one token taken if the bucket holds one now, else 0. */
int
tbucket_take(struct tbucket *b, const struct ratelimit_conf *c,
    uint64_t now_ns)
{
	if (c->rate == 0)
		return 1;
	if (!b->started) {
		b->tokens = capacity(c);
		b->last_ns = now_ns;
		b->started = 1;
	} else
		refill(b, c, now_ns);
	if (b->tokens < TOKEN)
		return 0;
	b->tokens -= TOKEN;
	return 1;
}

/*
 * Whether a bucket would be full by now: forgetting it loses nothing,
 * since a new bucket starts full.
 */
static int
tbucket_idle(const struct tbucket *b, const struct ratelimit_conf *c,
    uint64_t now_ns)
{
	uint64_t	 cap = capacity(c);

	if (!b->started || b->tokens >= cap)
		return 1;
	return now_ns > b->last_ns &&
	    now_ns - b->last_ns >= fill_ns(cap - b->tokens, c->rate);
}

/* Zero the table and take the hash key; nsets must be a power of two. */
int
rltable_init(struct rltable *t, struct rltable_entry *table, size_t nsets,
    const uint8_t hkey[16], const struct ratelimit_conf *conf)
{
	size_t	 i;

	if (t == NULL || table == NULL || hkey == NULL || conf == NULL ||
	    nsets == 0 || (nsets & (nsets - 1)) != 0 ||
	    nsets > SIZE_MAX / RLTABLE_WAYS / sizeof(*table)) {
		errno = EINVAL;
		return -1;
	}
	memset(t, 0, sizeof(*t));
	memset(table, 0, nsets * RLTABLE_WAYS * sizeof(*table));
	t->table = table;
	t->nsets = nsets;
	t->hkey[0] = t->hkey[1] = 0;
	for (i = 0; i < 8; i++) {
		t->hkey[0] |= (uint64_t)hkey[i] << (8 * i);
		t->hkey[1] |= (uint64_t)hkey[8 + i] << (8 * i);
	}
	t->conf = *conf;
	return 0;
}

/*
 * The set of key. Hashed with a secret key so that spoofed sources cannot
 * be chosen to all land in the set of a legitimate one.
 */
static struct rltable_entry *
rltable_set(const struct rltable *t, uint32_t key)
{
	uint8_t		 b[4];
	uint64_t	 h;

	b[0] = (uint8_t)key;
	b[1] = (uint8_t)(key >> 8);
	b[2] = (uint8_t)(key >> 16);
	b[3] = (uint8_t)(key >> 24);
	h = dedup_siphash(t->hkey, b, sizeof(b));
	return t->table + (size_t)(h & (t->nsets - 1)) * RLTABLE_WAYS;
}

/*
 * Mark e as the most recently used of its set: one more than the highest
 * stamp there. Stamps are unique within a set; when they reach the top of
 * their range they are renumbered 1..RLTABLE_WAYS in the same order.
 */
static void
rltable_touch(struct rltable_entry *set, struct rltable_entry *e)
{
	uint32_t	 top = 0, rank[RLTABLE_WAYS];
	size_t		 i, j;

	for (i = 0; i < RLTABLE_WAYS; i++)
		if (set[i].used > top)
			top = set[i].used;
	if (top == UINT32_MAX) {
		for (i = 0; i < RLTABLE_WAYS; i++) {
			rank[i] = 0;
			if (set[i].used == 0)
				continue;
			for (j = 0; j < RLTABLE_WAYS; j++)
				if (set[j].used != 0 &&
				    set[j].used <= set[i].used)
					rank[i]++;
		}
		for (i = 0; i < RLTABLE_WAYS; i++)
			set[i].used = rank[i];
		top = RLTABLE_WAYS;
	}
	e->used = top + 1;
}

/* The way for a new key: empty, else idle, else the LRU one (an eviction). */
static struct rltable_entry *
rltable_victim(struct rltable *t, struct rltable_entry *set, uint64_t now_ns)
{
	struct rltable_entry	*v;
	size_t			 i;

	for (i = 0; i < RLTABLE_WAYS; i++)
		if (set[i].used == 0)
			return &set[i];
	for (i = 0; i < RLTABLE_WAYS; i++)
		if (tbucket_idle(&set[i].bucket, &t->conf, now_ns))
			return &set[i];
	v = &set[0];
	for (i = 1; i < RLTABLE_WAYS; i++)
		if (set[i].used < v->used)
			v = &set[i];
	t->evictions++;
	return v;
}

/* 1 if a packet from key may pass now; unlimited tables keep no state. */
int
rltable_take(struct rltable *t, uint32_t key, uint64_t now_ns)
{
	struct rltable_entry	*set, *e = NULL;
	size_t			 i;

	if (t->conf.rate == 0)
		return 1;
	set = rltable_set(t, key);
	for (i = 0; i < RLTABLE_WAYS && e == NULL; i++)
		if (set[i].used != 0 && set[i].key == key)
			e = &set[i];
	if (e == NULL) {
		e = rltable_victim(t, set, now_ns);
		memset(e, 0, sizeof(*e));
		e->key = key;
	}
	rltable_touch(set, e);
	return tbucket_take(&e->bucket, &t->conf, now_ns);
}
