/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * meshsend's datagram builder: turns the options into the bytes of one
 * mesh datagram -- "SS" + frame, or a native DATA or HELLO with its tag
 * (src/mesh.h and src/auth.c, encoded again here independently of the
 * daemon's codec), forged as the options ask.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nettle/hmac.h>
#include <nettle/umac.h>

#include "toolutil.h"
#include "meshsend.h"

#define UDP_LEN		8
#define ICMP_LEN	8

/* Native format (src/mesh.h). */
#define NAT_VERSION	1
#define NAT_F_L3	0x01		/* DATA payload: the IPv4 packet only */
#define NAT_NONCE	8		/* UMAC nonce: header bytes 8..23 */
#define UMAC_LABEL	"snowrelay umac-128 key v1"
#define HELLO_MIN	24

static void
put64(uint8_t *p, uint64_t v)
{
	tool_put32(p, (uint32_t)(v >> 32));
	tool_put32(p + 4, (uint32_t)v);
}

/* Pseudo-header sum for TCP/UDP over an IPv4 header at ip. */
static uint32_t
pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t	 sum = 0;

	sum = tool_sum16(ip + 12, 8, sum);
	sum += proto;
	sum += (uint32_t)l4len;
	return sum;
}

/* Write the transport header at l4 (payload already in place); its length. */
static size_t
build_l4(uint8_t *ip, uint8_t *l4, const struct opts *o, uint32_t seq)
{
	size_t		 hl, l4len;
	uint16_t	 c;

	hl = o->proto == P_UDP ? UDP_LEN : o->proto == P_TCP ? TCP_LEN : ICMP_LEN;
	l4len = hl + o->size;
	memset(l4, 0, hl);
	if (o->proto == P_ICMP) {
		l4[0] = 8;			/* echo request */
		tool_put16(l4 + 4, 0x5352);
		tool_put16(l4 + 6, (uint16_t)seq);
		tool_put16(l4 + 2, (uint16_t)~tool_fold(tool_sum16(l4, l4len, 0)));
		return l4len;
	}
	tool_put16(l4, o->sport);
	tool_put16(l4 + 2, o->dport);
	if (o->proto == P_UDP) {
		tool_put16(l4 + 4, (uint16_t)l4len);
		if (o->partial) {
			/* What a veth with tx offload leaves in the field. */
			tool_put16(l4 + 6, tool_fold(pseudo(ip, 17, l4len)));
			return l4len;
		}
		c = (uint16_t)~tool_fold(tool_sum16(l4, l4len, pseudo(ip, 17, l4len)));
		tool_put16(l4 + 6, c == 0 ? 0xffff : c);
		return l4len;
	}
	tool_put32(l4 + 4, seq);			/* TCP sequence number */
	l4[12] = 5 << 4;			/* data offset */
	l4[13] = 0x18;				/* PSH, ACK */
	tool_put16(l4 + 14, 65535);
	tool_put16(l4 + 16, (uint16_t)~tool_fold(tool_sum16(l4, l4len, pseudo(ip, 6, l4len))));
	return l4len;
}

/* Build one Ethernet frame at eth; returns its length. */
static size_t
build_frame(uint8_t *eth, const struct opts *o, uint32_t seq)
{
	uint8_t		*ip = eth + ETH_LEN, *l4 = ip + IP_LEN;
	size_t		 hl, l4len;

	memcpy(eth, o->dmac, 6);
	memcpy(eth + 6, o->smac, 6);
	tool_put16(eth + 12, 0x0800);
	hl = o->proto == P_UDP ? UDP_LEN : o->proto == P_TCP ? TCP_LEN : ICMP_LEN;
	tool_payload_fill(l4 + hl, o->size, seq);
	memset(ip, 0, IP_LEN);
	ip[0] = 0x45;
	tool_put16(ip + 2, (uint16_t)(IP_LEN + hl + o->size));
	tool_put16(ip + 4, (uint16_t)seq);		/* identification */
	tool_put16(ip + 6, 0x4000);			/* DF */
	ip[8] = 64;
	ip[9] = (uint8_t)o->proto;
	memcpy(ip + 12, &o->src, 4);
	memcpy(ip + 16, &o->dst, 4);
	tool_put16(ip + 10, (uint16_t)~tool_fold(tool_sum16(ip, IP_LEN, 0)));
	l4len = build_l4(ip, l4, o, seq);
	return ETH_LEN + IP_LEN + l4len;
}

/* Build the HELLO payload (src/mesh.h) at p; returns its length. */
static size_t
build_hello(uint8_t *p, const struct opts *o)
{
	size_t	 i, n;

	memset(p, 0, HELLO_MIN);
	p[0] = 1;				/* hello version */
	p[1] = (uint8_t)o->nmacs;
	p[2] = (uint8_t)o->kf.nkeys;
	tool_put16(p + 4, (uint16_t)o->hello_interval);
	memcpy(p + 8, "meshsend", 8);		/* version string, NUL-padded */
	n = HELLO_MIN;
	for (i = 0; i < o->kf.nkeys; i++)
		p[n++] = o->kf.keys[i].id;
	for (i = 0; i < o->nmacs; i++, n += 6)
		memcpy(p + n, o->hello_macs[i], 6);
	return n;
}

