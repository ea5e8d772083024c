/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Validation and rewriting of Ethernet II / IPv4 / UDP broadcast frames,
 * bounds-checked over (pointer, length). Pure: no I/O, no allocation.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csum.h"
#include "frame.h"
#include "snowrelayd.h"

#define ETHERTYPE_IPV4_	0x0800
#define IP_MINHLEN	20
#define UDP_HLEN	8
#define IP_FRAG_MASK	0x3fff	/* MF flag and fragment offset */
#define IPPROTO_UDP_	17

/*
 * frame_validate() checks in this fixed order and returns the first
 * failure:
 *   FRAME_TOO_BIG      len > FRAME_MAX
 *   FRAME_ETH_SHORT    len < 14
 *   FRAME_ETH_TYPE     EtherType != 0x0800 (so 802.1Q tagged frames too)
 *   FRAME_ETH_DST      destination MAC != ff:ff:ff:ff:ff:ff
 *   FRAME_IP_SHORT     fewer than 20 bytes after the Ethernet header
 *   FRAME_IP_VERSION   version != 4
 *   FRAME_IP_IHL       IHL < 5 or the header runs past len
 *   FRAME_IP_LEN       total length < IHL * 4 or > the bytes present
 *   FRAME_IP_CSUM      IPv4 header checksum
 *   FRAME_IP_FRAGMENT  MF set or fragment offset != 0
 *   FRAME_IP_PROTO     protocol != 17
 *   FRAME_IP_SRC       source in 0/8, 127/8, 224/4 or 240/4
 *   FRAME_IP_DST       destination not a broadcast (frame_is_broadcast)
 *   FRAME_UDP_SHORT    IP payload < 8 bytes
 *   FRAME_UDP_LEN      UDP length != IP payload length
 *   FRAME_UDP_PORT     destination port not in the relayed set
 *   FRAME_UDP_CSUM     UDP checksum (last: it is the only check that
 *                      reads the whole payload)
 */

static const char *const frame_err_names[] = {
#define FRAME_NAME_(e, s)	s,
	FRAME_ERRORS(FRAME_NAME_)
#undef FRAME_NAME_
};

/* Read a big-endian 16-bit field. */
static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Write a big-endian 16-bit field. */
static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Counter name of an error. */
const char *
frame_err_name(enum frame_err err)
{
	if ((unsigned int)err >= FRAME_NERR)
		return "unknown";
	return frame_err_names[err];
}

/* Is the first octet of addr (network order) 0, 127, multicast or class E? */
static int
addr_reserved(uint32_t addr)
{
	uint8_t	 b[4];

	memcpy(b, &addr, sizeof(b));
	return b[0] == 0 || b[0] == 127 || b[0] >= 224;
}

/* Does addr (network order) count as a broadcast destination? */
int
frame_is_broadcast(uint32_t addr)
{
	uint8_t	 b[4];

	if (addr == 0xffffffffU)
		return 1;
	if (addr_reserved(addr))
		return 0;
	memcpy(b, &addr, sizeof(b));
	return (b[3] & 0x03) == 0x03;
}

/* Ethernet checks: size, EtherType, broadcast destination. */
static enum frame_err
check_eth(const uint8_t *frame, size_t len)
{
	static const uint8_t	 bcast[6] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};

	if (len > FRAME_MAX)
		return FRAME_TOO_BIG;
	if (len < ETH_HLEN_)
		return FRAME_ETH_SHORT;
	if (get16(frame + 12) != ETHERTYPE_IPV4_)
		return FRAME_ETH_TYPE;
	if (memcmp(frame, bcast, sizeof(bcast)) != 0)
		return FRAME_ETH_DST;
	return FRAME_OK;
}

/* IPv4 header checks; fills the IP part of info. */
static enum frame_err
check_ip(const uint8_t *frame, size_t len, struct frame_info *info)
{
	const uint8_t	*ip = frame + ETH_HLEN_;
	size_t		 avail = len - ETH_HLEN_, hlen, tot;

	if (avail < IP_MINHLEN)
		return FRAME_IP_SHORT;
	if (ip[0] >> 4 != 4)
		return FRAME_IP_VERSION;
	hlen = (size_t)(ip[0] & 0x0f) * 4;
	if (hlen < IP_MINHLEN || hlen > avail)
		return FRAME_IP_IHL;
	tot = get16(ip + 2);
	if (tot < hlen || tot > avail)
		return FRAME_IP_LEN;
	/* A header with a right checksum sums to 0xffff (RFC 1071). */
	if (csum_fold(csum_partial(ip, hlen, 0)) != 0xffff)
		return FRAME_IP_CSUM;
	if ((get16(ip + 6) & IP_FRAG_MASK) != 0)
		return FRAME_IP_FRAGMENT;
	if (ip[9] != IPPROTO_UDP_)
		return FRAME_IP_PROTO;
	memcpy(&info->src_ip, ip + 12, 4);
	memcpy(&info->dst_ip, ip + 16, 4);
	/* 255.255.255.255 is class E, so addr_reserved() covers it. */
	if (addr_reserved(info->src_ip))
		return FRAME_IP_SRC;
	if (!frame_is_broadcast(info->dst_ip))
		return FRAME_IP_DST;
	info->ip_off = ETH_HLEN_;
	info->ip_hlen = hlen;
	info->udp_off = ETH_HLEN_ + hlen;
	/* Anything past the IP total length is Ethernet padding. */
	info->len = ETH_HLEN_ + tot;
	return FRAME_OK;
}

