/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * meshsend's options and the builder that turns them into mesh datagrams
 * (meshbuild.c).
 */
#ifndef MESHSEND_H
#define MESHSEND_H

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"

#define ETH_LEN		14
#define IP_LEN		20
#define TCP_LEN		20
#define DGRAM_MAX	9300

/* Native format (src/mesh.h). */
#define NAT_HLEN	24
#define NAT_TAGLEN	16
#define NAT_DATA	1
#define NAT_HELLO	2
#define HELLO_MACS	8		/* MAX_IFACES */

enum proto { P_UDP = 17, P_TCP = 6, P_ICMP = 1 };

struct opts {
	enum proto	 proto;
	struct in_addr	 src, dst;
	uint16_t	 sport, dport, meshport;
	uint8_t		 dmac[6], smac[6];
	int		 bad_magic;
	int		 partial;	/* UDP checksum: pseudo-header sum only */
	size_t		 size;		/* test payload bytes */
	size_t		 cut;		/* send only this many bytes; 0: all */
	/* Native format: */
	int		 native;
	int		 type;		/* NAT_DATA or NAT_HELLO */
	const char	*keyfile;
	struct keyfile	 kf;		/* read with the daemon's own reader */
	long		 key_id;	/* -1: the file's first (primary) key */
	uint32_t	 relay_id;
	int		 have_seq;
	uint64_t	 seq;
	int		 have_ts;
	uint32_t	 ts;
	long		 ts_offset;
	int		 bad_tag, no_tag, wrong_key, bad_length;
	int		 eth;		/* DATA: the whole frame, flags 0 */
	int		 have_flags;
	uint8_t		 flags;		/* --flags: the flags byte as given */
	unsigned long	 hello_interval;
	uint8_t		 hello_macs[HELLO_MACS][6];
	size_t		 nmacs;
	/* How to send: */
	const char	*bindaddr;	/* -b, or NULL */
	const char	*relayname;
	struct sockaddr_in relay;
	unsigned long	 count, rate, first, maxsecs, interval_ms;
	int		 quiet;
};

/* Build datagram number i (0-based) into d (DGRAM_MAX bytes); its length. */
size_t		 meshbuild_datagram(uint8_t *d, const struct opts *o, uint32_t i);
/* The key that signs: --key-id from the file, else the primary; or exit 2. */
const struct keyfile_key *meshbuild_sign_key(const struct opts *o);
/* A key id that is not in the key file (for --wrong-key). */
unsigned int	 meshbuild_absent_key_id(const struct opts *o);
/* The native flags byte: --flags, else L3 for DATA without --eth, else 0. */
uint8_t		 meshbuild_native_flags(const struct opts *o);

#endif /* MESHSEND_H */
