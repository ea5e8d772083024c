/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Opening the sockets the worker may not open: the filtered, locked and
 * bound AF_PACKET socket of each interface, and the mesh UDP socket with
 * its peer-source filter.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "gso.h"
#include "rawsock.h"

#define RAWSOCK_BUF		(4 * 1024 * 1024)	/* socket buffers */
/*
 * The mesh socket's receive buffer: twice a capture socket's, because it
 * takes every peer's traffic, and a peer that catches up after a stall
 * sends a whole capture buffer's worth at once (in UDP GSO runs, faster
 * than this relay's worker drains it).
 */
#define RAWSOCK_MESH_RCVBUF	(2 * RAWSOCK_BUF)
#define RAWSOCK_DRAIN_MAX	4096			/* frames, at most */

static int
rawsock_setint(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val));
}

/*
 * Set a buffer size with the *FORCE option, which ignores net.core.*_max
 * but needs CAP_NET_ADMIN; without it, take what the sysctl allows.
 */
static int
rawsock_bufsize(int fd, int force, int plain, int size)
{
	if (rawsock_setint(fd, SOL_SOCKET, force, size) == 0)
		return 0;
	return rawsock_setint(fd, SOL_SOCKET, plain, size);
}

/*
 * Discard whatever is queued. With protocol 0 the socket receives nothing
 * before bind, and the filter was attached before bind, so this only
 * guards against a kernel that thinks otherwise. Bounded, so a flood of
 * matching frames cannot keep us here.
 */
static void
rawsock_drain(int fd)
{
	char	 c;
	int	 i;

	for (i = 0; i < RAWSOCK_DRAIN_MAX; i++)
		if (recv(fd, &c, sizeof(c), MSG_DONTWAIT | MSG_TRUNC) == -1)
			break;
}

/* First IPv4 address of ifname and its broadcast (255.255.255.255 if none). */
static int
rawsock_ifaddr(const char *ifname, struct msg_conf_slot *slot)
{
	struct ifaddrs		*ifas, *p;
	struct sockaddr_in	*sin;

	slot->addr = 0;
	slot->bcast = htonl(INADDR_BROADCAST);
	if (getifaddrs(&ifas) == -1)
		return -1;
	for (p = ifas; p != NULL; p = p->ifa_next) {
		if (p->ifa_addr == NULL || p->ifa_addr->sa_family != AF_INET ||
		    strcmp(p->ifa_name, ifname) != 0)
			continue;
		sin = (struct sockaddr_in *)(void *)p->ifa_addr;
		slot->addr = sin->sin_addr.s_addr;
		if ((p->ifa_flags & IFF_BROADCAST) &&
		    p->ifa_broadaddr != NULL &&
		    p->ifa_broadaddr->sa_family == AF_INET) {
			sin = (struct sockaddr_in *)(void *)p->ifa_broadaddr;
			slot->bcast = sin->sin_addr.s_addr;
		}
		break;
	}
	freeifaddrs(ifas);
	return 0;
}

/*
 * Fill the slot from the kernel: MAC, MTU, first IPv4 address. Returns 0,
 * or -1 with *what naming the step that failed.
 */
static int
rawsock_ifinfo(int fd, const char *ifname, struct msg_conf_slot *slot,
    const char **what)
{
	struct ifreq	 ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	*what = "SIOCGIFHWADDR";
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		return -1;
	/* The filter reads Ethernet offsets; lo frames have them too. */
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER &&
	    ifr.ifr_hwaddr.sa_family != ARPHRD_LOOPBACK) {
		*what = "not an Ethernet interface";
		errno = EPROTONOSUPPORT;
		return -1;
	}
	memcpy(slot->mac, ifr.ifr_hwaddr.sa_data, sizeof(slot->mac));
	*what = "SIOCGIFMTU";
	if (ioctl(fd, SIOCGIFMTU, &ifr) == -1)
		return -1;
	slot->mtu = (uint32_t)ifr.ifr_mtu;
	*what = "getifaddrs";
	return rawsock_ifaddr(ifname, slot);
}

