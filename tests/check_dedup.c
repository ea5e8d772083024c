/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/dedup.c: SipHash-2-4 against the reference vectors,
 * the frame identity, the window and the bounded table with eviction.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "dedup.h"

/*
 * SipHash-2-4 with key 00 01 .. 0f over the messages 00 01 .. (N-1) for
 * N = 0..63: the 64 outputs (little-endian bytes) of vectors_sip64 in the
 * reference implementation (github.com/veorq/SipHash, vectors.h), also
 * checked against an independent implementation while writing this test.
 */
static const uint8_t	 sip_vectors[64][8] = {
	{ 0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72 },
	{ 0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74 },
	{ 0x5a, 0x4f, 0xa9, 0xd9, 0x09, 0x80, 0x6c, 0x0d },
	{ 0x2d, 0x7e, 0xfb, 0xd7, 0x96, 0x66, 0x67, 0x85 },
	{ 0xb7, 0x87, 0x71, 0x27, 0xe0, 0x94, 0x27, 0xcf },
	{ 0x8d, 0xa6, 0x99, 0xcd, 0x64, 0x55, 0x76, 0x18 },
	{ 0xce, 0xe3, 0xfe, 0x58, 0x6e, 0x46, 0xc9, 0xcb },
	{ 0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab },
	{ 0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93 },
	{ 0xb0, 0xe4, 0xa9, 0x0b, 0xdf, 0x82, 0x00, 0x9e },
	{ 0xf3, 0xb9, 0xdd, 0x94, 0xc5, 0xbb, 0x5d, 0x7a },
	{ 0xa7, 0xad, 0x6b, 0x22, 0x46, 0x2f, 0xb3, 0xf4 },
	{ 0xfb, 0xe5, 0x0e, 0x86, 0xbc, 0x8f, 0x1e, 0x75 },
	{ 0x90, 0x3d, 0x84, 0xc0, 0x27, 0x56, 0xea, 0x14 },
	{ 0xee, 0xf2, 0x7a, 0x8e, 0x90, 0xca, 0x23, 0xf7 },
	{ 0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1 },
	{ 0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f },
	{ 0x94, 0x47, 0xbe, 0x2c, 0xf5, 0xe9, 0x9a, 0x69 },
	{ 0x9c, 0xd3, 0x8d, 0x96, 0xf0, 0xb3, 0xc1, 0x4b },
	{ 0xbd, 0x61, 0x79, 0xa7, 0x1d, 0xc9, 0x6d, 0xbb },
	{ 0x98, 0xee, 0xa2, 0x1a, 0xf2, 0x5c, 0xd6, 0xbe },
	{ 0xc7, 0x67, 0x3b, 0x2e, 0xb0, 0xcb, 0xf2, 0xd0 },
	{ 0x88, 0x3e, 0xa3, 0xe3, 0x95, 0x67, 0x53, 0x93 },
	{ 0xc8, 0xce, 0x5c, 0xcd, 0x8c, 0x03, 0x0c, 0xa8 },
	{ 0x94, 0xaf, 0x49, 0xf6, 0xc6, 0x50, 0xad, 0xb8 },
	{ 0xea, 0xb8, 0x85, 0x8a, 0xde, 0x92, 0xe1, 0xbc },
	{ 0xf3, 0x15, 0xbb, 0x5b, 0xb8, 0x35, 0xd8, 0x17 },
	{ 0xad, 0xcf, 0x6b, 0x07, 0x63, 0x61, 0x2e, 0x2f },
	{ 0xa5, 0xc9, 0x1d, 0xa7, 0xac, 0xaa, 0x4d, 0xde },
	{ 0x71, 0x65, 0x95, 0x87, 0x66, 0x50, 0xa2, 0xa6 },
	{ 0x28, 0xef, 0x49, 0x5c, 0x53, 0xa3, 0x87, 0xad },
	{ 0x42, 0xc3, 0x41, 0xd8, 0xfa, 0x92, 0xd8, 0x32 },
	{ 0xce, 0x7c, 0xf2, 0x72, 0x2f, 0x51, 0x27, 0x71 },
	{ 0xe3, 0x78, 0x59, 0xf9, 0x46, 0x23, 0xf3, 0xa7 },
	{ 0x38, 0x12, 0x05, 0xbb, 0x1a, 0xb0, 0xe0, 0x12 },
	{ 0xae, 0x97, 0xa1, 0x0f, 0xd4, 0x34, 0xe0, 0x15 },
	{ 0xb4, 0xa3, 0x15, 0x08, 0xbe, 0xff, 0x4d, 0x31 },
	{ 0x81, 0x39, 0x62, 0x29, 0xf0, 0x90, 0x79, 0x02 },
	{ 0x4d, 0x0c, 0xf4, 0x9e, 0xe5, 0xd4, 0xdc, 0xca },
	{ 0x5c, 0x73, 0x33, 0x6a, 0x76, 0xd8, 0xbf, 0x9a },
	{ 0xd0, 0xa7, 0x04, 0x53, 0x6b, 0xa9, 0x3e, 0x0e },
	{ 0x92, 0x59, 0x58, 0xfc, 0xd6, 0x42, 0x0c, 0xad },
	{ 0xa9, 0x15, 0xc2, 0x9b, 0xc8, 0x06, 0x73, 0x18 },
	{ 0x95, 0x2b, 0x79, 0xf3, 0xbc, 0x0a, 0xa6, 0xd4 },
	{ 0xf2, 0x1d, 0xf2, 0xe4, 0x1d, 0x45, 0x35, 0xf9 },
	{ 0x87, 0x57, 0x75, 0x19, 0x04, 0x8f, 0x53, 0xa9 },
	{ 0x10, 0xa5, 0x6c, 0xf5, 0xdf, 0xcd, 0x9a, 0xdb },
	{ 0xeb, 0x75, 0x09, 0x5c, 0xcd, 0x98, 0x6c, 0xd0 },
	{ 0x51, 0xa9, 0xcb, 0x9e, 0xcb, 0xa3, 0x12, 0xe6 },
	{ 0x96, 0xaf, 0xad, 0xfc, 0x2c, 0xe6, 0x66, 0xc7 },
	{ 0x72, 0xfe, 0x52, 0x97, 0x5a, 0x43, 0x64, 0xee },
	{ 0x5a, 0x16, 0x45, 0xb2, 0x76, 0xd5, 0x92, 0xa1 },
	{ 0xb2, 0x74, 0xcb, 0x8e, 0xbf, 0x87, 0x87, 0x0a },
	{ 0x6f, 0x9b, 0xb4, 0x20, 0x3d, 0xe7, 0xb3, 0x81 },
	{ 0xea, 0xec, 0xb2, 0xa3, 0x0b, 0x22, 0xa8, 0x7f },
	{ 0x99, 0x24, 0xa4, 0x3c, 0xc1, 0x31, 0x57, 0x24 },
	{ 0xbd, 0x83, 0x8d, 0x3a, 0xaf, 0xbf, 0x8d, 0xb7 },
	{ 0x0b, 0x1a, 0x2a, 0x32, 0x65, 0xd5, 0x1a, 0xea },
	{ 0x13, 0x50, 0x79, 0xa3, 0x23, 0x1c, 0xe6, 0x60 },
	{ 0x93, 0x2b, 0x28, 0x46, 0xe4, 0xd7, 0x06, 0x66 },
	{ 0xe1, 0x91, 0x5f, 0x5c, 0xb1, 0xec, 0xa4, 0x6c },
	{ 0xf3, 0x25, 0x96, 0x5c, 0xa1, 0x6d, 0x62, 0x9f },
	{ 0x57, 0x5f, 0xf2, 0x8e, 0x60, 0x38, 0x1b, 0xe5 },
	{ 0x72, 0x45, 0x06, 0xeb, 0x4c, 0x32, 0x8a, 0x95 },
};

