/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The mesh key file: parsing (pure) and reading it safely (helper only).
 * Format: one key per line, "ID HEX [ALG]", ID 1..255, HEX 32..128 hex
 * digits (16..64 bytes), ALG "umac-128" (the default) or "hmac-sha256";
 * '#' comments and blank lines ignored; one or two keys. The first key
 * listed is the primary (sending) key. UMAC-128 is the default for its
 * cost, about a fifth of HMAC-SHA-256's per datagram (see auth.h); its
 * nonce never repeats by construction (see mesh.h).
 */
#ifndef KEYFILE_H
#define KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"

#define KEYFILE_MAX_KEYS	2
#define KEYFILE_KEY_MAX		64
#define KEYFILE_SIZE_MAX	4096

struct keyfile_key {
	uint8_t		 id;
	uint8_t		 len;
	enum auth_alg	 alg;
	uint8_t		 secret[KEYFILE_KEY_MAX];
};

struct keyfile {
	struct keyfile_key	 keys[KEYFILE_MAX_KEYS];
	size_t			 nkeys;
};

/*
 * Parse text[0..len) named path (for messages). 0, or -1 with
 * "PATH:LINE: reason" in err (never echoing secret material).
 */
int	 keyfile_parse(const char *path, const char *text, size_t len, struct keyfile *kf,
	    char *err, size_t errlen);

/*
 * Open and parse path: must be a regular file, not readable or writable by
 * group or others (mode & 077 == 0), at most KEYFILE_SIZE_MAX bytes.
 * 0, or -1 with a message naming the path and the problem.
 */
int	 keyfile_read(const char *path, struct keyfile *kf, char *err, size_t errlen);

/* Overwrite key material. */
void	 keyfile_clear(struct keyfile *kf);

#endif /* KEYFILE_H */
