/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * See ringblock.h.
 */
#include "ringblock.h"

/* See ringblock.h. */
int
ringblock_header_ok(size_t bsize, size_t desc, size_t hdr, size_t off)
{
	return bsize >= hdr && off >= desc && off <= bsize - hdr;
}

/* See ringblock.h. Every subtraction is guarded by the test before it. */
int
ringblock_frame_ok(size_t bsize, size_t desc, size_t hdr,
    const struct ringblock_frame *f, int last)
{
	if (!ringblock_header_ok(bsize, desc, hdr, f->off))
		return 0;
	if (f->mac > bsize - f->off || f->snaplen > bsize - f->off - f->mac)
		return 0;
	/* A next offset of 0, or past the block, would stall or escape. */
	return last || (f->next > 0 && f->next <= bsize - f->off);
}
