/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of src/keyfile.c: the "ID HEX [ALG]" format with its errors
 * (line numbers, no secret echoed) and the refusals of keyfile_read (mode,
 * type, symlink, size). Files live in a mkdtemp directory removed at the end.
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyfile.h"

#define K32	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"
#define K16	"f0e1d2c3b4a5968778695a4b3c2d1e0f"
#define K64	K32 K32

static struct keyfile	 kf;
static char		 err[256];

/* Parse the NUL-terminated text s as file "keys". */
static int
parse(const char *s)
{
	memset(err, 0, sizeof(err));
	return keyfile_parse("keys", s, strlen(s), &kf, err, sizeof(err));
}

/* Expect s to fail with exactly message want, and no key material left. */
static void
parse_fails(const char *s, const char *want)
{
	size_t	 i;

	ck_assert_int_eq(parse(s), -1);
	ck_assert_str_eq(err, want);
	/* Secrets never appear in a message. */
	ck_assert_ptr_null(strstr(err, "0a0b0c"));
	ck_assert_ptr_null(strstr(err, "f0e1d2"));
	ck_assert_uint_eq(kf.nkeys, 0);
	for (i = 0; i < sizeof(kf.keys); i++)
		ck_assert_uint_eq(((uint8_t *)kf.keys)[i], 0);
}

START_TEST(test_one_key)
{
	size_t	 i;

	ck_assert_int_eq(parse("7 " K32 "\n"), 0);
	ck_assert_uint_eq(kf.nkeys, 1);
	ck_assert_uint_eq(kf.keys[0].id, 7);
	ck_assert_uint_eq(kf.keys[0].len, 32);
	for (i = 0; i < 32; i++)
		ck_assert_uint_eq(kf.keys[0].secret[i], i);
	keyfile_clear(&kf);
	ck_assert_uint_eq(kf.nkeys, 0);
	ck_assert_uint_eq(kf.keys[0].secret[1], 0);
}
END_TEST

START_TEST(test_two_keys_comments)
{
	static const char	 text[] =
	    "# snowrelay mesh keys\n"
	    "\n"
	    "   \t\n"
	    "  2\t" K16 "   # new key, primary\n"
	    "#1 " K32 "\n"
	    "255 " K64;		/* no final newline */

	ck_assert_int_eq(parse(text), 0);
	ck_assert_uint_eq(kf.nkeys, 2);
	ck_assert_uint_eq(kf.keys[0].id, 2);
	ck_assert_uint_eq(kf.keys[0].len, 16);
	ck_assert_uint_eq(kf.keys[0].secret[0], 0xf0);
	ck_assert_uint_eq(kf.keys[0].secret[15], 0x0f);
	ck_assert_uint_eq(kf.keys[1].id, 255);
	ck_assert_uint_eq(kf.keys[1].len, 64);
	ck_assert_uint_eq(kf.keys[1].secret[63], 0x1f);
	keyfile_clear(&kf);
}
END_TEST

START_TEST(test_crlf_uppercase)
{
	ck_assert_int_eq(parse("# keys\r\n1 " "F0E1D2C3B4A5968778695A4B3C2D1E0F"
	    "\r\n\r\n3 " K32 "\r\n"), 0);
	ck_assert_uint_eq(kf.nkeys, 2);
	ck_assert_uint_eq(kf.keys[0].id, 1);
	ck_assert_uint_eq(kf.keys[0].secret[0], 0xf0);
	ck_assert_uint_eq(kf.keys[1].id, 3);
	/* Leading zeros in the id are fine. */
	ck_assert_int_eq(parse("007 " K16 "\n"), 0);
	ck_assert_uint_eq(kf.keys[0].id, 7);
	keyfile_clear(&kf);
}
END_TEST

