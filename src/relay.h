/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's data path: capture -> validate -> mesh, and mesh -> verify
 * -> rewrite -> emit, as libevent callbacks over fds the helper opened.
 */
#ifndef RELAY_H
#define RELAY_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "log.h"
#include "peer.h"
#include "snowrelayd.h"

#define RELAY_BATCH	32	/* messages per recvmmsg/sendmmsg */
#define RELAY_DRAIN	4	/* batches per wake-up, for fairness */

struct event;
struct event_base;
struct relay;
struct relay_bufs;

/* One target interface: its AF_PACKET socket and what to rewrite frames to. */
struct relay_slot {
	struct relay		*relay;
	int			 fd;
	int			 ifindex;
	char			 name[IFNAMSIZ * 4];	/* escaped for logs */
	uint8_t			 mac[6];
	uint32_t		 bcast;		/* network order */
	struct iface_counters	 c;
	struct event		*ev;
	struct log_ratelimit	 rl;		/* capture/emit warnings */
};

struct relay {
	struct relay_slot	 slots[MAX_IFACES];
	size_t			 nslots;
	int			 mesh_fd;
	struct event		*mesh_ev;
	struct peer_table	 peers;
	struct sockaddr_in	 peer_sa[MAX_PEERS];
	uint16_t		 ports[MAX_PORTS];	/* host order */
	size_t			 nports;
	struct counters		 c;
	struct log_ratelimit	 tx_rl;		/* mesh send warnings */
	struct log_ratelimit	 rx_rl;		/* mesh receive warnings */
	struct log_ratelimit	 drop_rl;	/* per-packet debug lines */
	struct relay_bufs	*b;		/* preallocated batches */
};

/* Allocate a relay and all its packet buffers (fatal if out of memory). */
struct relay	*relay_new(void);
/* The relayed UDP destination ports; -1 with EINVAL if out of range. */
int		 relay_set_ports(struct relay *r, const uint16_t *ports, size_t nports);
/* Add the next interface slot; -1 with ENOSPC when MAX_IFACES are in use. */
int		 relay_add_slot(struct relay *r, int fd, int ifindex, const char *ifname,
		    const uint8_t mac[6], uint32_t bcast);
/* Add a mesh peer; -1 with ENOSPC or EEXIST as peer_add. */
int		 relay_add_peer(struct relay *r, uint32_t addr, uint16_t port);
/* Register one persistent read event per slot and one for the mesh socket. */
int		 relay_start(struct relay *r, struct event_base *base, int mesh_fd);
/* Log every counter line: global, drops, one per interface, one per peer. */
void		 relay_log_counters(const struct relay *r);

#endif /* RELAY_H */
