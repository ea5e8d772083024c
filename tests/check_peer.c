/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of the peer table (src/peer.c) and of the counter lines the
 * worker logs (src/counters.c), captured through log_setsink().
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "frame.h"
#include "log.h"
#include "mesh.h"
#include "peer.h"

static uint32_t
ip(const char *s)
{
	struct in_addr	 a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

START_TEST(test_add_find)
{
	struct peer_table	 pt;
	struct peer		*p;

	peer_table_init(&pt);
	ck_assert_uint_eq(pt.npeers, 0);
	ck_assert_ptr_null(peer_find(&pt, ip("198.18.2.2")));
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.3.2"), 7124), 0);
	ck_assert_uint_eq(pt.npeers, 2);
	p = peer_find(&pt, ip("198.18.3.2"));
	ck_assert_ptr_eq(p, &pt.peers[1]);
	ck_assert_uint_eq(p->port, 7124);
	ck_assert_uint_eq(p->tx + p->tx_errors + p->rx + p->rx_dropped, 0);
	ck_assert_int_eq(p->last_errno, 0);
	ck_assert_ptr_null(peer_find(&pt, ip("198.18.4.2")));
}
END_TEST

START_TEST(test_duplicate)
{
	struct peer_table	 pt;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	errno = 0;
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_uint_eq(pt.npeers, 1);
	/* Same address, other port: a different peer. */
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7125), 0);
	ck_assert_uint_eq(pt.npeers, 2);
}
END_TEST

START_TEST(test_full)
{
	struct peer_table	 pt;
	uint32_t		 i;

	peer_table_init(&pt);
	for (i = 0; i < MAX_PEERS; i++)
		ck_assert_int_eq(peer_add(&pt, htonl(0xc6120000 + 10 + i), 7124),
		    0);
	ck_assert_uint_eq(pt.npeers, MAX_PEERS);
	errno = 0;
	ck_assert_int_eq(peer_add(&pt, ip("198.18.200.1"), 7124), -1);
	ck_assert_int_eq(errno, ENOSPC);
	/* A duplicate of a present peer still says EEXIST when full. */
	errno = 0;
	ck_assert_int_eq(peer_add(&pt, htonl(0xc6120000 + 10), 7124), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_uint_eq(pt.npeers, MAX_PEERS);
	ck_assert_ptr_eq(peer_find(&pt, htonl(0xc6120000 + 10 + MAX_PEERS - 1)),
	    &pt.peers[MAX_PEERS - 1]);
}
END_TEST

START_TEST(test_find_ignores_port)
{
	struct peer_table	 pt;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7200), 0);
	/* SnowSignal sends from ephemeral ports: the first entry matches. */
	ck_assert_ptr_eq(peer_find(&pt, ip("198.18.2.2")), &pt.peers[0]);
}
END_TEST

START_TEST(test_sent)
{
	struct peer_table	 pt;
	struct peer		*p;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	p = &pt.peers[0];
	peer_sent(p, 0, 100);
	peer_sent(p, 0, 101);
	ck_assert_uint_eq(p->tx, 2);
	ck_assert_uint_eq(p->tx_errors, 0);
	ck_assert_int_eq(p->last_errno, 0);
	peer_sent(p, EHOSTUNREACH, 102);
	ck_assert_uint_eq(p->tx, 2);
	ck_assert_uint_eq(p->tx_errors, 1);
	ck_assert_int_eq(p->last_errno, EHOSTUNREACH);
	ck_assert_int_eq(p->last_error, 102);
	peer_sent(p, ECONNREFUSED, 105);
	ck_assert_uint_eq(p->tx_errors, 2);
	ck_assert_int_eq(p->last_errno, ECONNREFUSED);
	ck_assert_int_eq(p->last_error, 105);
	/* A success clears the errno; when it happened stays. */
	peer_sent(p, 0, 110);
	ck_assert_uint_eq(p->tx, 3);
	ck_assert_int_eq(p->last_errno, 0);
	ck_assert_int_eq(p->last_error, 105);
}
END_TEST

