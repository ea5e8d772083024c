/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Token buckets (integer arithmetic, nanosecond clock passed in) and a
 * fixed-size table of per-source buckets with eviction, so a flood of
 * spoofed sources cannot grow memory. Pure.
 */
#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

/* rate 0 means unlimited. */
struct ratelimit_conf {
	uint32_t	 rate;		/* tokens (packets) per second */
	uint32_t	 burst;		/* bucket size; >= 1 when rate > 0 */
};

struct tbucket {
	uint64_t	 tokens;	/* scaled by 1e9: packet-nanoseconds */
	uint64_t	 last_ns;
	int		 started;
};

/* 1 if one packet may pass now (and take a token), 0 if over the rate. */
int	 tbucket_take(struct tbucket *b, const struct ratelimit_conf *c, uint64_t now_ns);

#define RLTABLE_WAYS	4

struct rltable_entry {
	uint32_t	 key;		/* e.g. an IPv4 source address */
	uint32_t	 used;		/* 0: empty */
	struct tbucket	 bucket;
};

struct rltable {
	struct rltable_entry	*table;		/* nsets * RLTABLE_WAYS, caller-allocated */
	size_t			 nsets;		/* a power of two */
	uint64_t		 hkey[2];	/* keyed hash of the key (dedup_siphash) */
	struct ratelimit_conf	 conf;
	uint64_t		 evictions;
};

/* Zero the table; -1 (EINVAL) if nsets is not a power of two. */
int	 rltable_init(struct rltable *t, struct rltable_entry *table, size_t nsets,
	    const uint8_t hkey[16], const struct ratelimit_conf *conf);
/*
 * 1 if a packet from key may pass now, 0 if over its rate. A new key takes
 * a free way of its set or evicts the least recently used one there (a new
 * bucket starts full).
 */
int	 rltable_take(struct rltable *t, uint32_t key, uint64_t now_ns);

#endif /* RATELIMIT_H */
