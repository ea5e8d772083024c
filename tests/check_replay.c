/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/replay.c, the RFC 6479 anti-replay window. The edge:
 * with top the highest accepted number, top - 1023 .. top are inside the
 * window (accepted once each); top - 1024 and older are always refused.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

#define T0	1763800000000000000ULL	/* a start time in ns, 2025 */

/* Check, and update if accepted: what the receiver does after a good tag. */
static int
accept_seq(struct replay *r, uint64_t seq)
{
	if (replay_check(r, seq) == -1)
		return -1;
	replay_update(r, seq);
	return 0;
}

START_TEST(test_first)
{
	struct replay	 r;

	replay_init(&r);
	/* Anything is new at first, including 0 and the largest value. */
	ck_assert_int_eq(replay_check(&r, 0), 0);
	ck_assert_int_eq(replay_check(&r, UINT64_MAX), 0);
	ck_assert_int_eq(accept_seq(&r, T0), 0);
	ck_assert_int_eq(r.started, 1);
	ck_assert_uint_eq(r.top, T0);
	ck_assert_int_eq(replay_check(&r, T0), -1);
	/* The first update initialises: older ones in the window pass. */
	ck_assert_int_eq(accept_seq(&r, T0 - 1), 0);
	ck_assert_int_eq(accept_seq(&r, T0 - 1023), 0);
	ck_assert_int_eq(accept_seq(&r, T0 - 1024), -1);
}
END_TEST

START_TEST(test_in_order)
{
	struct replay	 r;
	uint64_t	 s;

	replay_init(&r);
	for (s = T0; s < T0 + 5000; s++) {
		ck_assert_int_eq(accept_seq(&r, s), 0);
		ck_assert_int_eq(replay_check(&r, s), -1);
	}
	ck_assert_uint_eq(r.top, T0 + 4999);
	for (s = T0; s < T0 + 5000; s++)
		ck_assert_int_eq(replay_check(&r, s), -1);
}
END_TEST

START_TEST(test_out_of_order)
{
	struct replay	 r;
	uint64_t	 s;

	replay_init(&r);
	ck_assert_int_eq(accept_seq(&r, T0 + 100), 0);
	/* Late arrivals within the window are taken once each. */
	for (s = T0 + 99; s > T0 + 100 - 1024; s -= 7)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	for (s = T0 + 99; s > T0 + 100 - 1024; s -= 7)
		ck_assert_int_eq(accept_seq(&r, s), -1);
	ck_assert_uint_eq(r.top, T0 + 100);
	ck_assert_int_eq(accept_seq(&r, T0 + 98), 0);
	ck_assert_int_eq(accept_seq(&r, T0 + 102), 0);
	ck_assert_int_eq(accept_seq(&r, T0 + 101), 0);
	ck_assert_int_eq(accept_seq(&r, T0 + 101), -1);
	ck_assert_uint_eq(r.top, T0 + 102);
}
END_TEST

START_TEST(test_duplicate)
{
	struct replay	 r;

	replay_init(&r);
	ck_assert_int_eq(accept_seq(&r, T0), 0);
	ck_assert_int_eq(accept_seq(&r, T0 + 1), 0);
	ck_assert_int_eq(accept_seq(&r, T0 + 1), -1);
	ck_assert_int_eq(accept_seq(&r, T0), -1);
	ck_assert_int_eq(accept_seq(&r, T0 + 2), 0);
	ck_assert_int_eq(accept_seq(&r, T0 + 2), -1);
}
END_TEST

START_TEST(test_far_ahead)
{
	struct replay	 r;
	uint64_t	 s;

	replay_init(&r);
	for (s = T0; s < T0 + 2000; s++)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	/* A jump of more than the window: everything before it is old. */
	ck_assert_int_eq(accept_seq(&r, T0 + 100000), 0);
	for (s = T0; s < T0 + 2000; s++)
		ck_assert_int_eq(replay_check(&r, s), -1);
	/* The new window is empty apart from the top. */
	for (s = T0 + 100000 - 1023; s < T0 + 100000; s++)
		ck_assert_int_eq(replay_check(&r, s), 0);
	/* A jump of less than a window keeps what is still inside. */
	ck_assert_int_eq(accept_seq(&r, T0 + 100000 - 500), 0);
	ck_assert_int_eq(accept_seq(&r, T0 + 100600), 0);
	ck_assert_int_eq(replay_check(&r, T0 + 100000 - 500), -1);
	ck_assert_int_eq(replay_check(&r, T0 + 100000), -1);
	ck_assert_int_eq(replay_check(&r, T0 + 100001), 0);
}
END_TEST

