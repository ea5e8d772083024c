/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Private to config.c and config_parse.c: the state of one config_load()
 * call, the key table and the shared error and value helpers.
 */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CONFIG_VALUE_MAX	1024	/* longest value, and longest file line */
#define STR_(x)		#x
#define STR(x)		STR_(x)

/* Defaults of the mesh and data-path settings (see snowrelayd(8)). */
#define DEFAULT_HELLO		"2"		/* seconds */
#define DEFAULT_FRESHNESS	"30"		/* seconds */
#define DEFAULT_DEDUP		"500"		/* milliseconds */
#define DEFAULT_RATE_SOURCE	"2000/4000"
#define DEFAULT_RATE_PEER	"20000/40000"
#define DEFAULT_RATE_GLOBAL	"100000/200000"
#define DEFAULT_COALESCE	"20000/1000"	/* pps / us */
#define DEFAULT_CAPTURE_RING	"4"		/* MiB */
#define DEFAULT_DISCOVER_INTERVAL "10"		/* seconds, as SnowSignal */

#define ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* Where the value being applied comes from. */
struct config_src {
	enum config_origin	 origin;
	int			 line;		/* config file line, or 0 */
};

/* State of one config_load() call. */
struct config_ld {
	struct config		*conf;
	char			*err;
	size_t			 errlen;
	struct config_src	 src;
	const char		*path;		/* -f argument, or NULL */
};

/* One key: file key and long option, SnowSignal's variable, default, parser. */
struct config_key_def {
	const char	*name;
	const char	*env;		/* or NULL */
	const char	*dflt;		/* or NULL: set by config.c itself */
	int		(*set)(struct config_ld *, enum config_key, const char *);
};

extern const struct config_key_def	 config_keys[KEY_MAX];

/* config.c: set err to "WHERE: key: \"value\": why" or to fmt; both return -1 */
int	 config_bad(struct config_ld *ld, enum config_key key, const char *value,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int	 config_failx(struct config_ld *ld, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Escape at most len bytes of s into buf, for a message. */
const char *config_esc(char *buf, size_t size, const char *s, size_t len);
/* Parse and store one setting, recording where it came from. */
int	 config_set_key(struct config_ld *ld, enum config_key key, const char *value);

/* config_parse.c: lexical helpers */
char	*config_trim(char *s);
char	*config_next_item(char **sp);
int	 config_copy_value(struct config_ld *ld, enum config_key key, const char *value,
	    char *buf, size_t size);
int	 config_parse_port(const char *s, uint16_t *port);
int	 config_parse_uint(const char *s, uint32_t max, uint32_t *v);
/* config_parse.c: setters of the list and rate keys (config_keys[].set) */
int	 config_set_ifaces(struct config_ld *ld, enum config_key key, const char *value);
int	 config_set_ports(struct config_ld *ld, enum config_key key, const char *value);
int	 config_add_peers(struct config_ld *ld, enum config_key key, const char *value);
/* 1 if s is a well-formed host name (RFC 1123). */
int	 config_host_ok(const char *s);
/* The same, with '_' allowed in labels (a DNS name, e.g. tasks.STACK_SVC). */
int	 config_dns_name_ok(const char *s);
/* 1 if p and q are the same peer (name or address, and port). */
int	 config_same_peer(const struct config_peer *p, const struct config_peer *q);
int	 config_set_rate(struct config_ld *ld, enum config_key key, const char *value);
/* config_cidr.c: discover-cidr, a list of IPv4 prefixes */
int	 config_set_cidrs(struct config_ld *ld, enum config_key key, const char *value);
/* config_parse.c: the readers; 0, or -1 with ld->err set */
int	 config_read_file(struct config_ld *ld);
int	 config_read_env(struct config_ld *ld, char *const envp[]);
int	 config_read_argv(struct config_ld *ld, int argc, char *argv[], int apply);

#endif /* CONFIG_INT_H */
