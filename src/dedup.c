/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Duplicate suppression: SipHash-2-4 (keyed per boot) of what identifies a
 * relayed frame, remembered for a short window in a fixed-size
 * set-associative table that evicts the oldest entry of a set. Pure.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "csum.h"
#include "dedup.h"

/* The SipHash state between blocks. */
struct sip {
	uint64_t	 v0, v1, v2, v3;
};

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* Little-endian 64-bit word from n (<= 8) bytes, byte by byte. */
static uint64_t
le64(const uint8_t *p, size_t n)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void
sipround(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

static void
sip_init(struct sip *s, const uint64_t key[2])
{
	s->v0 = key[0] ^ 0x736f6d6570736575ULL;
	s->v1 = key[1] ^ 0x646f72616e646f6dULL;
	s->v2 = key[0] ^ 0x6c7967656e657261ULL;
	s->v3 = key[1] ^ 0x7465646279746573ULL;
}

/* Compress one message word (two rounds: the "2" of SipHash-2-4). */
static void
sip_word(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sipround(s);
	sipround(s);
	s->v0 ^= m;
}

/* Absorb the whole words of p; returns how many bytes were left over. */
static size_t
sip_words(struct sip *s, const uint8_t *p, size_t len)
{
	size_t		 i;
	uint64_t	 w;

	/* One 8-byte load per word: this runs over every relayed payload. */
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		sip_word(s, le64toh(w));
	}
	return len - i;
}

/* The last word (tail bytes + total length) and four finalisation rounds. */
static uint64_t
sip_final(struct sip *s, const uint8_t *tail, size_t tlen, size_t total)
{
	sip_word(s, le64(tail, tlen) | (uint64_t)(total & 0xff) << 56);
	s->v2 ^= 0xff;
	sipround(s);
	sipround(s);
	sipround(s);
	sipround(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/* SipHash-2-4 of data, as the reference implementation computes it. */
uint64_t
dedup_siphash(const uint64_t key[2], const uint8_t *data, size_t len)
{
	struct sip	 s;
	size_t		 rest;

	sip_init(&s, key);
	rest = sip_words(&s, data, len);
	/* No pointer arithmetic on a NULL data of length 0. */
	return sip_final(&s, rest > 0 ? data + (len - rest) : NULL, rest,
	    len);
}

/* Zero the table and take the key; nsets must be a power of two. */
int
dedup_init(struct dedup *d, struct dedup_entry *table, size_t nsets,
    const uint8_t key[16], uint32_t window_ms)
{
	if (d == NULL || table == NULL || key == NULL || nsets == 0 ||
	    (nsets & (nsets - 1)) != 0 ||
	    nsets > SIZE_MAX / DEDUP_WAYS / sizeof(*table)) {
		errno = EINVAL;
		return -1;
	}
	memset(d, 0, sizeof(*d));
	memset(table, 0, nsets * DEDUP_WAYS * sizeof(*table));
	d->table = table;
	d->nsets = nsets;
	d->key[0] = le64(key, 8);
	d->key[1] = le64(key + 8, 8);
	d->window_ms = window_ms;
	return 0;
}

/*
 * Hash source IP, ports and payload. The 8-byte prefix is exactly one
 * SipHash word, so the payload is hashed in place, never copied.
 */
uint64_t
dedup_hash(const struct dedup *d, uint32_t src_ip, uint16_t src_port,
    uint16_t dst_port, const uint8_t *payload, size_t len)
{
	struct sip	 s;
	size_t		 rest;

	sip_init(&s, d->key);
	sip_word(&s, (uint64_t)src_ip | (uint64_t)src_port << 32 |
	    (uint64_t)dst_port << 48);
	rest = sip_words(&s, payload, len);
	return sip_final(&s, rest > 0 ? payload + (len - rest) : NULL, rest,
	    8 + len);
}

/* The one's-complement sum of the UDP payload, from the checksum field. */
static uint16_t
udp_payload_sum(uint32_t src_ip, uint32_t dst_ip, const uint8_t *udp,
    size_t udp_len, uint16_t csum)
{
	uint16_t	 pseudo, hdr, s;

	pseudo = csum_udp_pseudo(src_ip, dst_ip, (uint16_t)udp_len);
	hdr = csum_fold(csum_partial(udp, 6, 0));
	/* checksum = ~(pseudo + header + payload): take the others out. */
	s = csum_fold((uint32_t)(uint16_t)~csum + (uint16_t)~pseudo +
	    (uint16_t)~hdr);
	/* 0x0000 and 0xffff are both zero in one's complement. */
	return s == 0xffff ? 0 : s;
}

uint64_t
dedup_hash_udp(const struct dedup *d, uint32_t src_ip, uint32_t dst_ip,
    const uint8_t *udp, size_t udp_len)
{
	struct sip	 s;
	uint16_t	 sport, dport, csum;
	size_t		 plen, n, rest;

	if (udp_len < 8)
		return dedup_hash(d, src_ip, 0, 0, udp, udp_len);
	sport = (uint16_t)(udp[0] << 8 | udp[1]);
	dport = (uint16_t)(udp[2] << 8 | udp[3]);
	csum = (uint16_t)(udp[6] << 8 | udp[7]);
	plen = udp_len - 8;
	if (csum == 0)
		return dedup_hash(d, src_ip, sport, dport, udp + 8, plen);
	n = plen < DEDUP_PREFIX ? plen : DEDUP_PREFIX;
	sip_init(&s, d->key);
	sip_word(&s, (uint64_t)src_ip | (uint64_t)sport << 32 |
	    (uint64_t)dport << 48);
	sip_word(&s, (uint64_t)plen | (uint64_t)udp_payload_sum(src_ip, dst_ip,
	    udp, udp_len, csum) << 32 | (uint64_t)1 << 63);
	rest = sip_words(&s, udp + 8, n);
	return sip_final(&s, rest > 0 ? udp + 8 + (n - rest) : NULL, rest,
	    16 + n);
}

/* Whether an entry recorded at when_ms still counts as seen at now_ms. */
static int
live(const struct dedup *d, uint64_t when_ms, uint64_t now_ms)
{
	/* A clock that went back makes entries stale: relay, never suppress. */
	return when_ms != 0 && now_ms >= when_ms &&
	    now_ms - when_ms < d->window_ms;
}

/*
 * 1 if hash is live in its set. Otherwise record it: over its own stale
 * entry, a free or stale way, or the oldest way (an eviction if live).
 */
int
dedup_check(struct dedup *d, uint64_t hash, uint64_t now_ms)
{
	struct dedup_entry	*set, *victim = NULL;
	size_t			 i;

	set = d->table + (size_t)(hash & (d->nsets - 1)) * DEDUP_WAYS;
	for (i = 0; i < DEDUP_WAYS; i++) {
		if (set[i].when_ms != 0 && set[i].hash == hash) {
			if (live(d, set[i].when_ms, now_ms))
				return 1;
			victim = &set[i];
			break;
		}
	}
	for (i = 0; victim == NULL && i < DEDUP_WAYS; i++)
		if (!live(d, set[i].when_ms, now_ms))
			victim = &set[i];
	if (victim == NULL) {
		victim = &set[0];
		for (i = 1; i < DEDUP_WAYS; i++)
			if (set[i].when_ms < victim->when_ms)
				victim = &set[i];
		d->evictions++;
	}
	victim->hash = hash;
	/* 0 marks an empty way; a clock at 0 records as 1. */
	victim->when_ms = now_ms != 0 ? now_ms : 1;
	return 0;
}
