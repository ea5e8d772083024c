/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Configuration readers: the command line, SnowSignal's environment
 * variables and the "key = value" file, plus the lexical helpers and the
 * peer list syntax they share. Values are checked by the key setters.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_int.h"
#include "log.h"

/* Command line options that are not settings. */
#define OPT_FILE	KEY_MAX		/* -f */
#define OPT_FLAG	(KEY_MAX + 1)	/* sets the int at opt_def.flag */
#define TAKES_VALUE(o)	((o)->what < KEY_MAX || (o)->what == OPT_FILE)
#define FLAG(f)		OPT_FLAG, offsetof(struct config, f)

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
	{ 0,	"capture-ring",		KEY_CAPTURE_RING, 0 },
	{ 0,	"chroot",		KEY_CHROOT, 0 },
	{ 0,	"coalesce",		KEY_COALESCE, 0 },
	{ 0,	"dedup-window",		KEY_DEDUP_WINDOW, 0 },
	{ 0,	"discover",		KEY_DISCOVER, 0 },
	{ 0,	"discover-cidr",	KEY_DISCOVER_CIDR, 0 },
	{ 0,	"discover-interval",	KEY_DISCOVER_INTERVAL, 0 },
	{ 0,	"hello-interval",	KEY_HELLO_INTERVAL, 0 },
	{ 0,	"mesh-auth",		KEY_MESH_AUTH, 0 },
	{ 0,	"mesh-freshness",	KEY_MESH_FRESHNESS, 0 },
	{ 0,	"mesh-gso",		KEY_MESH_GSO, 0 },
	{ 0,	"mesh-key-file",	KEY_MESH_KEY_FILE, 0 },
	{ 0,	"other-relays",		KEY_OTHER_RELAYS, 0 },
	{ 0,	"rate-global",		KEY_RATE_GLOBAL, 0 },
	{ 0,	"rate-peer",		KEY_RATE_PEER, 0 },
	{ 0,	"rate-source",		KEY_RATE_SOURCE, 0 },
};

/* Strip blanks (and a CR) from both ends of s in place. */
char *
config_trim(char *s)
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
int
config_copy_value(struct config_ld *ld, enum config_key key, const char *value,
    char *buf, size_t size)
{
	size_t	 len = strlen(value);

	if (len >= size)
		return config_bad(ld, key, value, "value too long (at most %zu"
		    " characters)", size - 1);
	memcpy(buf, value, len + 1);
	return 0;
}

/* Cut the next comma-separated item out of *sp, trimmed; NULL at the end. */
char *
config_next_item(char **sp)
{
	char	*s = *sp, *e;

	if (s == NULL)
		return NULL;
	if ((e = strchr(s, ',')) != NULL) {
		*e = '\0';
		*sp = e + 1;
	} else
		*sp = NULL;
	return config_trim(s);
}

/*
 * Parse a decimal number 0..max; -1 if s is anything else. Digits only:
 * strtoul would accept blanks, signs and "0x".
 */
int
config_parse_uint(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long	 u;
	size_t		 len = strlen(s);

	if (len == 0 || len > 9 || strspn(s, "0123456789") != len)
		return -1;
	u = strtoul(s, NULL, 10);
	if (u > max)
		return -1;
	*v = (uint32_t)u;
	return 0;
}

