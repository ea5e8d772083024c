/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Counting receiver: unique, duplicate and lost probe packets from their
 * sequence numbers, and one-way latency percentiles from their timestamps.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>

#include "common.h"

#define SINK_HIST_US	100000	/* 1 us buckets up to 100 ms, then overflow */

struct sink {
	uint16_t	 port;
	uint32_t	 runid;
	uint64_t	 maxseq;	/* tracked seq numbers: [0, maxseq) */
	uint64_t	 bound;		/* ns */
	const char	*ready;		/* created once the socket is bound */
	uint8_t		*seen;		/* bitmap, maxseq bits */
	uint32_t	*hist;		/* SINK_HIST_US + 1 buckets */
	/* results */
	uint64_t	 unique, dups, foreign, out_of_range, batches;
	uint64_t	 top;		/* highest sequence number + 1 */
	uint64_t	 first_ns, last_ns;
};

static uint8_t		 bufs[BENCH_BATCH][BENCH_BUF];
static struct mmsghdr	 msgs[BENCH_BATCH];
static struct iovec	 iovs[BENCH_BATCH];

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: sink -T SECONDS [-p PORT] [-k RUNID] "
	    "[-n MAXSEQ] [-r READYFILE]\n");
	exit(2);
}

static void
parse_args(struct sink *sk, int argc, char *argv[])
{
	int	 ch;

	memset(sk, 0, sizeof(*sk));
	sk->port = 5076;
	sk->maxseq = BENCH_MAX_SEQ;
	while ((ch = getopt(argc, argv, "k:n:p:r:T:")) != -1) {
		switch (ch) {
		case 'k':
			sk->runid = bench_num("-k", optarg, 0, UINT32_MAX);
			break;
		case 'n':
			sk->maxseq = bench_num("-n", optarg, 1, BENCH_MAX_SEQ);
			break;
		case 'p':
			sk->port = bench_num("-p", optarg, 1, 65535);
			break;
		case 'r':
			sk->ready = optarg;
			break;
		case 'T':
			sk->bound = bench_seconds("-T", optarg,
			    BENCH_MAX_SECONDS);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || sk->bound == 0)
		usage();
	/* calloc: pages are only touched where sequence numbers land. */
	if ((sk->seen = calloc(sk->maxseq / 8 + 1, 1)) == NULL ||
	    (sk->hist = calloc(SINK_HIST_US + 1, sizeof(uint32_t))) == NULL)
		err(1, "calloc");
}

static int
open_socket(const struct sink *sk)
{
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 0, BENCH_TIMEOUT_MS * 1000 };
	int			 fd, sz = 2 * BENCH_SOCKBUF, i;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) == -1)
		err(1, "SO_RCVBUF");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		err(1, "SO_RCVTIMEO");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(sk->port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind port %u", sk->port);
	for (i = 0; i < BENCH_BATCH; i++) {
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = BENCH_BUF;
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return fd;
}

/* Account one datagram received at time now. */
static void
count(struct sink *sk, const uint8_t *p, size_t len, uint64_t now)
{
	uint64_t	 seq, ts, us;
	uint32_t	 magic, runid;

	if (len < BENCH_HDR_LEN) {
		sk->foreign++;
		return;
	}
	memcpy(&magic, p + BENCH_OFF_MAGIC, sizeof(magic));
	memcpy(&runid, p + BENCH_OFF_RUNID, sizeof(runid));
	if (magic != BENCH_MAGIC || runid != sk->runid) {
		sk->foreign++;
		return;
	}
	memcpy(&seq, p + BENCH_OFF_SEQ, sizeof(seq));
	memcpy(&ts, p + BENCH_OFF_TS, sizeof(ts));
	if (seq >= sk->maxseq) {
		sk->out_of_range++;
		return;
	}
	if (sk->seen[seq / 8] & (1u << (seq % 8))) {
		sk->dups++;
		return;
	}
	sk->seen[seq / 8] |= 1u << (seq % 8);
	sk->unique++;
	if (seq + 1 > sk->top)
		sk->top = seq + 1;
	us = now > ts ? (now - ts) / 1000 : 0;
	sk->hist[us < SINK_HIST_US ? us : SINK_HIST_US]++;
	if (sk->first_ns == 0)
		sk->first_ns = now;
	sk->last_ns = now;
}

/* Receive until the bound or a stop signal. */
static void
run(struct sink *sk, int fd)
{
	uint64_t	 end, now;
	int		 n, i;

	end = bench_now_ns() + sk->bound;
	while (!bench_quit) {
		n = recvmmsg(fd, msgs, BENCH_BATCH, MSG_WAITFORONE, NULL);
		now = bench_now_ns();
		if (n == -1) {
			if (errno != EINTR && errno != EAGAIN &&
			    errno != EWOULDBLOCK)
				err(1, "recvmmsg");
			n = 0;
		}
		if (n > 0)
			sk->batches++;
		for (i = 0; i < n; i++)
			count(sk, bufs[i], msgs[i].msg_len, now);
		if (now >= end)
			break;
	}
}

/* The latency in us below which a fraction q of the samples lie. */
static uint64_t
percentile(const struct sink *sk, double q)
{
	uint64_t	 need, acc = 0;
	size_t		 i;

	if (sk->unique == 0)
		return 0;
	need = (uint64_t)(q * sk->unique);
	if (need == 0)
		need = 1;
	for (i = 0; i <= SINK_HIST_US; i++) {
		acc += sk->hist[i];
		if (acc >= need)
			return i;
	}
	return SINK_HIST_US;
}

int
main(int argc, char *argv[])
{
	struct sink	 sk;
	int		 fd, rfd;

	parse_args(&sk, argc, argv);
	bench_signals();
	bench_bound(sk.bound + 1000000000ULL);
	fd = open_socket(&sk);
	if (sk.ready != NULL) {
		rfd = open(sk.ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (rfd == -1)
			err(1, "%s", sk.ready);
		close(rfd);
	}
	run(&sk, fd);
	printf("sink unique=%llu dup=%llu foreign=%llu out_of_range=%llu "
	    "lost_gaps=%llu top=%llu batches=%llu p50_us=%llu p90_us=%llu "
	    "p99_us=%llu p999_us=%llu first_ns=%llu last_ns=%llu cpu_ns=%llu\n",
	    (unsigned long long)sk.unique, (unsigned long long)sk.dups,
	    (unsigned long long)sk.foreign, (unsigned long long)sk.out_of_range,
	    (unsigned long long)(sk.top - sk.unique),
	    (unsigned long long)sk.top, (unsigned long long)sk.batches,
	    (unsigned long long)percentile(&sk, 0.50),
	    (unsigned long long)percentile(&sk, 0.90),
	    (unsigned long long)percentile(&sk, 0.99),
	    (unsigned long long)percentile(&sk, 0.999),
	    (unsigned long long)sk.first_ns, (unsigned long long)sk.last_ns,
	    (unsigned long long)bench_cpu_ns());
	free(sk.seen);
	free(sk.hist);
	/* The runner reads this line: make sure it is out before exit. */
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return 0;
}
