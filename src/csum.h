/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Internet checksums (RFC 1071) and incremental updates (RFC 1624). Pure.
 * Checksum values are in network byte order as stored in headers, read and
 * written with memcpy; sums are 32-bit one's-complement accumulators.
 */
#ifndef CSUM_H
#define CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes at p (any alignment, odd length padded) to sum. */
uint32_t	 csum_partial(const void *p, size_t len, uint32_t sum);
/* Fold a 32-bit accumulator to 16 bits (not complemented). */
uint16_t	 csum_fold(uint32_t sum);
/* The checksum of an IPv4 header of hlen bytes (field treated as 0). */
uint16_t	 csum_ipv4_header(const uint8_t *ip, size_t hlen);
/*
 * The folded, uncomplemented sum of the IPv4 UDP pseudo-header
 * (src, dst, protocol 17, udp_len), addresses in network byte order.
 * This is what a CHECKSUM_PARTIAL frame carries in its UDP checksum field.
 */
uint16_t	 csum_udp_pseudo(uint32_t src, uint32_t dst, uint16_t udp_len);
/*
 * The full UDP checksum over pseudo-header and udp_len bytes at udp (its
 * checksum field treated as 0). A computed 0 is returned as 0xffff (RFC 768).
 */
uint16_t	 csum_udp(uint32_t src, uint32_t dst, const uint8_t *udp, size_t udp_len);
/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for a 32-bit field changing from
 * old to new (both network byte order). hc is the stored checksum (host
 * order value of the 16-bit field).
 */
uint16_t	 csum_update32(uint16_t hc, uint32_t old, uint32_t new);

#endif /* CSUM_H */
