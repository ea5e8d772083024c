/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/coalesce.c: when load mode is entered and left (rate
 * per window, hysteresis, disabled, clock going back, huge counts).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "coalesce.h"

#define T0	1000000000000ULL	/* any start; monotonic ns */
#define MS	1000000ULL
#define W	COALESCE_WINDOW_NS

/* Feed pps for one window from *t (in 1 ms steps); the last change seen. */
static enum coalesce_change
window(struct coalesce *c, uint64_t pps, uint64_t *t)
{
	enum coalesce_change	 ch, last = COALESCE_SAME;
	uint64_t		 i, steps = W / MS;

	for (i = 0; i < steps; i++) {
		*t += MS;
		coalesce_count(c, pps / 1000);
		if ((ch = coalesce_update(c, *t)) != COALESCE_SAME)
			last = ch;
	}
	return last;
}

START_TEST(test_enter_leave)
{
	struct coalesce	 c;
	uint64_t	 t = T0;

	coalesce_init(&c, 20000, 250);
	ck_assert_int_eq(coalesce_update(&c, t), COALESCE_SAME);
	/* Below the threshold: stays in event mode. */
	ck_assert_int_eq(window(&c, 10000, &t), COALESCE_SAME);
	ck_assert_int_eq(window(&c, 19000, &t), COALESCE_SAME);
	ck_assert_int_eq(c.on, 0);
	/* At the threshold: enters, once. */
	ck_assert_int_eq(window(&c, 20000, &t), COALESCE_ENTER);
	ck_assert_int_eq(c.on, 1);
	ck_assert_uint_eq(c.entries, 1);
	ck_assert_uint_eq(c.last_pps, 20000);
	ck_assert_int_eq(window(&c, 100000, &t), COALESCE_SAME);
	/* Hysteresis: between half the threshold and it, stays on. */
	ck_assert_int_eq(window(&c, 11000, &t), COALESCE_SAME);
	ck_assert_int_eq(c.on, 1);
	/* Below half: leaves. */
	ck_assert_int_eq(window(&c, 9000, &t), COALESCE_LEAVE);
	ck_assert_int_eq(c.on, 0);
	/* And comes back. */
	ck_assert_int_eq(window(&c, 500000, &t), COALESCE_ENTER);
	ck_assert_uint_eq(c.entries, 2);
}
END_TEST

START_TEST(test_idle_leaves)
{
	struct coalesce	 c;
	uint64_t	 t = T0;

	coalesce_init(&c, 1000, 250);
	(void)coalesce_update(&c, t);
	ck_assert_int_eq(window(&c, 50000, &t), COALESCE_ENTER);
	/* Traffic stops: the timer still calls update, the rate is 0. */
	ck_assert_int_eq(window(&c, 0, &t), COALESCE_LEAVE);
	ck_assert_uint_eq(c.last_pps, 0);
}
END_TEST

START_TEST(test_window_length)
{
	struct coalesce	 c;

	coalesce_init(&c, 1000, 250);
	(void)coalesce_update(&c, T0);
	/* A burst inside one window decides nothing until the window ends. */
	coalesce_count(&c, 1000000);
	ck_assert_int_eq(coalesce_update(&c, T0 + W - 1), COALESCE_SAME);
	ck_assert_int_eq(c.on, 0);
	ck_assert_int_eq(coalesce_update(&c, T0 + W), COALESCE_ENTER);
	ck_assert_uint_eq(c.last_pps, 100000000);
	/* A long quiet spell counts as one long window of low rate. */
	coalesce_count(&c, 10);
	ck_assert_int_eq(coalesce_update(&c, T0 + W + 10000 * MS),
	    COALESCE_LEAVE);
	ck_assert_uint_eq(c.last_pps, 1);
}
END_TEST

