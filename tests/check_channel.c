/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests for privsep/proto.c and privsep/channel.c over real
 * SOCK_SEQPACKET socketpairs: round trips, every rejection, no fd leaks.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "proto.h"

#define WHY_MAX		256
#define MANY_FDS	100	/* more than channel.c's control buffer holds */

/* Every (type, direction) the table must accept, and nothing else. */
static const struct {
	uint32_t	 type;
	enum proto_dir	 dir;
	uint32_t	 len;
	int		 has_fd;
	const char	*name;
} expect_rules[] = {
	{ MSG_HELLO, TO_WORKER, sizeof(struct msg_hello), 0, "MSG_HELLO" },
	{ MSG_CONF_GLOBAL, TO_WORKER, sizeof(struct msg_conf_global), 0,
	    "MSG_CONF_GLOBAL" },
	{ MSG_CONF_SLOT, TO_WORKER, sizeof(struct msg_conf_slot), 1,
	    "MSG_CONF_SLOT" },
	{ MSG_CONF_PEER, TO_WORKER, sizeof(struct msg_conf_peer), 0,
	    "MSG_CONF_PEER" },
	{ MSG_MESH_FD, TO_WORKER, sizeof(struct msg_mesh_fd), 1,
	    "MSG_MESH_FD" },
	{ MSG_CONF_END, TO_WORKER, 0, 0, "MSG_CONF_END" },
	{ MSG_DUMP_COUNTERS, TO_WORKER, 0, 0, "MSG_DUMP_COUNTERS" },
	{ MSG_SHUTDOWN, TO_WORKER, 0, 0, "MSG_SHUTDOWN" },
	{ MSG_CONF_KEYS, TO_WORKER, sizeof(struct msg_conf_keys), 0,
	    "MSG_CONF_KEYS" },
	{ MSG_HELLO, TO_HELPER, sizeof(struct msg_hello), 0, "MSG_HELLO" },
	{ MSG_READY, TO_HELPER, 0, 0, "MSG_READY" },
	{ MSG_LOG, TO_HELPER, sizeof(struct msg_log), 0, "MSG_LOG" },
	{ MSG_CONF_RING, TO_WORKER, sizeof(struct msg_conf_ring), 1,
	    "MSG_CONF_RING" },
	{ MSG_CAPTURE_MODE, TO_HELPER, sizeof(struct msg_capture_mode), 0,
	    "MSG_CAPTURE_MODE" },
	{ MSG_RING_READY, TO_WORKER, sizeof(struct msg_ring_ready), 0,
	    "MSG_RING_READY" },
	{ MSG_PEERS, TO_WORKER, sizeof(struct msg_peers), 0, "MSG_PEERS" },
};
#define NEXPECT	(sizeof(expect_rules) / sizeof(expect_rules[0]))

/* Open fds of this process, from /proc/self/fd. */
static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

static void
mkpair(int sv[2], int flags)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
	    flags, 0, sv), 0);
}

static void
closepair(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

/*
 * Send a raw datagram with nfds copies of fd: all in one SCM_RIGHTS cmsg,
 * or one cmsg each if split is set.
 */
static void
raw_send(int sock, const void *buf, size_t len, int fd, int nfds, int split)
{
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(MANY_FDS * sizeof(int)) +
				    2 * CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct iovec	 iov;
	struct msghdr	 mh;
	struct cmsghdr	*cmsg;
	int		 i, fds[MANY_FDS];

	ck_assert_int_le(nfds, MANY_FDS);
	ck_assert(!split || nfds <= 2);
	memset(&mh, 0, sizeof(mh));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	for (i = 0; i < nfds; i++)
		fds[i] = fd;
	if (nfds > 0 && !split) {
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cmsg), fds, nfds * sizeof(int));
	} else if (nfds > 0) {
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = nfds * CMSG_SPACE(sizeof(int));
		for (cmsg = CMSG_FIRSTHDR(&mh); cmsg != NULL;
		    cmsg = CMSG_NXTHDR(&mh, cmsg)) {
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
		}
	}
	ck_assert_int_eq(sendmsg(sock, &mh, MSG_NOSIGNAL), (ssize_t)len);
}

