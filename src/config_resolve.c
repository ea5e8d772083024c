/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Peers given by host name: resolved once, at start-up, before the
 * helper drops its privileges and long before the worker exists (it has
 * no resolver and no way to reach one). SnowSignal passes the name to
 * sendto() and so resolves it per datagram; here a changed address needs
 * a restart, as the man page says.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_int.h"

/* Resolve peer i; then it must be unicast and not a peer given before. */
static int
resolve_one(struct config_ld *ld, size_t i, config_resolver resolve)
{
	struct config_peer	*p = &ld->conf->peers[i];
	char			 why[256], a[INET_ADDRSTRLEN];
	size_t			 j;

	why[0] = '\0';
	if (resolve(p->host, &p->addr, why, sizeof(why)) == -1) {
		p->addr = 0;
		return config_bad(ld, KEY_OTHER_RELAYS, p->host, "host name"
		    " does not resolve: %s", why);
	}
	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	if (!proto_unicast(p->addr))
		return config_bad(ld, KEY_OTHER_RELAYS, p->host, "resolves to"
		    " %s, not a unicast IPv4 address", a);
	for (j = 0; j < ld->conf->npeers; j++)
		if (j != i && config_same_peer(&ld->conf->peers[j], p))
			return config_bad(ld, KEY_OTHER_RELAYS, p->host,
			    "resolves to %s:%u, a peer given already", a,
			    p->port);
	return 0;
}

/* See config.h. */
int
config_resolve_peers(struct config *conf, config_resolver resolve, char *err,
    size_t errlen)
{
	struct config_ld	 ld;
	size_t			 i;

	memset(&ld, 0, sizeof(ld));
	ld.conf = conf;
	ld.err = err;
	ld.errlen = errlen;
	ld.src.origin = conf->origin[KEY_OTHER_RELAYS];
	ld.src.line = conf->origin_line[KEY_OTHER_RELAYS];
	for (i = 0; i < conf->npeers; i++)
		if (conf->peers[i].host[0] != '\0' &&
		    resolve_one(&ld, i, resolve) == -1)
			return -1;
	return 0;
}
