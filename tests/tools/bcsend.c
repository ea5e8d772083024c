/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Test tool: send COUNT numbered UDP datagrams (broadcast allowed) to
 * ADDR:PORT, optionally paced and from a fixed source port, and optionally
 * collect the unicast replies that come back to the same socket.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "toolutil.h"

/*
 * Test payload, shared by bcsend, udprecv, udpreply and meshsend:
 * magic[4] "SRT1" (request) or "SRR1" (reply), seq (u32 BE),
 * CLOCK_MONOTONIC ns (u64 BE), total payload size (u32 BE), then
 * pattern bytes (i * 31 + seq) so a cut or altered payload is visible.
 */
#define PL_MAX		65507
#define COUNT_MAX	10000000UL
#define REPLY_MAX	100000UL

static void
usage(void)
{
	fprintf(stderr, "usage: bcsend [-q] [-b addr] [-i first-seq] [-p src-port] "
	    "[-r rate] [-s size]\n"
	    "              [-T max-seconds] [-W max-replies] [-w reply-seconds] "
	    "addr port count\n");
	exit(2);
}

static void
print_addr(const char *what, const struct sockaddr_in *sin)
{
	char	 a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
	printf("%s%s:%u", what, a, ntohs(sin->sin_port));
}

/* Sleep until the deadline (absolute CLOCK_MONOTONIC ns). */
static void
sleep_until(uint64_t t)
{
	struct timespec	 ts;

	ts.tv_sec = (time_t)(t / 1000000000ULL);
	ts.tv_nsec = (long)(t % 1000000000ULL);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR &&
	    !tool_stop)
		;
}

/* Receive unicast replies until the deadline or max replies. */
static unsigned long
collect_replies(int s, uint64_t deadline, unsigned long max, int quiet)
{
	static uint8_t		 buf[PL_MAX + 1];
	struct sockaddr_in	 from;
	struct pollfd		 pfd;
	socklen_t		 fl;
	unsigned long		 n = 0;
	uint64_t		 t;
	ssize_t			 r;

	pfd.fd = s;
	pfd.events = POLLIN;
	while (!tool_stop && n < max && (t = tool_now_ns()) < deadline) {
		if (poll(&pfd, 1, (int)((deadline - t) / 1000000ULL) + 1) <= 0)
			continue;
		fl = sizeof(from);
		r = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);
		if (r < 0)
			continue;
		n++;
		if (quiet)
			continue;
		print_addr("reply from ", &from);
		if (r >= TOOL_PL_HDR && memcmp(buf, "SRR1", 4) == 0)
			printf(" len %zd seq %u\n", r, tool_get32(buf + 4));
		else
			printf(" len %zd seq -1\n", r);
	}
	printf("replies %lu\n", n);
	return n;
}

struct args {
	const char		*bindaddr;	/* -b, or NULL */
	const char		*dstname;
	struct sockaddr_in	 dst;
	unsigned long		 sport, size, rate, first, maxsecs;
	unsigned long		 waitsecs, maxreplies, count;
	int			 quiet;
};

/* Parse the command line into a, or exit 2 with a message. */
static void
parse_args(int argc, char *argv[], struct args *a)
{
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->size = 64;
	a->maxsecs = 60;
	a->maxreplies = REPLY_MAX;
	while ((ch = getopt(argc, argv, "b:i:p:qr:s:T:W:w:")) != -1) {
		switch (ch) {
		case 'b':
			a->bindaddr = optarg;
			break;
		case 'i':
			a->first = tool_number(optarg, 0, UINT32_MAX, "-i");
			break;
		case 'p':
			a->sport = tool_number(optarg, 1, 65535, "-p");
			break;
		case 'q':
			a->quiet = 1;
			break;
		case 'r':
			a->rate = tool_number(optarg, 0, 10000000, "-r");
			break;
		case 's':
			a->size = tool_number(optarg, TOOL_PL_HDR, PL_MAX, "-s");
			break;
		case 'T':
			a->maxsecs = tool_number(optarg, 1, 3600, "-T");
			break;
		case 'W':
			a->maxreplies = tool_number(optarg, 1, REPLY_MAX, "-W");
			break;
		case 'w':
			a->waitsecs = tool_number(optarg, 0, 3600, "-w");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	a->dstname = argv[0];
	a->dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[0], &a->dst.sin_addr) != 1) {
		fprintf(stderr, "bcsend: %s: not an IPv4 address\n", argv[0]);
		exit(2);
	}
	a->dst.sin_port = htons((uint16_t)tool_number(argv[1], 1, 65535, "port"));
	a->count = tool_number(argv[2], 1, COUNT_MAX, "count");
}

int
main(int argc, char *argv[])
{
	static uint8_t		 buf[PL_MAX];
	struct args		 a;
	struct sockaddr_in	 self;
	socklen_t		 sl;
	unsigned long		 i, sent = 0, errors = 0;
	uint64_t		 start, deadline;
	int			 s, lasterr = 0;

	parse_args(argc, argv, &a);
	signal(SIGTERM, tool_stop_cb);
	signal(SIGINT, tool_stop_cb);
	setvbuf(stdout, NULL, _IOLBF, 0);
	s = tool_udp_socket(a.bindaddr, "-b", (uint16_t)a.sport,
	    TOOL_UDP_BROADCAST);

	start = tool_now_ns();
	deadline = start + a.maxsecs * 1000000000ULL;
	for (i = 0; i < a.count && !tool_stop && tool_now_ns() < deadline; i++) {
		/* Pace against the start time so the average rate is exact. */
		if (a.rate > 0)
			sleep_until(start + i * 1000000000ULL / a.rate);
		tool_payload_fill(buf, a.size, (uint32_t)(a.first + i));
		if (sendto(s, buf, a.size, 0, (struct sockaddr *)&a.dst,
		    sizeof(a.dst)) == -1) {
			errors++;
			if (errno != lasterr)
				fprintf(stderr, "bcsend: sendto %s: %s\n",
				    a.dstname, strerror(errno));
			lasterr = errno;
			continue;
		}
		sent++;
		if (a.quiet)
			continue;
		sl = sizeof(self);
		getsockname(s, (struct sockaddr *)&self, &sl);
		printf("sent seq %lu len %lu sum %08x", a.first + i, a.size,
		    tool_fnv1a(buf, a.size));
		print_addr(" to ", &a.dst);
		print_addr(" from ", &self);
		printf("\n");
	}
	printf("sent %lu errors %lu\n", sent, errors);
	if (a.waitsecs > 0)
		collect_replies(s, tool_now_ns() + a.waitsecs * 1000000000ULL,
		    a.maxreplies, a.quiet);
	close(s);
	return sent > 0 ? 0 : 1;
}
