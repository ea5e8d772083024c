/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Paced load generator: UDP broadcasts carrying a sequence number and a
 * CLOCK_MONOTONIC send time, at a fixed rate, bounded in count and time.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <getopt.h>
#include <stdio.h>

#include "common.h"

#define LOADGEN_WAKEUPS	10000	/* target wakeups per second at high rates */
#define LOADGEN_MAX_PPS	2000000

struct loadgen {
	struct sockaddr_in	 dst;
	uint64_t		 rate;		/* packets per second */
	uint64_t		 count;		/* packets to send at most */
	uint64_t		 duration;	/* ns, hard bound */
	uint32_t		 runid;
	size_t			 size;		/* UDP payload bytes */
	unsigned int		 burst;		/* packets per wakeup */
	/* results */
	uint64_t		 sent, errors, wakeups, late, elapsed;
};

static uint8_t		 bufs[BENCH_BATCH][BENCH_PAYLOAD_MAX];
static struct mmsghdr	 msgs[BENCH_BATCH];
static struct iovec	 iovs[BENCH_BATCH];

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: loadgen -r PPS -t SECONDS [-s SIZE] [-n COUNT] "
	    "[-d DSTIP] [-p PORT] [-k RUNID] [-b BURST]\n");
	exit(2);
}

static void
parse_args(struct loadgen *lg, int argc, char *argv[])
{
	int	 ch;

	memset(lg, 0, sizeof(*lg));
	lg->dst.sin_family = AF_INET;
	lg->dst.sin_port = htons(5076);
	lg->dst.sin_addr.s_addr = htonl(0xc61201ff);	/* 198.18.1.255 */
	lg->size = 100;
	while ((ch = getopt(argc, argv, "b:d:k:n:p:r:s:t:")) != -1) {
		switch (ch) {
		case 'b':
			lg->burst = bench_num("-b", optarg, 1, BENCH_BATCH);
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &lg->dst.sin_addr) != 1)
				errx(2, "-d: \"%s\": not an IPv4 address",
				    optarg);
			break;
		case 'k':
			lg->runid = bench_num("-k", optarg, 0, UINT32_MAX);
			break;
		case 'n':
			lg->count = bench_num("-n", optarg, 1, BENCH_MAX_SEQ);
			break;
		case 'p':
			lg->dst.sin_port = htons(bench_num("-p", optarg, 1,
			    65535));
			break;
		case 'r':
			lg->rate = bench_num("-r", optarg, 1, LOADGEN_MAX_PPS);
			break;
		case 's':
			lg->size = bench_num("-s", optarg, BENCH_HDR_LEN,
			    BENCH_PAYLOAD_MAX);
			break;
		case 't':
			lg->duration = bench_seconds("-t", optarg, 60);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || lg->rate == 0 || lg->duration == 0)
		usage();
	/* Default count: what the rate gives in the duration, bounded. */
	if (lg->count == 0) {
		lg->count = (lg->rate * lg->duration + 999999999ULL) /
		    1000000000ULL;
		if (lg->count > BENCH_MAX_SEQ)
			lg->count = BENCH_MAX_SEQ;
	}
	/* Wakeups cost ~20 us here (perf.md): batch so that ~10 k/s suffice. */
	if (lg->burst == 0) {
		lg->burst = (lg->rate + LOADGEN_WAKEUPS - 1) / LOADGEN_WAKEUPS;
		if (lg->burst > BENCH_BATCH)
			lg->burst = BENCH_BATCH;
	}
}

static int
open_socket(const struct loadgen *lg)
{
	int	 fd, one = 1, sz = BENCH_SOCKBUF;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) == -1)
		err(1, "SO_BROADCAST");
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) == -1)
		err(1, "SO_SNDBUF");
	if (connect(fd, (const struct sockaddr *)&lg->dst,
	    sizeof(lg->dst)) == -1)
		err(1, "connect %s", inet_ntoa(lg->dst.sin_addr));
	return fd;
}

/* Fill the payloads once: header constants and a recognisable padding. */
static void
init_payloads(const struct loadgen *lg)
{
	uint32_t	 magic = BENCH_MAGIC;
	int		 i;

	for (i = 0; i < BENCH_BATCH; i++) {
		memset(bufs[i], 0xa5, sizeof(bufs[i]));
		memcpy(bufs[i] + BENCH_OFF_MAGIC, &magic, sizeof(magic));
		memcpy(bufs[i] + BENCH_OFF_RUNID, &lg->runid,
		    sizeof(lg->runid));
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = lg->size;
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
}

/* Sleep until the absolute deadline unless it has passed already. */
static void
wait_until(struct loadgen *lg, uint64_t deadline)
{
	struct timespec	 ts;

	if (bench_now_ns() >= deadline) {
		lg->late++;
		return;
	}
	ts.tv_sec = deadline / 1000000000ULL;
	ts.tv_nsec = deadline % 1000000000ULL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR && !bench_quit)
		;
	lg->wakeups++;
}

/*
 * Send with absolute-deadline pacing: burst k goes at t0 + k*burst/rate, so
 * a late wakeup is caught up instead of lowering the rate. A packet whose
 * send fails keeps its slot in time but not its sequence number.
 */
static void
run(struct loadgen *lg, int fd)
{
	uint64_t	 t0, end, slots = 0, now, seq;
	unsigned int	 n, i;
	int		 r;

	t0 = bench_now_ns();
	end = t0 + lg->duration;
	while (lg->sent < lg->count && !bench_quit) {
		wait_until(lg, t0 + slots * 1000000000ULL / lg->rate);
		if ((now = bench_now_ns()) >= end)
			break;
		n = lg->burst;
		if (n > lg->count - lg->sent)
			n = lg->count - lg->sent;
		for (i = 0; i < n; i++) {
			seq = lg->sent + i;
			memcpy(bufs[i] + BENCH_OFF_SEQ, &seq, sizeof(seq));
			memcpy(bufs[i] + BENCH_OFF_TS, &now, sizeof(now));
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			lg->errors++;
			r = 1;
		} else
			lg->sent += r;
		slots += r;
	}
	lg->elapsed = bench_now_ns() - t0;
}

int
main(int argc, char *argv[])
{
	struct loadgen	 lg;
	double		 secs;
	int		 fd;

	parse_args(&lg, argc, argv);
	bench_signals();
	bench_bound(lg.duration + 2000000000ULL);
	fd = open_socket(&lg);
	init_payloads(&lg);
	run(&lg, fd);
	secs = lg.elapsed / 1e9;
	printf("loadgen sent=%llu errors=%llu elapsed_ns=%llu target_pps=%llu "
	    "achieved_pps=%.0f size=%zu burst=%u wakeups=%llu late=%llu "
	    "cpu_ns=%llu\n", (unsigned long long)lg.sent,
	    (unsigned long long)lg.errors, (unsigned long long)lg.elapsed,
	    (unsigned long long)lg.rate, secs > 0 ? lg.sent / secs : 0.0,
	    lg.size, lg.burst, (unsigned long long)lg.wakeups,
	    (unsigned long long)lg.late, (unsigned long long)bench_cpu_ns());
	/* The runner reads this line: make sure it is out before exit. */
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return 0;
}
