/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * discover-cidr: the IPv4 prefixes a discovered peer's address must lie
 * in, so that a forged DNS answer cannot point the relay at any address
 * (threat T6 of the design: reflection toward third parties).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_int.h"

/* The mask of a prefix length, network order. */
static uint32_t
cidr_mask(uint8_t len)
{
	return len == 0 ? 0 : htonl(~0U << (32 - len));
}

/* "A.B.C.D/LEN" or "A.B.C.D" (/32) into c; -1 with why set. */
static int
cidr_parse(char *tok, struct config_cidr *c, char *why, size_t whylen)
{
	struct in_addr	 in;
	char		*slash, a[INET_ADDRSTRLEN];
	uint32_t	 len = 32;

	if ((slash = strchr(tok, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, tok, &in) != 1 || (slash != NULL &&
	    config_parse_uint(slash, 32, &len) == -1)) {
		snprintf(why, whylen, "not an IPv4 prefix (ADDRESS/LENGTH,"
		    " length 0-32)");
		return -1;
	}
	c->len = (uint8_t)len;
	c->net = in.s_addr & cidr_mask(c->len);
	if (c->net != in.s_addr) {
		inet_ntop(AF_INET, &c->net, a, sizeof(a));
		snprintf(why, whylen, "host bits set (did you mean %s/%u?)", a,
		    len);
		return -1;
	}
	return 0;
}

/* See config_int.h. A source replaces the list of lower ones. */
int
config_set_cidrs(struct config_ld *ld, enum config_key key, const char *value)
{
	struct config	*conf = ld->conf;
	char		 buf[CONFIG_VALUE_MAX], item[64], why[96], *p, *tok;
	char		*save = NULL;
	size_t		 n = 0;

	if (config_copy_value(ld, key, value, buf, sizeof(buf)) == -1)
		return -1;
	for (p = buf; *p != '\0'; p++)
		if (*p == ',')
			*p = ' ';
	for (tok = strtok_r(buf, " \t\r\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == CONFIG_CIDR_MAX)
			return config_bad(ld, key, tok, "too many prefixes (at"
			    " most %d)", CONFIG_CIDR_MAX);
		snprintf(item, sizeof(item), "%s", tok);
		if (cidr_parse(tok, &conf->discover_cidr[n], why,
		    sizeof(why)) == -1)
			return config_bad(ld, key, item, "%s", why);
		n++;
	}
	conf->ndiscover_cidr = n;
	return 0;
}

/* See config.h. */
int
config_cidr_match(const struct config_cidr *c, size_t n, uint32_t addr)
{
	size_t	 i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if ((addr & cidr_mask(c[i].len)) == c[i].net)
			return 1;
	return 0;
}

/* See config.h. */
void
config_cidr_str(const struct config_cidr *c, size_t n, char *buf, size_t len)
{
	char	 a[INET_ADDRSTRLEN];
	size_t	 i, o = 0;

	snprintf(buf, len, "%s", n == 0 ? "(any)" : "");
	for (i = 0; i < n && o < len; i++) {
		inet_ntop(AF_INET, &c[i].net, a, sizeof(a));
		o += (size_t)snprintf(buf + o, len - o, "%s%s/%u", i ? "," : "",
		    a, c[i].len);
	}
}
