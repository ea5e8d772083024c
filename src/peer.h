/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The peer table: static mesh peers, their counters, the format each is
 * sent, authentication, liveness from HELLOs and the MACs relays emit
 * with. Pure: the current time is passed in.
 */
#ifndef PEER_H
#define PEER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "auth.h"
#include "mesh.h"
#include "proto.h"
#include "ratelimit.h"
#include "replay.h"
#include "snowrelayd.h"

/* HELLOs a peer may miss before it is marked down. */
#define PEER_HELLO_MISSES	3

/* Liveness, from the HELLOs a peer sends ("SS" peers stay unknown). */
enum peer_state {
	PEER_UNKNOWN = 0,	/* no HELLO received yet */
	PEER_UP,
	PEER_DOWN,		/* PEER_HELLO_MISSES intervals without one */
};

struct peer {
	uint32_t	 addr;		/* network byte order */
	uint16_t	 port;		/* host order */
	uint64_t	 tx;		/* datagrams sent to it */
	uint64_t	 tx_errors;	/* sends that failed (unreachable, refused, ...) */
	uint64_t	 rx;		/* datagrams accepted from it */
	uint64_t	 rx_dropped;	/* datagrams from it that failed validation */
	int		 last_errno;	/* 0 if the last send worked */
	time_t		 last_error;	/* when last_errno was set */

	enum peer_format format;	/* configured: auto, ss or native */
	int		 native;	/* data goes to it in the native format */
	int		 hello;		/* HELLOs go to it */
	int		 authenticated;	/* sent one good native datagram; sticky */
	enum peer_state	 state;
	uint64_t	 last_hello_ms;	/* monotonic; 0: never */
	uint32_t	 interval;	/* its advertised HELLO interval, s */
	uint32_t	 relay_id;	/* of its last authenticated datagram */
	int		 has_relay_id;
	char		 version[17];	/* from its HELLO, NUL-terminated */
	struct replay	 replay;	/* its sequence numbers seen */
	uint8_t		 nmacs;		/* MACs it emits with, from its HELLO */
	uint8_t		 macs[MAX_IFACES][6];
	uint8_t		 nkeys;		/* key ids it accepts, from its HELLO */
	uint8_t		 key_ids[AUTH_MAX_KEYS];
	struct tbucket	 bucket;	/* mesh receive rate limit */
	uint64_t	 hellos;	/* HELLOs received from it */
	/*
	 * The smallest datagram size a UDP GSO send to it failed for (over
	 * the path's MTU, or 1: no GSO on the path at all); datagrams this
	 * long or longer go one by one. 0: none failed.
	 */
	uint16_t	 gso_refused;
	uint32_t	 colocated;	/* bit i: seen emitting on our slot i */
	int		 discovered;	/* 1: from --discover, removed when gone */
	uint64_t	 held;		/* frames not sent: see peer_takes_data */
};

/*
 * What a removed peer leaves behind: its replay window, so that whoever
 * can make discovery drop a peer and add it again cannot replay what it
 * sent before (its sequence numbers start at the clock, so they only grow,
 * even across its restarts). The oldest goes when all are used.
 */
struct peer_tomb {
	uint32_t	 addr;
	uint32_t	 relay_id;
	int		 has_relay_id;
	uint64_t	 gen;		/* order of removal */
	struct replay	 replay;
};

struct peer_table {
	struct peer	 peers[MAX_PEERS];
	size_t		 npeers;
	struct peer_tomb tombs[MAX_PEERS];
	size_t		 ntombs;
	uint64_t	 tomb_gen;
	/* Every MAC some peer's HELLO advertised: capture drops these. */
	uint8_t		 relay_macs[MAX_PEERS * MAX_IFACES][6];
	size_t		 nrelay_macs;
};

/* Result bits of peer_hello_received. */
#define PEER_WENT_UP	0x01	/* was unknown or down, is up now */
#define PEER_RESTARTED	0x02	/* its relay id changed */

