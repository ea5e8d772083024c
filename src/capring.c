/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Reading a slot's TPACKET_V3 capture ring (see capring.h). A block
 * belongs to the worker from the moment the kernel sets TP_STATUS_USER
 * in it until the worker writes TP_STATUS_KERNEL back; the frames it
 * holds are checked and forwarded in place, before it is given back.
 */
#include <sys/mman.h>

#include <errno.h>
#include <linux/if_packet.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "capring.h"
#include "drain.h"
#include "log.h"
#include "meshtx.h"
#include "proto.h"
#include "relay.h"
#include "ringblock.h"

static void	 capring_cb(int, short, void *);
static void	 capring_release_cb(int, short, void *);
struct capring_batch;
static void	 capring_prefetch(const uint8_t *, size_t, size_t);
static int	 capring_block(struct relay *, struct relay_slot *,
		    struct tpacket_block_desc *, struct capring_batch *);

void
capring_init(struct capring *cr)
{
	memset(cr, 0, sizeof(*cr));
	cr->fd = -1;
}

int
capring_set(struct capring *cr, int fd, uint32_t block_size,
    uint32_t block_nr)
{
	long	 page = sysconf(_SC_PAGESIZE);

	if (fd < 0 || block_size < RING_BLOCK_SIZE || page <= 0 ||
	    block_size % (uint32_t)page != 0 || block_size > (1U << 24) ||
	    block_nr == 0 || block_nr > RING_BLOCKS_MAX) {
		errno = EINVAL;
		return -1;
	}
	cr->fd = fd;
	cr->block_size = block_size;
	cr->block_nr = block_nr;
	cr->cur = 0;
	return 0;
}

int
capring_start(struct relay_slot *s, struct event_base *base)
{
	if (s->ring.fd == -1)
		return 0;
	s->ring.ev = event_new(base, s->ring.fd, EV_READ | EV_PERSIST,
	    capring_cb, s);
	s->ring.release_ev = evtimer_new(base, capring_release_cb, s);
	if (s->ring.ev == NULL || s->ring.release_ev == NULL ||
	    event_priority_set(s->ring.ev, RELAY_PRIO_CAPTURE) == -1 ||
	    event_add(s->ring.ev, NULL) == -1)
		return -1;
	return 0;
}

/* Ask the helper for req (enum capture_ring_req) on s's ring; 0 or -1. */
static int
capring_tell(struct relay *r, struct relay_slot *s, uint32_t req)
{
	struct msg_capture_mode	 m;

	memset(&m, 0, sizeof(m));
	m.slot = (uint32_t)(s - r->slots);
	m.ring = req;
	/* Not sent (channel full): the socket that captures now goes on. */
	if (r->tell_helper == NULL ||
	    r->tell_helper(MSG_CAPTURE_MODE, &m, sizeof(m)) == -1) {
		log_warn("%s: cannot ask the helper for capture ring request %u",
		    s->name, req);
		return -1;
	}
	return 0;
}

/* Unmap and free the ring a little after load mode, once drained. */
static void
capring_schedule_release(struct relay_slot *s)
{
	struct timeval	 tv = { 0, CAPRING_RELEASE_MS * 1000 };

	if (s->ring.release_ev != NULL &&
	    evtimer_add(s->ring.release_ev, &tv) == -1)
		log_warnx("%s: cannot schedule the capture ring's release",
		    s->name);
}

int
capring_request(struct relay *r, struct relay_slot *s, int on)
{
	if (s->ring.fd == -1 || s->ring.broken)
		return -1;
	if (s->ring.on == on)
		return 0;
	if (capring_tell(r, s, on ? RING_ON : RING_OFF) == -1)
		return -1;
	s->ring.on = on;
	if (!on && s->ring.map != NULL)
		capring_schedule_release(s);
	return 0;
}

/*
 * Map the ring the helper made and bound. The kernel hands its pages over
 * at mmap time, so the worker's resident memory grows by the ring's size
 * while it is mapped. A ring that cannot be mapped is given up for good:
 * the helper goes back to the plain socket and frees the ring (the frames
 * already in it cannot be read: logged as such).
 */
