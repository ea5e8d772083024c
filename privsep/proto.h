/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The helper <-> worker contract: message types, fixed-size payloads and
 * the table that says which messages each side accepts. Both ends are the
 * same binary on the same host, so payloads are plain structs in host
 * byte order. Bump PROTO_VERSION whenever any struct or type changes.
 */
#ifndef PROTO_H
#define PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "snowrelayd.h"

#define PROTO_VERSION	5
#define PROTO_MSG_MAX	2048	/* header + largest payload */

struct msg_hdr {
	uint32_t	 type;
	uint32_t	 len;		/* payload bytes after this header */
};

enum msg_type {
	/* Both directions. */
	MSG_HELLO = 1,			/* struct msg_hello */

	/* Helper -> worker. */
	MSG_CONF_GLOBAL = 100,		/* struct msg_conf_global */
	MSG_CONF_SLOT,			/* struct msg_conf_slot + AF_PACKET fd */
	MSG_CONF_PEER,			/* struct msg_conf_peer */
	MSG_MESH_FD,			/* struct msg_mesh_fd + UDP fd */
	MSG_CONF_END,			/* empty: configuration complete */
	MSG_DUMP_COUNTERS,		/* empty: log counters (SIGUSR1) */
	MSG_SHUTDOWN,			/* empty: log counters, exit 0 */
	MSG_CONF_KEYS,			/* struct msg_conf_keys: at start (if nkeys) and on reload */
	MSG_CONF_RING,			/* struct msg_conf_ring + AF_PACKET ring fd */
	MSG_RING_READY,			/* struct msg_ring_ready: answers RING_ON */
	MSG_PEERS,			/* struct msg_peers: the discovered peers */

	/* Worker -> helper. */
	MSG_READY = 200,		/* empty: running with the config */
	MSG_LOG,			/* struct msg_log */
	MSG_CAPTURE_MODE,		/* struct msg_capture_mode: load mode moved */
};

struct msg_hello {
	uint32_t	 version;	/* PROTO_VERSION */
	uint32_t	 pid;
};

/* How the mesh is authenticated (--mesh-auth). */
enum mesh_auth_mode {
	MESH_AUTH_OFF = 0,		/* "SS" only, from configured peers */
	MESH_AUTH_ACCEPT_BOTH,		/* native and "SS"; no downgrade once authenticated */
	MESH_AUTH_REQUIRED,		/* native only */
};

/* What to send to a peer (--other-relays ADDR[:PORT][/ss|/native]). */
enum peer_format {
	PEER_FORMAT_AUTO = 0,		/* native if authenticated mesh, else "SS"; see man page */
	PEER_FORMAT_SS,
	PEER_FORMAT_NATIVE,
};

struct msg_conf_global {
	uint32_t	 nslots;
	uint32_t	 npeers;
	uint32_t	 nports;
	uint32_t	 nkeys;			/* 0: no MSG_CONF_KEYS; else one is sent before MESH_FD */
	uint16_t	 ports[MAX_PORTS];	/* host order */
	uint16_t	 mesh_port;
	uint16_t	 discover;		/* 1: MSG_PEERS may follow READY */
	int32_t		 log_level;		/* syslog LOG_* */
	uint32_t	 auth_mode;		/* enum mesh_auth_mode */
	uint32_t	 hello_interval;	/* seconds, 1..3600 */
	uint32_t	 freshness;		/* seconds of clock skew allowed, 1..3600 */
	uint32_t	 dedup_window_ms;	/* 1..60000 */
	uint32_t	 rate_source;		/* pps per captured source IP, 0 = unlimited */
	uint32_t	 burst_source;
	uint32_t	 rate_peer;		/* pps per mesh peer, 0 = unlimited */
	uint32_t	 burst_peer;
	uint32_t	 rate_global;		/* pps over all frames emitted or forwarded, 0 = unlimited */
	uint32_t	 burst_global;
	uint32_t	 coalesce_pps;		/* load mode at this rate, 0 = never; <= 10000000 */
	uint32_t	 coalesce_us;		/* load-mode timer period, 50..10000 us */
};

/* The whole keyring; keys[0] is the primary (sending) key. */
struct msg_conf_keys {
	uint32_t	 nkeys;			/* 1..2 */
	struct {
		uint32_t	 id;		/* 1..255, distinct */
		uint32_t	 len;		/* 16..64 */
		uint32_t	 alg;		/* enum auth_alg: 0 HMAC-SHA-256, 1 UMAC-128 */
		uint8_t		 secret[64];
	}		 keys[2];
};

