/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Test tool: craft SnowSignal mesh datagrams ("SS" + Ethernet + IPv4 +
 * UDP/TCP/ICMP + test payload, checksums correct) and send them over a
 * normal UDP socket to a relay's mesh port, as a peer (or an impostor) would.
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

#define PL_HDR		20		/* test payload, see bcsend.c */
#define ETH_LEN		14
#define IP_LEN		20
#define UDP_LEN		8
#define TCP_LEN		20
#define ICMP_LEN	8
#define DGRAM_MAX	9300
#define COUNT_MAX	1000000UL

enum proto { P_UDP = 17, P_TCP = 6, P_ICMP = 1 };

struct opts {
	enum proto	 proto;
	struct in_addr	 src, dst;
	uint16_t	 sport, dport, meshport;
	uint8_t		 dmac[6], smac[6];
	int		 bad_magic;
	int		 partial;	/* UDP checksum: pseudo-header sum only */
	size_t		 size;		/* test payload bytes */
	size_t		 cut;		/* send only this many bytes; 0: all */
	/* How to send: */
	const char	*bindaddr;	/* -b, or NULL */
	const char	*relayname;
	struct sockaddr_in relay;
	unsigned long	 count, rate, first, maxsecs;
	int		 quiet;
};

static volatile sig_atomic_t	 stop;

static void
usage(void)
{
	fprintf(stderr, "usage: meshsend [-cMq] [-b bind-addr] [-d inner-dst] "
	    "[-i first-seq] [-L cut-length] [-m dst-mac]\n"
	    "                [-n count] [-P dst-port] [-p udp|tcp|icmp] "
	    "[-r rate] [-S src-port]\n"
	    "                [-s inner-src] [-T max-seconds] [-x mesh-port] "
	    "[-z size] relay\n"
	    "  -c: leave only the pseudo-header sum in the UDP checksum (offload)\n"
	    "  -L: send only the first cut-length bytes of each datagram\n"
	    "  -M: bad magic; -m: broadcast (default), unicast, or xx:xx:xx:xx:xx:xx\n");
	exit(2);
}

static void
stop_cb(int sig)
{
	(void)sig;
	stop = 1;
}

/* Parse a decimal number in [min, max] or exit with a message. */
static unsigned long
number(const char *s, unsigned long min, unsigned long max, const char *what)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max ||
	    s[0] == '-') {
		fprintf(stderr, "meshsend: %s: %s: not a number in %lu..%lu\n",
		    what, s, min, max);
		exit(2);
	}
	return v;
}

static void
addr(const char *s, struct in_addr *a, const char *what)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "meshsend: %s: %s: not an IPv4 address\n", what, s);
		exit(2);
	}
}

static void
mac(const char *s, uint8_t m[6])
{
	static const uint8_t	 ucast[6] = { 0x02, 0x53, 0x52, 0x00, 0x00, 0x01 };
	unsigned int		 b[6];
	int			 i;

	if (strcmp(s, "broadcast") == 0) {
		memset(m, 0xff, 6);
		return;
	}
	if (strcmp(s, "unicast") == 0) {
		memcpy(m, ucast, 6);
		return;
	}
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5]) != 6) {
		fprintf(stderr, "meshsend: -m: %s: not a MAC address\n", s);
		exit(2);
	}
	for (i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
}

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Ones' complement sum of p[0..len), big-endian words, odd byte padded. */
static uint32_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t	 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Pseudo-header sum for TCP/UDP over an IPv4 header at ip. */
static uint32_t
pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t	 sum = 0;

	sum = sum16(ip + 12, 8, sum);
	sum += proto;
	sum += (uint32_t)l4len;
	return sum;
}

/* Fill the test payload (layout in bcsend.c). */
static void
payload_fill(uint8_t *p, size_t size, uint32_t seq)
{
	uint64_t	 ts = now_ns();
	size_t		 i;

	memcpy(p, "SRT1", 4);
	put32(p + 4, seq);
	put32(p + 8, (uint32_t)(ts >> 32));
	put32(p + 12, (uint32_t)ts);
	put32(p + 16, (uint32_t)size);
	for (i = PL_HDR; i < size; i++)
		p[i] = (uint8_t)(i * 31 + seq);
}

