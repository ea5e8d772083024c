/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Test tool: re-send the UDP payloads to one port found in a classic pcap
 * file (tcpdump -w) to HOST:PORT over a normal UDP socket; run it in the
 * original sender's namespace so the source address is the original one.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "toolutil.h"

#define PCAP_MAGIC_US	0xa1b2c3d4U	/* microsecond timestamps */
#define PCAP_MAGIC_NS	0xa1b23c4dU	/* nanosecond timestamps */
#define PCAP_GHDR	24
#define PCAP_RHDR	16
#define LINK_ETHERNET	1
#define LINK_SLL	113		/* tcpdump -i any */
#define LINK_SLL2	276
#define REC_MAX		262144		/* largest record we accept */
#define COUNT_MAX	10000000UL

struct pcap {
	FILE		*f;
	const char	*path;
	int		 swap;		/* file byte order differs from ours */
	int		 nsec;
	uint32_t	 linktype;
};

struct args {
	const char		*path;
	const char		*bindaddr;
	const char		*hostname;
	struct sockaddr_in	 to;
	int			 have_src;
	struct in_addr		 src;	/* -s: only datagrams from here */
	uint16_t		 dport;	/* -P: only datagrams to this port */
	unsigned long		 max, rate, maxsecs;
	int			 verbose;
};

struct stats {
	unsigned long	 records, selected, sent, errors, skipped;
};

static void
usage(void)
{
	fprintf(stderr, "usage: pcapreplay [-v] [-b bind-addr] [-n max] "
	    "[-P dst-port] [-r rate] [-s src-addr]\n"
	    "                  [-T max-seconds] file.pcap host port\n"
	    "  -P: select UDP datagrams to this port (default 7124)\n");
	exit(2);
}

/* A 32-bit field of the pcap headers, in the file's byte order. */
static uint32_t
pget32(const struct pcap *pc, const uint8_t *p)
{
	uint32_t	 v;

	memcpy(&v, p, 4);
	if (pc->swap)
		v = __builtin_bswap32(v);
	return v;
}

/* Open path and read its global header, or exit 1 with a message. */
static void
pcap_open(struct pcap *pc, const char *path)
{
	uint8_t		 h[PCAP_GHDR];
	uint32_t	 magic;

	memset(pc, 0, sizeof(*pc));
	pc->path = path;
	if ((pc->f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "pcapreplay: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (fread(h, 1, sizeof(h), pc->f) != sizeof(h)) {
		fprintf(stderr, "pcapreplay: %s: no pcap header\n", path);
		exit(1);
	}
	memcpy(&magic, h, 4);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS)
		pc->swap = 0;
	else if (__builtin_bswap32(magic) == PCAP_MAGIC_US ||
	    __builtin_bswap32(magic) == PCAP_MAGIC_NS)
		pc->swap = 1;
	else {
		fprintf(stderr, "pcapreplay: %s: not a classic pcap file "
		    "(magic %08x; pcapng is not supported)\n", path, magic);
		exit(1);
	}
	pc->nsec = pget32(pc, h) == PCAP_MAGIC_NS;
	pc->linktype = pget32(pc, h + 20) & 0x0fffffff;
	if (pc->linktype != LINK_ETHERNET && pc->linktype != LINK_SLL &&
	    pc->linktype != LINK_SLL2) {
		fprintf(stderr, "pcapreplay: %s: link type %u not supported "
		    "(Ethernet, Linux SLL, SLL2 only)\n", path, pc->linktype);
		exit(1);
	}
}

/* Read the next record into buf; its captured length, 0 at the end, -1 if bad. */
static long
pcap_next(struct pcap *pc, uint8_t *buf, size_t buflen)
{
	uint8_t		 h[PCAP_RHDR];
	uint32_t	 incl;
	size_t		 n;

	n = fread(h, 1, sizeof(h), pc->f);
	if (n == 0)
		return 0;
	if (n != sizeof(h)) {
		fprintf(stderr, "pcapreplay: %s: truncated record header\n", pc->path);
		return -1;
	}
	incl = pget32(pc, h + 8);
	if (incl > buflen || incl > REC_MAX) {
		fprintf(stderr, "pcapreplay: %s: record of %u bytes is too big\n",
		    pc->path, incl);
		return -1;
	}
	if (fread(buf, 1, incl, pc->f) != incl) {
		fprintf(stderr, "pcapreplay: %s: truncated record\n", pc->path);
		return -1;
	}
	return (long)incl;
}

/* Where the IPv4 packet starts in a record, or NULL if it carries none. */
static const uint8_t *
l3_start(const struct pcap *pc, const uint8_t *r, size_t len, size_t *l3len)
{
	size_t		 off;
	uint16_t	 type;

	switch (pc->linktype) {
	case LINK_ETHERNET:
		if (len < 14)
			return NULL;
		off = 12;
		type = tool_get16(r + off);
		/* Skip 802.1Q / 802.1ad tags. */
		while ((type == 0x8100 || type == 0x88a8) && off + 6 <= len) {
			off += 4;
			type = tool_get16(r + off);
		}
		off += 2;
		break;
	case LINK_SLL:
		if (len < 16)
			return NULL;
		type = tool_get16(r + 14);
		off = 16;
		break;
	default:		/* LINK_SLL2 */
		if (len < 20)
			return NULL;
		type = tool_get16(r);
		off = 20;
		break;
	}
	if (type != 0x0800 || off > len)
		return NULL;
	*l3len = len - off;
	return r + off;
}

