/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Anti-replay window (RFC 6479): a ring of 64-bit blocks that is never
 * shifted; moving forward only clears the blocks the window slides over.
 */
#include <string.h>

#include "replay.h"

#define BLOCK_BITS	64

/*
 * The ring holds 17 blocks, so the 16 blocks plus one partial block that
 * a window of 1024 touches never share a slot. 17 is not a power of two:
 * the slot is a remainder, not a mask.
 */
static size_t
slot(uint64_t seq)
{
	return (size_t)((seq / BLOCK_BITS) % REPLAY_BLOCKS);
}

static uint64_t
bit(uint64_t seq)
{
	return (uint64_t)1 << (seq % BLOCK_BITS);
}

/* A window that accepts any first sequence number. */
void
replay_init(struct replay *r)
{
	memset(r, 0, sizeof(*r));
}

/*
 * 0 if seq is new: ahead of the top, or within the last REPLAY_WINDOW
 * numbers (top - 1023 .. top) and not seen. top - 1024 and older: -1.
 */
int
replay_check(const struct replay *r, uint64_t seq)
{
	if (!r->started || seq > r->top)
		return 0;
	if (r->top - seq >= REPLAY_WINDOW)
		return -1;
	return (r->bitmap[slot(seq)] & bit(seq)) != 0 ? -1 : 0;
}

/* Record seq; moving the top clears the blocks it passes, at most all. */
void
replay_update(struct replay *r, uint64_t seq)
{
	uint64_t	 cur, diff, i;

	if (!r->started) {
		memset(r->bitmap, 0, sizeof(r->bitmap));
		r->top = seq;
		r->started = 1;
	} else if (seq > r->top) {
		cur = r->top / BLOCK_BITS;
		diff = seq / BLOCK_BITS - cur;
		if (diff > REPLAY_BLOCKS)
			diff = REPLAY_BLOCKS;
		for (i = 1; i <= diff; i++)
			r->bitmap[(cur + i) % REPLAY_BLOCKS] = 0;
		r->top = seq;
	} else if (r->top - seq >= REPLAY_WINDOW) {
		/* Outside the window: its slot belongs to a newer block. */
		return;
	}
	r->bitmap[slot(seq)] |= bit(seq);
}
