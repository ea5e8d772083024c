/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh receive: the decision for each datagram (peer, format, tag,
 * freshness, replay, then HELLO or the frame path with its limits). The
 * send side is meshtx.c.
 */
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "drain.h"
#include "frame.h"
#include "hello.h"
#include "mesh.h"
#include "meshio.h"
#include "replay.h"

/* Every mesh receive buffer, allocated once. */
struct meshio_bufs {
	uint8_t			 rx_data[RELAY_BATCH][MESH_NATIVE_OVERHEAD +
				    FRAME_MAX];
	struct sockaddr_in	 rx_from[RELAY_BATCH];
	struct iovec		 rx_iov[RELAY_BATCH];
	struct mmsghdr		 rx_msgs[RELAY_BATCH];
	struct relay_emit	 em[RELAY_BATCH];
};

static void	 meshio_cb(int, short, void *);
static void	 meshio_drop(struct relay *, struct peer *, time_t,
		    const char *);
static int	 meshio_accept(struct relay *, int, const struct relay_now *,
		    struct relay_emit *);
static int	 meshio_native(struct relay *, struct peer *, uint8_t *,
		    size_t, const struct relay_now *, struct relay_emit *);
static size_t	 meshio_admit(struct relay *, struct relay_emit *, size_t,
		    const struct relay_now *);
static int	 meshio_frame(struct relay *, struct peer *, uint8_t *,
		    size_t, unsigned int, const struct relay_now *,
		    struct relay_emit *);

void
meshio_init(struct relay *r)
{
	struct meshio_bufs	*b;
	int			 i;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("mesh buffers");
	r->mb = b;
	for (i = 0; i < RELAY_BATCH; i++) {
		b->rx_iov[i].iov_base = b->rx_data[i];
		b->rx_iov[i].iov_len = sizeof(b->rx_data[i]);
		b->rx_msgs[i].msg_hdr.msg_iov = &b->rx_iov[i];
		b->rx_msgs[i].msg_hdr.msg_iovlen = 1;
		b->rx_msgs[i].msg_hdr.msg_name = &b->rx_from[i];
	}
}

int
meshio_start(struct relay *r, struct event_base *base)
{
	r->mesh_ev = event_new(base, r->mesh_fd, EV_READ | EV_PERSIST,
	    meshio_cb, r);
	if (r->mesh_ev == NULL ||
	    event_priority_set(r->mesh_ev, RELAY_PRIO_MESH) == -1 ||
	    event_add(r->mesh_ev, NULL) == -1)
		return -1;
	return 0;
}

/* The mesh socket is readable: drain a bounded number of batches. */
static void
meshio_cb(int fd, short events, void *arg)
{
	struct relay	*r = arg;

	drain_after_wakeup(r, meshio_drain(r, RELAY_DRAIN));
}

int
meshio_drain(struct relay *r, int max)
{
	int	 b, n, total = 0;

	for (b = 0; b < max; b++) {
		total += n = meshio_receive(r);
		if (n < RELAY_BATCH)
			break;
	}
	return total;
}

/* Receive a batch of mesh datagrams, emit the good frames on every slot. */
int
meshio_receive(struct relay *r)
{
	struct meshio_bufs	*b = r->mb;
	struct relay_now	 now;
	size_t			 nem = 0;
	int			 n, j;

	for (j = 0; j < RELAY_BATCH; j++) {
		b->rx_msgs[j].msg_hdr.msg_namelen = sizeof(b->rx_from[j]);
		b->rx_msgs[j].msg_hdr.msg_flags = 0;
	}
	n = recvmmsg(r->mesh_fd, b->rx_msgs, RELAY_BATCH,
	    MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (n == -1) {
		/*
		 * An unconnected UDP socket can still report an ICMP error
		 * (ECONNREFUSED, EHOSTUNREACH): count it and carry on.
		 */
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			r->c.mesh_rx_errors++;
			relay_clock(&now);
			if (log_ratelimit_ok(&r->rx_rl, now.sec))
				log_warnx("mesh: receive: %s (%llu so far)",
				    strerror(errno),
				    (unsigned long long)r->c.mesh_rx_errors);
		}
		return 0;
	}
	relay_clock(&now);
	for (j = 0; j < n; j++)
		if (meshio_accept(r, j, &now, &b->em[nem]))
			nem++;
	nem = meshio_admit(r, b->em, nem, &now);
	if (nem > 0)
		relay_emit_frames(r, b->em, nem, &now);
	return n;
}

