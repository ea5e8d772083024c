/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/auth.c: RFC 4231 HMAC-SHA-256 vectors, the truncated
 * tag, constant-time verification and the keyring rules; UMAC-128: nettle
 * against RFC 4418, the key derivation against Python's hmac module, and
 * our wrapper against nettle called directly.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/umac.h>

#include "auth.h"

/* HMAC ignores the nonce; UMAC tests use their own. */
static const uint8_t	 nonce0[AUTH_NONCE_LEN];

/* Decode the hex string s into out; returns the byte count. */
static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		 n = 0;
	unsigned int	 v;

	while (s[0] != '\0' && s[1] != '\0') {
		ck_assert_int_eq(sscanf(s, "%2x", &v), 1);
		ck_assert_uint_lt(n, max);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* RFC 4231 section 4: test cases 1 to 7 (case 5 truncated to 128 bits). */
struct rfc_case {
	int		 keybyte;	/* keylen copies, or -1 text, -2 1..n */
	size_t		 keylen;
	const char	*keytext;
	int		 databyte;	/* datalen copies; -1: datatext */
	size_t		 datalen;
	const char	*datatext;
	const char	*mac;		/* hex; 32 digits for case 5 */
};

static const struct rfc_case	 rfc[] = {
	{ 0x0b, 20, NULL, -1, 0, "Hi There",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ -1, 4, "Jefe", -1, 0, "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ 0xaa, 20, NULL, 0xdd, 50, NULL,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ -2, 25, NULL, 0xcd, 50, NULL,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ 0x0c, 20, NULL, -1, 0, "Test With Truncation",
	  "a3b6167473100ee06e0c796c2955552b" },
	{ 0xaa, 131, NULL, -1, 0,
	  "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ 0xaa, 131, NULL, -1, 0,
	  "This is a test using a larger than block-size key and a larger "
	  "than block-size data. The key needs to be hashed before being "
	  "used by the HMAC algorithm.",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};
#define NRFC	(sizeof(rfc) / sizeof(rfc[0]))

static uint8_t	 key[256], data[256];
static size_t	 keylen, datalen;

/* Materialise case i into key and data. */
static void
rfc_load(size_t i)
{
	const struct rfc_case	*c = &rfc[i];
	size_t			 j;

	keylen = c->keylen;
	if (c->keybyte >= 0)
		memset(key, c->keybyte, keylen);
	else if (c->keybyte == -1)
		memcpy(key, c->keytext, keylen);
	else
		for (j = 0; j < keylen; j++)
			key[j] = (uint8_t)(j + 1);	/* 0x01..0x19 */
	if (c->databyte >= 0) {
		datalen = c->datalen;
		memset(data, c->databyte, datalen);
	} else {
		datalen = strlen(c->datatext);
		memcpy(data, c->datatext, datalen);
	}
}

START_TEST(test_rfc4231)
{
	uint8_t	 want[32], got[32];
	size_t	 n;

	rfc_load((size_t)_i);
	n = unhex(rfc[_i].mac, want, sizeof(want));
	auth_hmac_sha256(key, keylen, data, datalen, got);
	ck_assert_msg(memcmp(got, want, n) == 0, "RFC 4231 case %d", _i + 1);
}
END_TEST

START_TEST(test_rfc4231_keyring)
{
	struct auth_keyring	 kr;
	uint8_t			 want[32], tag[AUTH_TAG_LEN];
	size_t			 split;

	/* The keyring path gives the first 16 bytes of the same HMAC. */
	rfc_load((size_t)_i);
	if (keylen < AUTH_KEY_MIN || keylen > AUTH_KEY_MAX)
		return;		/* cases 2, 6, 7: keys a keyring refuses */
	unhex(rfc[_i].mac, want, sizeof(want));
	auth_keyring_init(&kr);
	ck_assert_int_eq(auth_keyring_add(&kr, 7, AUTH_HMAC_SHA256, key,
	    keylen), 0);
	/* Any split of the message into a || b gives the same tag. */
	for (split = 0; split <= datalen; split++) {
		auth_tag(&kr.keys[0], nonce0, data, split, data + split,
		    datalen - split, tag);
		ck_assert_msg(memcmp(tag, want, AUTH_TAG_LEN) == 0,
		    "case %d split %zu", _i + 1, split);
		ck_assert_int_eq(auth_verify(&kr.keys[0], nonce0, data,
		    datalen, NULL, 0, want), 1);
	}
	/* HMAC ignores the nonce. */
	auth_tag(&kr.keys[0], (const uint8_t *)"any other nonce!", data,
	    datalen, NULL, 0, tag);
	ck_assert_mem_eq(tag, want, AUTH_TAG_LEN);
	auth_keyring_clear(&kr);
}
END_TEST

/*
 * A keyring with key id 1 = 0x00..0x1f and id 2 = 0x20..0x3f, both with
 * algorithm alg (the loop index of the tests that use it).
 */
static void
ring2(struct auth_keyring *kr, int alg)
{
	uint8_t	 s[64];
	size_t	 i;

	for (i = 0; i < sizeof(s); i++)
		s[i] = (uint8_t)i;
	auth_keyring_init(kr);
	ck_assert_int_eq(auth_keyring_add(kr, 1, (enum auth_alg)alg, s, 32), 0);
	ck_assert_int_eq(auth_keyring_add(kr, 2, (enum auth_alg)alg, s + 32,
	    32), 0);
	ck_assert_int_eq(kr->keys[0].alg, alg);
}

/* A header whose bytes 8..23 (the mesh nonce) are n, n+1, ... */
static void
fill_hdr(uint8_t hdr[24], uint8_t n)
{
	size_t	 i;

	for (i = 0; i < 24; i++)
		hdr[i] = (uint8_t)(n + i);
}

START_TEST(test_round_trip)
{
	struct auth_keyring	 kr;
	struct auth_key		*k0, *k1;
	uint8_t			 hdr[24], msg[100], tag[AUTH_TAG_LEN],
				 tag2[AUTH_TAG_LEN];
	size_t			 i;

	ring2(&kr, _i);
	k0 = &kr.keys[0];
	k1 = &kr.keys[1];
	fill_hdr(hdr, 0xa0);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 3);
	auth_tag(k0, hdr + 8, hdr, sizeof(hdr), msg, sizeof(msg), tag);
	ck_assert_int_eq(auth_verify(k0, hdr + 8, hdr, sizeof(hdr), msg,
	    sizeof(msg), tag), 1);
	/* The context is back in the keyed state: the same tag again. */
	auth_tag(k0, hdr + 8, hdr, sizeof(hdr), msg, sizeof(msg), tag2);
	ck_assert_mem_eq(tag, tag2, AUTH_TAG_LEN);
	/* The other key does not verify it and gives another tag. */
	ck_assert_int_eq(auth_verify(k1, hdr + 8, hdr, sizeof(hdr), msg,
	    sizeof(msg), tag), 0);
	auth_tag(k1, hdr + 8, hdr, sizeof(hdr), msg, sizeof(msg), tag2);
	ck_assert_int_ne(memcmp(tag, tag2, AUTH_TAG_LEN), 0);
	/* A failed verification leaves the key usable. */
	ck_assert_int_eq(auth_verify(k0, hdr + 8, hdr, sizeof(hdr), msg,
	    sizeof(msg), tag), 1);
	/* Empty message parts. */
	auth_tag(k0, hdr + 8, NULL, 0, NULL, 0, tag);
	ck_assert_int_eq(auth_verify(k0, hdr + 8, NULL, 0, NULL, 0, tag), 1);
	auth_keyring_clear(&kr);
}
END_TEST

/* Flip every bit of a (header), b (payload) and the tag, one at a time. */
START_TEST(test_bit_flips)
{
	struct auth_keyring	 kr;
	struct auth_key		*k;
	uint8_t			 msg[64], tag[AUTH_TAG_LEN];
	size_t			 bit;

	ring2(&kr, _i);
	k = &kr.keys[1];
	for (bit = 0; bit < sizeof(msg); bit++)
		msg[bit] = (uint8_t)(bit ^ 0x5a);
	/* The nonce is a copy: only the covered bytes change below. */
	auth_tag(k, nonce0, msg, 24, msg + 24, sizeof(msg) - 24, tag);
	for (bit = 0; bit < sizeof(msg) * 8; bit++) {
		msg[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		ck_assert_msg(auth_verify(k, nonce0, msg, 24, msg + 24,
		    sizeof(msg) - 24, tag) == 0, "message bit %zu", bit);
		msg[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	for (bit = 0; bit < AUTH_TAG_LEN * 8; bit++) {
		tag[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		ck_assert_msg(auth_verify(k, nonce0, msg, 24, msg + 24,
		    sizeof(msg) - 24, tag) == 0, "tag bit %zu", bit);
		tag[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	/* Moving the boundary between a and b does not matter; length does. */
	ck_assert_int_eq(auth_verify(k, nonce0, msg, 40, msg + 40,
	    sizeof(msg) - 40, tag), 1);
	ck_assert_int_eq(auth_verify(k, nonce0, msg, 24, msg + 24,
	    sizeof(msg) - 25, tag), 0);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_keyring_errors)
{
	struct auth_keyring	 kr;
	uint8_t			 s[AUTH_KEY_MAX + 1];

	memset(s, 0x42, sizeof(s));
	auth_keyring_init(&kr);
	ck_assert_uint_eq(kr.nkeys, 0);
	ck_assert_ptr_null(auth_key_find(&kr, 1));
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 0, AUTH_HMAC_SHA256, s, 32), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 1, AUTH_HMAC_SHA256,
	    s, AUTH_KEY_MIN - 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 1, AUTH_HMAC_SHA256,
	    s, AUTH_KEY_MAX + 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 1, AUTH_HMAC_SHA256,
	    NULL, 32), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 1, (enum auth_alg)AUTH_NALG, s,
	    32), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 1, AUTH_UMAC128, s,
	    AUTH_KEY_MIN - 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(kr.nkeys, 0);
	/* Both length limits are inclusive. */
	ck_assert_int_eq(auth_keyring_add(&kr, 255, AUTH_HMAC_SHA256,
	    s, AUTH_KEY_MIN), 0);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 255, AUTH_HMAC_SHA256,
	    s, 32), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(auth_keyring_add(&kr, 1, AUTH_HMAC_SHA256,
	    s, AUTH_KEY_MAX), 0);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 3, AUTH_HMAC_SHA256, s, 32), -1);
	ck_assert_int_eq(errno, ENOSPC);
	/* An invalid key is refused as invalid even when the ring is full. */
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 0, AUTH_HMAC_SHA256, s, 32), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* The first key added is the primary. */
	ck_assert_uint_eq(kr.nkeys, 2);
	ck_assert_uint_eq(kr.keys[0].id, 255);
	ck_assert_uint_eq(kr.keys[1].id, 1);
	ck_assert_ptr_eq(auth_key_find(&kr, 255), &kr.keys[0]);
	ck_assert_ptr_eq(auth_key_find(&kr, 1), &kr.keys[1]);
	ck_assert_ptr_null(auth_key_find(&kr, 2));
	ck_assert_ptr_null(auth_key_find(&kr, 0));
	ck_assert_ptr_null(auth_key_find(NULL, 1));
	auth_keyring_clear(&kr);
	ck_assert_uint_eq(kr.nkeys, 0);
	ck_assert_ptr_null(auth_key_find(&kr, 255));
}
END_TEST

