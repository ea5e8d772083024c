/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of the mesh codecs (src/mesh.c): SnowSignal "SS", the native
 * authenticated format (checked against golden datagrams committed here as
 * hex, for other implementations too, with HMAC-SHA-256 and UMAC-128 keys)
 * and the HELLO payload.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/umac.h>

#include "auth.h"
#include "frame.h"
#include "mesh.h"
#include "snowrelayd.h"

static uint8_t	 dgram[MESH_SS_HLEN + FRAME_MAX + 16];
static uint8_t	 frame[FRAME_MAX + 16];

/* A recognisable frame of len bytes. */
static void
fill_frame(size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		frame[i] = (uint8_t)(i * 7 + 1);
}

/* "SS" + the frame of len bytes into dgram. */
static size_t
make_dgram(size_t len)
{
	fill_frame(len);
	dgram[0] = 0x53;
	dgram[1] = 0x53;
	memcpy(dgram + 2, frame, len);
	return len + 2;
}

START_TEST(test_decode_valid)
{
	const uint8_t	*f = NULL;
	size_t		 flen = 0, n;

	n = make_dgram(14 + 20 + 8 + 51);
	ck_assert_int_eq(mesh_ss_decode(dgram, n, &f, &flen), MESH_OK);
	ck_assert_ptr_eq(f, dgram + 2);
	ck_assert_uint_eq(flen, 14 + 20 + 8 + 51);
	ck_assert_mem_eq(f, frame, flen);
}
END_TEST

START_TEST(test_decode_minimum)
{
	const uint8_t	*f = NULL;
	size_t		 flen = 0;

	/* Magic + a bare Ethernet header is the smallest well-formed datagram. */
	make_dgram(14);
	ck_assert_int_eq(mesh_ss_decode(dgram, 16, &f, &flen), MESH_OK);
	ck_assert_uint_eq(flen, 14);
}
END_TEST

static const size_t	 short_lens[] = { 0, 1, 2, 15 };

START_TEST(test_decode_short)
{
	const uint8_t	*f = NULL;
	size_t		 flen = 12345;

	make_dgram(64);
	ck_assert_int_eq(mesh_ss_decode(dgram, short_lens[_i], &f, &flen),
	    MESH_SHORT);
	/* Nothing is handed out on failure. */
	ck_assert_ptr_null(f);
	ck_assert_uint_eq(flen, 12345);
}
END_TEST

START_TEST(test_decode_bad_magic)
{
	const uint8_t	*f = NULL;
	size_t		 flen = 0, n;

	n = make_dgram(60);
	dgram[1] = 0x54;
	ck_assert_int_eq(mesh_ss_decode(dgram, n, &f, &flen), MESH_BAD_MAGIC);
	dgram[0] = 0x73;
	dgram[1] = 0x73;	/* "ss" */
	ck_assert_int_eq(mesh_ss_decode(dgram, n, &f, &flen), MESH_BAD_MAGIC);
	/* A raw frame without magic (SnowSignal before June 2024). */
	ck_assert_int_eq(mesh_ss_decode(frame, 60, &f, &flen), MESH_BAD_MAGIC);
	ck_assert_ptr_null(f);
}
END_TEST

START_TEST(test_decode_too_big)
{
	const uint8_t	*f = NULL;
	size_t		 flen = 0, n;

	n = make_dgram(FRAME_MAX);
	ck_assert_int_eq(mesh_ss_decode(dgram, n, &f, &flen), MESH_OK);
	ck_assert_uint_eq(flen, FRAME_MAX);
	n = make_dgram(FRAME_MAX + 1);
	f = NULL;
	ck_assert_int_eq(mesh_ss_decode(dgram, n, &f, &flen), MESH_TOO_BIG);
	ck_assert_ptr_null(f);
}
END_TEST

START_TEST(test_round_trip)
{
	static const size_t	 lens[] = { 14, 42, 100, 1514, FRAME_MAX };
	uint8_t			*out;
	const uint8_t		*f;
	size_t			 i, n, flen;

	out = malloc(MESH_SS_HLEN + FRAME_MAX);
	ck_assert_ptr_nonnull(out);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		fill_frame(lens[i]);
		n = mesh_ss_encode(out, MESH_SS_HLEN + lens[i], frame, lens[i]);
		ck_assert_uint_eq(n, MESH_SS_HLEN + lens[i]);
		ck_assert_mem_eq(out, mesh_ss_magic, MESH_SS_HLEN);
		ck_assert_int_eq(mesh_ss_decode(out, n, &f, &flen), MESH_OK);
		ck_assert_uint_eq(flen, lens[i]);
		ck_assert_mem_eq(f, frame, lens[i]);
	}
	free(out);
}
END_TEST

START_TEST(test_encode_too_small)
{
	uint8_t	 out[64];

	fill_frame(60);
	memset(out, 0xee, sizeof(out));
	ck_assert_uint_eq(mesh_ss_encode(out, 61, frame, 60), 0);
	ck_assert_uint_eq(mesh_ss_encode(out, 1, frame, 60), 0);
	ck_assert_uint_eq(mesh_ss_encode(out, 0, frame, 60), 0);
	/* Nothing written when it does not fit. */
	ck_assert_uint_eq(out[0], 0xee);
	ck_assert_uint_eq(mesh_ss_encode(out, 62, frame, 60), 62);
}
END_TEST

START_TEST(test_encode_frame_too_big)
{
	uint8_t	*out;

	out = malloc(MESH_SS_HLEN + FRAME_MAX + 16);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(mesh_ss_encode(out, MESH_SS_HLEN + FRAME_MAX + 16,
	    frame, FRAME_MAX + 1), 0);
	free(out);
}
END_TEST

START_TEST(test_err_names)
{
	ck_assert_str_eq(mesh_err_name(MESH_OK), "ok");
	ck_assert_str_eq(mesh_err_name(MESH_SHORT), "short");
	ck_assert_str_eq(mesh_err_name(MESH_BAD_MAGIC), "bad_magic");
	ck_assert_str_eq(mesh_err_name(MESH_TOO_BIG), "too_big");
	ck_assert_str_eq(mesh_err_name(MESH_NERR), "unknown");
	ck_assert_str_eq(mesh_err_name((enum mesh_err)-1), "unknown");
}
END_TEST

/* ---- native format ----------------------------------------------------- */

