/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Builders for the classic BPF programs the helper attaches (and locks) on
 * the sockets it hands to the worker. Pure: fills an array, does no I/O.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#include "snowrelayd.h"

#define FILTER_MAX_INSNS	(MAX_PEERS + 32)

/*
 * Capture filter for an AF_PACKET SOCK_RAW socket: accept a frame only if
 * EtherType is IPv4, destination MAC is ff:ff:ff:ff:ff:ff, protocol is UDP,
 * it is not a fragment (MF clear, offset 0), and the UDP destination port
 * is one of ports[0..nports) (host order). Accepted frames are passed whole
 * (no snap length cut). Returns the instruction count, or -1 (EINVAL) if
 * nports is 0 or the program would not fit in max.
 */
int	 filter_capture(struct sock_filter *prog, size_t max, const uint16_t *ports,
	    size_t nports);

/*
 * Source filter for the mesh UDP socket: accept a datagram only if its IPv4
 * source address (SKF_NET_OFF + 12) is one of addrs[0..naddrs) (network
 * byte order), so a flood from an outsider is dropped in the kernel. With
 * naddrs 0 every datagram is dropped. Returns the instruction count or -1.
 */
int	 filter_mesh_sources(struct sock_filter *prog, size_t max, const uint32_t *addrs,
	    size_t naddrs);

#endif /* FILTER_H */
