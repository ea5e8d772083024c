/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The discovered peer set: which addresses of a DNS answer become peers.
 * Pure: no I/O.
 */
#ifndef PEERSET_H
#define PEERSET_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* What may become a peer. */
struct peerset_rules {
	const uint32_t		*skip;	/* ours and the static peers */
	size_t			 nskip;
	const struct config_cidr *allow; /* discover-cidr; none: any */
	size_t			 nallow;
	size_t			 max;	/* room left in the peer table */
};

/* What peerset_build left out of an answer, and why. */
struct peerset_left {
	size_t	 not_unicast;	/* 0/8, multicast, class E */
	size_t	 skipped;	/* ours, or a peer given by --other-relays */
	size_t	 outside;	/* not in discover-cidr */
	uint32_t first_outside;	/* the first of those, for the log */
	size_t	 over;		/* valid, but beyond max */
};

/*
 * The peers in an answer of n addresses (network order): the unicast ones
 * inside the allowed prefixes that are not in skip, once each, in
 * ascending order, at most max of them, into out. Returns how many; left
 * (not NULL) says what was left out. Duplicates are not counted as left
 * out.
 */
size_t	 peerset_build(const uint32_t *answer, size_t n,
	    const struct peerset_rules *rules, uint32_t *out,
	    struct peerset_left *left);
/* 1 if a and b hold the same addresses in the same order. */
int	 peerset_same(const uint32_t *a, size_t na, const uint32_t *b,
	    size_t nb);
/* "198.18.2.2, 198.18.3.2" (or "none"), cut with "..." to fit len. */
void	 peerset_str(const uint32_t *addrs, size_t n, char *buf, size_t len);

#endif /* PEERSET_H */