/* ---- counter lines ---------------------------------------------------- */

#define MAXLINES	32
static char	 lines[MAXLINES][LOG_LINE_MAX + 1];
static int	 prios[MAXLINES];
static int	 nlines;

static void
capture_sink(int prio, const char *line)
{
	ck_assert_int_lt(nlines, MAXLINES);
	prios[nlines] = prio;
	snprintf(lines[nlines], sizeof(lines[nlines]), "%s", line);
	nlines++;
}

static void
capture_setup(void)
{
	nlines = 0;
	log_setlevel(LOG_INFO);
	log_setsink(capture_sink);
}

static void
capture_teardown(void)
{
	log_setsink(NULL);
}

/* How many times " name=" appears in the lines starting with prefix. */
static int
count_items(const char *prefix, const char *name)
{
	char	 needle[64];
	int	 i, n = 0;

	snprintf(needle, sizeof(needle), " %s=", name);
	for (i = 0; i < nlines; i++)
		if (strncmp(lines[i], prefix, strlen(prefix)) == 0 &&
		    strstr(lines[i], needle) != NULL)
			n++;
	return n;
}

START_TEST(test_counters_lines)
{
	struct counters	 c;
	char		 want[LOG_LINE_MAX];
	size_t		 len;
	int		 i;

	memset(&c, 0, sizeof(c));
	c.captured = 1;
	c.forwarded = 2;
	c.mesh_tx = 3;
	c.mesh_tx_errors = 4;
	c.mesh_rx = 5;
	c.emitted = 6;
	c.emit_errors = 7;
	c.rewritten = 8;
	c.csum_completed = 9;
	c.cap_truncated = 10;
	c.mesh_not_peer = 11;
	c.mesh_truncated = 12;
	c.mesh_drops[MESH_SHORT] = 13;
	c.mesh_drops[MESH_BAD_MAGIC] = 14;
	c.mesh_drops[MESH_TOO_BIG] = 15;
	for (i = 0; i < FRAME_NERR; i++) {
		c.cap_drops[i] = 100 + i;
		c.mesh_frame_drops[i] = 200 + i;
	}
	counters_log(&c);
	ck_assert_int_eq(nlines, 3);
	ck_assert_int_eq(prios[0], LOG_INFO);
	ck_assert_str_eq(lines[0], "counters: captured=1 forwarded=2 mesh_tx=3 "
	    "mesh_tx_errors=4 mesh_rx=5 emitted=6 emit_errors=7 rewritten=8 "
	    "csum_completed=9");

	len = (size_t)snprintf(want, sizeof(want), "drops capture: truncated=10");
	for (i = 1; i < FRAME_NERR; i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, " %s=%d",
		    frame_err_name((enum frame_err)i), 100 + i);
	ck_assert_str_eq(lines[1], want);

	len = (size_t)snprintf(want, sizeof(want), "drops mesh: not_peer=11 "
	    "truncated=12 short=13 bad_magic=14 too_big=15");
	for (i = 1; i < FRAME_NERR; i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, " %s=%d",
		    frame_err_name((enum frame_err)i), 200 + i);
	ck_assert_str_eq(lines[2], want);
	/* "ok" is never a drop reason. */
	ck_assert_ptr_null(strstr(lines[1], " ok="));
	ck_assert_ptr_null(strstr(lines[2], " ok="));
}
END_TEST

