/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target: the mesh key file parser. A refusal must come with a
 * NUL-terminated message.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "keyfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keyfile	 kf;
	char		 err[512];

	memset(&kf, 0, sizeof(kf));
	memset(err, 'x', sizeof(err));
	if (keyfile_parse("fuzz.key", (const char *)data, size, &kf, err,
	    sizeof(err)) == 0)
		keyfile_clear(&kf);
	else if (memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	return 0;
}
