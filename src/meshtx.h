/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh sending of the worker: one datagram per frame and peer ("SS", or
 * native with its own sequence number and tag), laid out peer by peer,
 * and one sendmmsg per batch in which every run of equal-size datagrams
 * to one peer is a single UDP GSO message (gso.h).
 */
#ifndef MESHTX_H
#define MESHTX_H

#include <stddef.h>
#include <stdint.h>

#include "relay.h"

/* Allocate r->tb, every send buffer, once (fatal if out of memory). */
void	 meshtx_init(struct relay *r);
/*
 * Send nfwd captured frames to every peer in its format: one sendmmsg,
 * one datagram (with its own sequence number and tag) per frame and peer.
 */
void	 meshtx_forward(struct relay *r, const struct relay_fwd *fwd, size_t nfwd,
	    const struct relay_now *now);
/* Send the HELLO payload to every peer that gets HELLOs. */
void	 meshtx_send_hello(struct relay *r, const uint8_t *payload, size_t len,
	    const struct relay_now *now);

#endif /* MESHTX_H */
