/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The capture side of the data path: batched capture -> validate -> relay
 * MAC, rate and duplicate checks -> mesh (meshtx.c), and emission of
 * frames from the mesh on every slot. Also the relay's set-up.
 */
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <linux/sock_diag.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "drain.h"
#include "frame.h"
#include "hello.h"
#include "meshio.h"
#include "meshtx.h"
#include "relay.h"

#define RELAY_CMSG_LEN	CMSG_SPACE(sizeof(struct tpacket_auxdata))

union relay_cmsg {
	struct cmsghdr		 hdr;
	uint8_t			 buf[RELAY_CMSG_LEN];
};

/* The capture and emission buffers, allocated once. */
struct relay_bufs {
	/* Capture: one batch from an AF_PACKET socket. */
	uint8_t			 cap_data[RELAY_BATCH][FRAME_MAX];
	struct iovec		 cap_iov[RELAY_BATCH];
	union relay_cmsg	 cap_ctl[RELAY_BATCH];
	struct mmsghdr		 cap_msgs[RELAY_BATCH];
	struct relay_fwd	 fwd[RELAY_BATCH];

	/* Emission: per-slot copies when there is more than one slot. */
	uint8_t			 em_copy[RELAY_BATCH][FRAME_MAX];
	struct iovec		 em_iov[RELAY_BATCH];
	struct mmsghdr		 em_msgs[RELAY_BATCH];
};

static void	 relay_capture_cb(int, short, void *);
static int	 relay_capture_batch(struct relay *, struct relay_slot *);
static unsigned int relay_auxflags(struct msghdr *);
static int	 relay_capture_one(struct relay *, struct relay_slot *, int,
		    const struct relay_now *, struct relay_fwd *);
static void	 relay_capture_dropped(struct relay *, const struct relay_slot *,
		    const char *, const struct relay_now *);
static const char *relay_capture_limits(struct relay *,
		    const struct relay_fwd *, const struct relay_now *);
static void	 relay_emit(struct relay *, struct relay_slot *,
		    const struct relay_emit *, size_t, const struct relay_now *);
static void	 relay_emit_send(struct relay *, struct relay_slot *, size_t,
		    time_t);

uint64_t
relay_now_ns(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void
relay_clock(struct relay_now *now)
{
	struct timespec	 ts;

	now->ns = relay_now_ns();
	now->sec = (time_t)(now->ns / 1000000000ULL);
	now->ms = now->ns / 1000000;
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		memset(&ts, 0, sizeof(ts));
	now->wall = (uint32_t)ts.tv_sec;
}

int
relay_debug_ok(struct relay *r, time_t now)
{
	/* Only consult the limiter when the line would be kept at all. */
	return log_getlevel() >= LOG_DEBUG &&
	    log_ratelimit_ok(&r->drop_rl, now);
}

void
relay_addr(char *buf, size_t len, uint32_t addr, uint16_t port)
{
	const uint8_t	*a = (const uint8_t *)&addr;

	snprintf(buf, len, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], port);
}

struct relay *
relay_new(void)
{
	struct relay		*r;
	struct relay_bufs	*b;
	int			 i;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (b = calloc(1, sizeof(*b))) == NULL ||
	    /* A set of four ways is one 64-byte cache line: one miss per frame. */
	    (r->dedup_table = aligned_alloc(64, RELAY_DEDUP_SETS * DEDUP_WAYS *
	    sizeof(*r->dedup_table))) == NULL ||
	    (r->src_table = calloc(RELAY_SOURCE_SETS * RLTABLE_WAYS,
	    sizeof(*r->src_table))) == NULL)
		fatal("relay buffers");
	r->b = b;
	r->mesh_fd = -1;
	peer_table_init(&r->peers);
	r->tx_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 5);
	r->rx_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 5);
	r->drop_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(1, 20);
	auth_keyring_init(&r->auth.keys);
	auth_keyring_init(&r->auth.old);
	meshio_init(r);
	meshtx_init(r);
	drain_init(r);

	/* Everything that does not change per packet is set up once here. */
	for (i = 0; i < RELAY_BATCH; i++) {
		b->cap_iov[i].iov_base = b->cap_data[i];
		b->cap_iov[i].iov_len = sizeof(b->cap_data[i]);
		b->cap_msgs[i].msg_hdr.msg_iov = &b->cap_iov[i];
		b->cap_msgs[i].msg_hdr.msg_iovlen = 1;
		b->cap_msgs[i].msg_hdr.msg_control = &b->cap_ctl[i];

		/* msg_name stays NULL: the AF_PACKET socket is bound. */
		b->em_msgs[i].msg_hdr.msg_iov = &b->em_iov[i];
		b->em_msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return r;
}