static const uint8_t	 key16[16] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
};

/* A little-endian 64-bit value from 8 bytes. */
static uint64_t
le64(const uint8_t *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

START_TEST(test_siphash_vectors)
{
	uint64_t	 key[2];
	uint8_t		 msg[64];
	size_t		 n;

	key[0] = le64(key16);
	key[1] = le64(key16 + 8);
	ck_assert_uint_eq(key[0], 0x0706050403020100ULL);
	for (n = 0; n < 64; n++)
		msg[n] = (uint8_t)n;
	/* The paper's example (15 bytes) and the first and last vectors. */
	ck_assert_uint_eq(dedup_siphash(key, msg, 15), 0xa129ca6149be45e5ULL);
	ck_assert_uint_eq(dedup_siphash(key, NULL, 0), 0x726fdb47dd0e0e31ULL);
	ck_assert_uint_eq(dedup_siphash(key, msg, 63), 0x958a324ceb064572ULL);
	for (n = 0; n < 64; n++)
		ck_assert_msg(dedup_siphash(key, msg, n) ==
		    le64(sip_vectors[n]), "vector %zu", n);
}
END_TEST

START_TEST(test_siphash_unaligned)
{
	uint64_t	 key[2] = { 0x0706050403020100ULL,
	    0x0f0e0d0c0b0a0908ULL };
	uint8_t		 buf[64 + 8];
	size_t		 off, n;

	/* Byte access: any alignment of the input gives the same result. */
	for (off = 0; off < 8; off++) {
		for (n = 0; n < 64; n++)
			buf[off + n] = (uint8_t)n;
		for (n = 0; n < 64; n++)
			ck_assert_uint_eq(dedup_siphash(key, buf + off, n),
			    le64(sip_vectors[n]));
	}
}
END_TEST

static struct dedup_entry	 table[64 * DEDUP_WAYS + 8];
static struct dedup		 d;

/* A dedup over table with nsets sets and window w; guard entries after it. */
static void
setup(size_t nsets, uint32_t w)
{
	memset(table, 0xa5, sizeof(table));
	ck_assert_int_eq(dedup_init(&d, table, nsets, key16, w), 0);
	ck_assert_uint_eq(d.nsets, nsets);
	ck_assert_uint_eq(d.window_ms, w);
	ck_assert_uint_eq(d.evictions, 0);
	ck_assert_uint_eq(table[0].when_ms, 0);
	ck_assert_uint_eq(table[nsets * DEDUP_WAYS - 1].when_ms, 0);
}

/* The entries after the table were never written. */
static void
guard_intact(size_t nsets)
{
	const uint8_t	*p = (const uint8_t *)&table[nsets * DEDUP_WAYS];
	size_t		 i;

	for (i = 0; i < (sizeof(table) / sizeof(table[0]) - nsets *
	    DEDUP_WAYS) * sizeof(table[0]); i++)
		ck_assert_uint_eq(p[i], 0xa5);
}

START_TEST(test_hash_prefix)
{
	uint8_t		 buf[8 + 40];
	size_t		 n;
	uint32_t	 ip = 0x0a0112c6;

	/* dedup_hash = SipHash(ip LE32, sport LE16, dport LE16, payload). */
	setup(16, 500);
	buf[0] = 0xc6;
	buf[1] = 0x12;
	buf[2] = 0x01;
	buf[3] = 0x0a;
	buf[4] = 0x34;
	buf[5] = 0x12;
	buf[6] = 0xd4;
	buf[7] = 0x13;
	for (n = 0; n < 40; n++)
		buf[8 + n] = (uint8_t)(n * 13);
	for (n = 0; n <= 40; n++)
		ck_assert_uint_eq(dedup_hash(&d, ip, 0x1234, 5076, buf + 8, n),
		    dedup_siphash(d.key, buf, 8 + n));
	ck_assert_uint_eq(dedup_hash(&d, ip, 0x1234, 5076, NULL, 0),
	    dedup_siphash(d.key, buf, 8));
}
END_TEST

/* Offsets in a 14 + 20 + 8 byte IPv4/UDP frame. */
#define F_SRC_IP	26
#define F_DST_IP	30
#define F_SPORT		34
#define F_DPORT		36
#define F_PAYLOAD	42

/* A frame as a relay sees it; payload p of len bytes. */
static void
mkframe(uint8_t *f, const char *p, size_t len)
{
	memset(f, 0, F_PAYLOAD);
	memset(f, 0xff, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[22] = 64;			/* TTL */
	f[23] = 17;
	memcpy(f + F_SRC_IP, "\xc6\x12\x01\x0a", 4);
	memcpy(f + F_DST_IP, "\xc6\x12\x01\xff", 4);
	f[F_SPORT] = 0x9a;
	f[F_SPORT + 1] = 0x0b;
	f[F_DPORT] = 0x13;
	f[F_DPORT + 1] = 0xd4;
	memcpy(f + F_PAYLOAD, p, len);
}

/* The frame's identity, read the way the relay reads it. */
static uint64_t
frame_id(const uint8_t *f, size_t len)
{
	uint32_t	 ip;

	memcpy(&ip, f + F_SRC_IP, 4);
	return dedup_hash(&d, ip, (uint16_t)(f[F_SPORT] << 8 | f[F_SPORT + 1]),
	    (uint16_t)(f[F_DPORT] << 8 | f[F_DPORT + 1]), f + F_PAYLOAD,
	    len - F_PAYLOAD);
}

START_TEST(test_hash_fields)
{
	static const char	 pl[] = "search request 0001";
	uint8_t			 a[128], b[128];
	size_t			 len = F_PAYLOAD + sizeof(pl) - 1;
	uint64_t		 h;

	setup(16, 500);
	mkframe(a, pl, sizeof(pl) - 1);
	h = frame_id(a, len);
	/* What relays rewrite does not matter: MACs, TTL, ID, dst IP, sums. */
	mkframe(b, pl, sizeof(pl) - 1);
	memcpy(b, "\x01\x02\x03\x04\x05\x06\x02\x00\x00\x00\x00\x02", 12);
	b[22] = 63;
	b[18] = 0x12;
	b[24] = 0x55;
	memcpy(b + F_DST_IP, "\xc6\x12\x02\xff", 4);
	b[40] = 0x77;
	ck_assert_uint_eq(frame_id(b, len), h);
	/* What a relay keeps does. */
	mkframe(b, pl, sizeof(pl) - 1);
	b[F_SRC_IP + 3] = 0x0b;
	ck_assert_uint_ne(frame_id(b, len), h);
	mkframe(b, pl, sizeof(pl) - 1);
	b[F_SPORT + 1] ^= 1;
	ck_assert_uint_ne(frame_id(b, len), h);
	mkframe(b, pl, sizeof(pl) - 1);
	b[F_DPORT + 1] ^= 1;
	ck_assert_uint_ne(frame_id(b, len), h);
	mkframe(b, pl, sizeof(pl) - 1);
	b[len - 1] ^= 0x80;
	ck_assert_uint_ne(frame_id(b, len), h);
	ck_assert_uint_ne(frame_id(a, len - 1), h);
	/* Swapping the ports is another frame. */
	ck_assert_uint_ne(dedup_hash(&d, 1, 2, 3, NULL, 0),
	    dedup_hash(&d, 1, 3, 2, NULL, 0));
	/* Another boot (key) hashes differently. */
	d.key[0] ^= 1;
	ck_assert_uint_ne(frame_id(a, len), h);
}
END_TEST

#define SRC		0x0a0112c6U	/* 198.18.1.10, network order (LE host) */
#define BCAST1		0xff0112c6U	/* 198.18.1.255 */

/*
 * A UDP datagram (header + plen payload bytes from 198.18.1.10:40001 to
 * dst:5076) with its full checksum, written into u; returns its length.
 */
static size_t
mkudp(uint8_t *u, const uint8_t *payload, size_t plen, uint32_t dst)
{
	uint16_t	 c;

	u[0] = 0x9c; u[1] = 0x41;		/* 40001 */
	u[2] = 0x13; u[3] = 0xd4;		/* 5076 */
	u[4] = (uint8_t)((plen + 8) >> 8);
	u[5] = (uint8_t)(plen + 8);
	u[6] = u[7] = 0;
	memcpy(u + 8, payload, plen);
	c = csum_udp(SRC, dst, u, plen + 8);
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	return plen + 8;
}

/* Rewrite the destination as frame_rewrite does (RFC 1624 update). */
static void
rewrite_dst(uint8_t *u, uint32_t from, uint32_t to)
{
	uint16_t	 c = (uint16_t)(u[6] << 8 | u[7]);

	c = csum_update32(c, from, to);
	if (c == 0)
		c = 0xffff;
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
}

START_TEST(test_hash_udp)
{
	uint8_t		 pl[1400], u[1408], v[1408];
	uint64_t	 h;
	uint32_t	 dst;
	size_t		 n, i;

	setup(16, 500);
	for (i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(i * 7 + 3);
	n = mkudp(u, pl, sizeof(pl), BCAST1);
	h = dedup_hash_udp(&d, SRC, BCAST1, u, n);
	/* A relay rewrote the directed broadcast: the same frame. */
	memcpy(v, u, n);
	rewrite_dst(v, BCAST1, 0xff0212c6U);
	ck_assert_uint_ne(memcmp(u, v, n), 0);
	ck_assert_uint_eq(dedup_hash_udp(&d, SRC, 0xff0212c6U, v, n), h);
	/* Sent to 255.255.255.255 from the start, checksum computed fresh. */
	n = mkudp(v, pl, sizeof(pl), 0xffffffffU);
	ck_assert_uint_eq(dedup_hash_udp(&d, SRC, 0xffffffffU, v, n), h);
	/* A change past the prefix changes the payload sum: another frame. */
	pl[1000] ^= 0x10;
	n = mkudp(v, pl, sizeof(pl), BCAST1);
	ck_assert_uint_ne(dedup_hash_udp(&d, SRC, BCAST1, v, n), h);
	pl[1000] ^= 0x10;
	/* In the prefix, too; and the source port, and the length. */
	pl[DEDUP_PREFIX - 1] ^= 1;
	n = mkudp(v, pl, sizeof(pl), BCAST1);
	ck_assert_uint_ne(dedup_hash_udp(&d, SRC, BCAST1, v, n), h);
	pl[DEDUP_PREFIX - 1] ^= 1;
	n = mkudp(v, pl, sizeof(pl), BCAST1);
	ck_assert_uint_eq(dedup_hash_udp(&d, SRC, BCAST1, v, n), h);
	v[1] ^= 1;
	ck_assert_uint_ne(dedup_hash_udp(&d, SRC, BCAST1, v, n), h);
	n = mkudp(v, pl, sizeof(pl) - 2, BCAST1);
	ck_assert_uint_ne(dedup_hash_udp(&d, SRC, BCAST1, v, n), h);
	/* Checksum 0 (none): the whole payload, exactly as dedup_hash. */
	n = mkudp(v, pl, 100, BCAST1);
	v[6] = v[7] = 0;
	ck_assert_uint_eq(dedup_hash_udp(&d, SRC, BCAST1, v, n),
	    dedup_hash(&d, SRC, 40001, 5076, pl, 100));
	/* Shorter than a UDP header: no crash, a key all the same. */
	(void)dedup_hash_udp(&d, SRC, BCAST1, v, 5);
	/*
	 * A zero payload sums to one's-complement zero, which the
	 * arithmetic may give as 0x0000 or 0xffff depending on the other
	 * terms: every destination must still give the same key.
	 */
	memset(pl, 0, 64);
	n = mkudp(u, pl, 64, BCAST1);
	h = dedup_hash_udp(&d, SRC, BCAST1, u, n);
	for (i = 0; i < 4096; i++) {
		dst = (uint32_t)(0xff0000c6U | (uint32_t)i << 8 |
		    (uint32_t)(i * 2654435761U) << 12);
		n = mkudp(v, pl, 64, dst);
		ck_assert_uint_eq(dedup_hash_udp(&d, SRC, dst, v, n), h);
		memcpy(v, u, n);
		rewrite_dst(v, BCAST1, dst);
		ck_assert_uint_eq(dedup_hash_udp(&d, SRC, dst, v, n), h);
	}
}
END_TEST

START_TEST(test_window)
{
	uint64_t	 t = 1000000, h = 0x1234567890abcdefULL;

	setup(16, 500);
	ck_assert_int_eq(dedup_check(&d, h, t), 0);
	ck_assert_int_eq(dedup_check(&d, h, t), 1);
	ck_assert_int_eq(dedup_check(&d, h, t + 1), 1);
	ck_assert_int_eq(dedup_check(&d, h, t + 499), 1);
	/* Not refreshed by being seen: the window counts from t. */
	ck_assert_int_eq(dedup_check(&d, h, t + 500), 0);
	/* ... and now recorded again at t + 500. */
	ck_assert_int_eq(dedup_check(&d, h, t + 999), 1);
	ck_assert_int_eq(dedup_check(&d, h, t + 1000), 0);
	ck_assert_uint_eq(d.evictions, 0);
}
END_TEST

START_TEST(test_distinct)
{
	uint64_t	 t = 5000;
	uint32_t	 i;

	setup(64, 500);
	for (i = 0; i < 200; i++)
		ck_assert_int_eq(dedup_check(&d, dedup_hash(&d, 0x0a0112c6,
		    40000, 5076, (const uint8_t *)&i, sizeof(i)), t), 0);
	/* The last 4 of a set are remembered at least. */
	ck_assert_int_eq(dedup_check(&d, dedup_hash(&d, 0x0a0112c6, 40000,
	    5076, (const uint8_t *)&i, sizeof(i)), t), 0);
	ck_assert_int_eq(dedup_check(&d, dedup_hash(&d, 0x0a0112c6, 40000,
	    5076, (const uint8_t *)&i, sizeof(i)), t), 1);
	guard_intact(64);
}
END_TEST

START_TEST(test_capacity)
{
	uint64_t	 t = 5000, h;
	size_t		 nsets = 16, cap = 16 * DEDUP_WAYS;

	setup(nsets, 500);
	/* Exactly full: every set gets DEDUP_WAYS hashes, no eviction. */
	for (h = 0; h < cap; h++)
		ck_assert_int_eq(dedup_check(&d, h, t + h), 0);
	ck_assert_uint_eq(d.evictions, 0);
	for (h = 0; h < cap; h++)
		ck_assert_int_eq(dedup_check(&d, h, t + cap), 1);
	/* Every further distinct hash pushes out a live one. */
	for (h = cap; h < cap + 1000; h++)
		ck_assert_int_eq(dedup_check(&d, h, t + cap), 0);
	ck_assert_uint_eq(d.evictions, 1000);
	guard_intact(nsets);
	/* Once the window has passed, ways are reused without evictions. */
	for (h = 5000; h < 5000 + cap; h++)
		ck_assert_int_eq(dedup_check(&d, h, t + cap + 500), 0);
	ck_assert_uint_eq(d.evictions, 1000);
	for (h = 5000; h < 5000 + cap; h++)
		ck_assert_int_eq(dedup_check(&d, h, t + cap + 501), 1);
	guard_intact(nsets);
}
END_TEST

START_TEST(test_evict_oldest)
{
	/* Hashes of set 3 (of 16): A, B, C, D, E, F; G in set 4. */
	const uint64_t	 A = 3, B = 19, C = 35, D = 51, E = 67, F = 83, G = 4;

	setup(16, 100);
	ck_assert_int_eq(dedup_check(&d, A, 1000), 0);	/* way 0 */
	ck_assert_int_eq(dedup_check(&d, B, 1001), 0);	/* way 1 */
	ck_assert_int_eq(dedup_check(&d, C, 1002), 0);	/* way 2 */
	ck_assert_int_eq(dedup_check(&d, D, 1003), 0);	/* way 3 */
	/* Another set is not affected by set 3 being full. */
	ck_assert_int_eq(dedup_check(&d, G, 1003), 0);
	/* A has expired: E takes its way without an eviction. */
	ck_assert_int_eq(dedup_check(&d, E, 1100), 0);
	ck_assert_uint_eq(d.evictions, 0);
	/* B has expired too and is seen again: recorded anew in its way. */
	ck_assert_int_eq(dedup_check(&d, B, 1101), 0);
	ck_assert_uint_eq(d.evictions, 0);
	/*
	 * Set 3 now holds E@1100, B@1101, C@1002, D@1003, all live. F
	 * pushes out the oldest, C (way 2) -- not way 0 and not the next
	 * way in turn.
	 */
	ck_assert_int_eq(dedup_check(&d, F, 1101), 0);
	ck_assert_uint_eq(d.evictions, 1);
	ck_assert_int_eq(dedup_check(&d, E, 1101), 1);
	ck_assert_int_eq(dedup_check(&d, B, 1101), 1);
	ck_assert_int_eq(dedup_check(&d, F, 1101), 1);
	ck_assert_int_eq(dedup_check(&d, D, 1101), 1);
	ck_assert_uint_eq(table[3 * DEDUP_WAYS + 2].hash, F);
	/* C is new again and pushes out the next oldest, D. */
	ck_assert_int_eq(dedup_check(&d, C, 1101), 0);
	ck_assert_uint_eq(d.evictions, 2);
	ck_assert_uint_eq(table[3 * DEDUP_WAYS + 3].hash, C);
	ck_assert_int_eq(dedup_check(&d, D, 1101), 0);
	ck_assert_uint_eq(d.evictions, 3);
	ck_assert_int_eq(dedup_check(&d, G, 1102), 1);
}
END_TEST

START_TEST(test_clock)
{
	uint64_t	 h = 77;

	setup(16, 500);
	/* A clock that went backwards: relayed again, never stuck. */
	ck_assert_int_eq(dedup_check(&d, h, 10000), 0);
	ck_assert_int_eq(dedup_check(&d, h, 9000), 0);
	ck_assert_int_eq(dedup_check(&d, h, 9001), 1);
	/* Time 0 still records. */
	setup(16, 500);
	ck_assert_int_eq(dedup_check(&d, h, 0), 0);
	ck_assert_int_eq(dedup_check(&d, h, 1), 1);
	/* Window 0: nothing is a duplicate. */
	setup(16, 0);
	ck_assert_int_eq(dedup_check(&d, h, 10), 0);
	ck_assert_int_eq(dedup_check(&d, h, 10), 0);
	ck_assert_uint_eq(d.evictions, 0);
}
END_TEST

START_TEST(test_init_errors)
{
	static const size_t	 bad[] = { 0, 3, 6, 12, 65 };
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_int_eq(dedup_init(&d, table, bad[i], key16, 500), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	errno = 0;
	ck_assert_int_eq(dedup_init(&d, NULL, 16, key16, 500), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(dedup_init(&d, table, (size_t)1 << 62, key16, 500),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(dedup_init(&d, table, 1, key16, 500), 0);
	ck_assert_uint_eq(d.key[1], 0x0f0e0d0c0b0a0908ULL);
}
END_TEST

static Suite *
dedup_suite(void)
{
	Suite	*s = suite_create("dedup");
	TCase	*tc = tcase_create("siphash");

	tcase_add_test(tc, test_siphash_vectors);
	tcase_add_test(tc, test_siphash_unaligned);
	tcase_add_test(tc, test_hash_prefix);
	tcase_add_test(tc, test_hash_fields);
	tcase_add_test(tc, test_hash_udp);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, test_window);
	tcase_add_test(tc, test_distinct);
	tcase_add_test(tc, test_capacity);
	tcase_add_test(tc, test_evict_oldest);
	tcase_add_test(tc, test_clock);
	tcase_add_test(tc, test_init_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(dedup_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
