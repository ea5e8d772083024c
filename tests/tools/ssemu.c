/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Test tool: a minimal relay speaking SnowSignal's "SS" mesh format,
 * written from the documented wire format only: broadcasts captured on
 * its interface go to its peers; frames from the mesh are re-emitted.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "toolutil.h"

#define SS_MAGIC_LEN	2
#define ETH_LEN		14
#define IP_MIN		20
#define UDP_LEN		8
#define BUF_MAX		65536
#define PEERS_MAX	16

struct emu {
	const char		*ifname;
	int			 ifindex;
	uint8_t			 mac[6];
	struct in_addr		 ifaddr;
	uint16_t		 bport, meshport;
	struct sockaddr_in	 peers[PEERS_MAX];
	size_t			 npeers;
	unsigned long		 maxsecs;
	int			 verbose;
	int			 pkt;		/* AF_PACKET, ETH_P_ALL */
	int			 mesh;		/* UDP, bound to ifaddr:meshport */
	int			 out;		/* UDP, ephemeral: mesh sends */
	/* Counts. */
	unsigned long		 captured, mesh_tx, mesh_tx_errors;
	unsigned long		 mesh_rx, mesh_bad, emitted, emit_errors;
};

static void
usage(void)
{
	fprintf(stderr, "usage: ssemu [-v] [-b bcast-port] [-i ifname] "
	    "[-m mesh-port] [-T max-seconds] peer ...\n");
	exit(2);
}