/* A raw datagram: header {type, hdrlen}, then paylen payload bytes. */
static size_t
raw_msg(uint8_t *buf, uint32_t type, uint32_t hdrlen, size_t paylen)
{
	struct msg_hdr	 hdr = { type, hdrlen };

	memcpy(buf, &hdr, sizeof(hdr));
	memset(buf + sizeof(hdr), 'x', paylen);
	return sizeof(hdr) + paylen;
}

/* Receive, expect a rejection with err and a reason containing reason. */
static void
expect_reject(int sock, enum proto_dir dir, int err, const char *reason)
{
	struct channel_msg	 msg;
	char			 why[WHY_MAX];

	memset(why, 0, sizeof(why));
	ck_assert_int_eq(channel_recv(sock, dir, &msg, why, sizeof(why)), -1);
	ck_assert_msg(errno == err, "errno %d (%s), expected %d; why \"%s\"",
	    errno, strerror(errno), err, why);
	ck_assert_msg(strstr(why, reason) != NULL,
	    "why \"%s\", expected \"%s\"", why, reason);
	ck_assert_int_eq(msg.fd, -1);
}

START_TEST(test_table)
{
	const struct proto_rule	*r;
	size_t			 i, n = 0;
	uint32_t		 t;
	int			 d;

	for (i = 0; i < NEXPECT; i++) {
		r = proto_rule_find(expect_rules[i].type, expect_rules[i].dir);
		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->type, expect_rules[i].type);
		ck_assert_int_eq(r->dir, expect_rules[i].dir);
		ck_assert_uint_eq(r->len, expect_rules[i].len);
		ck_assert_int_eq(r->has_fd, expect_rules[i].has_fd);
		ck_assert_str_eq(r->name, expect_rules[i].name);
		ck_assert_str_eq(proto_type_name(r->type),
		    expect_rules[i].name);
		ck_assert_int_le(sizeof(struct msg_hdr) + r->len,
		    PROTO_MSG_MAX);
	}
	/* Nothing else is allowed. */
	for (t = 0; t < 1000; t++)
		for (d = TO_WORKER; d <= TO_HELPER; d++)
			if (proto_rule_find(t, d) != NULL)
				n++;
	ck_assert_uint_eq(n, NEXPECT);
	ck_assert_ptr_null(proto_rule_find(UINT32_MAX, TO_HELPER));
	ck_assert_ptr_null(proto_rule_find(MSG_READY, TO_WORKER));
	ck_assert_ptr_null(proto_rule_find(MSG_CONF_SLOT, TO_HELPER));
	ck_assert_str_eq(proto_type_name(999), "unknown");
	ck_assert_str_eq(proto_type_name(0), "unknown");
	ck_assert_uint_eq(sizeof(struct msg_log), 1028);
	/* PROTO_VERSION 5: sixteen rows; the sizes both sides rely on. */
	ck_assert_int_eq(PROTO_VERSION, 5);
	ck_assert_uint_eq(NEXPECT, 16);
	ck_assert_uint_eq(sizeof(struct msg_peers), 8 + 4 * MAX_PEERS);
	ck_assert_ptr_null(proto_rule_find(MSG_PEERS, TO_HELPER));
	ck_assert_uint_eq(sizeof(struct msg_ring_ready), 8);
	ck_assert_ptr_null(proto_rule_find(MSG_RING_READY, TO_HELPER));
	ck_assert_uint_eq(sizeof(struct msg_conf_ring), 12);
	ck_assert_uint_eq(sizeof(struct msg_capture_mode), 8);
	/* Each goes one way only; the ring needs its fd. */
	ck_assert_ptr_null(proto_rule_find(MSG_CONF_RING, TO_HELPER));
	ck_assert_ptr_null(proto_rule_find(MSG_CAPTURE_MODE, TO_WORKER));
	ck_assert_uint_eq(sizeof(struct msg_conf_keys), 4 + 2 * (4 + 4 + 4 + 64));
	ck_assert_uint_eq(sizeof(struct msg_conf_peer), 12);
	ck_assert_uint_eq(sizeof(struct msg_conf_global),
	    4 * 4 + 2 * MAX_PORTS + 2 + 2 + 4 + 12 * 4);
	ck_assert_ptr_null(proto_rule_find(MSG_CONF_KEYS, TO_HELPER));
}
END_TEST

