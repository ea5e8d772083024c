/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The keys a relay sends and accepts with: the keyring of MSG_CONF_KEYS
 * (checked), a new keyring from a reload, and the grace time during which the keys that left it are still
 * accepted (never used to send).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "hello.h"
#include "log.h"
#include "meshkeys.h"
#include "peer.h"
#include "proto.h"
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

/*
 * Check MSG_CONF_KEYS and build the keyring from it: 1..2 keys, ids
 * 1..255 and distinct, 16..64 bytes each, a known algorithm. The secrets
 * are wiped from the message afterwards.
 */
void
meshkeys_from_msg(uint8_t *data, struct auth_keyring *kr)
{
	struct msg_conf_keys	 k;
	uint32_t		 i;

	memcpy(&k, data, sizeof(k));
	explicit_bzero(data, sizeof(k));
	if (k.nkeys < 1 || k.nkeys > AUTH_MAX_KEYS)
		fatalx("channel: MSG_CONF_KEYS: nkeys %u not in 1..%d",
		    k.nkeys, AUTH_MAX_KEYS);
	auth_keyring_init(kr);
	for (i = 0; i < k.nkeys; i++) {
		if (k.keys[i].id < 1 || k.keys[i].id > 255)
			fatalx("channel: MSG_CONF_KEYS: key id %u not in "
			    "1..255", k.keys[i].id);
		if (k.keys[i].len < AUTH_KEY_MIN ||
		    k.keys[i].len > AUTH_KEY_MAX)
			fatalx("channel: MSG_CONF_KEYS: key %u: length %u not "
			    "in %d..%d", k.keys[i].id, k.keys[i].len,
			    AUTH_KEY_MIN, AUTH_KEY_MAX);
		if (k.keys[i].alg >= AUTH_NALG)
			fatalx("channel: MSG_CONF_KEYS: key %u: algorithm %u "
			    "unknown", k.keys[i].id, k.keys[i].alg);
		if (auth_keyring_add(kr, (uint8_t)k.keys[i].id,
		    (enum auth_alg)k.keys[i].alg, k.keys[i].secret,
		    k.keys[i].len) == -1)
			fatalx("channel: MSG_CONF_KEYS: key %u: %s",
			    k.keys[i].id, errno == EEXIST ? "duplicate id" :
			    "refused");
	}
	explicit_bzero(&k, sizeof(k));
}

/* A reload took effect: say which keys, and tell the peers now. */
void
meshkeys_reloaded(struct relay *r)
{
	struct relay_auth	*a = &r->auth;
	char			 ids[16];

	if (a->keys.nkeys > 1)
		snprintf(ids, sizeof(ids), "%u,%u", a->keys.keys[0].id,
		    a->keys.keys[1].id);
	else
		snprintf(ids, sizeof(ids), "%u", a->keys.keys[0].id);
	log_info("mesh keys reloaded: key ids %s (%u sends); %zu old key%s "
	    "accepted for %u s", ids, a->keys.keys[0].id, a->old.nkeys,
	    a->old.nkeys == 1 ? "" : "s",
	    PEER_HELLO_MISSES * a->hello_interval);
	/* Peers learn the new key ids now, not at the next interval. */
	hello_send(r);
}
