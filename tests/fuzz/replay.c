/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * make check's side of a fuzz target: feed it every file of its corpus
 * (tests/fuzz/corpus/NAME, built in as FUZZ_CORPUS), or the files named
 * on the command line, once each. A crash or a failed expectation fails
 * the test; the corpus keeps what earlier fuzzing runs found.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define REPLAY_MAX	(64 * 1024)	/* larger inputs are not corpus files */

/* Feed n bytes from a copy of their own, so that reads past the end are caught. */
static int
replay_feed(const uint8_t *buf, size_t n)
{
	uint8_t	*in;

	if ((in = malloc(n > 0 ? n : 1)) == NULL) {
		fprintf(stderr, "replay: out of memory\n");
		return -1;
	}
	memcpy(in, buf, n);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	return 0;
}

/* Feed one file; 0, or -1 if it cannot be read. */
static int
replay_file(const char *path)
{
	static uint8_t	 buf[REPLAY_MAX];
	FILE		*fp;
	size_t		 n;
	int		 bad;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), fp);
	bad = ferror(fp) || !feof(fp);
	fclose(fp);
	if (bad) {
		fprintf(stderr, "replay: %s: unreadable or over %d bytes\n",
		    path, REPLAY_MAX);
		return -1;
	}
	return replay_feed(buf, n);
}

/* Feed every regular file of dir; the count, or -1. */
static int
replay_dir(const char *dir)
{
	char		 path[4096];
	struct dirent	*e;
	struct stat	 st;
	DIR		*d;
	int		 count = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path) || stat(path, &st) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) == -1) {
			closedir(d);
			return -1;
		}
		count++;
	}
	closedir(d);
	return count;
}

int
main(int argc, char *argv[])
{
	int	 i, n;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay_file(argv[i]) == -1)
				return 1;
		printf("replay: %d inputs\n", argc - 1);
		return 0;
	}
	if ((n = replay_dir(FUZZ_CORPUS)) <= 0) {
		fprintf(stderr, "replay: no inputs in %s\n", FUZZ_CORPUS);
		return 1;
	}
	printf("replay: %d inputs from %s, none failed\n", n, FUZZ_CORPUS);
	return 0;
}
