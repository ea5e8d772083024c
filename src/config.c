/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Configuration: defaults < file < environment < command line. Every value
 * is validated where it is read and the origin of every setting recorded.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

#define VALUE_MAX	1024	/* longest value, and longest config file line */
#define ALNUM		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define STR_(x)		#x
#define STR(x)		STR_(x)

/* Command line options that are not settings. */
#define OPT_FILE	KEY_MAX		/* -f */
#define OPT_FLAG	(KEY_MAX + 1)	/* sets the int at opt_def.flag */
#define TAKES_VALUE(o)	((o)->what < KEY_MAX || (o)->what == OPT_FILE)
#define FLAG(f)		OPT_FLAG, offsetof(struct config, f)

/* Where the value being applied comes from. */
struct src {
	enum config_origin	 origin;
	int			 line;		/* config file line, or 0 */
};

struct load;
static const struct key_def {
	const char	*name;
	const char	*env;		/* SnowSignal's variable, or NULL */
	const char	*dflt;
	int		(*set)(struct load *, enum config_key, const char *);
} keys[KEY_MAX];

/* State of one config_load() call. */
struct load {
	struct config	*conf;
	char		*err;
	size_t		 errlen;
	struct src	 src;
	const char	*path;		/* -f argument, or NULL */
};

/* Command line options; -ll is SnowSignal's spelling of -l. */
static const struct opt_def {
	char		 sopt;
	const char	*lopt;
	int		 what;		/* KEY_*, OPT_FILE or OPT_FLAG */
	size_t		 flag;
} opts[] = {
	{ 'b',	"broadcast-port",	KEY_BROADCAST_PORT, 0 },
	{ 'd',	NULL,			FLAG(foreground) },
	{ 'f',	NULL,			OPT_FILE, 0 },
	{ 'h',	"help",			FLAG(help) },
	{ 'l',	"log-level",		KEY_LOG_LEVEL, 0 },
	{ 'm',	"mesh-port",		KEY_MESH_PORT, 0 },
	{ 'n',	NULL,			FLAG(check_only) },
	{ 't',	"target-interface",	KEY_TARGET_INTERFACE, 0 },
	{ 'u',	"user",			KEY_USER, 0 },
	{ 'V',	"version",		FLAG(version) },
	{ 0,	"chroot",		KEY_CHROOT, 0 },
	{ 0,	"other-relays",		KEY_OTHER_RELAYS, 0 },
};

/* Describe where a value came from, e.g. "environment MESH_PORT". */
static void
src_where(const struct config *conf, enum config_key key, const struct src *s,
    char *buf, size_t len)
{
	switch (s->origin) {
	case ORIGIN_FILE:
		snprintf(buf, len, "%s:%d", conf->file, s->line);
		break;
	case ORIGIN_ENV:
		snprintf(buf, len, "environment %s", keys[key].env);
		break;
	case ORIGIN_CLI:
		snprintf(buf, len, "command line");
		break;
	default:
		snprintf(buf, len, "built-in default");
		break;
	}
}

