/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests of the peer table (src/peer.c): counters, formats, liveness
 * with an injected clock, send-key choice, relay MACs; and of the counter
 * lines the worker logs (src/counters.c), captured through log_setsink().
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "counters.h"
#include "frame.h"
#include "log.h"
#include "mesh.h"
#include "peer.h"
#include "replay.h"

static uint32_t
ip(const char *s)
{
	struct in_addr	 a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

START_TEST(test_add_find)
{
	struct peer_table	 pt;
	struct peer		*p;

	peer_table_init(&pt);
	ck_assert_uint_eq(pt.npeers, 0);
	ck_assert_ptr_null(peer_find(&pt, ip("198.18.2.2")));
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.3.2"), 7124), 0);
	ck_assert_uint_eq(pt.npeers, 2);
	p = peer_find(&pt, ip("198.18.3.2"));
	ck_assert_ptr_eq(p, &pt.peers[1]);
	ck_assert_uint_eq(p->port, 7124);
	ck_assert_uint_eq(p->tx + p->tx_errors + p->rx + p->rx_dropped, 0);
	ck_assert_int_eq(p->last_errno, 0);
	ck_assert_ptr_null(peer_find(&pt, ip("198.18.4.2")));
}
END_TEST

START_TEST(test_duplicate)
{
	struct peer_table	 pt;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	errno = 0;
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_uint_eq(pt.npeers, 1);
	/* Same address, other port: a different peer. */
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7125), 0);
	ck_assert_uint_eq(pt.npeers, 2);
}
END_TEST

START_TEST(test_full)
{
	struct peer_table	 pt;
	uint32_t		 i;

	peer_table_init(&pt);
	for (i = 0; i < MAX_PEERS; i++)
		ck_assert_int_eq(peer_add(&pt, htonl(0xc6120000 + 10 + i), 7124),
		    0);
	ck_assert_uint_eq(pt.npeers, MAX_PEERS);
	errno = 0;
	ck_assert_int_eq(peer_add(&pt, ip("198.18.200.1"), 7124), -1);
	ck_assert_int_eq(errno, ENOSPC);
	/* A duplicate of a present peer still says EEXIST when full. */
	errno = 0;
	ck_assert_int_eq(peer_add(&pt, htonl(0xc6120000 + 10), 7124), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_uint_eq(pt.npeers, MAX_PEERS);
	ck_assert_ptr_eq(peer_find(&pt, htonl(0xc6120000 + 10 + MAX_PEERS - 1)),
	    &pt.peers[MAX_PEERS - 1]);
}
END_TEST

START_TEST(test_find_ignores_port)
{
	struct peer_table	 pt;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7200), 0);
	/* SnowSignal sends from ephemeral ports: the first entry matches. */
	ck_assert_ptr_eq(peer_find(&pt, ip("198.18.2.2")), &pt.peers[0]);
}
END_TEST

START_TEST(test_sent)
{
	struct peer_table	 pt;
	struct peer		*p;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	p = &pt.peers[0];
	peer_sent(p, 0, 100);
	peer_sent(p, 0, 101);
	ck_assert_uint_eq(p->tx, 2);
	ck_assert_uint_eq(p->tx_errors, 0);
	ck_assert_int_eq(p->last_errno, 0);
	peer_sent(p, EHOSTUNREACH, 102);
	ck_assert_uint_eq(p->tx, 2);
	ck_assert_uint_eq(p->tx_errors, 1);
	ck_assert_int_eq(p->last_errno, EHOSTUNREACH);
	ck_assert_int_eq(p->last_error, 102);
	peer_sent(p, ECONNREFUSED, 105);
	ck_assert_uint_eq(p->tx_errors, 2);
	ck_assert_int_eq(p->last_errno, ECONNREFUSED);
	ck_assert_int_eq(p->last_error, 105);
	/* A success clears the errno; when it happened stays. */
	peer_sent(p, 0, 110);
	ck_assert_uint_eq(p->tx, 3);
	ck_assert_int_eq(p->last_errno, 0);
	ck_assert_int_eq(p->last_error, 105);
}
END_TEST

/* A HELLO advertising interval, key ids (0-terminated) and n MACs ending in i. */
static struct mesh_hello
hello(uint16_t interval, const uint8_t *ids, size_t nmacs, uint8_t base)
{
	struct mesh_hello	 h;
	size_t			 i;

	memset(&h, 0, sizeof(h));
	h.interval = interval;
	snprintf(h.version, sizeof(h.version), "1.2.3");
	for (i = 0; ids != NULL && ids[i] != 0 && i < AUTH_MAX_KEYS; i++)
		h.key_ids[h.nkeys++] = ids[i];
	for (i = 0; i < nmacs && i < MAX_IFACES; i++) {
		memcpy(h.macs[i], "\x02\x00\x00\x00\x00", 5);
		h.macs[i][5] = (uint8_t)(base + i);
	}
	h.nmacs = (uint8_t)nmacs;
	return h;
}

