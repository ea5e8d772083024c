/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The data path: batched capture -> validate -> "SS" to every peer, and
 * batched mesh receive -> verify -> rewrite -> emit on every slot.
 */
#include <sys/socket.h>
#include <linux/if_packet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "frame.h"
#include "mesh.h"
#include "relay.h"

#define RELAY_TXMAX	(RELAY_BATCH * MAX_PEERS)
_Static_assert(RELAY_BATCH <= 256 && MAX_PEERS <= 256, "relay_txmap is uint8_t");

/* A captured frame waiting to go to the mesh. */
struct relay_fwd {
	uint8_t			*frame;
	size_t			 len;
};

/* A frame from the mesh waiting to be emitted. */
struct relay_emit {
	uint8_t			*frame;
	struct frame_info	 info;
};

/* Which peer and which frame each mesh datagram of a batch is for. */
struct relay_txmap {
	uint8_t			 peer;
	uint8_t			 frame;
};

#define RELAY_CMSG_LEN	CMSG_SPACE(sizeof(struct tpacket_auxdata))

union relay_cmsg {
	struct cmsghdr		 hdr;
	uint8_t			 buf[RELAY_CMSG_LEN];
};

/* Every buffer the data path uses, allocated once. */
struct relay_bufs {
	/* Capture: one batch from an AF_PACKET socket. */
	uint8_t			 cap_data[RELAY_BATCH][FRAME_MAX];
	struct iovec		 cap_iov[RELAY_BATCH];
	union relay_cmsg	 cap_ctl[RELAY_BATCH];
	struct mmsghdr		 cap_msgs[RELAY_BATCH];
	struct relay_fwd	 fwd[RELAY_BATCH];
	uint8_t			 fwd_sent[RELAY_BATCH];

	/* Mesh send: one datagram per (frame, peer). */
	struct mmsghdr		 tx_msgs[RELAY_TXMAX];
	struct iovec		 tx_iov[RELAY_TXMAX][2];
	struct relay_txmap	 tx_map[RELAY_TXMAX];

	/* Mesh receive. */
	uint8_t			 rx_data[RELAY_BATCH][MESH_SS_HLEN + FRAME_MAX];
	struct sockaddr_in	 rx_from[RELAY_BATCH];
	struct iovec		 rx_iov[RELAY_BATCH];
	struct mmsghdr		 rx_msgs[RELAY_BATCH];
	struct relay_emit	 em[RELAY_BATCH];

	/* Emission: per-slot copies when there is more than one slot. */
	uint8_t			 em_copy[RELAY_BATCH][FRAME_MAX];
	struct iovec		 em_iov[RELAY_BATCH];
	struct mmsghdr		 em_msgs[RELAY_BATCH];
};

static time_t	 relay_now(void);
static int	 relay_debug_ok(struct relay *, time_t);
static void	 relay_addr(char *, size_t, uint32_t, uint16_t);
static void	 relay_capture_cb(int, short, void *);
static int	 relay_capture_batch(struct relay *, struct relay_slot *);
static int	 relay_capture_one(struct relay *, struct relay_slot *, int,
		    time_t, struct relay_fwd *);
static void	 relay_mesh_send(struct relay *, size_t, time_t);
static size_t	 relay_mesh_failed(struct relay *, size_t, size_t *, int,
		    time_t);
static void	 relay_mesh_cb(int, short, void *);
static int	 relay_mesh_batch(struct relay *);
static void	 relay_mesh_drop(struct relay *, struct peer *, time_t,
		    const char *);
static int	 relay_mesh_accept(struct relay *, int, time_t,
		    struct relay_emit *);
static void	 relay_emit(struct relay *, struct relay_slot *, size_t,
		    time_t);
static void	 relay_emit_send(struct relay *, struct relay_slot *, size_t,
		    time_t);

/* Monotonic seconds, for rate limits and peer error times. */
static time_t
relay_now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return ts.tv_sec;
}

/* 1 if a per-packet debug line may be logged now. */
static int
relay_debug_ok(struct relay *r, time_t now)
{
	/* Only consult the limiter when the line would be kept at all. */
	return log_getlevel() >= LOG_DEBUG &&
	    log_ratelimit_ok(&r->drop_rl, now);
}

