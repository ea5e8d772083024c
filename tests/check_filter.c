/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests for src/filter.c: the generated classic BPF program is run by
 * a tiny interpreter (only the opcodes filter.c emits) over crafted frames,
 * and by the kernel: attached to real sockets (the mesh source filter also
 * with traffic over loopback).
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>

#include "filter.h"
#include "snowrelayd.h"

#define PVA_PORT	5076

static struct sock_filter	 prog[FILTER_MAX_INSNS];
static int			 nprog;
static uint8_t			 frame[1600];

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Load size bytes big-endian at off, as the kernel does; -1 if outside. */
static int
load(const uint8_t *pkt, size_t len, uint32_t off, size_t size, uint32_t *v)
{
	size_t	 i;

	if (off > len || size > len - off)
		return -1;
	*v = 0;
	for (i = 0; i < size; i++)
		*v = *v << 8 | pkt[off + i];
	return 0;
}

/*
 * Check the program is well formed the way the kernel's checker would:
 * every opcode known, every jump inside, ends in a return.
 */
static void
bpf_check(const struct sock_filter *p, int n)
{
	int	 pc;

	ck_assert_int_gt(n, 0);
	ck_assert_int_le(n, FILTER_MAX_INSNS);
	for (pc = 0; pc < n; pc++) {
		switch (p[pc].code) {
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			ck_assert_msg(pc + 1 + p[pc].jt < n &&
			    pc + 1 + p[pc].jf < n,
			    "insn %d jumps out of the program", pc);
			break;
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
		case BPF_LD | BPF_H | BPF_IND:
		case BPF_LDX | BPF_B | BPF_MSH:
		case BPF_RET | BPF_K:
			break;
		default:
			ck_abort_msg("insn %d: opcode 0x%04x not known to "
			    "the test", pc, p[pc].code);
		}
	}
	ck_assert_uint_eq(p[n - 1].code, BPF_RET | BPF_K);
}

/*
 * An absolute word load as the kernel does it: k in the SKF_NET_OFF range
 * is relative to the network header (net, netlen), if the caller models
 * one; other negative (ancillary) offsets are not used by filter.c.
 */
static int
load_abs(const uint8_t *pkt, size_t len, const uint8_t *net, size_t netlen,
    uint32_t k, size_t size, uint32_t *v)
{
	if (k >= (uint32_t)SKF_NET_OFF && k < (uint32_t)SKF_AD_OFF) {
		if (net == NULL)
			return -1;
		return load(net, netlen, k - (uint32_t)SKF_NET_OFF, size, v);
	}
	ck_assert_msg(k < (uint32_t)SKF_LL_OFF, "offset 0x%x not known to the "
	    "test", k);
	return load(pkt, len, k, size, v);
}

/*
 * Run the program over pkt (what the socket sees: the frame for AF_PACKET,
 * the UDP header on for UDP) with net the IPv4 header before it, or NULL.
 * Returns the accepted length (0 = drop).
 */
static uint32_t
bpf_exec(const struct sock_filter *p, int n, const uint8_t *pkt, size_t len,
    const uint8_t *net, size_t netlen)
{
	uint32_t	 a = 0, x = 0, v;
	int		 pc;

	bpf_check(p, n);
	for (pc = 0; pc < n; pc++) {
		const struct sock_filter	*f = &p[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (load_abs(pkt, len, net, netlen, f->k, 4, &a) == -1)
				return 0;
			break;
		case BPF_LD | BPF_H | BPF_ABS:
			if (load(pkt, len, f->k, 2, &a) == -1)
				return 0;
			break;
		case BPF_LD | BPF_B | BPF_ABS:
			if (load(pkt, len, f->k, 1, &a) == -1)
				return 0;
			break;
		case BPF_LD | BPF_H | BPF_IND:
			if (load(pkt, len, x + f->k, 2, &a) == -1)
				return 0;
			break;
		case BPF_LDX | BPF_B | BPF_MSH:
			if (load(pkt, len, f->k, 1, &v) == -1)
				return 0;
			x = 4 * (v & 0x0f);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += (a == f->k) ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & f->k) ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			ck_abort_msg("opcode 0x%04x not known to the test",
			    f->code);
		}
	}
	ck_abort_msg("program ran off its end");
	return 0;
}

