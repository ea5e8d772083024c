/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The mesh datagram codecs: SnowSignal's "SS" + Ethernet frame, and the
 * authenticated native format (header, frame or IPv4 packet or HELLO,
 * HMAC-SHA-256-128 or UMAC-128 tag). Pure.
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

/* The native magic "SA". */
static const uint8_t	 mesh_native_magic[2] = { 0x53, 0x41 };

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Which format a datagram claims to be, by its first two bytes only. */
enum mesh_kind
mesh_kind(const uint8_t *dgram, size_t len)
{
	if (dgram == NULL || len < 2)
		return MESH_KIND_UNKNOWN;
	if (memcmp(dgram, mesh_ss_magic, MESH_SS_HLEN) == 0)
		return MESH_KIND_SS;
	if (memcmp(dgram, mesh_native_magic, sizeof(mesh_native_magic)) == 0)
		return MESH_KIND_NATIVE;
	return MESH_KIND_UNKNOWN;
}

/* Write the 24-byte native header for hdr (magic, version, hdr->flags). */
void
mesh_native_header(uint8_t out[MESH_NATIVE_HLEN], const struct mesh_hdr *hdr)
{
	memcpy(out, mesh_native_magic, sizeof(mesh_native_magic));
	out[2] = MESH_NATIVE_VERSION;
	out[3] = hdr->type;
	out[4] = hdr->key_id;
	out[5] = hdr->flags;
	put16(out + 6, hdr->len);
	put32(out + 8, hdr->relay_id);
	put32(out + 12, hdr->timestamp);
	put32(out + 16, (uint32_t)(hdr->seq >> 32));
	put32(out + 20, (uint32_t)hdr->seq);
}

/*
 * Authenticate before parsing: only the length, the magic and the key id
 * byte are looked at until the tag over everything before it is right.
 */
enum mesh_err
mesh_native_verify(const uint8_t *dgram, size_t len, struct auth_keyring *kr,
    struct auth_key **key)
{
	struct auth_key	*k;
	size_t		 body;

	if (dgram == NULL || len < MESH_NATIVE_OVERHEAD)
		return MESH_SHORT;
	if (memcmp(dgram, mesh_native_magic, sizeof(mesh_native_magic)) != 0)
		return MESH_BAD_MAGIC;
	if ((k = auth_key_find(kr, dgram[4])) == NULL)
		return MESH_NO_KEY;
	body = len - AUTH_TAG_LEN;
	if (!auth_verify(k, dgram + MESH_NONCE_OFF, dgram, body, NULL, 0,
	    dgram + body))
		return MESH_BAD_TAG;
	*key = k;
	return MESH_OK;
}

/*
 * Parse an authenticated datagram's header. Authenticated is not the same
 * as well-formed: a peer with another version or a bug is refused here.
 * A DATA payload is at least an Ethernet header, or with MESH_F_L3 (the
 * receiver adds the header) anything: a packet too short for IPv4 is then
 * the frame checks' to count. Either way the frame is at most FRAME_MAX.
 * A HELLO is at most MESH_HELLO_MAX (its content is for mesh_hello_decode).
 */
enum mesh_err
mesh_native_parse(const uint8_t *dgram, size_t len, struct mesh_hdr *hdr,
    const uint8_t **payload)
{
	size_t	 n, eth;
	uint8_t	 type, flags;

	if (dgram == NULL || len < MESH_NATIVE_OVERHEAD)
		return MESH_SHORT;
	if (dgram[2] != MESH_NATIVE_VERSION)
		return MESH_BAD_VERSION;
	type = dgram[3];
	flags = dgram[5];
	if (type != MESH_TYPE_DATA && type != MESH_TYPE_HELLO)
		return MESH_BAD_TYPE;
	if (flags != 0 && (type != MESH_TYPE_DATA || flags != MESH_F_L3))
		return MESH_BAD_FLAGS;
	n = get16(dgram + 6);
	if (n != len - MESH_NATIVE_OVERHEAD)
		return MESH_BAD_LENGTH;
	if (type == MESH_TYPE_DATA) {
		/* The bytes of Ethernet header that are in the payload. */
		eth = (flags & MESH_F_L3) ? 0 : ETH_HLEN_;
		if (n > FRAME_MAX - ETH_HLEN_ + eth)
			return MESH_TOO_BIG;
		if (n < eth)
			return MESH_SHORT;
	} else if (n > MESH_HELLO_MAX)
		return MESH_BAD_HELLO;
	hdr->type = type;
	hdr->key_id = dgram[4];
	hdr->flags = flags;
	hdr->len = (uint16_t)n;
	hdr->relay_id = get32(dgram + 8);
	hdr->timestamp = get32(dgram + 12);
	hdr->seq = (uint64_t)get32(dgram + 16) << 32 | get32(dgram + 20);
	*payload = dgram + MESH_NATIVE_HLEN;
	return MESH_OK;
}

