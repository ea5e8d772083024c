/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target: the command line and the environment. Input: a byte that
 * says how many of the strings (0-3, the last ones) are the environment,
 * then NUL-separated strings. A refusal must come with a NUL-terminated
 * message.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

#define FUZZ_NSTR	64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 buf[4096];
	char		*str[FUZZ_NSTR], *argv[FUZZ_NSTR + 2];
	char		*envp[FUZZ_NSTR + 1];
	struct config	 conf;
	char		 err[1024];
	size_t		 i, start = 0, n = 0, nenv, k;

	if (size < 1 || size > sizeof(buf))
		return 0;
	nenv = data[0] % 4;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (i = 0; i < size && n < FUZZ_NSTR; i++)
		if (buf[i] == '\0') {
			str[n++] = buf + start;
			start = i + 1;
		}
	if (nenv > n)
		nenv = n;
	argv[0] = "snowrelayd";
	for (k = 0; k < n - nenv; k++)
		argv[k + 1] = str[k];
	argv[n - nenv + 1] = NULL;
	for (k = 0; k < nenv; k++)
		envp[k] = str[n - nenv + k];
	envp[nenv] = NULL;
	memset(&conf, 0, sizeof(conf));
	memset(err, 'x', sizeof(err));
	if (config_load(&conf, (int)(n - nenv + 1), argv, envp, err,
	    sizeof(err)) == -1 && memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	return 0;
}
