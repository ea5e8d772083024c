/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh I/O: datagrams per peer format in one sendmmsg per batch, and the
 * receive decision for each datagram (peer, format, tag, freshness,
 * replay, then HELLO or the frame path with its limits).
 */
#include <sys/socket.h>

#include <errno.h>
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

#define MESHIO_TXMAX	(RELAY_BATCH * MAX_PEERS)
_Static_assert(RELAY_BATCH <= 256 && MAX_PEERS <= 256,
    "meshio_txmap is uint8_t");

/* Which peer and which frame each datagram of a send batch is for. */
struct meshio_txmap {
	uint8_t			 peer;
	uint8_t			 frame;
	uint8_t			 hello;		/* 1: a HELLO, not data */
};

/* Every mesh buffer, allocated once. */
struct meshio_bufs {
	/* Send: one datagram per (frame, peer): header, frame, tag. */
	struct mmsghdr		 tx_msgs[MESHIO_TXMAX];
	struct iovec		 tx_iov[MESHIO_TXMAX][3];
	uint8_t			 tx_hdr[MESHIO_TXMAX][MESH_NATIVE_HLEN];
	uint8_t			 tx_tag[MESHIO_TXMAX][AUTH_TAG_LEN];
	struct meshio_txmap	 tx_map[MESHIO_TXMAX];
	uint8_t			 fwd_sent[RELAY_BATCH];

	/* Receive. */
	uint8_t			 rx_data[RELAY_BATCH][MESH_NATIVE_OVERHEAD +
				    FRAME_MAX];
	struct sockaddr_in	 rx_from[RELAY_BATCH];
	struct iovec		 rx_iov[RELAY_BATCH];
	struct mmsghdr		 rx_msgs[RELAY_BATCH];
	struct relay_emit	 em[RELAY_BATCH];
};

static void	 meshio_build(struct relay *, size_t, size_t, uint8_t,
		    const uint8_t *, size_t, const struct relay_now *);
static void	 meshio_flush(struct relay *, size_t,
		    const struct relay_now *);
static void	 meshio_count(struct relay *, size_t, int, time_t);
static size_t	 meshio_failed(struct relay *, size_t, size_t *, int,
		    time_t);
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

/*
 * Fill datagram k of the send batch for peer pi: "SS" + payload, or the
 * native header + payload + tag, where a DATA payload loses its Ethernet
 * header (MESH_F_L3). Every native datagram has its own sequence number,
 * which the tag covers (and which is UMAC's nonce), so the tag cannot be
 * shared between peers even when they use the same key: one tag per
 * datagram.
 */
static void
meshio_build(struct relay *r, size_t k, size_t pi, uint8_t type,
    const uint8_t *payload, size_t len, const struct relay_now *now)
{
	struct meshio_bufs	*b = r->mb;
	struct peer		*p = &r->peers.peers[pi];
	struct msghdr		*h = &b->tx_msgs[k].msg_hdr;
	struct iovec		*iov = b->tx_iov[k];
	struct auth_key		*key;
	struct mesh_hdr		 hdr;

	memset(h, 0, sizeof(*h));
	h->msg_name = &r->peer_sa[pi];
	h->msg_namelen = sizeof(r->peer_sa[pi]);
	h->msg_iov = iov;
	if (!p->native && type == MESH_TYPE_DATA) {
		iov[0].iov_base = (void *)mesh_ss_magic;
		iov[0].iov_len = MESH_SS_HLEN;
		iov[1].iov_base = (void *)payload;
		iov[1].iov_len = len;
		h->msg_iovlen = 2;
		return;
	}
	/*
	 * The receiver emits with its own Ethernet header: only the IPv4
	 * packet goes, so a 1442-byte frame (1400-byte UDP payload) is one
	 * 1496-byte IP datagram, not two fragments, on a 1500-byte MTU.
	 * A captured frame passed validation: len > ETH_HLEN_.
	 */
	hdr.flags = 0;
	if (type == MESH_TYPE_DATA) {
		payload += ETH_HLEN_;
		len -= ETH_HLEN_;
		hdr.flags = MESH_F_L3;
	}
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = len;
	/* The configuration gives every native mode at least one key. */
	key = auth_key_find(&r->auth.keys, peer_send_key_id(p, &r->auth.keys));
	if (key == NULL)
		fatalx("mesh: no key to send with (mode %d)", r->auth.mode);
	hdr.type = type;
	hdr.key_id = key->id;
	hdr.len = (uint16_t)len;
	hdr.relay_id = r->auth.relay_id;
	hdr.timestamp = now->wall;
	hdr.seq = r->auth.seq++;
	mesh_native_header(b->tx_hdr[k], &hdr);
	/* UMAC's nonce: relay id, timestamp, sequence number (see mesh.h). */
	auth_tag(key, b->tx_hdr[k] + MESH_NONCE_OFF, b->tx_hdr[k],
	    MESH_NATIVE_HLEN, payload, len, b->tx_tag[k]);
	iov[0].iov_base = b->tx_hdr[k];
	iov[0].iov_len = MESH_NATIVE_HLEN;
	iov[2].iov_base = b->tx_tag[k];
	iov[2].iov_len = AUTH_TAG_LEN;
	h->msg_iovlen = 3;
}

