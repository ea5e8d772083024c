/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's seccomp allowlist. Default action: kill the process.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <seccomp.h>

/* Build the filter without loading it (NULL on failure). */
scmp_filter_ctx	 sandbox_build(void);
/* Build and load the filter; fatal on failure. Must be the last privilege step. */
void		 sandbox_enter(void);

#endif /* SANDBOX_H */