START_TEST(test_counters_split)
{
	struct counters	 c;
	int		 i;

	/* The widest values: lines split but every item appears once. */
	memset(&c, 0xff, sizeof(c));
	counters_log(&c);
	ck_assert_int_ge(nlines, 3);
	for (i = 0; i < nlines; i++) {
		ck_assert_uint_lt(strlen(lines[i]), LOG_LINE_MAX - 64);
		ck_assert(strncmp(lines[i], "counters: ", 10) == 0 ||
		    strncmp(lines[i], "drops capture: ", 15) == 0 ||
		    strncmp(lines[i], "drops mesh: ", 12) == 0);
		ck_assert_ptr_null(strstr(lines[i], "  "));
	}
	ck_assert_int_eq(count_items("drops mesh:", "not_peer"), 1);
	ck_assert_int_eq(count_items("drops mesh:", "too_big"), 1);
	ck_assert_int_eq(count_items("drops capture:", "truncated"), 1);
	for (i = 1; i < FRAME_NERR; i++) {
		ck_assert_int_eq(count_items("drops capture:",
		    frame_err_name((enum frame_err)i)), 1);
		ck_assert_int_eq(count_items("drops mesh:",
		    frame_err_name((enum frame_err)i)), 1);
	}
	ck_assert_int_eq(count_items("counters:", "csum_completed"), 1);
	ck_assert_ptr_nonnull(strstr(lines[0], "=18446744073709551615"));
}
END_TEST

START_TEST(test_counters_iface_peer)
{
	struct iface_counters	 ic = { 1, 2, 3, 4 };
	struct peer		 p;

	counters_log_iface("eth0", &ic);
	memset(&p, 0, sizeof(p));
	p.addr = ip("198.18.2.2");
	p.port = 7124;
	p.tx = 5;
	p.tx_errors = 6;
	p.rx = 7;
	p.rx_dropped = 8;
	counters_log_peer(&p);
	p.last_errno = EHOSTUNREACH;
	counters_log_peer(&p);
	p.last_errno = EIO;
	counters_log_peer(&p);
	ck_assert_int_eq(nlines, 4);
	ck_assert_str_eq(lines[0],
	    "iface eth0: captured=1 emitted=2 truncated=3 emit_errors=4");
	ck_assert_str_eq(lines[1], "peer 198.18.2.2:7124: tx=5 tx_errors=6 rx=7 "
	    "rx_dropped=8 last_error=none");
	ck_assert_str_eq(lines[2], "peer 198.18.2.2:7124: tx=5 tx_errors=6 rx=7 "
	    "rx_dropped=8 last_error=EHOSTUNREACH");
	snprintf(lines[31], sizeof(lines[31]), "peer 198.18.2.2:7124: tx=5 "
	    "tx_errors=6 rx=7 rx_dropped=8 last_error=%d", EIO);
	ck_assert_str_eq(lines[3], lines[31]);
}
END_TEST

START_TEST(test_errno_names)
{
	static const struct {
		int		 err;
		const char	*name;
	} t[] = {
		{ 0, "none" }, { ENETUNREACH, "ENETUNREACH" },
		{ EHOSTUNREACH, "EHOSTUNREACH" }, { ECONNREFUSED, "ECONNREFUSED" },
		{ EMSGSIZE, "EMSGSIZE" }, { ENOBUFS, "ENOBUFS" },
		{ EAGAIN, "EAGAIN" }, { EPERM, "EPERM" }, { EACCES, "EACCES" },
		{ 9999, "9999" },
	};
	char	 buf[16];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_str_eq(counters_errno_name(t[i].err, buf, sizeof(buf)),
		    t[i].name);
}
END_TEST

static Suite *
peer_suite(void)
{
	Suite	*s = suite_create("peer");
	TCase	*tc = tcase_create("table");

	tcase_add_test(tc, test_add_find);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_find_ignores_port);
	tcase_add_test(tc, test_sent);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *
counters_suite(void)
{
	Suite	*s = suite_create("counters");
	TCase	*tc = tcase_create("format");

	tcase_add_checked_fixture(tc, capture_setup, capture_teardown);
	tcase_add_test(tc, test_counters_lines);
	tcase_add_test(tc, test_counters_split);
	tcase_add_test(tc, test_counters_iface_peer);
	tcase_add_test(tc, test_errno_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(peer_suite());
	int	 failed;

	srunner_add_suite(sr, counters_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
