/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's counters and the functions that log them in the exact
 * format operators and the integration tests parse.
 */
#ifndef COUNTERS_H
#define COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "mesh.h"
#include "peer.h"

/* Global counters of the worker. */
struct counters {
	uint64_t	 captured;	/* captured frames that passed validation */
	uint64_t	 forwarded;	/* captured frames sent to at least one peer */
	uint64_t	 mesh_tx;	/* mesh datagrams sent */
	uint64_t	 mesh_tx_errors; /* mesh datagrams that could not be sent */
	uint64_t	 mesh_tx_gso;	/* of mesh_tx, sent in UDP GSO runs */
	uint64_t	 mesh_rx;	/* mesh datagrams accepted from peers */
	uint64_t	 emitted;	/* frames sent on an interface */
	uint64_t	 emit_errors;	/* frames that could not be sent */
	uint64_t	 rewritten;	/* emissions whose destination was rewritten */
	uint64_t	 csum_completed; /* partial UDP checksums finished */

	uint64_t	 cap_truncated;	/* captured frames larger than FRAME_MAX */
	uint64_t	 cap_drops[FRAME_NERR];	/* captured frames refused, by reason */
	uint64_t	 cap_relay_mac;	/* sent by a relay of the mesh (its HELLO MACs) */
	uint64_t	 cap_duplicate;	/* seen within the dedup window */
	uint64_t	 cap_rate_source; /* over the per-source-IP rate */
	uint64_t	 cap_rate_global; /* over the global rate */

	uint64_t	 mesh_not_peer;	/* datagrams from an address not a peer */
	uint64_t	 mesh_truncated; /* datagrams larger than the buffer */
	uint64_t	 mesh_drops[MESH_NERR];	/* bad encapsulation or tag, by reason */
	uint64_t	 mesh_frame_drops[FRAME_NERR]; /* inner frame refused */
	uint64_t	 mesh_stale;	/* timestamp outside the freshness window */
	uint64_t	 mesh_replay;	/* sequence number seen or too old */
	uint64_t	 mesh_ss_refused; /* "SS" when required or after authentication */
	uint64_t	 mesh_duplicate; /* frame seen within the dedup window */
	uint64_t	 mesh_rate_peer; /* over the per-peer rate */
	uint64_t	 mesh_rate_global; /* over the global rate */
	/* Dropped by the kernel at the mesh socket (SO_MEMINFO drops). */
	uint64_t	 mesh_kernel_drops;

	uint64_t	 mesh_rx_errors; /* recvmmsg errors (ICMP reports); not dumped */
};

/* Counters of one interface slot. */
struct iface_counters {
	uint64_t	 captured;
	uint64_t	 emitted;
	uint64_t	 truncated;
	uint64_t	 emit_errors;
	/* Frames from the mesh left to the segment's designated forwarder. */
	uint64_t	 standby;
	/* The kernel's drops on the packet sockets (PACKET_STATISTICS tp_drops). */
	uint64_t	 kernel_drops;
	/* Frames read from the capture ring (load mode), part of the above. */
	uint64_t	 ring;
	/* Frames of ring blocks skipped: the kernel's offsets were bad. */
	uint64_t	 ring_bad;
};

/* Name of an errno value for counter lines ("ENETUNREACH", "none", "113"). */
const char	*counters_errno_name(int err, char *buf, size_t len);

/* Log the "counters:", "drops capture:" and "drops mesh:" lines (info). */
void		 counters_log(const struct counters *c);
/* Log the "iface NAME: ..." line of one slot (info). */
void		 counters_log_iface(const char *name, const struct iface_counters *ic);
/* Log the "peer A.B.C.D:PORT: ..." line of one peer (info). */
void		 counters_log_peer(const struct peer *p);

#endif /* COUNTERS_H */