/* Set err to "WHERE: key: "value": why"; returns -1. */
static int __attribute__((format(printf, 4, 5)))
bad(struct load *ld, enum config_key key, const char *value, const char *fmt, ...)
{
	char	 where[PATH_MAX + 32], val[256], why[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	src_where(ld->conf, key, &ld->src, where, sizeof(where));
	log_escape(val, sizeof(val), value, strlen(value));
	snprintf(ld->err, ld->errlen, "%s: %s: \"%s\": %s", where, keys[key].name,
	    val, why);
	errno = EINVAL;
	return -1;
}

/* Set err to a message that names no key; returns -1. */
static int __attribute__((format(printf, 2, 3)))
failx(struct load *ld, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

/* Escape at most len bytes of s for a message. */
static const char *
esc(char *buf, size_t size, const char *s, size_t len)
{
	log_escape(buf, size, s, len);
	return buf;
}

/* Strip blanks (and a CR) from both ends of s in place. */
static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Copy value into buf for splitting; -1 if it is too long. */
static int
copy_value(struct load *ld, enum config_key key, const char *value, char *buf,
    size_t size)
{
	size_t	 len = strlen(value);

	if (len >= size)
		return bad(ld, key, value, "value too long (at most %zu characters)",
		    size - 1);
	memcpy(buf, value, len + 1);
	return 0;
}

/* Cut the next comma-separated item out of *sp, trimmed; NULL at the end. */
static char *
next_item(char **sp)
{
	char	*s = *sp, *e;

	if (s == NULL)
		return NULL;
	if ((e = strchr(s, ',')) != NULL) {
		*e = '\0';
		*sp = e + 1;
	} else
		*sp = NULL;
	return trim(s);
}

/* Parse a decimal port number 1-65535; -1 if s is anything else. */
static int
parse_port(const char *s, uint16_t *port)
{
	unsigned long	 v;
	size_t		 len = strlen(s);

	/* Digits only: strtoul would accept blanks, signs and "0x". */
	if (len == 0 || len > 5 || strspn(s, "0123456789") != len)
		return -1;
	v = strtoul(s, NULL, 10);
	if (v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
set_ifaces(struct load *ld, enum config_key key, const char *value)
{
	char	 buf[VALUE_MAX], names[MAX_IFACES][IF_NAMESIZE], *p = buf, *item;
	size_t	 n = 0, i, len;

	if (copy_value(ld, key, value, buf, sizeof(buf)) == -1)
		return -1;
	while ((item = next_item(&p)) != NULL) {
		if ((len = strlen(item)) == 0)
			return bad(ld, key, value, "empty interface name");
		if (len >= IF_NAMESIZE)
			return bad(ld, key, item, "interface name too long (at most"
			    " %d characters)", IF_NAMESIZE - 1);
		/* Letters, digits, '-', '_', '.'; never "." or "..". */
		if (strspn(item, ALNUM "-_.") != len || strspn(item, ".") == len)
			return bad(ld, key, item, "not a valid interface name");
		for (i = 0; i < n; i++)
			if (strcmp(names[i], item) == 0)
				return bad(ld, key, item, "interface given twice");
		if (n == MAX_IFACES)
			return bad(ld, key, value, "too many interfaces (at most"
			    " %d)", MAX_IFACES);
		memcpy(names[n++], item, len + 1);
	}
	memcpy(ld->conf->ifnames, names, sizeof(names));
	ld->conf->nifaces = n;
	return 0;
}

/* broadcast-port is a list of ports, mesh-port a single one. */
static int
set_ports(struct load *ld, enum config_key key, const char *value)
{
	char		 buf[VALUE_MAX], *p = buf, *item;
	uint16_t	 ports[MAX_PORTS], port;
	size_t		 n = 0, i;

	if (key == KEY_MESH_PORT && parse_port(value, &ld->conf->mesh_port) == -1)
		return bad(ld, key, value, "not a port number (1-65535)");
	if (key == KEY_MESH_PORT)
		return 0;
	if (copy_value(ld, key, value, buf, sizeof(buf)) == -1)
		return -1;
	while ((item = next_item(&p)) != NULL) {
		if (parse_port(item, &port) == -1)
			return bad(ld, key, item, "not a port number (1-65535)");
		for (i = 0; i < n; i++)
			if (ports[i] == port)
				return bad(ld, key, item, "port given twice");
		if (n == MAX_PORTS)
			return bad(ld, key, value, "too many ports (at most %d)",
			    MAX_PORTS);
		ports[n++] = port;
	}
	memcpy(ld->conf->ports, ports, n * sizeof(ports[0]));
	ld->conf->nports = n;
	return 0;
}

/* Parse "ADDR[:PORT]" (numeric IPv4 only) into p. */
static int
parse_peer(struct load *ld, enum config_key key, char *tok, struct config_peer *p)
{
	char		 item[VALUE_MAX], *colon;
	struct in_addr	 in;
	uint8_t		 first;

	memcpy(item, tok, strlen(tok) + 1);
	p->port_given = 0;
	if ((colon = strchr(tok, ':')) != NULL) {
		if (strchr(colon + 1, ':') != NULL)
			return bad(ld, key, item, "not an IPv4 address (IPv6 is not"
			    " supported)");
		*colon = '\0';
		if (parse_port(colon + 1, &p->port) == -1)
			return bad(ld, key, item, "bad port: not a port number"
			    " (1-65535)");
		p->port_given = 1;
	}
	if (inet_pton(AF_INET, tok, &in) != 1) {
		if (strspn(tok, "0123456789.") != strlen(tok))
			return bad(ld, key, item, "not an IPv4 address (host names"
			    " are not supported: use an IPv4 address)");
		return bad(ld, key, item, "not an IPv4 address");
	}
	first = ((const uint8_t *)&in.s_addr)[0];
	if (first == 0 || first >= 224)
		return bad(ld, key, item, "not a unicast IPv4 address");
	p->addr = in.s_addr;
	return 0;
}

/*
 * Append peers separated by blanks or commas. A source replaces the peers
 * of lower ones but appends within itself (repeated flags or lines).
 */
static int
add_peers(struct load *ld, enum config_key key, const char *value)
{
	struct config	*conf = ld->conf;
	struct config_peer peer;
	char		 buf[VALUE_MAX], *p, *tok, *save = NULL;
	size_t		 n;

	if (copy_value(ld, key, value, buf, sizeof(buf)) == -1)
		return -1;
	n = conf->origin[key] == ld->src.origin ? conf->npeers : 0;
	for (p = buf; *p != '\0'; p++)
		if (*p == ',')
			*p = ' ';
	if ((tok = strtok_r(buf, " \t\r\n", &save)) == NULL)
		return bad(ld, key, value, "no address given");
	for (; tok != NULL; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_PEERS)
			return bad(ld, key, tok, "too many peers (at most %d)",
			    MAX_PEERS);
		if (parse_peer(ld, key, tok, &peer) == -1)
			return -1;
		conf->peers[n++] = peer;
	}
	conf->npeers = n;
	return 0;
}

static int
set_log_level(struct load *ld, enum config_key key, const char *value)
{
	int	 level;

	if ((level = log_level_parse(value)) == -1)
		return bad(ld, key, value, "unknown level (debug, info, warning,"
		    " error, critical)");
	ld->conf->log_level = level;
	return 0;
}

/* Portable user names: letters, digits, '.', '_', '-', not starting with '-'. */
static int
set_user(struct load *ld, enum config_key key, const char *value)
{
	size_t	 len = strlen(value);

	if (len == 0 || len >= sizeof(ld->conf->user))
		return bad(ld, key, value, "user name must be 1-%zu characters",
		    sizeof(ld->conf->user) - 1);
	if (strspn(value, ALNUM "._-") != len || value[0] == '-')
		return bad(ld, key, value, "not a valid user name");
	memcpy(ld->conf->user, value, len + 1);
	return 0;
}

static int
set_chroot(struct load *ld, enum config_key key, const char *value)
{
	size_t	 len = strlen(value);

	if (value[0] != '/')
		return bad(ld, key, value, "not an absolute path");
	if (strspn(value, "/") == len)
		return bad(ld, key, value, "must be an empty directory, not /");
	if (len >= sizeof(ld->conf->chroot))
		return bad(ld, key, value, "path too long");
	memcpy(ld->conf->chroot, value, len + 1);
	return 0;
}

/* Every key: file key and long option name, environment variable, parser. */
static const struct key_def keys[KEY_MAX] = {
	[KEY_TARGET_INTERFACE] = { "target-interface", "TARGET_INTERFACE",
	    DEFAULT_IFACE, set_ifaces },
	[KEY_BROADCAST_PORT] = { "broadcast-port", "BDCAST_PORT",
	    STR(DEFAULT_BCAST_PORT), set_ports },
	[KEY_MESH_PORT] = { "mesh-port", "MESH_PORT",
	    STR(DEFAULT_MESH_PORT), set_ports },
	[KEY_OTHER_RELAYS] = { "other-relays", NULL, NULL, add_peers },
	[KEY_LOG_LEVEL] = { "log-level", "LOGLEVEL", "info", set_log_level },
	[KEY_USER] = { "user", NULL, DEFAULT_USER, set_user },
	[KEY_CHROOT] = { "chroot", NULL, DEFAULT_CHROOT, set_chroot },
};

/* Parse and store one setting, recording where it came from. */
static int
set_key(struct load *ld, enum config_key key, const char *value)
{
	if (keys[key].set(ld, key, value) == -1)
		return -1;
	ld->conf->origin[key] = ld->src.origin;
	ld->conf->origin_line[key] = ld->src.line;
	return 0;
}

/* Read one line; 1 if read, 0 at the end, -1 with a reason in why. */
static int
read_line(FILE *fp, char *buf, size_t size, char *why, size_t whylen)
{
	size_t	 n = 0;
	int	 c;

	while ((c = getc(fp)) != EOF && c != '\n') {
		if (c == '\0') {
			snprintf(why, whylen, "NUL byte in line");
			return -1;
		}
		if (n + 1 >= size) {
			snprintf(why, whylen, "line too long (at most %zu bytes)",
			    size - 1);
			return -1;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (c == EOF && ferror(fp)) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	return c == EOF && n == 0 ? 0 : 1;
}

/* Apply one "key = value" line; comments and blank lines are ignored. */
static int
parse_line(struct load *ld, char *line)
{
	char	*p, *key, *value, e[256];
	int	 k;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	if (*(line = trim(line)) == '\0')
		return 0;
	if ((p = strchr(line, '=')) == NULL)
		return failx(ld, "%s:%d: missing \"=\" in \"%s\"", ld->conf->file,
		    ld->src.line, esc(e, sizeof(e), line, strlen(line)));
	*p = '\0';
	key = trim(line);
	value = trim(p + 1);
	for (k = 0; k < KEY_MAX; k++)
		if (strcmp(keys[k].name, key) == 0)
			break;
	if (k == KEY_MAX)
		return failx(ld, "%s:%d: unknown key \"%s\"", ld->conf->file,
		    ld->src.line, esc(e, sizeof(e), key, strlen(key)));
	if (*value == '\0')
		return bad(ld, k, value, "empty value");
	return set_key(ld, k, value);
}

/* Read the -f file, or the default file if it exists. */
static int
load_file(struct load *ld)
{
	const char	*path = ld->path != NULL ? ld->path : DEFAULT_CONF_FILE;
	char		 line[VALUE_MAX], e[256], why[128];
	FILE		*fp;
	int		 r;

	if (strlen(path) >= sizeof(ld->conf->file))
		return failx(ld, "config file \"%s\": path too long",
		    esc(e, sizeof(e), path, strlen(path)));
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT && ld->path == NULL)
			return 0;
		return failx(ld, "config file \"%s\": %s",
		    esc(e, sizeof(e), path, strlen(path)), strerror(errno));
	}
	memcpy(ld->conf->file, path, strlen(path) + 1);
	ld->src.origin = ORIGIN_FILE;
	ld->src.line = 1;
	while ((r = read_line(fp, line, sizeof(line), why, sizeof(why))) == 1) {
		if (parse_line(ld, line) == -1)
			break;
		ld->src.line++;
	}
	fclose(fp);
	if (r == -1)
		return failx(ld, "%s:%d: %s", ld->conf->file, ld->src.line, why);
	return r == 1 ? -1 : 0;
}

/* The value of NAME in envp, or NULL. */
static const char *
env_get(char *const envp[], const char *name)
{
	size_t	 len = strlen(name), i;

	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=')
			return envp[i] + len + 1;
	return NULL;
}

/* Apply SnowSignal's environment variables. */
static int
load_env(struct load *ld, char *const envp[])
{
	struct config	*conf = ld->conf;
	const char	*v;
	char		 e[256];
	int		 k;

	ld->src.origin = ORIGIN_ENV;
	ld->src.line = 0;
	for (k = 0; k < KEY_MAX; k++)
		if (keys[k].env != NULL && (v = env_get(envp, keys[k].env)) != NULL &&
		    set_key(ld, k, v) == -1)
			return -1;
	/* SnowSignal: any non-empty SERVICENAME turns on DNS discovery. */
	if ((v = env_get(envp, "SERVICENAME")) != NULL && *v != '\0') {
		if (strlen(v) >= sizeof(conf->servicename))
			return failx(ld, "environment SERVICENAME: \"%s\": name too"
			    " long", esc(e, sizeof(e), v, strlen(v)));
		memcpy(conf->servicename, v, strlen(v) + 1);
	}
	return 0;
}

/* The option with this short letter, or with this long name of len bytes. */
static const struct opt_def *
opt_find(char sopt, const char *lopt, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (sopt != 0 && opts[i].sopt == sopt)
			return &opts[i];
		if (lopt != NULL && opts[i].lopt != NULL &&
		    strlen(opts[i].lopt) == len && strncmp(opts[i].lopt, lopt, len) == 0)
			return &opts[i];
	}
	return NULL;
}

/*
 * Handle one option. Pass 0 only notes flags and -f; pass 1 applies the
 * settings. --other-relays also takes the following words up to the next
 * option, as SnowSignal's argparse nargs='+' does.
 */
static int
do_opt(struct load *ld, const struct opt_def *o, const char *value, int apply,
    int *ip, int argc, char *argv[])
{
	if (o->what == OPT_FLAG) {
		*(int *)(void *)((char *)ld->conf + o->flag) = 1;
		return 0;
	}
	if (o->what == OPT_FILE) {
		ld->path = value;
		return 0;
	}
	if (apply && set_key(ld, o->what, value) == -1)
		return -1;
	while (o->what == KEY_OTHER_RELAYS && *ip + 1 < argc &&
	    argv[*ip + 1][0] != '-') {
		(*ip)++;
		if (apply && set_key(ld, o->what, argv[*ip]) == -1)
			return -1;
	}
	return 0;
}

/* Handle "--name", "--name=value", "--name value" or "-ll value". */
static int
long_opt(struct load *ld, int argc, char *argv[], int *ip, int apply)
{
	const struct opt_def	*o;
	const char		*a = argv[*ip], *name = a + 2, *eq, *value = NULL;
	char			 e[256];
	size_t			 len;

	if (strcmp(a, "-ll") == 0)
		name = "log-level";
	else if ((eq = strchr(name, '=')) != NULL)
		value = eq + 1;
	len = value != NULL ? (size_t)(value - 1 - name) : strlen(name);
	if ((o = opt_find(0, name, len)) == NULL)
		return failx(ld, "unknown option \"%s\" (see snowrelayd -h)",
		    esc(e, sizeof(e), a, len + 2));
	if (!TAKES_VALUE(o)) {
		if (value != NULL)
			return failx(ld, "option --%s takes no value", o->lopt);
		return do_opt(ld, o, NULL, apply, ip, argc, argv);
	}
	if (value == NULL) {
		if (*ip + 1 >= argc)
			return failx(ld, "option %s needs a value",
			    esc(e, sizeof(e), a, strlen(a)));
		value = argv[++*ip];
	}
	return do_opt(ld, o, value, apply, ip, argc, argv);
}

/* Handle a cluster of short options such as "-dn", "-m7124" or "-t lo". */
static int
short_opts(struct load *ld, int argc, char *argv[], int *ip, int apply)
{
	const struct opt_def	*o;
	const char		*a = argv[*ip], *value;
	char			 e[16];
	int			 j;

	for (j = 1; a[j] != '\0'; j++) {
		if ((o = opt_find(a[j], NULL, 0)) == NULL)
			return failx(ld, "unknown option \"-%s\" (see snowrelayd -h)",
			    esc(e, sizeof(e), a + j, 1));
		if (!TAKES_VALUE(o)) {
			do_opt(ld, o, NULL, apply, ip, argc, argv);
			continue;
		}
		/* The rest of the word, or the next word, is the value. */
		if (a[j + 1] != '\0')
			value = a + j + 1;
		else if (*ip + 1 < argc)
			value = argv[++*ip];
		else
			return failx(ld, "option -%c needs a value", a[j]);
		return do_opt(ld, o, value, apply, ip, argc, argv);
	}
	return 0;
}

/* Walk argv by hand (no getopt state, so config_load can run repeatedly). */
static int
parse_argv(struct load *ld, int argc, char *argv[], int apply)
{
	const char	*a;
	char		 e[256];
	int		 i, r;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		/* There are no operands: anything after "--" is an error. */
		if (strcmp(a, "--") == 0 && i + 1 == argc)
			break;
		if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0') {
			if (strcmp(a, "--") == 0)
				a = argv[i + 1];
			return failx(ld, "unexpected argument \"%s\" (see snowrelayd"
			    " -h)", esc(e, sizeof(e), a, strlen(a)));
		}
		if (a[1] == '-' || strcmp(a, "-ll") == 0)
			r = long_opt(ld, argc, argv, &i, apply);
		else
			r = short_opts(ld, argc, argv, &i, apply);
		if (r == -1)
			return -1;
	}
	return 0;
}

