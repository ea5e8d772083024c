/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/gso.c: which datagrams of a send batch go in one UDP
 * GSO message. The kernel cuts a message at its first datagram's length,
 * so a run is equal-size datagrams to one peer, ended by at most one
 * shorter datagram, within the segment and byte limits.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "gso.h"

#define NMAX	64

static struct gso_dgram	 d[NMAX];

/* d[from .. from + n) to peer, len bytes each, not solo. */
static void
fill(size_t from, size_t n, uint8_t peer, uint16_t len)
{
	size_t	 i;

	for (i = from; i < from + n; i++) {
		d[i].len = len;
		d[i].peer = peer;
		d[i].solo = 0;
	}
}

START_TEST(test_equal_run)
{
	fill(0, 10, 0, 1468);
	ck_assert_uint_eq(gso_run(d, 10, 1, 0), 10);
	/* Only what is left of the batch. */
	ck_assert_uint_eq(gso_run(d, 3, 1, 0), 3);
	ck_assert_uint_eq(gso_run(d, 1, 1, 0), 1);
}
END_TEST

START_TEST(test_off)
{
	fill(0, 10, 0, 1468);
	ck_assert_uint_eq(gso_run(d, 10, 0, 0), 1);
}
END_TEST

START_TEST(test_peer_change)
{
	fill(0, 4, 0, 1468);
	fill(4, 4, 1, 1468);
	ck_assert_uint_eq(gso_run(d, 8, 1, 0), 4);
	ck_assert_uint_eq(gso_run(d + 4, 4, 1, 0), 4);
}
END_TEST

START_TEST(test_shorter_ends)
{
	/* The shorter one is the last piece; the next starts a new run. */
	fill(0, 3, 0, 1468);
	fill(3, 1, 0, 200);
	fill(4, 3, 0, 1468);
	ck_assert_uint_eq(gso_run(d, 7, 1, 0), 4);
	ck_assert_uint_eq(gso_run(d + 4, 3, 1, 0), 3);
	/* Two shorter ones in a row: only the first joins. */
	fill(4, 1, 0, 200);
	ck_assert_uint_eq(gso_run(d, 7, 1, 0), 4);
}
END_TEST

START_TEST(test_longer_breaks)
{
	fill(0, 3, 0, 200);
	fill(3, 3, 0, 1468);
	ck_assert_uint_eq(gso_run(d, 6, 1, 0), 3);
	/* A longer second datagram: the first goes alone. */
	fill(0, 1, 0, 100);
	fill(1, 5, 0, 200);
	ck_assert_uint_eq(gso_run(d, 6, 1, 0), 1);
}
END_TEST

START_TEST(test_solo)
{
	fill(0, 6, 0, 100);
	d[0].solo = 1;
	ck_assert_uint_eq(gso_run(d, 6, 1, 0), 1);
	d[0].solo = 0;
	d[3].solo = 1;
	ck_assert_uint_eq(gso_run(d, 6, 1, 0), 3);
}
END_TEST

START_TEST(test_segment_limit)
{
	fill(0, NMAX, 0, 154);
	ck_assert_uint_eq(gso_run(d, NMAX, 1, 0), GSO_MAX_SEGS);
	ck_assert_uint_eq(gso_run(d + GSO_MAX_SEGS, NMAX - GSO_MAX_SEGS, 1, 0),
	    GSO_MAX_SEGS);
}
END_TEST

START_TEST(test_byte_limit)
{
	size_t	 n;

	/* 9000-byte datagrams: 7 are 63000 bytes, 8 would be 72000. */
	fill(0, 10, 0, 9000);
	n = gso_run(d, 10, 1, 0);
	ck_assert_uint_eq(n, GSO_MAX_BYTES / 9000);
	ck_assert_uint_le(n * 9000, GSO_MAX_BYTES);
	/* A shorter last piece joins only if it fits too. */
	fill(7, 1, 0, GSO_MAX_BYTES - 7 * 9000 + 1);
	ck_assert_uint_eq(gso_run(d, 10, 1, 0), 7);
	fill(7, 1, 0, GSO_MAX_BYTES - 7 * 9000);
	ck_assert_uint_eq(gso_run(d, 10, 1, 0), 8);
}
END_TEST

START_TEST(test_refused)
{
	/* The path refused 1468: that size and larger go alone... */
	fill(0, 8, 0, 1468);
	ck_assert_uint_eq(gso_run(d, 8, 1, 1468), 1);
	fill(0, 8, 0, 1500);
	ck_assert_uint_eq(gso_run(d, 8, 1, 1468), 1);
	/* ...smaller ones still go in runs. */
	fill(0, 8, 0, 1467);
	ck_assert_uint_eq(gso_run(d, 8, 1, 1468), 8);
	/* 1: no GSO on the path at all. */
	fill(0, 8, 0, 154);
	ck_assert_uint_eq(gso_run(d, 8, 1, 1), 1);
}
END_TEST

START_TEST(test_zero_length)
{
	/* Never built, but a zero length must not make a run. */
	fill(0, 4, 0, 0);
	ck_assert_uint_eq(gso_run(d, 4, 1, 0), 1);
	fill(0, 4, 0, 100);
	d[2].len = 0;
	ck_assert_uint_eq(gso_run(d, 4, 1, 0), 2);
}
END_TEST

static Suite *
gso_suite(void)
{
	Suite	*s = suite_create("gso");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_equal_run);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_peer_change);
	tcase_add_test(tc, test_shorter_ends);
	tcase_add_test(tc, test_longer_breaks);
	tcase_add_test(tc, test_solo);
	tcase_add_test(tc, test_segment_limit);
	tcase_add_test(tc, test_byte_limit);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_zero_length);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(gso_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
