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
/*
 * The keyring of a MSG_CONF_KEYS payload (data, sizeof(struct
 * msg_conf_keys) bytes, wiped here): 1..2 keys, ids 1..255 and distinct,
 * 16..64 bytes, a known algorithm. Anything else is fatal (the helper
 * sent it: a protocol violation).
 */
void	 meshkeys_from_msg(uint8_t *data, struct auth_keyring *kr);
/* Log the keys a reload installed and send HELLOs with their ids. */
void	 meshkeys_reloaded(struct relay *r);
/* Forget the accept-only keys once their time is up; 1 if it did. */
int	 meshkeys_expire(struct relay *r, uint64_t now_ms);

#endif /* MESHKEYS_H */