/* The keyring round trip: two keys, every secret byte intact, no fd. */
START_TEST(test_conf_keys)
{
	struct channel_msg	 msg;
	struct msg_conf_keys	 k, got;
	char			 why[WHY_MAX];
	size_t			 i;
	int			 sv[2], p[2], before;

	memset(&k, 0, sizeof(k));
	k.nkeys = 2;
	k.keys[0].id = 2;
	k.keys[0].len = 32;
	k.keys[1].id = 1;
	k.keys[1].len = 64;
	for (i = 0; i < sizeof(k.keys[0].secret); i++) {
		k.keys[0].secret[i] = (uint8_t)(i < 32 ? 0xa0 + i : 0);
		k.keys[1].secret[i] = (uint8_t)(0xff - i);
	}
	mkpair(sv, 0);
	before = count_fds();
	ck_assert_int_eq(channel_send(sv[0], MSG_CONF_KEYS, &k, sizeof(k), -1), 0);
	ck_assert_int_eq(channel_recv(sv[1], TO_WORKER, &msg, why,
	    sizeof(why)), 1);
	ck_assert_uint_eq(msg.hdr.type, MSG_CONF_KEYS);
	ck_assert_uint_eq(msg.hdr.len, sizeof(k));
	ck_assert_int_eq(msg.fd, -1);
	memcpy(&got, msg.data, sizeof(got));
	ck_assert_mem_eq(&got, &k, sizeof(k));
	ck_assert_uint_eq(got.keys[0].id, 2);
	ck_assert_uint_eq(got.keys[1].secret[63], 0xff - 63);
	ck_assert_int_eq(count_fds(), before);
	/* A second one (a reload) is just another message. */
	k.nkeys = 1;
	ck_assert_int_eq(channel_send(sv[0], MSG_CONF_KEYS, &k, sizeof(k), -1), 0);
	ck_assert_int_eq(channel_recv(sv[1], TO_WORKER, &msg, why,
	    sizeof(why)), 1);
	memcpy(&got, msg.data, sizeof(got));
	ck_assert_uint_eq(got.nkeys, 1);
	/* Wrong length, an fd, or the wrong direction: refused. */
	ck_assert_int_eq(channel_send(sv[0], MSG_CONF_KEYS, &k, sizeof(k) - 1,
	    -1), 0);
	expect_reject(sv[1], TO_WORKER, EPROTO, "MSG_CONF_KEYS: length 155,"
	    " expected 156");
	ck_assert_int_eq(channel_send(sv[0], MSG_CONF_KEYS, &k, 0, -1), 0);
	expect_reject(sv[1], TO_WORKER, EPROTO, "MSG_CONF_KEYS: length 0");
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(channel_send(sv[0], MSG_CONF_KEYS, &k, sizeof(k), p[0]),
	    0);
	expect_reject(sv[1], TO_WORKER, EPROTO,
	    "MSG_CONF_KEYS: unexpected file descriptor");
	ck_assert_int_eq(channel_send(sv[0], MSG_CONF_KEYS, &k, sizeof(k), -1), 0);
	expect_reject(sv[1], TO_HELPER, EPROTO,
	    "(MSG_CONF_KEYS) not allowed to the helper");
	close(p[0]);
	close(p[1]);
	ck_assert_int_eq(count_fds(), before);
	explicit_bzero(&k, sizeof(k));
	explicit_bzero(&got, sizeof(got));
	closepair(sv);
}
END_TEST

