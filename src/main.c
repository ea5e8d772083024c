/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The composition root: the only file that knows both roles. Without the
 * hidden -W flag this is the helper; with it, the worker the helper execs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "helper.h"
#include "log.h"
#include "resolver.h"
#include "worker.h"

extern char	**environ;

int
main(int argc, char *argv[])
{
	struct config	 conf;
	char		 err[512];

	/* Worker role: "snowrelayd -W USER CHROOT FG", set up by the helper. */
	if (argc >= 2 && strcmp(argv[1], "-W") == 0) {
		if (argc != 5) {
			fprintf(stderr, "snowrelayd: -W is internal to snowrelayd\n");
			return 1;
		}
		worker_main(argv[2], argv[3], strcmp(argv[4], "1") == 0);
	}

	if (config_load(&conf, argc, argv, environ, err, sizeof(err)) == -1) {
		fprintf(stderr, "snowrelayd: %s\n", err);
		return 1;
	}
	if (conf.help) {
		config_usage(stdout);
		return 0;
	}
	if (conf.version) {
		printf("snowrelayd %s\n", PACKAGE_VERSION);
		return 0;
	}
	/* As root and before any privilege is dropped: see config_resolve.c. */
	if (config_resolve_peers(&conf, resolver_first, err,
	    sizeof(err)) == -1 ||
	    config_check_system(&conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "snowrelayd: %s\n", err);
		return 1;
	}
	if (conf.check_only) {
		config_print(&conf, stdout);
		printf("configuration OK\n");
		return 0;
	}
	helper_main(&conf);
}
