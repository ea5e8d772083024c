/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Configuration: defaults < file < environment < command line, with the
 * origin of every setting recorded. Used by the helper only; the worker
 * receives the result over the channel.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto.h"
#include "snowrelayd.h"

enum config_origin {
	ORIGIN_DEFAULT = 0,
	ORIGIN_FILE,
	ORIGIN_ENV,
	ORIGIN_CLI,
};

/* One settable key; the index into config.origin[]. */
enum config_key {
	KEY_TARGET_INTERFACE = 0,
	KEY_BROADCAST_PORT,
	KEY_MESH_PORT,
	KEY_OTHER_RELAYS,
	KEY_LOG_LEVEL,
	KEY_USER,
	KEY_CHROOT,
	KEY_MESH_KEY_FILE,
	KEY_MESH_AUTH,
	KEY_HELLO_INTERVAL,
	KEY_MESH_FRESHNESS,
	KEY_DEDUP_WINDOW,
	KEY_RATE_SOURCE,
	KEY_RATE_PEER,
	KEY_RATE_GLOBAL,
	KEY_COALESCE,
	KEY_CAPTURE_RING,
	KEY_MESH_GSO,
	KEY_DISCOVER,
	KEY_DISCOVER_INTERVAL,
	KEY_DISCOVER_CIDR,
	KEY_MAX
};

#define CONFIG_RATE_MAX		10000000	/* packets per second, and burst */
#define CONFIG_INTERVAL_MAX	3600		/* hello-interval, mesh-freshness (s) */
#define CONFIG_DEDUP_MAX	60000		/* dedup-window (ms) */

#define CONFIG_HOST_MAX		254	/* a DNS name (253) and its NUL */
#define CONFIG_CIDR_MAX		16	/* discover-cidr prefixes */

struct config_peer {
	char		 host[CONFIG_HOST_MAX];	/* "" if given as an address */
	uint32_t	 addr;		/* IPv4, network byte order; 0 until host is resolved */
	uint16_t	 port;		/* host order; mesh_port if not given */
	int		 port_given;	/* 1 if "ADDR:PORT" named the port */
	enum peer_format format;	/* "/ss", "/native", or auto */
};

/* An IPv4 prefix: "A.B.C.D/LEN", no host bits set. */
struct config_cidr {
	uint32_t	 net;		/* network order */
	uint8_t		 len;		/* 0..32 */
};

/* A token bucket: "PPS[/BURST]"; pps 0 is unlimited (burst then 0). */
struct config_rate {
	uint32_t	 pps;
	uint32_t	 burst;		/* 2 * pps unless given */
};

/* Load mode: "PPS[/US]"; pps 0 never enters it. */
struct config_coalesce {
	uint32_t	 pps;
	uint32_t	 interval_us;
};

struct config {
	char			 ifnames[MAX_IFACES][IF_NAMESIZE];
	size_t			 nifaces;
	uint16_t		 ports[MAX_PORTS];	/* host order */
	size_t			 nports;
	uint16_t		 mesh_port;
	struct config_peer	 peers[MAX_PEERS];
	size_t			 npeers;
	int			 log_level;		/* syslog LOG_* */
	char			 user[64];
	char			 chroot[PATH_MAX];
	char			 mesh_key_file[PATH_MAX];	/* "" if none */
	enum mesh_auth_mode	 mesh_auth;	/* default: REQUIRED with a key file */
	uint32_t		 hello_interval;	/* seconds */
	uint32_t		 mesh_freshness;	/* seconds */
	uint32_t		 dedup_window;		/* milliseconds */
	struct config_rate	 rate_source;	/* per captured source IP */
	struct config_rate	 rate_peer;	/* per peer, mesh receive */
	struct config_rate	 rate_global;	/* forwarded + emitted */
	struct config_coalesce	 coalesce;	/* load mode */
	uint32_t		 capture_ring;	/* MiB, 0: none; used in load mode */
	int			 mesh_gso;	/* 1: UDP GSO sends where the kernel has it */
	char			 discover[CONFIG_HOST_MAX];	/* DNS name of the peers, "": none */
	uint32_t		 discover_interval;	/* seconds between lookups */
	struct config_cidr	 discover_cidr[CONFIG_CIDR_MAX];	/* none: any */
	size_t			 ndiscover_cidr;
	char			 file[PATH_MAX];	/* config file used, or "" */
	int			 foreground;		/* -d */
	int			 check_only;		/* -n */
	int			 worker;		/* hidden -W role flag */
	int			 help;			/* -h: print usage, exit 0 */
	int			 version;		/* -V: print version, exit 0 */
	enum config_origin	 origin[KEY_MAX];
	int			 origin_line[KEY_MAX];	/* file line if ORIGIN_FILE */
};

/*
 * Build the configuration from argv, the environment (envp, NULL-terminated
 * "NAME=value" strings) and the config file (-f, else DEFAULT_CONF_FILE if it
 * exists). Returns 0, or -1 with a one-line message naming the setting and
 * the bad value and where it came from in err (e.g. "command line:
 * mesh-port: \"70000\": not a port number (1-65535)",
 * "/etc/snowrelayd.conf:3: unknown key \"foo\"").
 * Does not check that interfaces exist (see config_check_system).
 */
int	 config_load(struct config *conf, int argc, char *argv[], char *const envp[],
	    char *err, size_t errlen);

/*
 * Resolve the peers given by host name (IPv4, the first address the
 * resolver gives, as SnowSignal's sendto() does), once, with resolve();
 * resolver_first() is the system's. 0, or -1 with a message naming
 * the host and why in err: it does not resolve, resolves to an address
 * that is not unicast, or to a peer already given.
 */
typedef int	(*config_resolver)(const char *host, uint32_t *addr, char *why,
		    size_t whylen);
int	 config_resolve_peers(struct config *conf, config_resolver resolve,
	    char *err, size_t errlen);
/*
 * For a peer given by host name: 1, and what it resolved to in buf (the
 * address, or "(not resolved)"); 0 for a peer given as an address.
 */
int	 config_peer_resolved(const struct config_peer *p, char *buf, size_t len);

/*
 * Check what needs the running system: interfaces exist, and the mesh key
 * file (if mesh-auth uses it) can be read with keyfile_read(); the keys are
 * cleared again. 0 or -1 + err. Also warns (log_warnx) that a key file is
 * ignored with mesh-auth off.
 */
int	 config_check_system(const struct config *conf, char *err, size_t errlen);

/* 1 if addr (network order) lies in one of the n prefixes, or n is 0. */
int	 config_cidr_match(const struct config_cidr *c, size_t n, uint32_t addr);
/* "198.18.0.0/15,198.19.1.0/24", or "(any)" for none. */
void	 config_cidr_str(const struct config_cidr *c, size_t n, char *buf,
	    size_t len);

/* Print every effective setting and where it came from (for -n). */
void	 config_print(const struct config *conf, FILE *fp);

/*
 * The usage text: the synopsis, wrapped as the man page SYNOPSIS is (the
 * same words), then one line per option.
 */
void	 config_usage(FILE *fp);

const char	*config_key_name(enum config_key key);
const char	*config_origin_name(enum config_origin origin);
/* "off", "accept-both", "required"; "ss", "native", "auto". */
const char	*config_auth_name(enum mesh_auth_mode mode);
const char	*config_format_name(enum peer_format format);

#endif /* CONFIG_H */
