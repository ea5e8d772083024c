/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/ringblock.c: the capture ring's reader takes a frame
 * of a retired block only if the kernel's offsets keep its header and
 * its bytes inside the block and move on to the next header.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "ringblock.h"

#define BSIZE	4096		/* block */
#define DESC	48		/* block descriptor */
#define HDR	48		/* frame header */

static struct ringblock_frame
frame(size_t off, uint32_t mac, uint32_t snaplen, uint32_t next)
{
	struct ringblock_frame	 f = { off, mac, snaplen, next };

	return f;
}

START_TEST(test_header_bounds)
{
	ck_assert_int_eq(ringblock_header_ok(BSIZE, DESC, HDR, DESC), 1);
	ck_assert_int_eq(ringblock_header_ok(BSIZE, DESC, HDR, BSIZE - HDR), 1);
	/* Inside the descriptor, or running past the end. */
	ck_assert_int_eq(ringblock_header_ok(BSIZE, DESC, HDR, DESC - 1), 0);
	ck_assert_int_eq(ringblock_header_ok(BSIZE, DESC, HDR,
	    BSIZE - HDR + 1), 0);
	ck_assert_int_eq(ringblock_header_ok(BSIZE, DESC, HDR, SIZE_MAX), 0);
	/* A block smaller than one header holds none. */
	ck_assert_int_eq(ringblock_header_ok(HDR - 1, 0, HDR, 0), 0);
}
END_TEST

START_TEST(test_frame_fits)
{
	struct ringblock_frame	 f;

	/* A 1514-byte frame after its header, the next one further on. */
	f = frame(DESC, 66, 1514, 1600);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 0), 1);
	/* The last frame's bytes end exactly at the end of the block. */
	f = frame(BSIZE - 1600, 86, 1514, 0);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 1), 1);
}
END_TEST

START_TEST(test_frame_outside)
{
	struct ringblock_frame	 f;

	/* One byte past the end of the block. */
	f = frame(BSIZE - 1600, 86, 1515, 0);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 1), 0);
	/* tp_mac alone past the end. */
	f = frame(DESC, BSIZE, 0, 0);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 1), 0);
	/* Values whose sum would wrap around. */
	f = frame(DESC, UINT32_MAX, UINT32_MAX, 0);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 1), 0);
	/* A header that does not fit makes the frame bad too. */
	f = frame(BSIZE - HDR + 1, 0, 0, 0);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 1), 0);
}
END_TEST

START_TEST(test_next_offset)
{
	struct ringblock_frame	 f;

	/* 0 would read the same frame again for every num_pkts. */
	f = frame(DESC, 66, 100, 0);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 0), 0);
	/* Only the last frame may have none. */
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 1), 1);
	/* Past the end of the block. */
	f = frame(DESC, 66, 100, BSIZE - DESC + 1);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 0), 0);
	/* Up to the end is still checked by the next header's own test. */
	f = frame(DESC, 66, 100, BSIZE - DESC);
	ck_assert_int_eq(ringblock_frame_ok(BSIZE, DESC, HDR, &f, 0), 1);
	ck_assert_int_eq(ringblock_header_ok(BSIZE, DESC, HDR, BSIZE), 0);
}
END_TEST

static Suite *
ringblock_suite(void)
{
	Suite	*s = suite_create("ringblock");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_header_bounds);
	tcase_add_test(tc, test_frame_fits);
	tcase_add_test(tc, test_frame_outside);
	tcase_add_test(tc, test_next_offset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(ringblock_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