/* "a.b.c.d:port" of a network-order address. */
static void
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
	    (b = calloc(1, sizeof(*b))) == NULL)
		fatal("relay buffers");
	r->b = b;
	r->mesh_fd = -1;
	peer_table_init(&r->peers);
	r->tx_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 5);
	r->rx_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 5);
	r->drop_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(1, 20);

	/* Everything that does not change per packet is set up once here. */
	for (i = 0; i < RELAY_BATCH; i++) {
		b->cap_iov[i].iov_base = b->cap_data[i];
		b->cap_iov[i].iov_len = sizeof(b->cap_data[i]);
		b->cap_msgs[i].msg_hdr.msg_iov = &b->cap_iov[i];
		b->cap_msgs[i].msg_hdr.msg_iovlen = 1;
		b->cap_msgs[i].msg_hdr.msg_control = &b->cap_ctl[i];

		b->rx_iov[i].iov_base = b->rx_data[i];
		b->rx_iov[i].iov_len = sizeof(b->rx_data[i]);
		b->rx_msgs[i].msg_hdr.msg_iov = &b->rx_iov[i];
		b->rx_msgs[i].msg_hdr.msg_iovlen = 1;
		b->rx_msgs[i].msg_hdr.msg_name = &b->rx_from[i];

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
	return 0;
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
		if (s->ev == NULL || event_add(s->ev, NULL) == -1)
			return -1;
	}
	r->mesh_fd = mesh_fd;
	r->mesh_ev = event_new(base, r->mesh_fd, EV_READ | EV_PERSIST,
	    relay_mesh_cb, r);
	if (r->mesh_ev == NULL || event_add(r->mesh_ev, NULL) == -1)
		return -1;
	return 0;
}

/* A slot's socket is readable: drain a bounded number of batches. */
static void
relay_capture_cb(int fd, short events, void *arg)
{
	struct relay_slot	*s = arg;
	int			 i;

	for (i = 0; i < RELAY_DRAIN; i++)
		if (relay_capture_batch(s->relay, s) < RELAY_BATCH)
			break;
}

/* Read one batch from a slot, validate it, send the good frames to the mesh. */
static int
relay_capture_batch(struct relay *r, struct relay_slot *s)
{
	struct relay_bufs	*b = r->b;
	time_t			 now;
	size_t			 nfwd = 0;
	int			 i, n;

	for (i = 0; i < RELAY_BATCH; i++) {
		b->cap_msgs[i].msg_hdr.msg_controllen = sizeof(b->cap_ctl[i]);
		b->cap_msgs[i].msg_hdr.msg_flags = 0;
	}
	n = recvmmsg(s->fd, b->cap_msgs, RELAY_BATCH, MSG_DONTWAIT | MSG_TRUNC,
	    NULL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    log_ratelimit_ok(&s->rl, relay_now()))
			log_warn("%s: capture", s->name);
		return 0;
	}
	now = relay_now();
	for (i = 0; i < n; i++)
		if (relay_capture_one(r, s, i, now, &b->fwd[nfwd]))
			nfwd++;
	/* Without peers the frames are counted as captured and go nowhere. */
	if (nfwd > 0 && r->peers.npeers > 0)
		relay_mesh_send(r, nfwd, now);
	return n;
}

/* Check captured message i; 1 and *fwd filled if it is to be forwarded. */
static int
relay_capture_one(struct relay *r, struct relay_slot *s, int i, time_t now,
    struct relay_fwd *fwd)
{
	struct mmsghdr		*m = &r->b->cap_msgs[i];
	struct cmsghdr		*cm;
	struct tpacket_auxdata	 aux;
	struct frame_info	 info;
	enum frame_err		 err;
	unsigned int		 flags = 0;

