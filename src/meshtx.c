/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh sending: datagrams built peer by peer, then one sendmmsg per batch
 * whose messages are single datagrams or UDP GSO runs (gso.h), with the
 * outcome of every datagram counted against its peer and frame.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gso.h"
#include "mesh.h"
#include "meshtx.h"

#define MESHTX_MAX	(RELAY_BATCH * MAX_PEERS)
#define MESHTX_IOV	3	/* header, payload, tag */
_Static_assert(RELAY_BATCH <= 256 && MAX_PEERS <= 256,
    "frame and peer indices are uint8_t");
_Static_assert(GSO_MAX_SEGS * MESHTX_IOV <= 1024, "UIO_MAXIOV per message");

/* The UDP_SEGMENT control message of a GSO message: the segment size. */
union meshtx_cmsg {
	struct cmsghdr		 hdr;
	char			 buf[CMSG_SPACE(sizeof(uint16_t))];
};

/* Every send buffer, allocated once. */
struct meshtx_bufs {
	/*
	 * Datagram j: its iovecs are iov[iov0[j] .. iov0[j] + niov[j]),
	 * right after those of j - 1, so that a run of datagrams is one
	 * contiguous iovec array: a GSO message without a copy.
	 */
	struct iovec		 iov[MESHTX_MAX * MESHTX_IOV];
	uint16_t		 iov0[MESHTX_MAX];
	uint8_t			 niov[MESHTX_MAX];
	size_t			 niovs;		/* in use, this batch */
	struct gso_dgram	 d[MESHTX_MAX];	/* length, peer, HELLO */
	uint8_t			 frame[MESHTX_MAX]; /* index in the batch */
	uint8_t			 hdr[MESHTX_MAX][MESH_NATIVE_HLEN];
	uint8_t			 tag[MESHTX_MAX][AUTH_TAG_LEN];
	uint8_t			 fwd_sent[RELAY_BATCH];

	/* Message i: datagrams first[i] .. first[i] + count[i] - 1. */
	struct mmsghdr		 msgs[MESHTX_MAX];
	uint16_t		 first[MESHTX_MAX];
	uint16_t		 count[MESHTX_MAX];
	union meshtx_cmsg	 cmsg[MESHTX_MAX];
};

static void	 meshtx_build(struct relay *, size_t, size_t, uint8_t,
		    const uint8_t *, size_t, const struct relay_now *);
static size_t	 meshtx_plan(struct relay *, size_t, size_t);
static void	 meshtx_flush(struct relay *, size_t, const struct relay_now *);
static void	 meshtx_count(struct relay *, size_t, int, time_t);
static void	 meshtx_sent(struct relay *, size_t, time_t);
static size_t	 meshtx_failed(struct relay *, size_t, size_t, int, time_t);
static int	 meshtx_gso_refused(struct relay *, size_t, int, time_t);

void
meshtx_init(struct relay *r)
{
	if ((r->tb = calloc(1, sizeof(*r->tb))) == NULL)
		fatal("mesh send buffers");
}