/* Run over an Ethernet frame (AF_PACKET: no network-relative loads). */
static uint32_t
bpf_run(const struct sock_filter *p, int n, const uint8_t *pkt, size_t len)
{
	return bpf_exec(p, n, pkt, len, NULL, 0);
}

/* A broadcast IPv4/UDP frame to dport with ihl and 59 bytes of payload. */
static size_t
mkframe(uint16_t dport, uint8_t ihl)
{
	uint8_t	*ip = frame + 14, *udp;
	size_t	 hlen = (size_t)ihl * 4, i, len;

	len = 14 + hlen + 8 + 59;
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, "\x32\x6f\x1c\x14\xb4\xfe", 6);
	put16(frame + 12, 0x0800);
	ip[0] = 0x40 | ihl;
	put16(ip + 2, (uint16_t)(hlen + 8 + 59));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\xc6\x12\x01\x0a\xc6\x12\x01\xff", 8);
	for (i = 20; i < hlen; i++)
		ip[i] = 0x01;
	udp = ip + hlen;
	put16(udp, 36342);
	put16(udp + 2, dport);
	put16(udp + 4, 8 + 59);
	for (i = 0; i < 59; i++)
		udp[8 + i] = (uint8_t)i;
	return len;
}

static uint32_t
run(size_t len)
{
	return bpf_run(prog, nprog, frame, len);
}

/* Run the program over a fresh frame to port. */
static uint32_t
run_port(uint16_t port, uint8_t ihl)
{
	return run(mkframe(port, ihl));
}

/* The default program: port 5076 only. */
static void
setup_pva(void)
{
	static const uint16_t	 ports[] = { PVA_PORT };

	nprog = filter_capture(prog, FILTER_MAX_INSNS, ports, 1);
	ck_assert_int_gt(nprog, 0);
}

START_TEST(test_accept)
{
	size_t	 len;

	setup_pva();
	len = mkframe(PVA_PORT, 5);
	/* Whole frame passed: never cut to a snap length. */
	ck_assert_uint_ge(run(len), len);
	ck_assert_uint_eq(run(len), 0xffffffffU);
	/* A 1514-byte frame too. */
	ck_assert_uint_ge(run(1514), 1514);
}
END_TEST

START_TEST(test_reject_port)
{
	setup_pva();
	ck_assert_uint_eq(run(mkframe(5077, 5)), 0);
	ck_assert_uint_eq(run(mkframe(5075, 5)), 0);
	ck_assert_uint_eq(run(mkframe(0, 5)), 0);
	/* The source port being 5076 is not enough. */
	mkframe(40000, 5);
	put16(frame + 34, PVA_PORT);
	ck_assert_uint_eq(run(101), 0);
}
END_TEST

START_TEST(test_reject_unicast)
{
	size_t	 len;
	int	 i;

	setup_pva();
	for (i = 0; i < 6; i++) {
		len = mkframe(PVA_PORT, 5);
		frame[i] = 0xfe;
		ck_assert_msg(run(len) == 0, "MAC byte %d", i);
	}
	len = mkframe(PVA_PORT, 5);
	memcpy(frame, "\x01\x00\x5e\x00\x00\x01", 6);
	ck_assert_uint_eq(run(len), 0);
}
END_TEST

START_TEST(test_reject_proto)
{
	size_t	 len;

	setup_pva();
	len = mkframe(PVA_PORT, 5);
	frame[14 + 9] = 6;
	ck_assert_uint_eq(run(len), 0);
	frame[14 + 9] = 1;
	ck_assert_uint_eq(run(len), 0);
}
END_TEST

START_TEST(test_reject_ethertype)
{
	size_t	 len;

	setup_pva();
	len = mkframe(PVA_PORT, 5);
	put16(frame + 12, 0x86dd);
	ck_assert_uint_eq(run(len), 0);
	put16(frame + 12, 0x8100);
	ck_assert_uint_eq(run(len), 0);
	put16(frame + 12, 0x0806);
	ck_assert_uint_eq(run(len), 0);
}
END_TEST

