/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target: frame validation of captured frames, and the rewrite for
 * emission. Input: a flags byte, a 4-byte local broadcast address, then
 * the frame. A frame that validates with every checksum checked must
 * still validate, with its source unchanged, once its checksum is
 * finished and it is rewritten for a segment.
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "fuzz.h"
#include "snowrelayd.h"

#define FUZZ_BCAST	0xc6120fffU	/* 198.18.15.255 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t	 ports[] = { 5076, 5064 };
	static const uint8_t	 mac[6] = { 2, 0, 0, 0, 0, 1 };
	static uint8_t		 buf[FRAME_MAX + 64];
	struct frame_info	 info, again;
	unsigned int		 flags;
	uint32_t		 bcast;

	if (size < 5 || size - 5 > sizeof(buf))
		return 0;
	flags = data[0] & 0x0f;
	memcpy(&bcast, data + 1, sizeof(bcast));
	memcpy(buf, data + 5, size - 5);
	if (frame_validate(buf, size - 5, ports, 2, flags, &info) != FRAME_OK)
		return 0;
	if (info.len > size - 5 || info.udp_off + info.udp_len > info.len)
		abort();
	/* The property needs both checksums checked. */
	if ((flags & ~FRAME_F_ACCEPT_PARTIAL) != 0)
		return 0;
	if (info.csum_partial)
		frame_finish_udp_csum(buf, &info);
	if (!frame_is_broadcast(bcast))
		bcast = htonl(FUZZ_BCAST);
	frame_rewrite(buf, &info, mac, bcast);
	if (frame_validate(buf, info.len, ports, 2, 0, &again) != FRAME_OK ||
	    again.src_ip != info.src_ip || again.src_port != info.src_port)
		abort();
	return 0;
}
