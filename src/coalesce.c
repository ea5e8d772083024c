/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Load mode: when to drain the sockets on a timer instead of waking up for
 * every few packets. Pure; drain.c does the switching.
 */
#include <stdint.h>
#include <string.h>

#include "coalesce.h"

void
coalesce_init(struct coalesce *c, uint32_t above_pps, uint32_t interval_us)
{
	memset(c, 0, sizeof(*c));
	c->above_pps = above_pps;
	c->interval_us = interval_us;
}

/* Packets per second of a window: no overflow for any realistic count. */
static uint64_t
coalesce_rate(uint64_t pkts, uint64_t elapsed_ns)
{
	uint64_t	 us = elapsed_ns / 1000;

	if (pkts > UINT64_MAX / 1000000)
		return UINT64_MAX;
	return pkts * 1000000 / (us > 0 ? us : 1);
}

/* See coalesce.h. */
uint64_t
coalesce_next_tick(uint64_t now_ns, uint32_t period_us)
{
	uint64_t	 per = (uint64_t)period_us * 1000;

	if (per == 0)
		return now_ns;
	return (now_ns / per + 1) * per;
}

enum coalesce_change
coalesce_update(struct coalesce *c, uint64_t now_ns)
{
	enum coalesce_change	 ch = COALESCE_SAME;

	/* The first call, or a clock that went back: start a new window. */
	if (c->win_start_ns == 0 || now_ns < c->win_start_ns) {
		c->win_start_ns = now_ns;
		c->win_pkts = 0;
		return COALESCE_SAME;
	}
	if (now_ns - c->win_start_ns < COALESCE_WINDOW_NS)
		return COALESCE_SAME;
	c->last_pps = coalesce_rate(c->win_pkts, now_ns - c->win_start_ns);
	if (!c->on && c->above_pps > 0 && c->last_pps >= c->above_pps) {
		c->on = 1;
		c->entries++;
		ch = COALESCE_ENTER;
	} else if (c->on && (c->above_pps == 0 ||
	    c->last_pps < c->above_pps / 2)) {
		c->on = 0;
		ch = COALESCE_LEAVE;
	}
	c->win_start_ns = now_ns;
	c->win_pkts = 0;
	return ch;
}