/* Checks across keys, once every source is merged. */
static int
finish(struct load *ld)
{
	struct config		*conf = ld->conf;
	struct config_peer	*p, *q;
	enum config_key		 key;
	char			 v[32];
	size_t			 i, j;

	/* A peer without a port uses the mesh port, known only now. */
	for (i = 0; i < conf->npeers; i++)
		if (!conf->peers[i].port_given)
			conf->peers[i].port = conf->mesh_port;
	ld->src.origin = conf->origin[KEY_OTHER_RELAYS];
	ld->src.line = conf->origin_line[KEY_OTHER_RELAYS];
	for (i = 0; i < conf->npeers; i++) {
		for (j = 0, p = &conf->peers[i]; j < i; j++) {
			q = &conf->peers[j];
			if (p->addr != q->addr || p->port != q->port)
				continue;
			inet_ntop(AF_INET, &p->addr, v, sizeof(v));
			snprintf(v + strlen(v), sizeof(v) - strlen(v), ":%u", p->port);
			return bad(ld, KEY_OTHER_RELAYS, v, "peer given twice");
		}
	}
	/* SnowSignal refuses this too: the mesh socket would get the broadcasts. */
	for (i = 0; i < conf->nports; i++) {
		if (conf->ports[i] != conf->mesh_port)
			continue;
		key = conf->origin[KEY_BROADCAST_PORT] > conf->origin[KEY_MESH_PORT] ?
		    KEY_BROADCAST_PORT : KEY_MESH_PORT;
		ld->src.origin = conf->origin[key];
		ld->src.line = conf->origin_line[key];
		snprintf(v, sizeof(v), "%u", conf->mesh_port);
		return bad(ld, key, v, "%s; the mesh needs a port of its own",
		    key == KEY_MESH_PORT ? "also a broadcast port" :
		    "also the mesh port");
	}
	return 0;
}

