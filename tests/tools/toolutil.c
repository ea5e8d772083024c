/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Small helpers shared by the test traffic tools.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "toolutil.h"

extern char	*program_invocation_short_name;

volatile sig_atomic_t	 tool_stop;

void
tool_stop_cb(int sig)
{
	(void)sig;
	tool_stop = 1;
}

unsigned long
tool_number(const char *s, unsigned long min, unsigned long max, const char *what)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max ||
	    s[0] == '-') {
		fprintf(stderr, "%s: %s: %s: not a number in %lu..%lu\n",
		    program_invocation_short_name, what, s, min, max);
		exit(2);
	}
	return v;
}

uint64_t
tool_now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint16_t
tool_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void
tool_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

uint32_t
tool_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void
tool_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

uint32_t
tool_sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t	 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t
tool_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void
tool_payload_fill(uint8_t *p, size_t size, uint32_t seq)
{
	uint64_t	 ts = tool_now_ns();
	size_t		 i;

	memcpy(p, "SRT1", 4);
	tool_put32(p + 4, seq);
	tool_put32(p + 8, (uint32_t)(ts >> 32));
	tool_put32(p + 12, (uint32_t)ts);
	tool_put32(p + 16, (uint32_t)size);
	for (i = TOOL_PL_HDR; i < size; i++)
		p[i] = (uint8_t)(i * 31 + seq);
}

uint32_t
tool_fnv1a(const uint8_t *p, size_t len)
{
	uint32_t	 h = 2166136261U;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619U;
	}
	return h;
}

int
tool_udp_socket(const char *bindaddr, const char *what, uint16_t port,
    unsigned int flags)
{
	const char		*prog = program_invocation_short_name;
	struct sockaddr_in	 sin;
	int			 s, one = 1;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		exit(1);
	}
	if (((flags & TOOL_UDP_BROADCAST) &&
	    (setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)) ||
	    ((flags & TOOL_UDP_PKTINFO) &&
	    setsockopt(s, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) == -1)) {
		fprintf(stderr, "%s: setsockopt: %s\n", prog, strerror(errno));
		exit(1);
	}
	if (bindaddr == NULL && port == 0)
		return s;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (bindaddr != NULL && inet_pton(AF_INET, bindaddr, &sin.sin_addr) != 1) {
		fprintf(stderr, "%s: %s: %s: not an IPv4 address\n", prog, what,
		    bindaddr);
		exit(2);
	}
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		fprintf(stderr, "%s: bind: %s\n", prog, strerror(errno));
		exit(1);
	}
	return s;
}
