/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The keys a relay sends and accepts with, and their rotation.
 */
#ifndef MESHKEYS_H
#define MESHKEYS_H

#include <stdint.h>

#include "auth.h"

struct relay;

/*
 * Install a new keyring (a copy of kr). Keys that left the ring are kept,
 * accepted but never used to send, for PEER_HELLO_MISSES HELLO intervals.
 */
void	 meshkeys_set(struct relay *r, const struct auth_keyring *kr, uint64_t now_ms);
/* Forget the accept-only keys once their time is up; 1 if it did. */
int	 meshkeys_expire(struct relay *r, uint64_t now_ms);

#endif /* MESHKEYS_H */
