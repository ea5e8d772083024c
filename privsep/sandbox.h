/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's seccomp allowlist. Default action: kill the process.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <seccomp.h>

/*
 * Build the filter without loading it (NULL on failure). read(2) is allowed
 * on timer_fd only (the load-mode timer), on nothing if it is -1.
 */
scmp_filter_ctx	 sandbox_build(int timer_fd);
/* Build and load the filter; fatal on failure. Must be the last privilege step. */
void		 sandbox_enter(int timer_fd);

#endif /* SANDBOX_H */
