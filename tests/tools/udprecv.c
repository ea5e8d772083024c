/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Test tool: receive UDP datagrams (broadcast included) on a port for a
 * bounded time or count, print one line per datagram with its source, IP
 * destination and payload checks, then a summary with duplicate counts.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "toolutil.h"

/* The test payload; see bcsend.c for the layout. */
#define PL_MAX		65535
#define COUNT_MAX	1000000UL
#define SEEN_SIZE	(1U << 18)	/* open-addressing table, power of 2 */
#define SEEN_FILL	(SEEN_SIZE / 2)

struct seen {
	uint32_t	 addr;
	uint32_t	 seq;
	uint16_t	 port;
	uint8_t		 used;
};

static struct seen		 seen[SEEN_SIZE];
static unsigned long		 nseen;

static void
usage(void)
{
	fprintf(stderr, "usage: udprecv [-qr] [-B addr] [-n count] [-s size] "
	    "[-t seconds] port\n");
	exit(2);
}

/*
 * Check a test payload; returns NULL if it is intact, else why not.
 * expect is the required size, 0 for any.
 */
static const char *
payload_check(const uint8_t *p, size_t len, size_t expect)
{
	size_t	 i;

	if (len < TOOL_PL_HDR)
		return "short";
	if (memcmp(p, "SRT1", 4) != 0 && memcmp(p, "SRR1", 4) != 0)
		return "bad_magic";
	if (tool_get32(p + 16) != len)
		return "size_mismatch";
	if (expect != 0 && len != expect)
		return "unexpected_size";
	for (i = TOOL_PL_HDR; i < len; i++)
		if (p[i] != (uint8_t)(i * 31 + tool_get32(p + 4)))
			return "content";
	return NULL;
}

/* Record (addr, port, seq); 1 if it was seen before, 0 if new, -1 if full. */
static int
seen_add(uint32_t addr, uint16_t port, uint32_t seq)
{
	uint32_t	 h;
	unsigned int	 i;

	h = (addr * 2654435761U) ^ (port * 40503U) ^ (seq * 2246822519U);
	for (i = 0; i < SEEN_SIZE; i++) {
		struct seen *e = &seen[(h + i) & (SEEN_SIZE - 1)];

		if (!e->used) {
			if (nseen >= SEEN_FILL)
				return -1;
			e->used = 1;
			e->addr = addr;
			e->port = port;
			e->seq = seq;
			nseen++;
			return 0;
		}
		if (e->addr == addr && e->port == port && e->seq == seq)
			return 1;
	}
	return -1;
}

/* Send a small unicast reply carrying the request's sequence number. */
static void
reply(int s, const struct sockaddr_in *to, uint32_t seq)
{
	uint8_t		 r[64];
	uint64_t	 ts = tool_now_ns();
	size_t		 i;

	memcpy(r, "SRR1", 4);
	tool_put32(r + 4, seq);
	tool_put32(r + 8, (uint32_t)(ts >> 32));
	tool_put32(r + 12, (uint32_t)ts);
	tool_put32(r + 16, sizeof(r));
	for (i = TOOL_PL_HDR; i < sizeof(r); i++)
		r[i] = (uint8_t)(i * 31 + seq);
	if (sendto(s, r, sizeof(r), 0, (const struct sockaddr *)to,
	    sizeof(*to)) == -1)
		fprintf(stderr, "udprecv: reply: %s\n", strerror(errno));
}

struct stats {
	unsigned long	 received;
	unsigned long	 unique;
	unsigned long	 dups;
	unsigned long	 bad;
};

/* Receive one datagram, print it, update st. */
static void
receive_one(int s, int quiet, int do_reply, size_t expect, struct stats *st)
{
	static uint8_t		 buf[PL_MAX + 1];
	char			 cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	char			 src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN] = "?";
	struct sockaddr_in	 from;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cm;
	const char		*why;
	uint64_t		 lat = 0;
	ssize_t			 r;
	long long		 seq = -1;
	int			 dup = 0;

	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	if ((r = recvmsg(s, &msg, MSG_DONTWAIT | MSG_TRUNC)) < 0)
		return;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		struct in_pktinfo pi;

		if (cm->cmsg_level != IPPROTO_IP || cm->cmsg_type != IP_PKTINFO)
			continue;
		memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
		inet_ntop(AF_INET, &pi.ipi_addr, dst, sizeof(dst));
	}
	inet_ntop(AF_INET, &from.sin_addr, src, sizeof(src));
	st->received++;
	if ((size_t)r > sizeof(buf))
		why = "truncated";
	else
		why = payload_check(buf, (size_t)r, expect);
	if (why == NULL) {
		seq = tool_get32(buf + 4);
		lat = tool_now_ns() - ((uint64_t)tool_get32(buf + 8) << 32 | tool_get32(buf + 12));
		dup = seen_add(from.sin_addr.s_addr, from.sin_port, (uint32_t)seq);
		if (dup == 1)
			st->dups++;
		else
			st->unique++;
	} else
		st->bad++;
	if (!quiet) {
		printf("from %s:%u len %zd seq %lld to %s sum %08x lat_us %llu%s%s%s\n",
		    src, ntohs(from.sin_port), r, seq, dst,
		    tool_fnv1a(buf, (size_t)r > sizeof(buf) ? sizeof(buf) : (size_t)r),
		    (unsigned long long)(lat / 1000), dup == 1 ? " duplicate" : "",
		    why != NULL ? " bad " : "", why != NULL ? why : "");
	}
	if (do_reply && why == NULL)
		reply(s, &from, (uint32_t)seq);
}

int
main(int argc, char *argv[])
{
	struct pollfd	 pfd;
	struct stats	 st;
	const char	*bindaddr = "0.0.0.0";
	unsigned long	 count = COUNT_MAX, secs = 10, expect = 0, port;
	uint64_t	 deadline, t;
	int		 ch, s, quiet = 0, do_reply = 0;

	while ((ch = getopt(argc, argv, "B:n:qrs:t:")) != -1) {
		switch (ch) {
		case 'B':
			bindaddr = optarg;
			break;
		case 'n':
			count = tool_number(optarg, 1, COUNT_MAX, "-n");
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			do_reply = 1;
			break;
		case 's':
			expect = tool_number(optarg, TOOL_PL_HDR, PL_MAX, "-s");
			break;
		case 't':
			secs = tool_number(optarg, 1, 3600, "-t");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	port = tool_number(argv[0], 1, 65535, "port");

	signal(SIGTERM, tool_stop_cb);
	signal(SIGINT, tool_stop_cb);
	setvbuf(stdout, NULL, _IOLBF, 0);
	s = tool_udp_socket(bindaddr, "-B", (uint16_t)port,
	    TOOL_UDP_BROADCAST | TOOL_UDP_PKTINFO);
	printf("listening on %s:%lu\n", bindaddr, port);

	memset(&st, 0, sizeof(st));
	pfd.fd = s;
	pfd.events = POLLIN;
	deadline = tool_now_ns() + secs * 1000000000ULL;
	while (!tool_stop && st.received < count && (t = tool_now_ns()) < deadline) {
		if (poll(&pfd, 1, (int)((deadline - t) / 1000000ULL) + 1) <= 0)
			continue;
		receive_one(s, quiet, do_reply, expect, &st);
	}
	printf("received %lu unique %lu duplicates %lu bad %lu\n",
	    st.received, st.unique, st.dups, st.bad);
	close(s);
	return 0;
}