/* See rawsock.h. */
int
rawsock_lock_filter(int fd, const struct sock_fprog *fprog, const char **what)
{
	*what = "SO_ATTACH_FILTER";
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog,
	    sizeof(*fprog)) == -1)
		return -1;
	/* Nobody, the worker included, can detach or replace it now. */
	*what = "SO_LOCK_FILTER";
	return rawsock_setint(fd, SOL_SOCKET, SO_LOCK_FILTER, 1);
}

/*
 * Everything that must precede bind, in this order. Returns 0, or -1 with
 * *what naming the step that failed.
 */
static int
rawsock_prepare(int fd, const struct sock_fprog *fprog, const char **what)
{
	if (rawsock_lock_filter(fd, fprog, what) == -1)
		return -1;
	/* The worker needs TP_STATUS_CSUMNOTREADY for offloaded checksums. */
	*what = "PACKET_AUXDATA";
	if (rawsock_setint(fd, SOL_PACKET, PACKET_AUXDATA, 1) == -1)
		return -1;
	*what = "SO_RCVBUF";
	if (rawsock_bufsize(fd, SO_RCVBUFFORCE, SO_RCVBUF, RAWSOCK_BUF) == -1)
		return -1;
	*what = "SO_SNDBUF";
	if (rawsock_bufsize(fd, SO_SNDBUFFORCE, SO_SNDBUF, RAWSOCK_BUF) == -1)
		return -1;
	/*
	 * Emit straight to the driver, an optimisation (failure is fine).
	 * Side effect: packet taps on this host (tcpdump, another relay) do
	 * not see our emissions; the segment's other hosts do.
	 */
	(void)rawsock_setint(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1);
	/*
	 * No PACKET_IGNORE_OUTGOING: broadcasts sent by other programs on
	 * this host must be captured. The kernel never loops a frame back to
	 * the packet socket that sent it, so our own emissions stay unheard.
	 */
	return 0;
}

/* See rawsock.h. */
int
rawsock_open_packet(const char *ifname, const uint16_t *ports, size_t nports,
    struct msg_conf_slot *slot, char *err, size_t errlen)
{
	struct sock_filter	 prog[FILTER_MAX_INSNS];
	struct sock_fprog	 fprog;
	const char		*what;
	unsigned int		 ifindex;
	int			 fd, n, saved;

	if (strlen(ifname) >= sizeof(slot->ifname)) {
		snprintf(err, errlen, "interface %s: name too long", ifname);
		return -1;
	}
	if ((ifindex = if_nametoindex(ifname)) == 0) {
		snprintf(err, errlen, "interface %s: %s", ifname,
		    strerror(errno));
		return -1;
	}
	if ((n = filter_capture(prog, FILTER_MAX_INSNS, ports, nports)) <= 0) {
		snprintf(err, errlen, "interface %s: cannot build the capture"
		    " filter for %zu port(s)", ifname, nports);
		return -1;
	}
	fprog.len = (unsigned short)n;
	fprog.filter = prog;

	/* Protocol 0: nothing is queued until bind, after the filter. */
	what = "socket(AF_PACKET)";
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || rawsock_prepare(fd, &fprog, &what) == -1)
		goto fail;
	what = "bind";
	if (rawsock_capture(fd, (int)ifindex, 1) == -1)
		goto fail;
	rawsock_drain(fd);

	memset(slot->ifname, 0, sizeof(slot->ifname));
	memcpy(slot->ifname, ifname, strlen(ifname));
	slot->ifindex = (int32_t)ifindex;
	if (rawsock_ifinfo(fd, ifname, slot, &what) == -1)
		goto fail;
	return fd;

fail:
	saved = errno;
	snprintf(err, errlen, "interface %s: %s: %s", ifname, what,
	    strerror(saved));
	if (fd != -1)
		close(fd);
	errno = saved;
	return -1;
}

