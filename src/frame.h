/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Pure, bounds-checked parsing, validation and rewriting of Ethernet II /
 * IPv4 / UDP broadcast frames. No I/O.
 */
#ifndef FRAME_H
#define FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Why a frame was refused; each value has a counter in the worker. */
#define FRAME_ERRORS(X)							\
	X(FRAME_OK,		"ok")					\
	X(FRAME_ETH_SHORT,	"eth_short")	/* < 14 bytes */	\
	X(FRAME_ETH_TYPE,	"eth_not_ipv4")	/* EtherType != 0x0800 */ \
	X(FRAME_ETH_DST,	"eth_dst_not_broadcast")		\
	X(FRAME_IP_SHORT,	"ip_short")	/* < 20 bytes of IPv4 */ \
	X(FRAME_IP_VERSION,	"ip_version")				\
	X(FRAME_IP_IHL,		"ip_bad_ihl")	/* < 5 or past the end */ \
	X(FRAME_IP_LEN,		"ip_bad_length") /* total length vs data */ \
	X(FRAME_IP_CSUM,	"ip_bad_checksum")			\
	X(FRAME_IP_FRAGMENT,	"ip_fragment")	/* MF or offset != 0 */	\
	X(FRAME_IP_PROTO,	"ip_not_udp")				\
	X(FRAME_IP_SRC,		"ip_bad_source") /* 0/8, 127/8, multicast, class E, broadcast */ \
	X(FRAME_IP_DST,		"ip_dst_not_broadcast")			\
	X(FRAME_UDP_SHORT,	"udp_short")				\
	X(FRAME_UDP_LEN,	"udp_bad_length") /* != IP payload length */ \
	X(FRAME_UDP_CSUM,	"udp_bad_checksum")			\
	X(FRAME_UDP_PORT,	"udp_port_not_relayed")			\
	X(FRAME_TOO_BIG,	"frame_too_big") /* > FRAME_MAX */

#define FRAME_ENUM_(e, s)	e,
enum frame_err {
	FRAME_ERRORS(FRAME_ENUM_)
	FRAME_NERR
};
#undef FRAME_ENUM_

/* Counter name of an error, e.g. "ip_bad_ihl". */
const char	*frame_err_name(enum frame_err err);

/* What frame_validate learnt; offsets are from the start of the frame. */
struct frame_info {
	size_t		 len;		/* 14 + IP total length (padding trimmed) */
	size_t		 ip_off;	/* always 14 */
	size_t		 ip_hlen;	/* IHL * 4 */
	size_t		 udp_off;	/* ip_off + ip_hlen */
	uint16_t	 udp_len;	/* from the UDP header */
	uint32_t	 src_ip;	/* network byte order */
	uint32_t	 dst_ip;	/* network byte order */
	uint16_t	 src_port;	/* host order */
	uint16_t	 dst_port;	/* host order */
	int		 csum_partial;	/* UDP checksum field holds only the pseudo-header sum */
};

/* Validation flags. */
#define FRAME_F_CSUM_NOTREADY	0x01	/* auxdata: TP_STATUS_CSUMNOTREADY, skip UDP check */
#define FRAME_F_ACCEPT_PARTIAL	0x02	/* accept a pseudo-header-only UDP checksum */
/*
 * The UDP checksum is known good already: skip its verification (the
 * IPv4 header checksum is still checked). Set it for a captured frame
 * whose auxdata says TP_STATUS_CSUM_VALID (the kernel verified it), and
 * for a frame inside a native mesh datagram whose tag verified (the
 * sending relay validated and finished it, and the tag proves it was
 * not altered since). Never for "SS" frames: they are untrusted and may
 * carry partial checksums. With it, info->csum_partial stays 0.
 */
#define FRAME_F_CSUM_VALID	0x04
/*
 * Read the payload for the UDP checksum only if the field holds the
 * pseudo-header sum (it may be an unfinished CHECKSUM_PARTIAL one, to
 * finish or refuse); otherwise take the field as it is. The relay sets it
 * on its data path: a frame's UDP checksum matters only to the hosts that
 * receive it, which drop a bad one, and a destination rewrite keeps a bad
 * checksum exactly as bad (RFC 1624), so the checksum is read only where
 * a rewrite or a partial sum needs it.
 */
#define FRAME_F_CSUM_LAZY	0x08

/*
 * Check frame[0..len) is Ethernet II + IPv4 (any legal IHL, not a fragment)
 * + UDP to one of ports[0..nports) (host order), broadcast at L2 and L3,
 * lengths consistent, checksums right (subject to flags). Trailing bytes
 * past the IP total length (Ethernet padding) are allowed and excluded from
 * info->len. Returns FRAME_OK and fills info, or the first failed check.
 */
enum frame_err	 frame_validate(const uint8_t *frame, size_t len, const uint16_t *ports,
		    size_t nports, unsigned int flags, struct frame_info *info);

/*
 * An IPv4 destination counts as broadcast if it is 255.255.255.255 or has
 * the form of a directed broadcast: not 0/8, 127/8, multicast or class E,
 * and its lowest two bits are 1 (host part all ones for a /30 or shorter
 * prefix). addr in network byte order.
 */
int		 frame_is_broadcast(uint32_t addr);

/* Write the full UDP checksum into a validated frame (after csum_partial or NOTREADY). */
void		 frame_finish_udp_csum(uint8_t *frame, const struct frame_info *info);

/*
 * Prepare a validated frame for emission on a local segment: Ethernet
 * source := mac, destination := ff:ff:ff:ff:ff:ff; an IPv4 destination
 * other than 255.255.255.255 and other than local_bcast becomes local_bcast,
 * with the IPv4 header and UDP checksums updated incrementally (RFC 1624;
 * a UDP checksum of 0 stays 0). TTL, source IP and port are unchanged.
 * Returns 1 if the destination was rewritten, 0 if not.
 */
int		 frame_rewrite(uint8_t *frame, struct frame_info *info, const uint8_t mac[6],
		    uint32_t local_bcast);

#endif /* FRAME_H */
