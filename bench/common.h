/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Shared by the benchmark programs (floor, loadgen, sink): the probe payload
 * layout, the clock, bounded option parsing and the stop flag.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Probe payload, at the start of every UDP payload the load generator sends:
 * magic, run id (so a sink ignores stragglers of an earlier probe), sequence
 * number and the CLOCK_MONOTONIC send time. All namespaces share the host
 * clock, so the sink can subtract. Host byte order: one machine.
 */
#define BENCH_MAGIC	0x534e4f57u	/* "SNOW" */
#define BENCH_HDR_LEN	24
#define BENCH_OFF_MAGIC	0
#define BENCH_OFF_RUNID	4
#define BENCH_OFF_SEQ	8
#define BENCH_OFF_TS	16

#define BENCH_PAYLOAD_MAX	1472	/* 1500 MTU - IPv4 - UDP */
#define BENCH_BATCH		64	/* recvmmsg/sendmmsg batch everywhere */
#define BENCH_BUF		2048	/* per message, > a 1514-byte frame */
#define BENCH_SOCKBUF		(4 * 1024 * 1024)
#define BENCH_TIMEOUT_MS	200	/* receive timeout: look for a stop */
#define BENCH_MAX_SECONDS	300	/* bound on any program's run time */
#define BENCH_MAX_SEQ		(1ULL << 26)	/* bound on packets per probe */

/* Set by bench_signals() handlers: SIGTERM, SIGINT or the -T alarm. */
static volatile sig_atomic_t	bench_quit;

static void
bench_quit_cb(int sig)
{
	(void)sig;
	bench_quit = 1;
}

/* Stop on SIGTERM/SIGINT/SIGALRM; no SA_RESTART so blocking calls return. */
static inline void
bench_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_quit_cb;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGALRM, &sa, NULL) == -1)
		err(1, "sigaction");
	signal(SIGPIPE, SIG_IGN);
}

static inline uint64_t
bench_now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline uint64_t
bench_cpu_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Parse an unsigned decimal option in [min, max] or exit naming it. */
static inline uint64_t
bench_num(const char *name, const char *s, uint64_t min, uint64_t max)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		errx(2, "%s: \"%s\": not a number", name, s);
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		errx(2, "%s: \"%s\": not a number", name, s);
	if (v < min || v > max)
		errx(2, "%s: %s: out of range (%llu-%llu)", name, s,
		    (unsigned long long)min, (unsigned long long)max);
	return v;
}

/* Parse seconds with an optional fraction ("2", "0.5") into ns, bounded. */
static inline uint64_t
bench_seconds(const char *name, const char *s, double max)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0.0) || v > max)
		errx(2, "%s: \"%s\": not a duration in seconds (0-%g]", name, s,
		    max);
	return (uint64_t)(v * 1e9);
}

/* Arm SIGALRM as the run-time bound (whole seconds, rounded up). */
static inline void
bench_bound(uint64_t ns)
{
	alarm((unsigned int)((ns + 999999999ULL) / 1000000000ULL));
}

#endif /* BENCH_COMMON_H */