/*
 * IEEE 802 local experimental Ethertype: what a stopped socket is bound
 * to. The capture filter accepts IPv4 only, so even a frame of this type
 * is refused before it is queued.
 */
#define RAWSOCK_ETH_P_OFF	0x88b5

/* See rawsock.h. */
int
rawsock_capture(int fd, int ifindex, int on)
{
	struct sockaddr_ll	 sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	/*
	 * ETH_P_ALL, not ETH_P_IP: only ETH_P_ALL sockets are handed the
	 * frames this host sends (dev_queue_xmit_nit walks ptype_all), and
	 * broadcasts from local programs must be relayed too. The filter
	 * keeps IPv4 only.
	 */
	sll.sll_protocol = htons(on ? ETH_P_ALL : RAWSOCK_ETH_P_OFF);
	sll.sll_ifindex = ifindex;
	return bind(fd, (struct sockaddr *)&sll, sizeof(sll));
}

/* See rawsock.h. */
int
rawsock_mesh_update(int fd, const uint32_t *addrs, size_t n, char *err,
    size_t errlen)
{
	struct sock_filter	 prog[FILTER_MAX_INSNS];
	struct sock_fprog	 fprog;
	int			 len;

	if ((len = filter_mesh_sources(prog, FILTER_MAX_INSNS, addrs, n)) <= 0) {
		snprintf(err, errlen, "mesh socket: cannot build the source"
		    " filter for %zu peer address(es)", n);
		errno = EINVAL;
		return -1;
	}
	fprog.len = (unsigned short)len;
	fprog.filter = prog;
	/* Not locked: the helper replaces it when the peer set changes. */
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog,
	    sizeof(fprog)) == -1) {
		snprintf(err, errlen, "mesh socket: SO_ATTACH_FILTER: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * See rawsock.h. Setting the socket's own segment size to 0 (none, the
 * default) changes nothing where it works. A kernel without UDP GSO
 * refuses it; it would also ignore the UDP_SEGMENT control message and
 * send a whole run as one datagram, so the worker must know.
 */
int
rawsock_mesh_gso(int fd)
{
	int	 none = 0;

	return setsockopt(fd, SOL_UDP, UDP_SEGMENT, &none, sizeof(none)) == 0;
}

/* See rawsock.h. */
int
rawsock_open_mesh(uint16_t port, const uint32_t *addrs, size_t n, char *err,
    size_t errlen)
{
	struct sockaddr_in	 sin;
	const char		*what;
	char			 why[256];
	int			 fd, saved, pmtu;

	what = "socket";
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		goto fail;
	/* Bursts from many peers must not be dropped by a default buffer. */
	what = "SO_RCVBUF";
	if (rawsock_bufsize(fd, SO_RCVBUFFORCE, SO_RCVBUF,
	    RAWSOCK_MESH_RCVBUF) == -1)
		goto fail;
	what = "SO_SNDBUF";
	if (rawsock_bufsize(fd, SO_SNDBUFFORCE, SO_SNDBUF, RAWSOCK_BUF) == -1)
		goto fail;
	/*
	 * DF clear: a mesh datagram carries a whole frame (up to FRAME_MAX)
	 * and may cross links with a smaller MTU; let routers fragment it
	 * rather than lose the first one to path MTU discovery.
	 */
	what = "IP_MTU_DISCOVER";
	pmtu = IP_PMTUDISC_DONT;
	if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
	    sizeof(pmtu)) == -1)
		goto fail;
	/* Before bind: nothing from a non-peer is ever queued. */
	if (rawsock_mesh_update(fd, addrs, n, why, sizeof(why)) == -1) {
		saved = errno;
		snprintf(err, errlen, "mesh-port %u: %s", port, why);
		close(fd);
		errno = saved;
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	what = "bind";
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	return fd;

fail:
	saved = errno;
	snprintf(err, errlen, "mesh-port %u: %s: %s", port, what,
	    strerror(saved));
	if (fd != -1)
		close(fd);
	errno = saved;
	return -1;
}