/* Is the UDP checksum right, absent, or acceptable under flags? */
static enum frame_err
check_udp_csum(const uint8_t *udp, unsigned int flags, struct frame_info *info)
{
	uint16_t	 field = get16(udp + 6), pseudo;
	uint32_t	 sum;

	if (field == 0)
		return FRAME_OK;	/* RFC 768: no checksum */
	if (flags & FRAME_F_CSUM_NOTREADY)
		return FRAME_OK;	/* the stack never filled it in */
	if (flags & FRAME_F_CSUM_VALID)
		return FRAME_OK;	/* verified before: not read again */
	pseudo = csum_udp_pseudo(info->src_ip, info->dst_ip, info->udp_len);
	if ((flags & FRAME_F_CSUM_LAZY) && field != pseudo)
		return FRAME_OK;	/* not partial: the receivers judge it */
	sum = csum_partial(udp, info->udp_len, pseudo);
	if (csum_fold(sum) == 0xffff)
		return FRAME_OK;
	/* CHECKSUM_PARTIAL: the field holds just the pseudo-header sum. */
	if ((flags & FRAME_F_ACCEPT_PARTIAL) && field == pseudo) {
		info->csum_partial = 1;
		return FRAME_OK;
	}
	return FRAME_UDP_CSUM;
}

/* UDP checks: size, length, port, checksum; fills the UDP part of info. */
static enum frame_err
check_udp(const uint8_t *frame, const uint16_t *ports, size_t nports,
    unsigned int flags, struct frame_info *info)
{
	const uint8_t	*udp = frame + info->udp_off;
	size_t		 plen = info->len - info->udp_off, i;

	if (plen < UDP_HLEN)
		return FRAME_UDP_SHORT;
	info->udp_len = get16(udp + 4);
	if (info->udp_len != plen)
		return FRAME_UDP_LEN;
	info->src_port = get16(udp);
	info->dst_port = get16(udp + 2);
	for (i = 0; i < nports; i++)
		if (ports[i] == info->dst_port)
			break;
	if (i == nports)
		return FRAME_UDP_PORT;
	return check_udp_csum(udp, flags, info);
}

/* Validate a frame; FRAME_OK and info filled, or the first failed check. */
enum frame_err
frame_validate(const uint8_t *frame, size_t len, const uint16_t *ports,
    size_t nports, unsigned int flags, struct frame_info *info)
{
	struct frame_info	 scratch;
	enum frame_err		 err;

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	if (frame == NULL)
		len = 0;
	if (ports == NULL)
		nports = 0;
	if ((err = check_eth(frame, len)) != FRAME_OK)
		return err;
	if ((err = check_ip(frame, len, info)) != FRAME_OK)
		return err;
	return check_udp(frame, ports, nports, flags, info);
}

/* Write the full UDP checksum into a validated frame. */
void
frame_finish_udp_csum(uint8_t *frame, const struct frame_info *info)
{
	uint8_t		*udp = frame + info->udp_off;
	uint16_t	 c;

	c = csum_udp(info->src_ip, info->dst_ip, udp, info->udp_len);
	put16(udp + 6, c);
}

/* Set MACs and move a foreign directed broadcast to local_bcast. */
int
frame_rewrite(uint8_t *frame, struct frame_info *info, const uint8_t mac[6],
    uint32_t local_bcast)
{
	uint8_t		*ip = frame + info->ip_off;
	uint8_t		*udp = frame + info->udp_off;
	uint16_t	 c;

	memset(frame, 0xff, 6);
	memcpy(frame + 6, mac, 6);
	/*
	 * A pseudo-header-only checksum cannot be updated incrementally
	 * (it is not complemented) and must not leave the host: finish it.
	 */
	if (info->csum_partial) {
		frame_finish_udp_csum(frame, info);
		info->csum_partial = 0;
	}
	if (info->dst_ip == 0xffffffffU || info->dst_ip == local_bcast)
		return 0;
	c = csum_update32(get16(ip + 10), info->dst_ip, local_bcast);
	put16(ip + 10, c);
	/* UDP 0 means "no checksum" and stays; a computed 0 goes as 0xffff. */
	if ((c = get16(udp + 6)) != 0) {
		c = csum_update32(c, info->dst_ip, local_bcast);
		put16(udp + 6, c == 0 ? 0xffff : c);
	}
	memcpy(ip + 16, &local_bcast, 4);
	info->dst_ip = local_bcast;
	return 1;
}
