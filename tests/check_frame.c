/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests for src/frame.c: one test per drop reason, options, padding,
 * checksum offload, the SnowSignal golden frame, rewriting and bit flips.
 */

#include <arpa/inet.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "snowrelayd.h"

#define BUFSZ		(FRAME_MAX + 128)
#define PVA_PORT	5076

enum csum_mode { CS_FULL, CS_NONE, CS_PARTIAL, CS_BAD };

/* Everything the builder can vary; addresses in host order. */
struct spec {
	uint8_t		 dst_mac[6];
	uint8_t		 src_mac[6];
	uint16_t	 ethertype;
	uint8_t		 version;
	uint8_t		 ihl;
	uint16_t	 id;
	uint16_t	 frag;
	uint8_t		 ttl;
	uint8_t		 proto;
	uint32_t	 src;
	uint32_t	 dst;
	uint16_t	 sport;
	uint16_t	 dport;
	size_t		 paylen;
	enum csum_mode	 csum;
	int		 tot_adj;	/* added to the IP total length */
	int		 udplen_adj;	/* added to the UDP length */
	size_t		 pad;		/* Ethernet padding after the packet */
};

static const uint16_t	 pva_ports[] = { PVA_PORT };
static const uint8_t	 own_mac[6] = { 0x02, 0x00, 0x5e, 0x12, 0x02, 0x02 };
static uint8_t		 buf[BUFSZ];

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* The test's own folded one's-complement sum (independent of csum.c). */
static uint32_t
ref_add(const uint8_t *p, size_t len, uint32_t s)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		s += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* Reference IPv4 header checksum of the header at f + 14. */
static uint16_t
ref_ip_csum(const uint8_t *f)
{
	const uint8_t	*ip = f + 14;
	size_t		 hlen = (size_t)(ip[0] & 0x0f) * 4;

	if (hlen < 20)
		hlen = 20;	/* the builder writes 20 bytes for a bad IHL */
	return (uint16_t)~ref_add(ip + 12, hlen - 12, ref_add(ip, 10, 0));
}

/* Pseudo-header sum (folded, uncomplemented). */
static uint32_t
ref_pseudo(const uint8_t *ip, uint16_t udp_len)
{
	uint8_t	 ph[4] = { 0, 17, 0, 0 };

	put16(ph + 2, udp_len);
	return ref_add(ph, 4, ref_add(ip + 12, 8, 0));
}

/* Reference UDP checksum over udp_len bytes, 0 mapped to 0xffff. */
static uint16_t
ref_udp_csum(const uint8_t *f, size_t udp_len)
{
	const uint8_t	*ip = f + 14;
	const uint8_t	*udp = ip + (size_t)(ip[0] & 0x0f) * 4;
	uint32_t	 s;
	uint16_t	 c;

	s = ref_pseudo(ip, (uint16_t)udp_len);
	s = ref_add(udp, 6, s);
	s = ref_add(udp + 8, udp_len - 8, s);
	c = (uint16_t)~s;
	return c == 0 ? 0xffff : c;
}

static void
fix_ip_csum(uint8_t *f)
{
	put16(f + 14 + 10, ref_ip_csum(f));
}

/* A valid PVA search broadcast: 198.18.1.10:36342 -> 198.18.1.255:5076. */
static struct spec
spec_default(void)
{
	struct spec	 s;

	memset(&s, 0, sizeof(s));
	memset(s.dst_mac, 0xff, 6);
	memcpy(s.src_mac, "\x32\x6f\x1c\x14\xb4\xfe", 6);
	s.ethertype = 0x0800;
	s.version = 4;
	s.ihl = 5;
	s.id = 0xdf83;
	s.frag = 0x4000;	/* DF */
	s.ttl = 64;
	s.proto = 17;
	s.src = A(198, 18, 1, 10);
	s.dst = A(198, 18, 1, 255);
	s.sport = 36342;
	s.dport = PVA_PORT;
	s.paylen = 59;
	s.csum = CS_FULL;
	return s;
}