/* Every allowed message in its direction: bytes intact, fd usable. */
START_TEST(test_roundtrip_all)
{
	struct channel_msg	 msg;
	uint8_t			 payload[PROTO_MSG_MAX];
	char			 why[WHY_MAX], c;
	size_t			 i, j;
	int			 sv[2], p[2], before, fd;

	for (i = 0; i < NEXPECT; i++) {
		mkpair(sv, 0);
		for (j = 0; j < expect_rules[i].len; j++)
			payload[j] = (uint8_t)(i * 31 + j * 7 + 1);
		/* Strings already terminated, so every byte must survive. */
		if (expect_rules[i].type == MSG_LOG)
			payload[sizeof(struct msg_log) - 1] = '\0';
		if (expect_rules[i].type == MSG_CONF_SLOT)
			payload[offsetof(struct msg_conf_slot,
			    ifname) + 15] = '\0';
		fd = -1;
		if (expect_rules[i].has_fd) {
			ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
			fd = p[1];
		}
		ck_assert_int_eq(channel_send(sv[0], expect_rules[i].type,
		    payload, expect_rules[i].len, fd), 0);
		if (fd != -1)
			close(fd);	/* the sender's copy */
		before = count_fds();
		ck_assert_int_eq(channel_recv(sv[1], expect_rules[i].dir, &msg,
		    why, sizeof(why)), 1);
		ck_assert_str_eq(why, "");
		ck_assert_uint_eq(msg.hdr.type, expect_rules[i].type);
		ck_assert_uint_eq(msg.hdr.len, expect_rules[i].len);
		ck_assert_mem_eq(msg.data, payload, expect_rules[i].len);
		if (expect_rules[i].has_fd) {
			ck_assert_int_ne(msg.fd, -1);
			ck_assert_int_eq(count_fds(), before + 1);
			ck_assert(fcntl(msg.fd, F_GETFD) & FD_CLOEXEC);
			ck_assert_int_eq(write(msg.fd, "z", 1), 1);
			close(msg.fd);
			ck_assert_int_eq(read(p[0], &c, 1), 1);
			ck_assert_int_eq(c, 'z');
			close(p[0]);
		} else {
			ck_assert_int_eq(msg.fd, -1);
			ck_assert_int_eq(count_fds(), before);
		}
		closepair(sv);
	}
}
END_TEST

/* The receiver terminates fixed-size strings the peer left open. */
START_TEST(test_terminate)
{
	struct channel_msg	 msg;
	struct msg_log		 lg;
	struct msg_conf_slot	 slot;
	char			 why[WHY_MAX];
	int			 sv[2], p[2];

	mkpair(sv, 0);
	memset(&lg, 'A', sizeof(lg));
	ck_assert_int_eq(channel_send(sv[0], MSG_LOG, &lg, sizeof(lg), -1), 0);
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
	    sizeof(why)), 1);
	memcpy(&lg, msg.data, sizeof(lg));
	ck_assert_uint_eq(strlen(lg.text), LOG_LINE_MAX - 1);

	memset(&slot, 'B', sizeof(slot));
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(channel_send(sv[0], MSG_CONF_SLOT, &slot,
	    sizeof(slot), p[0]), 0);
	ck_assert_int_eq(channel_recv(sv[1], TO_WORKER, &msg, why,
	    sizeof(why)), 1);
	memcpy(&slot, msg.data, sizeof(slot));
	ck_assert_uint_eq(strlen(slot.ifname), sizeof(slot.ifname) - 1);
	ck_assert_uint_eq(slot.mac[0], 'B');
	close(msg.fd);
	close(p[0]);
	close(p[1]);
	closepair(sv);
}
END_TEST

