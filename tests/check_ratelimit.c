/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/ratelimit.c: token buckets (burst, refill, caps, the
 * clock) and the fixed table: independence of keys, LRU eviction within a
 * set, no growth under a flood of distinct keys.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "ratelimit.h"

#define T0	1000000000000ULL	/* any start; monotonic ns */
#define MS	1000000ULL
#define SEC	1000000000ULL

static const uint8_t	 hkey[16] = "0123456789abcdef";

/* How many of n packets at now pass. */
static int
takes(struct tbucket *b, const struct ratelimit_conf *c, uint64_t now, int n)
{
	int	 ok = 0;

	while (n-- > 0)
		ok += tbucket_take(b, c, now);
	return ok;
}

START_TEST(test_burst)
{
	struct ratelimit_conf	 c = { 10, 5 };
	struct tbucket		 b;

	memset(&b, 0, sizeof(b));
	/* A new bucket is full: the burst passes at once, then nothing. */
	ck_assert_int_eq(takes(&b, &c, T0, 5), 5);
	ck_assert_int_eq(tbucket_take(&b, &c, T0), 0);
	ck_assert_int_eq(takes(&b, &c, T0, 100), 0);
	ck_assert_uint_eq(b.tokens, 0);
}
END_TEST

START_TEST(test_refill)
{
	struct ratelimit_conf	 c = { 10, 5 };
	struct tbucket		 b;
	uint64_t		 t;
	int			 ok = 0;

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(takes(&b, &c, T0, 6), 5);
	/* 10 pps: one token per 100 ms, accrued in fractions. */
	ck_assert_int_eq(tbucket_take(&b, &c, T0 + 99 * MS), 0);
	ck_assert_int_eq(tbucket_take(&b, &c, T0 + 100 * MS), 1);
	ck_assert_int_eq(tbucket_take(&b, &c, T0 + 100 * MS), 0);
	ck_assert_int_eq(tbucket_take(&b, &c, T0 + 150 * MS), 0);
	ck_assert_int_eq(tbucket_take(&b, &c, T0 + 200 * MS), 1);
	/* A steady offered load of 1000 pps gets the rate over 10 s. */
	for (t = T0 + 201 * MS; t < T0 + 10201 * MS; t += MS)
		ok += tbucket_take(&b, &c, t);
	ck_assert_int_ge(ok, 99);
	ck_assert_int_le(ok, 101);
}
END_TEST

START_TEST(test_idle_cap)
{
	struct ratelimit_conf	 c = { 10, 5 };
	struct ratelimit_conf	 big = { UINT32_MAX, UINT32_MAX };
	struct tbucket		 b;

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(takes(&b, &c, T0, 5), 5);
	/* An hour idle refills to the burst, not beyond. */
	ck_assert_int_eq(takes(&b, &c, T0 + 3600 * SEC, 50), 5);
	/* Any gap, even the whole range, with the largest settings. */
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(tbucket_take(&b, &big, 0), 1);
	ck_assert_int_eq(tbucket_take(&b, &big, UINT64_MAX), 1);
	ck_assert_uint_eq(b.tokens, (uint64_t)UINT32_MAX * SEC - SEC);
	ck_assert_int_eq(tbucket_take(&b, &big, UINT64_MAX), 1);
}
END_TEST

START_TEST(test_unlimited)
{
	struct ratelimit_conf	 c = { 0, 0 };
	struct tbucket		 b;

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(takes(&b, &c, T0, 100000), 100000);
	ck_assert_int_eq(b.started, 0);
}
END_TEST

START_TEST(test_clock_back)
{
	struct ratelimit_conf	 c = { 10, 5 };
	struct tbucket		 b;

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(takes(&b, &c, T0, 5), 5);
	/*
	 * The clock goes back 1 s: no tokens for the negative time, and the
	 * accounting restarts at the new time (not stalled until T0).
	 */
	ck_assert_int_eq(tbucket_take(&b, &c, T0 - SEC), 0);
	ck_assert_uint_eq(b.last_ns, T0 - SEC);
	ck_assert_int_eq(tbucket_take(&b, &c, T0 - SEC + 100 * MS), 1);
	ck_assert_int_eq(tbucket_take(&b, &c, T0 - SEC + 100 * MS), 0);
}
END_TEST

