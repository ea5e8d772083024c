/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The peer table: static mesh peers, their per-peer counters and last
 * error. Pure: the current time is passed in.
 */
#ifndef PEER_H
#define PEER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "snowrelayd.h"

struct peer {
	uint32_t	 addr;		/* network byte order */
	uint16_t	 port;		/* host order */
	uint64_t	 tx;		/* datagrams sent to it */
	uint64_t	 tx_errors;	/* sends that failed (unreachable, refused, ...) */
	uint64_t	 rx;		/* datagrams accepted from it */
	uint64_t	 rx_dropped;	/* datagrams from it that failed validation */
	int		 last_errno;	/* 0 if the last send worked */
	time_t		 last_error;	/* when last_errno was set */
};

struct peer_table {
	struct peer	 peers[MAX_PEERS];
	size_t		 npeers;
};

void		 peer_table_init(struct peer_table *pt);
/* Add a peer; -1 with errno ENOSPC (full) or EEXIST (same addr and port). */
int		 peer_add(struct peer_table *pt, uint32_t addr, uint16_t port);
/*
 * The first peer with this source address, or NULL. Matched on the address
 * only: SnowSignal sends from a fresh ephemeral port for every datagram.
 */
struct peer	*peer_find(struct peer_table *pt, uint32_t addr);
/* Record the outcome of a send to p (err 0 = success). */
void		 peer_sent(struct peer *p, int err, time_t now);

#endif /* PEER_H */