START_TEST(test_send_limits)
{
	static uint8_t	 big[PROTO_MSG_MAX];
	uint8_t		 buf[PROTO_MSG_MAX + 1];
	int		 sv[2];

	mkpair(sv, 0);
	errno = 0;
	ck_assert_int_eq(channel_send(sv[0], MSG_LOG, big,
	    PROTO_MSG_MAX - sizeof(struct msg_hdr) + 1, -1), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_int_eq(channel_send(sv[0], MSG_LOG, big, SIZE_MAX, -1), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_int_eq(channel_send(sv[0], MSG_LOG, NULL, 4, -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(channel_send(sv[0], MSG_LOG, big, 4, -2), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* The largest message goes out as one datagram of PROTO_MSG_MAX. */
	ck_assert_int_eq(channel_send(sv[0], MSG_LOG, big,
	    PROTO_MSG_MAX - sizeof(struct msg_hdr), -1), 0);
	ck_assert_int_eq(recv(sv[1], buf, sizeof(buf), 0), PROTO_MSG_MAX);
	/* A dead peer is EPIPE, not SIGPIPE (MSG_NOSIGNAL). */
	close(sv[1]);
	ck_assert_int_eq(channel_send(sv[0], MSG_READY, NULL, 0, -1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(sv[0]);
}
END_TEST

/* Messages sent with channel_send that the table refuses. */
START_TEST(test_reject_table)
{
	static const struct {
		uint32_t	 type;
		size_t		 len;
		int		 withfd;
		enum proto_dir	 dir;
		int		 err;
		const char	*why;
	} cases[] = {
		{ 999, 0, 0, TO_HELPER, EPROTO,
		    "message type 999 not allowed to the helper" },
		{ 999, 0, 1, TO_WORKER, EPROTO,
		    "message type 999 not allowed to the worker" },
		{ 0, 0, 0, TO_WORKER, EPROTO, "message type 0 not allowed" },
		{ MSG_CONF_GLOBAL, sizeof(struct msg_conf_global), 0,
		    TO_HELPER, EPROTO,
		    "message type 100 (MSG_CONF_GLOBAL) not allowed to the "
		    "helper" },
		{ MSG_SHUTDOWN, 0, 0, TO_HELPER, EPROTO,
		    "(MSG_SHUTDOWN) not allowed to the helper" },
		{ MSG_MESH_FD, sizeof(struct msg_mesh_fd), 1, TO_HELPER,
		    EPROTO, "(MSG_MESH_FD) not allowed to the helper" },
		{ MSG_READY, 0, 0, TO_WORKER, EPROTO,
		    "(MSG_READY) not allowed to the worker" },
		{ MSG_LOG, sizeof(struct msg_log) - 1, 0, TO_HELPER, EPROTO,
		    "MSG_LOG: length 1027, expected 1028" },
		{ MSG_LOG, sizeof(struct msg_log) + 1, 0, TO_HELPER, EPROTO,
		    "MSG_LOG: length 1029, expected 1028" },
		{ MSG_LOG, 0, 0, TO_HELPER, EPROTO,
		    "MSG_LOG: length 0, expected 1028" },
		{ MSG_LOG, 3, 0, TO_HELPER, EPROTO,
		    "MSG_LOG: length 3, expected 1028" },
		{ MSG_READY, 1, 0, TO_HELPER, EPROTO,
		    "MSG_READY: length 1, expected 0" },
		{ MSG_CONF_SLOT, sizeof(struct msg_conf_slot) - 1, 1,
		    TO_WORKER, EPROTO, "MSG_CONF_SLOT: length" },
		{ MSG_READY, 0, 1, TO_HELPER, EPROTO,
		    "MSG_READY: unexpected file descriptor" },
		{ MSG_LOG, sizeof(struct msg_log), 1, TO_HELPER, EPROTO,
		    "MSG_LOG: unexpected file descriptor" },
		{ MSG_CONF_END, 0, 1, TO_WORKER, EPROTO,
		    "MSG_CONF_END: unexpected file descriptor" },
		{ MSG_CONF_SLOT, sizeof(struct msg_conf_slot), 0, TO_WORKER,
		    EPROTO, "MSG_CONF_SLOT: file descriptor missing" },
		{ MSG_MESH_FD, sizeof(struct msg_mesh_fd), 0, TO_WORKER,
		    EPROTO, "MSG_MESH_FD: file descriptor missing" },
	};
	static uint8_t	 payload[PROTO_MSG_MAX];
	size_t		 i;
	int		 sv[2], p[2], before;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mkpair(sv, 0);
		before = count_fds();
		ck_assert_int_eq(channel_send(sv[0], cases[i].type, payload,
		    cases[i].len, cases[i].withfd ? p[1] : -1), 0);
		expect_reject(sv[1], cases[i].dir, cases[i].err, cases[i].why);
		ck_assert_int_eq(count_fds(), before);
		closepair(sv);
	}
	close(p[0]);
	close(p[1]);
}
END_TEST

/* Malformed datagrams crafted with raw sendmsg. */
START_TEST(test_reject_framing)
{
	static uint8_t	 buf[PROTO_MSG_MAX + 4096];
	int		 sv[2], p[2], before;
	size_t		 n;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	mkpair(sv, 0);
	before = count_fds();

	/* hdr.len larger and smaller than what the datagram holds. */
	n = raw_msg(buf, MSG_LOG, sizeof(struct msg_log),
	    sizeof(struct msg_log) - 1);
	raw_send(sv[0], buf, n, -1, 0, 0);
	expect_reject(sv[1], TO_HELPER, EBADMSG,
	    "header says 1028 payload bytes, datagram has 1027");
	n = raw_msg(buf, MSG_READY, 0, 4);
	raw_send(sv[0], buf, n, p[1], 1, 0);
	expect_reject(sv[1], TO_HELPER, EBADMSG,
	    "header says 0 payload bytes, datagram has 4");
	n = raw_msg(buf, MSG_CONF_SLOT, UINT32_MAX, 0);
	raw_send(sv[0], buf, n, p[1], 1, 0);
	expect_reject(sv[1], TO_WORKER, EBADMSG, "header says 4294967295");

	/* Shorter than a header: with and without an fd. */
	raw_send(sv[0], buf, 5, -1, 0, 0);
	expect_reject(sv[1], TO_HELPER, EBADMSG,
	    "datagram of 5 bytes is shorter than a header");
	raw_send(sv[0], buf, 1, p[1], 1, 0);
	expect_reject(sv[1], TO_WORKER, EBADMSG,
	    "datagram of 1 bytes is shorter than a header");
	raw_send(sv[0], buf, 0, p[1], 1, 0);
	expect_reject(sv[1], TO_WORKER, EBADMSG,
	    "datagram of 0 bytes is shorter than a header");

	/* Oversize: one byte and 4 KiB past PROTO_MSG_MAX, hdr consistent. */
	n = raw_msg(buf, MSG_LOG, PROTO_MSG_MAX + 1 - sizeof(struct msg_hdr),
	    PROTO_MSG_MAX + 1 - sizeof(struct msg_hdr));
	raw_send(sv[0], buf, n, -1, 0, 0);
	expect_reject(sv[1], TO_HELPER, EBADMSG, "oversize datagram");
	n = raw_msg(buf, MSG_CONF_SLOT, sizeof(buf) - sizeof(struct msg_hdr),
	    sizeof(buf) - sizeof(struct msg_hdr));
	raw_send(sv[0], buf, n, p[1], 1, 0);
	expect_reject(sv[1], TO_WORKER, EBADMSG, "oversize datagram");

	ck_assert_int_eq(count_fds(), before);
	/* The channel is still in sync: the next good message gets through. */
	ck_assert_int_eq(channel_send(sv[0], MSG_READY, NULL, 0, -1), 0);
	{
		struct channel_msg	 msg;
		char			 why[WHY_MAX];

		ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
		    sizeof(why)), 1);
		ck_assert_uint_eq(msg.hdr.type, MSG_READY);
	}
	closepair(sv);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* More than one fd, split over cmsgs or not, and too many to fit. */
START_TEST(test_reject_fds)
{
	static uint8_t	 buf[PROTO_MSG_MAX];
	int		 sv[2], p[2], before;
	size_t		 n;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	mkpair(sv, 0);
	before = count_fds();
	n = raw_msg(buf, MSG_CONF_SLOT, sizeof(struct msg_conf_slot),
	    sizeof(struct msg_conf_slot));

	/* Two fds in one SCM_RIGHTS. */
	raw_send(sv[0], buf, n, p[1], 2, 0);
	expect_reject(sv[1], TO_WORKER, EBADMSG,
	    "2 file descriptors in one message");
	ck_assert_int_eq(count_fds(), before);

	/* Two SCM_RIGHTS cmsgs (Linux merges them into one on receipt). */
	raw_send(sv[0], buf, n, p[1], 2, 1);
	expect_reject(sv[1], TO_WORKER, EBADMSG,
	    "2 file descriptors in one message");
	ck_assert_int_eq(count_fds(), before);

	/* Ten fds fit the receive buffer; every one is closed. */
	raw_send(sv[0], buf, n, p[1], 10, 0);
	expect_reject(sv[1], TO_WORKER, EBADMSG,
	    "10 file descriptors in one message");
	ck_assert_int_eq(count_fds(), before);

	/* More fds than the control buffer holds: MSG_CTRUNC. */
	raw_send(sv[0], buf, n, p[1], MANY_FDS, 0);
	expect_reject(sv[1], TO_WORKER, EBADMSG, "truncated control data");
	ck_assert_int_eq(count_fds(), before);
	n = raw_msg(buf, 999, 3, 3);
	raw_send(sv[0], buf, n, p[1], MANY_FDS, 0);
	expect_reject(sv[1], TO_HELPER, EBADMSG, "truncated control data");
	ck_assert_int_eq(count_fds(), before);

	closepair(sv);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* SCM_CREDENTIALS (receiver set SO_PASSCRED) alone and beside an fd. */
START_TEST(test_reject_creds)
{
	struct msg_conf_slot	 slot;
	int			 sv[2], p[2], on = 1, before;

	memset(&slot, 0, sizeof(slot));
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	mkpair(sv, 0);
	ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on,
	    sizeof(on)), 0);
	before = count_fds();

	ck_assert_int_eq(channel_send(sv[0], MSG_READY, NULL, 0, -1), 0);
	expect_reject(sv[1], TO_HELPER, EBADMSG,
	    "unexpected control message (level 1, type 2)");
	/* Two cmsgs of different kinds: the fd one is closed as well. */
	ck_assert_int_eq(channel_send(sv[0], MSG_CONF_SLOT, &slot,
	    sizeof(slot), p[1]), 0);
	expect_reject(sv[1], TO_WORKER, EBADMSG,
	    "unexpected control message (level 1, type 2)");
	ck_assert_int_eq(count_fds(), before);

	closepair(sv);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_eof)
{
	struct channel_msg	 msg;
	char			 why[WHY_MAX];
	int			 sv[2];

	mkpair(sv, 0);
	ck_assert_int_eq(channel_send(sv[0], MSG_READY, NULL, 0, -1), 0);
	close(sv[0]);
	/* Queued messages are still delivered, then EOF, and EOF again. */
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
	    sizeof(why)), 1);
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(msg.fd, -1);
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
	    sizeof(why)), 0);
	close(sv[1]);
}
END_TEST

