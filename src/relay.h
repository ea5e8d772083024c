/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's relay state and its capture side: capture -> validate ->
 * limits -> mesh (meshio.c), and emission of frames from the mesh on the
 * local slots, as libevent callbacks over fds the helper opened.
 */
#ifndef RELAY_H
#define RELAY_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "capring.h"
#include "coalesce.h"
#include "counters.h"
#include "dedup.h"
#include "frame.h"
#include "log.h"
#include "peer.h"
#include "proto.h"
#include "ratelimit.h"
#include "snowrelayd.h"

#define RELAY_BATCH	32	/* messages per recvmmsg/sendmmsg */
#define RELAY_DRAIN	4	/* batches per wake-up, for fairness */
#define RELAY_DEDUP_SETS	4096	/* x DEDUP_WAYS frames remembered */
#define RELAY_SOURCE_SETS	1024	/* x RLTABLE_WAYS source buckets */
#define RELAY_PRIO_CAPTURE	0	/* before the mesh: see relay_start */
#define RELAY_PRIO_CONTROL	0	/* channel, timers: a flood never starves them */
#define RELAY_PRIO_MESH		1
#define RELAY_NPRIO		2

struct event;
struct event_base;
struct relay;
struct relay_bufs;
struct meshio_bufs;
struct meshtx_bufs;

/* One target interface: its AF_PACKET socket and what to rewrite frames to. */
struct relay_slot {
	struct relay		*relay;
	int			 fd;
	int			 ifindex;
	char			 name[IFNAMSIZ * 4];	/* escaped for logs */
	uint8_t			 mac[6];
	uint32_t		 bcast;		/* network order */
	struct iface_counters	 c;
	struct event		*ev;
	struct capring		 ring;		/* --capture-ring, for load mode */
	struct log_ratelimit	 rl;		/* capture/emit warnings */
};

/* The clocks a batch is handled at, read once per batch. */
struct relay_now {
	time_t			 sec;	/* CLOCK_MONOTONIC s: log limits, peer errors */
	uint64_t		 ms;	/* CLOCK_MONOTONIC ms: dedup, liveness, keys */
	uint64_t		 ns;	/* CLOCK_MONOTONIC ns: token buckets */
	uint32_t		 wall;	/* CLOCK_REALTIME s (low 32 bits): timestamps */
};

/* A captured frame waiting to go to the mesh. */
struct relay_fwd {
	uint8_t			*frame;
	size_t			 len;
	uint64_t		 key;		/* dedup_hash_udp */
	uint32_t		 src_ip;	/* network order */
	struct relay_slot	*slot;		/* captured on */
};

/* A frame from the mesh waiting to be emitted. */
struct relay_emit {
	uint8_t			*frame;
	struct frame_info	 info;
	uint64_t		 key;		/* dedup_hash_udp */
	struct peer		*peer;		/* sent by */
};

/* Mesh authentication and identity. */
struct relay_auth {
	enum mesh_auth_mode	 mode;
	struct auth_keyring	 keys;		/* keys[0] sends */
	struct auth_keyring	 old;		/* left at a reload: accepted only */
	uint64_t		 old_until_ms;	/* when old is forgotten */
	uint32_t		 relay_id;	/* random per start */
	uint64_t		 seq;		/* next native sequence number */
	uint32_t		 freshness;	/* s of timestamp skew accepted */
	uint32_t		 hello_interval; /* s */
};

/* What MSG_CONF_GLOBAL and the worker's start decide, for relay_configure. */
struct relay_options {
	enum mesh_auth_mode	 mode;
	uint32_t		 hello_interval;	/* s, 1..3600 */
	uint32_t		 freshness;		/* s, 1..3600 */
	uint32_t		 dedup_window_ms;	/* 1..60000 */
	struct ratelimit_conf	 rate_source;
	struct ratelimit_conf	 rate_peer;
	struct ratelimit_conf	 rate_global;
	uint32_t		 relay_id;
	uint64_t		 seq;			/* first sequence number */
	uint8_t			 hashkey[32];		/* dedup, then source table */
	uint32_t		 coalesce_pps;		/* load mode above this; 0 never */
	uint32_t		 coalesce_us;		/* load-mode timer period */
};

struct relay {
	struct relay_slot	 slots[MAX_IFACES];
	size_t			 nslots;
	int			 mesh_fd;
	int			 mesh_gso;	/* the kernel takes UDP_SEGMENT on it */
	struct event		*mesh_ev;
	struct event		*hello_ev;	/* hello.c: our HELLO timer */
	struct event		*tick_ev;	/* hello.c: liveness tick */
	struct peer_table	 peers;
	struct sockaddr_in	 peer_sa[MAX_PEERS];
	uint16_t		 ports[MAX_PORTS];	/* host order */
	size_t			 nports;
	struct relay_auth	 auth;
	struct dedup		 dedup;		/* both directions */
	/*
	 * A relay on one of our segments with a higher relay id still emits
	 * there: it has not seen us yet. Emit the next mesh duplicate anyway,
	 * once, so that it sees our MAC and stands by (peer_designated).
	 */
	int			 announce;
	struct rltable		 src_rl;	/* per captured source IP */
	struct ratelimit_conf	 rate_peer;	/* per peer on mesh receive */
	struct ratelimit_conf	 rate_global;
	struct tbucket		 global_bucket;	/* forwarded + emitted */
	struct counters		 c;
	struct coalesce		 load;		/* load mode (drain.c) */
	int			 drain_fd;	/* its timerfd */
	struct event		*drain_ev;
	struct log_ratelimit	 drain_rl;
	struct log_ratelimit	 tx_rl;		/* mesh send warnings */
	struct log_ratelimit	 rx_rl;		/* mesh receive warnings */
	struct log_ratelimit	 drop_rl;	/* per-packet debug lines */
	struct relay_bufs	*b;		/* capture and emit batches */
	struct meshio_bufs	*mb;		/* mesh receive (meshio.c) */
	struct meshtx_bufs	*tb;		/* mesh send (meshtx.c) */
	struct dedup_entry	*dedup_table;
	struct rltable_entry	*src_table;
	/* Send a message to the helper without blocking; 0 or -1. */
	int			(*tell_helper)(uint32_t, const void *, size_t);
};