/* Build the frame described by s into f; returns its length. */
static size_t
build(const struct spec *s, uint8_t *f)
{
	uint8_t		*ip = f + 14, *udp, *pay;
	size_t		 hlen = (size_t)s->ihl * 4, i, len;
	uint16_t	 ulen;

	if (hlen < 20)
		hlen = 20;	/* a bad IHL still gets a 20-byte header */
	len = 14 + hlen + 8 + s->paylen + s->pad;
	ck_assert_uint_le(len, BUFSZ);
	memset(f, 0, len);
	memcpy(f, s->dst_mac, 6);
	memcpy(f + 6, s->src_mac, 6);
	put16(f + 12, s->ethertype);
	ip[0] = (uint8_t)(s->version << 4 | (s->ihl & 0x0f));
	put16(ip + 2, (uint16_t)(hlen + 8 + s->paylen + s->tot_adj));
	put16(ip + 4, s->id);
	put16(ip + 6, s->frag);
	ip[8] = s->ttl;
	ip[9] = s->proto;
	put32(ip + 12, s->src);
	put32(ip + 16, s->dst);
	for (i = 20; i < hlen; i++)
		ip[i] = 0x01;		/* IP option NOP */
	udp = ip + hlen;
	pay = udp + 8;
	put16(udp, s->sport);
	put16(udp + 2, s->dport);
	ulen = (uint16_t)(8 + s->paylen + s->udplen_adj);
	put16(udp + 4, ulen);
	for (i = 0; i < s->paylen; i++)
		pay[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < s->pad; i++)
		pay[s->paylen + i] = 0xee;
	fix_ip_csum(f);
	switch (s->csum) {
	case CS_FULL:
		put16(udp + 6, ref_udp_csum(f, 8 + s->paylen));
		break;
	case CS_NONE:
		break;
	case CS_PARTIAL:
		put16(udp + 6, (uint16_t)ref_pseudo(ip, ulen));
		break;
	case CS_BAD:
		put16(udp + 6, ref_udp_csum(f, 8 + s->paylen) ^ 0x0100);
		break;
	}
	return len;
}

static enum frame_err
validate(const uint8_t *f, size_t len, unsigned int flags,
    struct frame_info *fi)
{
	return frame_validate(f, len, pva_ports, 1, flags, fi);
}

/* Golden frame from the SnowSignal capture (partial UDP checksum). */
static const char golden_hex[] =
    "ffffffffffff326f1c14b4fe080045000057df834000401193f6c612010affffffff"
    "8df613d40043c770ca02800300000033112233440000000000000000000000000000"
    "ffff000000008df601037463700001000010000d53533a4c494d495445443a5056";

static size_t
golden(uint8_t *f)
{
	const char	*s = golden_hex;
	unsigned int	 v;
	size_t		 n = 0;

	for (; s[0] != '\0' && s[1] != '\0'; s += 2) {
		ck_assert_int_eq(sscanf(s, "%2x", &v), 1);
		f[n++] = (uint8_t)v;
	}
	return n;
}
START_TEST(test_valid)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;

	len = build(&s, buf);
	ck_assert_uint_eq(len, 101);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	ck_assert_uint_eq(fi.len, 101);
	ck_assert_uint_eq(fi.ip_off, 14);
	ck_assert_uint_eq(fi.ip_hlen, 20);
	ck_assert_uint_eq(fi.udp_off, 34);
	ck_assert_uint_eq(fi.udp_len, 67);
	ck_assert_uint_eq(fi.src_ip, htonl(A(198, 18, 1, 10)));
	ck_assert_uint_eq(fi.dst_ip, htonl(A(198, 18, 1, 255)));
	ck_assert_uint_eq(fi.src_port, 36342);
	ck_assert_uint_eq(fi.dst_port, PVA_PORT);
	ck_assert_int_eq(fi.csum_partial, 0);
	/* NULL info is allowed. */
	ck_assert_int_eq(validate(buf, len, 0, NULL), FRAME_OK);
}
END_TEST

START_TEST(test_err_names)
{
	int	 i, j;

	ck_assert_str_eq(frame_err_name(FRAME_OK), "ok");
	ck_assert_str_eq(frame_err_name(FRAME_IP_IHL), "ip_bad_ihl");
	ck_assert_str_eq(frame_err_name(FRAME_UDP_CSUM), "udp_bad_checksum");
	ck_assert_str_eq(frame_err_name(FRAME_TOO_BIG), "frame_too_big");
	ck_assert_str_eq(frame_err_name(FRAME_NERR), "unknown");
	ck_assert_str_eq(frame_err_name((enum frame_err)-1), "unknown");
	for (i = 0; i < FRAME_NERR; i++) {
		ck_assert_uint_gt(strlen(frame_err_name(i)), 0);
		ck_assert_ptr_null(strchr(frame_err_name(i), ' '));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(frame_err_name(i), frame_err_name(j));
	}
}
END_TEST

/* What a table row changes in the default frame. */
enum field {
	F_LEN, F_PAD, F_ETYPE, F_MAC, F_VERSION, F_IHL, F_TOT, F_IPCSUM,
	F_FRAG, F_PROTO, F_SRC, F_DST, F_UDPLEN, F_DPORT, F_CSUM
};

/* One crafted defect and the one verdict it must produce. */
struct defect {
	const char	*what;
	enum field	 field;
	long		 value;
	enum frame_err	 want;
};