/*
 * A zero-length datagram without control data cannot be told from EOF on
 * AF_UNIX SEQPACKET (recvmsg returns 0 for both): reported as EOF.
 */
START_TEST(test_zero_length)
{
	struct channel_msg	 msg;
	char			 why[WHY_MAX];
	int			 sv[2];

	mkpair(sv, 0);
	raw_send(sv[0], "", 0, -1, 0, 0);
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
	    sizeof(why)), 0);
	closepair(sv);
}
END_TEST

START_TEST(test_eagain)
{
	struct channel_msg	 msg;
	char			 why[WHY_MAX] = "junk";
	int			 sv[2];

	mkpair(sv, SOCK_NONBLOCK);
	errno = 0;
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
	    sizeof(why)), -1);
	ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
	ck_assert_str_eq(why, "");
	ck_assert_int_eq(msg.fd, -1);
	closepair(sv);
}
END_TEST

static void
alarm_cb(int sig)
{
	(void)sig;
}

START_TEST(test_eintr)
{
	struct channel_msg	 msg;
	struct sigaction	 sa;
	struct itimerval	 it;
	char			 why[WHY_MAX] = "junk";
	int			 sv[2];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_cb;	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 50000;
	mkpair(sv, 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	errno = 0;
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
	    sizeof(why)), -1);
	ck_assert_int_eq(errno, EINTR);
	ck_assert_str_eq(why, "");
	closepair(sv);
}
END_TEST

