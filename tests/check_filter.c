/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests for src/filter.c: the generated classic BPF program is run by
 * a tiny interpreter (only the opcodes filter.c emits) over crafted frames.
 */

#include <sys/socket.h>

#include <check.h>
#include <errno.h>
#include <stdint.h>
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

/* Run the program over pkt; returns the accepted length (0 = drop). */
static uint32_t
bpf_run(const struct sock_filter *p, int n, const uint8_t *pkt, size_t len)
{
	uint32_t	 a = 0, x = 0, v;
	int		 pc;

	bpf_check(p, n);
	for (pc = 0; pc < n; pc++) {
		const struct sock_filter	*f = &p[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (load(pkt, len, f->k, 4, &a) == -1)
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
