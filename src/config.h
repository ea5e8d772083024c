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
	KEY_MAX
};

struct config_peer {
	uint32_t	 addr;		/* IPv4, network byte order */
	uint16_t	 port;		/* host order; mesh_port if not given */
	int		 port_given;	/* 1 if "ADDR:PORT" named the port */
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
	char			 file[PATH_MAX];	/* config file used, or "" */
	int			 foreground;		/* -d */
	int			 check_only;		/* -n */
	int			 worker;		/* hidden -W role flag */
	int			 help;			/* -h: print usage, exit 0 */
	int			 version;		/* -V: print version, exit 0 */
	enum config_origin	 origin[KEY_MAX];
	int			 origin_line[KEY_MAX];	/* file line if ORIGIN_FILE */
	char			 servicename[256];	/* env SERVICENAME: not supported yet */
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
 * Check what needs the running system: interfaces exist. 0 or -1 + err.
 * Also warns (log_warnx) that SERVICENAME discovery is not supported yet.
 */
int	 config_check_system(const struct config *conf, char *err, size_t errlen);

/* Print every effective setting and where it came from (for -n). */
void	 config_print(const struct config *conf, FILE *fp);

/* The usage text; identical to the man page SYNOPSIS. */
void	 config_usage(FILE *fp);

const char	*config_key_name(enum config_key key);
const char	*config_origin_name(enum config_origin origin);

#endif /* CONFIG_H */
