/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh authentication: HMAC-SHA-256-128 tags with nettle over a keyring of
 * at most two keys whose keyed states are computed once. Pure: no I/O.
 */
#include <errno.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>

#include "auth.h"

/* An empty keyring. */
void
auth_keyring_init(struct auth_keyring *kr)
{
	memset(kr, 0, sizeof(*kr));
}

/* The keyed states are as good as the secrets: overwrite them. */
void
auth_keyring_clear(struct auth_keyring *kr)
{
	explicit_bzero(kr, sizeof(*kr));
}

/* Add a key after checking id, length, duplicates and room, in that order. */
int
auth_keyring_add(struct auth_keyring *kr, uint8_t id, const uint8_t *secret,
    size_t len)
{
	struct auth_key	*k;

	if (id == 0 || secret == NULL || len < AUTH_KEY_MIN ||
	    len > AUTH_KEY_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (auth_key_find(kr, id) != NULL) {
		errno = EEXIST;
		return -1;
	}
	if (kr->nkeys >= AUTH_MAX_KEYS) {
		errno = ENOSPC;
		return -1;
	}
	k = &kr->keys[kr->nkeys++];
	k->id = id;
	/* Keys up to the block size (64) are used as they are, never hashed. */
	hmac_sha256_set_key(&k->ctx, len, secret);
	return 0;
}

/* The key with this id, or NULL (non-const result, as strchr). */
struct auth_key *
auth_key_find(const struct auth_keyring *kr, uint8_t id)
{
	size_t	 i;

	if (kr == NULL || id == 0)
		return NULL;
	for (i = 0; i < kr->nkeys && i < AUTH_MAX_KEYS; i++)
		if (kr->keys[i].id == id)
			return (struct auth_key *)&kr->keys[i];
	return NULL;
}

/*
 * The tag over a || b. hmac_sha256_digest() leaves the context in the
 * keyed state again, so the key is never re-processed per datagram.
 */
void
auth_tag(struct auth_key *k, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, uint8_t tag[AUTH_TAG_LEN])
{
	if (alen > 0)
		hmac_sha256_update(&k->ctx, alen, a);
	if (blen > 0)
		hmac_sha256_update(&k->ctx, blen, b);
	hmac_sha256_digest(&k->ctx, AUTH_TAG_LEN, tag);
}

/* 1 if tag is right for a || b, compared in constant time. */
int
auth_verify(struct auth_key *k, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, const uint8_t tag[AUTH_TAG_LEN])
{
	uint8_t	 want[AUTH_TAG_LEN];
	int	 ok;

	auth_tag(k, a, alen, b, blen, want);
	ok = memeql_sec(want, tag, AUTH_TAG_LEN) ? 1 : 0;
	explicit_bzero(want, sizeof(want));
	return ok;
}

/* Plain HMAC-SHA-256 with any key length (RFC 4231 test vectors). */
void
auth_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *msg,
    size_t len, uint8_t out[32])
{
	struct hmac_sha256_ctx	 ctx;

	hmac_sha256_set_key(&ctx, keylen, key);
	if (len > 0)
		hmac_sha256_update(&ctx, len, msg);
	hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
	explicit_bzero(&ctx, sizeof(ctx));
}