START_TEST(test_formats)
{
	struct peer_table	 pt;
	struct peer		*p;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	p = &pt.peers[0];
	/* A new peer: auto, "SS", no HELLOs, unknown (mode off). */
	ck_assert_int_eq(p->format, PEER_FORMAT_AUTO);
	ck_assert_int_eq(p->native, 0);
	ck_assert_int_eq(p->hello, 0);
	ck_assert_int_eq(p->state, PEER_UNKNOWN);

	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_AUTO, MESH_AUTH_OFF), 0);
	ck_assert_int_eq(p->native + p->hello, 0);
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_SS, MESH_AUTH_OFF), 0);
	ck_assert_int_eq(p->native + p->hello, 0);
	errno = 0;
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_NATIVE, MESH_AUTH_OFF),
	    -1);
	ck_assert_int_eq(errno, EINVAL);

	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_AUTO,
	    MESH_AUTH_REQUIRED), 0);
	ck_assert_int_eq(p->native, 1);
	ck_assert_int_eq(p->hello, 1);
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_NATIVE,
	    MESH_AUTH_REQUIRED), 0);
	ck_assert_int_eq(p->native, 1);
	errno = 0;
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_SS, MESH_AUTH_REQUIRED),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_NATIVE, 7), -1);

	/* accept-both: auto gets "SS" and HELLOs until it authenticates. */
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_AUTO,
	    MESH_AUTH_ACCEPT_BOTH), 0);
	ck_assert_int_eq(p->native, 0);
	ck_assert_int_eq(p->hello, 1);
	ck_assert_int_eq(p->authenticated, 0);
	peer_authenticated(p);
	ck_assert_int_eq(p->authenticated, 1);
	ck_assert_int_eq(p->native, 1);
	peer_authenticated(p);
	ck_assert_int_eq(p->authenticated, 1);

	/* A peer given /ss keeps getting "SS", authenticated or not. */
	ck_assert_int_eq(peer_add(&pt, ip("198.18.3.2"), 7124), 0);
	p = &pt.peers[1];
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_SS,
	    MESH_AUTH_ACCEPT_BOTH), 0);
	ck_assert_int_eq(p->native + p->hello, 0);
	peer_authenticated(p);
	ck_assert_int_eq(p->native, 0);
	ck_assert_int_eq(p->authenticated, 1);
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_NATIVE,
	    MESH_AUTH_ACCEPT_BOTH), 0);
	ck_assert_int_eq(p->native, 1);
	ck_assert_int_eq(p->hello, 1);
}
END_TEST

START_TEST(test_liveness)
{
	static const uint8_t	 ids[] = { 1, 0 };
	struct peer_table	 pt;
	struct peer		*p;
	struct mesh_hello	 h = hello(2, ids, 1, 0x10);
	uint64_t		 t = 1000000;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	p = &pt.peers[0];
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_AUTO,
	    MESH_AUTH_REQUIRED), 0);
	/* Unknown until the first HELLO, and ticks never change that. */
	ck_assert_int_eq(peer_tick(p, t), 0);
	ck_assert_int_eq(peer_tick(p, t + 3600 * 1000), 0);
	ck_assert_int_eq(p->state, PEER_UNKNOWN);

	ck_assert_int_eq(peer_hello_received(&pt, p, t, 0xaabbccdd, &h),
	    PEER_WENT_UP);
	ck_assert_int_eq(p->state, PEER_UP);
	ck_assert_uint_eq(p->hellos, 1);
	ck_assert_uint_eq(p->interval, 2);
	ck_assert_uint_eq(p->relay_id, 0xaabbccdd);
	ck_assert_str_eq(p->version, "1.2.3");
	/* Up again: no transition. */
	t += 2000;
	ck_assert_int_eq(peer_hello_received(&pt, p, t, 0xaabbccdd, &h), 0);
	ck_assert_uint_eq(p->hellos, 2);

	/* Three intervals (6 s) may pass; a moment more and it is down. */
	ck_assert_int_eq(peer_tick(p, t + 2000), 0);
	ck_assert_int_eq(peer_tick(p, t + 4000), 0);
	ck_assert_int_eq(peer_tick(p, t + 6000), 0);
	ck_assert_int_eq(p->state, PEER_UP);
	ck_assert_int_eq(peer_tick(p, t + 6001), 1);
	ck_assert_int_eq(p->state, PEER_DOWN);
	/* Down is reported once. */
	ck_assert_int_eq(peer_tick(p, t + 7000), 0);
	ck_assert_int_eq(peer_tick(p, t + 60000), 0);
	ck_assert_int_eq(p->state, PEER_DOWN);
	/* A clock that seems to go back never marks it down. */
	t += 60000;
	ck_assert_int_eq(peer_hello_received(&pt, p, t, 0xaabbccdd, &h),
	    PEER_WENT_UP);
	ck_assert_int_eq(peer_tick(p, t - 1), 0);
	ck_assert_int_eq(p->state, PEER_UP);

	/* Its own interval counts: 10 s advertised, down after 30 s. */
	h.interval = 10;
	ck_assert_int_eq(peer_hello_received(&pt, p, t, 0xaabbccdd, &h), 0);
	ck_assert_int_eq(peer_tick(p, t + 29999), 0);
	ck_assert_int_eq(peer_tick(p, t + 30000), 0);
	ck_assert_int_eq(peer_tick(p, t + 30001), 1);
}
END_TEST

