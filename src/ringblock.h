/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Bounds of a frame in a retired TPACKET_V3 block. The kernel writes the
 * offsets; the capture ring's reader checks every one anyway, so that a
 * bad one costs the rest of its block (counted: ring_bad) rather than a
 * read outside the mapping or a loop over one frame. Pure.
 */
#ifndef RINGBLOCK_H
#define RINGBLOCK_H

#include <stddef.h>
#include <stdint.h>

/* One frame's header fields, as read from the block. */
struct ringblock_frame {
	size_t		 off;		/* of its tpacket3_hdr in the block */
	uint32_t	 mac;		/* tp_mac: the frame, from off */
	uint32_t	 snaplen;	/* tp_snaplen: its bytes in the block */
	uint32_t	 next;		/* tp_next_offset: the next header, from off */
};

/* 1 if a header of hdr bytes at off lies in the block, after desc bytes. */
int	 ringblock_header_ok(size_t bsize, size_t desc, size_t hdr, size_t off);

/*
 * 1 if the header (hdr bytes at f->off) and the frame it points to lie in
 * the block of bsize bytes, after its descriptor (desc bytes), and, unless
 * it is the block's last frame, the next header lies further on.
 */
int	 ringblock_frame_ok(size_t bsize, size_t desc, size_t hdr,
	    const struct ringblock_frame *f, int last);

#endif /* RINGBLOCK_H */