/*
 * Golden native DATA datagram (91 bytes), for checking another
 * implementation against this one. Key id 1, whose secret is the 32 bytes
 * 00 01 02 .. 1f. Fields:
 *   magic "SA", version 1, type 1 (DATA), key id 1, flags 0,
 *   payload length 51, relay id 0x01020304, timestamp 0x6a000000,
 *   sequence 0x18a7b3c4d5e6f708,
 *   payload: a 51-byte Ethernet frame ff:ff:ff:ff:ff:ff <- 02:00:00:00:00:01,
 *     IPv4 198.18.1.10 -> 198.18.1.255 (ID 0x1234, DF, TTL 64), UDP
 *     40000 -> 5076, payload "snowrelay", both checksums valid,
 *   tag: HMAC-SHA-256(key, bytes 0..74), first 16 bytes.
 * Computed independently (Python hmac) when this test was written.
 */
static const char	 golden_data_hex[] =
    "5341010101000033010203046a000000"
    "18a7b3c4d5e6f708ffffffffffff0200"
    "00000001080045000025123440004011"
    "9966c612010ac61201ff9c4013d40011"
    "85dc736e6f7772656c61797c768807f6"
    "18bb4136b915995f5807ad";

/*
 * Golden native DATA datagram with MESH_F_L3 (77 bytes): as above, but
 * flags 0x01 and payload length 37, the payload being the same IPv4
 * packet without its Ethernet header; the tag over bytes 0..60.
 * Computed independently (Python hmac) when the flag was added.
 */
static const char	 golden_l3_hex[] =
    "5341010101010025010203046a000000"
    "18a7b3c4d5e6f7084500002512344000"
    "40119966c612010ac61201ff9c4013d4"
    "001185dc736e6f7772656c6179857286"
    "79a547338c94baa7941a54a9b3";

/*
 * Golden native HELLO datagram (78 bytes), same key. Header as above but
 * type 2, payload length 38, sequence 0x18a7b3c4d5e6f709. Payload: hello
 * version 1, 2 MACs, 2 key ids, interval 2 s, version "snowrelay 0.3",
 * key ids 1 and 2, MACs 02:00:00:00:00:01 and 02:00:00:00:00:02.
 */
static const char	 golden_hello_hex[] =
    "5341010201000026010203046a000000"
    "18a7b3c4d5e6f7090102020000020000"
    "736e6f7772656c617920302e33000000"
    "0102020000000001020000000002641c"
    "579c19acd9991a8be1e677195405";

/*
 * Golden native DATA datagram with MESH_F_L3 and a UMAC-128 key (77
 * bytes): golden_l3_hex with key 1 (00..1f) given algorithm umac-128 in
 * the key file. The UMAC key is the first 16 bytes of HMAC-SHA-256(key,
 * "snowrelay umac-128 key v1") = a3138560f8c6c2ffa60005cf7a00a652 (Python
 * hmac); the tag is nettle's umac128 with that key and nonce bytes 8..23
 * (01020304 6a000000 18a7b3c4d5e6f708) over bytes 0..60, computed with
 * nettle directly when UMAC was added (test_umac_golden does it again).
 */
static const char	 golden_umac_l3_hex[] =
    "5341010101010025010203046a000000"
    "18a7b3c4d5e6f7084500002512344000"
    "40119966c612010ac61201ff9c4013d4"
    "001185dc736e6f7772656c6179c299d1"
    "d8d63c8436432c3329789e5235";

#define SEQ_GOLDEN	0x18a7b3c4d5e6f708ULL

static uint8_t	 golden[128];
static size_t	 golden_len;
static uint8_t	 nbuf[MESH_NATIVE_OVERHEAD + FRAME_MAX + 64];

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Decode hex into out; the byte count. */
static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		 n = 0;
	unsigned int	 v;

	for (; s[0] != '\0' && s[1] != '\0'; s += 2) {
		ck_assert_int_eq(sscanf(s, "%2x", &v), 1);
		ck_assert_uint_lt(n, max);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* The golden data datagram into golden[]. */
static void
load_golden(const char *hex)
{
	golden_len = unhex(hex, golden, sizeof(golden));
}

/*
 * A keyring with algorithm alg: id 1 = 00..1f (the golden key); with two,
 * id 2 = 20..3f.
 */
static void
ring_alg(struct auth_keyring *kr, int two, enum auth_alg alg)
{
	uint8_t	 s[64];
	size_t	 i;

	for (i = 0; i < sizeof(s); i++)
		s[i] = (uint8_t)i;
	auth_keyring_init(kr);
	ck_assert_int_eq(auth_keyring_add(kr, 1, alg, s, 32), 0);
	if (two)
		ck_assert_int_eq(auth_keyring_add(kr, 2, alg, s + 32, 32), 0);
}

/* The HMAC-SHA-256 keyring of the golden vectors. */
static void
ring(struct auth_keyring *kr, int two)
{
	ring_alg(kr, two, AUTH_HMAC_SHA256);
}

/*
 * A native datagram in nbuf: header for h, n payload bytes, then the tag
 * with key k computed after fix (may alter header bytes) ran.
 */
static size_t
make_native(struct auth_key *k, const struct mesh_hdr *h, size_t n,
    void (*fix)(uint8_t *))
{
	size_t	 i;

	mesh_native_header(nbuf, h);
	for (i = 0; i < n; i++)
		nbuf[MESH_NATIVE_HLEN + i] = (uint8_t)(i * 5 + 3);
	if (fix != NULL)
		fix(nbuf);
	auth_tag(k, nbuf + MESH_NONCE_OFF, nbuf, MESH_NATIVE_HLEN + n, NULL, 0,
	    nbuf + MESH_NATIVE_HLEN + n);
	return MESH_NATIVE_OVERHEAD + n;
}

START_TEST(test_kind)
{
	ck_assert_int_eq(mesh_kind((const uint8_t *)"SS", 2), MESH_KIND_SS);
	ck_assert_int_eq(mesh_kind((const uint8_t *)"SAxx", 4),
	    MESH_KIND_NATIVE);
	ck_assert_int_eq(mesh_kind((const uint8_t *)"AS", 2),
	    MESH_KIND_UNKNOWN);
	ck_assert_int_eq(mesh_kind((const uint8_t *)"ss", 2),
	    MESH_KIND_UNKNOWN);
	ck_assert_int_eq(mesh_kind((const uint8_t *)"S", 1), MESH_KIND_UNKNOWN);
	ck_assert_int_eq(mesh_kind((const uint8_t *)"", 0), MESH_KIND_UNKNOWN);
	ck_assert_int_eq(mesh_kind(NULL, 10), MESH_KIND_UNKNOWN);
	load_golden(golden_data_hex);
	ck_assert_int_eq(mesh_kind(golden, golden_len), MESH_KIND_NATIVE);
}
END_TEST

/*
 * Load a golden DATA datagram of dlen bytes, verify it with key 1 and
 * parse it: the header fields all golden DATA vectors share, and flags.
 */
static void
golden_data_header(const char *hex, size_t dlen, uint8_t flags,
    struct auth_keyring *kr, struct mesh_hdr *h, const uint8_t **pl)
{
	struct auth_key	*k = NULL;

	load_golden(hex);
	ck_assert_uint_eq(golden_len, dlen);
	ring(kr, 1);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, kr, &k),
	    MESH_OK);
	ck_assert_ptr_eq(k, &kr->keys[0]);
	ck_assert_int_eq(mesh_native_parse(golden, golden_len, h, pl),
	    MESH_OK);
	ck_assert_uint_eq(h->type, MESH_TYPE_DATA);
	ck_assert_uint_eq(h->flags, flags);
	ck_assert_uint_eq(h->key_id, 1);
	ck_assert_uint_eq(h->len, dlen - MESH_NATIVE_OVERHEAD);
	ck_assert_uint_eq(h->relay_id, 0x01020304);
	ck_assert_uint_eq(h->timestamp, 0x6a000000);
	ck_assert_uint_eq(h->seq, SEQ_GOLDEN);
	ck_assert_ptr_eq(*pl, golden + MESH_NATIVE_HLEN);
}

