/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The peer table: a fixed array of mesh peers, static and discovered,
 * their counters, formats, authentication and liveness. Pure: no I/O, the
 * time is passed in.
 */
#include <errno.h>
#include <string.h>

#include "peer.h"

static int	 peer_lists_key(const struct peer *, uint8_t);
static void	 peer_unbury(struct peer_table *, struct peer *);
static void	 peer_rebuild_macs(struct peer_table *);

void
peer_table_init(struct peer_table *pt)
{
	memset(pt, 0, sizeof(*pt));
}

/* Add a peer; -1 with ENOSPC if the table is full, EEXIST for a duplicate. */
int
peer_add(struct peer_table *pt, uint32_t addr, uint16_t port)
{
	struct peer	*p;
	size_t		 i;

	for (i = 0; i < pt->npeers; i++) {
		if (pt->peers[i].addr == addr && pt->peers[i].port == port) {
			errno = EEXIST;
			return -1;
		}
	}
	if (pt->npeers >= MAX_PEERS) {
		errno = ENOSPC;
		return -1;
	}
	p = &pt->peers[pt->npeers++];
	memset(p, 0, sizeof(*p));
	p->addr = addr;
	p->port = port;
	p->format = PEER_FORMAT_AUTO;
	p->state = PEER_UNKNOWN;
	replay_init(&p->replay);
	peer_unbury(pt, p);
	return 0;
}

/* Keep p's replay window: in its old tomb, a free one, or the oldest. */
static void
peer_bury(struct peer_table *pt, const struct peer *p)
{
	struct peer_tomb	*t;
	size_t			 i, j;

	for (i = 0; i < pt->ntombs; i++)
		if (pt->tombs[i].addr == p->addr)
			break;
	if (i == pt->ntombs && pt->ntombs < MAX_PEERS)
		pt->ntombs++;
	else if (i == pt->ntombs)
		for (i = 0, j = 1; j < pt->ntombs; j++)
			if (pt->tombs[j].gen < pt->tombs[i].gen)
				i = j;
	t = &pt->tombs[i];
	t->addr = p->addr;
	t->relay_id = p->relay_id;
	t->has_relay_id = p->has_relay_id;
	t->replay = p->replay;
	t->gen = ++pt->tomb_gen;
}

/* p was removed before: its replay window and relay id come back. */
static void
peer_unbury(struct peer_table *pt, struct peer *p)
{
	size_t	 i;

	for (i = 0; i < pt->ntombs; i++) {
		if (pt->tombs[i].addr != p->addr)
			continue;
		p->replay = pt->tombs[i].replay;
		p->relay_id = pt->tombs[i].relay_id;
		p->has_relay_id = pt->tombs[i].has_relay_id;
		pt->tombs[i] = pt->tombs[--pt->ntombs];
		return;
	}
}

/* See peer.h. */
int
peer_takes_data(const struct peer *p, enum mesh_auth_mode mode)
{
	return !p->discovered || mode != MESH_AUTH_REQUIRED ||
	    p->authenticated;
}

/* See peer.h. */
void
peer_remove(struct peer_table *pt, size_t i)
{
	if (i >= pt->npeers)
		return;
	peer_bury(pt, &pt->peers[i]);
	memmove(&pt->peers[i], &pt->peers[i + 1],
	    (pt->npeers - i - 1) * sizeof(pt->peers[0]));
	pt->npeers--;
	memset(&pt->peers[pt->npeers], 0, sizeof(pt->peers[0]));
	peer_rebuild_macs(pt);
}

/* The first peer with this address; the source port is ignored on purpose. */
struct peer *
peer_find(struct peer_table *pt, uint32_t addr)
{
	size_t	 i;

	for (i = 0; i < pt->npeers; i++)
		if (pt->peers[i].addr == addr)
			return &pt->peers[i];
	return NULL;
}

/* Count a send to p: a success clears last_errno, a failure records it. */
void
peer_sent(struct peer *p, int err, time_t now)
{
	if (err == 0) {
		p->tx++;
		p->last_errno = 0;
		return;
	}
	p->tx_errors++;
	p->last_errno = err;
	p->last_error = now;
}

/* HELLOs are not data: a success only clears the last error. */
void
peer_hello_sent(struct peer *p, int err, time_t now)
{
	if (err == 0) {
		p->last_errno = 0;
		return;
	}
	p->tx_errors++;
	p->last_errno = err;
	p->last_error = now;
}