START_TEST(test_conf_changes)
{
	struct ratelimit_conf	 c = { 10, 50 }, zero_burst = { 10, 0 };
	struct tbucket		 b;

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(tbucket_take(&b, &c, T0), 1);
	/* The burst lowered under a full bucket: capped at the new size. */
	c.burst = 3;
	ck_assert_int_eq(takes(&b, &c, T0, 10), 3);
	/* Burst 0 with a rate set counts as 1, never as "never". */
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(takes(&b, &zero_burst, T0, 3), 1);
	ck_assert_int_eq(takes(&b, &zero_burst, T0 + SEC, 3), 1);
}
END_TEST

static struct rltable_entry	 table[64 * RLTABLE_WAYS + 8];
static struct rltable		 t;

/* A table of nsets sets at rate/burst; guard entries after it. */
static void
setup(size_t nsets, uint32_t rate, uint32_t burst)
{
	struct ratelimit_conf	 c = { rate, burst };

	memset(table, 0xa5, sizeof(table));
	ck_assert_int_eq(rltable_init(&t, table, nsets, hkey, &c), 0);
	ck_assert_uint_eq(table[0].used, 0);
	ck_assert_uint_eq(table[nsets * RLTABLE_WAYS - 1].used, 0);
}

static void
guard_intact(size_t nsets)
{
	const uint8_t	*p = (const uint8_t *)&table[nsets * RLTABLE_WAYS];
	size_t		 i, n;

	n = (sizeof(table) / sizeof(table[0]) - nsets * RLTABLE_WAYS) *
	    sizeof(table[0]);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(p[i], 0xa5);
}

/* How many of n packets from key at now pass. */
static int
rtakes(uint32_t key, uint64_t now, int n)
{
	int	 ok = 0;

	while (n-- > 0)
		ok += rltable_take(&t, key, now);
	return ok;
}

START_TEST(test_table_keys)
{
	setup(64, 10, 5);
	ck_assert_int_eq(rtakes(0xc612010a, T0, 10), 5);
	/* Another source has its own bucket. */
	ck_assert_int_eq(rtakes(0xc612010b, T0, 10), 5);
	ck_assert_int_eq(rtakes(0xc612010a, T0, 1), 0);
	ck_assert_int_eq(rtakes(0xc612010a, T0 + 100 * MS, 2), 1);
	ck_assert_int_eq(rtakes(0xc612010b, T0 + 100 * MS, 2), 1);
	ck_assert_uint_eq(t.evictions, 0);
	guard_intact(64);
}
END_TEST

START_TEST(test_table_unlimited)
{
	setup(64, 0, 0);
	ck_assert_int_eq(rtakes(1, T0, 1000), 1000);
	/* No state is kept for an unlimited table. */
	ck_assert_uint_eq(table[0].used, 0);
	ck_assert_uint_eq(t.evictions, 0);
}
END_TEST

START_TEST(test_table_lru)
{
	/* One set: keys 1..4 fill it. */
	setup(1, 10, 5);
	ck_assert_int_eq(rtakes(1, T0, 5), 5);		/* drained */
	ck_assert_int_eq(rtakes(2, T0, 5), 5);		/* drained */
	ck_assert_int_eq(rtakes(3, T0, 1), 1);
	ck_assert_int_eq(rtakes(4, T0, 1), 1);
	ck_assert_uint_eq(t.evictions, 0);
	/* 1 is used again (refused, but used): 2 is now the LRU. */
	ck_assert_int_eq(rtakes(1, T0, 1), 0);
	ck_assert_int_eq(rtakes(5, T0, 1), 1);
	ck_assert_uint_eq(t.evictions, 1);
	/* 1 kept its empty bucket; 2 was forgotten and starts full again. */
	ck_assert_int_eq(rtakes(1, T0, 1), 0);
	ck_assert_int_eq(rtakes(2, T0, 5), 5);		/* evicts 3 */
	ck_assert_uint_eq(t.evictions, 2);
	ck_assert_int_eq(rtakes(4, T0, 1), 1);
	ck_assert_int_eq(rtakes(5, T0, 1), 1);
	ck_assert_uint_eq(t.evictions, 2);
	guard_intact(1);
}
END_TEST

