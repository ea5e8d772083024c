/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests for helper_capture_mode() in privsep/helper_conf.c: how the
 * helper moves a slot's capture between its plain and ring sockets on
 * the worker's MSG_CAPTURE_MODE, in which order it binds, what it
 * answers, and that every malformed request is fatal. The socket calls,
 * helper_send() and helper_die() are stubs that record what was asked.
 */
#include <sys/types.h>

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "helper_int.h"
#include "log.h"
#include "proto.h"
#include "rawsock.h"
#include "ringsock.h"

#define MAXCALLS	8
#define PKTFD		10	/* slot 0: plain socket */
#define RINGFD		11	/* slot 0: ring socket */
#define PKTFD1		12	/* slot 1: plain socket, no ring */
#define MESHFD		13	/* the mesh socket */

/* Exit codes of the helper_die() stub, by message. */
#define DIE_PROTO	3	/* "worker protocol violation: MSG_CAPTURE_MODE" */
#define DIE_ANSWER	4	/* "cannot answer the worker's capture ring request" */
#define DIE_OTHER	5

struct call {
	int	 fd;
	int	 on;
};

static struct config	 conf;
static struct helper	 h;
static struct call	 caps[MAXCALLS];	/* rawsock_capture, in order */
static size_t		 ncaps;
static struct call	 rings[MAXCALLS];	/* ringsock_ring, in order */
static size_t		 nrings;
static int		 cap_fail_fd;	/* rawsock_capture(this fd) fails */
static int		 ring_fail;	/* ringsock_ring fails */
static int		 send_fail;	/* helper_send fails */
static size_t		 nsent;
static uint32_t		 sent_type;
static struct msg_ring_ready sent_ready;
static struct msg_mesh_fd sent_mesh;
static size_t		 nmesh;		/* MSG_MESH_FD sent */
static int		 nwarn;		/* LOG_WARNING lines */

int
rawsock_capture(int fd, int ifindex, int on)
{
	ck_assert_uint_lt(ncaps, MAXCALLS);
	ck_assert_int_eq(ifindex, 7);
	caps[ncaps].fd = fd;
	caps[ncaps++].on = on;
	if (fd == cap_fail_fd) {
		errno = EADDRNOTAVAIL;
		return -1;
	}
	return 0;
}

