/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Test tool: send mesh datagrams -- "SS" + frame, or native DATA (the IPv4
 * packet with flag L3, or the whole frame) or HELLO, signed or forged
 * (encoded here from src/mesh.h, independently of the daemon's codec) -- to
 * a relay's mesh port, as a peer or an impostor would. The datagrams are
 * built in meshbuild.c.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "toolutil.h"
#include "keyfile.h"
#include "meshsend.h"

#define COUNT_MAX	100000000UL

/* Print "meshsend: " and the message on stderr, then exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
arg_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("meshsend: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void
usage(void)
{
	fprintf(stderr, "usage: meshsend [-cMq] [-b bind-addr] [-d inner-dst] "
	    "[-i first-seq] [-L cut-length] [-m dst-mac]\n"
	    "                [-n count] [-P dst-port] [-p udp|tcp|icmp] "
	    "[-r rate] [-S src-port]\n"
	    "                [-s inner-src] [-T max-seconds] [-x mesh-port] "
	    "[-z size] [--interval-ms ms]\n"
	    "                [--native -K keyfile [--key-id N] [--relay-id N] "
	    "[--seq N]\n"
	    "                 [--timestamp S | --ts-offset S] [--type data|hello]\n"
	    "                 [--eth] [--flags N] [--hello-interval S] "
	    "[--hello-mac MAC ...]\n"
	    "                 [--bad-length | --bad-tag | --no-tag | --wrong-key]] "
	    "relay\n"
	    "  -c: leave only the pseudo-header sum in the UDP checksum (offload)\n"
	    "  -L: send only the first cut-length bytes of each datagram\n"
	    "  -M: bad magic; -m: broadcast (default), unicast, or xx:xx:xx:xx:xx:xx\n"
	    "  --bad-tag: flip a bit of the tag; --no-tag: omit the 16 tag bytes;\n"
	    "  --wrong-key: put a key id that is not in the key file;\n"
	    "  --bad-length: a wrong payload length field, correctly signed;\n"
	    "  native DATA carries the IPv4 packet (flags 0x01) unless --eth:\n"
	    "  the whole Ethernet frame (flags 0); --flags N: put N in the flags\n"
	    "  byte whatever the payload, correctly signed\n");
	exit(2);
}

/* Parse a decimal number in [min, max] or exit with a message. */
static unsigned long long
number(const char *s, unsigned long long min, unsigned long long max,
    const char *what)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max ||
	    s[0] == '-')
		arg_error("%s: %s: not a number in %llu..%llu", what, s, min, max);
	return v;
}

static void
addr(const char *s, struct in_addr *a, const char *what)
{
	if (inet_pton(AF_INET, s, a) != 1)
		arg_error("%s: %s: not an IPv4 address", what, s);
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
	    &b[4], &b[5]) != 6)
		arg_error("%s: not a MAC address", s);
	for (i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
}

static uint64_t
clock_ns(clockid_t clk)
{
	struct timespec	 ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Read the key file with the daemon's reader (same checks), or exit 2. */
static void
read_keys(struct opts *o)
{
	char	 err[256];

	if (keyfile_read(o->keyfile, &o->kf, err, sizeof(err)) == -1)
		arg_error("%s", err);
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
	else
		arg_error("-p: %s: not udp, tcp or icmp", s);
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
	o->type = NAT_DATA;
	o->key_id = -1;
	o->hello_interval = 2;
	/* Like the relay: a random id and a sequence starting at now in ns. */
	o->relay_id = (uint32_t)(clock_ns(CLOCK_REALTIME) ^ (uint64_t)getpid() << 16);
}

/* Apply one short option letter; 0 if it is not one of ours. */
static int
opt_short(struct opts *o, int ch, char *arg)
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
		o->rate = number(arg, 0, 10000000, "-r");
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
		o->size = number(arg, TOOL_PL_HDR, DGRAM_MAX - NAT_HLEN - NAT_TAGLEN -
		    ETH_LEN - IP_LEN - TCP_LEN, "-z");
		break;
	default:
		return 0;
	}
	return 1;
}

