/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Logging for both processes: stderr (-d), syslog, or a forwarding sink
 * (the worker hands each line to the helper over the channel).
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <syslog.h>
#include <time.h>

#define LOG_LINE_MAX	1024

/* Where lines go when no sink is set. */
void	log_init(int foreground, int level);
/* Only messages at least this important (syslog LOG_* value) are kept. */
void	log_setlevel(int level);
int	log_getlevel(void);
/* Prefix for every line, e.g. "helper" or "worker". */
void	log_procname(const char *name);
/* Send every formatted line to sink instead of stderr/syslog. */
void	log_setsink(void (*sink)(int prio, const char *line));

void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like log_warnx, followed by ": strerror(errno)". */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log at an explicit syslog priority. */
void	log_prio(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void	vlog_prio(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Write a line that came from elsewhere (the worker) under this process. */
void	log_line(int prio, const char *line);

/* Log with errno and exit 1; fatalx without errno. */
void	fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void	fatalx(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* debug|info|warning|error|critical -> LOG_*; -1 if unknown. */
int		 log_level_parse(const char *name);
const char	*log_level_name(int level);

/* Copy src to dst with non-printable bytes as \ooo; always NUL-terminates. */
void	log_escape(char *dst, size_t dstlen, const char *src, size_t srclen);

/* At most `burst` lines per `interval` seconds; counts what it suppressed. */
struct log_ratelimit {
	time_t		 window;
	unsigned int	 interval;
	unsigned int	 burst;
	unsigned int	 used;
	unsigned long	 suppressed;
};
#define LOG_RATELIMIT_INIT(interval, burst)	{ 0, (interval), (burst), 0, 0 }
/* 1 if a line may be logged now; reports suppressed lines when a window ends. */
int	log_ratelimit_ok(struct log_ratelimit *rl, time_t now);

#endif /* LOG_H */
