/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Logging the worker's counters in the exact line format that operators
 * and the integration tests read (see the team brief / snowrelayd.8).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "log.h"

/*
 * Keep counter lines well below LOG_LINE_MAX: the helper prefixes and
 * escapes them, and a cut line would break the parsers.
 */
#define COUNTERS_LINE_MAX	(LOG_LINE_MAX - 128)

/* A line of "name=value" items that starts again under its prefix when full. */
struct counters_line {
	char		 buf[COUNTERS_LINE_MAX];
	size_t		 len;
	const char	*prefix;
	int		 items;
};

static void	 line_start(struct counters_line *, const char *);
static void	 line_add(struct counters_line *, const char *, uint64_t);
static void	 line_flush(struct counters_line *);

static const struct {
	int		 err;
	const char	*name;
} counters_errnos[] = {
	{ ENETUNREACH,	"ENETUNREACH" },
	{ EHOSTUNREACH,	"EHOSTUNREACH" },
	{ ECONNREFUSED,	"ECONNREFUSED" },
	{ EMSGSIZE,	"EMSGSIZE" },
	{ ENOBUFS,	"ENOBUFS" },
	{ EAGAIN,	"EAGAIN" },
	{ EPERM,	"EPERM" },
	{ EACCES,	"EACCES" },
};
#define NERRNOS	(sizeof(counters_errnos) / sizeof(counters_errnos[0]))

/* Symbolic name of err for counter lines, or its number. */
const char *
counters_errno_name(int err, char *buf, size_t len)
{
	size_t	 i;

	if (err == 0)
		return "none";
	for (i = 0; i < NERRNOS; i++)
		if (counters_errnos[i].err == err)
			return counters_errnos[i].name;
	snprintf(buf, len, "%d", err);
	return buf;
}

static void
line_start(struct counters_line *l, const char *prefix)
{
	int	 n;

	l->prefix = prefix;
	l->items = 0;
	n = snprintf(l->buf, sizeof(l->buf), "%s:", prefix);
	l->len = (n < 0 || (size_t)n >= sizeof(l->buf)) ? 0 : (size_t)n;
}

/* Append " name=value"; log the line first and restart it if it is full. */
static void
line_add(struct counters_line *l, const char *name, uint64_t value)
{
	char	 item[128];
	int	 n;

	n = snprintf(item, sizeof(item), " %s=%" PRIu64, name, value);
	if (n < 0 || (size_t)n >= sizeof(item))
		return;
	if (l->len + (size_t)n >= sizeof(l->buf)) {
		line_flush(l);
		line_start(l, l->prefix);
	}
	memcpy(l->buf + l->len, item, (size_t)n + 1);
	l->len += (size_t)n;
	l->items++;
}

static void
line_flush(struct counters_line *l)
{
	if (l->items > 0)
		log_info("%s", l->buf);
	l->items = 0;
}

/* Log the global counters and both drop lines. */
void
counters_log(const struct counters *c)
{
	struct counters_line	 l;
	int			 i;

	line_start(&l, "counters");
	line_add(&l, "captured", c->captured);
	line_add(&l, "forwarded", c->forwarded);
	line_add(&l, "mesh_tx", c->mesh_tx);
	line_add(&l, "mesh_tx_errors", c->mesh_tx_errors);
	line_add(&l, "mesh_tx_gso", c->mesh_tx_gso);
	line_add(&l, "mesh_rx", c->mesh_rx);
	line_add(&l, "emitted", c->emitted);
	line_add(&l, "emit_errors", c->emit_errors);
	line_add(&l, "rewritten", c->rewritten);
	line_add(&l, "csum_completed", c->csum_completed);
	line_flush(&l);

	line_start(&l, "drops capture");
	line_add(&l, "truncated", c->cap_truncated);
	for (i = FRAME_OK + 1; i < FRAME_NERR; i++)
		line_add(&l, frame_err_name((enum frame_err)i),
		    c->cap_drops[i]);
	line_add(&l, "relay_mac", c->cap_relay_mac);
	line_add(&l, "duplicate", c->cap_duplicate);
	line_add(&l, "rate_source", c->cap_rate_source);
	line_add(&l, "rate_global", c->cap_rate_global);
	line_flush(&l);

	line_start(&l, "drops mesh");
	line_add(&l, "not_peer", c->mesh_not_peer);
	line_add(&l, "truncated", c->mesh_truncated);
	for (i = MESH_OK + 1; i < MESH_NERR; i++)
		line_add(&l, mesh_err_name((enum mesh_err)i), c->mesh_drops[i]);
	for (i = FRAME_OK + 1; i < FRAME_NERR; i++)
		line_add(&l, frame_err_name((enum frame_err)i),
		    c->mesh_frame_drops[i]);
	line_add(&l, "stale", c->mesh_stale);
	line_add(&l, "replay", c->mesh_replay);
	line_add(&l, "ss_refused", c->mesh_ss_refused);
	line_add(&l, "duplicate", c->mesh_duplicate);
	line_add(&l, "rate_peer", c->mesh_rate_peer);
	line_add(&l, "rate_global", c->mesh_rate_global);
	line_add(&l, "kernel_drops", c->mesh_kernel_drops);
	line_flush(&l);
}

void
counters_log_iface(const char *name, const struct iface_counters *ic)
{
	log_info("iface %.64s: captured=%" PRIu64 " emitted=%" PRIu64
	    " truncated=%" PRIu64 " emit_errors=%" PRIu64 " standby=%" PRIu64
	    " kernel_drops=%" PRIu64 " ring=%" PRIu64 " ring_bad=%" PRIu64,
	    name, ic->captured, ic->emitted, ic->truncated, ic->emit_errors,
	    ic->standby, ic->kernel_drops, ic->ring, ic->ring_bad);
}

/* format= is what p is sent now (an auto peer in accept-both can change). */
void
counters_log_peer(const struct peer *p)
{
	const uint8_t	*a = (const uint8_t *)&p->addr;
	char		 buf[16];

	log_info("peer %u.%u.%u.%u:%u: tx=%" PRIu64 " tx_errors=%" PRIu64
	    " rx=%" PRIu64 " rx_dropped=%" PRIu64 " last_error=%s state=%s"
	    " format=%s auth=%s hellos=%" PRIu64 " gso_refused=%u origin=%s"
	    " held=%" PRIu64, a[0], a[1], a[2], a[3], p->port, p->tx,
	    p->tx_errors, p->rx, p->rx_dropped,
	    counters_errno_name(p->last_errno, buf, sizeof(buf)),
	    peer_state_name(p->state), p->native ? "native" : "ss",
	    p->authenticated ? "yes" : "no", p->hellos,
	    (unsigned int)p->gso_refused,
	    p->discovered ? "discovered" : "static", p->held);
}