/* Append an iovec to datagram k (the last one being built). */
static void
meshtx_iov(struct meshtx_bufs *b, size_t k, const void *base, size_t len)
{
	b->iov[b->niovs].iov_base = (void *)base;
	b->iov[b->niovs].iov_len = len;
	b->niovs++;
	b->niov[k]++;
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
meshtx_build(struct relay *r, size_t k, size_t pi, uint8_t type,
    const uint8_t *payload, size_t len, const struct relay_now *now)
{
	struct meshtx_bufs	*b = r->tb;
	struct peer		*p = &r->peers.peers[pi];
	struct auth_key		*key;
	struct mesh_hdr		 hdr;

	b->iov0[k] = (uint16_t)b->niovs;
	b->niov[k] = 0;
	b->d[k].peer = (uint8_t)pi;
	b->d[k].solo = type == MESH_TYPE_HELLO;
	if (!p->native && type == MESH_TYPE_DATA) {
		meshtx_iov(b, k, mesh_ss_magic, MESH_SS_HLEN);
		meshtx_iov(b, k, payload, len);
		b->d[k].len = (uint16_t)(MESH_SS_HLEN + len);
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
	mesh_native_header(b->hdr[k], &hdr);
	/* UMAC's nonce: relay id, timestamp, sequence number (see mesh.h). */
	auth_tag(key, b->hdr[k] + MESH_NONCE_OFF, b->hdr[k], MESH_NATIVE_HLEN,
	    payload, len, b->tag[k]);
	meshtx_iov(b, k, b->hdr[k], MESH_NATIVE_HLEN);
	meshtx_iov(b, k, payload, len);
	meshtx_iov(b, k, b->tag[k], AUTH_TAG_LEN);
	b->d[k].len = (uint16_t)(MESH_NATIVE_OVERHEAD + len);
}

void
meshtx_forward(struct relay *r, const struct relay_fwd *fwd, size_t nfwd,
    const struct relay_now *now)
{
	struct meshtx_bufs	*b = r->tb;
	size_t			 f, p, k = 0;

	/* Peer by peer: a peer's datagrams are adjacent, ready for GSO. */
	b->niovs = 0;
	for (p = 0; p < r->peers.npeers; p++) {
		if (!peer_takes_data(&r->peers.peers[p], r->auth.mode)) {
			r->peers.peers[p].held += nfwd;
			continue;
		}
		for (f = 0; f < nfwd; f++, k++) {
			meshtx_build(r, k, p, MESH_TYPE_DATA, fwd[f].frame,
			    fwd[f].len, now);
			b->frame[k] = (uint8_t)f;
		}
	}
	memset(b->fwd_sent, 0, nfwd);
	meshtx_flush(r, k, now);
	for (f = 0; f < nfwd; f++)
		r->c.forwarded += b->fwd_sent[f];
}

void
meshtx_send_hello(struct relay *r, const uint8_t *payload, size_t len,
    const struct relay_now *now)
{
	struct meshtx_bufs	*b = r->tb;
	size_t			 p, k = 0;

	b->niovs = 0;
	for (p = 0; p < r->peers.npeers; p++) {
		if (!r->peers.peers[p].hello)
			continue;
		meshtx_build(r, k, p, MESH_TYPE_HELLO, payload, len, now);
		b->frame[k] = 0;
		k++;
	}
	if (k > 0)
		meshtx_flush(r, k, now);
}

/*
 * The messages for datagrams [d, nd): a GSO run per gso_run where the
 * kernel and the path to the peer take it, else one datagram each.
 * Returns the number of messages, from msgs[0].
 */
static size_t
meshtx_plan(struct relay *r, size_t d, size_t nd)
{
	struct meshtx_bufs	*b = r->tb;
	struct msghdr		*h;
	struct cmsghdr		*cm;
	size_t			 m, c, last;
	uint16_t		 seg;

	for (m = 0; d < nd; m++, d += c) {
		c = gso_run(&b->d[d], nd - d, r->mesh_gso,
		    r->peers.peers[b->d[d].peer].gso_refused);
		last = d + c - 1;
		h = &b->msgs[m].msg_hdr;
		memset(h, 0, sizeof(*h));
		h->msg_name = &r->peer_sa[b->d[d].peer];
		h->msg_namelen = sizeof(r->peer_sa[0]);
		h->msg_iov = &b->iov[b->iov0[d]];
		h->msg_iovlen = (size_t)(b->iov0[last] + b->niov[last] -
		    b->iov0[d]);
		b->first[m] = (uint16_t)d;
		b->count[m] = (uint16_t)c;
		if (c == 1)
			continue;
		seg = b->d[d].len;
		h->msg_control = b->cmsg[m].buf;
		h->msg_controllen = sizeof(b->cmsg[m].buf);
		cm = CMSG_FIRSTHDR(h);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(seg));
		memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	}
	return m;
}

/*
 * Send datagrams [0, nd): one sendmmsg of the planned messages, planned
 * and sent again from the first one not sent after a partial send or a
 * failure.
 */
static void
meshtx_flush(struct relay *r, size_t nd, const struct relay_now *now)
{
	struct meshtx_bufs	*b = r->tb;
	size_t			 d = 0, nm, i;
	int			 n;

	while (d < nd) {
		nm = meshtx_plan(r, d, nd);
		n = sendmmsg(r->mesh_fd, b->msgs, (unsigned int)nm,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n <= 0) {
			d = meshtx_failed(r, d, nd, n == -1 ? errno : EIO,
			    now->sec);
			continue;
		}
		for (i = 0; i < (size_t)n; i++)
			meshtx_sent(r, i, now->sec);
		d = (size_t)b->first[n - 1] + b->count[n - 1];
	}
}

/* Message i went out: count each of its datagrams. */
static void
meshtx_sent(struct relay *r, size_t i, time_t now)
{
	struct meshtx_bufs	*b = r->tb;
	size_t			 j;

	for (j = b->first[i]; j < (size_t)b->first[i] + b->count[i]; j++)
		meshtx_count(r, j, 0, now);
	if (b->count[i] > 1)
		r->c.mesh_tx_gso += b->count[i];
}

/* Count the outcome of datagram j: HELLOs only show up as peer errors. */
static void
meshtx_count(struct relay *r, size_t j, int err, time_t now)
{
	struct meshtx_bufs	*b = r->tb;
	struct peer		*p = &r->peers.peers[b->d[j].peer];

	if (b->d[j].solo) {
		peer_hello_sent(p, err, now);
		return;
	}
	peer_sent(p, err, now);
	if (err == 0) {
		r->c.mesh_tx++;
		b->fwd_sent[b->frame[j]] = 1;
	} else
		r->c.mesh_tx_errors++;
}

/*
 * The first planned message, datagrams d.., failed with err. A GSO run
 * the path refused is sent again datagram by datagram. Otherwise count
 * what cannot go: a full socket stops the whole batch, a datagram-size
 * problem only this datagram, anything else (no route, refused,
 * firewall) the rest of this peer's datagrams, which are adjacent.
 * Returns the next datagram to plan from.
 */
static size_t
meshtx_failed(struct relay *r, size_t d, size_t nd, int err, time_t now)
{
	struct meshtx_bufs	*b = r->tb;
	struct peer		*p = &r->peers.peers[b->d[d].peer];
	char			 addr[32];
	size_t			 j;

	if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS ||
	    err == ENOMEM || err == EINTR) {
		if (log_ratelimit_ok(&r->tx_rl, now))
			log_warnx("mesh: send: %s (%zu datagrams dropped)",
			    strerror(err), nd - d);
		for (j = d; j < nd; j++)
			meshtx_count(r, j, err, now);
		return nd;
	}
	if (b->count[0] > 1 && meshtx_gso_refused(r, d, err, now))
		return d;
	if (log_ratelimit_ok(&r->tx_rl, now)) {
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_warnx("mesh: send to %s: %s", addr, strerror(err));
	}
	if (err == EMSGSIZE || err == EINVAL) {
		meshtx_count(r, d, err, now);
		return d + 1;
	}
	for (j = d; j < nd && b->d[j].peer == b->d[d].peer; j++)
		meshtx_count(r, j, err, now);
	return j;
}

/*
 * 1 if err is the path refusing GSO for the run at d: segments over its
 * MTU (EMSGSIZE, or EINVAL on some kernels), or GSO at all (EIO: an
 * IPsec policy; EOPNOTSUPP). Datagrams that long, or all, then go to the
 * peer one by one, as they would without GSO (fragmented, DF clear).
 */
static int
meshtx_gso_refused(struct relay *r, size_t d, int err, time_t now)
{
	struct peer	*p = &r->peers.peers[r->tb->d[d].peer];
	uint16_t	 seg = r->tb->d[d].len;
	char		 addr[32];

	if (err != EMSGSIZE && err != EINVAL && err != EIO &&
	    err != EOPNOTSUPP)
		return 0;
	p->gso_refused = (err == EMSGSIZE || err == EINVAL) ? seg : 1;
	if (log_ratelimit_ok(&r->tx_rl, now)) {
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_info("mesh: send to %s: UDP GSO of %u-byte datagrams: %s;"
		    " datagrams of %u bytes or more go one by one", addr, seg,
		    strerror(err), p->gso_refused);
	}
	return 1;
}