START_TEST(test_restart)
{
	static const uint8_t	 ids[] = { 1, 0 };
	struct peer_table	 pt;
	struct peer		*p;
	struct mesh_hello	 h = hello(2, ids, 1, 0x10);
	uint64_t		 t = 5000;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	p = &pt.peers[0];
	ck_assert_int_eq(peer_hello_received(&pt, p, t, 111, &h), PEER_WENT_UP);
	/* Restarted quickly: still up, new relay id. */
	ck_assert_int_eq(peer_hello_received(&pt, p, t + 1000, 222, &h),
	    PEER_RESTARTED);
	ck_assert_uint_eq(p->relay_id, 222);
	/* Restarted after it was marked down: both. */
	ck_assert_int_eq(peer_tick(p, t + 1000 + 6001), 1);
	ck_assert_int_eq(peer_hello_received(&pt, p, t + 20000, 333, &h),
	    PEER_WENT_UP | PEER_RESTARTED);
	ck_assert_int_eq(p->state, PEER_UP);

	/* Data datagrams report a new id too, once. */
	ck_assert_int_eq(peer_relay_id(p, 333), 0);
	ck_assert_int_eq(peer_relay_id(p, 444), 1);
	ck_assert_int_eq(peer_relay_id(p, 444), 0);
	/* The first id ever seen is no restart. */
	ck_assert_int_eq(peer_add(&pt, ip("198.18.3.2"), 7124), 0);
	ck_assert_int_eq(peer_relay_id(&pt.peers[1], 0), 0);
	ck_assert_int_eq(peer_relay_id(&pt.peers[1], 5), 1);
}
END_TEST

START_TEST(test_ss_peer_unknown)
{
	struct peer_table	 pt;
	struct peer		*p;
	uint64_t		 t;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	p = &pt.peers[0];
	ck_assert_int_eq(peer_set_format(p, PEER_FORMAT_SS,
	    MESH_AUTH_ACCEPT_BOTH), 0);
	for (t = 0; t < 100000; t += 500)
		ck_assert_int_eq(peer_tick(p, t), 0);
	ck_assert_int_eq(p->state, PEER_UNKNOWN);
	ck_assert_str_eq(peer_state_name(p->state), "unknown");
	ck_assert_str_eq(peer_state_name(PEER_UP), "up");
	ck_assert_str_eq(peer_state_name(PEER_DOWN), "down");
}
END_TEST

/* A keyring with the given ids (0-terminated), first = primary. */
static void
ring(struct auth_keyring *kr, const uint8_t *ids)
{
	uint8_t	 secret[AUTH_KEY_MIN];
	size_t	 i;

	auth_keyring_init(kr);
	for (i = 0; ids[i] != 0; i++) {
		memset(secret, ids[i], sizeof(secret));
		ck_assert_int_eq(auth_keyring_add(kr, ids[i], AUTH_HMAC_SHA256,
		    secret, sizeof(secret)), 0);
	}
}

