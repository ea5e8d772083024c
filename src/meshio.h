/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh receive of the worker: the path that decides, datagram by
 * datagram, what reaches the local segment. Sending is meshtx.h.
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

#endif /* MESHIO_H */
