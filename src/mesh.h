/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh datagram codec. Pure. Today only the SnowSignal format:
 * "SS" (0x53 0x53) + the Ethernet frame (14-byte header + IPv4 packet).
 */
#ifndef MESH_H
#define MESH_H

#include <stddef.h>
#include <stdint.h>

#define MESH_SS_HLEN	2

extern const uint8_t	 mesh_ss_magic[MESH_SS_HLEN];

#define MESH_ERRORS(X)						\
	X(MESH_OK,		"ok")				\
	X(MESH_SHORT,		"short")	/* < magic + 14 */ \
	X(MESH_BAD_MAGIC,	"bad_magic")			\
	X(MESH_TOO_BIG,		"too_big")	/* frame > FRAME_MAX */

#define MESH_ENUM_(e, s)	e,
enum mesh_err {
	MESH_ERRORS(MESH_ENUM_)
	MESH_NERR
};
#undef MESH_ENUM_

const char	*mesh_err_name(enum mesh_err err);

/* Find the frame inside a SnowSignal datagram. */
enum mesh_err	 mesh_ss_decode(const uint8_t *dgram, size_t len, const uint8_t **frame,
		    size_t *framelen);

/* Write "SS" + frame into out; returns the datagram length or 0 if it does not fit. */
size_t		 mesh_ss_encode(uint8_t *out, size_t outlen, const uint8_t *frame,
		    size_t framelen);

#endif /* MESH_H */