int
peer_set_format(struct peer *p, enum peer_format format,
    enum mesh_auth_mode mode)
{
	switch (mode) {
	case MESH_AUTH_OFF:
		if (format == PEER_FORMAT_NATIVE)
			goto bad;
		p->native = p->hello = 0;
		break;
	case MESH_AUTH_ACCEPT_BOTH:
		p->native = format == PEER_FORMAT_NATIVE ||
		    (format == PEER_FORMAT_AUTO && p->authenticated);
		p->hello = format != PEER_FORMAT_SS;
		break;
	case MESH_AUTH_REQUIRED:
		if (format == PEER_FORMAT_SS)
			goto bad;
		p->native = p->hello = 1;
		break;
	default:
		goto bad;
	}
	p->format = format;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * Only a verified tag gets here, and with mode off there are no keys, so
 * an auto peer can only be upgraded in accept-both (or is native already).
 */
void
peer_authenticated(struct peer *p)
{
	p->authenticated = 1;
	if (p->format == PEER_FORMAT_AUTO)
		p->native = 1;
}

int
peer_relay_id(struct peer *p, uint32_t relay_id)
{
	int	 changed;

	changed = p->has_relay_id && p->relay_id != relay_id;
	p->relay_id = relay_id;
	p->has_relay_id = 1;
	return changed;
}

int
peer_hello_received(struct peer_table *pt, struct peer *p, uint64_t now_ms,
    uint32_t relay_id, const struct mesh_hello *h)
{
	int	 ret = 0, macs_changed;
	size_t	 n;

	if (peer_relay_id(p, relay_id)) {
		ret |= PEER_RESTARTED;
		/* A new relay id: where it emits must be learnt again. */
		p->colocated = 0;
	}
	if (p->state != PEER_UP)
		ret |= PEER_WENT_UP;
	p->state = PEER_UP;
	p->hellos++;
	/* The decoder checked the range; 0 would make the peer never expire. */
	p->last_hello_ms = now_ms;
	p->interval = h->interval > 0 ? h->interval : 1;
	memcpy(p->version, h->version, sizeof(p->version));
	p->version[sizeof(p->version) - 1] = '\0';
	n = h->nkeys < AUTH_MAX_KEYS ? h->nkeys : AUTH_MAX_KEYS;
	memcpy(p->key_ids, h->key_ids, n);
	p->nkeys = (uint8_t)n;
	n = h->nmacs < MAX_IFACES ? h->nmacs : MAX_IFACES;
	macs_changed = n != p->nmacs || memcmp(p->macs, h->macs, n * 6) != 0;
	memcpy(p->macs, h->macs, n * 6);
	p->nmacs = (uint8_t)n;
	if (macs_changed)
		peer_rebuild_macs(pt);
	return ret;
}

/* Down once PEER_HELLO_MISSES of its own intervals passed without a HELLO. */
int
peer_tick(struct peer *p, uint64_t now_ms)
{
	uint64_t	 limit;

	if (p->state != PEER_UP)
		return 0;
	limit = (uint64_t)PEER_HELLO_MISSES * p->interval * 1000;
	if (now_ms < p->last_hello_ms || now_ms - p->last_hello_ms <= limit)
		return 0;
	p->state = PEER_DOWN;
	p->colocated = 0;
	return 1;
}

/* 1 if p's last HELLO listed key id. */
static int
peer_lists_key(const struct peer *p, uint8_t id)
{
	size_t	 i;

	for (i = 0; i < p->nkeys; i++)
		if (p->key_ids[i] == id)
			return 1;
	return 0;
}

uint8_t
peer_send_key_id(const struct peer *p, const struct auth_keyring *kr)
{
	size_t	 i;

	if (kr->nkeys == 0)
		return 0;
	if (p->hellos == 0 || peer_lists_key(p, kr->keys[0].id))
		return kr->keys[0].id;
	for (i = 1; i < kr->nkeys; i++)
		if (peer_lists_key(p, kr->keys[i].id))
			return kr->keys[i].id;
	/* Nothing in common: the primary, and the peer counts it as unknown. */
	return kr->keys[0].id;
}

/* Collect every peer's advertised MACs into one array, without repeats. */
static void
peer_rebuild_macs(struct peer_table *pt)
{
	const struct peer	*p;
	size_t			 i, j;

	pt->nrelay_macs = 0;
	for (i = 0; i < pt->npeers; i++) {
		p = &pt->peers[i];
		for (j = 0; j < p->nmacs; j++) {
			if (peer_is_relay_mac(pt, p->macs[j]))
				continue;
			memcpy(pt->relay_macs[pt->nrelay_macs], p->macs[j], 6);
			pt->nrelay_macs++;
		}
	}
}

int
peer_is_relay_mac(const struct peer_table *pt, const uint8_t mac[6])
{
	size_t	 i;

	for (i = 0; i < pt->nrelay_macs; i++)
		if (memcmp(pt->relay_macs[i], mac, 6) == 0)
			return 1;
	return 0;
}

struct peer *
peer_seen_on_slot(struct peer_table *pt, const uint8_t mac[6], unsigned int slot)
{
	struct peer	*p;
	size_t		 i, j;

	/* Most captured frames come from hosts: one pass over the flat set. */
	if (!peer_is_relay_mac(pt, mac))
		return NULL;
	for (i = 0; i < pt->npeers; i++) {
		p = &pt->peers[i];
		for (j = 0; j < p->nmacs; j++) {
			if (memcmp(p->macs[j], mac, 6) != 0)
				continue;
			if (slot < 32)
				p->colocated |= 1U << slot;
			return p;
		}
	}
	return NULL;
}

int
peer_designated(const struct peer_table *pt, unsigned int slot,
    uint32_t my_relay_id)
{
	const struct peer	*p;
	size_t			 i;

	if (slot >= 32)
		return 1;
	for (i = 0; i < pt->npeers; i++) {
		p = &pt->peers[i];
		/*
		 * Only a relay that is up counts: when it stops sending
		 * HELLOs the next one in line takes over, and a restarted
		 * one (new relay id) must be seen emitting here again.
		 */
		if ((p->colocated & (1U << slot)) && p->state == PEER_UP &&
		    p->relay_id < my_relay_id)
			return 0;
	}
	return 1;
}

const char *
peer_state_name(enum peer_state state)
{
	switch (state) {
	case PEER_UP:
		return "up";
	case PEER_DOWN:
		return "down";
	default:
		return "unknown";
	}
}