static const struct defect defects[] = {
	{ "padded past FRAME_MAX", F_PAD, FRAME_MAX, FRAME_TOO_BIG },
	{ "13 bytes", F_LEN, 13, FRAME_ETH_SHORT },
	{ "Ethernet header only", F_LEN, 14, FRAME_IP_SHORT },
	{ "19 bytes of IP", F_LEN, 33, FRAME_IP_SHORT },
	{ "EtherType IPv6", F_ETYPE, 0x86dd, FRAME_ETH_TYPE },
	{ "EtherType 802.1Q", F_ETYPE, 0x8100, FRAME_ETH_TYPE },
	{ "EtherType ARP", F_ETYPE, 0x0806, FRAME_ETH_TYPE },
	{ "unicast MAC", F_MAC, 0x0002, FRAME_ETH_DST },
	{ "multicast MAC", F_MAC, 0x0001, FRAME_ETH_DST },
	{ "MAC byte 3 0xfe", F_MAC, 0x03fe, FRAME_ETH_DST },
	{ "MAC byte 5 0xfe", F_MAC, 0x05fe, FRAME_ETH_DST },
	{ "IP version 6", F_VERSION, 6, FRAME_IP_VERSION },
	{ "IP version 0", F_VERSION, 0, FRAME_IP_VERSION },
	{ "IHL 4", F_IHL, 4, FRAME_IP_IHL },
	{ "IHL 0", F_IHL, 0, FRAME_IP_IHL },
	{ "total length 19", F_TOT, -68, FRAME_IP_LEN },
	{ "total length past the data", F_TOT, 1, FRAME_IP_LEN },
	{ "total length +40000", F_TOT, 40000, FRAME_IP_LEN },
	{ "IP checksum bit 0", F_IPCSUM, 0x0001, FRAME_IP_CSUM },
	{ "IP checksum bit 15", F_IPCSUM, 0x8000, FRAME_IP_CSUM },
	{ "MF", F_FRAG, 0x2000, FRAME_IP_FRAGMENT },
	{ "DF and MF", F_FRAG, 0x6000, FRAME_IP_FRAGMENT },
	{ "offset 8", F_FRAG, 0x0001, FRAME_IP_FRAGMENT },
	{ "largest offset", F_FRAG, 0x1fff, FRAME_IP_FRAGMENT },
	{ "TCP", F_PROTO, 6, FRAME_IP_PROTO },
	{ "ICMP", F_PROTO, 1, FRAME_IP_PROTO },
	{ "UDP-Lite", F_PROTO, 136, FRAME_IP_PROTO },
	{ "from 0.0.0.0", F_SRC, A(0, 0, 0, 0), FRAME_IP_SRC },
	{ "from 0.1.2.3", F_SRC, A(0, 1, 2, 3), FRAME_IP_SRC },
	{ "from 127.0.0.1", F_SRC, A(127, 0, 0, 1), FRAME_IP_SRC },
	{ "from 127.255.255.255", F_SRC, A(127, 255, 255, 255), FRAME_IP_SRC },
	{ "from 224.0.0.1", F_SRC, A(224, 0, 0, 1), FRAME_IP_SRC },
	{ "from 239.255.255.250", F_SRC, A(239, 255, 255, 250), FRAME_IP_SRC },
	{ "from 240.0.0.1", F_SRC, A(240, 0, 0, 1), FRAME_IP_SRC },
	{ "from 255.255.255.255", F_SRC, A(255, 255, 255, 255), FRAME_IP_SRC },
	{ "to 198.18.2.10", F_DST, A(198, 18, 2, 10), FRAME_IP_DST },
	{ "to 198.18.1.254", F_DST, A(198, 18, 1, 254), FRAME_IP_DST },
	{ "to 224.0.0.255", F_DST, A(224, 0, 0, 255), FRAME_IP_DST },
	{ "to 127.255.255.255", F_DST, A(127, 255, 255, 255), FRAME_IP_DST },
	{ "to 0.0.0.0", F_DST, A(0, 0, 0, 0), FRAME_IP_DST },
	{ "4 bytes of IP payload", F_TOT, -63, FRAME_UDP_SHORT },
	{ "no IP payload", F_TOT, -67, FRAME_UDP_SHORT },
	{ "UDP length +1", F_UDPLEN, 1, FRAME_UDP_LEN },
	{ "UDP length -1", F_UDPLEN, -1, FRAME_UDP_LEN },
	{ "UDP length 7", F_UDPLEN, -60, FRAME_UDP_LEN },
	{ "UDP length 0", F_UDPLEN, -67, FRAME_UDP_LEN },
	{ "port 5077", F_DPORT, 5077, FRAME_UDP_PORT },
	{ "port 5064", F_DPORT, 5064, FRAME_UDP_PORT },
	{ "port 0", F_DPORT, 0, FRAME_UDP_PORT },
	{ "UDP checksum", F_CSUM, CS_BAD, FRAME_UDP_CSUM },
	{ "partial checksum, no flag", F_CSUM, CS_PARTIAL, FRAME_UDP_CSUM },
	/* Odd-looking but fine. */
	{ "DF", F_FRAG, 0x4000, FRAME_OK },
	{ "no IP flags", F_FRAG, 0, FRAME_OK },
	{ "to 255.255.255.255", F_DST, A(255, 255, 255, 255), FRAME_OK },
	{ "to 198.19.255.255 (/15)", F_DST, A(198, 19, 255, 255), FRAME_OK },
	{ "to 198.18.1.3 (/30)", F_DST, A(198, 18, 1, 3), FRAME_OK },
	{ "from 198.19.255.254", F_SRC, A(198, 19, 255, 254), FRAME_OK },
	{ "from 1.0.0.0", F_SRC, A(1, 0, 0, 0), FRAME_OK },
	{ "from 223.255.255.254", F_SRC, A(223, 255, 255, 254), FRAME_OK },
	{ "no UDP checksum", F_CSUM, CS_NONE, FRAME_OK },
	{ "Ethernet padding", F_PAD, 10, FRAME_OK },
	{ "IHL 6", F_IHL, 6, FRAME_OK },
	{ "IHL 15", F_IHL, 15, FRAME_OK },
};
#define NDEFECTS	(int)(sizeof(defects) / sizeof(defects[0]))