START_TEST(test_clear_wipes)
{
	struct auth_keyring	 kr;
	const uint8_t		*p;
	size_t			 i;

	ring2(&kr, _i);
	auth_keyring_clear(&kr);
	/* No keyed state (as good as the secret) is left behind. */
	p = (const uint8_t *)&kr;
	for (i = 0; i < sizeof(kr); i++)
		ck_assert_msg(p[i] == 0, "byte %zu not wiped", i);
}
END_TEST

/* ---- UMAC-128 ------------------------------------------------------------ */

/*
 * nettle's UMAC-128 itself, against RFC 4418 appendix vectors (key
 * "abcdefghijklmnop", nonce "bcdefghi"; nettle's testsuite has them too):
 * the anchor for the wrapper tests below, which call nettle directly.
 */
START_TEST(test_umac_rfc4418)
{
	static const char *const	 want[] = {
		"883c3d4b97a61976ffcf232308cba5a5",	/* "abc" */
		"8824a260c53c66a36c9260a62cb83aa1",	/* "abc" x 500 */
	};
	struct umac128_ctx		 u;
	uint8_t				 w[16], tag[16];
	int				 i, reps = _i == 0 ? 1 : 500;

	umac128_set_key(&u, (const uint8_t *)"abcdefghijklmnop");
	umac128_set_nonce(&u, 8, (const uint8_t *)"bcdefghi");
	for (i = 0; i < reps; i++)
		umac128_update(&u, 3, (const uint8_t *)"abc");
	umac128_digest(&u, sizeof(tag), tag);
	unhex(want[_i], w, sizeof(w));
	ck_assert_mem_eq(tag, w, sizeof(w));
}
END_TEST

