/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests for src/csum.c: RFC 1071 vectors, odd lengths and alignment,
 * and RFC 1624 incremental updates against full recomputation.
 */

#include <arpa/inet.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"

#define PROP_ITERS	200000	/* random headers / packets per property test */

static uint64_t	 rng_state;

/* Deterministic xorshift64* so failures reproduce. */
static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Straightforward folded one's-complement sum, the test's own reference. */
static uint16_t
ref_sum(const uint8_t *p, size_t len)
{
	uint64_t	 s = 0;
	size_t		 i;

	for (i = 0; i < len; i++)
		s += (i % 2 == 0) ? (uint64_t)p[i] << 8 : p[i];
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Address a.b.c.d in network byte order. */
static uint32_t
ip4(unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
	return htonl(a << 24 | b << 16 | c << 8 | d);
}

/* Raw (unmapped) UDP checksum via the reference sum: ~sum, 0 possible. */
static uint16_t
ref_udp_raw(uint32_t src, uint32_t dst, const uint8_t *udp, size_t len)
{
	uint8_t		 buf[12 + 2048];

	ck_assert_uint_le(len, 2048);
	memcpy(buf, &src, 4);
	memcpy(buf + 4, &dst, 4);
	buf[8] = 0;
	buf[9] = 17;
	put16(buf + 10, (uint16_t)len);
	memcpy(buf + 12, udp, len);
	put16(buf + 12 + 6, 0);
	return (uint16_t)~ref_sum(buf, 12 + len);
}

START_TEST(test_rfc1071_example)
{
	/* RFC 1071 section 3 numerical example. */
	static const uint8_t	 v[] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7
	};

	ck_assert_uint_eq(csum_fold(csum_partial(v, sizeof(v), 0)), 0xddf2);
	ck_assert_uint_eq((uint16_t)~csum_fold(csum_partial(v, sizeof(v), 0)),
	    0x220d);
	/* Sums are order independent and can be chained over even lengths. */
	ck_assert_uint_eq(csum_fold(csum_partial(v + 4, 4,
	    csum_partial(v, 4, 0))), 0xddf2);
}
END_TEST

START_TEST(test_fold)
{
	ck_assert_uint_eq(csum_fold(0), 0);
	ck_assert_uint_eq(csum_fold(0xffff), 0xffff);
	ck_assert_uint_eq(csum_fold(0x10000), 1);
	ck_assert_uint_eq(csum_fold(0x1fffe), 0xffff);
	ck_assert_uint_eq(csum_fold(0x2fffe), 1);	/* two carry rounds */
	ck_assert_uint_eq(csum_fold(0xffffffff), 0xffff);
}
END_TEST

START_TEST(test_ipv4_known)
{
	/* A textbook header with checksum 0xb861. */
	uint8_t	 h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
	    0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
	    0xc0, 0xa8, 0x00, 0xc7 };
	/* The SnowSignal capture (198.18.1.10 -> 255.255.255.255), 0x93f6. */
	uint8_t	 g[20] = { 0x45, 0x00, 0x00, 0x57, 0xdf, 0x83, 0x40, 0x00,
	    0x40, 0x11, 0x93, 0xf6, 0xc6, 0x12, 0x01, 0x0a,
	    0xff, 0xff, 0xff, 0xff };

	ck_assert_uint_eq(csum_ipv4_header(h, sizeof(h)), 0xb861);
	ck_assert_uint_eq(csum_ipv4_header(g, sizeof(g)), 0x93f6);
	/* The stored field is ignored. */
	put16(h + 10, 0x1234);
	ck_assert_uint_eq(csum_ipv4_header(h, sizeof(h)), 0xb861);
	/* A right header sums to 0xffff with its checksum in. */
	ck_assert_uint_eq(csum_fold(csum_partial(g, sizeof(g), 0)), 0xffff);
}
END_TEST

START_TEST(test_odd_lengths)
{
	static const uint8_t	 three[] = { 0x01, 0x02, 0x03 };
	static const uint8_t	 one[] = { 0xab };
	uint8_t			 buf[320 + 4];
	size_t			 len, off, i;

	ck_assert_uint_eq(csum_fold(csum_partial(three, 3, 0)), 0x0402);
	ck_assert_uint_eq(csum_fold(csum_partial(one, 1, 0)), 0xab00);
	ck_assert_uint_eq(csum_partial(one, 0, 0x1234), 0x1234);
	/* Every length 0..320 at every alignment matches the reference. */
	rng_state = 0x0dd1e57ULL;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rng();
	for (off = 0; off < 4; off++) {
		for (len = 0; len <= 320; len++)
			ck_assert_uint_eq(csum_fold(csum_partial(buf + off,
			    len, 0)), ref_sum(buf + off, len));
	}
}
END_TEST