/* Apply a row to the spec (fields the builder knows about). */
static void
apply(struct spec *s, const struct defect *d)
{
	switch (d->field) {
	case F_PAD:
		s->pad = (size_t)d->value;
		break;
	case F_ETYPE:
		s->ethertype = (uint16_t)d->value;
		break;
	case F_MAC:
		s->dst_mac[d->value >> 8] = d->value & 0xff;
		break;
	case F_VERSION:
		s->version = (uint8_t)d->value;
		break;
	case F_IHL:
		s->ihl = (uint8_t)d->value;
		break;
	case F_TOT:
		s->tot_adj = (int)d->value;
		break;
	case F_FRAG:
		s->frag = (uint16_t)d->value;
		break;
	case F_PROTO:
		s->proto = (uint8_t)d->value;
		break;
	case F_SRC:
		s->src = (uint32_t)d->value;
		break;
	case F_DST:
		s->dst = (uint32_t)d->value;
		break;
	case F_UDPLEN:
		s->udplen_adj = (int)d->value;
		break;
	case F_DPORT:
		s->dport = (uint16_t)d->value;
		break;
	case F_CSUM:
		s->csum = (enum csum_mode)d->value;
		break;
	case F_LEN:
	case F_IPCSUM:
		break;
	}
}

START_TEST(test_defect)
{
	const struct defect	*d = &defects[_i];
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	enum frame_err		 got;
	uint8_t			*copy;
	size_t			 len;

	apply(&s, d);
	len = build(&s, buf);
	if (d->field == F_LEN)
		len = (size_t)d->value;
	if (d->field == F_IPCSUM)
		put16(buf + 24, get16(buf + 24) ^ (uint16_t)d->value);
	/* Exactly len bytes on the heap, so ASan sees any overread. */
	ck_assert_ptr_nonnull(copy = malloc(len));
	memcpy(copy, buf, len);
	got = validate(copy, len, 0, &fi);
	free(copy);
	ck_assert_msg(got == d->want, "%s: expected %s, got %s", d->what,
	    frame_err_name(d->want), frame_err_name(got));
}
END_TEST

START_TEST(test_defect_coverage)
{
	int	 e, i;

	/* Every drop reason has at least one row that produces it. */
	for (e = 0; e < FRAME_NERR; e++) {
		for (i = 0; i < NDEFECTS; i++)
			if (defects[i].want == (enum frame_err)e)
				break;
		ck_assert_msg(i < NDEFECTS, "no row for %s", frame_err_name(e));
	}
}
END_TEST

/* Every prefix of a frame with the given IHL fails with the right reason. */
static void
truncate_all(uint8_t ihl)
{
	struct spec	 s = spec_default();
	size_t		 full, len, hlen = (size_t)ihl * 4;
	enum frame_err	 want, got;
	uint8_t		*copy;

	s.ihl = ihl;
	full = build(&s, buf);
	for (len = 0; len <= full; len++) {
		ck_assert_ptr_nonnull(copy = malloc(len ? len : 1));
		memcpy(copy, buf, len);
		if (len < 14)
			want = FRAME_ETH_SHORT;
		else if (len < 14 + 20)
			want = FRAME_IP_SHORT;
		else if (len < 14 + hlen)
			want = FRAME_IP_IHL;
		else if (len < full)
			want = FRAME_IP_LEN;
		else
			want = FRAME_OK;
		got = validate(copy, len, FRAME_F_ACCEPT_PARTIAL, NULL);
		free(copy);
		ck_assert_msg(got == want, "ihl %u len %zu: expected %s, "
		    "got %s", ihl, len, frame_err_name(want),
		    frame_err_name(got));
	}
}

START_TEST(test_truncated)
{
	truncate_all(5);
	truncate_all(6);
	truncate_all(15);
	ck_assert_int_eq(frame_validate(NULL, 0, pva_ports, 1, 0, NULL),
	    FRAME_ETH_SHORT);
}
END_TEST