struct msg_conf_slot {
	uint32_t	 slot;			/* 0 .. nslots-1, in order */
	int32_t		 ifindex;
	char		 ifname[16];		/* NUL-terminated by the receiver */
	uint8_t		 mac[6];
	uint16_t	 ring;			/* 1: its MSG_CONF_RING comes next */
	uint32_t	 addr;			/* first IPv4 address, network order, or 0 */
	uint32_t	 bcast;			/* its broadcast, or 255.255.255.255 */
	uint32_t	 mtu;
};

/*
 * The capture ring of a slot (--capture-ring): a second AF_PACKET socket
 * with the same locked filter, TPACKET_V3, bound to no protocol (it
 * captures nothing). Sent right after its MSG_CONF_SLOT. Its ring of
 * block_nr blocks exists only while load mode uses it: a V3 ring runs a
 * retire timer every RING_TOV_MS for as long as it exists, busy or not.
 */
struct msg_conf_ring {
	uint32_t	 slot;			/* the slot just sent */
	uint32_t	 block_size;		/* bytes, RING_BLOCK_SIZE */
	uint32_t	 block_nr;		/* 1..RING_BLOCKS_MAX */
};

/*
 * Which socket of a slot captures. RING_ON: the helper sets the ring up
 * if it is not, binds the ring socket, then takes the plain one off the
 * interface (so no frame falls in between; the few seen by both are
 * dropped as duplicates) and answers MSG_RING_READY. RING_OFF: the other
 * way round. RING_RELEASE (after RING_OFF, once the worker has read the
 * last blocks and unmapped the ring): the helper frees the ring.
 */
enum capture_ring_req {
	RING_OFF = 0,
	RING_ON = 1,
	RING_RELEASE = 2,
};

struct msg_capture_mode {
	uint32_t	 slot;
	uint32_t	 ring;			/* enum capture_ring_req */
};

/* The answer to RING_ON: ok 1, the ring is capturing and may be mapped. */
struct msg_ring_ready {
	uint32_t	 slot;
	uint32_t	 ok;			/* 0: no ring; the plain socket captures */
};

struct msg_conf_peer {
	uint32_t	 addr;			/* network order */
	uint16_t	 port;			/* host order */
	uint16_t	 pad;
	uint32_t	 format;		/* enum peer_format */
};

/*
 * The whole set of peers found by --discover, after the helper's checks:
 * unicast, distinct, none of ours and none given by --other-relays. It
 * replaces the set sent before. Sent only after MSG_READY.
 */
struct msg_peers {
	uint16_t	 port;			/* host order: the mesh port */
	uint16_t	 pad;
	uint32_t	 naddrs;		/* 0 .. MAX_PEERS */
	uint32_t	 addrs[MAX_PEERS];	/* network order */
};

struct msg_mesh_fd {
	uint16_t	 port;			/* host order */
	uint16_t	 flags;			/* MESH_FD_*; others refused */
};
#define MESH_FD_GSO	0x0001	/* the kernel takes UDP_SEGMENT on it */

struct msg_log {
	int32_t		 level;			/* syslog LOG_* */
	char		 text[LOG_LINE_MAX];	/* NUL-terminated by the receiver */
};

/* Which side is receiving. */
enum proto_dir {
	TO_WORKER = 0,
	TO_HELPER = 1,
};

/* One row of the acceptance table. */
struct proto_rule {
	uint32_t	 type;
	enum proto_dir	 dir;
	uint32_t	 len;		/* exact payload length */
	int		 has_fd;	/* 1: exactly one fd must come with it; 0: none */
	const char	*name;
};

/* The rule for (type, dir), or NULL if that message is never allowed. */
const struct proto_rule	*proto_rule_find(uint32_t type, enum proto_dir dir);
/* Printable name of a type, "unknown" if none. */
const char		*proto_type_name(uint32_t type);
/*
 * 1 if addr (network order) may be a peer: not 0/8, multicast or class E.
 * The configuration and the helper check peers with it; the worker checks
 * MSG_PEERS with it.
 */
int			 proto_unicast(uint32_t addr);

#endif /* PROTO_H */