/* Write the transport header at l4 (payload already in place); its length. */
static size_t
build_l4(uint8_t *ip, uint8_t *l4, const struct opts *o, uint32_t seq)
{
	size_t		 hl, l4len;
	uint16_t	 c;

	hl = o->proto == P_UDP ? UDP_LEN : o->proto == P_TCP ? TCP_LEN : ICMP_LEN;
	l4len = hl + o->size;
	memset(l4, 0, hl);
	if (o->proto == P_ICMP) {
		l4[0] = 8;			/* echo request */
		put16(l4 + 4, 0x5352);
		put16(l4 + 6, (uint16_t)seq);
		put16(l4 + 2, (uint16_t)~fold(sum16(l4, l4len, 0)));
		return l4len;
	}
	put16(l4, o->sport);
	put16(l4 + 2, o->dport);
	if (o->proto == P_UDP) {
		put16(l4 + 4, (uint16_t)l4len);
		if (o->partial) {
			/* What a veth with tx offload leaves in the field. */
			put16(l4 + 6, fold(pseudo(ip, 17, l4len)));
			return l4len;
		}
		c = (uint16_t)~fold(sum16(l4, l4len, pseudo(ip, 17, l4len)));
		put16(l4 + 6, c == 0 ? 0xffff : c);
		return l4len;
	}
	put32(l4 + 4, seq);			/* TCP sequence number */
	l4[12] = 5 << 4;			/* data offset */
	l4[13] = 0x18;				/* PSH, ACK */
	put16(l4 + 14, 65535);
	put16(l4 + 16, (uint16_t)~fold(sum16(l4, l4len, pseudo(ip, 6, l4len))));
	return l4len;
}

/* Build one mesh datagram into d; returns its length. */
static size_t
build(uint8_t *d, const struct opts *o, uint32_t seq)
{
	uint8_t		*eth = d + 2, *ip = eth + ETH_LEN, *l4 = ip + IP_LEN;
	size_t		 hl, l4len;

	memcpy(d, o->bad_magic ? "XS" : "SS", 2);
	memcpy(eth, o->dmac, 6);
	memcpy(eth + 6, o->smac, 6);
	put16(eth + 12, 0x0800);
	hl = o->proto == P_UDP ? UDP_LEN : o->proto == P_TCP ? TCP_LEN : ICMP_LEN;
	payload_fill(l4 + hl, o->size, seq);
	memset(ip, 0, IP_LEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(IP_LEN + hl + o->size));
	put16(ip + 4, (uint16_t)seq);		/* identification */
	put16(ip + 6, 0x4000);			/* DF */
	ip[8] = 64;
	ip[9] = (uint8_t)o->proto;
	memcpy(ip + 12, &o->src, 4);
	memcpy(ip + 16, &o->dst, 4);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, IP_LEN, 0)));
	l4len = build_l4(ip, l4, o, seq);
	return 2 + ETH_LEN + IP_LEN + l4len;
}

static void
parse_proto(const char *s, struct opts *o)
{
	if (strcmp(s, "udp") == 0)
		o->proto = P_UDP;
	else if (strcmp(s, "tcp") == 0)
		o->proto = P_TCP;
	else if (strcmp(s, "icmp") == 0)
		o->proto = P_ICMP;
	else {
		fprintf(stderr, "meshsend: -p: %s: not udp, tcp or icmp\n", s);
		exit(2);
	}
}

/* Open the outer socket, bound to bindaddr if given. */
static int
open_socket(const char *bindaddr)
{
	struct sockaddr_in	 sin;
	int			 s;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		perror("meshsend: socket");
		exit(1);
	}
	if (bindaddr != NULL) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		addr(bindaddr, &sin.sin_addr, "-b");
		if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
			perror("meshsend: bind");
			exit(1);
		}
	}
	return s;
}

/* Defaults: one valid limited broadcast search from 198.18.1.10. */
static void
opts_init(struct opts *o)
{
	static const uint8_t	 smac[6] = { 0x02, 0x53, 0x52, 0x00, 0x00, 0x0a };

	memset(o, 0, sizeof(*o));
	o->proto = P_UDP;
	addr("198.18.1.10", &o->src, "-s");
	addr("255.255.255.255", &o->dst, "-d");
	o->sport = 40000;
	o->dport = 5076;
	o->meshport = 7124;
	o->size = 64;
	memset(o->dmac, 0xff, 6);
	memcpy(o->smac, smac, 6);
	o->count = 1;
	o->maxsecs = 30;
}

