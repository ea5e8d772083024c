/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The mesh key file: "ID HEX [ALG]" lines parsed without echoing secrets, and
 * read by the helper only if no one but its owner can read or write it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keyfile.h"

#define HEX_MIN		32		/* 16 bytes */
#define HEX_MAX		(2 * KEYFILE_KEY_MAX)

/* One line being parsed: its text (without newline) and where we are. */
struct kf_line {
	const char	*p;
	size_t		 len;
	size_t		 pos;
};

/* Skip blanks; return the next field (pointer, length), or length 0. */
static const char *
field(struct kf_line *l, size_t *flen)
{
	const char	*f;

	while (l->pos < l->len && (l->p[l->pos] == ' ' || l->p[l->pos] == '\t'))
		l->pos++;
	f = l->p + l->pos;
	*flen = 0;
	while (l->pos < l->len && l->p[l->pos] != ' ' && l->p[l->pos] != '\t') {
		l->pos++;
		(*flen)++;
	}
	return f;
}

/* The value of hex digit c, or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The key id field: 1..255 in decimal. The text is never echoed: a line
 * holding only a secret would put the secret in this field.
 */
static int
parse_id(const char *f, size_t flen, uint8_t *id, char *why, size_t whylen)
{
	unsigned int	 v = 0;
	size_t		 i;

	for (i = 0; i < flen; i++) {
		if (f[i] < '0' || f[i] > '9' || i >= 3) {
			snprintf(why, whylen, "key id is not a number from 1 "
			    "to 255 (expected \"ID HEX\")");
			return -1;
		}
		v = v * 10 + (unsigned int)(f[i] - '0');
	}
	if (v < 1 || v > 255) {
		snprintf(why, whylen, "key id %u out of range 1..255", v);
		return -1;
	}
	*id = (uint8_t)v;
	return 0;
}

/* The secret field into k; positions and counts only in messages. */
static int
parse_secret(const char *f, size_t flen, struct keyfile_key *k, char *why,
    size_t whylen)
{
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < flen; i++) {
		if (hexval(f[i]) == -1) {
			snprintf(why, whylen, "key %u: character %zu is not a "
			    "hex digit", k->id, i + 1);
			return -1;
		}
	}
	if (flen % 2 != 0) {
		snprintf(why, whylen, "key %u: odd number of hex digits (%zu)",
		    k->id, flen);
		return -1;
	}
	if (flen < HEX_MIN || flen > HEX_MAX) {
		snprintf(why, whylen, "key %u: %zu hex digits; need %d to %d "
		    "(%d to %d bytes)", k->id, flen, HEX_MIN, HEX_MAX,
		    HEX_MIN / 2, HEX_MAX / 2);
		return -1;
	}
	for (i = 0; i < flen / 2; i++) {
		hi = hexval(f[2 * i]);
		lo = hexval(f[2 * i + 1]);
		k->secret[i] = (uint8_t)(hi << 4 | lo);
	}
	k->len = (uint8_t)(flen / 2);
	return 0;
}

/*
 * 1 if an unknown algorithm word may be echoed: printable and not all hex
 * digits, since a second secret on the line would be all hex.
 */
static int
alg_word_echo(const char *f, size_t flen)
{
	size_t	 i, hex = 0;

	for (i = 0; i < flen; i++) {
		if ((unsigned char)f[i] < 0x21 || (unsigned char)f[i] > 0x7e)
			return 0;
		if (hexval(f[i]) != -1)
			hex++;
	}
	return hex < flen;
}

/*
 * The optional algorithm field after the secret (umac-128 if absent: see
 * keyfile.h), then the end of the line. An unknown word is named in the
 * message (it is not secret), unless it could be key material; the secret
 * before it never is.
 */
static int
parse_alg(struct kf_line *l, struct keyfile_key *k, char *why, size_t whylen)
{
	const char	*f;
	size_t		 flen;

	k->alg = AUTH_UMAC128;
	f = field(l, &flen);
	if (flen == 0)
		return 0;
	if (auth_alg_from_name(f, flen, &k->alg) == -1) {
		if (alg_word_echo(f, flen))
			snprintf(why, whylen, "key %u: unknown algorithm "
			    "\"%.*s\" (expected hmac-sha256 or umac-128)",
			    k->id, flen > 32 ? 32 : (int)flen, f);
		else
			snprintf(why, whylen, "key %u: unexpected text after "
			    "the key (expected \"ID HEX [ALG]\", ALG "
			    "hmac-sha256 or umac-128)", k->id);
		return -1;
	}
	field(l, &flen);
	if (flen != 0) {
		snprintf(why, whylen, "key %u: unexpected text after the "
		    "algorithm (expected \"ID HEX [ALG]\")", k->id);
		return -1;
	}
	return 0;
}

/*
 * One line: comment and blank lines are skipped (returns 0, nothing
 * added); otherwise "ID HEX [ALG]" becomes the next key. -1 with why set.
 */