START_TEST(test_golden_data)
{
	struct auth_keyring	 kr;
	struct mesh_hdr		 h;
	const uint8_t		*pl = NULL;

	golden_data_header(golden_data_hex, 91, 0, &kr, &h, &pl);
	ck_assert_mem_eq(pl, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01"
	    "\x08\x00", 14);
	ck_assert_mem_eq(pl + 42, "snowrelay", 9);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_golden_l3)
{
	static const uint16_t	 port = 5076;
	struct auth_keyring	 kr;
	struct mesh_hdr		 h;
	struct frame_info	 info;
	const uint8_t		*pl = NULL;
	uint8_t			 old[128], *f;
	size_t			 old_len;

	load_golden(golden_data_hex);
	memcpy(old, golden, golden_len);
	old_len = golden_len;
	golden_data_header(golden_l3_hex, 77, MESH_F_L3, &kr, &h, &pl);
	/* The same IPv4 packet as in the golden frame, without Ethernet. */
	ck_assert_uint_eq(old_len - ETH_HLEN_, golden_len);
	ck_assert_mem_eq(pl, old + MESH_NATIVE_HLEN + ETH_HLEN_, 37);
	/*
	 * What the receiver does (mesh_l3_frame): an Ethernet header over
	 * header bytes 10..23 (parsed already) makes a frame that validates.
	 */
	f = mesh_l3_frame(golden);
	ck_assert_ptr_eq(f, golden + MESH_NATIVE_HLEN - ETH_HLEN_);
	ck_assert_mem_eq(f, "\xff\xff\xff\xff\xff\xff\0\0\0\0\0\0\x08\x00", 14);
	ck_assert_int_eq(frame_validate(f, ETH_HLEN_ + h.len, &port, 1,
	    FRAME_F_CSUM_VALID, &info), FRAME_OK);
	ck_assert_uint_eq(info.len, 51);
	ck_assert_uint_eq(info.udp_len, 8 + 9);
	ck_assert_mem_eq(f + 6 + 6, old + MESH_NATIVE_HLEN + 12, 51 - 12);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_golden_build_l3)
{
	struct auth_keyring	 kr;
	struct mesh_hdr		 h = { MESH_TYPE_DATA, 1, 37, 0x01020304,
				    0x6a000000, SEQ_GOLDEN, MESH_F_L3 };
	uint8_t			 out[128];

	/* The header with the flag and the bare packet: the golden bytes. */
	load_golden(golden_l3_hex);
	ring(&kr, 0);
	mesh_native_header(out, &h);
	ck_assert_uint_eq(out[5], 0x01);
	memcpy(out + MESH_NATIVE_HLEN, golden + MESH_NATIVE_HLEN, 37);
	auth_tag(&kr.keys[0], out + MESH_NONCE_OFF, out, MESH_NATIVE_HLEN,
	    out + MESH_NATIVE_HLEN, 37, out + MESH_NATIVE_HLEN + 37);
	ck_assert_mem_eq(out, golden, golden_len);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_golden_build)
{
	struct auth_keyring	 kr;
	struct mesh_hdr		 h = { MESH_TYPE_DATA, 1, 51, 0x01020304,
				    0x6a000000, SEQ_GOLDEN, 0 };
	uint8_t			 out[128];

	/* Building the same datagram gives exactly the golden bytes. */
	load_golden(golden_data_hex);
	ring(&kr, 0);
	mesh_native_header(out, &h);
	memcpy(out + MESH_NATIVE_HLEN, golden + MESH_NATIVE_HLEN, 51);
	auth_tag(&kr.keys[0], out + MESH_NONCE_OFF, out, MESH_NATIVE_HLEN,
	    out + MESH_NATIVE_HLEN, 51, out + MESH_NATIVE_HLEN + 51);
	ck_assert_mem_eq(out, golden, golden_len);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_golden_hello)
{
	struct auth_keyring	 kr;
	struct auth_key		*k = NULL;
	struct mesh_hdr		 h;
	struct mesh_hello	 hl;
	const uint8_t		*pl = NULL;
	uint8_t			 out[MESH_HELLO_MAX];

	load_golden(golden_hello_hex);
	ck_assert_uint_eq(golden_len, 78);
	ring(&kr, 0);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &kr, &k),
	    MESH_OK);
	ck_assert_int_eq(mesh_native_parse(golden, golden_len, &h, &pl),
	    MESH_OK);
	ck_assert_uint_eq(h.type, MESH_TYPE_HELLO);
	ck_assert_uint_eq(h.len, 38);
	ck_assert_uint_eq(h.seq, SEQ_GOLDEN + 1);
	ck_assert_int_eq(mesh_hello_decode(pl, h.len, &hl), MESH_OK);
	ck_assert_uint_eq(hl.interval, 2);
	ck_assert_str_eq(hl.version, "snowrelay 0.3");
	ck_assert_uint_eq(hl.nkeys, 2);
	ck_assert_uint_eq(hl.key_ids[0], 1);
	ck_assert_uint_eq(hl.key_ids[1], 2);
	ck_assert_uint_eq(hl.nmacs, 2);
	ck_assert_mem_eq(hl.macs[0], "\x02\x00\x00\x00\x00\x01", 6);
	ck_assert_mem_eq(hl.macs[1], "\x02\x00\x00\x00\x00\x02", 6);
	/* And encoding it again gives the same payload. */
	ck_assert_uint_eq(mesh_hello_encode(out, sizeof(out), &hl), 38);
	ck_assert_mem_eq(out, pl, 38);
	auth_keyring_clear(&kr);
}
END_TEST