int
config_load(struct config *conf, int argc, char *argv[], char *const envp[],
    char *err, size_t errlen)
{
	struct load	 ld;
	int		 k;

	memset(conf, 0, sizeof(*conf));
	memset(&ld, 0, sizeof(ld));
	ld.conf = conf;
	ld.err = err;
	ld.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	ld.src.origin = ORIGIN_DEFAULT;
	for (k = 0; k < KEY_MAX; k++)
		if (keys[k].dflt != NULL && set_key(&ld, k, keys[k].dflt) == -1)
			return -1;
	/* First pass: flags and -f, which say which file to read, if any. */
	ld.src.origin = ORIGIN_CLI;
	if (parse_argv(&ld, argc, argv, 0) == -1)
		return -1;
	if (conf->help || conf->version)
		return 0;
	if (load_file(&ld) == -1 || load_env(&ld, envp) == -1)
		return -1;
	ld.src.origin = ORIGIN_CLI;
	ld.src.line = 0;
	if (parse_argv(&ld, argc, argv, 1) == -1)
		return -1;
	return finish(&ld);
}

int
config_check_system(const struct config *conf, char *err, size_t errlen)
{
	struct load	 ld;
	size_t		 i;

	if (conf->servicename[0] != '\0')
		log_warnx("SERVICENAME is set, but discovering peers by DNS is not"
		    " supported yet: ignored; use --other-relays");
	memset(&ld, 0, sizeof(ld));
	ld.conf = (struct config *)conf;
	ld.err = err;
	ld.errlen = errlen;
	ld.src.origin = conf->origin[KEY_TARGET_INTERFACE];
	ld.src.line = conf->origin_line[KEY_TARGET_INTERFACE];
	for (i = 0; i < conf->nifaces; i++) {
		if (if_nametoindex(conf->ifnames[i]) != 0)
			continue;
		if (errno == ENODEV || errno == ENXIO)
			return bad(&ld, KEY_TARGET_INTERFACE, conf->ifnames[i],
			    "no such interface");
		return bad(&ld, KEY_TARGET_INTERFACE, conf->ifnames[i], "%s",
		    strerror(errno));
	}
	return 0;
}

