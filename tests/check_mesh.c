/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of the SnowSignal mesh codec (src/mesh.c).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