static void
die(const char *what)
{
	fprintf(stderr, "ssemu: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Look up the interface's index, MAC and first IPv4 address. */
static void
iface_info(struct emu *e)
{
	struct ifreq	 ifr;
	int		 s;

	if ((e->ifindex = (int)if_nametoindex(e->ifname)) == 0)
		die(e->ifname);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", e->ifname);
	if (ioctl(s, SIOCGIFHWADDR, &ifr) == -1)
		die("SIOCGIFHWADDR");
	memcpy(e->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(s, SIOCGIFADDR, &ifr) == -1)
		die("SIOCGIFADDR (the interface needs an IPv4 address)");
	e->ifaddr = ((struct sockaddr_in *)(void *)&ifr.ifr_addr)->sin_addr;
	close(s);
}

/* Open the capture, mesh and sending sockets. */
static void
open_sockets(struct emu *e)
{
	struct sockaddr_ll	 sll;
	struct sockaddr_in	 sin;

	if ((e->pkt = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL))) == -1)
		die("socket(AF_PACKET)");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = e->ifindex;
	if (bind(e->pkt, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		die("bind(AF_PACKET)");
	/* Like SnowSignal: listen on the interface's address, not 0.0.0.0. */
	if ((e->mesh = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		die("socket(mesh)");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = e->ifaddr;
	sin.sin_port = htons(e->meshport);
	if (bind(e->mesh, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("bind(mesh)");
	if ((e->out = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		die("socket(out)");
}

/*
 * The userspace capture filter: an incoming (not outgoing) IPv4 UDP
 * datagram to bport, broadcast destination MAC, not from our own MAC,
 * not a fragment. 1 if the frame is to be relayed.
 */
static int
wanted(const struct emu *e, const uint8_t *f, size_t len, int pkttype)
{
	static const uint8_t	 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t			 ihl;

	if (pkttype == PACKET_OUTGOING || len < ETH_LEN + IP_MIN + UDP_LEN)
		return 0;
	if (memcmp(f, bcast, 6) != 0 || memcmp(f + 6, e->mac, 6) == 0)
		return 0;
	if (tool_get16(f + 12) != 0x0800 || (f[ETH_LEN] >> 4) != 4 ||
	    f[ETH_LEN + 9] != 17)
		return 0;
	if ((tool_get16(f + ETH_LEN + 6) & 0x3fff) != 0)
		return 0;
	ihl = (size_t)(f[ETH_LEN] & 0x0f) * 4;
	if (ihl < IP_MIN || len < ETH_LEN + ihl + UDP_LEN)
		return 0;
	return tool_get16(f + ETH_LEN + ihl + 2) == e->bport;
}

/* Read one captured frame; relay it to every peer if it is wanted. */
static void
capture_one(struct emu *e)
{
	static uint8_t		 d[SS_MAGIC_LEN + BUF_MAX];
	struct sockaddr_ll	 from;
	socklen_t		 fl = sizeof(from);
	ssize_t			 r;
	size_t			 i;

	r = recvfrom(e->pkt, d + SS_MAGIC_LEN, BUF_MAX, MSG_DONTWAIT | MSG_TRUNC,
	    (struct sockaddr *)&from, &fl);
	if (r < 0 || r > BUF_MAX)
		return;
	if (!wanted(e, d + SS_MAGIC_LEN, (size_t)r, from.sll_pkttype))
		return;
	e->captured++;
	memcpy(d, "SS", SS_MAGIC_LEN);
	for (i = 0; i < e->npeers; i++) {
		if (sendto(e->out, d, SS_MAGIC_LEN + (size_t)r, 0,
		    (struct sockaddr *)&e->peers[i], sizeof(e->peers[i])) == -1)
			e->mesh_tx_errors++;
		else
			e->mesh_tx++;
	}
	if (e->verbose)
		printf("captured %zd bytes, sent to %zu peers\n", r, e->npeers);
}

/* Make the UDP checksum of an IPv4 packet right (0.1.1 recomputes it). */
static void
udp_csum(uint8_t *ip, size_t len)
{
	size_t		 ihl = (size_t)(ip[0] & 0x0f) * 4, ulen;
	uint32_t	 sum;
	uint16_t	 c;

	ulen = tool_get16(ip + ihl + 4);
	if (ulen < UDP_LEN || ihl + ulen > len)
		return;
	tool_put16(ip + ihl + 6, 0);
	sum = tool_sum16(ip + 12, 8, 0) + 17 + (uint32_t)ulen;
	c = (uint16_t)~tool_fold(tool_sum16(ip + ihl, ulen, sum));
	tool_put16(ip + ihl + 6, c == 0 ? 0xffff : c);
}

/* Receive one mesh datagram and re-emit its frame on the interface. */
static void
mesh_one(struct emu *e)
{
	static uint8_t		 d[BUF_MAX];
	struct sockaddr_ll	 to;
	uint8_t			*f = d + SS_MAGIC_LEN;
	ssize_t			 r;
	size_t			 len, ihl;

	r = recv(e->mesh, d, sizeof(d), MSG_DONTWAIT | MSG_TRUNC);
	if (r < 0)
		return;
	if (r > (ssize_t)sizeof(d) || r < SS_MAGIC_LEN + ETH_LEN + IP_MIN + UDP_LEN ||
	    memcmp(d, "SS", SS_MAGIC_LEN) != 0 || tool_get16(f + 12) != 0x0800 ||
	    (f[ETH_LEN] >> 4) != 4 || f[ETH_LEN + 9] != 17) {
		e->mesh_bad++;
		return;
	}
	len = (size_t)r - SS_MAGIC_LEN;
	ihl = (size_t)(f[ETH_LEN] & 0x0f) * 4;
	if (ihl < IP_MIN || len < ETH_LEN + ihl + UDP_LEN) {
		e->mesh_bad++;
		return;
	}
	e->mesh_rx++;
	memset(f, 0xff, 6);
	memcpy(f + 6, e->mac, 6);
	udp_csum(f + ETH_LEN, len - ETH_LEN);
	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_ifindex = e->ifindex;
	to.sll_halen = 6;
	memset(to.sll_addr, 0xff, 6);
	if (sendto(e->pkt, f, len, 0, (struct sockaddr *)&to, sizeof(to)) == -1)
		e->emit_errors++;
	else
		e->emitted++;
	if (e->verbose)
		printf("mesh %zd bytes, emitted\n", r);
}

/* Parse the command line into e, or exit 2 with a message. */
static void
parse_args(int argc, char *argv[], struct emu *e)
{
	int	 ch, i;

	memset(e, 0, sizeof(*e));
	e->ifname = "eth0";
	e->bport = 5076;
	e->meshport = 7124;
	e->maxsecs = 30;
	while ((ch = getopt(argc, argv, "b:i:m:T:v")) != -1) {
		switch (ch) {
		case 'b':
			e->bport = (uint16_t)tool_number(optarg, 1, 65535, "-b");
			break;
		case 'i':
			e->ifname = optarg;
			break;
		case 'm':
			e->meshport = (uint16_t)tool_number(optarg, 1, 65535, "-m");
			break;
		case 'T':
			e->maxsecs = tool_number(optarg, 1, 3600, "-T");
			break;
		case 'v':
			e->verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > PEERS_MAX)
		usage();
	for (i = 0; i < argc; i++) {
		e->peers[i].sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[i], &e->peers[i].sin_addr) != 1) {
			fprintf(stderr, "ssemu: %s: not an IPv4 address\n", argv[i]);
			exit(2);
		}
	}
	e->npeers = (size_t)argc;
}

int
main(int argc, char *argv[])
{
	struct pollfd	 pfd[2];
	struct emu	 e;
	char		 a[INET_ADDRSTRLEN];
	uint64_t	 deadline, t;
	size_t		 i;

	parse_args(argc, argv, &e);
	for (i = 0; i < e.npeers; i++)
		e.peers[i].sin_port = htons(e.meshport);
	signal(SIGTERM, tool_stop_cb);
	signal(SIGINT, tool_stop_cb);
	setvbuf(stdout, NULL, _IOLBF, 0);
	iface_info(&e);
	open_sockets(&e);
	inet_ntop(AF_INET, &e.ifaddr, a, sizeof(a));
	printf("listening on %s:%u (%s), relaying port %u to %zu peers\n", a,
	    e.meshport, e.ifname, e.bport, e.npeers);
	pfd[0].fd = e.pkt;
	pfd[1].fd = e.mesh;
	pfd[0].events = pfd[1].events = POLLIN;
	deadline = tool_now_ns() + e.maxsecs * 1000000000ULL;
	while (!tool_stop && (t = tool_now_ns()) < deadline) {
		if (poll(pfd, 2, (int)((deadline - t) / 1000000ULL) + 1) <= 0)
			continue;
		if (pfd[0].revents & POLLIN)
			capture_one(&e);
		if (pfd[1].revents & POLLIN)
			mesh_one(&e);
	}
	printf("captured %lu mesh_tx %lu mesh_tx_errors %lu mesh_rx %lu "
	    "mesh_bad %lu emitted %lu emit_errors %lu\n", e.captured, e.mesh_tx,
	    e.mesh_tx_errors, e.mesh_rx, e.mesh_bad, e.emitted, e.emit_errors);
	return 0;
}
