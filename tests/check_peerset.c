/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/peerset.c: which addresses of a --discover answer
 * become peers (unicast, not ours, not static, once each, sorted, at most
 * max), and how a set compares and prints.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peerset.h"

static uint32_t
ip(const char *s)
{
	struct in_addr	 a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* No address skipped, any prefix, room for 8. */
static const struct peerset_rules any8 = { NULL, 0, NULL, 0, 8 };

/* Sorted by address value, not by its bytes in memory. */
START_TEST(test_sorted_unique)
{
	uint32_t		 ans[5], out[8];
	struct peerset_left	 l;
	char			 buf[128];

	ans[0] = ip("198.18.3.2");
	ans[1] = ip("198.18.2.200");
	ans[2] = ip("198.18.3.2");
	ans[3] = ip("198.19.0.1");
	ans[4] = ip("198.18.2.3");
	ck_assert_uint_eq(peerset_build(ans, 5, &any8, out, &l), 4);
	peerset_str(out, 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "198.18.2.3, 198.18.2.200, 198.18.3.2, 198.19.0.1");
	/* The duplicate is merged, not left out. */
	ck_assert_uint_eq(l.not_unicast + l.skipped + l.over, 0);
	ck_assert_uint_eq(peerset_build(NULL, 0, &any8, out, NULL), 0);
	peerset_str(out, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");
}
END_TEST

/* Ours and the static peers are skipped; 0/8, multicast, class E refused. */
START_TEST(test_left_out)
{
	uint32_t		 ans[7], skip[2], out[8];
	struct peerset_rules	 r = any8;
	struct peerset_left	 l;

	ans[0] = ip("198.18.1.2");	/* ours */
	ans[1] = ip("0.0.0.0");
	ans[2] = ip("224.0.0.1");
	ans[3] = ip("240.0.0.1");
	ans[4] = ip("198.18.2.2");
	ans[5] = ip("198.18.9.9");	/* static */
	ans[6] = ip("0.1.2.3");
	skip[0] = ip("198.18.9.9");
	skip[1] = ip("198.18.1.2");
	r.skip = skip;
	r.nskip = 2;
	ck_assert_uint_eq(peerset_build(ans, 7, &r, out, &l), 1);
	ck_assert_uint_eq(out[0], ip("198.18.2.2"));
	ck_assert_uint_eq(l.skipped, 2);
	ck_assert_uint_eq(l.not_unicast, 4);
	ck_assert_uint_eq(l.over, 0);
}
END_TEST

/* At most max; the rest is counted, duplicates of it once. */
START_TEST(test_max)
{
	uint32_t		 ans[6], out[3];
	struct peerset_left	 l;

	ans[0] = ip("198.18.0.5");
	ans[1] = ip("198.18.0.4");
	ans[2] = ip("198.18.0.3");
	ans[3] = ip("198.18.0.2");
	ans[4] = ip("198.18.0.2");
	ans[5] = ip("198.18.0.1");
	struct peerset_rules	 r = any8;

	r.max = 3;
	ck_assert_uint_eq(peerset_build(ans, 6, &r, out, &l), 3);
	/* The first three answered, in order. */
	ck_assert_uint_eq(out[0], ip("198.18.0.3"));
	ck_assert_uint_eq(out[2], ip("198.18.0.5"));
	ck_assert_uint_eq(l.over, 2);
	r.max = 0;
	ck_assert_uint_eq(peerset_build(ans, 6, &r, out, &l), 0);
	ck_assert_uint_eq(l.over, 5);
}
END_TEST

/* discover-cidr: outside addresses are left out; the first is named. */
START_TEST(test_cidr)
{
	struct config_cidr	 allow[2];
	struct peerset_rules	 r = any8;
	struct peerset_left	 l;
	uint32_t		 ans[5], out[8];

	allow[0].net = ip("198.18.2.0");
	allow[0].len = 24;
	allow[1].net = ip("198.18.3.2");
	allow[1].len = 32;
	r.allow = allow;
	r.nallow = 2;
	ans[0] = ip("198.18.4.2");
	ans[1] = ip("198.18.2.77");
	ans[2] = ip("198.18.3.3");
	ans[3] = ip("198.18.3.2");
	ans[4] = ip("198.18.4.2");
	ck_assert_uint_eq(peerset_build(ans, 5, &r, out, &l), 2);
	ck_assert_uint_eq(out[0], ip("198.18.2.77"));
	ck_assert_uint_eq(out[1], ip("198.18.3.2"));
	ck_assert_uint_eq(l.outside, 2);
	ck_assert_uint_eq(l.first_outside, ip("198.18.4.2"));
}
END_TEST

START_TEST(test_same)
{
	uint32_t	 a[2], b[2];

	a[0] = b[0] = ip("198.18.2.2");
	a[1] = b[1] = ip("198.18.3.2");
	ck_assert_int_eq(peerset_same(a, 2, b, 2), 1);
	ck_assert_int_eq(peerset_same(a, 1, b, 2), 0);
	ck_assert_int_eq(peerset_same(NULL, 0, NULL, 0), 1);
	b[1] = ip("198.18.3.3");
	ck_assert_int_eq(peerset_same(a, 2, b, 2), 0);
}
END_TEST

/* A long set is cut with "...", never mid-address, never past len. */
START_TEST(test_str_cut)
{
	uint32_t	 set[64];
	char		 buf[40], big[2048];
	size_t		 i;

	for (i = 0; i < 64; i++)
		set[i] = htonl(0xc6120000u + (uint32_t)i + 1);
	peerset_str(set, 64, buf, sizeof(buf));
	ck_assert_str_eq(buf, "198.18.0.1, 198.18.0.2, 198.18.0.3...");
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
	peerset_str(set, 64, big, sizeof(big));
	ck_assert_ptr_nonnull(strstr(big, ", 198.18.0.64"));
	ck_assert_ptr_null(strstr(big, "..."));
	peerset_str(set, 1, buf, 1);
	ck_assert_str_eq(buf, "");
}
END_TEST

static Suite *
peerset_suite(void)
{
	Suite	*s = suite_create("peerset");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_sorted_unique);
	tcase_add_test(tc, test_left_out);
	tcase_add_test(tc, test_max);
	tcase_add_test(tc, test_cidr);
	tcase_add_test(tc, test_same);
	tcase_add_test(tc, test_str_cut);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(peerset_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