int
relay_set_ports(struct relay *r, const uint16_t *ports, size_t nports)
{
	size_t	 i;

	for (i = 0; i < nports && i < MAX_PORTS; i++)
		if (ports[i] == 0)
			break;
	if (nports == 0 || nports > MAX_PORTS || i < nports) {
		errno = EINVAL;
		return -1;
	}
	memcpy(r->ports, ports, nports * sizeof(ports[0]));
	r->nports = nports;
	return 0;
}

int
relay_configure(struct relay *r, const struct relay_options *o)
{
	if (o->mode > MESH_AUTH_REQUIRED || o->hello_interval < 1 ||
	    o->hello_interval > 3600 || o->freshness < 1 ||
	    o->freshness > 3600 || o->dedup_window_ms < 1 ||
	    o->dedup_window_ms > 60000 ||
	    dedup_init(&r->dedup, r->dedup_table, RELAY_DEDUP_SETS,
	    o->hashkey, o->dedup_window_ms) == -1 ||
	    rltable_init(&r->src_rl, r->src_table, RELAY_SOURCE_SETS,
	    o->hashkey + 16, &o->rate_source) == -1 ||
	    o->coalesce_pps > COALESCE_PPS_MAX ||
	    o->coalesce_us < COALESCE_INTERVAL_MIN ||
	    o->coalesce_us > COALESCE_INTERVAL_MAX) {
		errno = EINVAL;
		return -1;
	}
	r->auth.mode = o->mode;
	r->auth.hello_interval = o->hello_interval;
	r->auth.freshness = o->freshness;
	r->auth.relay_id = o->relay_id;
	r->auth.seq = o->seq;
	r->rate_peer = o->rate_peer;
	r->rate_global = o->rate_global;
	memset(&r->global_bucket, 0, sizeof(r->global_bucket));
	coalesce_init(&r->load, o->coalesce_pps, o->coalesce_us);
	return 0;
}

int
relay_add_slot(struct relay *r, int fd, int ifindex, const char *ifname,
    const uint8_t mac[6], uint32_t bcast)
{
	struct relay_slot	*s;

	if (r->nslots >= MAX_IFACES) {
		errno = ENOSPC;
		return -1;
	}
	s = &r->slots[r->nslots++];
	memset(s, 0, sizeof(*s));
	s->relay = r;
	s->fd = fd;
	s->ifindex = ifindex;
	log_escape(s->name, sizeof(s->name), ifname, IFNAMSIZ);
	memcpy(s->mac, mac, sizeof(s->mac));
	s->bcast = bcast;
	s->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 5);
	capring_init(&s->ring);
	return 0;
}

int
relay_add_peer(struct relay *r, uint32_t addr, uint16_t port)
{
	struct sockaddr_in	*sin;

	if (peer_add(&r->peers, addr, port) == -1)
		return -1;
	sin = &r->peer_sa[r->peers.npeers - 1];
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	sin->sin_port = htons(port);
	return peer_set_format(&r->peers.peers[r->peers.npeers - 1],
	    PEER_FORMAT_AUTO, r->auth.mode);
}

/* peer_remove, and the peer's send address with it. */
void
relay_remove_peer(struct relay *r, size_t i)
{
	if (i >= r->peers.npeers)
		return;
	peer_remove(&r->peers, i);
	memmove(&r->peer_sa[i], &r->peer_sa[i + 1],
	    (r->peers.npeers - i) * sizeof(r->peer_sa[0]));
}

int
relay_set_peer_format(struct relay *r, enum peer_format format)
{
	if (r->peers.npeers == 0) {
		errno = EINVAL;
		return -1;
	}
	return peer_set_format(&r->peers.peers[r->peers.npeers - 1], format,
	    r->auth.mode);
}

int
relay_start(struct relay *r, struct event_base *base, int mesh_fd)
{
	struct relay_slot	*s;
	size_t			 i;

	for (i = 0; i < r->nslots; i++) {
		s = &r->slots[i];
		s->ev = event_new(base, s->fd, EV_READ | EV_PERSIST,
		    relay_capture_cb, s);
		/*
		 * Capture first: when a local frame and a mesh copy of it
		 * are ready in the same loop, the local one is recorded in
		 * the dedup cache first and the mesh copy is the duplicate.
		 */
		if (s->ev == NULL ||
		    event_priority_set(s->ev, RELAY_PRIO_CAPTURE) == -1 ||
		    event_add(s->ev, NULL) == -1 || capring_start(s, base) == -1)
			return -1;
	}
	r->mesh_fd = mesh_fd;
	if (meshio_start(r, base) == -1 || drain_start(r, base) == -1)
		return -1;
	return hello_start(r, base);
}

