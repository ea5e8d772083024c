/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Test tool, a stand-in PVA server: wait for search datagrams on a port
 * (broadcast included) and answer each with a unicast reply to its source
 * IP:port, like a PVA server answering a search. Exits after N requests.
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
#define REPLY_LEN	64

static void
usage(void)
{
	fprintf(stderr, "usage: udpreply [-n requests] [-t seconds] port\n");
	exit(2);
}

/* Read one request and answer it; 1 if answered, 0 if not. */
static int
answer(int s)
{
	uint8_t			 buf[2048], r[REPLY_LEN];
	char			 a[INET_ADDRSTRLEN];
	struct sockaddr_in	 from;
	socklen_t		 fl = sizeof(from);
	uint64_t		 ts;
	uint32_t		 seq = 0;
	ssize_t			 n;
	size_t			 i;

	if ((n = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fl)) < 0)
		return 0;
	inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a));
	if (n >= TOOL_PL_HDR && memcmp(buf, "SRT1", 4) == 0)
		seq = tool_get32(buf + 4);
	printf("request from %s:%u len %zd seq %u\n", a, ntohs(from.sin_port),
	    n, seq);
	ts = tool_now_ns();
	memcpy(r, "SRR1", 4);
	tool_put32(r + 4, seq);
	tool_put32(r + 8, (uint32_t)(ts >> 32));
	tool_put32(r + 12, (uint32_t)ts);
	tool_put32(r + 16, sizeof(r));
	for (i = TOOL_PL_HDR; i < sizeof(r); i++)
		r[i] = (uint8_t)(i * 31 + seq);
	if (sendto(s, r, sizeof(r), 0, (struct sockaddr *)&from,
	    sizeof(from)) == -1) {
		printf("reply to %s:%u failed: %s\n", a, ntohs(from.sin_port),
		    strerror(errno));
		return 0;
	}
	printf("replied to %s:%u seq %u\n", a, ntohs(from.sin_port), seq);
	return 1;
}

int
main(int argc, char *argv[])
{
	struct pollfd	 pfd;
	unsigned long	 want = 1, secs = 10, port, done = 0, seen = 0;
	uint64_t	 deadline, t;
	int		 ch, s;

	while ((ch = getopt(argc, argv, "n:t:")) != -1) {
		switch (ch) {
		case 'n':
			want = tool_number(optarg, 1, 100000, "-n");
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
	s = tool_udp_socket(NULL, NULL, (uint16_t)port, TOOL_UDP_BROADCAST);
	printf("listening on 0.0.0.0:%lu\n", port);
	pfd.fd = s;
	pfd.events = POLLIN;
	deadline = tool_now_ns() + secs * 1000000000ULL;
	/* seen bounds the loop even if every reply fails. */
	while (!tool_stop && done < want && seen < want * 4 &&
	    (t = tool_now_ns()) < deadline) {
		if (poll(&pfd, 1, (int)((deadline - t) / 1000000ULL) + 1) <= 0)
			continue;
		seen++;
		done += (unsigned long)answer(s);
	}
	printf("answered %lu\n", done);
	close(s);
	return done >= want ? 0 : 1;
}
