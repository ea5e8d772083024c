/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Limits and constants shared by both processes. No logic here.
 */
#ifndef SNOWRELAYD_H
#define SNOWRELAYD_H

#define SNOWRELAYD_NAME		"snowrelayd"

#define MAX_IFACES		8	/* target interfaces (slots) */
#define MAX_PORTS		8	/* relayed UDP destination ports */
#define MAX_PEERS		64	/* static mesh peers */

#define DEFAULT_IFACE		"eth0"
#define DEFAULT_BCAST_PORT	5076	/* PVAccess search */
#define DEFAULT_MESH_PORT	7124	/* SnowSignal's mesh port */
#define DEFAULT_CONF_FILE	SYSCONFDIR "/snowrelayd.conf"

/* Largest Ethernet frame (header + IPv4 packet) the relay handles. */
#define FRAME_MAX		9216
#define ETH_HLEN_		14

/*
 * Capture ring (--capture-ring MiB): TPACKET_V3 blocks that each hold a
 * FRAME_MAX frame with its header; a block goes to the worker when full
 * or after RING_TOV_MS.
 */
#define RING_BLOCK_SIZE		16384
#define RING_BLOCKS_MAX		16384	/* 256 MiB */
#define RING_TOV_MS		1
#define RING_MIB_MAX		256

/* The worker's channel to the helper is always this fd after exec. */
#define CHANNEL_FD		3

#endif /* SNOWRELAYD_H */
