/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Logging shared by the helper and the worker (after OpenBSD's log.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"

static int		 log_foreground = 1;
static int		 log_level = LOG_INFO;
static const char	*log_name = "snowrelayd";
static void		(*log_sink)(int, const char *);

static const struct {
	const char	*name;
	int		 level;
} log_levels[] = {
	{ "debug",	LOG_DEBUG },
	{ "info",	LOG_INFO },
	{ "warning",	LOG_WARNING },
	{ "error",	LOG_ERR },
	{ "critical",	LOG_CRIT },
};

/* Choose stderr or syslog; syslog is opened now, before any chroot. */
void
log_init(int foreground, int level)
{
	log_foreground = foreground;
	log_level = level;
	if (!foreground) {
		tzset();
		openlog("snowrelayd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

void
log_procname(const char *name)
{
	log_name = name;
}

void
log_setsink(void (*sink)(int, const char *))
{
	log_sink = sink;
}

int
log_level_parse(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (strcasecmp(name, log_levels[i].name) == 0)
			return log_levels[i].level;
	return -1;
}

const char *
log_level_name(int level)
{
	size_t	 i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (log_levels[i].level == level)
			return log_levels[i].name;
	return level < LOG_CRIT ? "critical" : "debug";
}

/* Emit one finished line to the sink, stderr or syslog. */
void
log_line(int prio, const char *line)
{
	int	 saved = errno;

	if (prio > log_level) {
		errno = saved;
		return;
	}
	if (log_sink != NULL)
		log_sink(prio, line);
	else if (log_foreground)
		fprintf(stderr, "%s: %s\n", log_name, line);
	else
		syslog(prio, "%s: %s", log_name, line);
	errno = saved;
}

void
vlog_prio(int prio, const char *fmt, va_list ap)
{
	char	 line[LOG_LINE_MAX];
	int	 saved = errno;

	if (prio > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log_line(prio, line);
	errno = saved;
}

void
log_prio(int prio, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_prio(prio, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_prio(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_prio(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_prio(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_errx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_prio(LOG_ERR, fmt, ap);
	va_end(ap);
}

/* Format fmt, then append ": strerror(errno)". */
static void
vlog_errno(int prio, const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX];
	int	 saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_prio(prio, "%s: %s", msg, strerror(saved));
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_errno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_prio(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_escape(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t		 o = 0, i;
	unsigned char	 c;

	if (dstlen == 0)
		return;
	for (i = 0; i < srclen && src[i] != '\0'; i++) {
		c = (unsigned char)src[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstlen)
				break;
			snprintf(dst + o, 5, "\\%03o", c);
			o += 4;
		}
	}
	dst[o] = '\0';
}

int
log_ratelimit_ok(struct log_ratelimit *rl, time_t now)
{
	if (now - rl->window >= (time_t)rl->interval) {
		if (rl->suppressed > 0)
			log_warnx("%lu similar messages suppressed in the last"
			    " %u s", rl->suppressed, rl->interval);
		rl->window = now;
		rl->used = 0;
		rl->suppressed = 0;
	}
	if (rl->used < rl->burst) {
		rl->used++;
		return 1;
	}
	rl->suppressed++;
	return 0;
}
