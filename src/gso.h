/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Which datagrams of a mesh send batch travel together as one UDP GSO
 * message (UDP_SEGMENT, Linux >= 4.18): the kernel routes, builds and
 * passes down the stack one packet for the whole run and cuts it into
 * datagrams only at the end, so a burst to one peer costs one stack
 * traversal instead of one per datagram. The wire is unchanged: the peer
 * receives the same datagrams, one by one. Pure.
 */
#ifndef GSO_H
#define GSO_H

#include <netinet/udp.h>
#include <stddef.h>
#include <stdint.h>

/* For C libraries older than the kernel feature (glibc < 2.28). */
#ifndef SOL_UDP
#define SOL_UDP		17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

/* At most this many datagrams per message (the kernel takes 64). */
#define GSO_MAX_SEGS	32
/* At most this many bytes per message: the largest IPv4 UDP payload. */
#define GSO_MAX_BYTES	(65535 - 20 - 8)

/* One datagram of a send batch, as the planner sees it. */
struct gso_dgram {
	uint16_t	 len;		/* UDP payload bytes (> 0) */
	uint8_t		 peer;		/* index into the peer table */
	uint8_t		 solo;		/* 1: never grouped (a HELLO) */
};

/*
 * The number of datagrams, from d[0] on (n > 0), that go in one message:
 * a run to d[0]'s peer of datagrams d[0].len long, and at most one shorter
 * one to end it (the kernel cuts at d[0].len; only the last piece may be
 * shorter), within GSO_MAX_SEGS and GSO_MAX_BYTES. 1 if GSO is off
 * (enabled 0), d[0] is solo, or d[0].len is at least refused (the size
 * the path to that peer refused GSO for; 0: none refused).
 */
size_t	 gso_run(const struct gso_dgram *d, size_t n, int enabled, uint16_t refused);

#endif /* GSO_H */
