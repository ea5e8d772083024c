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

#define FILTER_MAX_INSNS	64

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

#endif /* FILTER_H */
