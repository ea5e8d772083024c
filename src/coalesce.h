/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Load mode: when the worker stops waking up for every few packets and
 * drains its sockets on a timer instead, and when it goes back. Pure.
 */
#ifndef COALESCE_H
#define COALESCE_H

#include <stdint.h>

#define COALESCE_WINDOW_NS	10000000ULL	/* the rate is measured over 10 ms */
#define COALESCE_INTERVAL_MIN	50		/* us: load-mode timer period */
#define COALESCE_INTERVAL_MAX	10000
#define COALESCE_PPS_MAX	10000000

struct coalesce {
	uint32_t	 above_pps;	/* enter at this rate; 0: never */
	uint32_t	 interval_us;	/* load-mode timer period */
	int		 on;		/* in load mode */
	uint64_t	 win_start_ns;	/* 0: no window yet */
	uint64_t	 win_pkts;	/* packets received in this window */
	uint64_t	 last_pps;	/* rate of the last complete window */
	uint64_t	 entries;	/* times load mode was entered */
	uint64_t	 ticks;		/* load-mode timer wake-ups (drain.c) */
};

enum coalesce_change {
	COALESCE_SAME = 0,
	COALESCE_ENTER,
	COALESCE_LEAVE,
};

/* Event mode, no window; above_pps 0 disables load mode. */
void			 coalesce_init(struct coalesce *c, uint32_t above_pps, uint32_t interval_us);

/* Count n packets received (any socket). */
static inline void
coalesce_count(struct coalesce *c, uint64_t n)
{
	c->win_pkts += n;
}

/*
 * At the end of a wake-up: once a window of COALESCE_WINDOW_NS is over, take
 * its rate and say whether to enter load mode (rate >= above_pps) or leave
 * it (rate < above_pps / 2: the gap keeps a rate near the threshold from
 * switching back and forth every window).
 */
enum coalesce_change	 coalesce_update(struct coalesce *c, uint64_t now_ns);

/*
 * The first expiry of the load-mode timer after now_ns: the next multiple
 * of period_us on the monotonic clock. Every relay on a host, whatever
 * its own rate, then ticks at the same instants, so a CPU shared by
 * several of them wakes up once per period instead of once for each.
 */
uint64_t		 coalesce_next_tick(uint64_t now_ns, uint32_t period_us);

#endif /* COALESCE_H */
