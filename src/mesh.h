/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh datagram codecs. Pure. Two formats:
 * - SnowSignal: "SS" (0x53 0x53) + the Ethernet frame (14-byte header +
 *   IPv4 packet); no authentication.
 * - native v1 (all fields big-endian):
 *     0  2  magic "SA" (0x53 0x41)
 *     2  1  version (1)
 *     3  1  type: 1 DATA, 2 HELLO
 *     4  1  key id (1..255)
 *     5  1  flags: DATA 0 or MESH_F_L3, HELLO 0; anything else is refused
 *     6  2  payload length N (= datagram length - 40)
 *     8  4  sender relay id
 *    12  4  timestamp, CLOCK_REALTIME seconds (low 32 bits)
 *    16  8  sequence number
 *    24  N  payload: DATA: the Ethernet frame, or with MESH_F_L3 the IPv4
 *           packet alone (the receiver rebuilds the Ethernet header);
 *           HELLO: see mesh_hello
 *  24+N 16  tag over bytes 0 .. 24+N-1 with key[key id], by the key's
 *           algorithm (the key file says which; both ends share it):
 *           HMAC-SHA-256, first 16 bytes, or UMAC-128 with bytes 8..23 as
 *           its nonce (MESH_NONCE_OFF)
 *
 * The UMAC nonce must never repeat under one key, and bytes 8..23 (relay
 * id, timestamp, sequence number) do not: a relay's sequence number counts
 * up by one per datagram it sends (to any peer, DATA or HELLO) from the
 * wall clock in nanoseconds at its start, so a restarted relay starts
 * above anything it sent before, and its relay id is random per start,
 * which keeps relays sharing a key apart (two relays collide only if they
 * draw the same 32-bit id and then use the same timestamp and sequence
 * number). The wire format is the same for both algorithms.
 */
#ifndef MESH_H
#define MESH_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "snowrelayd.h"

#define MESH_SS_HLEN	2
#define MESH_NATIVE_HLEN	24
#define MESH_NATIVE_OVERHEAD	(MESH_NATIVE_HLEN + AUTH_TAG_LEN)
#define MESH_NONCE_OFF		8	/* the AUTH_NONCE_LEN bytes of the nonce */
_Static_assert(MESH_NONCE_OFF + AUTH_NONCE_LEN == MESH_NATIVE_HLEN,
    "the nonce is header bytes 8..23");
#define MESH_NATIVE_VERSION	1
#define MESH_TYPE_DATA		1
#define MESH_TYPE_HELLO		2
/*
 * Flags byte, DATA only: the payload is the IPv4 packet without its
 * 14-byte Ethernet header, which carries nothing the receiver uses (it
 * emits with a broadcast destination, its own source, type IPv4). It
 * keeps a full-size 1442-byte frame in a 1496-byte IP datagram (MTU 1500).
 */
#define MESH_F_L3		0x01

extern const uint8_t	 mesh_ss_magic[MESH_SS_HLEN];

#define MESH_ERRORS(X)						\
	X(MESH_OK,		"ok")				\
	X(MESH_SHORT,		"short")	/* < magic + 14 */ \
	X(MESH_BAD_MAGIC,	"bad_magic")			\
	X(MESH_TOO_BIG,		"too_big")	/* frame > FRAME_MAX */ \
	X(MESH_NO_KEY,		"unknown_key_id")		\
	X(MESH_BAD_TAG,		"bad_tag")			\
	X(MESH_BAD_VERSION,	"bad_version")			\
	X(MESH_BAD_TYPE,	"bad_type")			\
	X(MESH_BAD_FLAGS,	"bad_flags")			\
	X(MESH_BAD_LENGTH,	"bad_length")	/* N != datagram - 40 */ \
	X(MESH_BAD_HELLO,	"bad_hello")

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

/* Which format a datagram claims to be (by its magic only). */
enum mesh_kind {
	MESH_KIND_UNKNOWN = 0,
	MESH_KIND_SS,
	MESH_KIND_NATIVE,
};
enum mesh_kind	 mesh_kind(const uint8_t *dgram, size_t len);

struct mesh_hdr {
	uint8_t		 type;
	uint8_t		 key_id;
	uint16_t	 len;		/* payload length */
	uint32_t	 relay_id;
	uint32_t	 timestamp;
	uint64_t	 seq;
	uint8_t		 flags;		/* 0 or MESH_F_L3 (DATA only) */
};

/* Write the 24-byte native header for hdr (magic, version, hdr->flags). */
void		 mesh_native_header(uint8_t out[MESH_NATIVE_HLEN], const struct mesh_hdr *hdr);

/*
 * Authenticate a native datagram BEFORE parsing anything else: length at
 * least MESH_NATIVE_OVERHEAD, magic, key id known in kr, tag right over
 * everything before it. Returns MESH_OK with *key set, MESH_SHORT,
 * MESH_BAD_MAGIC, MESH_NO_KEY or MESH_BAD_TAG.
 */
enum mesh_err	 mesh_native_verify(const uint8_t *dgram, size_t len, struct auth_keyring *kr,
		    struct auth_key **key);

/*
 * Parse the header of a datagram that passed mesh_native_verify: version,
 * known type, flags (0 or MESH_F_L3 for DATA, 0 for HELLO), payload length
 * consistent (and the frame it makes <= FRAME_MAX).
 */
enum mesh_err	 mesh_native_parse(const uint8_t *dgram, size_t len, struct mesh_hdr *hdr,
		    const uint8_t **payload);
/*
 * The frame of a parsed MESH_F_L3 DATA datagram: an Ethernet header put
 * in front of its IPv4 packet, over the end of the native header (so the
 * header must not be read after this). Returns where the frame starts;
 * it is ETH_HLEN_ + hdr.len bytes long.
 */
uint8_t		*mesh_l3_frame(uint8_t *dgram);

/*
 * HELLO payload, version 1 (big-endian):
 *   0  1  hello version (1)
 *   1  1  number of MAC addresses M (0..MAX_IFACES)
 *   2  1  number of key ids K (0..AUTH_MAX_KEYS)
 *   3  1  reserved (0)
 *   4  2  HELLO interval, seconds
 *   6  2  reserved (0)
 *   8 16  software version, NUL-padded ASCII
 *  24  K  key ids this relay accepts
 * 24+K 6M MAC addresses this relay emits with
 */
#define MESH_HELLO_VERSION	1
#define MESH_HELLO_MIN		24
#define MESH_HELLO_INTERVAL_MAX	3600	/* seconds; 1..this on decode */
#define MESH_HELLO_MAX		(MESH_HELLO_MIN + AUTH_MAX_KEYS + 6 * MAX_IFACES)

struct mesh_hello {
	uint16_t	 interval;
	char		 version[17];		/* NUL-terminated */
	uint8_t		 nkeys;
	uint8_t		 key_ids[AUTH_MAX_KEYS];
	uint8_t		 nmacs;
	uint8_t		 macs[MAX_IFACES][6];
};

/* Encode h; returns the length or 0 if it does not fit out. */
size_t		 mesh_hello_encode(uint8_t *out, size_t outlen, const struct mesh_hello *h);
/* Decode and range-check; MESH_OK or MESH_BAD_HELLO. */
enum mesh_err	 mesh_hello_decode(const uint8_t *p, size_t len, struct mesh_hello *h);

#endif /* MESH_H */
