/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The entry point every fuzz target defines: libFuzzer's, so that the
 * same file builds into a coverage-guided fuzzer (tests/fuzz/run.sh,
 * clang) and into a replay of its corpus in make check (replay.c).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Feed one input; 0. A failed expectation calls abort(). */
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZ_H */