/* A slot's socket is readable: drain a bounded number of batches. */
static void
relay_capture_cb(int fd, short events, void *arg)
{
	struct relay_slot	*s = arg;
	int			 total;

	total = relay_capture_drain(s->relay, s, RELAY_DRAIN);
	/*
	 * Every batch was full: more is waiting. libevent runs no lower
	 * priority while a higher one has active events, so a sustained
	 * local flood would starve the mesh event: serve one mesh batch
	 * here, after the local frames are in the dedup cache.
	 */
	if (total == RELAY_DRAIN * RELAY_BATCH)
		total += meshio_receive(s->relay);
	drain_after_wakeup(s->relay, total);
}

int
relay_capture_drain(struct relay *r, struct relay_slot *s, int max)
{
	int	 b, n, total = 0;

	for (b = 0; b < max; b++) {
		total += n = relay_capture_batch(r, s);
		if (n < RELAY_BATCH)
			break;
	}
	return total;
}

/* Read one batch from a slot, check it, send the good frames to the mesh. */
static int
relay_capture_batch(struct relay *r, struct relay_slot *s)
{
	struct relay_bufs	*b = r->b;
	struct relay_now	 now;
	size_t			 nfwd = 0;
	int			 i, n;

	for (i = 0; i < RELAY_BATCH; i++) {
		b->cap_msgs[i].msg_hdr.msg_controllen = sizeof(b->cap_ctl[i]);
		b->cap_msgs[i].msg_hdr.msg_flags = 0;
	}
	n = recvmmsg(s->fd, b->cap_msgs, RELAY_BATCH, MSG_DONTWAIT | MSG_TRUNC,
	    NULL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			relay_clock(&now);
			if (log_ratelimit_ok(&s->rl, now.sec))
				log_warn("%s: capture", s->name);
		}
		return 0;
	}
	relay_clock(&now);
	for (i = 0; i < n; i++)
		if (relay_capture_one(r, s, i, &now, &b->fwd[nfwd]))
			nfwd++;
	nfwd = relay_capture_admit(r, b->fwd, nfwd, &now);
	/* Without peers the frames are counted as captured and go nowhere. */
	if (nfwd > 0 && r->peers.npeers > 0)
		meshtx_forward(r, b->fwd, nfwd, &now);
	return n;
}

/* See relay.h. */
unsigned int
relay_status_flags(uint32_t tp_status)
{
	/* Checksum offload: the UDP checksum is not filled in yet. */
	if (tp_status & TP_STATUS_CSUMNOTREADY)
		return FRAME_F_CSUM_NOTREADY;
	/* The kernel verified the UDP checksum: do not read it again. */
	if (tp_status & TP_STATUS_CSUM_VALID)
		return FRAME_F_CSUM_VALID;
	return 0;
}

/* The validation flags the packet socket's auxiliary data asks for. */
static unsigned int
relay_auxflags(struct msghdr *mh)
{
	struct cmsghdr		*cm;
	struct tpacket_auxdata	 aux;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_PACKET ||
		    cm->cmsg_type != PACKET_AUXDATA ||
		    cm->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
		return relay_status_flags(aux.tp_status);
	}
	return 0;
}

/* Check captured message i; 1 and *fwd filled if it is to be forwarded. */
static int
relay_capture_one(struct relay *r, struct relay_slot *s, int i,
    const struct relay_now *now, struct relay_fwd *fwd)
{
	struct mmsghdr	*m = &r->b->cap_msgs[i];

	/* With MSG_TRUNC msg_len is the real length. */
	return relay_capture_frame(r, s, r->b->cap_data[i], m->msg_len,
	    (m->msg_hdr.msg_flags & MSG_TRUNC) != 0,
	    relay_auxflags(&m->msg_hdr), now, fwd);
}

/* See relay.h. Too long or cut: dropped, never forwarded cut. */
int
relay_capture_frame(struct relay *r, struct relay_slot *s, uint8_t *frame,
    size_t len, int truncated, unsigned int flags, const struct relay_now *now,
    struct relay_fwd *fwd)
{
	struct frame_info	 info;
	enum frame_err		 err;