/* Count a dropped datagram from peer p; debug line, rate-limited. */
static void
meshio_drop(struct relay *r, struct peer *p, time_t now, const char *why)
{
	char	 addr[32];

	p->rx_dropped++;
	if (relay_debug_ok(r, now)) {
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_debug("mesh: datagram from %s dropped: %s", addr, why);
	}
}

/* Check mesh datagram j; 1 and *em filled if its frame is to be emitted. */
static int
meshio_accept(struct relay *r, int j, const struct relay_now *now,
    struct relay_emit *em)
{
	struct meshio_bufs	*b = r->mb;
	struct mmsghdr		*m = &b->rx_msgs[j];
	struct sockaddr_in	*from = &b->rx_from[j];
	struct peer		*p;
	const uint8_t		*frame;
	size_t			 framelen;
	enum mesh_err		 merr;
	char			 addr[32];

	/* The helper's filter drops most others; this check stays. */
	if (m->msg_hdr.msg_namelen < sizeof(*from) ||
	    from->sin_family != AF_INET ||
	    (p = peer_find(&r->peers, from->sin_addr.s_addr)) == NULL) {
		r->c.mesh_not_peer++;
		if (relay_debug_ok(r, now->sec)) {
			relay_addr(addr, sizeof(addr), from->sin_addr.s_addr,
			    ntohs(from->sin_port));
			log_debug("mesh: datagram from %s dropped: not_peer",
			    addr);
		}
		return 0;
	}
	if (m->msg_len > sizeof(b->rx_data[j]) ||
	    (m->msg_hdr.msg_flags & MSG_TRUNC)) {
		r->c.mesh_truncated++;
		meshio_drop(r, p, now->sec, "truncated");
		return 0;
	}
	switch (mesh_kind(b->rx_data[j], m->msg_len)) {
	case MESH_KIND_NATIVE:
		return meshio_native(r, p, b->rx_data[j], m->msg_len, now, em);
	case MESH_KIND_SS:
		/* No downgrade: required mode, or it proved it has a key. */
		if (r->auth.mode == MESH_AUTH_REQUIRED || p->authenticated) {
			r->c.mesh_ss_refused++;
			meshio_drop(r, p, now->sec, "ss_refused");
			return 0;
		}
		break;
	default:
		break;
	}
	merr = mesh_ss_decode(b->rx_data[j], m->msg_len, &frame, &framelen);
	if (merr != MESH_OK) {
		r->c.mesh_drops[merr < MESH_NERR ? merr : MESH_OK]++;
		meshio_drop(r, p, now->sec, mesh_err_name(merr));
		return 0;
	}
	/* "SS" is untrusted and may carry partial checksums: check all. */
	return meshio_frame(r, p, b->rx_data[j] + MESH_SS_HLEN, framelen, 0,
	    now, em);
}

/*
 * A native datagram from p: the tag before anything else (with the
 * current keys, then the accept-only ones), then the header, freshness
 * and replay window. Only then is p authenticated and the payload used.
 */