/*
 * The UMAC golden datagram: nettle's umac128 called here with the derived
 * key gives its tag; it verifies and parses with a umac-128 key 1, and is
 * bad_tag for an hmac-sha256 key 1 with the same secret (and the other way
 * round): a relay with the other algorithm for a key id drops everything.
 */
START_TEST(test_umac_golden)
{
	struct auth_keyring	 kr, hk;
	struct auth_key		*k = NULL;
	struct umac128_ctx	 u;
	struct mesh_hdr		 h;
	const uint8_t		*pl = NULL;
	uint8_t			 key[UMAC_KEY_SIZE], tag[AUTH_TAG_LEN],
				 l3[128];

	load_golden(golden_l3_hex);
	memcpy(l3, golden, golden_len);
	load_golden(golden_umac_l3_hex);
	ck_assert_uint_eq(golden_len, 77);
	/* The same header and packet as the HMAC vector; another tag. */
	ck_assert_mem_eq(golden, l3, 61);
	ck_assert_int_ne(memcmp(golden + 61, l3 + 61, 16), 0);
	ck_assert_uint_eq(unhex("a3138560f8c6c2ffa60005cf7a00a652", key,
	    sizeof(key)), UMAC_KEY_SIZE);
	umac128_set_key(&u, key);
	umac128_set_nonce(&u, AUTH_NONCE_LEN, golden + MESH_NONCE_OFF);
	umac128_update(&u, 61, golden);
	umac128_digest(&u, sizeof(tag), tag);
	ck_assert_mem_eq(tag, golden + 61, sizeof(tag));
	ring_alg(&kr, 1, AUTH_UMAC128);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &kr, &k),
	    MESH_OK);
	ck_assert_ptr_eq(k, &kr.keys[0]);
	ck_assert_int_eq(mesh_native_parse(golden, golden_len, &h, &pl),
	    MESH_OK);
	ck_assert_uint_eq(h.flags, MESH_F_L3);
	ck_assert_uint_eq(h.len, 37);
	ck_assert_uint_eq(h.relay_id, 0x01020304);
	ck_assert_uint_eq(h.seq, SEQ_GOLDEN);
	ring(&hk, 1);
	k = NULL;
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &hk, &k),
	    MESH_BAD_TAG);
	ck_assert_int_eq(mesh_native_verify(l3, golden_len, &kr, &k),
	    MESH_BAD_TAG);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(mesh_native_verify(l3, golden_len, &hk, &k), MESH_OK);
	auth_keyring_clear(&kr);
	auth_keyring_clear(&hk);
}
END_TEST

/*
 * Encode as the sender does (header, then the tag over header and packet
 * as two parts, nonce header + 8): the golden bytes. The next datagram
 * (sequence + 1) has another tag and round-trips; the previous tag on the
 * new header, or the new tag with the old sequence number, is refused.
 */
START_TEST(test_umac_build)
{
	struct auth_keyring	 kr;
	struct auth_key		*k = NULL;
	struct mesh_hdr		 h = { MESH_TYPE_DATA, 1, 37, 0x01020304,
				    0x6a000000, SEQ_GOLDEN, MESH_F_L3 }, p;
	const uint8_t		*pl = NULL;
	uint8_t			 out[128], next[128], tag[AUTH_TAG_LEN];

	load_golden(golden_umac_l3_hex);
	ring_alg(&kr, 0, AUTH_UMAC128);
	mesh_native_header(out, &h);
	memcpy(out + MESH_NATIVE_HLEN, golden + MESH_NATIVE_HLEN, 37);
	auth_tag(&kr.keys[0], out + MESH_NONCE_OFF, out, MESH_NATIVE_HLEN,
	    out + MESH_NATIVE_HLEN, 37, out + MESH_NATIVE_HLEN + 37);
	ck_assert_mem_eq(out, golden, golden_len);
	h.seq++;
	memcpy(next, out, golden_len);
	mesh_native_header(next, &h);
	auth_tag(&kr.keys[0], next + MESH_NONCE_OFF, next, MESH_NATIVE_HLEN,
	    next + MESH_NATIVE_HLEN, 37, next + MESH_NATIVE_HLEN + 37);
	ck_assert_int_ne(memcmp(next + 61, out + 61, 16), 0);
	ck_assert_int_eq(mesh_native_verify(next, golden_len, &kr, &k),
	    MESH_OK);
	ck_assert_int_eq(mesh_native_parse(next, golden_len, &p, &pl),
	    MESH_OK);
	ck_assert_uint_eq(p.seq, SEQ_GOLDEN + 1);
	ck_assert_mem_eq(pl, golden + MESH_NATIVE_HLEN, 37);
	memcpy(tag, next + 61, sizeof(tag));
	memcpy(next + 61, out + 61, sizeof(tag));
	ck_assert_int_eq(mesh_native_verify(next, golden_len, &kr, &k),
	    MESH_BAD_TAG);
	memcpy(out + 61, tag, sizeof(tag));
	ck_assert_int_eq(mesh_native_verify(out, golden_len, &kr, &k),
	    MESH_BAD_TAG);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_header_round_trip)
{
	static const struct mesh_hdr	 hs[] = {
		{ MESH_TYPE_DATA, 1, 14, 0, 0, 0, 0 },
		{ MESH_TYPE_DATA, 255, 1514, UINT32_MAX, UINT32_MAX,
		    UINT64_MAX, 0 },
		{ MESH_TYPE_HELLO, 2, MESH_HELLO_MIN, 0x80000001, 0x7fffffff,
		    0x8000000000000001ULL, 0 },
		{ MESH_TYPE_DATA, 2, FRAME_MAX, 1, 2, 3, 0 },
		{ MESH_TYPE_DATA, 1, 0, 0, 0, 0, MESH_F_L3 },
		{ MESH_TYPE_DATA, 7, 1480, 0xfedcba98, 0x6a000001,
		    0x0102030405060708ULL, MESH_F_L3 },
		{ MESH_TYPE_DATA, 2, FRAME_MAX - ETH_HLEN_, 1, 2, 3,
		    MESH_F_L3 },
	};
	struct auth_keyring		 kr;
	struct auth_key			*k;
	struct mesh_hdr			 h;
	const uint8_t			*pl;
	size_t				 i, n;
	uint8_t				 s[32];

	memset(s, 0x77, sizeof(s));
	for (i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		/*
		 * The case's key id, with another key in the ring too; the
		 * loop index is the algorithm of both.
		 */
		auth_keyring_init(&kr);
		ck_assert_int_eq(auth_keyring_add(&kr,
		    hs[i].key_id == 3 ? 4 : 3, (enum auth_alg)_i, s, 32), 0);
		ck_assert_int_eq(auth_keyring_add(&kr, hs[i].key_id,
		    (enum auth_alg)_i, s + 1, 16), 0);
		k = &kr.keys[1];
		n = make_native(k, &hs[i], hs[i].len, NULL);
		ck_assert_uint_eq(nbuf[2], 1);
		ck_assert_uint_eq(nbuf[5], hs[i].flags);
		k = NULL;
		ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_OK);
		ck_assert_uint_eq(k->id, hs[i].key_id);
		ck_assert_int_eq(mesh_native_parse(nbuf, n, &h, &pl), MESH_OK);
		ck_assert_uint_eq(h.type, hs[i].type);
		ck_assert_uint_eq(h.key_id, hs[i].key_id);
		ck_assert_uint_eq(h.len, hs[i].len);
		ck_assert_uint_eq(h.relay_id, hs[i].relay_id);
		ck_assert_uint_eq(h.timestamp, hs[i].timestamp);
		ck_assert_uint_eq(h.seq, hs[i].seq);
		ck_assert_uint_eq(h.flags, hs[i].flags);
		ck_assert_ptr_eq(pl, nbuf + MESH_NATIVE_HLEN);
		auth_keyring_clear(&kr);
	}
}
END_TEST

