/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The privileged helper: spawns the worker, opens its sockets, drops to
 * CAP_NET_RAW, then serves the worker's few requests and logs its lines.
 */
#ifndef HELPER_H
#define HELPER_H

#include "config.h"

/* Run the helper role; exits 0 on SIGTERM/SIGINT, 1 on any failure. */
void	 helper_main(const struct config *conf) __attribute__((noreturn));

#endif /* HELPER_H */