START_TEST(test_ihl_past_end)
{
	struct spec	 s = spec_default();
	size_t		 len;

	/* IHL 15 (60 bytes) but only 28 bytes of IP. */
	s.paylen = 0;
	len = build(&s, buf);
	buf[14] = 0x4f;
	fix_ip_csum(buf);
	ck_assert_int_eq(validate(buf, len, 0, NULL), FRAME_IP_IHL);
}
END_TEST

START_TEST(test_ip_options)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;
	uint8_t			 ihl;

	for (ihl = 6; ihl <= 15; ihl++) {
		s.ihl = ihl;
		len = build(&s, buf);
		ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
		ck_assert_uint_eq(fi.ip_hlen, (size_t)ihl * 4);
		ck_assert_uint_eq(fi.udp_off, 14 + (size_t)ihl * 4);
		ck_assert_uint_eq(fi.dst_port, PVA_PORT);
		ck_assert_uint_eq(fi.src_port, 36342);
		ck_assert_uint_eq(fi.udp_len, 67);
		ck_assert_uint_eq(fi.len, len);
	}
	/* Option bytes are covered by the header checksum. */
	buf[14 + 25] ^= 0x80;
	ck_assert_int_eq(validate(buf, len, 0, NULL), FRAME_IP_CSUM);
}
END_TEST

START_TEST(test_padding)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;

	s.pad = 10;
	len = build(&s, buf);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	ck_assert_uint_eq(fi.len, len - 10);
	ck_assert_uint_eq(fi.udp_len, 67);
	/* A minimum-size Ethernet frame: 42 bytes + 18 bytes of padding. */
	s.paylen = 0;
	s.pad = 18;
	len = build(&s, buf);
	ck_assert_uint_eq(len, 60);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	ck_assert_uint_eq(fi.len, 42);
	ck_assert_uint_eq(fi.udp_len, 8);
	/* Padding does not enter the UDP checksum. */
	memset(buf + 42, 0x5a, 18);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
}
END_TEST

START_TEST(test_udp_csum)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;

	/* A flipped payload bit, with and without the partial flag. */
	len = build(&s, buf);
	buf[len - 1] ^= 0x04;
	ck_assert_int_eq(validate(buf, len, 0, NULL), FRAME_UDP_CSUM);
	ck_assert_int_eq(validate(buf, len, FRAME_F_ACCEPT_PARTIAL, NULL),
	    FRAME_UDP_CSUM);
	/* A partial checksum passes with the flag, and can be finished. */
	s.csum = CS_PARTIAL;
	len = build(&s, buf);
	ck_assert_int_eq(validate(buf, len, FRAME_F_ACCEPT_PARTIAL, &fi),
	    FRAME_OK);
	ck_assert_int_eq(fi.csum_partial, 1);
	frame_finish_udp_csum(buf, &fi);
	ck_assert_uint_eq(get16(buf + 34 + 6), ref_udp_csum(buf, 67));
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	ck_assert_int_eq(fi.csum_partial, 0);
}
END_TEST

START_TEST(test_csum_notready)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;

	/* The stack left junk in the field: only the flag makes it pass. */
	s.csum = CS_BAD;
	s.ihl = 6;
	len = build(&s, buf);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_UDP_CSUM);
	ck_assert_int_eq(validate(buf, len, FRAME_F_CSUM_NOTREADY, &fi),
	    FRAME_OK);
	frame_finish_udp_csum(buf, &fi);
	ck_assert_uint_eq(get16(buf + 38 + 6), ref_udp_csum(buf, 67));
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	/* The flag does not excuse anything else. */
	buf[14 + 10] ^= 0xff;
	ck_assert_int_eq(validate(buf, len, FRAME_F_CSUM_NOTREADY, &fi),
	    FRAME_IP_CSUM);
}
END_TEST

/*
 * A frame with a wrong UDP checksum fails a full check, passes with flag
 * (which must not read it), and keeps its checksum field as it was.
 */
static void
assert_bad_csum_taken(unsigned int flag)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;
	uint16_t		 field;

	s.csum = CS_BAD;
	len = build(&s, buf);
	field = get16(buf + 34 + 6);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_UDP_CSUM);
	ck_assert_int_eq(validate(buf, len, flag, &fi), FRAME_OK);
	ck_assert_int_eq(fi.csum_partial, 0);
	ck_assert_uint_eq(get16(buf + 34 + 6), field);
}