/*
 * The derived UMAC key: the first 16 bytes of HMAC-SHA-256(secret,
 * "snowrelay umac-128 key v1"), computed independently with
 *   python3 -c 'import hmac, hashlib; print(hmac.new(bytes(range(N)),
 *       b"snowrelay umac-128 key v1", hashlib.sha256).hexdigest()[:32])'
 * for N = 32, 16 and 64 (the usual, shortest and longest secrets).
 */
static const struct {
	size_t		 len;
	const char	*key;
}			 umac_kdf[] = {
	{ 32, "a3138560f8c6c2ffa60005cf7a00a652" },
	{ 16, "9f4e41c4bd0dc24368fc807f159b723f" },
	{ 64, "a55e6944e065c16001f8004f9533a3a4" },
};
#define NKDF	(sizeof(umac_kdf) / sizeof(umac_kdf[0]))

START_TEST(test_umac_key)
{
	uint8_t	 s[64], want[UMAC_KEY_SIZE], got[UMAC_KEY_SIZE];
	size_t	 i;

	for (i = 0; i < sizeof(s); i++)
		s[i] = (uint8_t)i;
	ck_assert_uint_eq(unhex(umac_kdf[_i].key, want, sizeof(want)),
	    UMAC_KEY_SIZE);
	auth_umac_key(s, umac_kdf[_i].len, got);
	ck_assert_mem_eq(got, want, UMAC_KEY_SIZE);
}
END_TEST

