/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's side of --discover. The helper's resolver process looks the
 * name up; the helper checks the answer and sends the whole set in
 * MSG_PEERS whenever it changes. Here the peer table follows it. Called
 * from the channel callback, between data wake-ups, so no send batch holds
 * a peer index while peers move.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "counters.h"
#include "discover.h"
#include "log.h"
#include "peer.h"

/* 1 if addr is one of m's. */
static int
discover_listed(const struct msg_peers *m, uint32_t addr)
{
	uint32_t	 i;

	for (i = 0; i < m->naddrs; i++)
		if (m->addrs[i] == addr)
			return 1;
	return 0;
}

/* The helper sends only what it checked: anything else is a violation. */
static void
discover_check(const struct msg_peers *m)
{
	const uint8_t	*a;
	uint32_t	 i;

	if (m->naddrs > MAX_PEERS)
		fatalx("channel: MSG_PEERS: naddrs %u above %d", m->naddrs,
		    MAX_PEERS);
	if (m->port == 0)
		fatalx("channel: MSG_PEERS: port 0");
	for (i = 0; i < m->naddrs; i++) {
		a = (const uint8_t *)&m->addrs[i];
		if (!proto_unicast(m->addrs[i]))
			fatalx("channel: MSG_PEERS: address %u.%u.%u.%u is not"
			    " unicast", a[0], a[1], a[2], a[3]);
	}
}

/* Remove the discovered peers m no longer lists. */
static void
discover_remove(struct relay *r, const struct msg_peers *m)
{
	struct peer	*p;
	char		 addr[32];
	size_t		 i = r->peers.npeers;

	while (i-- > 0) {
		p = &r->peers.peers[i];
		if (!p->discovered || discover_listed(m, p->addr))
			continue;
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_info("peer %s removed: no longer discovered; its last"
		    " counters:", addr);
		counters_log_peer(p);
		relay_remove_peer(r, i);
	}
}

/* Add the addresses of m that are not peers yet. */
static void
discover_add(struct relay *r, const struct msg_peers *m)
{
	char		 addr[32];
	uint32_t	 i;

	for (i = 0; i < m->naddrs; i++) {
		if (peer_find(&r->peers, m->addrs[i]) != NULL)
			continue;
		relay_addr(addr, sizeof(addr), m->addrs[i], m->port);
		if (relay_add_peer(r, m->addrs[i], m->port) == -1) {
			log_warn("peer %s discovered, not added", addr);
			continue;
		}
		r->peers.peers[r->peers.npeers - 1].discovered = 1;
		log_info("peer %s added: discovered", addr);
	}
}

/* See discover.h. */
void
discover_apply(struct relay *r, const struct msg_peers *m)
{
	discover_check(m);
	discover_remove(r, m);
	discover_add(r, m);
}