START_TEST(test_csum_lazy)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;

	/* A wrong checksum is taken as it is, not read, not changed. */
	assert_bad_csum_taken(FRAME_F_CSUM_LAZY);
	/* A flipped payload bit under a good checksum: the same. */
	s.csum = CS_FULL;
	len = build(&s, buf);
	buf[len - 1] ^= 0x04;
	ck_assert_int_eq(validate(buf, len, FRAME_F_CSUM_LAZY, &fi), FRAME_OK);
	/* A partial sum is still found, finished or refused. */
	s.csum = CS_PARTIAL;
	len = build(&s, buf);
	ck_assert_int_eq(validate(buf, len, FRAME_F_CSUM_LAZY, &fi),
	    FRAME_UDP_CSUM);
	ck_assert_int_eq(validate(buf, len,
	    FRAME_F_CSUM_LAZY | FRAME_F_ACCEPT_PARTIAL, &fi), FRAME_OK);
	ck_assert_int_eq(fi.csum_partial, 1);
	frame_finish_udp_csum(buf, &fi);
	ck_assert_uint_eq(get16(buf + 34 + 6), ref_udp_csum(buf, 67));
	/* Finished, it passes a full check. */
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	/* The IPv4 header checksum is still checked. */
	buf[14 + 10] ^= 0xff;
	ck_assert_int_eq(validate(buf, len, FRAME_F_CSUM_LAZY, &fi),
	    FRAME_IP_CSUM);
}
END_TEST

START_TEST(test_csum_valid)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;

	/* Verified before (kernel or a tagged mesh datagram): not read. */
	assert_bad_csum_taken(FRAME_F_CSUM_VALID);
	/* Nor is a partial one taken for partial: it is trusted as is. */
	s.csum = CS_PARTIAL;
	len = build(&s, buf);
	ck_assert_int_eq(validate(buf, len,
	    FRAME_F_CSUM_VALID | FRAME_F_ACCEPT_PARTIAL, &fi), FRAME_OK);
	ck_assert_int_eq(fi.csum_partial, 0);
	/* A good checksum passes with or without it. */
	s.csum = CS_FULL;
	len = build(&s, buf);
	ck_assert_int_eq(validate(buf, len, FRAME_F_CSUM_VALID, &fi),
	    FRAME_OK);
	/* The IPv4 header checksum is still checked, and the rest. */
	buf[14 + 10] ^= 0xff;
	ck_assert_int_eq(validate(buf, len, FRAME_F_CSUM_VALID, &fi),
	    FRAME_IP_CSUM);
	buf[14 + 10] ^= 0xff;
	buf[0] = 0x02;
	ck_assert_int_eq(validate(buf, len, FRAME_F_CSUM_VALID, &fi),
	    FRAME_ETH_DST);
}
END_TEST

START_TEST(test_ports)
{
	static const uint16_t	 two[] = { 5064, PVA_PORT };
	struct spec		 s = spec_default();
	size_t			 len;

	s.dport = 5064;
	len = build(&s, buf);
	ck_assert_int_eq(frame_validate(buf, len, two, 2, 0, NULL), FRAME_OK);
	s.dport = PVA_PORT;
	len = build(&s, buf);
	ck_assert_int_eq(frame_validate(buf, len, two, 2, 0, NULL), FRAME_OK);
	ck_assert_int_eq(frame_validate(buf, len, two, 1, 0, NULL),
	    FRAME_UDP_PORT);
	ck_assert_int_eq(frame_validate(buf, len, two, 0, 0, NULL),
	    FRAME_UDP_PORT);
	ck_assert_int_eq(frame_validate(buf, len, NULL, 3, 0, NULL),
	    FRAME_UDP_PORT);
	/* The source port is not what is checked. */
	s.sport = PVA_PORT;
	s.dport = 40000;
	len = build(&s, buf);
	ck_assert_int_eq(validate(buf, len, 0, NULL), FRAME_UDP_PORT);
}
END_TEST