static int
meshio_native(struct relay *r, struct peer *p, uint8_t *dgram, size_t len,
    const struct relay_now *now, struct relay_emit *em)
{
	struct auth_key		*key;
	struct mesh_hdr		 hdr;
	const uint8_t		*payload;
	enum mesh_err		 merr;
	int32_t			 skew;
	uint32_t		 old_id = p->relay_id;
	char			 addr[32];

	merr = mesh_native_verify(dgram, len, &r->auth.keys, &key);
	if (merr == MESH_NO_KEY && r->auth.old.nkeys > 0)
		merr = mesh_native_verify(dgram, len, &r->auth.old, &key);
	if (merr == MESH_OK)
		merr = mesh_native_parse(dgram, len, &hdr, &payload);
	if (merr != MESH_OK) {
		r->c.mesh_drops[merr < MESH_NERR ? merr : MESH_OK]++;
		meshio_drop(r, p, now->sec, mesh_err_name(merr));
		return 0;
	}
	/* Timestamps are the low 32 bits of the wall clock: wrap-safe. */
	skew = (int32_t)(now->wall - hdr.timestamp);
	if (skew > (int32_t)r->auth.freshness ||
	    skew < -(int32_t)r->auth.freshness) {
		r->c.mesh_stale++;
		meshio_drop(r, p, now->sec, "stale");
		return 0;
	}
	if (replay_check(&p->replay, hdr.seq) == -1) {
		r->c.mesh_replay++;
		meshio_drop(r, p, now->sec, "replay");
		return 0;
	}
	replay_update(&p->replay, hdr.seq);
	if (!peer_takes_data(p, r->auth.mode)) {
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_info("peer %s authenticated: broadcasts go to it from now"
		    " on (%" PRIu64 " held before)", addr, p->held);
	}
	peer_authenticated(p);
	/* Its sequence moved ahead with a new id: a restart, not a replay. */
	if (peer_relay_id(p, hdr.relay_id)) {
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_info("peer %s restarted (relay id %08x -> %08x)", addr,
		    old_id, hdr.relay_id);
	}
	if (hdr.type == MESH_TYPE_HELLO) {
		merr = hello_received(r, p, hdr.relay_id, payload, hdr.len,
		    now);
		if (merr != MESH_OK) {
			r->c.mesh_drops[merr < MESH_NERR ? merr : MESH_OK]++;
			meshio_drop(r, p, now->sec, mesh_err_name(merr));
		}
		return 0;
	}
	/* The tag verified: the sender validated this frame, checksums too. */
	if (hdr.flags & MESH_F_L3)
		return meshio_frame(r, p, mesh_l3_frame(dgram),
		    ETH_HLEN_ + (size_t)hdr.len, FRAME_F_CSUM_VALID, now, em);
	return meshio_frame(r, p, dgram + MESH_NATIVE_HLEN, hdr.len,
	    FRAME_F_CSUM_VALID, now, em);
}

/*
 * 1 (once) if a duplicate must be emitted all the same, so that a relay
 * on our segment with a higher relay id learns we are there.
 */
static int
meshio_announce(struct relay *r)
{
	if (!r->announce)
		return 0;
	r->announce = 0;
	return 1;
}

/*
 * The inner frame of an accepted datagram: validation, the peer's rate,
 * its duplicate key; meshio_admit does the rest (duplicates, captured
 * here or from another peer, and the global rate) for the whole batch.
 * flags are added to the validation flags (FRAME_F_CSUM_VALID).
 */
static int
meshio_frame(struct relay *r, struct peer *p, uint8_t *frame, size_t len,
    unsigned int flags, const struct relay_now *now, struct relay_emit *em)
{
	struct frame_info	*info = &em->info;
	enum frame_err		 ferr;

	ferr = frame_validate(frame, len, r->ports, r->nports,
	    FRAME_F_ACCEPT_PARTIAL | FRAME_F_CSUM_LAZY | flags, info);
	if (ferr != FRAME_OK) {
		r->c.mesh_frame_drops[ferr < FRAME_NERR ? ferr : FRAME_OK]++;
		meshio_drop(r, p, now->sec, frame_err_name(ferr));
		return 0;
	}
	if (!tbucket_take(&p->bucket, &r->rate_peer, now->ns)) {
		r->c.mesh_rate_peer++;
		meshio_drop(r, p, now->sec, "rate_peer");
		return 0;
	}
	/*
	 * SnowSignal forwards offloaded frames as captured: finish them,
	 * before the duplicate key reads the checksum.
	 */
	if (info->csum_partial) {
		frame_finish_udp_csum(frame, info);
		info->csum_partial = 0;
		r->c.csum_completed++;
	}
	em->frame = frame;
	em->peer = p;
	em->key = relay_frame_key(r, frame, info);
	return 1;
}

/*
 * The checks of a batch of frames from meshio_frame that need its
 * whole batch keyed first (dedup_prefetch): duplicates, the global rate.
 * The frames that pass are moved to the front; returns their number.
 */
static size_t
meshio_admit(struct relay *r, struct relay_emit *em, size_t n,
    const struct relay_now *now)
{
	struct peer	*p;
	size_t		 i, k = 0;

	for (i = 0; i < n; i++) {
		p = em[i].peer;
		if (dedup_check(&r->dedup, em[i].key, now->ms) &&
		    !meshio_announce(r)) {
			r->c.mesh_duplicate++;
			meshio_drop(r, p, now->sec, "duplicate");
			continue;
		}
		if (!tbucket_take(&r->global_bucket, &r->rate_global,
		    now->ns)) {
			r->c.mesh_rate_global++;
			meshio_drop(r, p, now->sec, "rate_global");
			continue;
		}
		r->c.mesh_rx++;
		p->rx++;
		em[k++] = em[i];
	}
	return k;
}