	/* With MSG_TRUNC msg_len is the real length: drop, never cut. */
	if (m->msg_len > FRAME_MAX || (m->msg_hdr.msg_flags & MSG_TRUNC)) {
		r->c.cap_truncated++;
		s->c.truncated++;
		if (relay_debug_ok(r, now))
			log_debug("%s: captured frame of %u bytes dropped: "
			    "truncated", s->name, m->msg_len);
		return 0;
	}
	for (cm = CMSG_FIRSTHDR(&m->msg_hdr); cm != NULL;
	    cm = CMSG_NXTHDR(&m->msg_hdr, cm)) {
		if (cm->cmsg_level != SOL_PACKET ||
		    cm->cmsg_type != PACKET_AUXDATA ||
		    cm->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
		/* Checksum offload: the UDP checksum is not filled in yet. */
		if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
			flags |= FRAME_F_CSUM_NOTREADY;
	}
	err = frame_validate(r->b->cap_data[i], m->msg_len, r->ports, r->nports,
	    flags, &info);
	if (err != FRAME_OK) {
		r->c.cap_drops[err < FRAME_NERR ? err : FRAME_OK]++;
		if (relay_debug_ok(r, now))
			log_debug("%s: captured frame dropped: %s", s->name,
			    frame_err_name(err));
		return 0;
	}
	if ((flags & FRAME_F_CSUM_NOTREADY) || info.csum_partial) {
		frame_finish_udp_csum(r->b->cap_data[i], &info);
		r->c.csum_completed++;
	}
	r->c.captured++;
	s->c.captured++;
	fwd->frame = r->b->cap_data[i];
	fwd->len = info.len;
	return 1;
}

/* Send nfwd frames to every peer: one sendmmsg, looping over partial sends. */
static void
relay_mesh_send(struct relay *r, size_t nfwd, time_t now)
{
	struct relay_bufs	*b = r->b;
	struct msghdr		*h;
	size_t			 f, p, k = 0, off = 0, j;
	int			 n;

	for (f = 0; f < nfwd; f++) {
		for (p = 0; p < r->peers.npeers; p++, k++) {
			b->tx_iov[k][0].iov_base = (void *)mesh_ss_magic;
			b->tx_iov[k][0].iov_len = MESH_SS_HLEN;
			b->tx_iov[k][1].iov_base = b->fwd[f].frame;
			b->tx_iov[k][1].iov_len = b->fwd[f].len;
			h = &b->tx_msgs[k].msg_hdr;
			memset(h, 0, sizeof(*h));
			h->msg_name = &r->peer_sa[p];
			h->msg_namelen = sizeof(r->peer_sa[p]);
			h->msg_iov = b->tx_iov[k];
			h->msg_iovlen = 2;
			b->tx_map[k].peer = (uint8_t)p;
			b->tx_map[k].frame = (uint8_t)f;
		}
		b->fwd_sent[f] = 0;
	}
	while (off < k) {
		n = sendmmsg(r->mesh_fd, &b->tx_msgs[off],
		    (unsigned int)(k - off), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			for (j = off; j < off + (size_t)n; j++) {
				p = b->tx_map[j].peer;
				peer_sent(&r->peers.peers[p], 0, now);
				b->fwd_sent[b->tx_map[j].frame] = 1;
			}
			r->c.mesh_tx += (uint64_t)n;
			off += (size_t)n;
		} else
			off = relay_mesh_failed(r, off, &k,
			    n == -1 ? errno : EIO, now);
	}
	for (f = 0; f < nfwd; f++)
		r->c.forwarded += b->fwd_sent[f];
}

/*
 * Datagram off of the batch failed with err. Count it against its peer
 * and decide what else cannot go: a full socket stops the whole batch, a
 * datagram-size problem only this datagram, anything else (no route,
 * refused, firewall) this peer for the rest of the batch. Returns the
 * next index to send; *k shrinks when the batch is compacted.
 */
static size_t
relay_mesh_failed(struct relay *r, size_t off, size_t *k, int err, time_t now)
{
	struct relay_bufs	*b = r->b;
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
			peer_sent(&r->peers.peers[b->tx_map[j].peer], err, now);
		r->c.mesh_tx_errors += *k - off;
		return *k;
	}
	if (log_ratelimit_ok(&r->tx_rl, now)) {
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_warnx("mesh: send to %s: %s", addr, strerror(err));
	}
	if (err == EMSGSIZE || err == EINVAL) {
		peer_sent(p, err, now);
		r->c.mesh_tx_errors++;
		return off + 1;
	}
	for (j = w = off; j < *k; j++) {
		if (b->tx_map[j].peer == dead) {
			peer_sent(p, err, now);
			r->c.mesh_tx_errors++;
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
relay_mesh_cb(int fd, short events, void *arg)
{
	struct relay	*r = arg;
	int		 i;

	for (i = 0; i < RELAY_DRAIN; i++)
		if (relay_mesh_batch(r) < RELAY_BATCH)
			break;
}

/* Receive a batch of mesh datagrams, emit the good frames on every slot. */
static int
relay_mesh_batch(struct relay *r)
{
	struct relay_bufs	*b = r->b;
	size_t			 nem = 0, i;
	time_t			 now;
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
			if (log_ratelimit_ok(&r->rx_rl, relay_now()))
				log_warnx("mesh: receive: %s (%llu so far)",
				    strerror(errno),
				    (unsigned long long)r->c.mesh_rx_errors);
		}
		return 0;
	}
	now = relay_now();
	for (j = 0; j < n; j++)
		if (relay_mesh_accept(r, j, now, &b->em[nem]))
			nem++;
	/* Split horizon: frames from the mesh only go out on local slots. */
	if (nem > 0)
		for (i = 0; i < r->nslots; i++)
			relay_emit(r, &r->slots[i], nem, now);
	return n;
}

/* Count a dropped datagram from peer p; debug line, rate-limited. */
static void
relay_mesh_drop(struct relay *r, struct peer *p, time_t now, const char *why)
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
relay_mesh_accept(struct relay *r, int j, time_t now, struct relay_emit *em)
{
	struct relay_bufs	*b = r->b;
	struct mmsghdr		*m = &b->rx_msgs[j];
	struct sockaddr_in	*from = &b->rx_from[j];
	struct peer		*p;
	const uint8_t		*frame;
	size_t			 framelen;
	enum mesh_err		 merr;
	enum frame_err		 ferr;
	char			 addr[32];

	/* Anyone can send to the mesh port: only peers get past this. */
	if (m->msg_hdr.msg_namelen < sizeof(*from) ||
	    from->sin_family != AF_INET ||
	    (p = peer_find(&r->peers, from->sin_addr.s_addr)) == NULL) {
		r->c.mesh_not_peer++;
		if (relay_debug_ok(r, now)) {
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
		relay_mesh_drop(r, p, now, "truncated");
		return 0;
	}
	merr = mesh_ss_decode(b->rx_data[j], m->msg_len, &frame, &framelen);
	if (merr != MESH_OK) {
		r->c.mesh_drops[merr < MESH_NERR ? merr : MESH_OK]++;
		relay_mesh_drop(r, p, now, mesh_err_name(merr));
		return 0;
	}
	em->frame = b->rx_data[j] + MESH_SS_HLEN;
	ferr = frame_validate(em->frame, framelen, r->ports, r->nports,
	    FRAME_F_ACCEPT_PARTIAL, &em->info);
	if (ferr != FRAME_OK) {
		r->c.mesh_frame_drops[ferr < FRAME_NERR ? ferr : FRAME_OK]++;
		relay_mesh_drop(r, p, now, frame_err_name(ferr));
		return 0;
	}
	/* SnowSignal forwards offloaded frames as captured: finish them. */
	if (em->info.csum_partial) {
		frame_finish_udp_csum(em->frame, &em->info);
		em->info.csum_partial = 0;
		r->c.csum_completed++;
	}
	r->c.mesh_rx++;
	p->rx++;
	return 1;
}

/*
 * Rewrite nem frames for slot s and send them. With one slot the frames
 * are rewritten in place; with more, each slot rewrites its own copy so
 * the next slot starts from the frame as received.
 */
static void
relay_emit(struct relay *r, struct relay_slot *s, size_t nem, time_t now)
{
	struct relay_bufs	*b = r->b;
	struct frame_info	 info;
	uint8_t			*frame;
	size_t			 i;

	for (i = 0; i < nem; i++) {
		info = b->em[i].info;
		if (r->nslots == 1)
			frame = b->em[i].frame;
		else {
			frame = b->em_copy[i];
			memcpy(frame, b->em[i].frame, info.len);
		}
		if (frame_rewrite(frame, &info, s->mac, s->bcast))
			r->c.rewritten++;
		b->em_iov[i].iov_base = frame;
		b->em_iov[i].iov_len = info.len;
	}
	relay_emit_send(r, s, nem, now);
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

void
relay_log_counters(const struct relay *r)
{
	size_t	 i;

	counters_log(&r->c);
	for (i = 0; i < r->nslots; i++)
		counters_log_iface(r->slots[i].name, &r->slots[i].c);
	for (i = 0; i < r->peers.npeers; i++)
		counters_log_peer(&r->peers.peers[i]);
}