/* Parse a decimal port number 1-65535; -1 if s is anything else. */
int
config_parse_port(const char *s, uint16_t *port)
{
	uint32_t	 v;

	if (config_parse_uint(s, 65535, &v) == -1 || v == 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* target-interface: a comma-separated list of interface names. */
int
config_set_ifaces(struct config_ld *ld, enum config_key key, const char *value)
{
	char	 buf[CONFIG_VALUE_MAX], names[MAX_IFACES][IF_NAMESIZE];
	char	*p = buf, *item;
	size_t	 n = 0, i, len;

	if (config_copy_value(ld, key, value, buf, sizeof(buf)) == -1)
		return -1;
	while ((item = config_next_item(&p)) != NULL) {
		if ((len = strlen(item)) == 0)
			return config_bad(ld, key, value, "empty interface name");
		if (len >= IF_NAMESIZE)
			return config_bad(ld, key, item, "interface name too long"
			    " (at most %d characters)", IF_NAMESIZE - 1);
		/* Letters, digits, '-', '_', '.'; never "." or "..". */
		if (strspn(item, ALNUM "-_.") != len || strspn(item, ".") == len)
			return config_bad(ld, key, item, "not a valid interface"
			    " name");
		for (i = 0; i < n; i++)
			if (strcmp(names[i], item) == 0)
				return config_bad(ld, key, item, "interface given"
				    " twice");
		if (n == MAX_IFACES)
			return config_bad(ld, key, value, "too many interfaces"
			    " (at most %d)", MAX_IFACES);
		memcpy(names[n++], item, len + 1);
	}
	memcpy(ld->conf->ifnames, names, sizeof(names));
	ld->conf->nifaces = n;
	return 0;
}

/* broadcast-port is a list of ports, mesh-port a single one. */
int
config_set_ports(struct config_ld *ld, enum config_key key, const char *value)
{
	char		 buf[CONFIG_VALUE_MAX], *p = buf, *item;
	uint16_t	 ports[MAX_PORTS], port;
	size_t		 n = 0, i;

	if (key == KEY_MESH_PORT &&
	    config_parse_port(value, &ld->conf->mesh_port) == -1)
		return config_bad(ld, key, value, "not a port number (1-65535)");
	if (key == KEY_MESH_PORT)
		return 0;
	if (config_copy_value(ld, key, value, buf, sizeof(buf)) == -1)
		return -1;
	while ((item = config_next_item(&p)) != NULL) {
		if (config_parse_port(item, &port) == -1)
			return config_bad(ld, key, item, "not a port number"
			    " (1-65535)");
		for (i = 0; i < n; i++)
			if (ports[i] == port)
				return config_bad(ld, key, item, "port given"
				    " twice");
		if (n == MAX_PORTS)
			return config_bad(ld, key, value, "too many ports (at"
			    " most %d)", MAX_PORTS);
		ports[n++] = port;
	}
	memcpy(ld->conf->ports, ports, n * sizeof(ports[0]));
	ld->conf->nports = n;
	return 0;
}

/* rate-source, rate-peer, rate-global: "PPS[/BURST]", 0 = unlimited. */
int
config_set_rate(struct config_ld *ld, enum config_key key, const char *value)
{
	struct config_rate	*r;
	char			 buf[32], *slash;
	uint32_t		 pps, burst;

	r = key == KEY_RATE_SOURCE ? &ld->conf->rate_source :
	    key == KEY_RATE_PEER ? &ld->conf->rate_peer : &ld->conf->rate_global;
	if (strlen(value) >= sizeof(buf))
		return config_bad(ld, key, value, "not PPS or PPS/BURST");
	memcpy(buf, value, strlen(value) + 1);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (config_parse_uint(buf, CONFIG_RATE_MAX, &pps) == -1)
		return config_bad(ld, key, value, "not PPS or PPS/BURST: PPS must"
		    " be a number of packets per second from 0 (unlimited) to"
		    " %u", CONFIG_RATE_MAX);
	burst = 2 * pps;
	if (slash != NULL && pps == 0)
		return config_bad(ld, key, value, "a burst needs a rate: 0 alone"
		    " means unlimited");
	if (slash != NULL && (config_parse_uint(slash, CONFIG_RATE_MAX,
	    &burst) == -1 || burst == 0))
		return config_bad(ld, key, value, "BURST must be a number of"
		    " packets from 1 to %u", CONFIG_RATE_MAX);
	r->pps = pps;
	r->burst = burst;
	return 0;
}

/* Cut a "/ss" or "/native" suffix off tok into p->format. */
static int
parse_format(struct config_ld *ld, enum config_key key, char *tok,
    const char *item, struct config_peer *p)
{
	char	*slash;

	p->format = PEER_FORMAT_AUTO;
	if ((slash = strchr(tok, '/')) == NULL)
		return 0;
	*slash++ = '\0';
	if (strcmp(slash, "ss") == 0)
		p->format = PEER_FORMAT_SS;
	else if (strcmp(slash, "native") == 0)
		p->format = PEER_FORMAT_NATIVE;
	else
		return config_bad(ld, key, item, "unknown format \"/%s\" (use"
		    " /ss, /native, or nothing for auto)", slash);
	return 0;
}

/* Parse "ADDR[:PORT][/ss|/native]" into p; ADDR: IPv4 or a host name. */
static int
parse_peer(struct config_ld *ld, enum config_key key, char *tok,
    struct config_peer *p)
{
	char		 item[CONFIG_VALUE_MAX], *colon;
	struct in_addr	 in;

	memcpy(item, tok, strlen(tok) + 1);
	if (parse_format(ld, key, tok, item, p) == -1)
		return -1;
	p->port_given = 0;
	if ((colon = strchr(tok, ':')) != NULL) {
		if (strchr(colon + 1, ':') != NULL)
			return config_bad(ld, key, item, "not an IPv4 address"
			    " (IPv6 is not supported)");
		*colon = '\0';
		if (config_parse_port(colon + 1, &p->port) == -1)
			return config_bad(ld, key, item, "bad port: not a port"
			    " number (1-65535)");
		p->port_given = 1;
	}
	p->host[0] = '\0';
	p->addr = 0;
	if (inet_pton(AF_INET, tok, &in) != 1) {
		/* All digits and dots: a mistyped address, not a name. */
		if (strspn(tok, "0123456789.") == strlen(tok))
			return config_bad(ld, key, item, "not an IPv4 address");
		if (!config_host_ok(tok))
			return config_bad(ld, key, item, "neither an IPv4"
			    " address nor a host name");
		memcpy(p->host, tok, strlen(tok) + 1);
		return 0;
	}
	if (!proto_unicast(in.s_addr))
		return config_bad(ld, key, item, "not a unicast IPv4 address");
	p->addr = in.s_addr;
	return 0;
}

/*
 * A host name as RFC 1123 has it: dot-separated labels of ASCII letters,
 * digits and hyphens, 1-63 bytes each, not starting or ending with a
 * hyphen, at most 253 bytes in all, plus one trailing dot if wanted.
 * With underscore, '_' counts as a letter.
 */
static int
name_ok(const char *s, int underscore)
{
	size_t	 len = strlen(s), label = 0, i;
	int	 c;

	if (len >= CONFIG_HOST_MAX)
		return 0;
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0)
		return 0;
	for (i = 0; i <= len; i++) {
		c = i < len ? (unsigned char)s[i] : '.';
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '-' && label > 0) ||
		    (c == '_' && underscore)) {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return 1;
}

/* See config_int.h. */
int
config_host_ok(const char *s)
{
	return name_ok(s, 0);
}

/* See config_int.h. */
int
config_dns_name_ok(const char *s)
{
	return name_ok(s, 1);
}

/*
 * Append peers separated by blanks or commas. A source replaces the peers
 * of lower ones but appends within itself (repeated flags or lines).
 */
int
config_add_peers(struct config_ld *ld, enum config_key key, const char *value)
{
	struct config		*conf = ld->conf;
	struct config_peer	 peer;
	char			 buf[CONFIG_VALUE_MAX], *p, *tok, *save = NULL;
	size_t			 n;

	if (config_copy_value(ld, key, value, buf, sizeof(buf)) == -1)
		return -1;
	n = conf->origin[key] == ld->src.origin ? conf->npeers : 0;
	for (p = buf; *p != '\0'; p++)
		if (*p == ',')
			*p = ' ';
	if ((tok = strtok_r(buf, " \t\r\n", &save)) == NULL)
		return config_bad(ld, key, value, "no address given");
	for (; tok != NULL; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_PEERS)
			return config_bad(ld, key, tok, "too many peers (at"
			    " most %d)", MAX_PEERS);
		if (parse_peer(ld, key, tok, &peer) == -1)
			return -1;
		conf->peers[n++] = peer;
	}
	conf->npeers = n;
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
parse_line(struct config_ld *ld, char *line)
{
	char	*p, *key, *value, e[256];
	int	 k;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	if (*(line = config_trim(line)) == '\0')
		return 0;
	if ((p = strchr(line, '=')) == NULL)
		return config_failx(ld, "%s:%d: missing \"=\" in \"%s\"",
		    ld->conf->file, ld->src.line,
		    config_esc(e, sizeof(e), line, strlen(line)));
	*p = '\0';
	key = config_trim(line);
	value = config_trim(p + 1);
	for (k = 0; k < KEY_MAX; k++)
		if (strcmp(config_keys[k].name, key) == 0)
			break;
	if (k == KEY_MAX)
		return config_failx(ld, "%s:%d: unknown key \"%s\"",
		    ld->conf->file, ld->src.line,
		    config_esc(e, sizeof(e), key, strlen(key)));
	if (*value == '\0')
		return config_bad(ld, k, value, "empty value");
	return config_set_key(ld, k, value);
}

/* Read the -f file, or the default file if it exists. */
int
config_read_file(struct config_ld *ld)
{
	const char	*path = ld->path != NULL ? ld->path : DEFAULT_CONF_FILE;
	char		 line[CONFIG_VALUE_MAX], e[256], why[128];
	FILE		*fp;
	int		 r;

	if (strlen(path) >= sizeof(ld->conf->file))
		return config_failx(ld, "config file \"%s\": path too long",
		    config_esc(e, sizeof(e), path, strlen(path)));
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT && ld->path == NULL)
			return 0;
		return config_failx(ld, "config file \"%s\": %s",
		    config_esc(e, sizeof(e), path, strlen(path)),
		    strerror(errno));
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
		return config_failx(ld, "%s:%d: %s", ld->conf->file,
		    ld->src.line, why);
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
int
config_read_env(struct config_ld *ld, char *const envp[])
{
	const char	*v;
	int		 k;

	ld->src.origin = ORIGIN_ENV;
	ld->src.line = 0;
	for (k = 0; k < KEY_MAX; k++)
		if (config_keys[k].env != NULL &&
		    (v = env_get(envp, config_keys[k].env)) != NULL &&
		    config_set_key(ld, k, v) == -1)
			return -1;
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
		    strlen(opts[i].lopt) == len &&
		    strncmp(opts[i].lopt, lopt, len) == 0)
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
do_opt(struct config_ld *ld, const struct opt_def *o, const char *value,
    int apply, int *ip, int argc, char *argv[])
{
	if (o->what == OPT_FLAG) {
		*(int *)(void *)((char *)ld->conf + o->flag) = 1;
		return 0;
	}
	if (o->what == OPT_FILE) {
		ld->path = value;
		return 0;
	}
	if (apply && config_set_key(ld, o->what, value) == -1)
		return -1;
	while (o->what == KEY_OTHER_RELAYS && *ip + 1 < argc &&
	    argv[*ip + 1][0] != '-') {
		(*ip)++;
		if (apply && config_set_key(ld, o->what, argv[*ip]) == -1)
			return -1;
	}
	return 0;
}

/* Handle "--name", "--name=value", "--name value" or "-ll value". */
static int
long_opt(struct config_ld *ld, int argc, char *argv[], int *ip, int apply)
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
		return config_failx(ld, "unknown option \"%s\" (see snowrelayd"
		    " -h)", config_esc(e, sizeof(e), a, len + 2));
	if (!TAKES_VALUE(o)) {
		if (value != NULL)
			return config_failx(ld, "option --%s takes no value",
			    o->lopt);
		return do_opt(ld, o, NULL, apply, ip, argc, argv);
	}
	if (value == NULL) {
		if (*ip + 1 >= argc)
			return config_failx(ld, "option %s needs a value",
			    config_esc(e, sizeof(e), a, strlen(a)));
		value = argv[++*ip];
	}
	return do_opt(ld, o, value, apply, ip, argc, argv);
}

/* Handle a cluster of short options such as "-dn", "-m7124" or "-t lo". */
static int
short_opts(struct config_ld *ld, int argc, char *argv[], int *ip, int apply)
{
	const struct opt_def	*o;
	const char		*a = argv[*ip], *value;
	char			 e[16];
	int			 j;

	for (j = 1; a[j] != '\0'; j++) {
		if ((o = opt_find(a[j], NULL, 0)) == NULL)
			return config_failx(ld, "unknown option \"-%s\" (see"
			    " snowrelayd -h)", config_esc(e, sizeof(e), a + j, 1));
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
			return config_failx(ld, "option -%c needs a value", a[j]);
		return do_opt(ld, o, value, apply, ip, argc, argv);
	}
	return 0;
}

/*
 * Walk argv by hand (no getopt state, so config_load can run repeatedly).
 * Pass 0 (apply 0) only notes flags and -f; pass 1 applies the settings.
 */
int
config_read_argv(struct config_ld *ld, int argc, char *argv[], int apply)
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
			return config_failx(ld, "unexpected argument \"%s\" (see"
			    " snowrelayd -h)", config_esc(e, sizeof(e), a,
			    strlen(a)));
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
