/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Configuration: the keys and their defaults, merging defaults < file <
 * environment < command line, the checks across keys, and printing.
 * The readers are in config_parse.c.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "coalesce.h"
#include "config_int.h"
#include "keyfile.h"
#include "log.h"

/* A peer as printed: "a.b.c.d:port" and "/ss" or "/native" unless auto. */
#define PEER_STR_MAX	(CONFIG_HOST_MAX + 16)	/* "HOST:PORT/native" */

/* Describe where a value came from, e.g. "environment MESH_PORT". */
static void
src_where(const struct config *conf, enum config_key key,
    const struct config_src *s, char *buf, size_t len)
{
	switch (s->origin) {
	case ORIGIN_FILE:
		snprintf(buf, len, "%s:%d", conf->file, s->line);
		break;
	case ORIGIN_ENV:
		snprintf(buf, len, "environment %s", config_keys[key].env);
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
int
config_bad(struct config_ld *ld, enum config_key key, const char *value,
    const char *fmt, ...)
{
	char	 where[PATH_MAX + 32], val[256], why[320];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	src_where(ld->conf, key, &ld->src, where, sizeof(where));
	log_escape(val, sizeof(val), value, strlen(value));
	snprintf(ld->err, ld->errlen, "%s: %s: \"%s\": %s", where,
	    config_keys[key].name, val, why);
	errno = EINVAL;
	return -1;
}

/* Set err to a message that names no key; returns -1. */
int
config_failx(struct config_ld *ld, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

/* Escape at most len bytes of s for a message. */
const char *
config_esc(char *buf, size_t size, const char *s, size_t len)
{
	log_escape(buf, size, s, len);
	return buf;
}

/* log-level: a syslog level by name. */
static int
set_log_level(struct config_ld *ld, enum config_key key, const char *value)
{
	int	 level;

	if ((level = log_level_parse(value)) == -1)
		return config_bad(ld, key, value, "unknown level (debug, info,"
		    " warning, error, critical)");
	ld->conf->log_level = level;
	return 0;
}

/* Portable user names: letters, digits, '.', '_', '-', not starting with '-'. */
static int
set_user(struct config_ld *ld, enum config_key key, const char *value)
{
	size_t	 len = strlen(value);

	if (len == 0 || len >= sizeof(ld->conf->user))
		return config_bad(ld, key, value, "user name must be 1-%zu"
		    " characters", sizeof(ld->conf->user) - 1);
	if (strspn(value, ALNUM "._-") != len || value[0] == '-')
		return config_bad(ld, key, value, "not a valid user name");
	memcpy(ld->conf->user, value, len + 1);
	return 0;
}

/* chroot and mesh-key-file: absolute paths. */
static int
set_path(struct config_ld *ld, enum config_key key, const char *value)
{
	char	*dst = key == KEY_CHROOT ? ld->conf->chroot :
		    ld->conf->mesh_key_file;
	size_t	 len = strlen(value);

	if (value[0] != '/')
		return config_bad(ld, key, value, "not an absolute path");
	if (key == KEY_CHROOT && strspn(value, "/") == len)
		return config_bad(ld, key, value, "must be an empty directory,"
		    " not /");
	if (len >= PATH_MAX)
		return config_bad(ld, key, value, "path too long");
	memcpy(dst, value, len + 1);
	return 0;
}

/* mesh-auth: off, accept-both or required. */
static int
set_auth(struct config_ld *ld, enum config_key key, const char *value)
{
	enum mesh_auth_mode	 m;

	for (m = MESH_AUTH_OFF; m <= MESH_AUTH_REQUIRED; m++)
		if (strcmp(value, config_auth_name(m)) == 0) {
			ld->conf->mesh_auth = m;
			return 0;
		}
	return config_bad(ld, key, value, "unknown mode (off, accept-both,"
	    " required)");
}

/* mesh-gso: on or off. */
static int
set_gso(struct config_ld *ld, enum config_key key, const char *value)
{
	if (strcmp(value, "on") == 0 || strcmp(value, "off") == 0) {
		ld->conf->mesh_gso = strcmp(value, "on") == 0;
		return 0;
	}
	return config_bad(ld, key, value, "not on or off");
}

/*
 * discover: the DNS name whose addresses are the peers; "" is none. From
 * the environment the value is SnowSignal's SERVICENAME, and the name is
 * Docker Swarm's tasks.SERVICENAME. Underscores are allowed: a stack's
 * services are named STACK_SERVICE.
 */
static int
set_discover(struct config_ld *ld, enum config_key key, const char *value)
{
	char	 name[CONFIG_HOST_MAX + 8];
	int	 swarm = ld->src.origin == ORIGIN_ENV;

	if (*value == '\0') {
		ld->conf->discover[0] = '\0';
		return 0;
	}
	snprintf(name, sizeof(name), "%s%s", swarm ? "tasks." : "", value);
	if (strlen(name) >= CONFIG_HOST_MAX || !config_dns_name_ok(name))
		return config_bad(ld, key, value, "%s is not a DNS name (labels"
		    " of letters, digits, '-' and '_', at most 253 bytes)",
		    swarm ? "tasks.SERVICENAME" : "it");
	memcpy(ld->conf->discover, name, strlen(name) + 1);
	return 0;
}

/* The plain number keys: where each goes, its range and unit. */
static const struct {
	enum config_key	 key;
	size_t		 off;
	uint32_t	 min, max;
	const char	*unit;
} numbers[] = {
	{ KEY_HELLO_INTERVAL, offsetof(struct config, hello_interval), 1,
	    CONFIG_INTERVAL_MAX, "seconds" },
	{ KEY_MESH_FRESHNESS, offsetof(struct config, mesh_freshness), 1,
	    CONFIG_INTERVAL_MAX, "seconds" },
	{ KEY_DEDUP_WINDOW, offsetof(struct config, dedup_window), 1,
	    CONFIG_DEDUP_MAX, "milliseconds" },
	{ KEY_CAPTURE_RING, offsetof(struct config, capture_ring), 0,
	    RING_MIB_MAX, "MiB" },
	{ KEY_DISCOVER_INTERVAL, offsetof(struct config, discover_interval), 1,
	    CONFIG_INTERVAL_MAX, "seconds" },
};

/* The numbers[] entry of key, which must be one of them. */
static size_t
number_index(enum config_key key)
{
	size_t	 i;

	for (i = 0; numbers[i].key != key; i++)
		;
	return i;
}

/* The keys of numbers[]. */
static int
set_number(struct config_ld *ld, enum config_key key, const char *value)
{
	size_t		 i = number_index(key);
	uint32_t	 v;

	if (config_parse_uint(value, numbers[i].max, &v) == -1 ||
	    v < numbers[i].min)
		return config_bad(ld, key, value, "not a number of %s from %u"
		    " to %u", numbers[i].unit, numbers[i].min, numbers[i].max);
	memcpy((char *)ld->conf + numbers[i].off, &v, sizeof(v));
	return 0;
}

/* coalesce: "PPS[/US]", load mode above PPS with a timer every US. */
static int
set_coalesce(struct config_ld *ld, enum config_key key, const char *value)
{
	char		 buf[32], *slash;
	uint32_t	 pps, us = ld->conf->coalesce.interval_us;

	if (strlen(value) >= sizeof(buf))
		return config_bad(ld, key, value, "not PPS or PPS/US");
	memcpy(buf, value, strlen(value) + 1);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (config_parse_uint(buf, COALESCE_PPS_MAX, &pps) == -1)
		return config_bad(ld, key, value, "not PPS or PPS/US: PPS must be"
		    " a number of packets per second from 0 (never) to %u",
		    COALESCE_PPS_MAX);
	if (slash != NULL && (config_parse_uint(slash, COALESCE_INTERVAL_MAX,
	    &us) == -1 || us < COALESCE_INTERVAL_MIN))
		return config_bad(ld, key, value, "US must be a number of"
		    " microseconds from %u to %u", COALESCE_INTERVAL_MIN,
		    COALESCE_INTERVAL_MAX);
	if (us == 0)		/* the default's own parse: no period yet */
		return config_bad(ld, key, value, "no US given");
	ld->conf->coalesce.pps = pps;
	ld->conf->coalesce.interval_us = us;
	return 0;
}

/* Every key: file key and long option name, environment variable, parser. */
const struct config_key_def config_keys[KEY_MAX] = {
	[KEY_TARGET_INTERFACE] = { "target-interface", "TARGET_INTERFACE",
	    DEFAULT_IFACE, config_set_ifaces },
	[KEY_BROADCAST_PORT] = { "broadcast-port", "BDCAST_PORT",
	    STR(DEFAULT_BCAST_PORT), config_set_ports },
	[KEY_MESH_PORT] = { "mesh-port", "MESH_PORT",
	    STR(DEFAULT_MESH_PORT), config_set_ports },
	[KEY_OTHER_RELAYS] = { "other-relays", NULL, NULL, config_add_peers },
	[KEY_LOG_LEVEL] = { "log-level", "LOGLEVEL", "info", set_log_level },
	[KEY_USER] = { "user", NULL, DEFAULT_USER, set_user },
	[KEY_CHROOT] = { "chroot", NULL, DEFAULT_CHROOT, set_path },
	[KEY_MESH_KEY_FILE] = { "mesh-key-file", NULL, NULL, set_path },
	/* Its default depends on mesh-key-file: see finish_auth(). */
	[KEY_MESH_AUTH] = { "mesh-auth", NULL, NULL, set_auth },
	[KEY_HELLO_INTERVAL] = { "hello-interval", NULL, DEFAULT_HELLO,
	    set_number },
	[KEY_MESH_FRESHNESS] = { "mesh-freshness", NULL, DEFAULT_FRESHNESS,
	    set_number },
	[KEY_DEDUP_WINDOW] = { "dedup-window", NULL, DEFAULT_DEDUP, set_number },
	[KEY_RATE_SOURCE] = { "rate-source", NULL, DEFAULT_RATE_SOURCE,
	    config_set_rate },
	[KEY_RATE_PEER] = { "rate-peer", NULL, DEFAULT_RATE_PEER,
	    config_set_rate },
	[KEY_RATE_GLOBAL] = { "rate-global", NULL, DEFAULT_RATE_GLOBAL,
	    config_set_rate },
	[KEY_COALESCE] = { "coalesce", NULL, DEFAULT_COALESCE, set_coalesce },
	[KEY_CAPTURE_RING] = { "capture-ring", NULL, DEFAULT_CAPTURE_RING,
	    set_number },
	[KEY_MESH_GSO] = { "mesh-gso", NULL, "on", set_gso },
	[KEY_DISCOVER] = { "discover", "SERVICENAME", NULL, set_discover },
	[KEY_DISCOVER_INTERVAL] = { "discover-interval", NULL,
	    DEFAULT_DISCOVER_INTERVAL, set_number },
	[KEY_DISCOVER_CIDR] = { "discover-cidr", NULL, NULL,
	    config_set_cidrs },
};

/* Parse and store one setting, recording where it came from. */
int
config_set_key(struct config_ld *ld, enum config_key key, const char *value)
{
	if (config_keys[key].set(ld, key, value) == -1)
		return -1;
	ld->conf->origin[key] = ld->src.origin;
	ld->conf->origin_line[key] = ld->src.line;
	return 0;
}

/* Blame key's final value from now on. */
static void
blame(struct config_ld *ld, enum config_key key)
{
	ld->src.origin = ld->conf->origin[key];
	ld->src.line = ld->conf->origin_line[key];
}

/* "a.b.c.d:port", with "/ss" or "/native" unless the format is auto. */
static void
peer_str(const struct config_peer *p, char *buf, size_t len)
{
	char	 a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u%s%s", p->host[0] != '\0' ? p->host : a,
	    p->port,
	    p->format == PEER_FORMAT_AUTO ? "" : "/",
	    p->format == PEER_FORMAT_AUTO ? "" : config_format_name(p->format));
}

/*
 * Whether p and q name the same peer: the same port, and the same host
 * name (DNS names are case-blind) or, both resolved, the same address.
 */
int
config_same_peer(const struct config_peer *p, const struct config_peer *q)
{
	if (p->port != q->port)
		return 0;
	if (p->host[0] != '\0' && q->host[0] != '\0' &&
	    strcasecmp(p->host, q->host) == 0)
		return 1;
	return p->addr != 0 && p->addr == q->addr;
}

/* Peers: default port (known only now), no duplicates. */
static int
finish_peers(struct config_ld *ld)
{
	struct config		*conf = ld->conf;
	struct config_peer	*p, *q;
	char			 v[PEER_STR_MAX];
	size_t			 i, j;

	for (i = 0; i < conf->npeers; i++)
		if (!conf->peers[i].port_given)
			conf->peers[i].port = conf->mesh_port;
	blame(ld, KEY_OTHER_RELAYS);
	for (i = 0; i < conf->npeers; i++) {
		for (j = 0, p = &conf->peers[i]; j < i; j++) {
			q = &conf->peers[j];
			if (!config_same_peer(p, q))
				continue;
			peer_str(p, v, sizeof(v));
			return config_bad(ld, KEY_OTHER_RELAYS, v, "peer given"
			    " twice");
		}
	}
	return 0;
}

/* SnowSignal refuses this too: the mesh socket would get the broadcasts. */
static int
finish_ports(struct config_ld *ld)
{
	struct config	*conf = ld->conf;
	enum config_key	 key;
	char		 v[16];
	size_t		 i;

	for (i = 0; i < conf->nports; i++) {
		if (conf->ports[i] != conf->mesh_port)
			continue;
		key = conf->origin[KEY_BROADCAST_PORT] >
		    conf->origin[KEY_MESH_PORT] ? KEY_BROADCAST_PORT :
		    KEY_MESH_PORT;
		blame(ld, key);
		snprintf(v, sizeof(v), "%u", conf->mesh_port);
		return config_bad(ld, key, v, "%s; the mesh needs a port of its"
		    " own", key == KEY_MESH_PORT ? "also a broadcast port" :
		    "also the mesh port");
	}
	return 0;
}

/* The mode against the key file and each peer's format. */
static int
finish_auth(struct config_ld *ld)
{
	struct config		*conf = ld->conf;
	struct config_peer	*p;
	char			 v[PEER_STR_MAX];
	int			 haskey = conf->mesh_key_file[0] != '\0';
	size_t			 i;

	if (conf->origin[KEY_MESH_AUTH] == ORIGIN_DEFAULT)
		conf->mesh_auth = haskey ? MESH_AUTH_REQUIRED : MESH_AUTH_OFF;
	blame(ld, KEY_MESH_AUTH);
	if (conf->mesh_auth != MESH_AUTH_OFF && !haskey)
		return config_bad(ld, KEY_MESH_AUTH,
		    config_auth_name(conf->mesh_auth), "needs a key: set"
		    " mesh-key-file (see KEY FILE in snowrelayd(8)), or use"
		    " mesh-auth off");
	blame(ld, KEY_OTHER_RELAYS);
	for (i = 0; i < conf->npeers; i++) {
		p = &conf->peers[i];
		peer_str(p, v, sizeof(v));
		if (p->format == PEER_FORMAT_NATIVE && !haskey)
			return config_bad(ld, KEY_OTHER_RELAYS, v, "the native"
			    " format needs a key: set mesh-key-file, or remove"
			    " \"/native\"");
		if (p->format == PEER_FORMAT_NATIVE &&
		    conf->mesh_auth == MESH_AUTH_OFF)
			return config_bad(ld, KEY_OTHER_RELAYS, v, "mesh-auth is"
			    " off: set mesh-auth accept-both or required to"
			    " authenticate, or remove \"/native\"");
		if (p->format == PEER_FORMAT_SS &&
		    conf->mesh_auth == MESH_AUTH_REQUIRED)
			return config_bad(ld, KEY_OTHER_RELAYS, v, "mesh-auth is"
			    " required%s, which refuses the \"SS\" format: use"
			    " mesh-auth accept-both while peers still speak it,"
			    " or remove \"/ss\"",
			    conf->origin[KEY_MESH_AUTH] == ORIGIN_DEFAULT ?
			    " (the default with mesh-key-file)" : "");
	}
	return 0;
}

int
config_load(struct config *conf, int argc, char *argv[], char *const envp[],
    char *err, size_t errlen)
{
	struct config_ld	 ld;
	int			 k;

	memset(conf, 0, sizeof(*conf));
	memset(&ld, 0, sizeof(ld));
	ld.conf = conf;
	ld.err = err;
	ld.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	ld.src.origin = ORIGIN_DEFAULT;
	for (k = 0; k < KEY_MAX; k++)
		if (config_keys[k].dflt != NULL &&
		    config_set_key(&ld, k, config_keys[k].dflt) == -1)
			return -1;
	/* First pass: flags and -f, which say which file to read, if any. */
	ld.src.origin = ORIGIN_CLI;
	if (config_read_argv(&ld, argc, argv, 0) == -1)
		return -1;
	if (conf->help || conf->version)
		return 0;
	if (config_read_file(&ld) == -1 || config_read_env(&ld, envp) == -1)
		return -1;
	ld.src.origin = ORIGIN_CLI;
	ld.src.line = 0;
	if (config_read_argv(&ld, argc, argv, 1) == -1)
		return -1;
	if (finish_peers(&ld) == -1 || finish_ports(&ld) == -1)
		return -1;
	return finish_auth(&ld);
}

/* Read the key file once, so that -n and start-up report its problems. */
static int
check_key_file(struct config_ld *ld)
{
	const struct config	*conf = ld->conf;
	struct keyfile		 kf;
	char			 why[512], where[PATH_MAX + 32];
	int			 r;

	if (conf->mesh_key_file[0] == '\0')
		return 0;
	if (conf->mesh_auth == MESH_AUTH_OFF) {
		log_warnx("mesh-auth is off: mesh-key-file %s is not used",
		    conf->mesh_key_file);
		return 0;
	}
	memset(&kf, 0, sizeof(kf));
	r = keyfile_read(conf->mesh_key_file, &kf, why, sizeof(why));
	keyfile_clear(&kf);
	if (r == 0)
		return 0;
	src_where(conf, KEY_MESH_KEY_FILE, &ld->src, where, sizeof(where));
	return config_failx(ld, "%s: mesh-key-file: %s", where, why);
}

int
config_check_system(const struct config *conf, char *err, size_t errlen)
{
	struct config_ld	 ld;
	size_t			 i;

	memset(&ld, 0, sizeof(ld));
	ld.conf = (struct config *)conf;
	ld.err = err;
	ld.errlen = errlen;
	blame(&ld, KEY_TARGET_INTERFACE);
	for (i = 0; i < conf->nifaces; i++) {
		if (if_nametoindex(conf->ifnames[i]) != 0)
			continue;
		if (errno == ENODEV || errno == ENXIO)
			return config_bad(&ld, KEY_TARGET_INTERFACE,
			    conf->ifnames[i], "no such interface");
		return config_bad(&ld, KEY_TARGET_INTERFACE, conf->ifnames[i],
		    "%s", strerror(errno));
	}
	blame(&ld, KEY_MESH_KEY_FILE);
	return check_key_file(&ld);
}

/* "PPS/BURST", or "0" for unlimited. */
static void
rate_str(const struct config_rate *r, char *buf, size_t len)
{
	if (r->pps == 0)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "%u/%u", r->pps, r->burst);
}

/* Format the value of a list key as it would appear in the config file. */
static void
format_list(const struct config *conf, enum config_key key, char *buf,
    size_t len)
{
	char	 p[PEER_STR_MAX];
	size_t	 i, o = 0;

	buf[0] = '\0';
	for (i = 0; key == KEY_TARGET_INTERFACE && i < conf->nifaces && o < len;
	    i++)
		o += snprintf(buf + o, len - o, "%s%s", i ? "," : "",
		    conf->ifnames[i]);
	for (i = 0; key == KEY_BROADCAST_PORT && i < conf->nports && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%u", i ? "," : "",
		    conf->ports[i]);
	for (i = 0; key == KEY_OTHER_RELAYS && i < conf->npeers && o < len; i++) {
		peer_str(&conf->peers[i], p, sizeof(p));
		o += snprintf(buf + o, len - o, "%s%s", i ? " " : "", p);
	}
	if (key == KEY_OTHER_RELAYS && conf->npeers == 0)
		snprintf(buf, len, "(none)");
}

/* Format the value of key as it would appear in the config file. */
static void
format_value(const struct config *conf, enum config_key key, char *buf,
    size_t len)
{
	uint32_t	 num;

	switch (key) {
	case KEY_MESH_PORT:
		snprintf(buf, len, "%u", conf->mesh_port);
		break;
	case KEY_LOG_LEVEL:
		snprintf(buf, len, "%s", log_level_name(conf->log_level));
		break;
	case KEY_USER:
		snprintf(buf, len, "%s", conf->user);
		break;
	case KEY_CHROOT:
		log_escape(buf, len, conf->chroot, sizeof(conf->chroot));
		break;
	case KEY_MESH_KEY_FILE:
		if (conf->mesh_key_file[0] == '\0')
			snprintf(buf, len, "(none)");
		else
			log_escape(buf, len, conf->mesh_key_file,
			    sizeof(conf->mesh_key_file));
		break;
	case KEY_MESH_AUTH:
		snprintf(buf, len, "%s", config_auth_name(conf->mesh_auth));
		break;
	case KEY_MESH_GSO:
		snprintf(buf, len, "%s", conf->mesh_gso ? "on" : "off");
		break;
	case KEY_DISCOVER:
		snprintf(buf, len, "%s", conf->discover[0] != '\0' ?
		    conf->discover : "(none)");
		break;
	case KEY_DISCOVER_CIDR:
		config_cidr_str(conf->discover_cidr, conf->ndiscover_cidr, buf,
		    len);
		break;
	case KEY_HELLO_INTERVAL:
	case KEY_MESH_FRESHNESS:
	case KEY_DEDUP_WINDOW:
	case KEY_CAPTURE_RING:
	case KEY_DISCOVER_INTERVAL:
		memcpy(&num, (const char *)conf + numbers[number_index(key)].off,
		    sizeof(num));
		snprintf(buf, len, "%u", num);
		break;
	case KEY_RATE_SOURCE:
	case KEY_RATE_PEER:
	case KEY_RATE_GLOBAL:
		rate_str(key == KEY_RATE_SOURCE ? &conf->rate_source :
		    key == KEY_RATE_PEER ? &conf->rate_peer : &conf->rate_global,
		    buf, len);
		break;
	case KEY_COALESCE:
		snprintf(buf, len, "%u/%u", conf->coalesce.pps,
		    conf->coalesce.interval_us);
		break;
	default:
		format_list(conf, key, buf, len);
		break;
	}
}

/* See config.h. */
int
config_peer_resolved(const struct config_peer *p, char *buf, size_t len)
{
	if (p->host[0] == '\0')
		return 0;
	if (p->addr == 0)
		snprintf(buf, len, "(not resolved)");
	else
		inet_ntop(AF_INET, &p->addr, buf, (socklen_t)len);
	return 1;
}

/* "# HOST = ADDR" for every peer given by name (resolved by then). */
static void
print_resolved(const struct config *conf, FILE *fp)
{
	char	 a[INET_ADDRSTRLEN + 16];
	size_t	 i;

	for (i = 0; i < conf->npeers; i++)
		if (config_peer_resolved(&conf->peers[i], a, sizeof(a)))
			fprintf(fp, "#   %s = %s\n", conf->peers[i].host, a);
}

void
config_print(const struct config *conf, FILE *fp)
{
	char			 val[MAX_PEERS * PEER_STR_MAX], where[PATH_MAX + 32];
	struct config_src	 s;
	int			 k;

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
		fprintf(fp, "%s = %s  # %s%s\n", config_keys[k].name, val,
		    s.origin == ORIGIN_FILE ? "file " : "",
		    s.origin == ORIGIN_DEFAULT ? "default" : where);
		if (k == KEY_OTHER_RELAYS)
			print_resolved(conf, fp);
	}
}

const char *
config_key_name(enum config_key key)
{
	return key < KEY_MAX ? config_keys[key].name : "unknown";
}

const char *
config_origin_name(enum config_origin origin)
{
	static const char	*names[] = { "default", "file", "environment",
				    "command line" };

	return origin <= ORIGIN_CLI ? names[origin] : "unknown";
}

const char *
config_auth_name(enum mesh_auth_mode mode)
{
	static const char	*names[] = { "off", "accept-both", "required" };

	return mode <= MESH_AUTH_REQUIRED ? names[mode] : "unknown";
}

const char *
config_format_name(enum peer_format format)
{
	static const char	*names[] = { "auto", "ss", "native" };

	return format <= PEER_FORMAT_NATIVE ? names[format] : "unknown";
}
