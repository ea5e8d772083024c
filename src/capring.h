/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's side of a slot's capture ring (--capture-ring): a
 * TPACKET_V3 ring the helper set up on a second packet socket. In load
 * mode the worker asks the helper to capture into it and reads whole
 * blocks on its timer; after load mode, the few blocks still in it are
 * read when the kernel retires them (a read event on the ring's fd).
 */
#ifndef CAPRING_H
#define CAPRING_H

#include <stddef.h>
#include <stdint.h>

/* How long after load mode the ring is kept: its last blocks retire. */
#define CAPRING_RELEASE_MS	200

struct event;
struct event_base;
struct relay;
struct relay_slot;

struct capring {
	int		 fd;		/* -1: the slot has no ring */
	uint8_t		*map;		/* NULL while the ring is not mapped */
	size_t		 block_size;
	size_t		 block_nr;
	size_t		 cur;		/* the next block to read */
	int		 on;		/* RING_ON was asked last */
	int		 broken;	/* could not be mapped: never again */
	struct event	*ev;		/* readable: a retired block waits */
	struct event	*release_ev;	/* after load mode: unmap, free */
};

/* No ring. */
void	 capring_init(struct capring *cr);
/* The ring of MSG_CONF_RING; -1 with EINVAL if its geometry is wrong. */
int	 capring_set(struct capring *cr, int fd, uint32_t block_size, uint32_t block_nr);
/* The read event (RELAY_PRIO_CAPTURE) and release timer of s's ring, if any. */
int	 capring_start(struct relay_slot *s, struct event_base *base);
/*
 * Load mode began (on) or ended: ask the helper to capture with s's ring
 * or its plain socket. After the end, the last blocks are read and the
 * ring is unmapped and freed (CAPRING_RELEASE_MS later), because a ring
 * costs a kernel timer every millisecond for as long as it exists.
 * 0, or -1 if s has no usable ring or the helper could not be asked.
 */
int	 capring_request(struct relay *r, struct relay_slot *s, int on);
/* MSG_RING_READY: map the ring the helper made (ok), or log why not. */
void	 capring_ready(struct relay *r, struct relay_slot *s, int ok);
/* Read and relay the retired blocks of s's ring (one lap at most); frames read. */
int	 capring_drain(struct relay *r, struct relay_slot *s);

#endif /* CAPRING_H */
