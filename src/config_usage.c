/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The usage text of -h and of a command-line error: the synopsis (the man
 * page's, word for word) and one line per option with its default.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_int.h"

/*
 * The synopsis, word for word the man page's SYNOPSIS, wrapped where
 * mandoc wraps it. tests/manlint.sh compares the two.
 */
static const char usage_synopsis[] =
    "usage: snowrelayd [-dhnV] [-b port[,port...]] [-f file] [-l level]"
    " [-m port]\n"
    "                  [-t interface[,interface...]] [-u user]"
    " [--capture-ring mib]\n"
    "                  [--chroot dir] [--coalesce pps[/us]]"
    " [--dedup-window ms]\n"
    "                  [--discover name] [--discover-cidr prefix[,prefix...]]\n"
    "                  [--discover-interval seconds] [--hello-interval seconds]\n"
    "                  [--mesh-auth off|accept-both|required]\n"
    "                  [--mesh-freshness seconds] [--mesh-gso on|off]\n"
    "                  [--mesh-key-file file] [--rate-global pps[/burst]]\n"
    "                  [--rate-peer pps[/burst]] [--rate-source"
    " pps[/burst]]\n"
    "                  [--other-relays addr[:port][/ss|/native] ...]\n";

/* One line per option: what it sets and its default. */
static const struct {
	const char	*opt, *help, *dflt;
} usage_help[] = {
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
	{ "--capture-ring mib", "in load mode, capture into a ring of this"
	    " size; 0 = never", DEFAULT_CAPTURE_RING },
	{ "--chroot dir", "empty directory the worker is chrooted to",
	    DEFAULT_CHROOT },
	{ "--coalesce pps[/us]", "above pps, drain the sockets on a timer"
	    " (every us) instead of per packet; 0 = never",
	    DEFAULT_COALESCE },
	{ "--dedup-window ms", "a frame seen again within this is a duplicate",
	    DEFAULT_DEDUP },
	{ "--discover name", "DNS name whose addresses are the other relays"
	    " (SnowSignal's SERVICENAME: tasks.SERVICENAME)", "none; env"
	    " SERVICENAME" },
	{ "--discover-cidr prefix[,prefix...]", "IPv4 prefixes a discovered"
	    " peer's address must be in", "any" },
	{ "--discover-interval seconds", "time between lookups of the"
	    " --discover name", DEFAULT_DISCOVER_INTERVAL },
	{ "--hello-interval seconds", "time between HELLOs to native peers",
	    DEFAULT_HELLO },
	{ "--mesh-auth off|accept-both|required", "mesh authentication",
	    "required with a key file, else off" },
	{ "--mesh-freshness seconds", "clock difference allowed to peers",
	    DEFAULT_FRESHNESS },
	{ "--mesh-gso on|off", "send equal-size mesh datagrams to a peer"
	    " in one UDP GSO send", "on" },
	{ "--mesh-key-file file", "mesh keys, \"ID HEX\" lines, mode 0600 or"
	    " 0400", "none" },
	{ "--rate-global pps[/burst]", "frames forwarded plus emitted,"
	    " 0 = unlimited", DEFAULT_RATE_GLOBAL },
	{ "--rate-peer pps[/burst]", "datagrams accepted per peer",
	    DEFAULT_RATE_PEER },
	{ "--rate-source pps[/burst]", "frames captured per source address",
	    DEFAULT_RATE_SOURCE },
	{ "--other-relays addr[:port][/ss|/native] ...", "IPv4 addresses of the"
	    " other relays", "port: the mesh port; format: auto" },
};

/* Print the synopsis (the man page's SYNOPSIS) and one line per option. */
void
config_usage(FILE *fp)
{
	char	 dflt[PATH_MAX + 64];
	size_t	 i;

	fputs(usage_synopsis, fp);
	for (i = 0; i < sizeof(usage_help) / sizeof(usage_help[0]); i++) {
		dflt[0] = '\0';
		if (usage_help[i].dflt != NULL)
			snprintf(dflt, sizeof(dflt), " (%s)", usage_help[i].dflt);
		fprintf(fp, "  %-20s%s%s%s\n", usage_help[i].opt,
		    strlen(usage_help[i].opt) > 19 ?
		    "\n                      " : "", usage_help[i].help, dflt);
	}
}
