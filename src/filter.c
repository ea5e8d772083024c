/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Classic BPF programs the helper attaches: the capture filter for the
 * AF_PACKET sockets (IPv4 UDP broadcasts to the relayed ports,
 * unfragmented, passed whole) and the peer source filter for the mesh
 * socket. Pure: fills an array.
 */

#include <arpa/inet.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#include "filter.h"

/* Offsets from the start of the Ethernet frame (SOCK_RAW). */
#define OFF_ETH_TYPE	12
#define OFF_IP		14
#define OFF_IP_FRAG	(OFF_IP + 6)
#define OFF_IP_PROTO	(OFF_IP + 9)
#define OFF_UDP_DPORT	2		/* from the UDP header */
#define OFF_IP_SRC	12		/* from the IPv4 header */

/* Fixed instructions before the port comparisons. */
#define PROLOGUE	12
/* Return value meaning "the whole frame": the kernel caps it at skb->len. */
#define ACCEPT_ALL	0xffffffffU

/* Jump offset from insn i to insn t (a later one), relative to i + 1. */
static __u8
jmp(size_t i, size_t t)
{
	return (__u8)(t - i - 1);
}

/* One non-jump instruction. */
static struct sock_filter
stmt(__u16 code, __u32 k)
{
	struct sock_filter	 f = BPF_STMT(code, k);

	return f;
}

/* One conditional jump. */
static struct sock_filter
jump(__u16 code, __u32 k, __u8 jt, __u8 jf)
{
	struct sock_filter	 f = BPF_JUMP(code, k, jt, jf);

	return f;
}

/* Build the capture filter; returns the instruction count or -1 (EINVAL). */
int
filter_capture(struct sock_filter *prog, size_t max, const uint16_t *ports,
    size_t nports)
{
	size_t	 n, acc, rej, i, k;

	/*
	 * Bounding nports also keeps every jump offset (8 bits) and the
	 * count below from overflowing.
	 */
	if (prog == NULL || ports == NULL || nports == 0 ||
	    nports > FILTER_MAX_INSNS) {
		errno = EINVAL;
		return -1;
	}
	n = PROLOGUE + nports + 2;
	if (n > max) {
		errno = EINVAL;
		return -1;
	}
	acc = n - 2;
	rej = n - 1;
	i = 0;
	/* EtherType IPv4. */
	prog[i++] = stmt(BPF_LD | BPF_H | BPF_ABS, OFF_ETH_TYPE);
	prog[i] = jump(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, jmp(i, rej));
	i++;
	/* Destination MAC ff:ff:ff:ff:ff:ff: bytes 0-3, then 4-5. */
	prog[i++] = stmt(BPF_LD | BPF_W | BPF_ABS, 0);
	prog[i] = jump(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, jmp(i, rej));
	i++;
	prog[i++] = stmt(BPF_LD | BPF_H | BPF_ABS, 4);
	prog[i] = jump(BPF_JMP | BPF_JEQ | BPF_K, 0xffff, 0, jmp(i, rej));
	i++;
	/* Protocol UDP. */
	prog[i++] = stmt(BPF_LD | BPF_B | BPF_ABS, OFF_IP_PROTO);
	prog[i] = jump(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, jmp(i, rej));
	i++;
	/* Not a fragment: MF clear and offset 0 (no UDP header otherwise). */
	prog[i++] = stmt(BPF_LD | BPF_H | BPF_ABS, OFF_IP_FRAG);
	prog[i] = jump(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, jmp(i, rej), 0);
	i++;
	/* X := IHL * 4, so IP options are handled; then the UDP dport. */
	prog[i++] = stmt(BPF_LDX | BPF_B | BPF_MSH, OFF_IP);
	prog[i++] = stmt(BPF_LD | BPF_H | BPF_IND, OFF_IP + OFF_UDP_DPORT);
	/* One comparison per port; a miss on the last one goes to reject. */
	for (k = 0; k < nports; k++, i++)
		prog[i] = jump(BPF_JMP | BPF_JEQ | BPF_K, ports[k], jmp(i, acc),
		    k + 1 < nports ? 0 : jmp(i, rej));
	prog[i++] = stmt(BPF_RET | BPF_K, ACCEPT_ALL);
	prog[i++] = stmt(BPF_RET | BPF_K, 0);
	return (int)i;
}

/*
 * Source filter for the mesh UDP socket. On a UDP socket the program sees
 * the datagram from its UDP header on; SKF_NET_OFF reaches back to the
 * IPv4 header. A BPF load is big-endian, so each address (network order)
 * is compared as ntohl() of it. Returns the instruction count or -1.
 */
int
filter_mesh_sources(struct sock_filter *prog, size_t max,
    const uint32_t *addrs, size_t naddrs)
{
	size_t	 n, acc, rej, i, k;

	if (prog == NULL || (addrs == NULL && naddrs > 0) ||
	    naddrs > FILTER_MAX_INSNS) {
		errno = EINVAL;
		return -1;
	}
	/* No peers: one instruction that drops everything. */
	n = naddrs == 0 ? 1 : 1 + naddrs + 2;
	if (n > max) {
		errno = EINVAL;
		return -1;
	}
	if (naddrs == 0) {
		prog[0] = stmt(BPF_RET | BPF_K, 0);
		return 1;
	}
	acc = n - 2;
	rej = n - 1;
	i = 0;
	prog[i++] = stmt(BPF_LD | BPF_W | BPF_ABS,
	    (__u32)(SKF_NET_OFF + OFF_IP_SRC));
	for (k = 0; k < naddrs; k++, i++)
		prog[i] = jump(BPF_JMP | BPF_JEQ | BPF_K, ntohl(addrs[k]),
		    jmp(i, acc), k + 1 < naddrs ? 0 : jmp(i, rej));
	prog[i++] = stmt(BPF_RET | BPF_K, ACCEPT_ALL);
	prog[i++] = stmt(BPF_RET | BPF_K, 0);
	return (int)i;
}
