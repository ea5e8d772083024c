/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The peer table: a fixed array of static mesh peers and their counters.
 * Pure: no I/O, the time is passed in.
 */
#include <errno.h>
#include <string.h>

#include "peer.h"

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
	return 0;
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