START_TEST(test_far_behind)
{
	struct replay	 r;

	replay_init(&r);
	ck_assert_int_eq(accept_seq(&r, T0), 0);
	ck_assert_int_eq(replay_check(&r, T0 - 1024), -1);
	ck_assert_int_eq(replay_check(&r, T0 - 5000), -1);
	ck_assert_int_eq(replay_check(&r, 0), -1);
	/* An update outside the window (a caller bug) changes nothing. */
	replay_update(&r, T0 - 1024 - 64 * 3);
	ck_assert_uint_eq(r.top, T0);
	ck_assert_int_eq(replay_check(&r, T0 - 64 * 3), 0);
}
END_TEST

START_TEST(test_edge)
{
	struct replay	 r;
	uint64_t	 top;

	/* For every position of top inside its 64-bit block. */
	for (top = T0; top < T0 + 64; top++) {
		replay_init(&r);
		ck_assert_int_eq(accept_seq(&r, top), 0);
		ck_assert_int_eq(replay_check(&r, top - (REPLAY_WINDOW - 1)),
		    0);
		ck_assert_int_eq(replay_check(&r, top - REPLAY_WINDOW), -1);
		ck_assert_int_eq(accept_seq(&r, top - 1023), 0);
		ck_assert_int_eq(accept_seq(&r, top - 1023), -1);
		/* One step up: top - 1023 falls out of the window. */
		ck_assert_int_eq(accept_seq(&r, top + 1), 0);
		ck_assert_int_eq(replay_check(&r, top - 1022), 0);
		ck_assert_int_eq(replay_check(&r, top - 1023), -1);
	}
	/* Small numbers: no wrap below zero. */
	replay_init(&r);
	ck_assert_int_eq(accept_seq(&r, 5), 0);
	ck_assert_int_eq(accept_seq(&r, 0), 0);
	ck_assert_int_eq(accept_seq(&r, 0), -1);
	/* And at the top of the range. */
	replay_init(&r);
	ck_assert_int_eq(accept_seq(&r, UINT64_MAX - 1), 0);
	ck_assert_int_eq(accept_seq(&r, UINT64_MAX), 0);
	ck_assert_int_eq(accept_seq(&r, UINT64_MAX), -1);
	ck_assert_int_eq(accept_seq(&r, UINT64_MAX - 1023), 0);
	ck_assert_int_eq(accept_seq(&r, UINT64_MAX - 1024), -1);
}
END_TEST

START_TEST(test_restart)
{
	struct replay	 r;
	uint64_t	 s;

	replay_init(&r);
	for (s = T0; s < T0 + 300; s++)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	/* The peer restarted much later: its sequence jumped by 1e18. */
	s = T0 + 1000000000000000000ULL;
	ck_assert_int_eq(accept_seq(&r, s), 0);
	ck_assert_int_eq(accept_seq(&r, s + 1), 0);
	ck_assert_int_eq(accept_seq(&r, s + 1), -1);
	/* The old life's numbers are all refused now. */
	ck_assert_int_eq(replay_check(&r, T0 + 299), -1);
	ck_assert_int_eq(replay_check(&r, T0 + 300), -1);
}
END_TEST

START_TEST(test_check_is_pure)
{
	struct replay	 r, before;

	replay_init(&r);
	ck_assert_int_eq(accept_seq(&r, T0), 0);
	ck_assert_int_eq(accept_seq(&r, T0 - 10), 0);
	memcpy(&before, &r, sizeof(r));
	ck_assert_int_eq(replay_check(&r, T0 + 1), 0);
	ck_assert_int_eq(replay_check(&r, T0 - 5), 0);
	ck_assert_int_eq(replay_check(&r, T0 - 10), -1);
	ck_assert_int_eq(replay_check(&r, UINT64_MAX), 0);
	ck_assert_mem_eq(&before, &r, sizeof(r));
	/* Still new: checking did not mark it. */
	ck_assert_int_eq(replay_check(&r, T0 + 1), 0);
}
END_TEST

