/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The capture ring socket and the capture switch (see ringsock.h). Under
 * load the ring hands the worker a block of frames per read instead of a
 * recvmmsg copy per frame (perf.md section 3: 25-40 ns per frame against
 * about 2 us), at the price of up to RING_TOV_MS of latency; that is why
 * the worker asks for it only in load mode.
 */
#include <sys/socket.h>

#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "rawsock.h"
#include "ringsock.h"

/* See ringsock.h. */
int
ringsock_ring(int fd, const struct msg_conf_ring *ring, int on)
{
	struct tpacket_req3	 req;

	/* All zero frees the ring (and stops its retire timer). */
	memset(&req, 0, sizeof(req));
	if (on) {
		req.tp_block_size = ring->block_size;
		req.tp_block_nr = ring->block_nr;
		/* V3 packs frames of any size; these only pass its checks. */
		req.tp_frame_size = 2048;
		req.tp_frame_nr = ring->block_nr * (ring->block_size / 2048);
		req.tp_retire_blk_tov = RING_TOV_MS;
	}
	return setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req));
}

/*
 * Filter, lock and version; then a ring is made and freed once, so that
 * a ring that cannot be had (memory) is known at start, not under load.
 */
static int
ringsock_setup(int fd, const struct sock_fprog *fprog,
    const struct msg_conf_ring *ring, const char **what)
{
	int	 ver = TPACKET_V3;

	if (rawsock_lock_filter(fd, fprog, what) == -1)
		return -1;
	*what = "PACKET_VERSION";
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) == -1)
		return -1;
	/* Capture only: frames are always emitted by the plain socket. */
	*what = "PACKET_RX_RING";
	if (ringsock_ring(fd, ring, 1) == -1 || ringsock_ring(fd, ring, 0) == -1)
		return -1;
	return 0;
}

/* See ringsock.h. */
int
ringsock_open(const char *ifname, int ifindex, const uint16_t *ports,
    size_t nports, uint32_t mib, struct msg_conf_ring *ring, char *err,
    size_t errlen)
{
	struct sock_filter	 prog[FILTER_MAX_INSNS];
	struct sock_fprog	 fprog;
	const char		*what = "capture filter";
	int			 fd = -1, n, saved;

	if (mib == 0 || mib > RING_MIB_MAX || ifindex <= 0) {
		snprintf(err, errlen, "interface %s: capture ring of %u MiB:"
		    " out of range 1..%u", ifname, mib, RING_MIB_MAX);
		errno = EINVAL;
		return -1;
	}
	if ((n = filter_capture(prog, FILTER_MAX_INSNS, ports, nports)) <= 0) {
		errno = EINVAL;
		goto fail;
	}
	fprog.len = (unsigned short)n;
	fprog.filter = prog;
	ring->block_size = RING_BLOCK_SIZE;
	ring->block_nr = (uint32_t)((size_t)mib * 1024 * 1024 / RING_BLOCK_SIZE);
	/* Protocol 0: nothing reaches it before rawsock_capture(). */
	what = "socket(AF_PACKET)";
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || ringsock_setup(fd, &fprog, ring, &what) == -1)
		goto fail;
	return fd;

fail:
	saved = errno;
	snprintf(err, errlen, "interface %s: capture ring of %u MiB: %s: %s",
	    ifname, mib, what, strerror(saved));
	if (fd != -1)
		close(fd);
	errno = saved;
	return -1;
}