START_TEST(test_is_broadcast)
{
	static const struct {
		uint32_t	 addr;
		int		 bcast;
	} t[] = {
		{ A(255, 255, 255, 255), 1 }, { A(198, 18, 1, 255), 1 },
		{ A(198, 18, 1, 3), 1 }, { A(10, 255, 255, 255), 1 },
		{ A(198, 18, 1, 254), 0 }, { A(198, 18, 1, 1), 0 },
		{ A(198, 18, 1, 2), 0 }, { A(0, 0, 0, 255), 0 },
		{ A(127, 0, 0, 255), 0 }, { A(224, 0, 0, 255), 0 },
		{ A(239, 255, 255, 255), 0 }, { A(240, 0, 0, 255), 0 },
		{ A(255, 255, 255, 254), 0 }, { 0, 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(frame_is_broadcast(htonl(t[i].addr)) ==
		    t[i].bcast, "%08x", t[i].addr);
}
END_TEST

START_TEST(test_sizes)
{
	struct spec		 s = spec_default();
	struct frame_info	 fi;
	size_t			 len;

	/* A full-MTU frame: 1472 bytes of payload, 1514 bytes in all. */
	s.paylen = 1472;
	len = build(&s, buf);
	ck_assert_uint_eq(len, 1514);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	ck_assert_uint_eq(fi.len, 1514);
	ck_assert_uint_eq(fi.udp_len, 1480);
	/* FRAME_MAX exactly is fine, one more is not. */
	s.paylen = FRAME_MAX - 14 - 20 - 8;
	len = build(&s, buf);
	ck_assert_uint_eq(len, FRAME_MAX);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	s.paylen++;
	len = build(&s, buf);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_TOO_BIG);
}
END_TEST

START_TEST(test_golden)
{
	struct frame_info	 fi;
	size_t			 len;

	len = golden(buf);
	ck_assert_uint_eq(len, 101);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_UDP_CSUM);
	ck_assert_int_eq(validate(buf, len, FRAME_F_ACCEPT_PARTIAL, &fi),
	    FRAME_OK);
	ck_assert_int_eq(fi.csum_partial, 1);
	ck_assert_uint_eq(fi.src_ip, htonl(A(198, 18, 1, 10)));
	ck_assert_uint_eq(fi.dst_ip, 0xffffffff);
	ck_assert_uint_eq(fi.src_port, 36342);
	ck_assert_uint_eq(fi.dst_port, PVA_PORT);
	ck_assert_uint_eq(fi.udp_len, 67);
	ck_assert_uint_eq(get16(buf + 34 + 6), 0xc770);
	frame_finish_udp_csum(buf, &fi);
	ck_assert_uint_eq(get16(buf + 34 + 6), 0x9d91);
	ck_assert_int_eq(validate(buf, len, 0, &fi), FRAME_OK);
	ck_assert_int_eq(fi.csum_partial, 0);
	/* The IP header was untouched. */
	ck_assert_uint_eq(get16(buf + 14 + 10), 0x93f6);
}
END_TEST

/* Directed broadcasts of other subnets become this one. */
#define LOCAL_BCAST	A(198, 18, 2, 255)

/* Validate, rewrite for the local segment and check every byte. */
static void
rewrite_check(uint8_t *f, size_t len, int want)
{
	struct frame_info	 fi;
	uint8_t			 orig[BUFSZ];
	uint16_t		 ucsum;
	size_t			 i, u;

	memcpy(orig, f, len);
	ck_assert_int_eq(validate(f, len, FRAME_F_ACCEPT_PARTIAL, &fi),
	    FRAME_OK);
	u = fi.udp_off;
	ucsum = get16(f + u + 6);
	ck_assert_int_eq(frame_rewrite(f, &fi, own_mac, htonl(LOCAL_BCAST)),
	    want);
	ck_assert_int_eq(fi.csum_partial, 0);
	ck_assert_mem_eq(f, "\xff\xff\xff\xff\xff\xff", 6);
	ck_assert_mem_eq(f + 6, own_mac, 6);
	ck_assert_uint_eq(get32(f + 30), want ? LOCAL_BCAST : get32(orig + 30));
	/* Both checksums equal a full recompute; "none" (0) stays 0. */
	ck_assert_uint_eq(get16(f + 24), ref_ip_csum(f));
	ck_assert_uint_eq(get16(f + u + 6),
	    ucsum == 0 ? 0 : ref_udp_csum(f, fi.udp_len));
	ck_assert_int_eq(validate(f, len, 0, &fi), FRAME_OK);
	/* TTL, ID, source, options, ports, lengths, payload, padding stay. */
	for (i = 12; i < len; i++) {
		if (i == 24 || i == 25 || (i >= 30 && i < 34) ||
		    i == u + 6 || i == u + 7)
			continue;
		ck_assert_msg(f[i] == orig[i], "byte %zu changed", i);
	}
}

START_TEST(test_rewrite)
{
	static const struct {
		uint8_t		 ihl;
		uint32_t	 dst;
		enum csum_mode	 csum;
		size_t		 pad;
		int		 want;
	} t[] = {
		{ 5, A(198, 18, 1, 255), CS_FULL, 0, 1 },
		{ 10, A(198, 18, 1, 255), CS_FULL, 0, 1 },
		{ 15, A(198, 18, 1, 255), CS_FULL, 0, 1 },
		{ 5, A(198, 19, 255, 255), CS_FULL, 4, 1 },
		{ 5, A(255, 255, 255, 255), CS_FULL, 0, 0 },
		{ 5, LOCAL_BCAST, CS_FULL, 0, 0 },
		{ 5, A(198, 18, 1, 255), CS_NONE, 0, 1 },
		{ 6, A(198, 18, 1, 255), CS_PARTIAL, 0, 1 },
		{ 5, A(255, 255, 255, 255), CS_PARTIAL, 0, 0 },
	};
	struct spec	 s;
	size_t		 i, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = spec_default();
		s.ihl = t[i].ihl;
		s.dst = t[i].dst;
		s.csum = t[i].csum;
		s.pad = t[i].pad;
		len = build(&s, buf);
		rewrite_check(buf, len, t[i].want);
		ck_assert_uint_eq(buf[22], 64);		/* TTL */
	}
	/* The golden frame: destination kept, partial checksum finished. */
	len = golden(buf);
	rewrite_check(buf, len, 0);
	ck_assert_uint_eq(get16(buf + 34 + 6), 0x9d91);
}
END_TEST

