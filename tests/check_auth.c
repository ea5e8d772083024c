/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/auth.c: RFC 4231 HMAC-SHA-256 vectors, the truncated
 * tag, constant-time verification and the keyring rules.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

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
	ck_assert_int_eq(auth_keyring_add(&kr, 7, key, keylen), 0);
	/* Any split of the message into a || b gives the same tag. */
	for (split = 0; split <= datalen; split++) {
		auth_tag(&kr.keys[0], data, split, data + split,
		    datalen - split, tag);
		ck_assert_msg(memcmp(tag, want, AUTH_TAG_LEN) == 0,
		    "case %d split %zu", _i + 1, split);
		ck_assert_int_eq(auth_verify(&kr.keys[0], data, datalen, NULL,
		    0, want), 1);
	}
	auth_keyring_clear(&kr);
}
END_TEST

/* A keyring with key id 1 = 0x00..0x1f and id 2 = 0x20..0x3f. */
static void
ring2(struct auth_keyring *kr)
{
	uint8_t	 s[64];
	size_t	 i;

	for (i = 0; i < sizeof(s); i++)
		s[i] = (uint8_t)i;
	auth_keyring_init(kr);
	ck_assert_int_eq(auth_keyring_add(kr, 1, s, 32), 0);
	ck_assert_int_eq(auth_keyring_add(kr, 2, s + 32, 32), 0);
}

START_TEST(test_round_trip)
{
	struct auth_keyring	 kr;
	uint8_t			 hdr[24], msg[100], tag[AUTH_TAG_LEN],
				 tag2[AUTH_TAG_LEN];
	size_t			 i;

	ring2(&kr);
	for (i = 0; i < sizeof(hdr); i++)
		hdr[i] = (uint8_t)(0xa0 + i);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 3);
	auth_tag(&kr.keys[0], hdr, sizeof(hdr), msg, sizeof(msg), tag);
	ck_assert_int_eq(auth_verify(&kr.keys[0], hdr, sizeof(hdr), msg,
	    sizeof(msg), tag), 1);
	/* The context is back in the keyed state: the same tag again. */
	auth_tag(&kr.keys[0], hdr, sizeof(hdr), msg, sizeof(msg), tag2);
	ck_assert_mem_eq(tag, tag2, AUTH_TAG_LEN);
	/* The other key does not verify it and gives another tag. */
	ck_assert_int_eq(auth_verify(&kr.keys[1], hdr, sizeof(hdr), msg,
	    sizeof(msg), tag), 0);
	auth_tag(&kr.keys[1], hdr, sizeof(hdr), msg, sizeof(msg), tag2);
	ck_assert_int_ne(memcmp(tag, tag2, AUTH_TAG_LEN), 0);
	/* A failed verification leaves the key usable. */
	ck_assert_int_eq(auth_verify(&kr.keys[0], hdr, sizeof(hdr), msg,
	    sizeof(msg), tag), 1);
	/* Empty message parts. */
	auth_tag(&kr.keys[0], NULL, 0, NULL, 0, tag);
	ck_assert_int_eq(auth_verify(&kr.keys[0], NULL, 0, NULL, 0, tag), 1);
	auth_keyring_clear(&kr);
}
END_TEST

START_TEST(test_bit_flips)
{
	struct auth_keyring	 kr;
	uint8_t			 msg[64], tag[AUTH_TAG_LEN];
	size_t			 bit;

	ring2(&kr);
	for (bit = 0; bit < sizeof(msg); bit++)
		msg[bit] = (uint8_t)(bit ^ 0x5a);
	auth_tag(&kr.keys[1], msg, 24, msg + 24, sizeof(msg) - 24, tag);
	for (bit = 0; bit < sizeof(msg) * 8; bit++) {
		msg[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		ck_assert_msg(auth_verify(&kr.keys[1], msg, 24, msg + 24,
		    sizeof(msg) - 24, tag) == 0, "message bit %zu", bit);
		msg[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	for (bit = 0; bit < AUTH_TAG_LEN * 8; bit++) {
		tag[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		ck_assert_msg(auth_verify(&kr.keys[1], msg, 24, msg + 24,
		    sizeof(msg) - 24, tag) == 0, "tag bit %zu", bit);
		tag[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	/* Moving the boundary between a and b does not matter; length does. */
	ck_assert_int_eq(auth_verify(&kr.keys[1], msg, 40, msg + 40,
	    sizeof(msg) - 40, tag), 1);
	ck_assert_int_eq(auth_verify(&kr.keys[1], msg, 24, msg + 24,
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
	ck_assert_int_eq(auth_keyring_add(&kr, 0, s, 32), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 1, s, AUTH_KEY_MIN - 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 1, s, AUTH_KEY_MAX + 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 1, NULL, 32), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(kr.nkeys, 0);
	/* Both length limits are inclusive. */
	ck_assert_int_eq(auth_keyring_add(&kr, 255, s, AUTH_KEY_MIN), 0);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 255, s, 32), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(auth_keyring_add(&kr, 1, s, AUTH_KEY_MAX), 0);
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 3, s, 32), -1);
	ck_assert_int_eq(errno, ENOSPC);
	/* An invalid key is refused as invalid even when the ring is full. */
	errno = 0;
	ck_assert_int_eq(auth_keyring_add(&kr, 0, s, 32), -1);
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

	ring2(&kr);
	auth_keyring_clear(&kr);
	/* No keyed state (as good as the secret) is left behind. */
	p = (const uint8_t *)&kr;
	for (i = 0; i < sizeof(kr); i++)
		ck_assert_msg(p[i] == 0, "byte %zu not wiped", i);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite	*s = suite_create("auth");
	TCase	*tc = tcase_create("hmac");

	tcase_add_loop_test(tc, test_rfc4231, 0, (int)NRFC);
	tcase_add_loop_test(tc, test_rfc4231_keyring, 0, (int)NRFC);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_bit_flips);
	suite_add_tcase(s, tc);
	tc = tcase_create("keyring");
	tcase_add_test(tc, test_keyring_errors);
	tcase_add_test(tc, test_clear_wipes);
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