START_TEST(test_reject_fragments)
{
	size_t	 len;

	setup_pva();
	len = mkframe(PVA_PORT, 5);
	put16(frame + 14 + 6, 0x2000);		/* MF */
	ck_assert_uint_eq(run(len), 0);
	put16(frame + 14 + 6, 0x0001);		/* offset 8 */
	ck_assert_uint_eq(run(len), 0);
	put16(frame + 14 + 6, 0x1000);		/* offset 32768 */
	ck_assert_uint_eq(run(len), 0);
	put16(frame + 14 + 6, 0x0000);
	ck_assert_uint_ge(run(len), len);
	put16(frame + 14 + 6, 0x4000);		/* DF alone is fine */
	ck_assert_uint_ge(run(len), len);
}
END_TEST

START_TEST(test_ip_options)
{
	size_t	 len;
	uint8_t	 ihl;

	setup_pva();
	for (ihl = 5; ihl <= 15; ihl++) {
		len = mkframe(PVA_PORT, ihl);
		ck_assert_msg(run(len) >= len, "ihl %u", ihl);
		/* The port is found after the options, not at offset 36. */
		if (ihl == 5)
			continue;
		len = mkframe(5077, ihl);
		put16(frame + 36, PVA_PORT);
		ck_assert_msg(run(len) == 0, "ihl %u", ihl);
	}
}
END_TEST

START_TEST(test_short)
{
	size_t	 full, len;

	setup_pva();
	full = mkframe(PVA_PORT, 5);
	/* Loads past the end drop, as in the kernel; up to the dport. */
	for (len = 0; len < 14 + 20 + 4; len++)
		ck_assert_msg(run(len) == 0, "len %zu", len);
	ck_assert_uint_ge(run(full), full);
}
END_TEST

START_TEST(test_multi_ports)
{
	static const uint16_t	 ports[] = { 5076, 5064 };

	nprog = filter_capture(prog, FILTER_MAX_INSNS, ports, 2);
	ck_assert_int_eq(nprog, 16);
	ck_assert_uint_ge(run(mkframe(5076, 5)), 101);
	ck_assert_uint_ge(run(mkframe(5064, 5)), 101);
	ck_assert_uint_ge(run(mkframe(5064, 9)), 117);
	ck_assert_uint_eq(run(mkframe(5065, 5)), 0);
	ck_assert_uint_eq(run(mkframe(7124, 5)), 0);
}
END_TEST

START_TEST(test_every_count)
{
	uint16_t	 ports[MAX_PORTS], port;
	size_t		 n, i, len;
	uint8_t		 ihl;

	/* Jump offsets hold for any count: each member in, others out. */
	for (n = 1; n <= MAX_PORTS; n++) {
		for (i = 0; i < n; i++)
			ports[i] = (uint16_t)(6000 + 3 * i);
		nprog = filter_capture(prog, FILTER_MAX_INSNS, ports, n);
		ck_assert_int_eq(nprog, (int)(14 + n));
		for (ihl = 5; ihl <= 15; ihl += 10) {
			for (i = 0; i < n; i++) {
				len = mkframe(ports[i], ihl);
				ck_assert_msg(run(len) >= len, "n %zu port %u",
				    n, ports[i]);
			}
			/* Neighbours of the members are not members. */
			for (i = 0; i <= n; i++) {
				port = (uint16_t)(6000 + 3 * i);
				ck_assert_uint_eq(run_port(port + 1, ihl), 0);
				ck_assert_uint_eq(run_port(port - 1, ihl), 0);
			}
			len = mkframe(ports[n - 1], ihl);
			frame[0] = 0;
			ck_assert_uint_eq(run(len), 0);
		}
	}
}
END_TEST