void		 peer_table_init(struct peer_table *pt);
/*
 * Add a peer (format auto, sent "SS"); -1 with errno ENOSPC (full) or
 * EEXIST. A peer removed before gets its replay window back.
 */
int		 peer_add(struct peer_table *pt, uint32_t addr, uint16_t port);
/*
 * Remove the peer at index i (its counters go with it, its replay window
 * is kept for peer_add); the peers after it move down one place, and the
 * relay MAC set is rebuilt without its MACs.
 */
void		 peer_remove(struct peer_table *pt, size_t i);
/*
 * The first peer with this source address, or NULL. Matched on the address
 * only: SnowSignal sends from a fresh ephemeral port for every datagram.
 */
struct peer	*peer_find(struct peer_table *pt, uint32_t addr);
/* Record the outcome of a send to p (err 0 = success). */
void		 peer_sent(struct peer *p, int err, time_t now);
/* Record the outcome of a HELLO sent to p: only errors are counted. */
void		 peer_hello_sent(struct peer *p, int err, time_t now);

/*
 * Set what p is sent under mode: "SS" with mode off or format ss; native
 * with format native or mode required; with auto in accept-both, "SS"
 * until it has authenticated. HELLOs go to every peer not sent "SS" by
 * configuration, so two snowrelay relays in accept-both find each other.
 * -1 (EINVAL) for a combination the configuration must refuse (ss in
 * required mode, native with mode off).
 */
int		 peer_set_format(struct peer *p, enum peer_format format,
		    enum mesh_auth_mode mode);
/*
 * 1 if DATA goes to p under mode. A discovered peer in required mode gets
 * only HELLOs until one of its datagrams verified: an address a forged
 * DNS answer adds learns nothing of what the relay captures (threat T6).
 */
int		 peer_takes_data(const struct peer *p, enum mesh_auth_mode mode);
/*
 * p sent a datagram whose tag verified: it is authenticated for good
 * (no more "SS" accepted from it) and an auto peer is sent native now.
 */
void		 peer_authenticated(struct peer *p);
/* Note the relay id of an authenticated datagram; 1 if it changed (restart). */
int		 peer_relay_id(struct peer *p, uint32_t relay_id);
/*
 * Apply a valid HELLO from p received at now_ms: liveness, interval,
 * version, advertised key ids and MACs (pt's relay MAC set is rebuilt if
 * they changed). Returns PEER_WENT_UP and/or PEER_RESTARTED, or 0.
 */
int		 peer_hello_received(struct peer_table *pt, struct peer *p,
		    uint64_t now_ms, uint32_t relay_id, const struct mesh_hello *h);
/* Liveness check at now_ms; 1 if p just went down (no HELLO for 3 intervals). */
int		 peer_tick(struct peer *p, uint64_t now_ms);
/*
 * The id of the key to send to p from kr: the primary if p's HELLO lists
 * it or no HELLO came yet, else the first of ours p lists, else the
 * primary. 0 if kr is empty.
 */
uint8_t		 peer_send_key_id(const struct peer *p, const struct auth_keyring *kr);
/* 1 if some peer's HELLO advertised mac as one it emits with. */
int		 peer_is_relay_mac(const struct peer_table *pt, const uint8_t mac[6]);
/*
 * A frame with source mac was captured on our slot: if mac belongs to a
 * peer, that peer shares the slot's segment. Returns the peer or NULL.
 */
struct peer	*peer_seen_on_slot(struct peer_table *pt, const uint8_t mac[6],
		    unsigned int slot);
/*
 * Designated forwarder of a segment: of the relays seen on our slot that
 * are up, the one with the lowest relay id emits frames from the mesh
 * there; the others stay silent. 1 if we (my_relay_id) are it.
 */
int		 peer_designated(const struct peer_table *pt, unsigned int slot,
		    uint32_t my_relay_id);
/* "up", "down" or "unknown". */
const char	*peer_state_name(enum peer_state state);

#endif /* PEER_H */
