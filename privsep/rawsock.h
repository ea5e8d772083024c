/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Opening the sockets the worker cannot open: one AF_PACKET socket per
 * target interface (filtered, locked, bound) and the mesh UDP socket.
 */
#ifndef RAWSOCK_H
#define RAWSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/*
 * Open the capture/emit socket of one interface: socket(AF_PACKET,
 * SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, 0), attach filter_capture(ports),
 * SO_LOCK_FILTER, PACKET_AUXDATA, a large receive buffer, then bind to the
 * interface with ETH_P_ALL and drain anything queued before the filter.
 * ETH_P_ALL, not ETH_P_IP: only ETH_P_ALL sockets are shown the frames this
 * host sends, and broadcasts from local programs must be relayed.
 * Fills slot->ifindex, ifname, mac, addr, bcast, mtu (slot->slot is the
 * caller's). Returns the fd, or -1 with a message naming the interface.
 */
int	 rawsock_open_packet(const char *ifname, const uint16_t *ports, size_t nports,
	    struct msg_conf_slot *slot, char *err, size_t errlen);

/* Open the mesh UDP socket bound to 0.0.0.0:port, non-blocking. fd or -1. */
int	 rawsock_open_mesh(uint16_t port, char *err, size_t errlen);

#endif /* RAWSOCK_H */