/* The key that signs: --key-id from the file, else the primary. */
const struct keyfile_key *
meshbuild_sign_key(const struct opts *o)
{
	size_t	 i;

	if (o->key_id < 0)
		return &o->kf.keys[0];
	for (i = 0; i < o->kf.nkeys; i++)
		if (o->kf.keys[i].id == o->key_id)
			return &o->kf.keys[i];
	fprintf(stderr, "meshsend: --key-id %ld: not in %s\n", o->key_id, o->keyfile);
	exit(2);
}

/* A key id that is not in the key file (for --wrong-key). */
unsigned int
meshbuild_absent_key_id(const struct opts *o)
{
	unsigned int	 id;
	size_t		 i;

	for (id = 255; id > 0; id--) {
		for (i = 0; i < o->kf.nkeys; i++)
			if (o->kf.keys[i].id == id)
				break;
		if (i == o->kf.nkeys)
			return id;
	}
	return 255;
}

/* The flags byte: --flags, else L3 for DATA without --eth, else 0. */
uint8_t
meshbuild_native_flags(const struct opts *o)
{
	if (o->have_flags)
		return o->flags;
	return o->type == NAT_DATA && !o->eth ? NAT_F_L3 : 0;
}

/* The header timestamp: --timestamp, else the wall clock plus --ts-offset. */
static uint32_t
timestamp(const struct opts *o)
{
	struct timespec	 now;

	if (o->have_ts)
		return o->ts;
	clock_gettime(CLOCK_REALTIME, &now);
	return (uint32_t)((int64_t)now.tv_sec + o->ts_offset);
}

/*
 * The tag over d[0..n) with key k, by its algorithm (src/auth.c, done
 * again here): HMAC-SHA-256 truncated to 16 bytes, or UMAC-128 keyed with
 * the first 16 bytes of HMAC-SHA-256(secret, label), nonce bytes 8..23.
 */
static void
sign(const struct keyfile_key *k, const uint8_t *d, size_t n, uint8_t *tag)
{
	struct hmac_sha256_ctx	 h;
	struct umac128_ctx	 u;
	uint8_t			 ukey[SHA256_DIGEST_SIZE];

	hmac_sha256_set_key(&h, k->len, k->secret);
	if (k->alg != AUTH_UMAC128) {
		hmac_sha256_update(&h, n, d);
		hmac_sha256_digest(&h, NAT_TAGLEN, tag);
		return;
	}
	hmac_sha256_update(&h, strlen(UMAC_LABEL), (const uint8_t *)UMAC_LABEL);
	hmac_sha256_digest(&h, sizeof(ukey), ukey);
	umac128_set_key(&u, ukey);
	umac128_set_nonce(&u, 16, d + NAT_NONCE);
	umac128_update(&u, n, d);
	umac128_digest(&u, NAT_TAGLEN, tag);
}

/*
 * Build one native datagram in d: header, payload (an IPv4 packet, a
 * frame or a HELLO), then the tag (forged as asked). Returns its length.
 */
static size_t
build_native(uint8_t *d, const struct opts *o, uint32_t i)
{
	const struct keyfile_key *k = meshbuild_sign_key(o);
	size_t			 n;
	uint32_t		 ts;

	if (o->type == NAT_HELLO)
		n = build_hello(d + NAT_HLEN, o);
	else if (o->eth)
		n = build_frame(d + NAT_HLEN, o, (uint32_t)(o->first + i));
	else {
		/* The frame 14 bytes early: the header overwrites them. */
		n = build_frame(d + NAT_HLEN - ETH_LEN, o,
		    (uint32_t)(o->first + i)) - ETH_LEN;
	}
	ts = timestamp(o);
	d[0] = 0x53;				/* "SA" */
	d[1] = 0x41;
	d[2] = NAT_VERSION;
	d[3] = (uint8_t)o->type;
	d[4] = (uint8_t)(o->wrong_key ? meshbuild_absent_key_id(o) : k->id);
	d[5] = meshbuild_native_flags(o);
	/* --bad-length: a wrong length field, correctly signed. */
	tool_put16(d + 6, (uint16_t)(n + (o->bad_length ? 1 : 0)));
	tool_put32(d + 8, o->relay_id);
	tool_put32(d + 12, ts);
	put64(d + 16, o->seq + i);
	n += NAT_HLEN;
	if (o->no_tag)
		return n;
	sign(k, d, n, d + n);
	if (o->bad_tag)
		d[n + NAT_TAGLEN - 1] ^= 0x01;
	return n + NAT_TAGLEN;
}

/* Build datagram number i (0-based) into d; returns its length. */
size_t
meshbuild_datagram(uint8_t *d, const struct opts *o, uint32_t i)
{
	if (o->native)
		return build_native(d, o, i);
	memcpy(d, o->bad_magic ? "XS" : "SS", 2);
	return 2 + build_frame(d + 2, o, (uint32_t)(o->first + i));
}