enum {
	O_NATIVE = 256, O_KEY_ID, O_RELAY_ID, O_SEQ, O_TIMESTAMP, O_TS_OFFSET,
	O_TYPE, O_BAD_TAG, O_NO_TAG, O_WRONG_KEY, O_HELLO_INTERVAL, O_HELLO_MAC,
	O_INTERVAL_MS, O_BAD_LENGTH, O_ETH, O_FLAGS,
};

static const struct option longopts[] = {
	{ "native",		no_argument,		NULL, O_NATIVE },
	{ "key-file",		required_argument,	NULL, 'K' },
	{ "key-id",		required_argument,	NULL, O_KEY_ID },
	{ "relay-id",		required_argument,	NULL, O_RELAY_ID },
	{ "seq",		required_argument,	NULL, O_SEQ },
	{ "timestamp",		required_argument,	NULL, O_TIMESTAMP },
	{ "ts-offset",		required_argument,	NULL, O_TS_OFFSET },
	{ "type",		required_argument,	NULL, O_TYPE },
	{ "bad-tag",		no_argument,		NULL, O_BAD_TAG },
	{ "no-tag",		no_argument,		NULL, O_NO_TAG },
	{ "wrong-key",		no_argument,		NULL, O_WRONG_KEY },
	{ "bad-length",		no_argument,		NULL, O_BAD_LENGTH },
	{ "eth",		no_argument,		NULL, O_ETH },
	{ "flags",		required_argument,	NULL, O_FLAGS },
	{ "hello-interval",	required_argument,	NULL, O_HELLO_INTERVAL },
	{ "hello-mac",		required_argument,	NULL, O_HELLO_MAC },
	{ "interval-ms",	required_argument,	NULL, O_INTERVAL_MS },
	{ NULL,			0,			NULL, 0 },
};