START_TEST(test_unknown_key)
{
	struct auth_keyring	 kr;
	struct auth_key		*k = NULL;
	uint8_t			 s[32];

	load_golden(golden_data_hex);
	memset(s, 1, sizeof(s));
	auth_keyring_init(&kr);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &kr, &k),
	    MESH_NO_KEY);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, NULL, &k),
	    MESH_NO_KEY);
	ck_assert_int_eq(auth_keyring_add(&kr, 2, AUTH_HMAC_SHA256, s, 32), 0);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &kr, &k),
	    MESH_NO_KEY);
	ck_assert_ptr_null(k);
	/* Key id 0 is never a key. */
	golden[4] = 0;
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &kr, &k),
	    MESH_NO_KEY);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_bad_tag)
{
	struct auth_keyring	 kr;
	struct auth_key		*k = NULL;
	uint8_t			 s[32];

	load_golden(golden_data_hex);
	/* Right id, wrong secret. */
	memset(s, 0, sizeof(s));
	auth_keyring_init(&kr);
	ck_assert_int_eq(auth_keyring_add(&kr, 1, AUTH_HMAC_SHA256, s, 32), 0);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &kr, &k),
	    MESH_BAD_TAG);
	ck_assert_ptr_null(k);
	auth_keyring_clear(&kr);
	/* Right key, the tag cut off or zeroed, or the datagram cut. */
	ring(&kr, 0);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len - 1, &kr, &k),
	    MESH_BAD_TAG);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len - 16, &kr, &k),
	    MESH_BAD_TAG);
	memset(golden + golden_len - 16, 0, 16);
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &kr, &k),
	    MESH_BAD_TAG);
	ck_assert_ptr_null(k);
	auth_keyring_clear(&kr);
}
END_TEST

static const struct {
	const char	*hex;
	enum auth_alg	 alg;
}			 flip_goldens[] = {
	{ golden_data_hex, AUTH_HMAC_SHA256 },
	{ golden_l3_hex, AUTH_HMAC_SHA256 },
	{ golden_hello_hex, AUTH_HMAC_SHA256 },
	{ golden_umac_l3_hex, AUTH_UMAC128 },
};