/* Allocate a relay and all its packet buffers and tables (fatal if out of memory). */
struct relay	*relay_new(void);
/* The relayed UDP destination ports; -1 with EINVAL if out of range. */
int		 relay_set_ports(struct relay *r, const uint16_t *ports, size_t nports);
/* Mode, intervals, limits, identity and hash keys; -1 with EINVAL if out of range. */
int		 relay_configure(struct relay *r, const struct relay_options *o);
/* Add the next interface slot; -1 with ENOSPC when MAX_IFACES are in use. */
int		 relay_add_slot(struct relay *r, int fd, int ifindex, const char *ifname,
		    const uint8_t mac[6], uint32_t bcast);
/* Add a mesh peer (format auto); -1 with ENOSPC or EEXIST as peer_add. */
int		 relay_add_peer(struct relay *r, uint32_t addr, uint16_t port);
/* Remove peer i (peer_remove); the later peers and their addresses move down. */
void		 relay_remove_peer(struct relay *r, size_t i);
/* Set the format of the last peer added (after relay_configure); -1 (EINVAL). */
int		 relay_set_peer_format(struct relay *r, enum peer_format format);
/*
 * Register one persistent read event per slot (priority RELAY_PRIO_CAPTURE)
 * and the mesh event (RELAY_PRIO_MESH), so a frame captured locally is in
 * the dedup cache before a mesh copy of it is looked at; start the HELLO
 * timers (RELAY_PRIO_CONTROL). The base needs
 * event_base_priority_init(base, RELAY_NPRIO).
 */
int		 relay_start(struct relay *r, struct event_base *base, int mesh_fd);
/*
 * Add the kernel's drop counts of every slot's packet socket to the slot
 * counters (PACKET_STATISTICS resets them on each read).
 */
void		 relay_kernel_stats(struct relay *r);
/*
 * Log every counter line: global, drops, one per interface, one per peer;
 * the kernel's drop counts are read first.
 */
void		 relay_log_counters(struct relay *r);

/* Read the clocks of a batch. */
void		 relay_clock(struct relay_now *now);
/* 1 if a per-packet debug line may be logged now. */
int		 relay_debug_ok(struct relay *r, time_t now);
/* "a.b.c.d:port" of a network-order address. */
void		 relay_addr(char *buf, size_t len, uint32_t addr, uint16_t port);
/*
 * Capture from a slot batch after batch until one is not full or max
 * batches were read: check the frames, send the good ones to the mesh.
 * Returns the frames read (max * RELAY_BATCH: there may be more).
 */
int		 relay_capture_drain(struct relay *r, struct relay_slot *s, int max);
/*
 * Check one captured frame of len bytes (truncated: the socket kept less
 * than len; flags: relay_status_flags() of its socket); its UDP checksum
 * is read only if it may be a partial one (FRAME_F_CSUM_LAZY). 1 and
 * *fwd filled (with its duplicate key) if it is valid, else counted.
 * The valid frames of a batch then go through relay_capture_admit.
 */
int		 relay_capture_frame(struct relay *r, struct relay_slot *s, uint8_t *frame,
		    size_t len, int truncated, unsigned int flags, const struct relay_now *now,
		    struct relay_fwd *fwd);
/*
 * The checks after validation, over a batch from relay_capture_frame:
 * another relay's frame, the source's rate, duplicates, the global rate.
 * The frames that pass are moved to the front; returns their number.
 */
size_t		 relay_capture_admit(struct relay *r, struct relay_fwd *fwd, size_t n,
		    const struct relay_now *now);
/*
 * The duplicate key of a valid frame (dedup_hash_udp), the same for a
 * captured frame and one from the mesh; its dedup set is prefetched for
 * the dedup_check that follows once the whole batch is keyed.
 */
uint64_t	 relay_frame_key(struct relay *r, const uint8_t *frame,
		    const struct frame_info *info);
/* FRAME_F_* validation flags from a packet socket's TP_STATUS_* bits. */
unsigned int	 relay_status_flags(uint32_t tp_status);
/* The CLOCK_MONOTONIC time in ns (0 if the clock fails). */
uint64_t	 relay_now_ns(void);
/* Rewrite and send n frames from the mesh on every slot (split horizon). */
void		 relay_emit_frames(struct relay *r, const struct relay_emit *em, size_t n,
		    const struct relay_now *now);

#endif /* RELAY_H */
