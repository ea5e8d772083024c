/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh authentication (nettle), one of two algorithms per key, with the
 * keyed state precomputed once per key. Pure: no I/O.
 * - HMAC-SHA-256 truncated to 128 bits (RFC 4868); the nonce is ignored.
 * - UMAC-128 (RFC 4418), about a fifth of the CPU time per 1470-byte
 *   datagram (260-270 ns against 1240-1250 ns on the project's machine). Its
 *   key is derived from the secret (see auth_umac_key), and it needs a
 *   16-byte nonce that never repeats under one key: a repeated nonce with
 *   another message would let an observer forge tags. The mesh uses native
 *   header bytes 8..23 (relay id, timestamp, sequence number; see mesh.h).
 */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/hmac.h>
#include <nettle/umac.h>

#define AUTH_TAG_LEN	16	/* HMAC-SHA-256-128 (RFC 4868), UMAC-128 */
#define AUTH_NONCE_LEN	16	/* UMAC only; HMAC ignores it */
#define AUTH_KEY_MIN	16	/* bytes */
#define AUTH_KEY_MAX	64
#define AUTH_MAX_KEYS	2	/* current + next (or previous) during a rotation */

/* The key file names them; the values travel in MSG_CONF_KEYS. */
enum auth_alg {
	AUTH_HMAC_SHA256 = 0,	/* "hmac-sha256" */
	AUTH_UMAC128 = 1,	/* "umac-128", the key file's default */
};
#define AUTH_NALG	2

struct auth_key {
	uint8_t			 id;	/* 1..255, carried in every datagram */
	enum auth_alg		 alg;
	union {				/* keyed state; reset after each digest */
		struct hmac_sha256_ctx	 hmac;
		struct umac128_ctx	 umac;
	}			 ctx;
};

/* keys[0] is the primary: the one used to send unless a peer lacks it. */
struct auth_keyring {
	struct auth_key		 keys[AUTH_MAX_KEYS];
	size_t			 nkeys;
};

void		 auth_keyring_init(struct auth_keyring *kr);
/* Overwrite every keyed state and empty the ring (on reload or exit). */
void		 auth_keyring_clear(struct auth_keyring *kr);
/*
 * Add a key; -1 with errno EEXIST (same id), ENOSPC (full), EINVAL (id 0,
 * bad length, unknown alg).
 */
int		 auth_keyring_add(struct auth_keyring *kr, uint8_t id, enum auth_alg alg,
		    const uint8_t *secret, size_t len);
/* The key with this id, or NULL. */
struct auth_key	*auth_key_find(const struct auth_keyring *kr, uint8_t id);
/*
 * The tag over a (header) and b (payload; may be NULL/0). nonce is used by
 * UMAC-128 (never twice with one key) and ignored by HMAC-SHA-256.
 */
void		 auth_tag(struct auth_key *k, const uint8_t nonce[AUTH_NONCE_LEN],
		    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		    uint8_t tag[AUTH_TAG_LEN]);
/* 1 if tag is right for a || b, compared in constant time; 0 if not. */
int		 auth_verify(struct auth_key *k, const uint8_t nonce[AUTH_NONCE_LEN],
		    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		    const uint8_t tag[AUTH_TAG_LEN]);
/* "hmac-sha256", "umac-128", or "unknown". */
const char	*auth_alg_name(enum auth_alg alg);
/* The algorithm named s[0..len), or -1 if none is. */
int		 auth_alg_from_name(const char *s, size_t len, enum auth_alg *alg);
/* The 16-byte UMAC-128 key derived from secret (see auth.c), for tests. */
void		 auth_umac_key(const uint8_t *secret, size_t len, uint8_t key[UMAC_KEY_SIZE]);
/* Full (untruncated) HMAC-SHA-256, for the RFC 4231 test vectors. */
void		 auth_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *msg,
		    size_t len, uint8_t out[32]);

#endif /* AUTH_H */