/* A short or missing why buffer is fine. */
START_TEST(test_why_short)
{
	struct channel_msg	 msg;
	char			 why[8];
	int			 sv[2];

	mkpair(sv, 0);
	ck_assert_int_eq(channel_send(sv[0], 999, NULL, 0, -1), 0);
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, why,
	    sizeof(why)), -1);
	ck_assert_str_eq(why, "message");
	ck_assert_int_eq(channel_send(sv[0], 999, NULL, 0, -1), 0);
	ck_assert_int_eq(channel_recv(sv[1], TO_HELPER, &msg, NULL, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	closepair(sv);
}
END_TEST

static uint64_t
rnd(uint64_t *s)
{
	/* xorshift64: reproducible, no libc state. */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Pick a header and length for one fuzz datagram; returns its size. */
static size_t
fuzz_msg(uint64_t *s, uint8_t *buf, size_t bufsz)
{
	struct msg_hdr	 hdr;
	size_t		 i, n;
	uint32_t	 r = (uint32_t)rnd(s);

	n = rnd(s) % bufsz;
	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)rnd(s);
	if (n < sizeof(hdr) || r % 4 == 0)
		return n;	/* fully random bytes */
	hdr.type = (uint32_t)rnd(s);
	if (r % 4 != 1)		/* mostly a real type */
		hdr.type = expect_rules[rnd(s) % NEXPECT].type;
	hdr.len = (uint32_t)rnd(s);
	if (r % 8 >= 2)		/* mostly a consistent length */
		hdr.len = (uint32_t)(n - sizeof(hdr));
	if (r % 16 >= 9) {	/* often exactly a rule's size */
		hdr.len = expect_rules[rnd(s) % NEXPECT].len;
		n = sizeof(hdr) + hdr.len;
	}
	memcpy(buf, &hdr, sizeof(hdr));
	return n;
}

START_TEST(test_fuzz)
{
	static uint8_t			 buf[PROTO_MSG_MAX + 17];
	const struct proto_rule		*rule;
	struct channel_msg		 msg;
	char				 why[WHY_MAX];
	uint64_t			 s = 0x5eed5a17c0ffee01ULL;
	unsigned int			 i, ok = 0, bad = 0, eof = 0;
	int				 sv[2], p[2], before, nfds, r, dir;
	size_t				 n;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	mkpair(sv, 0);
	before = count_fds();
	for (i = 0; i < 20000; i++) {
		n = fuzz_msg(&s, buf, sizeof(buf));
		nfds = (int)(rnd(&s) % 8);
		nfds = nfds < 4 ? 0 : nfds < 7 ? 1 : 2;
		raw_send(sv[0], buf, n, p[1], nfds, nfds == 2 &&
		    rnd(&s) % 2);
		dir = (int)(rnd(&s) % 2);
		why[0] = '\0';
		r = channel_recv(sv[1], dir, &msg, why, sizeof(why));
		if (r == 1) {
			rule = proto_rule_find(msg.hdr.type, dir);
			ck_assert_ptr_nonnull(rule);
			ck_assert_uint_eq(msg.hdr.len, rule->len);
			ck_assert_uint_eq(n, sizeof(struct msg_hdr) +
			    rule->len);
			ck_assert_int_eq(nfds, rule->has_fd);
			ck_assert_int_eq(msg.fd != -1, rule->has_fd);
			if (msg.fd != -1)
				close(msg.fd);
			ok++;
		} else if (r == 0) {
			ck_assert_uint_eq(n, 0);
			ck_assert_int_eq(nfds, 0);
			eof++;
		} else {
			ck_assert(errno == EBADMSG || errno == EPROTO);
			ck_assert(why[0] != '\0');
			ck_assert_int_eq(msg.fd, -1);
			bad++;
		}
	}
	ck_assert_int_eq(count_fds(), before);
	ck_assert_uint_eq(ok + bad + eof, 20000);
	ck_assert_uint_gt(ok, 200);
	ck_assert_uint_gt(bad, 10000);
	if (getenv("CHECK_CHANNEL_VERBOSE") != NULL)
		fprintf(stderr, "fuzz: 20000 datagrams, %u accepted, "
		    "%u rejected, %u zero-length\n", ok, bad, eof);
	closepair(sv);
	close(p[0]);
	close(p[1]);
}
END_TEST

static Suite *
channel_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("channel");
	tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_roundtrip_all);
	tcase_add_test(tc, test_conf_keys);
	tcase_add_test(tc, test_terminate);
	tcase_add_test(tc, test_send_limits);
	tcase_add_test(tc, test_reject_table);
	tcase_add_test(tc, test_reject_framing);
	tcase_add_test(tc, test_reject_fds);
	tcase_add_test(tc, test_reject_creds);
	tcase_add_test(tc, test_eof);
	tcase_add_test(tc, test_zero_length);
	tcase_add_test(tc, test_eagain);
	tcase_add_test(tc, test_eintr);
	tcase_add_test(tc, test_why_short);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 nfailed;

	sr = srunner_create(channel_suite());
	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