START_TEST(test_disabled)
{
	struct coalesce	 c;
	uint64_t	 t = T0;

	coalesce_init(&c, 0, 250);
	(void)coalesce_update(&c, t);
	ck_assert_int_eq(window(&c, 5000000, &t), COALESCE_SAME);
	ck_assert_int_eq(c.on, 0);
	ck_assert_uint_eq(c.entries, 0);
}
END_TEST

START_TEST(test_clock_back)
{
	struct coalesce	 c;

	coalesce_init(&c, 1000, 250);
	(void)coalesce_update(&c, T0);
	coalesce_count(&c, 1000000);
	/* A clock that went back restarts the window; nothing is decided. */
	ck_assert_int_eq(coalesce_update(&c, T0 - 5 * W), COALESCE_SAME);
	ck_assert_uint_eq(c.win_pkts, 0);
	ck_assert_uint_eq(c.win_start_ns, T0 - 5 * W);
	ck_assert_int_eq(c.on, 0);
}
END_TEST

START_TEST(test_huge_count)
{
	struct coalesce	 c;

	coalesce_init(&c, COALESCE_PPS_MAX, 250);
	(void)coalesce_update(&c, T0);
	/* No overflow into a small rate. */
	coalesce_count(&c, UINT64_MAX / 2);
	ck_assert_int_eq(coalesce_update(&c, T0 + W), COALESCE_ENTER);
	ck_assert_uint_eq(c.last_pps, UINT64_MAX);
}
END_TEST

START_TEST(test_rate_changes_in_load_mode)
{
	struct coalesce	 c;
	uint64_t	 t = T0;

	coalesce_init(&c, 20000, 1000);
	(void)coalesce_update(&c, t);
	ck_assert_int_eq(window(&c, 20000, &t), COALESCE_ENTER);
	/* Any rate from above/2 up keeps load mode as it is: one period. */
	ck_assert_int_eq(window(&c, 200000, &t), COALESCE_SAME);
	ck_assert_int_eq(window(&c, 10000000, &t), COALESCE_SAME);
	ck_assert_int_eq(window(&c, 10000, &t), COALESCE_SAME);
	ck_assert_uint_eq(c.interval_us, 1000);
	ck_assert_int_eq(c.on, 1);
	ck_assert_uint_eq(c.entries, 1);
}
END_TEST

START_TEST(test_next_tick)
{
	/* The next multiple of the period, never now itself. */
	ck_assert_uint_eq(coalesce_next_tick(T0, 1000), T0 + MS);
	ck_assert_uint_eq(coalesce_next_tick(T0 + 1, 1000), T0 + MS);
	ck_assert_uint_eq(coalesce_next_tick(T0 + MS - 1, 1000), T0 + MS);
	ck_assert_uint_eq(coalesce_next_tick(T0 + 250000, 300),
	    (T0 + 250000) / 300000 * 300000 + 300000);
	/* Two relays with the same period tick together, whenever armed. */
	ck_assert_uint_eq(coalesce_next_tick(T0 + 123456, 1000),
	    coalesce_next_tick(T0 + 987654, 1000));
	ck_assert_uint_eq(coalesce_next_tick(0, 50), 50000);
	ck_assert_uint_eq(coalesce_next_tick(5, 0), 5);
	/* The largest period, at a clock far from boot. */
	ck_assert_uint_eq(coalesce_next_tick(UINT64_C(1) << 62,
	    COALESCE_INTERVAL_MAX) % (COALESCE_INTERVAL_MAX * 1000ULL), 0);
}
END_TEST

static Suite *
coalesce_suite(void)
{
	Suite	*s = suite_create("coalesce");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_enter_leave);
	tcase_add_test(tc, test_idle_leaves);
	tcase_add_test(tc, test_window_length);
	tcase_add_test(tc, test_disabled);
	tcase_add_test(tc, test_clock_back);
	tcase_add_test(tc, test_huge_count);
	tcase_add_test(tc, test_rate_changes_in_load_mode);
	tcase_add_test(tc, test_next_tick);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(coalesce_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