START_TEST(test_send_key)
{
	static const uint8_t	 k1[] = { 1, 0 }, k2[] = { 2, 0 },
				 k12[] = { 1, 2, 0 }, k21[] = { 2, 1, 0 },
				 k9[] = { 9, 0 };
	struct auth_keyring	 kr;
	struct peer_table	 pt;
	struct peer		*p;
	struct mesh_hello	 h;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	p = &pt.peers[0];
	auth_keyring_init(&kr);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 0);

	/* No HELLO yet: the primary. */
	ring(&kr, k12);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 1);
	/* It lists the primary. */
	h = hello(2, k12, 0, 0);
	peer_hello_received(&pt, p, 1000, 1, &h);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 1);
	h = hello(2, k21, 0, 0);
	peer_hello_received(&pt, p, 2000, 1, &h);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 1);
	/* It has only our second key (it removed 1 already). */
	h = hello(2, k2, 0, 0);
	peer_hello_received(&pt, p, 3000, 1, &h);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 2);
	/* Our ring {2,1}, it lists {1}: the second of ours. */
	ring(&kr, k21);
	h = hello(2, k1, 0, 0);
	peer_hello_received(&pt, p, 4000, 1, &h);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 1);
	/* Nothing in common: our primary (the peer counts unknown_key_id). */
	h = hello(2, k9, 0, 0);
	peer_hello_received(&pt, p, 5000, 1, &h);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 2);
	/* A HELLO with no key ids: the primary too. */
	h = hello(2, NULL, 0, 0);
	peer_hello_received(&pt, p, 6000, 1, &h);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 2);
	/* Single-key ring. */
	ring(&kr, k1);
	h = hello(2, k21, 0, 0);
	peer_hello_received(&pt, p, 7000, 1, &h);
	ck_assert_uint_eq(peer_send_key_id(p, &kr), 1);
}
END_TEST

START_TEST(test_relay_macs)
{
	static const uint8_t	 ids[] = { 1, 0 };
	struct peer_table	 pt;
	struct mesh_hello	 h;
	uint8_t			 mac[6] = { 2, 0, 0, 0, 0, 0x10 };

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.3.2"), 7124), 0);
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 0);

	/* Peer 0 emits with ...:10 and ...:11. */
	h = hello(2, ids, 2, 0x10);
	peer_hello_received(&pt, &pt.peers[0], 1000, 1, &h);
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 1);
	mac[5] = 0x11;
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 1);
	mac[5] = 0x12;
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 0);
	ck_assert_uint_eq(pt.nrelay_macs, 2);

	/* Peer 1 shares one (same segment, same MAC: counted once). */
	h = hello(2, ids, 3, 0x11);
	peer_hello_received(&pt, &pt.peers[1], 1000, 2, &h);
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 1);
	ck_assert_uint_eq(pt.nrelay_macs, 4);

	/* Peer 0 changes its interfaces: ...:10 is no relay's any more. */
	h = hello(2, ids, 1, 0x20);
	peer_hello_received(&pt, &pt.peers[0], 2000, 1, &h);
	mac[5] = 0x10;
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 0);
	mac[5] = 0x20;
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 1);
	mac[5] = 0x11;
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 1);
	ck_assert_uint_eq(pt.nrelay_macs, 4);
	/* A different first byte is a different MAC. */
	mac[0] = 4;
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 0);

	/* Every slot of every peer fits. */
	h = hello(2, ids, MAX_IFACES, 0x40);
	peer_hello_received(&pt, &pt.peers[1], 3000, 2, &h);
	ck_assert_uint_eq(pt.nrelay_macs, 1 + MAX_IFACES);
}
END_TEST

/*
 * Removing a peer (--discover dropped it): the others move down in order
 * with their state, its MACs are no relay's any more, a bad index is
 * ignored, and the freed place is clean for the next peer.
 */
START_TEST(test_remove)
{
	static const uint8_t	 ids[] = { 1, 0 };
	struct peer_table	 pt;
	struct mesh_hello	 h;
	uint8_t			 mac[6] = { 2, 0, 0, 0, 0, 0x10 };

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.3.2"), 7124), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.4.2"), 7124), 0);
	pt.peers[2].tx = 7;
	h = hello(2, ids, 1, 0x10);
	peer_hello_received(&pt, &pt.peers[0], 1000, 1, &h);
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 1);
	peer_remove(&pt, 0);
	ck_assert_uint_eq(pt.npeers, 2);
	ck_assert_int_eq(peer_is_relay_mac(&pt, mac), 0);
	ck_assert_uint_eq(pt.nrelay_macs, 0);
	ck_assert_ptr_null(peer_find(&pt, ip("198.18.2.2")));
	ck_assert_uint_eq(pt.peers[0].addr, ip("198.18.3.2"));
	ck_assert_uint_eq(pt.peers[1].addr, ip("198.18.4.2"));
	ck_assert_uint_eq(pt.peers[1].tx, 7);
	ck_assert_uint_eq(pt.peers[2].addr, 0);
	peer_remove(&pt, 2);
	ck_assert_uint_eq(pt.npeers, 2);
	peer_remove(&pt, 1);
	ck_assert_uint_eq(pt.npeers, 1);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_uint_eq(pt.peers[1].tx, 0);
	ck_assert_int_eq(pt.peers[1].state, PEER_UNKNOWN);
}
END_TEST

/*
 * A removed peer added again keeps its replay window and relay id (no
 * replay through discovery churn); a new address starts fresh; with every
 * tomb used, the oldest goes.
 */
