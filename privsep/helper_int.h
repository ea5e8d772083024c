/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Private to the helper (helper.c, helper_conf.c): its state and the
 * calls the configuration push shares with the main loop.
 */
#ifndef HELPER_INT_H
#define HELPER_INT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "keyfile.h"
#include "peerset.h"
#include "proto.h"

struct helper {
	const struct config	*conf;
	pid_t			 worker;	/* -1 once reaped */
	int			 chan;
	int			 pktfd[MAX_IFACES];	/* kept with a ring: the switch */
	struct msg_conf_slot	 slots[MAX_IFACES];
	int			 ringfd[MAX_IFACES];	/* -1: no capture ring */
	struct msg_conf_ring	 rings[MAX_IFACES];
	int			 ringon[MAX_IFACES];	/* the ring captures */
	int			 ringup[MAX_IFACES];	/* the ring exists */
	int			 meshfd;	/* kept: rawsock_mesh_update() */
	int			 meshgso;	/* rawsock_mesh_gso(meshfd) */
	uint32_t		 peeraddrs[MAX_PEERS];	/* distinct, network order */
	size_t			 npeeraddrs;
	int			 resfd;		/* its socket, or -1 */
	uint32_t		 disc[MAX_PEERS];	/* the discovered set, sorted */
	size_t			 ndisc;
	int			 disc_failing;	/* the last lookup failed */
	int			 disc_answered;	/* one lookup succeeded */
	struct peerset_left	 left;		/* what the last answer left out */
	struct keyfile		 keys;		/* until sent; cleared then */
	int			 usekeys;	/* key file configured, auth on */
	int			 hello;		/* worker's MSG_HELLO seen */
	int			 configured;	/* MSG_CONF_END sent */
	int			 ready;		/* worker's MSG_READY seen */
	int			 killed;	/* we sent it SIGKILL */
};

/* Send one message; a full channel gets about a second to drain. 0 or -1. */
int	 helper_send(struct helper *h, uint32_t type, const void *data, size_t len,
	    int fd);
/* Log why (critical), SIGKILL and reap the worker, exit 1. */
void	 helper_die(struct helper *h, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));

/*
 * helper_conf.c: the configuration push, answering the worker's MSG_HELLO
 * (GLOBAL, SLOT x n, PEER x n, KEYS if any, MESH_FD, END; fatal if the
 * channel fails), and SIGHUP's key reload.
 */
void	 helper_push_config(struct helper *h);
void	 helper_reload(struct helper *h);
/* MSG_CAPTURE_MODE: move a slot's capture to or from its ring. */
void	 helper_capture_mode(struct helper *h, const struct msg_capture_mode *m);
/* helper_discover.c: take one answer from the resolver (after READY). */
void	 helper_discovered(struct helper *h);
/* "2,1": the key ids of kf, primary first, for the log. */
void	 helper_key_ids(const struct keyfile *kf, char *buf, size_t len);

#endif /* HELPER_INT_H */
