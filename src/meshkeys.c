/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The keys a relay sends and accepts with: a new keyring from a reload,
 * and the grace time during which the keys that left it are still
 * accepted (never used to send).
 */
#include <stdint.h>
#include <string.h>

#include "auth.h"
#include "meshkeys.h"
#include "peer.h"
#include "relay.h"

void
meshkeys_set(struct relay *r, const struct auth_keyring *kr,
    uint64_t now_ms)
{
	struct relay_auth	*a = &r->auth;
	struct auth_keyring	 old;
	size_t			 i;

	/* The keys leaving now first, then those still in their grace time. */
	auth_keyring_init(&old);
	for (i = 0; i < a->keys.nkeys; i++)
		if (auth_key_find(kr, a->keys.keys[i].id) == NULL)
			old.keys[old.nkeys++] = a->keys.keys[i];
	for (i = 0; i < a->old.nkeys && old.nkeys < AUTH_MAX_KEYS; i++)
		if (auth_key_find(kr, a->old.keys[i].id) == NULL &&
		    auth_key_find(&old, a->old.keys[i].id) == NULL)
			old.keys[old.nkeys++] = a->old.keys[i];
	explicit_bzero(&a->old, sizeof(a->old));
	explicit_bzero(&a->keys, sizeof(a->keys));
	a->old = old;
	a->keys = *kr;
	explicit_bzero(&old, sizeof(old));
	a->old_until_ms = now_ms +
	    (uint64_t)PEER_HELLO_MISSES * a->hello_interval * 1000;
}

int
meshkeys_expire(struct relay *r, uint64_t now_ms)
{
	struct relay_auth	*a = &r->auth;

	if (a->old.nkeys == 0 || now_ms < a->old_until_ms)
		return 0;
	explicit_bzero(&a->old, sizeof(a->old));
	auth_keyring_init(&a->old);
	return 1;
}