	if (len > FRAME_MAX || truncated) {
		r->c.cap_truncated++;
		s->c.truncated++;
		if (relay_debug_ok(r, now->sec))
			log_debug("%s: captured frame of %zu bytes dropped: "
			    "truncated", s->name, len);
		return 0;
	}
	err = frame_validate(frame, len, r->ports, r->nports,
	    flags | FRAME_F_CSUM_LAZY, &info);
	if (err != FRAME_OK) {
		r->c.cap_drops[err < FRAME_NERR ? err : FRAME_OK]++;
		relay_capture_dropped(r, s, frame_err_name(err), now);
		return 0;
	}
	/* The duplicate key reads the checksum: finish it first. */
	if ((flags & FRAME_F_CSUM_NOTREADY) || info.csum_partial) {
		frame_finish_udp_csum(frame, &info);
		r->c.csum_completed++;
	}
	fwd->frame = frame;
	fwd->len = info.len;
	fwd->key = relay_frame_key(r, frame, &info);
	fwd->src_ip = info.src_ip;
	fwd->slot = s;
	return 1;
}

/* See relay.h. */
uint64_t
relay_frame_key(struct relay *r, const uint8_t *frame,
    const struct frame_info *info)
{
	uint64_t	 key;

	key = dedup_hash_udp(&r->dedup, info->src_ip, info->dst_ip,
	    frame + info->udp_off, info->udp_len);
	dedup_prefetch(&r->dedup, key);
	return key;
}

/* Debug line for a captured frame dropped for why, rate-limited. */
static void
relay_capture_dropped(struct relay *r, const struct relay_slot *s,
    const char *why, const struct relay_now *now)
{
	if (relay_debug_ok(r, now->sec))
		log_debug("%s: captured frame dropped: %s", s->name, why);
}

/* See relay.h. */
size_t
relay_capture_admit(struct relay *r, struct relay_fwd *fwd, size_t n,
    const struct relay_now *now)
{
	struct relay_slot	*s;
	const char		*why;
	size_t			 i, k = 0;

	for (i = 0; i < n; i++) {
		s = fwd[i].slot;
		if ((why = relay_capture_limits(r, &fwd[i], now)) != NULL) {
			relay_capture_dropped(r, s, why, now);
			continue;
		}
		r->c.captured++;
		s->c.captured++;
		fwd[k++] = fwd[i];
	}
	return k;
}

/*
 * The checks after validation, in order: sent by another relay of the
 * mesh, over its source's rate, seen already (here or from the mesh),
 * over the global rate. NULL if the frame passes, else the counted reason.
 */
static const char *
relay_capture_limits(struct relay *r, const struct relay_fwd *f,
    const struct relay_now *now)
{
	struct peer	*p;
	unsigned int	 slot = (unsigned int)(f->slot - r->slots);
	uint64_t	 h = f->key;

	/*
	 * Our own MACs are not in the set: local programs use them. A
	 * peer's MAC also tells us that peer shares this slot's segment.
	 */
	if ((p = peer_seen_on_slot(&r->peers, f->frame + 6, slot)) != NULL) {
		if (p->state == PEER_UP && p->relay_id > r->auth.relay_id)
			r->announce = 1;
		/*
		 * Another relay emitted it here: remember it, so that our
		 * own mesh copy, if it comes later, is not emitted again.
		 */
		(void)dedup_check(&r->dedup, h, now->ms);
		r->c.cap_relay_mac++;
		return "relay_mac";
	}
	if (!rltable_take(&r->src_rl, f->src_ip, now->ns)) {
		r->c.cap_rate_source++;
		return "rate_source";
	}
	if (dedup_check(&r->dedup, h, now->ms)) {
		r->c.cap_duplicate++;
		return "duplicate";
	}
	if (!tbucket_take(&r->global_bucket, &r->rate_global, now->ns)) {
		r->c.cap_rate_global++;
		return "rate_global";
	}
	return NULL;
}

void
relay_emit_frames(struct relay *r, const struct relay_emit *em, size_t n,
    const struct relay_now *now)
{
	size_t	 i;

	/* Split horizon: frames from the mesh only go out on local slots. */
	for (i = 0; i < r->nslots; i++)
		relay_emit(r, &r->slots[i], em, n, now);
}

/*
 * Rewrite n frames for slot s and send them. With one slot the frames
 * are rewritten in place; with more, each slot rewrites its own copy so
 * the next slot starts from the frame as received.
 */
