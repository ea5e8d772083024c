/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The duplicate-suppression cache: a fixed-size, set-associative table of
 * keyed hashes (SipHash-2-4, random key per boot) of frames seen in the
 * last moments. Bounded: never grows; the oldest entry of a set is evicted.
 * Pure: the caller passes the key, the table and the time.
 */
#ifndef DEDUP_H
#define DEDUP_H

#include <stddef.h>
#include <stdint.h>

#define DEDUP_WAYS	4		/* entries per set */

struct dedup_entry {
	uint64_t	 hash;
	uint64_t	 when_ms;	/* 0: empty */
};

struct dedup {
	struct dedup_entry	*table;		/* nsets * DEDUP_WAYS, caller-allocated */
	size_t			 nsets;		/* a power of two */
	uint64_t		 key[2];	/* SipHash key */
	uint32_t		 window_ms;	/* how long a frame counts as seen */
	uint64_t		 evictions;	/* live entries pushed out early */
};

/* SipHash-2-4 of data with a 128-bit key (the reference algorithm). */
uint64_t	 dedup_siphash(const uint64_t key[2], const uint8_t *data, size_t len);

/*
 * Set up d over table (nsets * DEDUP_WAYS entries, zeroed by this call);
 * nsets must be a power of two. -1 (EINVAL) otherwise.
 */
int		 dedup_init(struct dedup *d, struct dedup_entry *table, size_t nsets,
		    const uint8_t key[16], uint32_t window_ms);

/*
 * The identity of a frame that survives relaying: source IP, source and
 * destination ports and the UDP payload (not MACs, destination IP, TTL,
 * IP ID or checksums, which relays rewrite).
 */
uint64_t	 dedup_hash(const struct dedup *d, uint32_t src_ip, uint16_t src_port,
		    uint16_t dst_port, const uint8_t *payload, size_t len);

#define DEDUP_PREFIX	64	/* payload bytes hashed when the checksum stands in */

/*
 * The same identity without a pass over a long payload: for a UDP datagram
 * (udp_len bytes at udp, header included) that carries a finished
 * checksum, hash source address and ports, the UDP length, the one's-
 * complement sum of the payload (derived from the checksum, so it does not
 * change when a relay rewrites the destination) and the first DEDUP_PREFIX
 * payload bytes. Without a checksum (0), the whole payload, as dedup_hash.
 * A partial (pseudo-header only) checksum must be finished first.
 */
uint64_t	 dedup_hash_udp(const struct dedup *d, uint32_t src_ip, uint32_t dst_ip,
		    const uint8_t *udp, size_t udp_len);

/*
 * 1 if hash was recorded within the window before now_ms (a duplicate;
 * not refreshed), else record it and return 0.
 */
int		 dedup_check(struct dedup *d, uint64_t hash, uint64_t now_ms);

/*
 * Start loading the set dedup_check(d, hash, ...) will read. Under load
 * the table is no longer in the cache when a frame's turn comes, and
 * that miss was the largest single cost of a relayed frame in user
 * space; the receive paths key a whole batch first, then check it.
 */
static inline void
dedup_prefetch(const struct dedup *d, uint64_t hash)
{
	__builtin_prefetch(d->table + (size_t)(hash & (d->nsets - 1)) *
	    DEDUP_WAYS, 1);
}

#endif /* DEDUP_H */