void
capring_ready(struct relay *r, struct relay_slot *s, int ok)
{
	struct capring	*cr = &s->ring;
	void		*p;

	if (!ok) {
		log_warnx("%s: the helper could not start the capture ring;"
		    " capturing per frame", s->name);
		return;
	}
	if (cr->map == NULL) {
		p = mmap(NULL, cr->block_size * cr->block_nr,
		    PROT_READ | PROT_WRITE, MAP_SHARED, cr->fd, 0);
		if (p == MAP_FAILED) {
			log_warn("%s: capture ring of %zu KiB: mmap; frames"
			    " captured into it since load mode began are lost;"
			    " capturing per frame from now on", s->name,
			    cr->block_size * cr->block_nr / 1024);
			cr->broken = 1;
			cr->on = 0;
			(void)capring_tell(r, s, RING_OFF);
			(void)capring_tell(r, s, RING_RELEASE);
			return;
		}
		cr->map = p;
		cr->cur = 0;
	}
	/* Load mode ended before the answer came: read it, then free it. */
	if (!cr->on)
		capring_schedule_release(s);
}

/* Load mode ended a while ago: the last blocks, then unmap and free. */
static void
capring_release_cb(int fd, short events, void *arg)
{
	struct relay_slot	*s = arg;
	struct capring		*cr = &s->ring;

	(void)fd;
	(void)events;
	if (cr->on || cr->map == NULL)
		return;
	(void)capring_drain(s->relay, s);
	if (munmap(cr->map, cr->block_size * cr->block_nr) == -1) {
		log_warn("%s: capture ring: munmap", s->name);
		return;
	}
	cr->map = NULL;
	cr->cur = 0;
	(void)capring_tell(s->relay, s, RING_RELEASE);
}

/*
 * A batch of frames on their way to the mesh, gathered across blocks: a
 * 16 KiB block holds only some ten 1400-byte frames, and sendmmsg costs
 * far more per frame in batches of ten than of RELAY_BATCH (perf.md
 * section 5). A block is given back once none of its frames waits.
 */
struct capring_batch {
	struct relay_fwd		 fwd[RELAY_BATCH];
	size_t				 nfwd;
	struct tpacket_block_desc	*held[RELAY_BATCH];	/* frames in fwd */
	size_t				 nheld;
	struct relay_now		 now;
};

/* Give a block back: the kernel may refill it. */
static void
capring_release_block(struct tpacket_block_desc *bd)
{
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
	    __ATOMIC_RELEASE);
}

/* Send the batch to the mesh, then give back the blocks it held. */
static void
capring_flush(struct relay *r, struct capring_batch *b)
{
	size_t	 i;

	b->nfwd = relay_capture_admit(r, b->fwd, b->nfwd, &b->now);
	if (b->nfwd > 0 && r->peers.npeers > 0)
		meshtx_forward(r, b->fwd, b->nfwd, &b->now);
	b->nfwd = 0;
	for (i = 0; i < b->nheld; i++)
		capring_release_block(b->held[i]);
	b->nheld = 0;
}