/* Format the value of key as it would appear in the config file. */
static void
format_value(const struct config *conf, enum config_key key, char *buf, size_t len)
{
	char	 a[INET_ADDRSTRLEN];
	size_t	 i, o = 0;

	buf[0] = '\0';
	for (i = 0; key == KEY_TARGET_INTERFACE && i < conf->nifaces && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%s", i ? "," : "", conf->ifnames[i]);
	for (i = 0; key == KEY_BROADCAST_PORT && i < conf->nports && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%u", i ? "," : "", conf->ports[i]);
	for (i = 0; key == KEY_OTHER_RELAYS && i < conf->npeers && o < len; i++) {
		inet_ntop(AF_INET, &conf->peers[i].addr, a, sizeof(a));
		o += snprintf(buf + o, len - o, "%s%s:%u", i ? " " : "", a,
		    conf->peers[i].port);
	}
	if (key == KEY_OTHER_RELAYS && conf->npeers == 0)
		snprintf(buf, len, "(none)");
	else if (key == KEY_MESH_PORT)
		snprintf(buf, len, "%u", conf->mesh_port);
	else if (key == KEY_LOG_LEVEL)
		snprintf(buf, len, "%s", log_level_name(conf->log_level));
	else if (key == KEY_USER)
		snprintf(buf, len, "%s", conf->user);
	else if (key == KEY_CHROOT)
		log_escape(buf, len, conf->chroot, sizeof(conf->chroot));
}

void
config_print(const struct config *conf, FILE *fp)
{
	char		 val[MAX_PEERS * 24], where[PATH_MAX + 32];
	struct src	 s;
	int		 k;

	if (conf->file[0] != '\0')
		fprintf(fp, "# configuration file: %s\n", conf->file);
	else
		fprintf(fp, "# configuration file: none (%s does not exist)\n",
		    DEFAULT_CONF_FILE);
	for (k = 0; k < KEY_MAX; k++) {
		format_value(conf, k, val, sizeof(val));
		s.origin = conf->origin[k];
		s.line = conf->origin_line[k];
		src_where(conf, k, &s, where, sizeof(where));
		fprintf(fp, "%s = %s  # %s%s\n", keys[k].name, val,
		    s.origin == ORIGIN_FILE ? "file " : "",
		    s.origin == ORIGIN_DEFAULT ? "default" : where);
	}
	if (conf->servicename[0] != '\0') {
		log_escape(val, sizeof(val), conf->servicename,
		    sizeof(conf->servicename));
		fprintf(fp, "# SERVICENAME = %s  # environment SERVICENAME: DNS"
		    " discovery is not supported yet, ignored\n", val);
	}
}

/* Print the synopsis (the man page's SYNOPSIS) and one line per option. */
void
config_usage(FILE *fp)
{
	char		 dflt[PATH_MAX + 64];
	size_t		 i;
	static const struct {
		const char	*opt, *help, *dflt;
	} help[] = {
		{ "-b, --broadcast-port port[,port...]", "UDP ports to relay",
		    STR(DEFAULT_BCAST_PORT) "; env BDCAST_PORT" },
		{ "-d", "stay in the foreground and log to stderr", NULL },
		{ "-f file", "configuration file", DEFAULT_CONF_FILE ", if it exists" },
		{ "-h, --help", "print this help and exit", NULL },
		{ "-l, -ll, --log-level level",
		    "debug, info, warning, error or critical", "info; env LOGLEVEL" },
		{ "-m, --mesh-port port", "UDP port of the mesh",
		    STR(DEFAULT_MESH_PORT) "; env MESH_PORT" },
		{ "-n", "check the configuration, print it with origins, exit", NULL },
		{ "-t, --target-interface interface[,interface...]",
		    "interfaces to relay on", DEFAULT_IFACE "; env TARGET_INTERFACE" },
		{ "-u, --user user", "unprivileged user", DEFAULT_USER },
		{ "-V, --version", "print the version and exit", NULL },
		{ "--chroot dir", "empty directory the worker is chrooted to",
		    DEFAULT_CHROOT },
		{ "--other-relays addr[:port] ...", "IPv4 addresses of the other"
		    " relays", "port: the mesh port" },
	};

	fprintf(fp, "usage: snowrelayd [-dhnV] [-b port[,port...]] [-f file]"
	    " [-l level] [-m port] [-t interface[,interface...]] [-u user]"
	    " [--chroot dir] [--other-relays addr[:port] ...]\n");
	for (i = 0; i < sizeof(help) / sizeof(help[0]); i++) {
		dflt[0] = '\0';
		if (help[i].dflt != NULL)
			snprintf(dflt, sizeof(dflt), " (%s)", help[i].dflt);
		fprintf(fp, "  %-20s%s%s%s\n", help[i].opt,
		    strlen(help[i].opt) > 19 ? "\n                      " : "",
		    help[i].help, dflt);
	}
}

const char *
config_key_name(enum config_key key)
{
	return key < KEY_MAX ? keys[key].name : "unknown";
}

const char *
config_origin_name(enum config_origin origin)
{
	static const char	*names[] = { "default", "file", "environment",
				    "command line" };

	return origin <= ORIGIN_CLI ? names[origin] : "unknown";
}
