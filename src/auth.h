/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh authentication: HMAC-SHA-256 truncated to 128 bits (nettle), with
 * the keyed state precomputed once per key. Pure: no I/O.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/hmac.h>

#define AUTH_TAG_LEN	16	/* HMAC-SHA-256-128, as in RFC 4868 */
#define AUTH_KEY_MIN	16	/* bytes */
#define AUTH_KEY_MAX	64
#define AUTH_MAX_KEYS	2	/* current + next (or previous) during a rotation */

struct auth_key {
	uint8_t			 id;	/* 1..255, carried in every datagram */
	struct hmac_sha256_ctx	 ctx;	/* keyed state; reset after each digest */
};

/* keys[0] is the primary: the one used to send unless a peer lacks it. */
struct auth_keyring {
	struct auth_key		 keys[AUTH_MAX_KEYS];
	size_t			 nkeys;
};

void		 auth_keyring_init(struct auth_keyring *kr);
/* Overwrite every keyed state and empty the ring (on reload or exit). */
void		 auth_keyring_clear(struct auth_keyring *kr);
/* Add a key; -1 with errno EEXIST (same id), ENOSPC (full), EINVAL (id 0, bad length). */
int		 auth_keyring_add(struct auth_keyring *kr, uint8_t id, const uint8_t *secret,
		    size_t len);
/* The key with this id, or NULL. */
struct auth_key	*auth_key_find(const struct auth_keyring *kr, uint8_t id);
/* The truncated tag over a (header) and b (payload; may be NULL/0). */
void		 auth_tag(struct auth_key *k, const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen, uint8_t tag[AUTH_TAG_LEN]);
/* 1 if tag is right for a || b, compared in constant time; 0 if not. */
int		 auth_verify(struct auth_key *k, const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen, const uint8_t tag[AUTH_TAG_LEN]);
/* Full (untruncated) HMAC-SHA-256, for the RFC 4231 test vectors. */
void		 auth_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *msg,
		    size_t len, uint8_t out[32]);

#endif /* AUTH_H */