START_TEST(test_large)
{
	static uint8_t	 big[65535];

	/* The worst case for an accumulator: all ones, maximum length. */
	memset(big, 0xff, sizeof(big));
	ck_assert_uint_eq(csum_fold(csum_partial(big, sizeof(big), 0)),
	    ref_sum(big, sizeof(big)));
	ck_assert_uint_eq(csum_fold(csum_partial(big, sizeof(big), 0xffffffff)),
	    csum_fold(ref_sum(big, sizeof(big)) + 0xffffU + 0xffffU));
}
END_TEST

/* The SnowSignal golden frame, IPv4 header onwards. */
static const char golden_ip_hex[] =
    "45000057df834000401193f6c612010affffffff8df613d40043c770ca02800300"
    "000033112233440000000000000000000000000000ffff000000008df601037463"
    "700001000010000d53533a4c494d495445443a5056";

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		 n = 0;
	unsigned int	 v;

	for (; s[0] != '\0' && s[1] != '\0' && n < max; s += 2) {
		ck_assert_int_eq(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

START_TEST(test_udp_golden)
{
	uint8_t		 p[128];
	uint32_t	 src, dst;
	size_t		 n;

	n = unhex(golden_ip_hex, p, sizeof(p));
	ck_assert_uint_eq(n, 87);
	memcpy(&src, p + 12, 4);
	memcpy(&dst, p + 16, 4);
	ck_assert_uint_eq(src, ip4(198, 18, 1, 10));
	/* The captured field is the pseudo-header sum: CHECKSUM_PARTIAL. */
	ck_assert_uint_eq(csum_udp_pseudo(src, dst, 67), 0xc770);
	ck_assert_uint_eq(get16(p + 20 + 6), 0xc770);
	/* The full checksum SnowSignal's receiver wrote. */
	ck_assert_uint_eq(csum_udp(src, dst, p + 20, 67), 0x9d91);
	ck_assert_uint_eq(ref_udp_raw(src, dst, p + 20, 67), 0x9d91);
}
END_TEST

START_TEST(test_udp_zero_is_ffff)
{
	uint8_t		 u[40];
	uint32_t	 src = ip4(198, 18, 1, 10), dst = ip4(198, 18, 1, 255);
	uint16_t	 c;
	size_t		 i;

	for (i = 0; i < sizeof(u); i++)
		u[i] = (uint8_t)(i * 13 + 1);
	put16(u + 4, sizeof(u));
	put16(u + 38, 0);
	/* Choose the last word so the one's-complement sum is -0. */
	c = ref_udp_raw(src, dst, u, sizeof(u));
	put16(u + 38, c);
	ck_assert_uint_eq(ref_udp_raw(src, dst, u, sizeof(u)), 0);
	ck_assert_uint_eq(csum_udp(src, dst, u, sizeof(u)), 0xffff);
	/* And 0xffff verifies: the whole sum is still 0xffff. */
	put16(u + 6, 0xffff);
	ck_assert_uint_eq(csum_fold(csum_partial(u, sizeof(u),
	    csum_udp_pseudo(src, dst, sizeof(u)))), 0xffff);
}
END_TEST

START_TEST(test_update32_vectors)
{
	/* Erratum 4782: HC 0, m == m' must stay 0, not turn into 0xffff. */
	ck_assert_uint_eq(csum_update32(0x0000, 0x55555555, 0x55555555),
	    0x0000);
	ck_assert_uint_eq(csum_update32(0xffff, 0x55555555, 0x55555555),
	    0xffff);
	ck_assert_uint_eq(csum_update32(0x1234, 0, 0), 0x1234);
	/* Erratum 5864: 0x5555 -> 0x5556 under HC 0 needs two carry rounds. */
	ck_assert_uint_eq(csum_update32(0x0000, htonl(0x5555), htonl(0x5556)),
	    0xfffe);
	/* The only all-zero sum: HC 0xffff (-0), m all ones, m' 0. */
	ck_assert_uint_eq(csum_update32(0xffff, 0xffffffff, 0), 0x0000);
}
END_TEST

/* Random IPv4 header of hlen bytes; mode forces special stored checksums. */
static void
random_header(uint8_t *h, size_t hlen)
{
	size_t	 i;

	for (i = 0; i < hlen; i++)
		h[i] = (uint8_t)rng();
	h[0] = 0x40 | (uint8_t)(hlen / 4);
	put16(h + 10, 0);
}

/* Adjust the ID field so that the full header checksum is 0x0000. */
static void
force_zero_csum(uint8_t *h, size_t hlen)
{
	put16(h + 4, 0);
	put16(h + 4, csum_ipv4_header(h, hlen));
}

START_TEST(test_update32_ipv4_random)
{
	uint8_t		 h[60];
	uint32_t	 old, new;
	uint16_t	 stored, upd, full;
	size_t		 hlen;
	uint32_t	 kind;
	long		 i, n_zero = 0, n_ffff = 0, n_same = 0, n_edge = 0;

	rng_state = 0x5eed1624ULL;
	for (i = 0; i < PROP_ITERS; i++) {
		hlen = 20 + 4 * (rng() % 11);
		random_header(h, hlen);
		kind = rng() % 16;
		if (kind == 1) {
			/* All ones to zero: the extreme of ~m + m'. */
			old = 0xffffffff;
			memcpy(h + 16, &old, 4);
		}
		if (i % 8 == 0 || i % 8 == 1)
			force_zero_csum(h, hlen);
		stored = csum_ipv4_header(h, hlen);
		if (i % 8 == 1 && stored == 0) {
			/* 0xffff: the other representation of the sum. */
			stored = 0xffff;
			n_ffff++;
			if (kind == 1)
				n_edge++;
		} else if (stored == 0)
			n_zero++;
		put16(h + 10, stored);
		ck_assert_uint_eq(ref_sum(h, hlen), 0xffff);
		memcpy(&old, h + 16, 4);
		if (kind == 0) {
			new = old;
			n_same++;
		} else if (kind == 1)
			new = 0;
		else
			new = rng();
		upd = csum_update32(stored, old, new);
		memcpy(h + 16, &new, 4);
		full = csum_ipv4_header(h, hlen);
		if (old == new)
			ck_assert_uint_eq(upd, stored);
		else
			ck_assert_msg(upd == full, "iter %ld: hc %04x "
			    "%08x->%08x: incremental %04x, full %04x", i,
			    stored, old, new, upd, full);
		put16(h + 10, upd);
		ck_assert_uint_eq(ref_sum(h, hlen), 0xffff);
	}
	ck_assert_int_gt(n_zero, 1000);
	ck_assert_int_gt(n_ffff, 1000);
	ck_assert_int_gt(n_same, 1000);
	ck_assert_int_gt(n_edge, 10);
}
END_TEST

/* The relay's rule for UDP: 0 stays 0, a computed 0 is stored as 0xffff. */
static uint16_t
udp_update(uint16_t stored, uint32_t old, uint32_t new)
{
	uint16_t	 c;

	if (stored == 0)
		return 0;
	c = csum_update32(stored, old, new);
	return c == 0 ? 0xffff : c;
}

START_TEST(test_update32_udp_random)
{
	uint8_t		 u[2 + 512];
	uint32_t	 src, old, new;
	uint16_t	 stored, upd, full;
	size_t		 len, i;
	long		 it, n_none = 0, n_newzero = 0, n_oldzero = 0;

	rng_state = 0x0dd5eedULL;
	for (it = 0; it < PROP_ITERS; it++) {
		/* Even, so the last word is aligned. */
		len = 10 + 2 * (rng() % 250);
		for (i = 0; i < len; i++)
			u[i] = (uint8_t)rng();
		put16(u + 4, (uint16_t)len);
		src = rng();
		old = rng();
		new = rng();
		put16(u + len - 2, 0);
		if (it % 10 == 1) {
			/* The checksum for the new destination is 0. */
			put16(u + len - 2, ref_udp_raw(src, new, u, len));
			ck_assert_uint_eq(ref_udp_raw(src, new, u, len), 0);
			n_newzero++;
		} else if (it % 10 == 2) {
			/* The original was computed 0, sent as 0xffff. */
			put16(u + len - 2, ref_udp_raw(src, old, u, len));
			n_oldzero++;
		}
		stored = csum_udp(src, old, u, len);
		if (it % 10 == 2)
			ck_assert_uint_eq(stored, 0xffff);
		if (it % 10 == 0) {
			stored = 0;
			n_none++;
		}
		upd = udp_update(stored, old, new);
		full = csum_udp(src, new, u, len);
		if (stored == 0)
			ck_assert_uint_eq(upd, 0);
		else
			ck_assert_msg(upd == full, "iter %ld: incremental "
			    "%04x, full %04x", it, upd, full);
		if (it % 10 == 1)
			ck_assert_uint_eq(upd, 0xffff);
	}
	ck_assert_int_gt(n_none, 1000);
	ck_assert_int_gt(n_newzero, 1000);
	ck_assert_int_gt(n_oldzero, 1000);
}
END_TEST

static Suite *
csum_suite(void)
{
	Suite	*s = suite_create("csum");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rfc1071_example);
	tcase_add_test(tc, test_fold);
	tcase_add_test(tc, test_ipv4_known);
	tcase_add_test(tc, test_odd_lengths);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_udp_golden);
	tcase_add_test(tc, test_udp_zero_is_ffff);
	tcase_add_test(tc, test_update32_vectors);
	tcase_add_test(tc, test_update32_ipv4_random);
	tcase_add_test(tc, test_update32_udp_random);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(csum_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
