/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The discovered peer set (--discover): from the addresses a name resolves
 * to, the ones that become peers. The helper builds it from each answer of
 * its resolver process and tells the worker when it changes.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "peerset.h"

static int
peerset_has(const uint32_t *set, size_t n, uint32_t addr)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (set[i] == addr)
			return 1;
	return 0;
}

/* Insert addr into the ascending set of *n (room for one more). */
static void
peerset_insert(uint32_t *set, size_t *n, uint32_t addr)
{
	size_t	 i = *n;

	while (i > 0 && ntohl(set[i - 1]) > ntohl(addr)) {
		set[i] = set[i - 1];
		i--;
	}
	set[i] = addr;
	(*n)++;
}

/* See peerset.h. */
size_t
peerset_build(const uint32_t *answer, size_t n,
    const struct peerset_rules *rules, uint32_t *out,
    struct peerset_left *left)
{
	struct peerset_left	 l;
	size_t			 i, nout = 0;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < n; i++) {
		if (peerset_has(answer, i, answer[i]))
			continue;	/* counted at its first place */
		if (!proto_unicast(answer[i]))
			l.not_unicast++;
		else if (peerset_has(rules->skip, rules->nskip, answer[i]))
			l.skipped++;
		else if (!config_cidr_match(rules->allow, rules->nallow,
		    answer[i])) {
			if (l.outside++ == 0)
				l.first_outside = answer[i];
		} else if (nout == rules->max)
			l.over++;
		else
			peerset_insert(out, &nout, answer[i]);
	}
	if (left != NULL)
		*left = l;
	return nout;
}

/* See peerset.h. */
int
peerset_same(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(a[0])) == 0);
}

/* See peerset.h. */
void
peerset_str(const uint32_t *addrs, size_t n, char *buf, size_t len)
{
	char	 a[INET_ADDRSTRLEN];
	size_t	 i, used = 0;

	if (len == 0)
		return;
	snprintf(buf, len, "%s", n == 0 ? "none" : "");
	for (i = 0; i < n; i++) {
		inet_ntop(AF_INET, &addrs[i], a, sizeof(a));
		used = strlen(buf);
		/* Room for this one, its ", " and a final "..." */
		if (used + strlen(a) + 2 + 4 > len) {
			snprintf(buf + used, len - used, "...");
			return;
		}
		snprintf(buf + used, len - used, "%s%s", i > 0 ? ", " : "", a);
	}
}
