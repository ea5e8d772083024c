/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The capture ring of an interface (--capture-ring): a second AF_PACKET
 * socket with the same locked filter and a TPACKET_V3 ring; capture moves
 * between it and the plain socket with rawsock_capture(). Helper only:
 * the worker may not bind (the sandbox has no bind at all).
 */
#ifndef RINGSOCK_H
#define RINGSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/*
 * Open the ring socket of ifname for mib MiB of RING_BLOCK_SIZE blocks:
 * filter_capture(ports) attached and locked, TPACKET_V3, not bound, so it
 * captures nothing until rawsock_capture(fd, ifindex, 1), and without
 * its ring, which is made once and freed to see that it can be. Fills
 * ring->block_size and block_nr (ring->slot is the caller's). The fd, or
 * -1 with a message.
 */
int	 ringsock_open(const char *ifname, int ifindex, const uint16_t *ports, size_t nports,
	    uint32_t mib, struct msg_conf_ring *ring, char *err, size_t errlen);

/*
 * Make the TPACKET_V3 ring of fd (on; block retire timeout RING_TOV_MS)
 * or free it (off; it must not be mapped). A ring's retire timer runs
 * for as long as the ring exists, so it exists only while used. 0, or -1.
 */
int	 ringsock_ring(int fd, const struct msg_conf_ring *ring, int on);

#endif /* RINGSOCK_H */
