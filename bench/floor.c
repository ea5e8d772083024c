/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The floor forwarder: the least a relay pair can do, as the benchmark's
 * yardstick. "capture" sends each broadcast frame to the mesh as "SS"+frame;
 * "emit" puts mesh frames back on a segment. Batched, blocking, no checks.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <getopt.h>
#include <stdio.h>

#include "common.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

struct floor_stats {
	unsigned long long	 packets;	/* frames forwarded */
	unsigned long long	 batches;	/* receive calls with data */
	unsigned long long	 short_dgrams;	/* emit: < SS + eth header */
	unsigned long long	 send_errors;
};

static uint8_t		 bufs[BENCH_BATCH][BENCH_BUF];
static struct mmsghdr	 rmsgs[BENCH_BATCH], smsgs[BENCH_BATCH];
static struct iovec	 riov[BENCH_BATCH], siov[BENCH_BATCH][2];

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: floor capture -i IF -p PORT -t DSTIP:DPORT [-T SECONDS]\n"
	    "       floor emit -l PORT -i IF [-T SECONDS]\n");
	exit(2);
}

/* Classic BPF: IPv4, Ethernet broadcast, UDP, first fragment, dst port. */
static void
attach_filter(int fd, uint16_t port)
{
	struct sock_filter	 code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IP, 0, 12),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 10),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffff, 0, 8),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x40000),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog	 prog = {
		sizeof(code) / sizeof(code[0]), code
	};

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1)
		err(1, "SO_ATTACH_FILTER");
}

/* Socket options every floor socket gets: big buffers, a receive timeout. */
static void
sock_common(int fd, int rcvbuf)
{
	struct timeval	 tv = { 0, BENCH_TIMEOUT_MS * 1000 };
	int		 sz = BENCH_SOCKBUF;

	if (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
	    sizeof(sz)) == -1)
		err(1, "SO_RCVBUFFORCE");
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		err(1, "SO_SNDBUFFORCE");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		err(1, "SO_RCVTIMEO");
}

/* The interface's index, or exit naming it. */
static int
ifindex_of(const char *ifname)
{
	int	 idx;

	if ((idx = if_nametoindex(ifname)) == 0)
		err(1, "interface %s", ifname);
	return idx;
}

/* Point every receive message at its buffer; done once. */
static void
recv_init(void)
{
	int	 i;

	for (i = 0; i < BENCH_BATCH; i++) {
		riov[i].iov_base = bufs[i];
		riov[i].iov_len = BENCH_BUF;
		rmsgs[i].msg_hdr.msg_iov = &riov[i];
		rmsgs[i].msg_hdr.msg_iovlen = 1;
	}
}

/* Receive up to a batch; 0 on timeout or stop. */
static int
recv_batch(int fd)
{
	int	 n;

	n = recvmmsg(fd, rmsgs, BENCH_BATCH, MSG_WAITFORONE, NULL);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		err(1, "recvmmsg");
	}
	return n;
}

/* Send n prepared messages; a failing message is counted and skipped. */
static void
send_batch(int fd, int n, struct floor_stats *st)
{
	int	 off = 0, r;

	while (off < n) {
		r = sendmmsg(fd, smsgs + off, n - off, 0);
		if (r == -1) {
			if (errno == EINTR && !bench_quit)
				continue;
			st->send_errors++;
			r = 1;
		} else
			st->packets += r;
		off += r;
	}
}

/* Parse "DSTIP:DPORT" into sin or exit naming the option. */
static void
parse_target(const char *target, struct sockaddr_in *sin)
{
	char	 host[64], *colon;

	if (strlen(target) >= sizeof(host) ||
	    (colon = strchr(strcpy(host, target), ':')) == NULL)
		errx(2, "-t: \"%s\": expected DSTIP:DPORT", target);
	*colon = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(bench_num("-t port", colon + 1, 1, 65535));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		errx(2, "-t: \"%s\": not an IPv4 address", host);
}

/* The capture socket: filter first (protocol 0 queues nothing), then bind. */
static int
open_capture(const char *ifname, uint16_t port)
{
	struct sockaddr_ll	 sll;
	int			 fd, one = 1;

	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1)
		err(1, "socket AF_PACKET");
	attach_filter(fd, port);
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1)
		err(1, "PACKET_IGNORE_OUTGOING");
	sock_common(fd, 1);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = ifindex_of(ifname);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		err(1, "bind %s", ifname);
	return fd;
}

/* AF_PACKET capture of broadcasts -> "SS"+frame on a connected UDP socket. */
static void
floor_capture(const char *ifname, uint16_t port, const char *target,
    struct floor_stats *st)
{
	static const uint8_t	 ss[2] = { 'S', 'S' };
	struct sockaddr_in	 sin;
	struct tpacket_stats	 tps;
	socklen_t		 tl = sizeof(tps);
	int			 pfd, ufd, i, n;