START_TEST(test_forged_high)
{
	struct replay	 r, before;
	uint64_t	 s;

	replay_init(&r);
	for (s = T0; s < T0 + 10; s++)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	memcpy(&before, &r, sizeof(r));
	/*
	 * A forged datagram claims sequence 2^64-1: the window says "new"
	 * but its tag fails, so no update happens and the real peer's
	 * next numbers are still accepted.
	 */
	ck_assert_int_eq(replay_check(&r, UINT64_MAX), 0);
	ck_assert_mem_eq(&before, &r, sizeof(r));
	for (s = T0 + 10; s < T0 + 20; s++)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	ck_assert_uint_eq(r.top, T0 + 19);
}
END_TEST

START_TEST(test_sweep)
{
	struct replay	 r;
	uint64_t	 s, base = T0 + 1024;

	/*
	 * WireGuard-style: fill a whole window descending from the top,
	 * then every number in it is a replay; ascending the same.
	 */
	replay_init(&r);
	ck_assert_int_eq(accept_seq(&r, base), 0);
	for (s = base - 1; s > base - REPLAY_WINDOW; s--)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	ck_assert_int_eq(accept_seq(&r, base - REPLAY_WINDOW), -1);
	for (s = base; s > base - REPLAY_WINDOW; s--)
		ck_assert_int_eq(accept_seq(&r, s), -1);
	/* Ascending over the next full window. */
	for (s = base + 1; s <= base + REPLAY_WINDOW; s++)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	for (s = base + 1; s <= base + REPLAY_WINDOW; s++)
		ck_assert_int_eq(accept_seq(&r, s), -1);
	ck_assert_int_eq(accept_seq(&r, base), -1);
	/* Alternating halves: every other number first, then the rest. */
	replay_init(&r);
	for (s = T0; s < T0 + REPLAY_WINDOW; s += 2)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	for (s = T0 + 1; s < T0 + REPLAY_WINDOW; s += 2)
		ck_assert_int_eq(accept_seq(&r, s), 0);
	for (s = T0; s < T0 + REPLAY_WINDOW; s++)
		ck_assert_int_eq(accept_seq(&r, s), -1);
}
END_TEST

/* xorshift64*: a fixed pseudo-random sequence. */
static uint64_t
rnd(uint64_t *st)
{
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * 2685821657736338717ULL;
}

START_TEST(test_model)
{
	static uint8_t	 seen[1 << 22];
	struct replay	 r;
	uint64_t	 st = 0x9e3779b97f4a7c15ULL, top = 0, s, cur = 3000;
	int		 started = 0, want, i;

	/*
	 * Against the plain definition over a random walk: new if ahead of
	 * top, or within top - 1023 .. top and not seen before.
	 */
	memset(seen, 0, sizeof(seen));
	replay_init(&r);
	for (i = 0; i < 200000; i++) {
		s = rnd(&st);
		if (s % 100 == 0)
			cur += s % 3000;		/* rare jumps ahead */
		else
			cur += s % 8;
		s = cur - (rnd(&st) % 1500);	/* some from far behind */
		if (s >= sizeof(seen))
			break;
		want = !started || s > top || (top - s < 1024 && !seen[s]);
		ck_assert_int_eq(replay_check(&r, s), want ? 0 : -1);
		if (want) {
			replay_update(&r, s);
			seen[s] = 1;
			if (!started || s > top)
				top = s;
			started = 1;
		}
	}
	ck_assert_int_gt(i, 150000);
}
END_TEST

static Suite *
replay_suite(void)
{
	Suite	*s = suite_create("replay");
	TCase	*tc = tcase_create("window");

	tcase_add_test(tc, test_first);
	tcase_add_test(tc, test_in_order);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_far_ahead);
	tcase_add_test(tc, test_far_behind);
	tcase_add_test(tc, test_edge);
	tcase_add_test(tc, test_restart);
	tcase_add_test(tc, test_check_is_pure);
	tcase_add_test(tc, test_forged_high);
	tcase_add_test(tc, test_sweep);
	tcase_add_test(tc, test_model);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(replay_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