/*
 * Our tag for a 24-byte header (nonce = its bytes 8..23) and a 100-byte
 * payload equals nettle's umac128 called here with the derived key, and
 * the committed value (from that same call), split anywhere.
 */
START_TEST(test_umac_golden)
{
	static const char	 golden[] = "979ff5ba81b61a96ba69c017f00285c7";
	struct auth_keyring	 kr;
	struct umac128_ctx	 u;
	uint8_t			 ukey[UMAC_KEY_SIZE], hdr[24], msg[100],
				 all[124], want[16], lib[16], tag[16];
	size_t			 i, split;

	ring2(&kr, AUTH_UMAC128);
	fill_hdr(hdr, 0xa0);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 3);
	unhex(umac_kdf[0].key, ukey, sizeof(ukey));
	umac128_set_key(&u, ukey);
	umac128_set_nonce(&u, AUTH_NONCE_LEN, hdr + 8);
	umac128_update(&u, sizeof(hdr), hdr);
	umac128_update(&u, sizeof(msg), msg);
	umac128_digest(&u, sizeof(lib), lib);
	unhex(golden, want, sizeof(want));
	ck_assert_mem_eq(lib, want, sizeof(want));
	auth_tag(&kr.keys[0], hdr + 8, hdr, sizeof(hdr), msg, sizeof(msg), tag);
	ck_assert_mem_eq(tag, want, sizeof(want));
	memcpy(all, hdr, sizeof(hdr));
	memcpy(all + sizeof(hdr), msg, sizeof(msg));
	for (split = 0; split <= sizeof(all); split++) {
		memset(tag, 0, sizeof(tag));
		auth_tag(&kr.keys[0], hdr + 8, all, split, all + split,
		    sizeof(all) - split, tag);
		ck_assert_msg(memcmp(tag, want, sizeof(want)) == 0,
		    "split %zu", split);
	}
	ck_assert_int_eq(auth_verify(&kr.keys[0], hdr + 8, all, sizeof(all),
	    NULL, 0, want), 1);
	auth_keyring_clear(&kr);
}
END_TEST

