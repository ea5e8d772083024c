/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The acceptance table of the helper <-> worker channel: which message each
 * side accepts, its exact payload length and whether it carries one fd.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define RULE(type, dir, len, fd)	{ (type), (dir), (len), (fd), #type }

/*
 * One row per (type, receiving side). A message not listed here is never
 * accepted, whatever its length or fd.
 */
static const struct proto_rule proto_rules[] = {
	/* Helper: handshake, its PROTO_VERSION must match the worker's. */
	RULE(MSG_HELLO, TO_WORKER, sizeof(struct msg_hello), 0),
	/* Helper: ports, counts and log level, before any slot or peer. */
	RULE(MSG_CONF_GLOBAL, TO_WORKER, sizeof(struct msg_conf_global), 0),
	/* Helper: one interface slot with its bound, filtered AF_PACKET fd. */
	RULE(MSG_CONF_SLOT, TO_WORKER, sizeof(struct msg_conf_slot), 1),
	/* Helper: one mesh peer; mesh data is accepted only from peers. */
	RULE(MSG_CONF_PEER, TO_WORKER, sizeof(struct msg_conf_peer), 0),
	/*
	 * Helper: the whole mesh keyring, primary first; after the peers when
	 * nkeys > 0, and again after MSG_READY when SIGHUP reloaded the keys.
	 * The worker cannot read the key file: it is chrooted.
	 */
	RULE(MSG_CONF_KEYS, TO_WORKER, sizeof(struct msg_conf_keys), 0),
	/* Helper: a slot's capture ring (--capture-ring), after that slot. */
	RULE(MSG_CONF_RING, TO_WORKER, sizeof(struct msg_conf_ring), 1),
	/* Helper: the answer to MSG_CAPTURE_MODE RING_ON. */
	RULE(MSG_RING_READY, TO_WORKER, sizeof(struct msg_ring_ready), 0),
	/* Helper: the peers --discover found now; replaces the last set. */
	RULE(MSG_PEERS, TO_WORKER, sizeof(struct msg_peers), 0),
	/* Helper: the bound UDP mesh socket; the worker cannot make one. */
	RULE(MSG_MESH_FD, TO_WORKER, sizeof(struct msg_mesh_fd), 1),
	/* Helper: configuration complete, the worker may start relaying. */
	RULE(MSG_CONF_END, TO_WORKER, 0, 0),
	/* Helper on SIGUSR1: log the counters. */
	RULE(MSG_DUMP_COUNTERS, TO_WORKER, 0, 0),
	/* Helper on SIGTERM/SIGINT: log the counters and exit 0. */
	RULE(MSG_SHUTDOWN, TO_WORKER, 0, 0),

	/* Worker: handshake, after its sandbox is in place. */
	RULE(MSG_HELLO, TO_HELPER, sizeof(struct msg_hello), 0),
	/* Worker: running with the configuration it was sent. */
	RULE(MSG_READY, TO_HELPER, 0, 0),
	/* Worker: one log line, escaped by the helper before it is logged. */
	RULE(MSG_LOG, TO_HELPER, sizeof(struct msg_log), 0),
	/* Worker: load mode began or ended: capture with the ring or not. */
	RULE(MSG_CAPTURE_MODE, TO_HELPER, sizeof(struct msg_capture_mode), 0),
};

#define NRULES	(sizeof(proto_rules) / sizeof(proto_rules[0]))

/* The rule for (type, dir), or NULL if that message is never allowed. */
const struct proto_rule *
proto_rule_find(uint32_t type, enum proto_dir dir)
{
	size_t	 i;

	for (i = 0; i < NRULES; i++) {
		if (proto_rules[i].type == type && proto_rules[i].dir == dir)
			return &proto_rules[i];
	}
	return NULL;
}

/* Printable name of a type, "unknown" if none. */
const char *
proto_type_name(uint32_t type)
{
	size_t	 i;

	for (i = 0; i < NRULES; i++) {
		if (proto_rules[i].type == type)
			return proto_rules[i].name;
	}
	return "unknown";
}

/* See proto.h. */
int
proto_unicast(uint32_t addr)
{
	uint8_t	 first = ((const uint8_t *)&addr)[0];

	return first != 0 && first < 224;
}