START_TEST(test_bit_flips)
{
	struct auth_keyring	 kr;
	struct auth_key		*k;
	enum mesh_err		 e, want;
	size_t			 bit;

	/*
	 * Every single-bit change is refused: in the magic as bad_magic, in
	 * the key id as an unknown key (no flip of id 1 gives 2), anywhere
	 * else (header, flags too, frame or packet, tag) by the tag. With
	 * UMAC, header bytes 8..23 are also the nonce.
	 */
	load_golden(flip_goldens[_i].hex);
	ring_alg(&kr, 1, flip_goldens[_i].alg);
	for (bit = 0; bit < golden_len * 8; bit++) {
		golden[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		k = NULL;
		e = mesh_native_verify(golden, golden_len, &kr, &k);
		if (bit / 8 < 2)
			want = MESH_BAD_MAGIC;
		else if (bit / 8 == 4)
			want = MESH_NO_KEY;
		else
			want = MESH_BAD_TAG;
		ck_assert_msg(e == want, "bit %zu: %s, want %s", bit,
		    mesh_err_name(e), mesh_err_name(want));
		ck_assert_ptr_null(k);
		golden[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	ck_assert_int_eq(mesh_native_verify(golden, golden_len, &kr, &k),
	    MESH_OK);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_native_short)
{
	struct auth_keyring	 kr;
	struct auth_key		*k;
	struct mesh_hdr		 h, hz = { MESH_TYPE_DATA, 1, 0, 1, 2, 3, 0 };
	const uint8_t		*pl;
	size_t			 len, n;

	load_golden(golden_data_hex);
	ring(&kr, 0);
	for (len = 0; len < MESH_NATIVE_OVERHEAD; len++) {
		ck_assert_int_eq(mesh_native_verify(golden, len, &kr, &k),
		    MESH_SHORT);
		ck_assert_int_eq(mesh_native_parse(golden, len, &h, &pl),
		    MESH_SHORT);
	}
	ck_assert_int_eq(mesh_native_verify(NULL, 91, &kr, &k), MESH_SHORT);
	/* 40 bytes: authentic, but a DATA without even an Ethernet header. */
	n = make_native(&kr.keys[0], &hz, 0, NULL);
	ck_assert_uint_eq(n, 40);
	ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_OK);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &h, &pl), MESH_SHORT);
	hz.len = 13;
	n = make_native(&kr.keys[0], &hz, 13, NULL);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &h, &pl), MESH_SHORT);
	hz.len = 14;
	n = make_native(&kr.keys[0], &hz, 14, NULL);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &h, &pl), MESH_OK);
	/*
	 * With MESH_F_L3 the receiver adds the Ethernet header: any length
	 * parses, and a packet too short for IPv4 is the frame checks' to
	 * count once the header is in front of it.
	 */
	hz.flags = MESH_F_L3;
	for (hz.len = 0; hz.len < 20; hz.len++) {
		n = make_native(&kr.keys[0], &hz, hz.len, NULL);
		ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_OK);
		ck_assert_int_eq(mesh_native_parse(nbuf, n, &h, &pl), MESH_OK);
		ck_assert_uint_eq(h.len, hz.len);
		memcpy(nbuf + MESH_NATIVE_HLEN - ETH_HLEN_,
		    "\xff\xff\xff\xff\xff\xff\0\0\0\0\0\0\x08\x00", 14);
		ck_assert_int_eq(frame_validate(nbuf + MESH_NATIVE_HLEN -
		    ETH_HLEN_, ETH_HLEN_ + h.len, NULL, 0, FRAME_F_CSUM_VALID,
		    NULL), FRAME_IP_SHORT);
	}
	hz.flags = 0;
	/* An empty HELLO parses; its payload is for mesh_hello_decode. */
	hz.type = MESH_TYPE_HELLO;
	hz.len = 0;
	n = make_native(&kr.keys[0], &hz, 0, NULL);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &h, &pl), MESH_OK);
	auth_keyring_clear(&kr);
}
END_TEST

static void
fix_version2(uint8_t *p)
{
	p[2] = 2;
}

START_TEST(test_tag_first)
{
	struct auth_keyring	 kr;
	struct auth_key		*k = NULL;
	struct mesh_hdr		 h = { MESH_TYPE_DATA, 1, 60, 1, 2, 3, 0 };
	size_t			 n;

	/*
	 * verify looks at nothing but length, magic, key id and tag: a
	 * well-tagged datagram of an unknown version passes it (parse
	 * refuses it), and a malformed one with a bad tag is "bad_tag".
	 */
	ring(&kr, 0);
	n = make_native(&kr.keys[0], &h, 60, fix_version2);
	ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_OK);
	nbuf[n - 1] ^= 1;
	nbuf[7] = 0xff;		/* length field wrong too */
	nbuf[3] = 9;		/* and the type */
	ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_BAD_TAG);
	auth_keyring_clear(&kr);
}
END_TEST

static void
fix_type0(uint8_t *p)
{
	p[3] = 0;
}

static void
fix_type3(uint8_t *p)
{
	p[3] = 3;
}

static void
fix_flags2(uint8_t *p)
{
	p[5] = 2;
}

static void
fix_flags3(uint8_t *p)
{
	p[5] = 3;
}

static void
fix_flags80(uint8_t *p)
{
	p[5] = 0x80;
}

static void
fix_len_plus(uint8_t *p)
{
	p[7]++;
}

static void
fix_len_minus(uint8_t *p)
{
	p[7]--;
}

START_TEST(test_parse_errors)
{
	static const struct {
		void		(*fix)(uint8_t *);
		enum mesh_err	 want;
	} cases[] = {
		{ fix_version2, MESH_BAD_VERSION },
		{ fix_type0, MESH_BAD_TYPE },
		{ fix_type3, MESH_BAD_TYPE },
		{ fix_flags2, MESH_BAD_FLAGS },
		{ fix_flags3, MESH_BAD_FLAGS },
		{ fix_flags80, MESH_BAD_FLAGS },
		{ fix_len_plus, MESH_BAD_LENGTH },
		{ fix_len_minus, MESH_BAD_LENGTH },
	};
	struct auth_keyring	 kr;
	struct auth_key		*k;
	struct mesh_hdr		 h = { MESH_TYPE_DATA, 1, 60, 1, 2, 3, 0 }, out;
	const uint8_t		*pl;
	size_t			 i, n;

	ring(&kr, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = make_native(&kr.keys[0], &h, 60, cases[i].fix);
		ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_OK);
		ck_assert_msg(mesh_native_parse(nbuf, n, &out, &pl) ==
		    cases[i].want, "case %zu", i);
	}
	auth_keyring_clear(&kr);
}
END_TEST

/* The flags byte for the next make_native. */
static uint8_t	 flags_byte;

static void
fix_flags(uint8_t *p)
{
	p[5] = flags_byte;
}