void
meshio_forward(struct relay *r, const struct relay_fwd *fwd, size_t nfwd,
    const struct relay_now *now)
{
	struct meshio_bufs	*b = r->mb;
	size_t			 f, p, k = 0;

	for (f = 0; f < nfwd; f++) {
		for (p = 0; p < r->peers.npeers; p++, k++) {
			meshio_build(r, k, p, MESH_TYPE_DATA, fwd[f].frame,
			    fwd[f].len, now);
			b->tx_map[k].peer = (uint8_t)p;
			b->tx_map[k].frame = (uint8_t)f;
			b->tx_map[k].hello = 0;
		}
		b->fwd_sent[f] = 0;
	}
	meshio_flush(r, k, now);
	for (f = 0; f < nfwd; f++)
		r->c.forwarded += b->fwd_sent[f];
}

void
meshio_send_hello(struct relay *r, const uint8_t *payload, size_t len,
    const struct relay_now *now)
{
	struct meshio_bufs	*b = r->mb;
	size_t			 p, k = 0;

	for (p = 0; p < r->peers.npeers; p++) {
		if (!r->peers.peers[p].hello)
			continue;
		meshio_build(r, k, p, MESH_TYPE_HELLO, payload, len, now);
		b->tx_map[k].peer = (uint8_t)p;
		b->tx_map[k].frame = 0;
		b->tx_map[k].hello = 1;
		k++;
	}
	if (k > 0)
		meshio_flush(r, k, now);
}

/* Send datagrams [0, k): one sendmmsg, again after a partial send. */
static void
meshio_flush(struct relay *r, size_t k, const struct relay_now *now)
{
	struct meshio_bufs	*b = r->mb;
	size_t			 off = 0, j;
	int			 n;

	while (off < k) {
		n = sendmmsg(r->mesh_fd, &b->tx_msgs[off],
		    (unsigned int)(k - off), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			for (j = off; j < off + (size_t)n; j++)
				meshio_count(r, j, 0, now->sec);
			off += (size_t)n;
		} else
			off = meshio_failed(r, off, &k,
			    n == -1 ? errno : EIO, now->sec);
	}
}

/* Count the outcome of datagram j: HELLOs only show up as peer errors. */
static void
meshio_count(struct relay *r, size_t j, int err, time_t now)
{
	struct meshio_bufs	*b = r->mb;
	struct peer		*p = &r->peers.peers[b->tx_map[j].peer];

	if (b->tx_map[j].hello) {
		peer_hello_sent(p, err, now);
		return;
	}
	peer_sent(p, err, now);
	if (err == 0) {
		r->c.mesh_tx++;
		b->fwd_sent[b->tx_map[j].frame] = 1;
	} else
		r->c.mesh_tx_errors++;
}

/*
 * Datagram off of the batch failed with err. Count it against its peer
 * and decide what else cannot go: a full socket stops the whole batch, a
 * datagram-size problem only this datagram, anything else (no route,
 * refused, firewall) this peer for the rest of the batch. Returns the
 * next index to send; *k shrinks when the batch is compacted.
 */
static size_t
meshio_failed(struct relay *r, size_t off, size_t *k, int err, time_t now)
{
	struct meshio_bufs	*b = r->mb;
	struct peer		*p = &r->peers.peers[b->tx_map[off].peer];
	uint8_t			 dead = b->tx_map[off].peer;
	char			 addr[32];
	size_t			 j, w;

	if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS ||
	    err == ENOMEM || err == EINTR) {
		if (log_ratelimit_ok(&r->tx_rl, now))
			log_warnx("mesh: send: %s (%zu datagrams dropped)",
			    strerror(err), *k - off);
		for (j = off; j < *k; j++)
			meshio_count(r, j, err, now);
		return *k;
	}
	if (log_ratelimit_ok(&r->tx_rl, now)) {
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_warnx("mesh: send to %s: %s", addr, strerror(err));
	}
	if (err == EMSGSIZE || err == EINVAL) {
		meshio_count(r, off, err, now);
		return off + 1;
	}
	for (j = w = off; j < *k; j++) {
		if (b->tx_map[j].peer == dead) {
			meshio_count(r, j, err, now);
			continue;
		}
		/* The iovec stays where it is; only the header moves. */
		b->tx_msgs[w] = b->tx_msgs[j];
		b->tx_map[w] = b->tx_map[j];
		w++;
	}
	*k = w;
	return off;
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
 * Put an Ethernet header in front of the IPv4 packet of a MESH_F_L3 DATA
 * datagram, in place: the 14 bytes before the payload are header bytes
 * 10..23 (relay id, timestamp, sequence number), all parsed already. The
 * destination is broadcast and the type IPv4, as frame_validate wants;
 * the source stays zero, as frame_rewrite sets it before any emission.
 */
static uint8_t *
meshio_l3_frame(uint8_t *dgram)
{
	uint8_t	*frame = dgram + MESH_NATIVE_HLEN - ETH_HLEN_;

	memset(frame, 0xff, 6);
	memset(frame + 6, 0, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	return frame;
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
		return meshio_frame(r, p, meshio_l3_frame(dgram),
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
