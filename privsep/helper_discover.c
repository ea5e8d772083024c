/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The helper's side of --discover: check each answer of the resolver
 * process, keep the last good set through failed lookups, open the mesh
 * socket's source filter to the set and send it to the worker when it
 * changes.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "helper_int.h"
#include "log.h"
#include "peerset.h"
#include "rawsock.h"
#include "resolver.h"

#define SKIP_MAX	(MAX_PEERS + 64)	/* static peers and our addresses */

/* The static peers and every IPv4 address of this host: never discovered. */
static size_t
helper_skip(const struct helper *h, uint32_t *skip)
{
	struct ifaddrs	*ifa, *i;
	size_t		 n = h->npeeraddrs;

	memcpy(skip, h->peeraddrs, n * sizeof(skip[0]));
	if (getifaddrs(&ifa) == -1) {
		log_warn("discover: getifaddrs: our own addresses unknown");
		return n;
	}
	for (i = ifa; i != NULL && n < SKIP_MAX; i = i->ifa_next)
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET)
			skip[n++] = ((struct sockaddr_in *)
			    (void *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifa);
	return n;
}

/* Open the kernel's mesh source filter to the static peers and set. */
static void
helper_discover_filter(struct helper *h, const uint32_t *set, size_t n)
{
	uint32_t	 all[MAX_PEERS];
	char		 err[256];

	memcpy(all, h->peeraddrs, h->npeeraddrs * sizeof(all[0]));
	memcpy(all + h->npeeraddrs, set, n * sizeof(all[0]));
	if (rawsock_mesh_update(h->meshfd, all, h->npeeraddrs + n, err,
	    sizeof(err)) == -1)
		helper_die(h, "discover: %s", err);
}

static void
helper_discover_send(struct helper *h)
{
	struct msg_peers	 m;

	memset(&m, 0, sizeof(m));
	m.port = h->conf->mesh_port;
	m.naddrs = (uint32_t)h->ndisc;
	memcpy(m.addrs, h->disc, h->ndisc * sizeof(m.addrs[0]));
	if (helper_send(h, MSG_PEERS, &m, sizeof(m), -1) == -1)
		helper_die(h, "discover: cannot send the peers to the worker");
}

/* Say once per run of failures that the last set stays. */
static void
helper_lookup_failed(struct helper *h, const struct resolver_answer *a)
{
	char	 kept[64];

	if (h->disc_failing)
		return;
	h->disc_failing = 1;
	if (h->disc_answered)
		snprintf(kept, sizeof(kept), "the %zu peer%s kept", h->ndisc,
		    h->ndisc == 1 ? "" : "s");
	else
		snprintf(kept, sizeof(kept), "no peers yet");
	log_warnx("discover %s: lookup failed: %s; %s", h->conf->discover,
	    a->status == EAI_SYSTEM ? strerror(a->sys_errno) :
	    gai_strerror(a->status), kept);
}

/*
 * Warn about what an answer left out, when that differs from the last
 * answer's: a forged or broken answer shows even when the set stays.
 */
static void
helper_left_out(struct helper *h, const struct peerset_left *l,
    const struct resolver_answer *a)
{
	char	 addr[INET_ADDRSTRLEN], cidr[CONFIG_CIDR_MAX * 20];
	size_t	 over = l->over + a->more;

	if (l->not_unicast == h->left.not_unicast &&
	    l->outside == h->left.outside &&
	    l->first_outside == h->left.first_outside && over == h->left.over)
		return;
	h->left = *l;
	h->left.over = over;
	if (l->not_unicast > 0)
		log_warnx("discover %s: %zu address%s not unicast: left out",
		    h->conf->discover, l->not_unicast,
		    l->not_unicast == 1 ? "" : "es");
	if (l->outside > 0) {
		inet_ntop(AF_INET, &l->first_outside, addr, sizeof(addr));
		config_cidr_str(h->conf->discover_cidr,
		    h->conf->ndiscover_cidr, cidr, sizeof(cidr));
		log_warnx("discover %s: %zu address%s outside discover-cidr %s"
		    " (%s%s): left out", h->conf->discover, l->outside,
		    l->outside == 1 ? "" : "es", cidr, addr, l->outside > 1 ?
		    ", ..." : "");
	}
	if (over > 0)
		log_warnx("discover %s: %zu address%s over the %d peers a"
		    " relay takes: left out", h->conf->discover, over,
		    over == 1 ? "" : "es", MAX_PEERS);
}

/* See helper_int.h. */
void
helper_discovered(struct helper *h)
{
	struct resolver_answer	 a;
	struct peerset_left	 left;
	struct peerset_rules	 rules;
	uint32_t		 skip[SKIP_MAX], set[MAX_PEERS];
	char			 list[512];
	size_t			 n;
	int			 r;

	if ((r = resolver_recv(h->resfd, &a)) == -1 &&
	    (errno == EAGAIN || errno == EINTR))
		return;
	if (r == 0)
		helper_die(h, "discover: the resolver process exited");
	if (r == -1)
		helper_die(h, "discover: from the resolver: %s", errno ==
		    EPROTO ? "malformed answer" : strerror(errno));
	if (a.status != 0) {
		helper_lookup_failed(h, &a);
		return;
	}
	if (h->disc_failing)
		log_info("discover %s: resolves again", h->conf->discover);
	h->disc_failing = 0;
	rules.skip = skip;
	rules.nskip = helper_skip(h, skip);
	rules.allow = h->conf->discover_cidr;
	rules.nallow = h->conf->ndiscover_cidr;
	rules.max = MAX_PEERS - h->npeeraddrs;
	n = peerset_build(a.addrs, a.naddrs, &rules, set, &left);
	helper_left_out(h, &left, &a);
	if (h->disc_answered && peerset_same(set, n, h->disc, h->ndisc))
		return;
	peerset_str(set, n, list, sizeof(list));
	log_info("discover %s: %zu peer%s: %s (%zu of ours or of"
	    " --other-relays left out)", h->conf->discover, n, n == 1 ? "" :
	    "s", list, left.skipped);
	helper_discover_filter(h, set, n);
	memcpy(h->disc, set, n * sizeof(set[0]));
	h->ndisc = n;
	h->disc_answered = 1;
	helper_discover_send(h);
}