START_TEST(test_bad_args)
{
	static const uint16_t	 ports[] = { 5076, 5064 };
	int			 n;

	errno = 0;
	ck_assert_int_eq(filter_capture(prog, FILTER_MAX_INSNS, ports, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	n = filter_capture(prog, FILTER_MAX_INSNS, ports, 2);
	ck_assert_int_eq(n, 16);
	/* Exactly enough room works; one less does not. */
	ck_assert_int_eq(filter_capture(prog, (size_t)n, ports, 2), n);
	errno = 0;
	ck_assert_int_eq(filter_capture(prog, (size_t)n - 1, ports, 2), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(filter_capture(prog, 0, ports, 2), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(filter_capture(NULL, FILTER_MAX_INSNS, ports, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(filter_capture(prog, FILTER_MAX_INSNS, NULL, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_no_overwrite)
{
	static const uint16_t	 ports[] = { 5076 };
	struct sock_filter	 small[20];
	size_t			 i;

	/* A refused build writes nothing. */
	memset(small, 0xa5, sizeof(small));
	ck_assert_int_eq(filter_capture(small, 15, ports, 1), 15);
	for (i = 15; i < 20; i++)
		ck_assert_uint_eq(small[i].code, 0xa5a5);
	memset(small, 0xa5, sizeof(small));
	ck_assert_int_eq(filter_capture(small, 14, ports, 1), -1);
	for (i = 0; i < 20; i++)
		ck_assert_uint_eq(small[i].code, 0xa5a5);
}
END_TEST

START_TEST(test_kernel_accepts)
{
	uint16_t		 ports[MAX_PORTS];
	struct sock_fprog	 fp;
	size_t			 n;
	int			 s;

	/* The kernel's own checker on an unbound socket: no traffic. */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(s, 0);
	for (n = 1; n <= MAX_PORTS; n++) {
		ports[n - 1] = (uint16_t)(5076 + n);
		nprog = filter_capture(prog, FILTER_MAX_INSNS, ports, n);
		fp.len = (unsigned short)nprog;
		fp.filter = prog;
		ck_assert_msg(setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
		    sizeof(fp)) == 0, "nports %zu: %s", n, strerror(errno));
	}
	close(s);
}
END_TEST

/* ---- the mesh source filter (UDP socket) ------------------------------- */

static uint8_t	 dgram[1500];

/*
 * What a UDP socket filter sees: dgram holds an IPv4 header (ihl words)
 * from src, then UDP to port 7124 with 20 bytes of payload; the program
 * runs over the part from the UDP header on, SKF_NET_OFF reaches dgram.
 */
static uint32_t
run_udp(const char *src, uint8_t ihl)
{
	size_t		 hlen = (size_t)ihl * 4, len = hlen + 8 + 20, i;
	struct in_addr	 a;

	memset(dgram, 0, sizeof(dgram));
	dgram[0] = 0x40 | ihl;
	put16(dgram + 2, (uint16_t)len);
	dgram[8] = 64;
	dgram[9] = 17;
	ck_assert_int_eq(inet_pton(AF_INET, src, &a), 1);
	memcpy(dgram + 12, &a, 4);
	memcpy(dgram + 16, "\xc6\x12\x01\x02", 4);
	for (i = 20; i < hlen; i++)
		dgram[i] = 0x01;
	put16(dgram + hlen, 7124);
	put16(dgram + hlen + 2, 7124);
	put16(dgram + hlen + 4, 28);
	for (i = 0; i < 20; i++)
		dgram[hlen + 8 + i] = (uint8_t)(0xc6 + i);
	return bpf_exec(prog, nprog, dgram + hlen, len - hlen, dgram, len);
}

/* Network-order addresses of the dotted quads in s. */
static size_t
addrs_of(const char *const *s, size_t n, uint32_t *out)
{
	size_t		 i;
	struct in_addr	 a;

	for (i = 0; i < n; i++) {
		ck_assert_int_eq(inet_pton(AF_INET, s[i], &a), 1);
		out[i] = a.s_addr;
	}
	return n;
}

START_TEST(test_mesh_accept)
{
	static const char *const	 peers[] = {
		"198.18.2.2", "198.18.3.2"
	};
	uint32_t			 addrs[2];

	addrs_of(peers, 2, addrs);
	nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, addrs, 2);
	ck_assert_int_eq(nprog, 5);
	ck_assert_uint_eq(run_udp("198.18.2.2", 5), 0xffffffffU);
	ck_assert_uint_eq(run_udp("198.18.3.2", 5), 0xffffffffU);
	ck_assert_uint_eq(run_udp("198.18.2.3", 5), 0);
	ck_assert_uint_eq(run_udp("198.18.1.2", 5), 0);
	ck_assert_uint_eq(run_udp("199.18.2.2", 5), 0);
	ck_assert_uint_eq(run_udp("0.0.0.0", 5), 0);
	ck_assert_uint_eq(run_udp("255.255.255.255", 5), 0);
	/* The byte order is right: the reversed address is someone else. */
	ck_assert_uint_eq(run_udp("2.2.18.198", 5), 0);
	/* The UDP part holding the address bytes does not matter. */
	run_udp("198.18.1.2", 5);
	memcpy(dgram + 20 + 8, "\xc6\x12\x02\x02", 4);
	ck_assert_uint_eq(bpf_exec(prog, nprog, dgram + 20, 28, dgram, 48), 0);
}
END_TEST

START_TEST(test_mesh_none)
{
	uint32_t	 addr = htonl(0xc6120202);

	/* No peers: a single "drop" (addrs may then be NULL). */
	nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, NULL, 0);
	ck_assert_int_eq(nprog, 1);
	ck_assert_uint_eq(run_udp("198.18.2.2", 5), 0);
	ck_assert_uint_eq(run_udp("127.0.0.1", 5), 0);
	nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, &addr, 0);
	ck_assert_int_eq(nprog, 1);
	ck_assert_uint_eq(run_udp("198.18.2.2", 5), 0);
}
END_TEST

START_TEST(test_mesh_ip_options)
{
	uint32_t	 addr = htonl(0xc6120202);
	uint8_t		 ihl;

	/* The source is found in the IP header whatever its length. */
	nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, &addr, 1);
	ck_assert_int_eq(nprog, 4);
	for (ihl = 5; ihl <= 15; ihl++) {
		ck_assert_uint_eq(run_udp("198.18.2.2", ihl), 0xffffffffU);
		ck_assert_uint_eq(run_udp("198.18.2.1", ihl), 0);
	}
}
END_TEST

START_TEST(test_mesh_max_peers)
{
	uint32_t	 addrs[MAX_PEERS];
	char		 ip[32];
	size_t		 i;

	for (i = 0; i < MAX_PEERS; i++)
		addrs[i] = htonl(0xc6120000 | (uint32_t)(i + 1) << 8 | 2);
	nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, addrs, MAX_PEERS);
	ck_assert_int_eq(nprog, MAX_PEERS + 3);
	for (i = 0; i < MAX_PEERS; i++) {
		snprintf(ip, sizeof(ip), "198.18.%zu.2", i + 1);
		ck_assert_msg(run_udp(ip, 5) == 0xffffffffU, "%s", ip);
		snprintf(ip, sizeof(ip), "198.18.%zu.3", i + 1);
		ck_assert_msg(run_udp(ip, 5) == 0, "%s", ip);
	}
	ck_assert_uint_eq(run_udp("198.18.0.2", 5), 0);
	ck_assert_uint_eq(run_udp("198.18.65.2", 5), 0);
}
END_TEST

START_TEST(test_mesh_bad_args)
{
	struct sock_filter	 small[8];
	uint32_t		 addrs[FILTER_MAX_INSNS + 1];
	size_t			 i;

	memset(addrs, 0, sizeof(addrs));
	errno = 0;
	ck_assert_int_eq(filter_mesh_sources(NULL, 8, addrs, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(filter_mesh_sources(small, 8, NULL, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(filter_mesh_sources(prog, FILTER_MAX_INSNS, addrs,
	    FILTER_MAX_INSNS + 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* Exactly enough room works; one less writes nothing. */
	memset(small, 0xa5, sizeof(small));
	ck_assert_int_eq(filter_mesh_sources(small, 5, addrs, 2), 5);
	ck_assert_uint_eq(small[5].code, 0xa5a5);
	memset(small, 0xa5, sizeof(small));
	errno = 0;
	ck_assert_int_eq(filter_mesh_sources(small, 4, addrs, 2), -1);
	ck_assert_int_eq(errno, EINVAL);
	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(small[i].code, 0xa5a5);
	errno = 0;
	ck_assert_int_eq(filter_mesh_sources(small, 0, addrs, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(filter_mesh_sources(small, 1, addrs, 0), 1);
}
END_TEST

/* Attach prog to socket s; 0 or -1. */
static int
attach(int s)
{
	struct sock_fprog	 fp;

	fp.len = (unsigned short)nprog;
	fp.filter = prog;
	return setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp));
}

START_TEST(test_mesh_kernel_accepts)
{
	static const size_t	 counts[] = { 0, 1, 2, MAX_PEERS };
	uint32_t		 addrs[MAX_PEERS];
	size_t			 i;
	int			 s;

	for (i = 0; i < MAX_PEERS; i++)
		addrs[i] = htonl(0xc6120002 | (uint32_t)i << 8);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(s, 0);
	/* Replacing the filter works too (the helper updates it). */
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, addrs,
		    counts[i]);
		ck_assert_msg(attach(s) == 0, "naddrs %zu: %s", counts[i],
		    strerror(errno));
	}
	close(s);
}
END_TEST

/* A UDP socket bound to addr (host order) on port (0: any); its port. */
static int
udp_bound(uint32_t addr, uint16_t *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	int			 s;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(s, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(addr);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sin, &sl), 0);
	if (port != NULL)
		*port = ntohs(sin.sin_port);
	return s;
}

/* Send the one-byte datagram c from socket s to 127.0.0.1:port. */
static void
send_to(int s, uint16_t port, char c)
{
	struct sockaddr_in	 to;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(sendto(s, &c, 1, 0, (struct sockaddr *)&to,
	    sizeof(to)), 1);
}

/* The next datagram's first byte within ms milliseconds, or -1. */
static int
recv_within(int s, int ms)
{
	struct pollfd	 pfd = { s, POLLIN, 0 };
	char		 c;

	if (poll(&pfd, 1, ms) != 1)
		return -1;
	if (recv(s, &c, 1, 0) != 1)
		return -1;
	return c;
}

START_TEST(test_mesh_loopback)
{
	uint32_t	 peer = htonl(0x7f000002);	/* 127.0.0.2 */
	uint16_t	 port;
	int		 r, a, b;

	/*
	 * Real datagrams over loopback: the kernel runs the filter with
	 * SKF_NET_OFF on a UDP socket. 127.0.0.1 is not a peer, 127.0.0.2
	 * is; the outsider's datagram is sent first, so had it passed it
	 * would be the first one read.
	 */
	r = udp_bound(0x7f000001, &port);
	a = udp_bound(0x7f000001, NULL);
	b = udp_bound(0x7f000002, NULL);
	nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, &peer, 1);
	ck_assert_int_eq(attach(r), 0);
	send_to(a, port, 'a');
	send_to(b, port, 'b');
	ck_assert_int_eq(recv_within(r, 2000), 'b');
	ck_assert_int_eq(recv_within(r, 100), -1);
	/* No peers: nothing at all. */
	nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, NULL, 0);
	ck_assert_int_eq(attach(r), 0);
	send_to(a, port, 'a');
	send_to(b, port, 'b');
	ck_assert_int_eq(recv_within(r, 200), -1);
	/* The outsider listed instead. */
	peer = htonl(0x7f000001);
	nprog = filter_mesh_sources(prog, FILTER_MAX_INSNS, &peer, 1);
	ck_assert_int_eq(attach(r), 0);
	send_to(b, port, 'b');
	send_to(a, port, 'a');
	ck_assert_int_eq(recv_within(r, 2000), 'a');
	ck_assert_int_eq(recv_within(r, 100), -1);
	close(a);
	close(b);
	close(r);
}
END_TEST

static Suite *
filter_suite(void)
{
	Suite	*s = suite_create("filter");
	TCase	*tc = tcase_create("capture");

	tcase_add_test(tc, test_accept);
	tcase_add_test(tc, test_reject_port);
	tcase_add_test(tc, test_reject_unicast);
	tcase_add_test(tc, test_reject_proto);
	tcase_add_test(tc, test_reject_ethertype);
	tcase_add_test(tc, test_reject_fragments);
	tcase_add_test(tc, test_ip_options);
	tcase_add_test(tc, test_short);
	tcase_add_test(tc, test_multi_ports);
	tcase_add_test(tc, test_every_count);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_no_overwrite);
	tcase_add_test(tc, test_kernel_accepts);
	suite_add_tcase(s, tc);
	tc = tcase_create("mesh_sources");
	tcase_add_test(tc, test_mesh_accept);
	tcase_add_test(tc, test_mesh_none);
	tcase_add_test(tc, test_mesh_ip_options);
	tcase_add_test(tc, test_mesh_max_peers);
	tcase_add_test(tc, test_mesh_bad_args);
	tcase_add_test(tc, test_mesh_kernel_accepts);
	tcase_add_test(tc, test_mesh_loopback);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(filter_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
