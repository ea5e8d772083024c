/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The mesh datagram codec: SnowSignal's "SS" + Ethernet frame. Pure.
 */
#include <string.h>

#include "mesh.h"
#include "snowrelayd.h"

const uint8_t	 mesh_ss_magic[MESH_SS_HLEN] = { 0x53, 0x53 };

#define MESH_NAME_(e, s)	s,
static const char *const mesh_err_names[] = {
	MESH_ERRORS(MESH_NAME_)
};
#undef MESH_NAME_

const char *
mesh_err_name(enum mesh_err err)
{
	if ((unsigned int)err >= MESH_NERR)
		return "unknown";
	return mesh_err_names[err];
}

/*
 * Find the frame in a SnowSignal datagram. Too short to hold the magic and
 * an Ethernet header is checked first, so any tiny datagram is "short".
 */
enum mesh_err
mesh_ss_decode(const uint8_t *dgram, size_t len, const uint8_t **frame,
    size_t *framelen)
{
	if (dgram == NULL || len < MESH_SS_HLEN + ETH_HLEN_)
		return MESH_SHORT;
	if (memcmp(dgram, mesh_ss_magic, MESH_SS_HLEN) != 0)
		return MESH_BAD_MAGIC;
	if (len - MESH_SS_HLEN > FRAME_MAX)
		return MESH_TOO_BIG;
	*frame = dgram + MESH_SS_HLEN;
	*framelen = len - MESH_SS_HLEN;
	return MESH_OK;
}

/* Write "SS" + frame into out; the datagram length, or 0 if it does not fit. */
size_t
mesh_ss_encode(uint8_t *out, size_t outlen, const uint8_t *frame,
    size_t framelen)
{
	if (framelen > FRAME_MAX || outlen < MESH_SS_HLEN ||
	    outlen - MESH_SS_HLEN < framelen)
		return 0;
	memcpy(out, mesh_ss_magic, MESH_SS_HLEN);
	if (framelen > 0)
		memcpy(out + MESH_SS_HLEN, frame, framelen);
	return MESH_SS_HLEN + framelen;
}