START_TEST(test_errors)
{
	parse_fails("0 " K32 "\n", "keys:1: key id 0 out of range 1..255");
	parse_fails("#\n256 " K32 "\n",
	    "keys:2: key id 256 out of range 1..255");
	parse_fails("x1 " K32 "\n", "keys:1: key id is not a number from 1 "
	    "to 255 (expected \"ID HEX\")");
	parse_fails("-1 " K32 "\n", "keys:1: key id is not a number from 1 "
	    "to 255 (expected \"ID HEX\")");
	/* A line with only the secret: its text is not echoed. */
	parse_fails("\n\n" K32 "\n", "keys:3: key id is not a number from 1 "
	    "to 255 (expected \"ID HEX\")");
	parse_fails("1 " K32 "\n\n1 " K16 "\n", "keys:3: duplicate key id 1 "
	    "(first on line 1)");
	parse_fails("1 " K32 "0\n", "keys:1: key 1: odd number of hex digits "
	    "(65)");
	parse_fails("1 000102030405060708090a0b0c0d0e0g\n", "keys:1: key 1: "
	    "character 32 is not a hex digit");
	parse_fails("1 0x0102030405060708090a0b0c0d0e0f10\n", "keys:1: key 1: "
	    "character 2 is not a hex digit");
	parse_fails("# short\n5 f0e1d2c3b4a5968778695a4b3c2d1e\n",
	    "keys:2: key 5: 30 hex digits; need 32 to 128 (16 to 64 bytes)");
	parse_fails("5 " K64 "00\n", "keys:1: key 5: 130 hex digits; need 32 "
	    "to 128 (16 to 64 bytes)");
	parse_fails("1 " K32 "\n2 " K16 "\n3 " K32 "\n", "keys:3: more than 2 "
	    "keys (one current and one next or previous)");
	parse_fails("", "keys:1: no key (expected lines \"ID HEX\")");
	parse_fails("# nothing\n\n# here\n", "keys:3: no key (expected lines "
	    "\"ID HEX\")");
	parse_fails("1 " K32 "\n4\n", "keys:2: key id 4 without a key "
	    "(expected \"ID HEX\")");
	parse_fails("4   # " K32 "\n", "keys:1: key id 4 without a key "
	    "(expected \"ID HEX\")");
	/* A second secret where ALG goes: not echoed (it is all hex). */
	parse_fails("1 " K32 " " K16 "\n", "keys:1: key 1: unexpected text "
	    "after the key (expected \"ID HEX [ALG]\", ALG hmac-sha256 or "
	    "umac-128)");
	parse_fails("1 " K32 " extra\n", "keys:1: key 1: unknown algorithm "
	    "\"extra\" (expected hmac-sha256 or umac-128)");
}
END_TEST