/* Every bit of the nonce matters, and nettle's own counter does not. */
START_TEST(test_umac_nonce)
{
	struct auth_keyring	 kr;
	uint8_t			 hdr[24], nonce[AUTH_NONCE_LEN],
				 tag[AUTH_TAG_LEN], tag2[AUTH_TAG_LEN];
	size_t			 bit;

	ring2(&kr, AUTH_UMAC128);
	fill_hdr(hdr, 0x10);
	memcpy(nonce, hdr + 8, sizeof(nonce));
	auth_tag(&kr.keys[0], nonce, hdr, sizeof(hdr), NULL, 0, tag);
	for (bit = 0; bit < AUTH_NONCE_LEN * 8; bit++) {
		nonce[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		auth_tag(&kr.keys[0], nonce, hdr, sizeof(hdr), NULL, 0, tag2);
		ck_assert_msg(memcmp(tag, tag2, AUTH_TAG_LEN) != 0,
		    "nonce bit %zu: same tag", bit);
		ck_assert_msg(auth_verify(&kr.keys[0], nonce, hdr, sizeof(hdr),
		    NULL, 0, tag) == 0, "nonce bit %zu: verified", bit);
		nonce[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	/* After all those digests, the first nonce gives the first tag. */
	auth_tag(&kr.keys[0], nonce, hdr, sizeof(hdr), NULL, 0, tag2);
	ck_assert_mem_eq(tag, tag2, AUTH_TAG_LEN);
	auth_keyring_clear(&kr);
}
END_TEST

/*
 * One secret, one key id, two algorithms: different tags, and neither
 * verifies the other's (a relay with the wrong algorithm drops all).
 */
START_TEST(test_alg_mismatch)
{
	struct auth_keyring	 h, u;
	uint8_t			 hdr[24], msg[50], th[AUTH_TAG_LEN],
				 tu[AUTH_TAG_LEN];

	ring2(&h, AUTH_HMAC_SHA256);
	ring2(&u, AUTH_UMAC128);
	fill_hdr(hdr, 0x30);
	memset(msg, 0x77, sizeof(msg));
	auth_tag(&h.keys[0], hdr + 8, hdr, sizeof(hdr), msg, sizeof(msg), th);
	auth_tag(&u.keys[0], hdr + 8, hdr, sizeof(hdr), msg, sizeof(msg), tu);
	ck_assert_int_ne(memcmp(th, tu, AUTH_TAG_LEN), 0);
	ck_assert_int_eq(auth_verify(&u.keys[0], hdr + 8, hdr, sizeof(hdr),
	    msg, sizeof(msg), th), 0);
	ck_assert_int_eq(auth_verify(&h.keys[0], hdr + 8, hdr, sizeof(hdr),
	    msg, sizeof(msg), tu), 0);
	ck_assert_int_eq(auth_verify(&h.keys[0], hdr + 8, hdr, sizeof(hdr),
	    msg, sizeof(msg), th), 1);
	ck_assert_int_eq(auth_verify(&u.keys[0], hdr + 8, hdr, sizeof(hdr),
	    msg, sizeof(msg), tu), 1);
	auth_keyring_clear(&h);
	auth_keyring_clear(&u);
}
END_TEST

START_TEST(test_alg_names)
{
	enum auth_alg	 a = AUTH_UMAC128;

	ck_assert_str_eq(auth_alg_name(AUTH_HMAC_SHA256), "hmac-sha256");
	ck_assert_str_eq(auth_alg_name(AUTH_UMAC128), "umac-128");
	ck_assert_str_eq(auth_alg_name((enum auth_alg)AUTH_NALG), "unknown");
	ck_assert_int_eq(auth_alg_from_name("hmac-sha256", 11, &a), 0);
	ck_assert_int_eq(a, AUTH_HMAC_SHA256);
	ck_assert_int_eq(auth_alg_from_name("umac-128", 8, &a), 0);
	ck_assert_int_eq(a, AUTH_UMAC128);
	/* Exact, case-sensitive, whole-word matches only. */
	ck_assert_int_eq(auth_alg_from_name("umac-1280", 9, &a), -1);
	ck_assert_int_eq(auth_alg_from_name("umac-12", 7, &a), -1);
	ck_assert_int_eq(auth_alg_from_name("UMAC-128", 8, &a), -1);
	ck_assert_int_eq(auth_alg_from_name("", 0, &a), -1);
	ck_assert_int_eq(a, AUTH_UMAC128);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite	*s = suite_create("auth");
	TCase	*tc = tcase_create("hmac");

	tcase_add_loop_test(tc, test_rfc4231, 0, (int)NRFC);
	tcase_add_loop_test(tc, test_rfc4231_keyring, 0, (int)NRFC);
	suite_add_tcase(s, tc);
	/* Loop index = enum auth_alg: every test for both algorithms. */
	tc = tcase_create("both");
	tcase_add_loop_test(tc, test_round_trip, 0, AUTH_NALG);
	tcase_add_loop_test(tc, test_bit_flips, 0, AUTH_NALG);
	tcase_add_test(tc, test_alg_mismatch);
	tcase_add_test(tc, test_alg_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("umac");
	tcase_add_loop_test(tc, test_umac_rfc4418, 0, 2);
	tcase_add_loop_test(tc, test_umac_key, 0, (int)NKDF);
	tcase_add_test(tc, test_umac_golden);
	tcase_add_test(tc, test_umac_nonce);
	suite_add_tcase(s, tc);
	tc = tcase_create("keyring");
	tcase_add_test(tc, test_keyring_errors);
	tcase_add_loop_test(tc, test_clear_wipes, 0, AUTH_NALG);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(auth_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
