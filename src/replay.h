/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Anti-replay sliding window over 64-bit sequence numbers (RFC 6479
 * no-shift bitmap). Check first, update only after the tag verified.
 * A relay's sequence starts at its start time in nanoseconds (CLOCK_REALTIME)
 * and counts up, so a restarted peer simply jumps far ahead.
 */
#ifndef REPLAY_H
#define REPLAY_H

#include <stdint.h>

#define REPLAY_WINDOW	1024			/* sequence numbers remembered */
#define REPLAY_BLOCKS	(REPLAY_WINDOW / 64 + 1)	/* one spare block, RFC 6479 */

struct replay {
	uint64_t	 top;		/* highest sequence accepted */
	uint64_t	 bitmap[REPLAY_BLOCKS];
	int		 started;	/* 0 until the first update */
};

void	 replay_init(struct replay *r);
/* 0 if seq may be accepted; -1 if seen already or older than the window. */
int	 replay_check(const struct replay *r, uint64_t seq);
/* Record seq as accepted (call only after replay_check == 0 and a good tag). */
void	 replay_update(struct replay *r, uint64_t seq);

#endif /* REPLAY_H */