/* The ALG field: both names, the default, and what is refused. */
START_TEST(test_alg)
{
	ck_assert_int_eq(parse("1 " K32 " umac-128\n2 " K16 " hmac-sha256\n"),
	    0);
	ck_assert_uint_eq(kf.nkeys, 2);
	ck_assert_int_eq(kf.keys[0].alg, AUTH_UMAC128);
	ck_assert_uint_eq(kf.keys[0].len, 32);
	ck_assert_uint_eq(kf.keys[0].secret[31], 0x1f);
	ck_assert_int_eq(kf.keys[1].alg, AUTH_HMAC_SHA256);
	ck_assert_uint_eq(kf.keys[1].secret[0], 0xf0);
	/* Absent: the default, UMAC-128. */
	ck_assert_int_eq(parse("3 " K32 "\n4 " K16 " hmac-sha256\n"), 0);
	ck_assert_int_eq(kf.keys[0].alg, AUTH_UMAC128);
	ck_assert_int_eq(kf.keys[1].alg, AUTH_HMAC_SHA256);
	/* Comments, tabs and CR LF around it. */
	ck_assert_int_eq(parse("5\t" K32 "\tumac-128\t# fast\r\n"
	    "6 " K16 " hmac-sha256# old\n"), 0);
	ck_assert_int_eq(kf.keys[0].alg, AUTH_UMAC128);
	ck_assert_int_eq(kf.keys[1].alg, AUTH_HMAC_SHA256);
	ck_assert_int_eq(parse("7 " K32 "   # hmac-sha256 not here\n"), 0);
	ck_assert_int_eq(kf.keys[0].alg, AUTH_UMAC128);
	keyfile_clear(&kf);
	parse_fails("# first\n1 " K32 " umac128\n", "keys:2: key 1: unknown "
	    "algorithm \"umac128\" (expected hmac-sha256 or umac-128)");
	parse_fails("1 " K32 " UMAC-128\n", "keys:1: key 1: unknown "
	    "algorithm \"UMAC-128\" (expected hmac-sha256 or umac-128)");
	parse_fails("2 " K16 " hmac-sha256 umac-128\n", "keys:1: key 2: "
	    "unexpected text after the algorithm (expected \"ID HEX "
	    "[ALG]\")");
	parse_fails("2 " K16 " umac-128 " K32 "\n", "keys:1: key 2: "
	    "unexpected text after the algorithm (expected \"ID HEX "
	    "[ALG]\")");
	/* A long word is cut in the message. */
	parse_fails("9 " K16 " umac-128-with-a-very-long-suffix-beyond-32\n",
	    "keys:1: key 9: unknown algorithm \"umac-128-with-a-very-long-"
	    "suffix\" (expected hmac-sha256 or umac-128)");
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char	 text[] = "1 " K32 "\n2 " K16 "\0\n";

	ck_assert_int_eq(keyfile_parse("keys", text, sizeof(text) - 1, &kf,
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, "keys:2: NUL byte in the line");
	ck_assert_uint_eq(kf.nkeys, 0);
}
END_TEST

START_TEST(test_small_err_buffer)
{
	char	 small[8];

	/* The message is cut to the buffer, never written past it. */
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(keyfile_parse("keys", "0 x", 3, &kf, small,
	    sizeof(small)), -1);
	ck_assert_str_eq(small, "keys:1:");
}
END_TEST

/* ---- keyfile_read: files in a private temporary directory -------------- */

static char	 dir[64];
static char	 path[128];

static void
setup_dir(void)
{
	strcpy(dir, "/tmp/check_keyfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown_dir(void)
{
	static const char	*names[] = { "k", "link", "sub", "fifo" };
	char			 p[128];
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		if (unlink(p) == -1 && errno == EISDIR)
			rmdir(p);
		rmdir(p);
	}
	rmdir(dir);
}

/* Write text to dir/k with mode; returns the path. */
static const char *
write_key(const char *text, size_t len, mode_t mode)
{
	int	 fd;

	snprintf(path, sizeof(path), "%s/k", dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	/* chmod: the umask does not decide the mode under test. */
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static int
rd(const char *p)
{
	memset(err, 0, sizeof(err));
	return keyfile_read(p, &kf, err, sizeof(err));
}

START_TEST(test_read_ok)
{
	static const char	 text[] = "1 " K32 "\n2 " K16 "\n";
	static const mode_t	 modes[] = { 0600, 0400 };
	size_t			 i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		ck_assert_int_eq(rd(write_key(text, sizeof(text) - 1,
		    modes[i])), 0);
		ck_assert_uint_eq(kf.nkeys, 2);
		ck_assert_uint_eq(kf.keys[1].id, 2);
		ck_assert_uint_eq(kf.keys[1].secret[0], 0xf0);
		keyfile_clear(&kf);
	}
}
END_TEST

START_TEST(test_read_mode)
{
	static const char	 text[] = "1 " K32 "\n";
	static const mode_t	 modes[] = { 0644, 0640, 0604, 0660, 0606,
	    0610, 0601, 0620, 0602, 0700 | 0004 };
	char			 want[256];
	size_t			 i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		write_key(text, sizeof(text) - 1, modes[i]);
		errno = 0;
		ck_assert_int_eq(rd(path), -1);
		ck_assert_int_eq(errno, EPERM);
		snprintf(want, sizeof(want), "%s: readable or writable by "
		    "group or others (mode %04o); chmod 600 it", path,
		    (unsigned int)modes[i]);
		ck_assert_str_eq(err, want);
		ck_assert_uint_eq(kf.nkeys, 0);
	}
}
END_TEST

START_TEST(test_read_not_regular)
{
	char	 want[256], p[128];

	/* A directory. */
	snprintf(p, sizeof(p), "%s/sub", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(rd(p), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", p);
	ck_assert_str_eq(err, want);
	/* A FIFO: refused at once, not waited on. */
	snprintf(p, sizeof(p), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_eq(rd(p), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", p);
	ck_assert_str_eq(err, want);
	/* A symlink to a good file: not followed. */
	write_key("1 " K32 "\n", 2 + 64 + 1, 0600);
	snprintf(p, sizeof(p), "%s/link", dir);
	ck_assert_int_eq(symlink(path, p), 0);
	errno = 0;
	ck_assert_int_eq(rd(p), -1);
	ck_assert_int_eq(errno, ELOOP);
	snprintf(want, sizeof(want), "%s: is a symbolic link; name the file "
	    "itself", p);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(rd(path), 0);
	keyfile_clear(&kf);
	/* Missing. */
	snprintf(p, sizeof(p), "%s/none", dir);
	errno = 0;
	ck_assert_int_eq(rd(p), -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(want, sizeof(want), "%s: %s", p, strerror(ENOENT));
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_read_size)
{
	static char	 text[KEYFILE_SIZE_MAX + 1];
	char		 want[256];
	size_t		 n;

	/* Exactly the limit: a key padded with a long comment. */
	memset(text, '#', sizeof(text));
	n = (size_t)snprintf(text, sizeof(text), "9 " K32 "\n");
	text[n] = '#';
	text[KEYFILE_SIZE_MAX - 1] = '\n';
	ck_assert_int_eq(rd(write_key(text, KEYFILE_SIZE_MAX, 0600)), 0);
	ck_assert_uint_eq(kf.keys[0].id, 9);
	keyfile_clear(&kf);
	/* One byte more. */
	text[KEYFILE_SIZE_MAX] = '\n';
	errno = 0;
	ck_assert_int_eq(rd(write_key(text, KEYFILE_SIZE_MAX + 1, 0600)), -1);
	ck_assert_int_eq(errno, EFBIG);
	snprintf(want, sizeof(want), "%s: larger than %d bytes", path,
	    KEYFILE_SIZE_MAX);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_read_parse_error)
{
	char	 want[256];

	/* Parse errors name the real path and line. */
	rd(write_key("# k\n1 " K32 "\n1 " K16 "\n", 4 + 67 + 35, 0600));
	snprintf(want, sizeof(want), "%s:3: duplicate key id 1 (first on "
	    "line 2)", path);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(kf.nkeys, 0);
	/* An empty file. */
	rd(write_key("", 0, 0600));
	snprintf(want, sizeof(want), "%s:1: no key (expected lines \"ID "
	    "HEX\")", path);
	ck_assert_str_eq(err, want);
}
END_TEST

static Suite *
keyfile_suite(void)
{
	Suite	*s = suite_create("keyfile");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, test_one_key);
	tcase_add_test(tc, test_two_keys_comments);
	tcase_add_test(tc, test_crlf_uppercase);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_alg);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_small_err_buffer);
	suite_add_tcase(s, tc);
	tc = tcase_create("read");
	tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
	tcase_add_test(tc, test_read_ok);
	tcase_add_test(tc, test_read_mode);
	tcase_add_test(tc, test_read_not_regular);
	tcase_add_test(tc, test_read_size);
	tcase_add_test(tc, test_read_parse_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(keyfile_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