int
capring_drain(struct relay *r, struct relay_slot *s)
{
	struct capring			*cr = &s->ring;
	struct tpacket_block_desc	*bd;
	struct capring_batch		 b;
	size_t				 n;
	int				 total = 0;

	if (cr->map == NULL)
		return 0;
	b.nfwd = b.nheld = 0;
	relay_clock(&b.now);
	/* At most one lap: the kernel may retire more meanwhile. */
	for (n = 0; n < cr->block_nr; n++) {
		bd = (struct tpacket_block_desc *)(void *)(cr->map +
		    cr->cur * cr->block_size);
		if ((__atomic_load_n(&bd->hdr.bh1.block_status,
		    __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0)
			break;
		total += capring_block(r, s, bd, &b);
		cr->cur = (cr->cur + 1) % cr->block_nr;
	}
	capring_flush(r, &b);
	s->c.ring += (uint64_t)total;
	return total;
}

/*
 * Start loading the next frame of a block while this one is checked: the
 * kernel wrote it from another CPU's cache, and the first touch of every
 * frame was a miss. Its header, the Ethernet, IP and UDP headers and the
 * payload bytes the duplicate key reads are in its first 256 bytes.
 */
static void
capring_prefetch(const uint8_t *blk, size_t bsize, size_t next)
{
	size_t	 o;

	for (o = 0; o < 256 && next + o < bsize; o += 64)
		__builtin_prefetch(blk + next + o);
}

/*
 * Whether the frame whose header is at f->off is inside the block; reads
 * its header only once its offset is known to be in bounds.
 */
static int
capring_frame_ok(struct tpacket_block_desc *bd, size_t bsize,
    struct ringblock_frame *f, int last)
{
	struct tpacket3_hdr	*h;

	if (!ringblock_header_ok(bsize, sizeof(*bd), sizeof(*h), f->off))
		return 0;
	h = (struct tpacket3_hdr *)(void *)((uint8_t *)bd + f->off);
	f->mac = h->tp_mac;
	f->snaplen = h->tp_snaplen;
	f->next = h->tp_next_offset;
	return ringblock_frame_ok(bsize, sizeof(*bd), sizeof(*h), f, last);
}

/* Frames i..npkts-1 of a block are unreadable: count them, say so. */
static void
capring_bad(struct relay_slot *s, const struct capring_batch *b, uint32_t i,
    uint32_t npkts)
{
	s->c.ring_bad += npkts - i;
	if (log_ratelimit_ok(&s->rl, b->now.sec))
		log_warnx("%s: capture ring: frame %u of %u out of its block;"
		    " %u frames skipped (ring_bad)", s->name, i + 1, npkts,
		    npkts - i);
}

/*
 * The frames of one retired block into the batch. The kernel wrote the
 * offsets; they are checked anyway, so a bad one ends the block (counted)
 * instead of reading outside it. Returns the frames read.
 */
static int
capring_block(struct relay *r, struct relay_slot *s,
    struct tpacket_block_desc *bd, struct capring_batch *b)
{
	uint8_t			*blk = (uint8_t *)bd;
	struct tpacket3_hdr	*h;
	struct ringblock_frame	 f;
	size_t			 bsize = s->ring.block_size, mine = 0;
	uint32_t		 i, npkts = bd->hdr.bh1.num_pkts;

	f.off = bd->hdr.bh1.offset_to_first_pkt;
	for (i = 0; i < npkts; i++) {
		if (!capring_frame_ok(bd, bsize, &f, i + 1 == npkts)) {
			capring_bad(s, b, i, npkts);
			break;
		}
		/* The header fields checked are the ones used. */
		h = (struct tpacket3_hdr *)(void *)(blk + f.off);
		capring_prefetch(blk, bsize, f.off + f.next);
		if (relay_capture_frame(r, s, blk + f.off + f.mac,
		    h->tp_len, f.snaplen < h->tp_len,
		    relay_status_flags(h->tp_status), &b->now,
		    &b->fwd[b->nfwd])) {
			b->nfwd++;
			mine++;
		}
		if (b->nfwd == RELAY_BATCH) {
			/* This block's frames so far go too; it stays ours. */
			capring_flush(r, b);
			mine = 0;
		}
		f.off += f.next;
	}
	/* Every block in held has a frame in fwd: at most RELAY_BATCH. */
	if (mine > 0)
		b->held[b->nheld++] = bd;
	else
		capring_release_block(bd);
	return (int)i;
}

/* Blocks retired after load mode ended (or a ring that fills slowly). */
static void
capring_cb(int fd, short events, void *arg)
{
	struct relay_slot	*s = arg;
	int			 n;

	(void)fd;
	(void)events;
	n = capring_drain(s->relay, s);
	drain_after_wakeup(s->relay, n);
}