/*
 * See mesh.h. In place: the 14 bytes before the payload are header bytes
 * 10..23 (relay id, timestamp, sequence number), all parsed already. The
 * destination is broadcast and the type IPv4, as frame_validate wants;
 * the source stays zero, as frame_rewrite sets it before any emission.
 */
uint8_t *
mesh_l3_frame(uint8_t *dgram)
{
	uint8_t	*frame = dgram + MESH_NATIVE_HLEN - ETH_HLEN_;

	memset(frame, 0xff, 6);
	memset(frame + 6, 0, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	return frame;
}

/* A MAC a relay may emit with: unicast and not all zero. */
static int
mac_ok(const uint8_t *m)
{
	static const uint8_t	 zero[6];

	return (m[0] & 0x01) == 0 && memcmp(m, zero, 6) != 0;
}

/* The version field: printable ASCII, then NUL padding to 16 bytes. */
static int
version_ok(const char *v, size_t len)
{
	size_t	 i = 0;

	while (i < len && v[i] != '\0') {
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return 0;
		i++;
	}
	while (i < len)
		if (v[i++] != '\0')
			return 0;
	return 1;
}

/* The key ids: non-zero and distinct. */
static int
key_ids_ok(const uint8_t *ids, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		if (ids[i] == 0)
			return 0;
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return 0;
	}
	return 1;
}

/* Encode h; the length, or 0 if h is out of range or does not fit out. */
size_t
mesh_hello_encode(uint8_t *out, size_t outlen, const struct mesh_hello *h)
{
	size_t	 len, vlen, i;

	if (h->nmacs > MAX_IFACES || h->nkeys > AUTH_MAX_KEYS ||
	    h->interval == 0 || h->interval > MESH_HELLO_INTERVAL_MAX)
		return 0;
	vlen = strnlen(h->version, 16);
	if (!version_ok(h->version, vlen) || !key_ids_ok(h->key_ids, h->nkeys))
		return 0;
	for (i = 0; i < h->nmacs; i++)
		if (!mac_ok(h->macs[i]))
			return 0;
	len = MESH_HELLO_MIN + h->nkeys + 6 * (size_t)h->nmacs;
	if (out == NULL || outlen < len)
		return 0;
	memset(out, 0, MESH_HELLO_MIN);
	out[0] = MESH_HELLO_VERSION;
	out[1] = h->nmacs;
	out[2] = h->nkeys;
	put16(out + 4, h->interval);
	memcpy(out + 8, h->version, vlen);
	if (h->nkeys > 0)
		memcpy(out + MESH_HELLO_MIN, h->key_ids, h->nkeys);
	for (i = 0; i < h->nmacs; i++)
		memcpy(out + MESH_HELLO_MIN + h->nkeys + 6 * i, h->macs[i], 6);
	return len;
}

/*
 * Decode a HELLO payload, checking every field: it comes from an
 * authenticated peer, but its MACs become capture drop rules and its
 * interval a liveness deadline, so nothing is taken on trust.
 */
enum mesh_err
mesh_hello_decode(const uint8_t *p, size_t len, struct mesh_hello *h)
{
	size_t	 m, k, i;

	if (p == NULL || len < MESH_HELLO_MIN || p[0] != MESH_HELLO_VERSION)
		return MESH_BAD_HELLO;
	m = p[1];
	k = p[2];
	if (m > MAX_IFACES || k > AUTH_MAX_KEYS || p[3] != 0 || p[6] != 0 ||
	    p[7] != 0 || len != MESH_HELLO_MIN + k + 6 * m)
		return MESH_BAD_HELLO;
	if (get16(p + 4) == 0 || get16(p + 4) > MESH_HELLO_INTERVAL_MAX)
		return MESH_BAD_HELLO;
	if (!version_ok((const char *)p + 8, 16) ||
	    !key_ids_ok(p + MESH_HELLO_MIN, k))
		return MESH_BAD_HELLO;
	for (i = 0; i < m; i++)
		if (!mac_ok(p + MESH_HELLO_MIN + k + 6 * i))
			return MESH_BAD_HELLO;
	memset(h, 0, sizeof(*h));
	h->interval = get16(p + 4);
	memcpy(h->version, p + 8, 16);
	h->version[16] = '\0';
	h->nkeys = (uint8_t)k;
	memcpy(h->key_ids, p + MESH_HELLO_MIN, k);
	h->nmacs = (uint8_t)m;
	for (i = 0; i < m; i++)
		memcpy(h->macs[i], p + MESH_HELLO_MIN + k + 6 * i, 6);
	return MESH_OK;
}
