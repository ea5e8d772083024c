/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh authentication: HMAC-SHA-256-128 or UMAC-128 tags with nettle over
 * a keyring of at most two keys whose keyed states are computed once.
 * Pure: no I/O.
 */
#include <errno.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/umac.h>

#include "auth.h"

/*
 * Domain separation for the UMAC key: a key file line switched from
 * hmac-sha256 to umac-128 never uses the same key bytes for both.
 */
static const char	 umac_label[] = "snowrelay umac-128 key v1";

static const char *const	 alg_names[AUTH_NALG] = {
	[AUTH_HMAC_SHA256] = "hmac-sha256",
	[AUTH_UMAC128] = "umac-128",
};

/* The key file's name for alg. */
const char *
auth_alg_name(enum auth_alg alg)
{
	if ((unsigned int)alg >= AUTH_NALG)
		return "unknown";
	return alg_names[alg];
}

/* The algorithm the key file word s[0..len) names: exact match only. */
int
auth_alg_from_name(const char *s, size_t len, enum auth_alg *alg)
{
	unsigned int	 i;

	for (i = 0; i < AUTH_NALG; i++) {
		if (strlen(alg_names[i]) == len &&
		    memcmp(alg_names[i], s, len) == 0) {
			*alg = (enum auth_alg)i;
			return 0;
		}
	}
	return -1;
}

/*
 * The UMAC-128 key: the first 16 bytes of HMAC-SHA-256(secret, label), so
 * that every secret length the key file allows (16..64 bytes) gives a key.
 */
void
auth_umac_key(const uint8_t *secret, size_t len, uint8_t key[UMAC_KEY_SIZE])
{
	uint8_t	 full[SHA256_DIGEST_SIZE];

	auth_hmac_sha256(secret, len, (const uint8_t *)umac_label,
	    sizeof(umac_label) - 1, full);
	memcpy(key, full, UMAC_KEY_SIZE);
	explicit_bzero(full, sizeof(full));
}

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
auth_keyring_add(struct auth_keyring *kr, uint8_t id, enum auth_alg alg,
    const uint8_t *secret, size_t len)
{
	struct auth_key	*k;
	uint8_t		 ukey[UMAC_KEY_SIZE];

	if (id == 0 || secret == NULL || len < AUTH_KEY_MIN ||
	    len > AUTH_KEY_MAX || (unsigned int)alg >= AUTH_NALG) {
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
	k->alg = alg;
	if (alg == AUTH_UMAC128) {
		auth_umac_key(secret, len, ukey);
		umac128_set_key(&k->ctx.umac, ukey);
		explicit_bzero(ukey, sizeof(ukey));
		return 0;
	}
	/* Keys up to the block size (64) are used as they are, never hashed. */
	hmac_sha256_set_key(&k->ctx.hmac, len, secret);
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
 * The tag over a || b. Both digest functions leave the context in the
 * keyed state again, so the key is never re-processed per datagram. UMAC
 * gets its nonce every time: nettle would otherwise count up its own.
 */
void
auth_tag(struct auth_key *k, const uint8_t nonce[AUTH_NONCE_LEN],
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    uint8_t tag[AUTH_TAG_LEN])
{
	if (k->alg == AUTH_UMAC128) {
		umac128_set_nonce(&k->ctx.umac, AUTH_NONCE_LEN, nonce);
		if (alen > 0)
			umac128_update(&k->ctx.umac, alen, a);
		if (blen > 0)
			umac128_update(&k->ctx.umac, blen, b);
		umac128_digest(&k->ctx.umac, AUTH_TAG_LEN, tag);
		return;
	}
	if (alen > 0)
		hmac_sha256_update(&k->ctx.hmac, alen, a);
	if (blen > 0)
		hmac_sha256_update(&k->ctx.hmac, blen, b);
	hmac_sha256_digest(&k->ctx.hmac, AUTH_TAG_LEN, tag);
}

/* 1 if tag is right for a || b, compared in constant time. */
int
auth_verify(struct auth_key *k, const uint8_t nonce[AUTH_NONCE_LEN],
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    const uint8_t tag[AUTH_TAG_LEN])
{
	uint8_t	 want[AUTH_TAG_LEN];
	int	 ok;

	auth_tag(k, nonce, a, alen, b, blen, want);
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