START_TEST(test_table_idle_reuse)
{
	uint32_t	 k;

	setup(1, 10, 5);
	for (k = 1; k <= 4; k++)
		ck_assert_int_eq(rtakes(k, T0, 1), 1);
	/* 100 ms later every bucket is full again: reuse is not eviction. */
	for (k = 5; k <= 8; k++)
		ck_assert_int_eq(rtakes(k, T0 + 100 * MS, 1), 1);
	ck_assert_uint_eq(t.evictions, 0);
	/* But partly drained buckets are live state: evicted and counted. */
	ck_assert_int_eq(rtakes(9, T0 + 150 * MS, 1), 1);
	ck_assert_uint_eq(t.evictions, 1);
}
END_TEST

START_TEST(test_table_flood)
{
	uint32_t	 k;
	int		 heavy = 0;

	/*
	 * 100000 spoofed sources through a 64 x 4 table: memory is fixed
	 * (nothing written past the table), every way is taken, the
	 * evictions are counted, and each new source starts with a full
	 * bucket.
	 */
	setup(64, 10, 5);
	for (k = 0; k < 100000; k++)
		ck_assert_int_eq(rltable_take(&t, 0x0a000000 + k, T0), 1);
	ck_assert_uint_eq(t.evictions, 100000 - 64 * RLTABLE_WAYS);
	for (k = 0; k < 64 * RLTABLE_WAYS; k++)
		ck_assert_uint_ne(table[k].used, 0);
	guard_intact(64);
	/*
	 * A heavy source sending between every spoofed packet is always the
	 * most recently used of its set, so it is never evicted: the flood
	 * cannot reset its bucket, and it gets exactly its burst.
	 */
	setup(64, 10, 5);
	for (k = 0; k < 100000; k++) {
		heavy += rltable_take(&t, 0xc612010a, T0);
		ck_assert_int_eq(rltable_take(&t, 0x0b000000 + k, T0), 1);
	}
	ck_assert_int_eq(heavy, 5);
	ck_assert_uint_gt(t.evictions, 90000);
	guard_intact(64);
}
END_TEST

START_TEST(test_table_stamps_wrap)
{
	size_t	 i;

	/* Stamps near the top of their range are renumbered, order kept. */
	setup(1, 10, 5);
	for (i = 0; i < RLTABLE_WAYS; i++)
		ck_assert_int_eq(rtakes((uint32_t)i + 1, T0, 1), 1);
	table[0].used = UINT32_MAX - 1;	/* key 1: second most recent */
	table[1].used = UINT32_MAX;	/* key 2: most recent */
	table[2].used = 7;		/* key 3: least recent */
	table[3].used = 9;		/* key 4 */
	ck_assert_int_eq(rtakes(4, T0, 1), 1);
	ck_assert_uint_eq(table[2].used, 1);
	ck_assert_uint_eq(table[0].used, 3);
	ck_assert_uint_eq(table[1].used, 4);
	ck_assert_uint_eq(table[3].used, RLTABLE_WAYS + 1);
	/* The LRU is still key 3. */
	ck_assert_int_eq(rtakes(9, T0, 1), 1);
	ck_assert_uint_eq(table[2].key, 9);
}
END_TEST

START_TEST(test_table_init_errors)
{
	struct ratelimit_conf	 c = { 10, 5 };
	static const size_t	 bad[] = { 0, 3, 6, 100 };
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_int_eq(rltable_init(&t, table, bad[i], hkey, &c), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	errno = 0;
	ck_assert_int_eq(rltable_init(&t, NULL, 64, hkey, &c), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(rltable_init(&t, table, 64, hkey, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(rltable_init(&t, table, 64, hkey, &c), 0);
	ck_assert_uint_eq(t.conf.rate, 10);
	ck_assert_uint_eq(t.conf.burst, 5);
	/* The hash key is read little-endian, as dedup reads its key. */
	ck_assert_uint_eq(t.hkey[0], 0x3736353433323130ULL);
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite	*s = suite_create("ratelimit");
	TCase	*tc = tcase_create("bucket");

	tcase_add_test(tc, test_burst);
	tcase_add_test(tc, test_refill);
	tcase_add_test(tc, test_idle_cap);
	tcase_add_test(tc, test_unlimited);
	tcase_add_test(tc, test_clock_back);
	tcase_add_test(tc, test_conf_changes);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, test_table_keys);
	tcase_add_test(tc, test_table_unlimited);
	tcase_add_test(tc, test_table_lru);
	tcase_add_test(tc, test_table_idle_reuse);
	tcase_add_test(tc, test_table_flood);
	tcase_add_test(tc, test_table_stamps_wrap);
	tcase_add_test(tc, test_table_init_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(ratelimit_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
