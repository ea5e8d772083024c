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

struct sock_fprog;

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

/*
 * Attach the classic BPF program fprog to fd and lock it (SO_LOCK_FILTER):
 * nobody, the worker included, can detach or replace it. 0, or -1 with
 * *what naming the step that failed.
 */
int	 rawsock_lock_filter(int fd, const struct sock_fprog *fprog, const char **what);

/*
 * Start (on: ETH_P_ALL) or stop capture on a packet socket of interface
 * ifindex. Stopping binds it to an Ethernet type the capture filter
 * refuses (bind cannot undo a protocol, and a packet socket cannot be
 * unbound), so no frame reaches the socket any more. 0, or -1 with errno.
 */
int	 rawsock_capture(int fd, int ifindex, int on);

/*
 * Open the mesh UDP socket bound to 0.0.0.0:port, non-blocking, with
 * large buffers and, before bind, the filter_mesh_sources() filter for
 * the peer addresses addrs[0..n) (network order; n 0 drops everything),
 * so datagrams from anyone else are dropped in the kernel. The filter is
 * not locked: see rawsock_mesh_update(). Returns the fd or -1 with a
 * message naming the mesh port.
 */
int	 rawsock_open_mesh(uint16_t port, const uint32_t *addrs, size_t n, char *err,
	    size_t errlen);

/*
 * 1 if the kernel takes UDP GSO (UDP_SEGMENT, Linux >= 4.18) on the mesh
 * socket fd, else 0. The worker cannot ask (no setsockopt, no
 * getsockopt of it in its sandbox); MSG_MESH_FD tells it.
 */
int	 rawsock_mesh_gso(int fd);

/*
 * Replace the source filter of the mesh socket fd with one for addrs[0..n)
 * (when the peer set changes). The helper keeps its own reference to the
 * socket for this; the worker cannot setsockopt. 0, or -1 with a message.
 */
int	 rawsock_mesh_update(int fd, const uint32_t *addrs, size_t n, char *err,
	    size_t errlen);

#endif /* RAWSOCK_H */
