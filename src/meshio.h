/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh I/O of the worker: datagrams built per peer format ("SS" or native
 * with a tag) and sent in one sendmmsg per batch, and the receive path
 * that decides, datagram by datagram, what reaches the local segment.
 */
#ifndef MESHIO_H
#define MESHIO_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "relay.h"

struct event_base;

/* Allocate r->mb, every mesh buffer, once (fatal if out of memory). */
void	 meshio_init(struct relay *r);
/* Watch r->mesh_fd at priority RELAY_PRIO_MESH; -1 on failure. */
int	 meshio_start(struct relay *r, struct event_base *base);
/* Receive and act on one batch of mesh datagrams now; the number read. */
int	 meshio_receive(struct relay *r);
/* meshio_receive until a batch is not full or max batches; the number read. */
int	 meshio_drain(struct relay *r, int max);
/*
 * Send nfwd captured frames to every peer in its format: one sendmmsg,
 * one datagram (with its own sequence number and tag) per frame and peer.
 */
void	 meshio_forward(struct relay *r, const struct relay_fwd *fwd, size_t nfwd,
	    const struct relay_now *now);
/* Send the HELLO payload to every peer that gets HELLOs. */
void	 meshio_send_hello(struct relay *r, const uint8_t *payload, size_t len,
	    const struct relay_now *now);

#endif /* MESHIO_H */