static int
parse_line(struct kf_line *l, struct keyfile *kf, const size_t *idline,
    char *why, size_t whylen)
{
	struct keyfile_key	*k;
	const char		*f;
	size_t			 flen, i;
	uint8_t			 id;

	if (memchr(l->p, '\0', l->len) != NULL) {
		snprintf(why, whylen, "NUL byte in the line");
		return -1;
	}
	/* '#' starts a comment anywhere: it is neither a digit nor hex. */
	f = memchr(l->p, '#', l->len);
	if (f != NULL)
		l->len = (size_t)(f - l->p);
	f = field(l, &flen);
	if (flen == 0)
		return 0;
	if (parse_id(f, flen, &id, why, whylen) == -1)
		return -1;
	for (i = 0; i < kf->nkeys; i++) {
		if (kf->keys[i].id == id) {
			snprintf(why, whylen, "duplicate key id %u (first on "
			    "line %zu)", id, idline[i]);
			return -1;
		}
	}
	if (kf->nkeys >= KEYFILE_MAX_KEYS) {
		snprintf(why, whylen, "more than %d keys (one current and one "
		    "next or previous)", KEYFILE_MAX_KEYS);
		return -1;
	}
	k = &kf->keys[kf->nkeys];
	k->id = id;
	f = field(l, &flen);
	if (flen == 0) {
		snprintf(why, whylen, "key id %u without a key (expected "
		    "\"ID HEX\")", id);
		return -1;
	}
	if (parse_secret(f, flen, k, why, whylen) == -1 ||
	    parse_alg(l, k, why, whylen) == -1)
		return -1;
	kf->nkeys++;
	return 1;
}

/* Parse text[0..len): every line, then at least one key. */
int
keyfile_parse(const char *path, const char *text, size_t len,
    struct keyfile *kf, char *err, size_t errlen)
{
	struct kf_line	 l;
	size_t		 off = 0, lineno = 0, idline[KEYFILE_MAX_KEYS];
	const char	*nl;
	char		 why[128];
	int		 r;

	memset(kf, 0, sizeof(*kf));
	while (off < len) {
		lineno++;
		l.p = text + off;
		nl = memchr(l.p, '\n', len - off);
		l.len = nl != NULL ? (size_t)(nl - l.p) : len - off;
		off += l.len + (nl != NULL);
		/* Files edited on Windows end lines with CR LF. */
		if (l.len > 0 && l.p[l.len - 1] == '\r')
			l.len--;
		l.pos = 0;
		r = parse_line(&l, kf, idline, why, sizeof(why));
		if (r == -1)
			goto fail;
		if (r == 1)
			idline[kf->nkeys - 1] = lineno;
	}
	if (kf->nkeys == 0) {
		if (lineno == 0)
			lineno = 1;
		snprintf(why, sizeof(why), "no key (expected lines "
		    "\"ID HEX\")");
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
	keyfile_clear(kf);
	errno = EINVAL;
	return -1;
}

/* Check what fd is: a small regular file private to its owner. */
static int
check_file(int fd, const char *path, char *err, size_t errlen)
{
	struct stat	 st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		errno = EINVAL;
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: readable or writable by group or "
		    "others (mode %04o); chmod 600 it", path,
		    (unsigned int)(st.st_mode & 07777));
		errno = EPERM;
		return -1;
	}
	if (st.st_size > KEYFILE_SIZE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    KEYFILE_SIZE_MAX);
		errno = EFBIG;
		return -1;
	}
	return 0;
}

/* Read all of fd into buf (size bufsz); the byte count or -1. */
static ssize_t
read_all(int fd, char *buf, size_t bufsz)
{
	size_t	 got = 0;
	ssize_t	 n;

	while (got < bufsz) {
		n = read(fd, buf + got, bufsz - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * Open without following a symlink (and without blocking on a FIFO), check
 * the file, read it whole and parse it; the copy of the text is wiped.
 */
int
keyfile_read(const char *path, struct keyfile *kf, char *err, size_t errlen)
{
	char	 buf[KEYFILE_SIZE_MAX + 1];
	ssize_t	 n;
	int	 fd, saved, r = -1;

	memset(kf, 0, sizeof(*kf));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		saved = errno;
		if (errno == ELOOP)
			snprintf(err, errlen, "%s: is a symbolic link; name "
			    "the file itself", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		errno = saved;
		return -1;
	}
	if (check_file(fd, path, err, errlen) == -1)
		goto out;
	/* One byte more than allowed tells a file that grew since fstat. */
	n = read_all(fd, buf, sizeof(buf));
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((size_t)n > KEYFILE_SIZE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    KEYFILE_SIZE_MAX);
		errno = EFBIG;
		goto out;
	}
	r = keyfile_parse(path, buf, (size_t)n, kf, err, errlen);
out:
	saved = errno;
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	errno = saved;
	return r;
}

/* Overwrite key material. */
void
keyfile_clear(struct keyfile *kf)
{
	explicit_bzero(kf, sizeof(*kf));
}