int
ringsock_ring(int fd, const struct msg_conf_ring *ring, int on)
{
	ck_assert_uint_lt(nrings, MAXCALLS);
	ck_assert_ptr_eq(ring, &h.rings[0]);
	rings[nrings].fd = fd;
	rings[nrings++].on = on;
	if (ring_fail) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
helper_send(struct helper *hp, uint32_t type, const void *data, size_t len,
    int fd)
{
	ck_assert_ptr_eq(hp, &h);
	ck_assert_int_eq(fd, type == MSG_MESH_FD ? MESHFD : -1);
	nsent++;
	sent_type = type;
	if (type == MSG_RING_READY) {
		ck_assert_uint_eq(len, sizeof(sent_ready));
		memcpy(&sent_ready, data, sizeof(sent_ready));
	}
	if (type == MSG_MESH_FD) {
		ck_assert_uint_eq(len, sizeof(sent_mesh));
		memcpy(&sent_mesh, data, sizeof(sent_mesh));
		nmesh++;
	}
	if (send_fail) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

void
helper_die(struct helper *hp, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strncmp(msg, "worker protocol violation: MSG_CAPTURE_MODE",
	    strlen("worker protocol violation: MSG_CAPTURE_MODE")) == 0)
		exit(DIE_PROTO);
	if (strcmp(msg, "cannot answer the worker's capture ring request") == 0)
		exit(DIE_ANSWER);
	exit(DIE_OTHER);
}

static void
count_sink(int prio, const char *line)
{
	if (prio == LOG_WARNING)
		nwarn++;
}

/* Slot 0 on ifindex 7 with a ring of 4 blocks (not made), slot 1 without. */
static void
fixture(void)
{
	memset(&conf, 0, sizeof(conf));
	conf.nifaces = 2;
	memset(&h, 0, sizeof(h));
	h.conf = &conf;
	h.worker = -1;
	h.chan = -1;
	h.meshfd = -1;
	snprintf(h.slots[0].ifname, sizeof(h.slots[0].ifname), "veth0");
	h.slots[0].ifindex = 7;
	h.slots[0].ring = 1;
	h.pktfd[0] = PKTFD;
	h.ringfd[0] = RINGFD;
	h.rings[0].block_nr = 4;
	snprintf(h.slots[1].ifname, sizeof(h.slots[1].ifname), "veth1");
	h.slots[1].ifindex = 8;
	h.slots[1].slot = 1;
	h.pktfd[1] = PKTFD1;
	h.ringfd[1] = -1;
	ncaps = nrings = nsent = 0;
	cap_fail_fd = -1;
	ring_fail = send_fail = 0;
	sent_type = 0;
	memset(&sent_ready, 0xff, sizeof(sent_ready));
	memset(&sent_mesh, 0xff, sizeof(sent_mesh));
	nmesh = 0;
	nwarn = 0;
	log_setlevel(LOG_INFO);
	log_setsink(count_sink);
}

static void
unfixture(void)
{
	log_setsink(NULL);
}

/* Ask for ring on slot, as the worker would. */
static void
ask(uint32_t slot, uint32_t ring)
{
	struct msg_capture_mode	 m;

	m.slot = slot;
	m.ring = ring;
	helper_capture_mode(&h, &m);
}

/* The i-th rawsock_capture() call was (fd, on). */
static void
assert_cap(size_t i, int fd, int on)
{
	ck_assert_uint_lt(i, ncaps);
	ck_assert_int_eq(caps[i].fd, fd);
	ck_assert_int_eq(caps[i].on, on);
}

/* Exactly one MSG_RING_READY for slot 0 was sent, saying ok. */
static void
assert_ready(uint32_t ok)
{
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(sent_type, MSG_RING_READY);
	ck_assert_uint_eq(sent_ready.slot, 0);
	ck_assert_uint_eq(sent_ready.ok, ok);
}

/* RING_ON: ring made, ring socket bound before the plain one unbinds. */
START_TEST(test_on)
{
	ask(0, RING_ON);
	ck_assert_uint_eq(nrings, 1);
	ck_assert_int_eq(rings[0].fd, RINGFD);
	ck_assert_int_eq(rings[0].on, 1);
	ck_assert_uint_eq(ncaps, 2);
	assert_cap(0, RINGFD, 1);
	assert_cap(1, PKTFD, 0);
	assert_ready(1);
	ck_assert_int_eq(h.ringon[0], 1);
	ck_assert_int_eq(h.ringup[0], 1);
	ck_assert_int_eq(nwarn, 0);
}
END_TEST

/* No ring could be made: answer no, the plain socket goes on. */
START_TEST(test_on_ring_fails)
{
	ring_fail = 1;
	ask(0, RING_ON);
	ck_assert_uint_eq(nrings, 1);
	ck_assert_uint_eq(ncaps, 0);
	assert_ready(0);
	ck_assert_int_eq(h.ringon[0], 0);
	ck_assert_int_eq(h.ringup[0], 0);
	ck_assert_int_eq(nwarn, 1);
}
END_TEST

/*
 * The ring socket cannot bind: answer no, the plain one never unbinds,
 * and the ring is freed at once (the worker, told no, never releases it).
 */
START_TEST(test_on_bind_fails)
{
	cap_fail_fd = RINGFD;
	ask(0, RING_ON);
	ck_assert_uint_eq(ncaps, 1);
	assert_cap(0, RINGFD, 1);
	assert_ready(0);
	ck_assert_int_eq(h.ringon[0], 0);
	ck_assert_uint_eq(nrings, 2);
	ck_assert_int_eq(rings[0].on, 1);
	ck_assert_int_eq(rings[1].on, 0);
	ck_assert_int_eq(h.ringup[0], 0);
	ck_assert_int_eq(nwarn, 1);
}
END_TEST

/* A second RING_ON makes no ring and binds nothing, and answers yes. */
START_TEST(test_on_again)
{
	ask(0, RING_ON);
	ncaps = nrings = nsent = 0;
	ask(0, RING_ON);
	ck_assert_uint_eq(nrings, 0);
	ck_assert_uint_eq(ncaps, 0);
	assert_ready(1);
	ck_assert_int_eq(h.ringon[0], 1);
	ck_assert_int_eq(h.ringup[0], 1);
}
END_TEST

/* RING_OFF: plain socket bound before the ring one unbinds; no answer. */
START_TEST(test_off)
{
	ask(0, RING_ON);
	ncaps = nrings = nsent = 0;
	ask(0, RING_OFF);
	ck_assert_uint_eq(ncaps, 2);
	assert_cap(0, PKTFD, 1);
	assert_cap(1, RINGFD, 0);
	ck_assert_uint_eq(nrings, 0);
	ck_assert_uint_eq(nsent, 0);
	ck_assert_int_eq(h.ringon[0], 0);
	ck_assert_int_eq(h.ringup[0], 1);
}
END_TEST

/* RING_OFF while the plain socket captures changes nothing. */
START_TEST(test_off_when_off)
{
	ask(0, RING_OFF);
	ck_assert_uint_eq(ncaps, 0);
	ck_assert_uint_eq(nrings, 0);
	ck_assert_uint_eq(nsent, 0);
	ck_assert_int_eq(h.ringon[0], 0);
}
END_TEST

/* RING_RELEASE after RING_OFF frees the ring. */
START_TEST(test_release)
{
	ask(0, RING_ON);
	ask(0, RING_OFF);
	ncaps = nrings = nsent = 0;
	ask(0, RING_RELEASE);
	ck_assert_uint_eq(nrings, 1);
	ck_assert_int_eq(rings[0].fd, RINGFD);
	ck_assert_int_eq(rings[0].on, 0);
	ck_assert_uint_eq(ncaps, 0);
	ck_assert_uint_eq(nsent, 0);
	ck_assert_int_eq(h.ringup[0], 0);
	/* The next RING_ON makes it anew. */
	ask(0, RING_ON);
	ck_assert_uint_eq(nrings, 2);
	ck_assert_int_eq(rings[1].on, 1);
	ck_assert_int_eq(h.ringup[0], 1);
}
END_TEST

/* A ring that cannot be freed is a warning, and stays known as made. */
START_TEST(test_release_fails)
{
	ask(0, RING_ON);
	ask(0, RING_OFF);
	ring_fail = 1;
	ask(0, RING_RELEASE);
	ck_assert_uint_eq(nrings, 2);
	ck_assert_int_eq(rings[1].on, 0);
	ck_assert_int_eq(h.ringup[0], 1);
	ck_assert_int_eq(nwarn, 1);
}
END_TEST

/* Requests the worker may never send; each must kill it (DIE_PROTO). */
static const struct msg_capture_mode bad_requests[] = {
	{ 2, RING_ON },			/* slot == nifaces */
	{ MAX_IFACES, RING_OFF },	/* far past nifaces */
	{ 0xffffffff, RING_RELEASE },
	{ 1, RING_ON },			/* slot without a ring */
	{ 1, RING_RELEASE },
	{ 0, 3 },			/* unknown request */
	{ 0, 0xffffffff },
};
#define NBAD	(sizeof(bad_requests) / sizeof(bad_requests[0]))

START_TEST(test_violation)
{
	ask(bad_requests[_i].slot, bad_requests[_i].ring);
	ck_abort_msg("request %d (slot %u ring %u) was accepted", _i,
	    bad_requests[_i].slot, bad_requests[_i].ring);
}
END_TEST

/* Releasing the ring that captures is a violation too. */
START_TEST(test_release_while_on)
{
	ask(0, RING_ON);
	ck_assert_int_eq(h.ringon[0], 1);
	ask(0, RING_RELEASE);
	ck_abort_msg("RING_RELEASE of a capturing ring was accepted");
}
END_TEST

/* The answer to RING_ON cannot be sent: the helper dies (DIE_ANSWER). */
START_TEST(test_send_fails)
{
	send_fail = 1;
	ask(0, RING_ON);
	ck_abort_msg("a failed MSG_RING_READY was ignored");
}
END_TEST

/*
 * The configuration push tells the worker to use UDP GSO only when the
 * kernel has it and mesh-gso is on (no slots here: the push would close
 * their fds).
 */
START_TEST(test_push_mesh_gso)
{
	static const struct {
		int		 kernel, conf;
		uint16_t	 flags;
	} t[] = {
		{ 1, 1, MESH_FD_GSO }, { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 0 },
	};
	size_t	 i;

	conf.nifaces = 0;
	conf.mesh_port = 7124;
	h.meshfd = MESHFD;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		h.meshgso = t[i].kernel;
		conf.mesh_gso = t[i].conf;
		nsent = nmesh = 0;
		h.configured = 0;
		helper_push_config(&h);
		ck_assert_uint_eq(nmesh, 1);
		ck_assert_uint_eq(sent_mesh.port, 7124);
		ck_assert_uint_eq(sent_mesh.flags, t[i].flags);
		/* GLOBAL, MESH_FD, END. */
		ck_assert_uint_eq(nsent, 3);
		ck_assert_uint_eq(sent_type, MSG_CONF_END);
		ck_assert_int_eq(h.configured, 1);
	}
}
END_TEST

static Suite *
helper_conf_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("helper_conf");
	tc = tcase_create("capture_mode");
	tcase_add_checked_fixture(tc, fixture, unfixture);
	tcase_add_test(tc, test_on);
	tcase_add_test(tc, test_on_ring_fails);
	tcase_add_test(tc, test_on_bind_fails);
	tcase_add_test(tc, test_on_again);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_off_when_off);
	tcase_add_test(tc, test_release);
	tcase_add_test(tc, test_release_fails);
	tcase_add_test(tc, test_push_mesh_gso);
	tcase_add_loop_exit_test(tc, test_violation, DIE_PROTO, 0, NBAD);
	tcase_add_exit_test(tc, test_release_while_on, DIE_PROTO);
	tcase_add_exit_test(tc, test_send_fails, DIE_ANSWER);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 nfailed;

	sr = srunner_create(helper_conf_suite());
	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
