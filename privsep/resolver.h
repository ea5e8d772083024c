/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The resolver process of --discover: looks the name up every interval and
 * sends each answer to the helper. DNS parsing and NSS modules run in it,
 * with no capabilities, never in the helper or the worker (only once at
 * start-up, for --other-relays host names: resolver_first).
 */
#ifndef RESOLVER_H
#define RESOLVER_H

#include <sys/types.h>

#include <stdint.h>

#include "snowrelayd.h"

#define RESOLVER_MAX	(2 * MAX_PEERS)	/* addresses kept from one answer */

/* One lookup, resolver -> helper, a SOCK_SEQPACKET datagram. */
struct resolver_answer {
	int32_t		 status;	/* 0, or getaddrinfo's EAI_* code */
	int32_t		 sys_errno;	/* errno with EAI_SYSTEM */
	uint32_t	 naddrs;	/* 0 .. RESOLVER_MAX */
	uint32_t	 more;		/* IPv4 addresses beyond RESOLVER_MAX */
	uint32_t	 addrs[RESOLVER_MAX];	/* network order, as answered */
};

/*
 * Fork the resolver for name, looking it up at once and then every
 * interval seconds; *fd gets the helper's end of the socket. Call after
 * privdrop_helper: the child drops CAP_NET_RAW, closes every other fd,
 * dies with the helper (PDEATHSIG) and exits when fd closes. Returns the
 * child's pid; fatal on error.
 */
pid_t	 resolver_start(const char *name, uint32_t interval, int *fd);

/*
 * The first IPv4 address of host, with the lookup the resolver process
 * makes: 0, or -1 and why (getaddrinfo's words). For --other-relays host
 * names, resolved once at start-up (config_resolve_peers).
 */
int	 resolver_first(const char *host, uint32_t *addr, char *why,
	    size_t whylen);

/*
 * Receive one answer from fd into a. 1: an answer; 0: the resolver is gone
 * (EOF); -1: nothing yet (EAGAIN) or an error, with errno; EPROTO for a
 * message of the wrong size or with naddrs out of range.
 */
int	 resolver_recv(int fd, struct resolver_answer *a);

#endif /* RESOLVER_H */