/* Apply one option letter; 0 if it is not one of ours. */
static int
opt_apply(struct opts *o, int ch, char *arg)
{
	switch (ch) {
	case 'b':
		o->bindaddr = arg;
		break;
	case 'c':
		o->partial = 1;
		break;
	case 'd':
		addr(arg, &o->dst, "-d");
		break;
	case 'i':
		o->first = number(arg, 0, UINT32_MAX, "-i");
		break;
	case 'L':
		o->cut = number(arg, 1, DGRAM_MAX, "-L");
		break;
	case 'M':
		o->bad_magic = 1;
		break;
	case 'm':
		mac(arg, o->dmac);
		break;
	case 'n':
		o->count = number(arg, 1, COUNT_MAX, "-n");
		break;
	case 'P':
		o->dport = (uint16_t)number(arg, 1, 65535, "-P");
		break;
	case 'p':
		parse_proto(arg, o);
		break;
	case 'q':
		o->quiet = 1;
		break;
	case 'r':
		o->rate = number(arg, 0, 1000000, "-r");
		break;
	case 'S':
		o->sport = (uint16_t)number(arg, 1, 65535, "-S");
		break;
	case 's':
		addr(arg, &o->src, "-s");
		break;
	case 'T':
		o->maxsecs = number(arg, 1, 3600, "-T");
		break;
	case 'x':
		o->meshport = (uint16_t)number(arg, 1, 65535, "-x");
		break;
	case 'z':
		o->size = number(arg, PL_HDR,
		    DGRAM_MAX - 2 - ETH_LEN - IP_LEN - TCP_LEN, "-z");
		break;
	default:
		return 0;
	}
	return 1;
}

/* Parse the command line into o, or exit 2 with a message. */
static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int	 ch;

	opts_init(o);
	while ((ch = getopt(argc, argv, "b:cd:i:L:Mm:n:P:p:qr:S:s:T:x:z:")) != -1)
		if (!opt_apply(o, ch, optarg))
			usage();
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	o->relayname = argv[0];
	o->relay.sin_family = AF_INET;
	addr(argv[0], &o->relay.sin_addr, "relay");
	o->relay.sin_port = htons(o->meshport);
}

int
main(int argc, char *argv[])
{
	static uint8_t		 d[DGRAM_MAX];
	struct opts		 o;
	struct timespec		 gap;
	char			 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	unsigned long		 i, sent = 0, errors = 0;
	uint64_t		 deadline;
	size_t			 len = 0;
	int			 s;

	parse_args(argc, argv, &o);
	signal(SIGTERM, stop_cb);
	signal(SIGINT, stop_cb);
	setvbuf(stdout, NULL, _IOLBF, 0);
	s = open_socket(o.bindaddr);
	gap.tv_sec = o.rate > 0 ? (time_t)(1 / o.rate) : 0;
	gap.tv_nsec = o.rate > 0 ? (long)(1000000000UL / o.rate % 1000000000UL) : 0;
	deadline = now_ns() + o.maxsecs * 1000000000ULL;
	for (i = 0; i < o.count && !stop && now_ns() < deadline; i++) {
		if (i > 0 && o.rate > 0)
			nanosleep(&gap, NULL);
		len = build(d, &o, (uint32_t)(o.first + i));
		if (o.cut != 0 && o.cut < len)
			len = o.cut;
		if (sendto(s, d, len, 0, (struct sockaddr *)&o.relay,
		    sizeof(o.relay)) == -1) {
			if (errors++ == 0)
				fprintf(stderr, "meshsend: sendto %s: %s\n",
				    o.relayname, strerror(errno));
			continue;
		}
		sent++;
	}
	if (!o.quiet) {
		inet_ntop(AF_INET, &o.src, a, sizeof(a));
		inet_ntop(AF_INET, &o.dst, b, sizeof(b));
		printf("sent %lu errors %lu mesh datagrams of %zu bytes to %s:%u "
		    "(proto %d %s -> %s:%u)\n", sent, errors, len, o.relayname,
		    o.meshport, (int)o.proto, a, b, o.dport);
	}
	close(s);
	return sent > 0 ? 0 : 1;
}