/* Apply one HELLO or pacing option; 0 if it is not one of ours. */
static int
opt_hello(struct opts *o, int ch, char *arg)
{
	switch (ch) {
	case O_HELLO_INTERVAL:
		o->hello_interval = number(arg, 1, 3600, "--hello-interval");
		break;
	case O_HELLO_MAC:
		if (o->nmacs == HELLO_MACS)
			arg_error("--hello-mac: at most %d", HELLO_MACS);
		mac(arg, o->hello_macs[o->nmacs++]);
		break;
	case O_INTERVAL_MS:
		o->interval_ms = number(arg, 0, 3600000, "--interval-ms");
		break;
	case O_ETH:
		o->eth = 1;
		break;
	case O_FLAGS:
		o->flags = (uint8_t)number(arg, 0, 255, "--flags");
		o->have_flags = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Apply one native-format option; 0 if it is not one of ours. */
static int
opt_long(struct opts *o, int ch, char *arg)
{
	char	*end;

	switch (ch) {
	case O_NATIVE:
		o->native = 1;
		break;
	case 'K':
		o->keyfile = arg;
		break;
	case O_KEY_ID:
		o->key_id = (long)number(arg, 1, 255, "--key-id");
		break;
	case O_RELAY_ID:
		o->relay_id = (uint32_t)number(arg, 0, UINT32_MAX, "--relay-id");
		break;
	case O_SEQ:
		o->seq = number(arg, 0, UINT64_MAX, "--seq");
		o->have_seq = 1;
		break;
	case O_TIMESTAMP:
		o->ts = (uint32_t)number(arg, 0, UINT32_MAX, "--timestamp");
		o->have_ts = 1;
		break;
	case O_TS_OFFSET:
		errno = 0;
		o->ts_offset = strtol(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0')
			arg_error("--ts-offset: %s: not a number", arg);
		break;
	case O_TYPE:
		if (strcmp(arg, "data") == 0)
			o->type = NAT_DATA;
		else if (strcmp(arg, "hello") == 0)
			o->type = NAT_HELLO;
		else
			arg_error("--type: %s: not data or hello", arg);
		break;
	case O_BAD_TAG:
		o->bad_tag = 1;
		break;
	case O_NO_TAG:
		o->no_tag = 1;
		break;
	case O_WRONG_KEY:
		o->wrong_key = 1;
		break;
	case O_BAD_LENGTH:
		o->bad_length = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Check that the native options make sense together, or exit 2. */
static void
check_native(struct opts *o)
{
	if (!o->native) {
		if (o->keyfile != NULL || o->bad_tag || o->no_tag || o->wrong_key ||
		    o->bad_length || o->have_seq || o->type != NAT_DATA ||
		    o->eth || o->have_flags)
			arg_error("native options need --native");
		return;
	}
	if (o->keyfile == NULL)
		arg_error("--native needs -K keyfile");
	if (o->bad_tag + o->no_tag + o->wrong_key > 1)
		arg_error("--bad-tag, --no-tag, --wrong-key: at most one");
	if (o->bad_magic)
		arg_error("-M is for \"SS\" datagrams only");
	if (o->eth && o->type != NAT_DATA)
		arg_error("--eth is for --type data only");
	read_keys(o);
	(void)meshbuild_sign_key(o);
	if (!o->have_seq)
		o->seq = clock_ns(CLOCK_REALTIME);
}

/* Parse the command line into o, or exit 2 with a message. */
static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int	 ch;

	opts_init(o);
	while ((ch = getopt_long(argc, argv, "b:cd:i:K:L:Mm:n:P:p:qr:S:s:T:x:z:",
	    longopts, NULL)) != -1)
		if (!opt_short(o, ch, optarg) && !opt_long(o, ch, optarg) &&
		    !opt_hello(o, ch, optarg))
			usage();
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	check_native(o);
	o->relayname = argv[0];
	o->relay.sin_family = AF_INET;
	addr(argv[0], &o->relay.sin_addr, "relay");
	o->relay.sin_port = htons(o->meshport);
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

/* The pacing gap in ns: --interval-ms, else 1/rate, else none. */
static uint64_t
gap_ns(const struct opts *o)
{
	if (o->interval_ms > 0)
		return o->interval_ms * 1000000ULL;
	if (o->rate > 0)
		return 1000000000ULL / o->rate;
	return 0;
}

static void
report(const struct opts *o, unsigned long sent, unsigned long errors,
    size_t len)
{
	char	 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &o->src, a, sizeof(a));
	inet_ntop(AF_INET, &o->dst, b, sizeof(b));
	if (!o->native) {
		printf("sent %lu errors %lu mesh datagrams of %zu bytes to %s:%u "
		    "(proto %d %s -> %s:%u)\n", sent, errors, len, o->relayname,
		    o->meshport, (int)o->proto, a, b, o->dport);
		return;
	}
	printf("sent %lu errors %lu native %s datagrams of %zu bytes to %s:%u "
	    "flags 0x%02x key %u%s relay_id %u seq %llu..%llu%s%s%s "
	    "(proto %d %s -> %s:%u)\n",
	    sent, errors, o->type == NAT_HELLO ? "hello" :
	    o->eth ? "data" : "data-l3", len, o->relayname, o->meshport,
	    meshbuild_native_flags(o),
	    o->wrong_key ? meshbuild_absent_key_id(o) :
	    meshbuild_sign_key(o)->id,
	    o->wrong_key ? " (wrong)" : "", o->relay_id,
	    (unsigned long long)o->seq,
	    (unsigned long long)(o->seq + (sent > 0 ? sent + errors - 1 : 0)),
	    o->bad_tag ? " bad-tag" : "", o->no_tag ? " no-tag" : "",
	    o->bad_length ? " bad-length" : "",
	    (int)o->proto, a, b, o->dport);
}

int
main(int argc, char *argv[])
{
	static uint8_t		 d[DGRAM_MAX];
	struct opts		 o;
	unsigned long		 i, sent = 0, errors = 0;
	uint64_t		 start, deadline, gap;
	size_t			 len = 0;
	int			 s;

	parse_args(argc, argv, &o);
	signal(SIGTERM, tool_stop_cb);
	signal(SIGINT, tool_stop_cb);
	setvbuf(stdout, NULL, _IOLBF, 0);
	s = tool_udp_socket(o.bindaddr, "-b", 0, 0);
	gap = gap_ns(&o);
	start = tool_now_ns();
	deadline = start + o.maxsecs * 1000000000ULL;
	for (i = 0; i < o.count && !tool_stop && tool_now_ns() < deadline; i++) {
		/* Pace against the start time so the average rate is exact. */
		if (gap > 0)
			sleep_until(start + i * gap);
		len = meshbuild_datagram(d, &o, (uint32_t)i);
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
	if (!o.quiet)
		report(&o, sent, errors, len);
	close(s);
	return sent > 0 ? 0 : 1;
}