START_TEST(test_remove_replay)
{
	struct peer_table	 pt;
	uint32_t		 a;
	size_t			 i;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	replay_update(&pt.peers[0].replay, 1000);
	peer_relay_id(&pt.peers[0], 0xabcd);
	peer_remove(&pt, 0);
	ck_assert_uint_eq(pt.ntombs, 1);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.3.2"), 7124), 0);
	ck_assert_int_eq(replay_check(&pt.peers[0].replay, 1000), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_int_eq(replay_check(&pt.peers[1].replay, 1000), -1);
	ck_assert_int_eq(replay_check(&pt.peers[1].replay, 1001), 0);
	ck_assert_uint_eq(pt.peers[1].relay_id, 0xabcd);
	ck_assert_int_eq(peer_relay_id(&pt.peers[1], 0xabcd), 0);
	ck_assert_uint_eq(pt.ntombs, 0);
	/* Removed twice: one tomb, the newer window. */
	replay_update(&pt.peers[1].replay, 2000);
	peer_remove(&pt, 1);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	replay_update(&pt.peers[1].replay, 3000);
	peer_remove(&pt, 1);
	ck_assert_uint_eq(pt.ntombs, 1);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	ck_assert_int_eq(replay_check(&pt.peers[1].replay, 3000), -1);
	peer_remove(&pt, 1);
	peer_remove(&pt, 0);
	/* Fill every tomb, then one more: the first removed is forgotten. */
	for (i = 0; i <= MAX_PEERS; i++) {
		a = htonl(0xc6120100u + (uint32_t)i);
		ck_assert_int_eq(peer_add(&pt, a, 7124), 0);
		replay_update(&pt.peers[0].replay, 5000);
		peer_remove(&pt, 0);
	}
	ck_assert_uint_eq(pt.ntombs, MAX_PEERS);
	ck_assert_int_eq(peer_add(&pt, htonl(0xc6120100u), 7124), 0);
	ck_assert_int_eq(replay_check(&pt.peers[0].replay, 5000), 0);
	ck_assert_int_eq(peer_add(&pt, htonl(0xc6120101u), 7124), 0);
	ck_assert_int_eq(replay_check(&pt.peers[1].replay, 5000), -1);
}
END_TEST

/*
 * DATA goes to every static peer, and to a discovered one in required
 * mode only once it has authenticated (threat T6); in off and
 * accept-both the format rules alone decide.
 */
START_TEST(test_takes_data)
{
	struct peer	 p;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(peer_takes_data(&p, MESH_AUTH_REQUIRED), 1);
	p.discovered = 1;
	ck_assert_int_eq(peer_takes_data(&p, MESH_AUTH_REQUIRED), 0);
	ck_assert_int_eq(peer_takes_data(&p, MESH_AUTH_ACCEPT_BOTH), 1);
	ck_assert_int_eq(peer_takes_data(&p, MESH_AUTH_OFF), 1);
	peer_authenticated(&p);
	ck_assert_int_eq(peer_takes_data(&p, MESH_AUTH_REQUIRED), 1);
}
END_TEST

/*
 * Designated forwarder: of the relays seen emitting on a slot that are
 * up, the lowest relay id emits; down or restarted peers are forgotten.
 */
START_TEST(test_designated)
{
	static const uint8_t	 ids[] = { 1, 0 };
	struct peer_table	 pt;
	struct mesh_hello	 h;
	uint8_t			 mac[6] = { 2, 0, 0, 0, 0, 0x30 };
	uint8_t			 other[6] = { 2, 0, 0, 0, 0, 0x77 };

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.1.3"), 7124), 0);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	/* Nobody seen on slot 0 yet: we emit, whatever our id. */
	ck_assert_int_eq(peer_designated(&pt, 0, 500), 1);

	/* Peer 0 (relay id 100) emits with ...:30; we have id 500. */
	h = hello(2, ids, 1, 0x30);
	peer_hello_received(&pt, &pt.peers[0], 1000, 100, &h);
	ck_assert_int_eq(peer_designated(&pt, 0, 500), 1);	/* not seen here */
	ck_assert_ptr_eq(peer_seen_on_slot(&pt, mac, 0), &pt.peers[0]);
	ck_assert_ptr_null(peer_seen_on_slot(&pt, other, 0));
	ck_assert_int_eq(peer_designated(&pt, 0, 500), 0);	/* it is lower */
	ck_assert_int_eq(peer_designated(&pt, 1, 500), 1);	/* other slot */
	ck_assert_int_eq(peer_designated(&pt, 0, 50), 1);	/* we are lower */

	/* It goes down: we take over; up again, it must be seen again. */
	ck_assert_int_eq(peer_tick(&pt.peers[0], 1000 + 6001), 1);
	ck_assert_int_eq(peer_designated(&pt, 0, 500), 1);
	peer_hello_received(&pt, &pt.peers[0], 8000, 100, &h);
	ck_assert_int_eq(peer_designated(&pt, 0, 500), 1);
	(void)peer_seen_on_slot(&pt, mac, 0);
	ck_assert_int_eq(peer_designated(&pt, 0, 500), 0);

	/* It restarts (new relay id): forgotten until seen again. */
	peer_hello_received(&pt, &pt.peers[0], 9000, 101, &h);
	ck_assert_int_eq(peer_designated(&pt, 0, 500), 1);
	(void)peer_seen_on_slot(&pt, mac, 0);
	ck_assert_int_eq(peer_designated(&pt, 0, 500), 0);
	/* A slot number beyond the bitmask never stands by. */
	ck_assert_int_eq(peer_designated(&pt, 40, 500), 1);
}
END_TEST

START_TEST(test_hello_sent)
{
	struct peer_table	 pt;
	struct peer		*p;

	peer_table_init(&pt);
	ck_assert_int_eq(peer_add(&pt, ip("198.18.2.2"), 7124), 0);
	p = &pt.peers[0];
	peer_hello_sent(p, ECONNREFUSED, 10);
	ck_assert_uint_eq(p->tx, 0);
	ck_assert_uint_eq(p->tx_errors, 1);
	ck_assert_int_eq(p->last_errno, ECONNREFUSED);
	peer_hello_sent(p, 0, 11);
	ck_assert_uint_eq(p->tx, 0);
	ck_assert_int_eq(p->last_errno, 0);
}
END_TEST

/* ---- counter lines ---------------------------------------------------- */

#define MAXLINES	32
static char	 lines[MAXLINES][LOG_LINE_MAX + 1];
static int	 prios[MAXLINES];
static int	 nlines;

static void
capture_sink(int prio, const char *line)
{
	ck_assert_int_lt(nlines, MAXLINES);
	prios[nlines] = prio;
	snprintf(lines[nlines], sizeof(lines[nlines]), "%s", line);
	nlines++;
}

static void
capture_setup(void)
{
	nlines = 0;
	log_setlevel(LOG_INFO);
	log_setsink(capture_sink);
}

static void
capture_teardown(void)
{
	log_setsink(NULL);
}

/* How many times " name=" appears in the lines starting with prefix. */
static int
count_items(const char *prefix, const char *name)
{
	char	 needle[64];
	int	 i, n = 0;

	snprintf(needle, sizeof(needle), " %s=", name);
	for (i = 0; i < nlines; i++)
		if (strncmp(lines[i], prefix, strlen(prefix)) == 0 &&
		    strstr(lines[i], needle) != NULL)
			n++;
	return n;
}

START_TEST(test_counters_lines)
{
	struct counters	 c;
	char		 want[LOG_LINE_MAX];
	size_t		 len;
	int		 i;

	memset(&c, 0, sizeof(c));
	c.captured = 1;
	c.forwarded = 2;
	c.mesh_tx = 3;
	c.mesh_tx_errors = 4;
	c.mesh_tx_gso = 2;
	c.mesh_rx = 5;
	c.emitted = 6;
	c.emit_errors = 7;
	c.rewritten = 8;
	c.csum_completed = 9;
	c.cap_truncated = 10;
	c.mesh_not_peer = 11;
	c.mesh_truncated = 12;
	for (i = 0; i < MESH_NERR; i++)
		c.mesh_drops[i] = 12 + i;	/* short=13 bad_magic=14 ... */
	for (i = 0; i < FRAME_NERR; i++) {
		c.cap_drops[i] = 100 + i;
		c.mesh_frame_drops[i] = 200 + i;
	}
	c.cap_relay_mac = 31;
	c.cap_duplicate = 32;
	c.cap_rate_source = 33;
	c.cap_rate_global = 34;
	c.mesh_stale = 41;
	c.mesh_replay = 42;
	c.mesh_ss_refused = 43;
	c.mesh_duplicate = 44;
	c.mesh_rate_peer = 45;
	c.mesh_rate_global = 46;
	c.mesh_kernel_drops = 47;
	counters_log(&c);
	ck_assert_int_eq(nlines, 3);
	ck_assert_int_eq(prios[0], LOG_INFO);
	ck_assert_str_eq(lines[0], "counters: captured=1 forwarded=2 mesh_tx=3 "
	    "mesh_tx_errors=4 mesh_tx_gso=2 mesh_rx=5 emitted=6 emit_errors=7 rewritten=8 "
	    "csum_completed=9");

	len = (size_t)snprintf(want, sizeof(want), "drops capture: truncated=10");
	for (i = 1; i < FRAME_NERR; i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, " %s=%d",
		    frame_err_name((enum frame_err)i), 100 + i);
	snprintf(want + len, sizeof(want) - len, " relay_mac=31 duplicate=32 "
	    "rate_source=33 rate_global=34");
	ck_assert_str_eq(lines[1], want);

	len = (size_t)snprintf(want, sizeof(want), "drops mesh: not_peer=11 "
	    "truncated=12 short=13 bad_magic=14 too_big=15 unknown_key_id=16 "
	    "bad_tag=17 bad_version=18 bad_type=19 bad_flags=20 bad_length=21 "
	    "bad_hello=22");
	for (i = 1; i < FRAME_NERR; i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, " %s=%d",
		    frame_err_name((enum frame_err)i), 200 + i);
	snprintf(want + len, sizeof(want) - len, " stale=41 replay=42 "
	    "ss_refused=43 duplicate=44 rate_peer=45 rate_global=46"
	    " kernel_drops=47");
	ck_assert_str_eq(lines[2], want);
	ck_assert_uint_eq(MESH_NERR, 11);
	/* "ok" is never a drop reason. */
	ck_assert_ptr_null(strstr(lines[1], " ok="));
	ck_assert_ptr_null(strstr(lines[2], " ok="));
}
END_TEST

START_TEST(test_counters_split)
{
	struct counters	 c;
	int		 i;

	/* The widest values: lines split but every item appears once. */
	memset(&c, 0xff, sizeof(c));
	counters_log(&c);
	ck_assert_int_ge(nlines, 3);
	for (i = 0; i < nlines; i++) {
		ck_assert_uint_lt(strlen(lines[i]), LOG_LINE_MAX - 64);
		ck_assert(strncmp(lines[i], "counters: ", 10) == 0 ||
		    strncmp(lines[i], "drops capture: ", 15) == 0 ||
		    strncmp(lines[i], "drops mesh: ", 12) == 0);
		ck_assert_ptr_null(strstr(lines[i], "  "));
	}
	ck_assert_int_eq(count_items("drops mesh:", "not_peer"), 1);
	ck_assert_int_eq(count_items("drops mesh:", "too_big"), 1);
	ck_assert_int_eq(count_items("drops capture:", "truncated"), 1);
	for (i = 1; i < MESH_NERR; i++)
		ck_assert_int_eq(count_items("drops mesh:",
		    mesh_err_name((enum mesh_err)i)), 1);
	ck_assert_int_eq(count_items("drops capture:", "relay_mac"), 1);
	ck_assert_int_eq(count_items("drops capture:", "duplicate"), 1);
	ck_assert_int_eq(count_items("drops capture:", "rate_source"), 1);
	ck_assert_int_eq(count_items("drops capture:", "rate_global"), 1);
	ck_assert_int_eq(count_items("drops mesh:", "stale"), 1);
	ck_assert_int_eq(count_items("drops mesh:", "replay"), 1);
	ck_assert_int_eq(count_items("drops mesh:", "ss_refused"), 1);
	ck_assert_int_eq(count_items("drops mesh:", "duplicate"), 1);
	ck_assert_int_eq(count_items("drops mesh:", "rate_peer"), 1);
	ck_assert_int_eq(count_items("drops mesh:", "rate_global"), 1);
	for (i = 1; i < FRAME_NERR; i++) {
		ck_assert_int_eq(count_items("drops capture:",
		    frame_err_name((enum frame_err)i)), 1);
		ck_assert_int_eq(count_items("drops mesh:",
		    frame_err_name((enum frame_err)i)), 1);
	}
	ck_assert_int_eq(count_items("counters:", "csum_completed"), 1);
	ck_assert_int_eq(count_items("counters:", "mesh_tx_gso"), 1);
	ck_assert_ptr_nonnull(strstr(lines[0], "=18446744073709551615"));
}
END_TEST

START_TEST(test_counters_iface_peer)
{
	struct iface_counters	 ic = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct peer		 p;

	counters_log_iface("eth0", &ic);
	memset(&p, 0, sizeof(p));
	p.addr = ip("198.18.2.2");
	p.port = 7124;
	p.tx = 5;
	p.tx_errors = 6;
	p.rx = 7;
	p.rx_dropped = 8;
	counters_log_peer(&p);
	p.last_errno = EHOSTUNREACH;
	counters_log_peer(&p);
	p.last_errno = EIO;
	p.gso_refused = 1468;
	counters_log_peer(&p);
	ck_assert_int_eq(nlines, 4);
	ck_assert_str_eq(lines[0],
	    "iface eth0: captured=1 emitted=2 truncated=3 emit_errors=4 "
	    "standby=5 kernel_drops=6 ring=7 ring_bad=8");
	ck_assert_str_eq(lines[1], "peer 198.18.2.2:7124: tx=5 tx_errors=6 rx=7 "
	    "rx_dropped=8 last_error=none state=unknown format=ss auth=no "
	    "hellos=0 gso_refused=0 origin=static held=0");
	ck_assert_str_eq(lines[2], "peer 198.18.2.2:7124: tx=5 tx_errors=6 rx=7 "
	    "rx_dropped=8 last_error=EHOSTUNREACH state=unknown format=ss "
	    "auth=no hellos=0 gso_refused=0 origin=static held=0");
	snprintf(lines[31], sizeof(lines[31]), "peer 198.18.2.2:7124: tx=5 "
	    "tx_errors=6 rx=7 rx_dropped=8 last_error=%d state=unknown "
	    "format=ss auth=no hellos=0 gso_refused=1468 origin=static held=0",
	    EIO);
	ck_assert_str_eq(lines[3], lines[31]);
}
END_TEST

START_TEST(test_counters_peer_states)
{
	struct peer	 p;

	memset(&p, 0, sizeof(p));
	p.addr = ip("198.18.3.2");
	p.port = 7200;
	p.state = PEER_UP;
	p.native = 1;
	p.authenticated = 1;
	p.hellos = 42;
	counters_log_peer(&p);
	p.state = PEER_DOWN;
	p.discovered = 1;
	p.held = 12;
	counters_log_peer(&p);
	p.discovered = 0;
	p.held = 0;
	/* A /ss peer that once sent a good native datagram. */
	p.state = PEER_UNKNOWN;
	p.native = 0;
	p.hellos = 0;
	counters_log_peer(&p);
	ck_assert_int_eq(nlines, 3);
	ck_assert_str_eq(lines[0], "peer 198.18.3.2:7200: tx=0 tx_errors=0 rx=0 "
	    "rx_dropped=0 last_error=none state=up format=native auth=yes "
	    "hellos=42 gso_refused=0 origin=static held=0");
	ck_assert_str_eq(lines[1], "peer 198.18.3.2:7200: tx=0 tx_errors=0 rx=0 "
	    "rx_dropped=0 last_error=none state=down format=native auth=yes "
	    "hellos=42 gso_refused=0 origin=discovered held=12");
	ck_assert_str_eq(lines[2], "peer 198.18.3.2:7200: tx=0 tx_errors=0 rx=0 "
	    "rx_dropped=0 last_error=none state=unknown format=ss auth=yes "
	    "hellos=0 gso_refused=0 origin=static held=0");
}
END_TEST

START_TEST(test_errno_names)
{
	static const struct {
		int		 err;
		const char	*name;
	} t[] = {
		{ 0, "none" }, { ENETUNREACH, "ENETUNREACH" },
		{ EHOSTUNREACH, "EHOSTUNREACH" }, { ECONNREFUSED, "ECONNREFUSED" },
		{ EMSGSIZE, "EMSGSIZE" }, { ENOBUFS, "ENOBUFS" },
		{ EAGAIN, "EAGAIN" }, { EPERM, "EPERM" }, { EACCES, "EACCES" },
		{ 9999, "9999" },
	};
	char	 buf[16];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_str_eq(counters_errno_name(t[i].err, buf, sizeof(buf)),
		    t[i].name);
}
END_TEST

static Suite *
peer_suite(void)
{
	Suite	*s = suite_create("peer");
	TCase	*tc = tcase_create("table");

	tcase_add_test(tc, test_add_find);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_find_ignores_port);
	tcase_add_test(tc, test_sent);
	tcase_add_test(tc, test_hello_sent);
	suite_add_tcase(s, tc);
	tc = tcase_create("mesh");
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_liveness);
	tcase_add_test(tc, test_restart);
	tcase_add_test(tc, test_ss_peer_unknown);
	tcase_add_test(tc, test_send_key);
	tcase_add_test(tc, test_relay_macs);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_remove_replay);
	tcase_add_test(tc, test_takes_data);
	tcase_add_test(tc, test_designated);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *
counters_suite(void)
{
	Suite	*s = suite_create("counters");
	TCase	*tc = tcase_create("format");

	tcase_add_checked_fixture(tc, capture_setup, capture_teardown);
	tcase_add_test(tc, test_counters_lines);
	tcase_add_test(tc, test_counters_split);
	tcase_add_test(tc, test_counters_iface_peer);
	tcase_add_test(tc, test_counters_peer_states);
	tcase_add_test(tc, test_errno_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(peer_suite());
	int	 failed;

	srunner_add_suite(sr, counters_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