	parse_target(target, &sin);
	pfd = open_capture(ifname, port);
	if ((ufd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket UDP");
	sock_common(ufd, 0);
	if (connect(ufd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "connect %s", target);

	for (i = 0; i < BENCH_BATCH; i++) {
		siov[i][0].iov_base = (void *)ss;
		siov[i][0].iov_len = sizeof(ss);
		siov[i][1].iov_base = bufs[i];
		smsgs[i].msg_hdr.msg_iov = siov[i];
		smsgs[i].msg_hdr.msg_iovlen = 2;
	}
	while (!bench_quit) {
		if ((n = recv_batch(pfd)) == 0)
			continue;
		st->batches++;
		for (i = 0; i < n; i++)
			siov[i][1].iov_len = rmsgs[i].msg_len;
		send_batch(ufd, n, st);
	}
	if (getsockopt(pfd, SOL_PACKET, PACKET_STATISTICS, &tps, &tl) == -1)
		tps.tp_drops = 0;
	printf("floor mode=capture packets=%llu batches=%llu send_errors=%llu "
	    "drops=%u\n", st->packets, st->batches, st->send_errors,
	    tps.tp_drops);
}

/*
 * The emit socket: bound with protocol 0, so it only sends. Fills dst with
 * the address every frame goes to and mac with the interface's own.
 */
static int
open_emit(const char *ifname, struct sockaddr_ll *dst, uint8_t *mac)
{
	struct ifreq	 ifr;
	int		 fd, one = 1;

	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1)
		err(1, "socket AF_PACKET");
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one)) == -1)
		err(1, "PACKET_QDISC_BYPASS");
	sock_common(fd, 0);
	memset(dst, 0, sizeof(*dst));
	dst->sll_family = AF_PACKET;
	dst->sll_ifindex = ifindex_of(ifname);
	if (bind(fd, (struct sockaddr *)dst, sizeof(*dst)) == -1)
		err(1, "bind %s", ifname);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		err(1, "SIOCGIFHWADDR %s", ifname);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	dst->sll_protocol = htons(ETH_P_IP);
	dst->sll_halen = ETH_ALEN;
	memset(dst->sll_addr, 0xff, ETH_ALEN);
	return fd;
}

/* Mesh UDP -> strip "SS", own source MAC -> AF_PACKET sendmmsg. */
static void
floor_emit(const char *ifname, uint16_t port, struct floor_stats *st)
{
	struct sockaddr_ll	 sll;
	struct sockaddr_in	 sin;
	uint8_t			 mac[ETH_ALEN];
	int			 pfd, ufd, i, n, m;

	if ((ufd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket UDP");
	sock_common(ufd, 1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (bind(ufd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind UDP port %u", port);
	pfd = open_emit(ifname, &sll, mac);

	for (i = 0; i < BENCH_BATCH; i++) {
		smsgs[i].msg_hdr.msg_name = &sll;
		smsgs[i].msg_hdr.msg_namelen = sizeof(sll);
		smsgs[i].msg_hdr.msg_iov = siov[i];
		smsgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (!bench_quit) {
		if ((n = recv_batch(ufd)) == 0)
			continue;
		st->batches++;
		for (i = m = 0; i < n; i++) {
			if (rmsgs[i].msg_len < 2 + ETH_HLEN) {
				st->short_dgrams++;
				continue;
			}
			memcpy(bufs[i] + 2 + ETH_ALEN, mac, ETH_ALEN);
			siov[m][0].iov_base = bufs[i] + 2;
			siov[m][0].iov_len = rmsgs[i].msg_len - 2;
			m++;
		}
		send_batch(pfd, m, st);
	}
	printf("floor mode=emit packets=%llu batches=%llu short=%llu "
	    "send_errors=%llu\n", st->packets, st->batches, st->short_dgrams,
	    st->send_errors);
}

int
main(int argc, char *argv[])
{
	struct floor_stats	 st;
	const char		*mode, *ifname = NULL, *target = NULL;
	uint64_t		 bound = 0;
	long			 port = -1, lport = -1;
	int			 ch;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((ch = getopt(argc, argv, "i:l:p:t:T:")) != -1) {
		switch (ch) {
		case 'i':
			ifname = optarg;
			break;
		case 'l':
			lport = bench_num("-l", optarg, 1, 65535);
			break;
		case 'p':
			port = bench_num("-p", optarg, 1, 65535);
			break;
		case 't':
			target = optarg;
			break;
		case 'T':
			bound = bench_seconds("-T", optarg, BENCH_MAX_SECONDS);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || ifname == NULL)
		usage();
	memset(&st, 0, sizeof(st));
	bench_signals();
	recv_init();
	bench_bound(bound ? bound : BENCH_MAX_SECONDS * 1000000000ULL * 5);
	if (strcmp(mode, "capture") == 0 && port != -1 && target != NULL)
		floor_capture(ifname, port, target, &st);
	else if (strcmp(mode, "emit") == 0 && lport != -1)
		floor_emit(ifname, lport, &st);
	else
		usage();
	/* The runner reads this line: make sure it is out before exit. */
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return 0;
}
