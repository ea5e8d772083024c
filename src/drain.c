/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Load mode. In this VM-like world every wake-up costs 20-30 us of CPU
 * (perf.md section 0), so the CPU per packet is set by packets per wake-up.
 * Above --coalesce pps the worker takes its read events off the sockets
 * and drains every socket on a periodic timer instead (every 1 ms by
 * default): at 100 kpps that is about 100 frames per wake-up instead of a
 * few, for at most one period of added latency per relay. The period does
 * not shrink as the rate grows: near the highest rate is where wake-ups
 * cost the most. The timer ticks on multiples of the period on the
 * monotonic clock, so relays that share a CPU wake up together. The
 * socket buffers (4 MiB, set by the helper) and the capture ring hold what
 * arrives in between. Below half the rate, it goes back to waking up per
 * packet (lowest latency).
 */
#include <sys/timerfd.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "capring.h"
#include "coalesce.h"
#include "drain.h"
#include "log.h"
#include "meshio.h"
#include "relay.h"

static void	 drain_tick_cb(int, short, void *);
static void	 drain_switch(struct relay *, enum coalesce_change);
static int	 drain_arm(struct relay *, uint32_t);
static int	 drain_event(struct event *, int);
static int	 drain_log_ok(struct relay *);

void
drain_init(struct relay *r)
{
	r->drain_fd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC);
	if (r->drain_fd == -1)
		fatal("load mode: timerfd_create");
	r->drain_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 4);
}

int
drain_timer_fd(const struct relay *r)
{
	return r->drain_fd;
}

int
drain_start(struct relay *r, struct event_base *base)
{
	r->drain_ev = event_new(base, r->drain_fd, EV_READ | EV_PERSIST,
	    drain_tick_cb, r);
	if (r->drain_ev == NULL ||
	    event_priority_set(r->drain_ev, RELAY_PRIO_CAPTURE) == -1)
		return -1;
	return 0;
}

/* Whether a load-mode line may be logged now (at most 4 in 10 s). */
static int
drain_log_ok(struct relay *r)
{
	return log_ratelimit_ok(&r->drain_rl,
	    (time_t)(relay_now_ns() / 1000000000ULL));
}

/* Put ev in the event loop (on) or take it out. */
static int
drain_event(struct event *ev, int on)
{
	return on ? event_add(ev, NULL) : event_del(ev);
}

void
drain_after_wakeup(struct relay *r, int n)
{
	enum coalesce_change	 ch;

	if (r->load.above_pps == 0)
		return;
	coalesce_count(&r->load, (uint64_t)n);
	if ((ch = coalesce_update(&r->load, relay_now_ns())) != COALESCE_SAME)
		drain_switch(r, ch);
}

/*
 * Periodic timer of interval_us from the next multiple of it on the
 * monotonic clock (coalesce_next_tick), or disarmed (0).
 */
static int
drain_arm(struct relay *r, uint32_t interval_us)
{
	struct itimerspec	 its;
	uint64_t		 first;

	memset(&its, 0, sizeof(its));
	if (interval_us == 0)
		return timerfd_settime(r->drain_fd, 0, &its, NULL);
	first = coalesce_next_tick(relay_now_ns(), interval_us);
	its.it_value.tv_sec = (time_t)(first / 1000000000ULL);
	its.it_value.tv_nsec = (long)(first % 1000000000ULL);
	its.it_interval.tv_sec = interval_us / 1000000;
	its.it_interval.tv_nsec = (long)(interval_us % 1000000) * 1000;
	return timerfd_settime(r->drain_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/*
 * Move every socket between its own read event and the timer. A failure
 * here would leave sockets unwatched: fatal, the helper restarts nothing
 * but logs why the worker died.
 */
static void
drain_switch(struct relay *r, enum coalesce_change ch)
{
	size_t		 i, rings = 0;
	int		 on = ch == COALESCE_ENTER;

	/*
	 * The sockets leave the event loop when the timer joins it. The
	 * capture rings start (or stop) capturing; both sockets of a slot
	 * are read in load mode, and after it the ring's last blocks are
	 * read when the kernel retires them.
	 */
	for (i = 0; i < r->nslots; i++) {
		if (drain_event(r->slots[i].ev, !on) == -1 ||
		    (r->slots[i].ring.ev != NULL &&
		    drain_event(r->slots[i].ring.ev, !on) == -1))
			fatalx("load mode: cannot switch the capture events");
		/* 0 only for a slot with a usable ring. */
		if (capring_request(r, &r->slots[i], on) == 0)
			rings++;
	}
	if (drain_event(r->mesh_ev, !on) == -1 ||
	    drain_arm(r, on ? r->load.interval_us : 0) == -1 ||
	    drain_event(r->drain_ev, on) == -1)
		fatal("load mode: cannot switch the timer");
	if (drain_log_ok(r))
		log_info("load mode %s: %llu packets/s %s %u; %s%s", on ? "on" :
		    "off", (unsigned long long)r->load.last_pps,
		    on ? ">=" : "<", on ? r->load.above_pps :
		    r->load.above_pps / 2, on ? "draining the sockets on a "
		    "timer" : "waking up per packet again", rings == 0 ? "" :
		    on ? ", capturing into the ring" : ", capturing per frame");
}

/* Load-mode timer: drain every socket, then see whether load mode ends. */
static void
drain_tick_cb(int fd, short events, void *arg)
{
	struct relay		*r = arg;
	enum coalesce_change	 ch;
	uint64_t		 ticks;
	size_t			 i;
	int			 total = 0;

	/* Clear the expirations (level-triggered); EAGAIN is harmless. */
	if (read(fd, &ticks, sizeof(ticks)) == -1 && errno != EAGAIN &&
	    drain_log_ok(r))
		log_warn("load mode: timer");
	/* Local frames first, so they are in the dedup cache before mesh copies. */
	for (i = 0; i < r->nslots; i++) {
		total += relay_capture_drain(r, &r->slots[i], DRAIN_MAX_BATCHES);
		total += capring_drain(r, &r->slots[i]);
	}
	total += meshio_drain(r, DRAIN_MAX_BATCHES);
	r->load.ticks++;
	coalesce_count(&r->load, (uint64_t)total);
	if ((ch = coalesce_update(&r->load, relay_now_ns())) != COALESCE_SAME)
		drain_switch(r, ch);
}

void
drain_log(const struct relay *r)
{
	log_info("load mode: %s above=%u interval_us=%u "
	    "entered=%llu ticks=%llu last_rate=%llu", r->load.on ? "on" : "off",
	    r->load.above_pps, r->load.interval_us,
	    (unsigned long long)r->load.entries,
	    (unsigned long long)r->load.ticks,
	    (unsigned long long)r->load.last_pps);
}
