/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Load mode, the libevent side of coalesce.c: under load the worker stops
 * waking up for every few packets and drains all its sockets on a timer.
 */
#ifndef DRAIN_H
#define DRAIN_H

#include "relay.h"

#define DRAIN_MAX_BATCHES	64	/* per socket and tick: 2048 frames */

struct event_base;

/* Create the load-mode timer (a timerfd); before the sandbox. Fatal on error. */
void	 drain_init(struct relay *r);
/* The timer's fd: the sandbox lets the worker read(2) it, and nothing else. */
int	 drain_timer_fd(const struct relay *r);
/* Register the timer event (not armed); after the slots and the mesh events. */
int	 drain_start(struct relay *r, struct event_base *base);
/*
 * After an event-mode wake-up that received n packets: count them and, once
 * a rate window is over, enter load mode if coalesce_update says so.
 */
void	 drain_after_wakeup(struct relay *r, int n);
/* Log the "load mode:" counter line (info). */
void	 drain_log(const struct relay *r);

#endif /* DRAIN_H */
