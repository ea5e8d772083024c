/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh liveness: our HELLO on a timer (and at once at start and after a
 * key reload), received HELLOs applied to their peer, and the tick that
 * marks silent peers down.
 */
#ifndef HELLO_H
#define HELLO_H

#include <stddef.h>
#include <stdint.h>

#include "mesh.h"
#include "peer.h"
#include "relay.h"

#define HELLO_TICK_MS	500	/* liveness and key expiry check */

struct event_base;

/* Start the HELLO timer and the liveness tick, and send a HELLO now. */
int		 hello_start(struct relay *r, struct event_base *base);
/* Send our HELLO to every peer that gets HELLOs, now. */
void		 hello_send(struct relay *r);
/*
 * Apply the HELLO payload of an authenticated datagram from p (relay id
 * from its header). MESH_OK, or MESH_BAD_HELLO if the payload is malformed.
 */
enum mesh_err	 hello_received(struct relay *r, struct peer *p, uint32_t relay_id,
		    const uint8_t *payload, size_t len, const struct relay_now *now);

#endif /* HELLO_H */