START_TEST(test_parse_flags)
{
	struct auth_keyring	 kr;
	struct auth_key		*k;
	struct mesh_hdr		 h = { MESH_TYPE_DATA, 1, 60, 1, 2, 3, 0 }, out;
	const uint8_t		*pl;
	enum mesh_err		 want;
	size_t			 n;
	unsigned int		 f;

	/* DATA: 0 or MESH_F_L3; HELLO: 0 only; every other value refused. */
	ring(&kr, 0);
	for (f = 0; f < 256; f++) {
		flags_byte = (uint8_t)f;
		h.type = MESH_TYPE_DATA;
		n = make_native(&kr.keys[0], &h, 60, fix_flags);
		ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_OK);
		want = f == 0 || f == MESH_F_L3 ? MESH_OK : MESH_BAD_FLAGS;
		memset(&out, 0, sizeof(out));
		ck_assert_msg(mesh_native_parse(nbuf, n, &out, &pl) == want,
		    "DATA flags 0x%02x", f);
		if (want == MESH_OK)
			ck_assert_uint_eq(out.flags, f);
		h.type = MESH_TYPE_HELLO;
		n = make_native(&kr.keys[0], &h, 60, fix_flags);
		want = f == 0 ? MESH_OK : MESH_BAD_FLAGS;
		ck_assert_msg(mesh_native_parse(nbuf, n, &out, &pl) == want,
		    "HELLO flags 0x%02x", f);
	}
	ck_assert_uint_eq(MESH_F_L3, 0x01);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_parse_sizes)
{
	struct auth_keyring	 kr;
	struct auth_key		*k;
	struct mesh_hdr		 h = { MESH_TYPE_DATA, 1, FRAME_MAX, 1, 2, 3,
				    0 }, out;
	const uint8_t		*pl;
	size_t			 n;

	ring(&kr, 0);
	n = make_native(&kr.keys[0], &h, FRAME_MAX, NULL);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &out, &pl), MESH_OK);
	h.len = FRAME_MAX + 1;
	n = make_native(&kr.keys[0], &h, FRAME_MAX + 1, NULL);
	ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_OK);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &out, &pl), MESH_TOO_BIG);
	/* With MESH_F_L3 the receiver adds 14 bytes: the frame is the limit. */
	h.flags = MESH_F_L3;
	h.len = FRAME_MAX - ETH_HLEN_;
	n = make_native(&kr.keys[0], &h, h.len, NULL);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &out, &pl), MESH_OK);
	ck_assert_uint_eq(out.len, FRAME_MAX - ETH_HLEN_);
	h.len = FRAME_MAX - ETH_HLEN_ + 1;
	n = make_native(&kr.keys[0], &h, h.len, NULL);
	ck_assert_int_eq(mesh_native_verify(nbuf, n, &kr, &k), MESH_OK);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &out, &pl), MESH_TOO_BIG);
	h.len = FRAME_MAX;
	n = make_native(&kr.keys[0], &h, h.len, NULL);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &out, &pl), MESH_TOO_BIG);
	h.flags = 0;
	/* A HELLO is small: anything above MESH_HELLO_MAX is refused. */
	h.type = MESH_TYPE_HELLO;
	h.len = MESH_HELLO_MAX;
	n = make_native(&kr.keys[0], &h, MESH_HELLO_MAX, NULL);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &out, &pl), MESH_OK);
	h.len = MESH_HELLO_MAX + 1;
	n = make_native(&kr.keys[0], &h, MESH_HELLO_MAX + 1, NULL);
	ck_assert_int_eq(mesh_native_parse(nbuf, n, &out, &pl), MESH_BAD_HELLO);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_new_err_names)
{
	static const char *const	 names[MESH_NERR] = {
		"ok", "short", "bad_magic", "too_big", "unknown_key_id",
		"bad_tag", "bad_version", "bad_type", "bad_flags",
		"bad_length", "bad_hello",
	};
	int				 e;

	ck_assert_int_eq(MESH_NERR, 11);
	for (e = 0; e < MESH_NERR; e++)
		ck_assert_str_eq(mesh_err_name((enum mesh_err)e), names[e]);
	ck_assert_str_eq(mesh_err_name(MESH_NO_KEY), "unknown_key_id");
	ck_assert_str_eq(mesh_err_name(MESH_BAD_HELLO), "bad_hello");
}
END_TEST

/* ---- HELLO payload ------------------------------------------------------ */

/* A HELLO with n MACs and k key ids. */
static void
mkhello(struct mesh_hello *h, size_t nmacs, size_t nkeys)
{
	size_t	 i;

	ck_assert_uint_le(nmacs, MAX_IFACES);
	ck_assert_uint_le(nkeys, AUTH_MAX_KEYS);
	memset(h, 0, sizeof(*h));
	h->interval = 2;
	strcpy(h->version, "snowrelay 0.3");
	h->nkeys = (uint8_t)nkeys;
	for (i = 0; i < nkeys && i < AUTH_MAX_KEYS; i++)
		h->key_ids[i] = (uint8_t)(i + 1);
	h->nmacs = (uint8_t)nmacs;
	for (i = 0; i < nmacs && i < MAX_IFACES; i++) {
		memcpy(h->macs[i], "\x02\x00\x5e\x10\x00\x00", 6);
		h->macs[i][5] = (uint8_t)i;
	}
}

START_TEST(test_hello_round_trip)
{
	struct mesh_hello	 h, d;
	uint8_t			 out[MESH_HELLO_MAX + 8];
	size_t			 m, k, n;

	for (m = 0; m <= MAX_IFACES; m++) {
		for (k = 0; k <= AUTH_MAX_KEYS; k++) {
			mkhello(&h, m, k);
			n = mesh_hello_encode(out, sizeof(out), &h);
			ck_assert_uint_eq(n, MESH_HELLO_MIN + k + 6 * m);
			ck_assert_int_eq(mesh_hello_decode(out, n, &d),
			    MESH_OK);
			ck_assert_mem_eq(&d, &h, sizeof(h));
		}
	}
	ck_assert_uint_eq(MESH_HELLO_MAX, MESH_HELLO_MIN + 2 + 6 * MAX_IFACES);
	/* A version of exactly 16 characters fills the field, no NUL. */
	mkhello(&h, 1, 1);
	strcpy(h.version, "0123456789abcdef");
	h.interval = MESH_HELLO_INTERVAL_MAX;
	n = mesh_hello_encode(out, sizeof(out), &h);
	ck_assert_mem_eq(out + 8, "0123456789abcdef", 16);
	ck_assert_int_eq(mesh_hello_decode(out, n, &d), MESH_OK);
	ck_assert_str_eq(d.version, "0123456789abcdef");
	ck_assert_uint_eq(d.interval, MESH_HELLO_INTERVAL_MAX);
	/* And an empty one. */
	h.version[0] = '\0';
	n = mesh_hello_encode(out, sizeof(out), &h);
	ck_assert_int_eq(mesh_hello_decode(out, n, &d), MESH_OK);
	ck_assert_str_eq(d.version, "");
}
END_TEST

