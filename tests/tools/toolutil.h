/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Small helpers shared by the test traffic tools: argument numbers, the
 * stop flag, the monotonic clock, big-endian fields, checksums.
 */
#ifndef TOOLUTIL_H
#define TOOLUTIL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Set by tool_stop_cb (install it for SIGINT/SIGTERM). */
extern volatile sig_atomic_t	 tool_stop;
void		 tool_stop_cb(int sig);

/* Options of tool_udp_socket. */
#define TOOL_UDP_BROADCAST	0x01	/* SO_BROADCAST and SO_REUSEADDR */
#define TOOL_UDP_PKTINFO	0x02	/* IP_PKTINFO */

/*
 * A UDP socket with the options in flags, bound to bindaddr (NULL: any)
 * and port if either is given; what names bindaddr's option in the
 * message if it is not an IPv4 address (exit 2). Other errors exit 1.
 */
int		 tool_udp_socket(const char *bindaddr, const char *what, uint16_t port,
		    unsigned int flags);

/* A decimal number in [min, max], or exit 2 with a message naming what. */
unsigned long	 tool_number(const char *s, unsigned long min, unsigned long max,
		    const char *what);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t	 tool_now_ns(void);

uint16_t	 tool_get16(const uint8_t *p);
void		 tool_put16(uint8_t *p, uint16_t v);
uint32_t	 tool_get32(const uint8_t *p);
void		 tool_put32(uint8_t *p, uint32_t v);

/* One's complement sum of p[0..len) as big-endian words, odd byte padded. */
uint32_t	 tool_sum16(const uint8_t *p, size_t len, uint32_t sum);
/* Fold a sum to 16 bits (not complemented). */
uint16_t	 tool_fold(uint32_t sum);
/*
 * The test payload: "SRT1", sequence number, CLOCK_MONOTONIC ns (two
 * 32-bit halves) and total size, all big-endian, then a pattern of the
 * sequence number, so a receiver can check it was not cut or damaged.
 */
#define TOOL_PL_HDR	20
void		 tool_payload_fill(uint8_t *p, size_t size, uint32_t seq);

/* FNV-1a over a payload: printed so receivers can compare content. */
uint32_t	 tool_fnv1a(const uint8_t *p, size_t len);

#endif /* TOOLUTIL_H */