/*
 * Find the UDP payload of an unfragmented IPv4 datagram to a->dport (and
 * from a->src if given); NULL if the record is not one.
 */
static const uint8_t *
udp_payload(const struct args *a, const uint8_t *ip, size_t len, size_t *plen)
{
	size_t		 ihl, tot, ulen;

	if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != 17)
		return NULL;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = tool_get16(ip + 2);
	if (ihl < 20 || tot < ihl + 8 || tot > len)
		return NULL;
	if ((tool_get16(ip + 6) & 0x3fff) != 0)	/* MF or an offset: a fragment */
		return NULL;
	if (a->have_src && memcmp(ip + 12, &a->src, 4) != 0)
		return NULL;
	if (tool_get16(ip + ihl + 2) != a->dport)
		return NULL;
	ulen = tool_get16(ip + ihl + 4);
	if (ulen < 8 || ulen > tot - ihl)
		return NULL;
	*plen = ulen - 8;
	return ip + ihl + 8;
}

/* Parse the command line into a, or exit 2 with a message. */
static void
parse_args(int argc, char *argv[], struct args *a)
{
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->dport = 7124;
	a->max = COUNT_MAX;
	a->maxsecs = 60;
	while ((ch = getopt(argc, argv, "b:n:P:r:s:T:v")) != -1) {
		switch (ch) {
		case 'b':
			a->bindaddr = optarg;
			break;
		case 'n':
			a->max = tool_number(optarg, 1, COUNT_MAX, "-n");
			break;
		case 'P':
			a->dport = (uint16_t)tool_number(optarg, 1, 65535, "-P");
			break;
		case 'r':
			a->rate = tool_number(optarg, 0, 10000000, "-r");
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &a->src) != 1) {
				fprintf(stderr, "pcapreplay: -s: %s: not an IPv4 "
				    "address\n", optarg);
				exit(2);
			}
			a->have_src = 1;
			break;
		case 'T':
			a->maxsecs = tool_number(optarg, 1, 3600, "-T");
			break;
		case 'v':
			a->verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	a->path = argv[0];
	a->hostname = argv[1];
	a->to.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[1], &a->to.sin_addr) != 1) {
		fprintf(stderr, "pcapreplay: %s: not an IPv4 address\n", argv[1]);
		exit(2);
	}
	a->to.sin_port = htons((uint16_t)tool_number(argv[2], 1, 65535, "port"));
}

/* Send one selected payload (paced); counts in st. */
static void
replay_one(int s, const struct args *a, const uint8_t *p, size_t len,
    uint64_t start, struct stats *st)
{
	struct timespec	 ts;
	uint64_t	 t;

	if (a->rate > 0) {
		t = start + st->selected * 1000000000ULL / a->rate;
		ts.tv_sec = (time_t)(t / 1000000000ULL);
		ts.tv_nsec = (long)(t % 1000000000ULL);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
		    NULL) == EINTR && !tool_stop)
			;
	}
	st->selected++;
	if (sendto(s, p, len, 0, (const struct sockaddr *)&a->to,
	    sizeof(a->to)) == -1) {
		if (st->errors++ == 0)
			fprintf(stderr, "pcapreplay: sendto %s: %s\n", a->hostname,
			    strerror(errno));
		return;
	}
	st->sent++;
	if (a->verbose)
		printf("replayed %zu bytes (record %lu)\n", len, st->records);
}

int
main(int argc, char *argv[])
{
	static uint8_t	 rec[REC_MAX];
	struct args	 a;
	struct pcap	 pc;
	struct stats	 st;
	const uint8_t	*ip, *p;
	size_t		 iplen, plen;
	uint64_t	 start, deadline;
	long		 n;
	int		 s, bad = 0;

	parse_args(argc, argv, &a);
	signal(SIGTERM, tool_stop_cb);
	signal(SIGINT, tool_stop_cb);
	setvbuf(stdout, NULL, _IOLBF, 0);
	pcap_open(&pc, a.path);
	s = tool_udp_socket(a.bindaddr, "-b", 0, 0);
	memset(&st, 0, sizeof(st));
	start = tool_now_ns();
	deadline = start + a.maxsecs * 1000000000ULL;
	while (!tool_stop && st.selected < a.max && tool_now_ns() < deadline) {
		if ((n = pcap_next(&pc, rec, sizeof(rec))) <= 0) {
			bad = n < 0;
			break;
		}
		st.records++;
		if ((ip = l3_start(&pc, rec, (size_t)n, &iplen)) == NULL ||
		    (p = udp_payload(&a, ip, iplen, &plen)) == NULL) {
			st.skipped++;
			continue;
		}
		replay_one(s, &a, p, plen, start, &st);
	}
	printf("replayed %lu errors %lu skipped %lu records %lu%s\n", st.sent,
	    st.errors, st.skipped, st.records, bad ? " (file damaged)" : "");
	fclose(pc.f);
	close(s);
	return bad ? 1 : 0;
}