START_TEST(test_hello_encode_errors)
{
	struct mesh_hello	 h;
	uint8_t			 out[MESH_HELLO_MAX];
	size_t			 need;

	mkhello(&h, 3, 2);
	need = MESH_HELLO_MIN + 2 + 18;
	memset(out, 0xee, sizeof(out));
	ck_assert_uint_eq(mesh_hello_encode(out, need - 1, &h), 0);
	ck_assert_uint_eq(out[0], 0xee);	/* nothing written */
	ck_assert_uint_eq(mesh_hello_encode(NULL, need, &h), 0);
	ck_assert_uint_eq(mesh_hello_encode(out, need, &h), need);
	h.nmacs = MAX_IFACES + 1;
	ck_assert_uint_eq(mesh_hello_encode(out, sizeof(out), &h), 0);
	mkhello(&h, 3, 2);
	h.nkeys = AUTH_MAX_KEYS + 1;
	ck_assert_uint_eq(mesh_hello_encode(out, sizeof(out), &h), 0);
	mkhello(&h, 3, 2);
	h.key_ids[1] = 0;
	ck_assert_uint_eq(mesh_hello_encode(out, sizeof(out), &h), 0);
	mkhello(&h, 3, 2);
	h.interval = 0;
	ck_assert_uint_eq(mesh_hello_encode(out, sizeof(out), &h), 0);
	mkhello(&h, 3, 2);
	h.macs[2][0] = 0x01;
	ck_assert_uint_eq(mesh_hello_encode(out, sizeof(out), &h), 0);
	mkhello(&h, 3, 2);
	h.version[3] = '\n';
	ck_assert_uint_eq(mesh_hello_encode(out, sizeof(out), &h), 0);
}
END_TEST

/* Corruptions of a valid 3-MAC, 2-key HELLO (44 bytes); each refused. */
enum hello_bad {
	HB_SHORT, HB_EMPTY, HB_VERSION0, HB_VERSION2, HB_NMACS9, HB_NKEYS3,
	HB_RES3, HB_RES6, HB_RES7, HB_LONGER, HB_SHORTER, HB_KEY0, HB_KEYDUP,
	HB_INTERVAL0, HB_INTERVAL_BIG, HB_VERSION_CTRL, HB_VERSION_HIGH,
	HB_VERSION_AFTER_NUL, HB_MAC_MULTICAST, HB_MAC_BROADCAST, HB_MAC_ZERO,
	HB_NMACS_LIE,
	NHELLO_BAD
};

START_TEST(test_hello_decode_errors)
{
	struct mesh_hello	 h, d;
	uint8_t			 p[MESH_HELLO_MAX + 16];
	size_t			 n, macs;

	mkhello(&h, 3, 2);
	n = mesh_hello_encode(p, sizeof(p), &h);
	ck_assert_uint_eq(n, 44);
	ck_assert_int_eq(mesh_hello_decode(p, n, &d), MESH_OK);
	macs = MESH_HELLO_MIN + 2;
	switch (_i) {
	case HB_SHORT:		n = MESH_HELLO_MIN - 1; p[1] = p[2] = 0; break;
	case HB_EMPTY:		n = 0; break;
	case HB_VERSION0:	p[0] = 0; break;
	case HB_VERSION2:	p[0] = 2; break;
	case HB_NMACS9:		p[1] = MAX_IFACES + 1; n += 6 * 6; break;
	case HB_NKEYS3:		p[2] = 3; n++; break;
	case HB_RES3:		p[3] = 1; break;
	case HB_RES6:		p[6] = 0x80; break;
	case HB_RES7:		p[7] = 1; break;
	case HB_LONGER:		p[n++] = 0; break;
	case HB_SHORTER:	n--; break;
	case HB_KEY0:		p[MESH_HELLO_MIN + 1] = 0; break;
	case HB_KEYDUP:		p[MESH_HELLO_MIN + 1] = 1; break;
	case HB_INTERVAL0:	p[4] = p[5] = 0; break;
	case HB_INTERVAL_BIG:	put16(p + 4, 3601); break;
	case HB_VERSION_CTRL:	p[8 + 2] = 0x1b; break;
	case HB_VERSION_HIGH:	p[8 + 2] = 0xc3; break;
	case HB_VERSION_AFTER_NUL: p[8 + 15] = 'x'; break;
	case HB_MAC_MULTICAST:	p[macs + 6] = 0x01; break;
	case HB_MAC_BROADCAST:	memset(p + macs + 12, 0xff, 6); break;
	case HB_MAC_ZERO:	memset(p + macs, 0, 6); break;
	case HB_NMACS_LIE:	p[1] = 2; break;
	}
	memset(&d, 0x5a, sizeof(d));
	ck_assert_msg(mesh_hello_decode(p, n, &d) == MESH_BAD_HELLO,
	    "corruption %d accepted", _i);
	if (_i == HB_INTERVAL_BIG) {
		put16(p + 4, 3600);	/* the largest allowed */
		ck_assert_int_eq(mesh_hello_decode(p, n, &d), MESH_OK);
	}
}
END_TEST

static Suite *
mesh_suite(void)
{
	Suite	*s = suite_create("mesh");
	TCase	*tc = tcase_create("ss");

	tcase_add_test(tc, test_decode_valid);
	tcase_add_test(tc, test_decode_minimum);
	tcase_add_loop_test(tc, test_decode_short, 0,
	    sizeof(short_lens) / sizeof(short_lens[0]));
	tcase_add_test(tc, test_decode_bad_magic);
	tcase_add_test(tc, test_decode_too_big);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_encode_too_small);
	tcase_add_test(tc, test_encode_frame_too_big);
	tcase_add_test(tc, test_err_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("native");
	tcase_add_test(tc, test_kind);
	tcase_add_test(tc, test_golden_data);
	tcase_add_test(tc, test_golden_build);
	tcase_add_test(tc, test_golden_l3);
	tcase_add_test(tc, test_golden_build_l3);
	tcase_add_test(tc, test_golden_hello);
	/* Loop index = enum auth_alg. */
	tcase_add_loop_test(tc, test_header_round_trip, 0, AUTH_NALG);
	tcase_add_test(tc, test_umac_golden);
	tcase_add_test(tc, test_umac_build);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_bad_tag);
	tcase_add_loop_test(tc, test_bit_flips, 0,
	    sizeof(flip_goldens) / sizeof(flip_goldens[0]));
	tcase_add_test(tc, test_native_short);
	tcase_add_test(tc, test_tag_first);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_parse_flags);
	tcase_add_test(tc, test_parse_sizes);
	tcase_add_test(tc, test_new_err_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("hello");
	tcase_add_test(tc, test_hello_round_trip);
	tcase_add_test(tc, test_hello_encode_errors);
	tcase_add_loop_test(tc, test_hello_decode_errors, 0, NHELLO_BAD);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(mesh_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
