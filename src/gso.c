/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The UDP GSO planner: runs of equal-size datagrams to one peer. Pure.
 */
#include "gso.h"

/* d can share a message whose segments are seg bytes, to peer. */
static int
gso_joins(const struct gso_dgram *d, uint8_t peer, uint16_t seg)
{
	return !d->solo && d->peer == peer && d->len > 0 && d->len <= seg;
}

size_t
gso_run(const struct gso_dgram *d, size_t n, int enabled, uint16_t refused)
{
	uint16_t	 seg = d[0].len;
	size_t		 i, bytes = seg;

	if (!enabled || n < 2 || d[0].solo || seg == 0 ||
	    (refused != 0 && seg >= refused))
		return 1;
	for (i = 1; i < n && i < GSO_MAX_SEGS; i++) {
		if (!gso_joins(&d[i], d[0].peer, seg) ||
		    bytes + d[i].len > GSO_MAX_BYTES)
			break;
		bytes += d[i].len;
		/* A shorter datagram is the message's last. */
		if (d[i].len < seg)
			return i + 1;
	}
	return i;
}