static void
relay_emit(struct relay *r, struct relay_slot *s, const struct relay_emit *em,
    size_t n, const struct relay_now *now)
{
	struct relay_bufs	*b = r->b;
	struct frame_info	 info;
	uint8_t			*frame;
	size_t			 i;

	/* Another relay on this segment with a lower relay id emits them. */
	if (!peer_designated(&r->peers, (unsigned int)(s - r->slots),
	    r->auth.relay_id)) {
		s->c.standby += n;
		return;
	}
	for (i = 0; i < n; i++) {
		info = em[i].info;
		if (r->nslots == 1)
			frame = em[i].frame;
		else {
			frame = b->em_copy[i];
			memcpy(frame, em[i].frame, info.len);
		}
		if (frame_rewrite(frame, &info, s->mac, s->bcast))
			r->c.rewritten++;
		b->em_iov[i].iov_base = frame;
		b->em_iov[i].iov_len = info.len;
	}
	relay_emit_send(r, s, n, now->sec);
}

/* One sendmmsg per batch on the slot's bound AF_PACKET socket. */
static void
relay_emit_send(struct relay *r, struct relay_slot *s, size_t n, time_t now)
{
	struct relay_bufs	*b = r->b;
	size_t			 off = 0, skip;
	int			 sent, err;

	while (off < n) {
		sent = sendmmsg(s->fd, &b->em_msgs[off],
		    (unsigned int)(n - off), MSG_DONTWAIT);
		if (sent > 0) {
			s->c.emitted += (uint64_t)sent;
			r->c.emitted += (uint64_t)sent;
			off += (size_t)sent;
			continue;
		}
		err = sent == -1 ? errno : EIO;
		/* A frame too big for the link fails alone, else the rest. */
		skip = (err == EMSGSIZE || err == EINVAL) ? 1 : n - off;
		s->c.emit_errors += skip;
		r->c.emit_errors += skip;
		off += skip;
		if (log_ratelimit_ok(&s->rl, now))
			log_warnx("%s: emit: %s", s->name, strerror(err));
	}
}

/*
 * The mesh socket's drop count (buffer full, or refused by the helper's
 * source filter): cumulative since the socket was opened, not reset.
 */
static void
relay_mesh_kernel_drops(struct relay *r)
{
	uint32_t	 mi[SK_MEMINFO_VARS];
	socklen_t	 len = sizeof(mi);

	if (r->mesh_fd == -1)
		return;
	memset(mi, 0, sizeof(mi));
	/* The sandbox allows SO_MEMINFO besides PACKET_STATISTICS. */
	if (getsockopt(r->mesh_fd, SOL_SOCKET, SO_MEMINFO, mi, &len) == -1) {
		log_warn("mesh: SO_MEMINFO");
		return;
	}
	if (len >= (SK_MEMINFO_DROPS + 1) * sizeof(mi[0]))
		r->c.mesh_kernel_drops = mi[SK_MEMINFO_DROPS];
}

/*
 * The kernel's drops on packet socket fd since the last call
 * (PACKET_STATISTICS resets them); 0 and a warning if it cannot tell.
 * A V3 ring socket reports tpacket_stats_v3, whose first two fields these
 * are.
 */
static uint64_t
relay_packet_drops(int fd, const char *name, const char *which)
{
	struct tpacket_stats	 st;
	socklen_t		 len = sizeof(st);

	memset(&st, 0, sizeof(st));
	/* One of the two getsockopt calls the sandbox allows. */
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == -1) {
		log_warn("%s: PACKET_STATISTICS%s", name, which);
		return 0;
	}
	return st.tp_drops;
}

void
relay_kernel_stats(struct relay *r)
{
	struct relay_slot	*s;
	size_t			 i;

	for (i = 0; i < r->nslots; i++) {
		s = &r->slots[i];
		s->c.kernel_drops += relay_packet_drops(s->fd, s->name, "");
		/* A full capture ring counts with the slot. */
		if (s->ring.fd != -1)
			s->c.kernel_drops += relay_packet_drops(s->ring.fd,
			    s->name, " of the capture ring");
	}
	relay_mesh_kernel_drops(r);
}

void
relay_log_counters(struct relay *r)
{
	size_t	 i;

	relay_kernel_stats(r);

	counters_log(&r->c);
	for (i = 0; i < r->nslots; i++)
		counters_log_iface(r->slots[i].name, &r->slots[i].c);
	for (i = 0; i < r->peers.npeers; i++)
		counters_log_peer(&r->peers.peers[i]);
	drain_log(r);
}