START_TEST(test_rewrite_computed_zero)
{
	struct spec	 s = spec_default();
	size_t		 len;

	/* Pick the last payload word so the checksum for LOCAL_BCAST is 0. */
	s.paylen = 60;
	s.dst = LOCAL_BCAST;
	len = build(&s, buf);
	put16(buf + len - 2, 0);
	put16(buf + len - 2, ref_udp_csum(buf, 68));
	ck_assert_uint_eq(ref_udp_csum(buf, 68), 0xffff);
	/* Now send it to 198.18.1.255, with right checksums. */
	put32(buf + 30, A(198, 18, 1, 255));
	fix_ip_csum(buf);
	put16(buf + 34 + 6, ref_udp_csum(buf, 68));
	ck_assert_uint_ne(get16(buf + 34 + 6), 0xffff);
	rewrite_check(buf, len, 1);
	ck_assert_uint_eq(get16(buf + 34 + 6), 0xffff);
}
END_TEST

START_TEST(test_rewrite_random)
{
	struct spec	 s;
	uint64_t	 x = 0x5eedf4a3e5ULL;
	uint32_t	 r;
	size_t		 len;
	int		 i;

	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r = (uint32_t)(x >> 16);
		s = spec_default();
		s.ihl = 5 + r % 11;
		s.paylen = (r >> 4) % 300;
		s.id = (uint16_t)(r >> 8);
		s.src = A(198, 18, (r >> 3) & 0xff, 1 + ((r >> 11) & 0x7f));
		s.dst = A(198, 18, (r >> 19) & 0xff, 255);
		s.csum = (r >> 28) % 4 == 0 ? CS_NONE : CS_FULL;
		len = build(&s, buf);
		rewrite_check(buf, len, s.dst != LOCAL_BCAST);
	}
}
END_TEST

/* Flip every bit of f; each result is an error or survives a rewrite. */
static long
flip_all(const uint8_t *f, size_t len)
{
	struct frame_info	 fi;
	uint8_t			*m;
	size_t			 bit;
	long			 n_ok = 0;

	for (bit = 0; bit < len * 8; bit++) {
		/* Exactly len bytes on the heap: ASan flags any overread. */
		ck_assert_ptr_nonnull(m = malloc(len));
		memcpy(m, f, len);
		m[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		if (validate(m, len, FRAME_F_ACCEPT_PARTIAL, &fi) == FRAME_OK) {
			n_ok++;
			rewrite_check(m, len, fi.dst_ip != 0xffffffff &&
			    fi.dst_ip != htonl(LOCAL_BCAST));
		}
		free(m);
	}
	return n_ok;
}

START_TEST(test_mutation)
{
	struct spec	 s;
	uint8_t		 f[BUFSZ];
	long		 n;

	/* Partial checksum: payload flips pass (finished on rewrite). */
	n = flip_all(f, golden(f));
	ck_assert_int_ge(n, 48 + 59 * 8);
	/* Options: only source MAC flips pass. */
	s = spec_default();
	s.ihl = 6;
	n = flip_all(f, build(&s, f));
	ck_assert_int_eq(n, 48);
	/* No UDP checksum and padding: payload and padding flips pass too. */
	s = spec_default();
	s.csum = CS_NONE;
	s.paylen = 4;
	s.pad = 14;
	n = flip_all(f, build(&s, f));
	ck_assert_int_ge(n, 48 + (4 + 14) * 8);
}
END_TEST

static Suite *
frame_suite(void)
{
	Suite	*s = suite_create("frame");
	TCase	*tv = tcase_create("validate");
	TCase	*tr = tcase_create("rewrite");

	tcase_add_test(tv, test_valid);
	tcase_add_test(tv, test_err_names);
	tcase_add_loop_test(tv, test_defect, 0, NDEFECTS);
	tcase_add_test(tv, test_defect_coverage);
	tcase_add_test(tv, test_truncated);
	tcase_add_test(tv, test_ihl_past_end);
	tcase_add_test(tv, test_ip_options);
	tcase_add_test(tv, test_padding);
	tcase_add_test(tv, test_udp_csum);
	tcase_add_test(tv, test_csum_notready);
	tcase_add_test(tv, test_csum_lazy);
	tcase_add_test(tv, test_csum_valid);
	tcase_add_test(tv, test_ports);
	tcase_add_test(tv, test_is_broadcast);
	tcase_add_test(tv, test_sizes);
	tcase_add_test(tv, test_golden);
	suite_add_tcase(s, tv);
	tcase_set_timeout(tr, 60);
	tcase_add_test(tr, test_rewrite);
	tcase_add_test(tr, test_rewrite_computed_zero);
	tcase_add_test(tr, test_rewrite_random);
	tcase_add_test(tr, test_mutation);
	suite_add_tcase(s, tr);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(frame_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
