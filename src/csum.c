/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Internet checksum (RFC 1071) over byte buffers and the RFC 1624 eqn. 3
 * incremental update used when a relay rewrites an IPv4 destination.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csum.h"

#define IPPROTO_UDP_	17

/*
 * Sums are one's-complement sums of big-endian 16-bit words; every 16-bit
 * value taken or returned here is the numeric value of the header field
 * (p[0] << 8 | p[1]), independent of host byte order. Data is read one
 * byte at a time, so any alignment is fine.
 */

/* Add len bytes at p to sum; an odd last byte is padded with zero. */
uint32_t
csum_partial(const void *p, size_t len, uint32_t sum)
{
	const uint8_t	*b = p;
	uint64_t	 acc = 0, be;
	uint32_t	 w;
	size_t		 i = 0;

	/*
	 * Whole 32-bit words in host byte order: a one's complement sum
	 * does not depend on byte order except for one swap of the folded
	 * result (RFC 1071, 2(B)), and this loop is four times shorter than
	 * one over 16-bit big-endian words. 64 bits cannot overflow for any
	 * length a frame can have.
	 */
	for (; i + 4 <= len; i += 4) {
		memcpy(&w, b + i, sizeof(w));
		acc += w;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	be = (acc & 0xff) << 8 | acc >> 8;
#else
	be = acc;
#endif
	/* The last 0-3 bytes as big-endian 16-bit words. */
	for (; i + 1 < len; i += 2)
		be += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		be += (uint32_t)b[len - 1] << 8;
	be += sum;
	/* 2^32 == 1 (mod 0xffff): end-around carries keep the sum intact. */
	while (be >> 32)
		be = (be & 0xffffffffU) + (be >> 32);
	return (uint32_t)be;
}

/* Fold a 32-bit accumulator to 16 bits with end-around carry. */
uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The checksum of an IPv4 header, its checksum field (bytes 10-11) as 0. */
uint16_t
csum_ipv4_header(const uint8_t *ip, size_t hlen)
{
	uint32_t	 sum;

	if (hlen < 12)
		return (uint16_t)~csum_fold(csum_partial(ip, hlen, 0));
	sum = csum_partial(ip, 10, 0);
	sum = csum_partial(ip + 12, hlen - 12, sum);
	return (uint16_t)~csum_fold(sum);
}

/* Sum of the two 16-bit halves of an address kept in network byte order. */
static uint32_t
addr_sum(uint32_t addr)
{
	uint8_t	 b[4];

	memcpy(b, &addr, sizeof(b));
	return ((uint32_t)b[0] << 8 | b[1]) + ((uint32_t)b[2] << 8 | b[3]);
}

/* Folded, uncomplemented IPv4 UDP pseudo-header sum. */
uint16_t
csum_udp_pseudo(uint32_t src, uint32_t dst, uint16_t udp_len)
{
	uint32_t	 sum;

	sum = addr_sum(src) + addr_sum(dst) + IPPROTO_UDP_ + udp_len;
	return csum_fold(sum);
}

/* Full UDP checksum (field at bytes 6-7 taken as 0); 0 becomes 0xffff. */
uint16_t
csum_udp(uint32_t src, uint32_t dst, const uint8_t *udp, size_t udp_len)
{
	uint32_t	 sum;
	uint16_t	 c;

	sum = csum_udp_pseudo(src, dst, (uint16_t)udp_len);
	if (udp_len < 8)
		sum = csum_partial(udp, udp_len, sum);
	else {
		sum = csum_partial(udp, 6, sum);
		sum = csum_partial(udp + 8, udp_len - 8, sum);
	}
	c = (uint16_t)~csum_fold(sum);
	/* RFC 768: 0 on the wire means "no checksum". */
	return c == 0 ? 0xffff : c;
}

/* RFC 1624 eqn. 3 for a 32-bit field changing from old to new. */
uint16_t
csum_update32(uint16_t hc, uint32_t old, uint32_t new)
{
	uint32_t	 sum;
	uint16_t	 s;

	/*
	 * RFC 1624 erratum 4782: an unchanged field must leave the stored
	 * checksum as it is (HC 0x0000 would otherwise come out as 0xffff
	 * with a sloppy fold).
	 */
	if (old == new)
		return hc;
	sum = (uint16_t)~hc;
	sum += 0x1fffe - addr_sum(old);	/* ~m_hi + ~m_lo */
	sum += addr_sum(new);
	s = csum_fold(sum);
	/*
	 * End-around-carry addition only yields 0 when every term is 0
	 * (stored 0xffff, m 0xffffffff, m' 0); that is -0, and a full
	 * recompute would give the checksum 0x0000 for it.
	 */
	if (s == 0)
		s = 0xffff;
	return (uint16_t)~s;
}
