/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Framing and fd passing on the SOCK_SEQPACKET channel, shared by both
 * sides: one message per datagram, at most one fd per message
 * (SCM_RIGHTS), every received message checked against the proto table.
 */
#ifndef CHANNEL_H
#define CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct channel_msg {
	struct msg_hdr	 hdr;
	uint8_t		 data[PROTO_MSG_MAX - sizeof(struct msg_hdr)];
	int		 fd;		/* -1 if none */
};

/*
 * Send one message with len payload bytes and, if fd != -1, that fd.
 * Returns 0, or -1 with errno (EAGAIN if the socket is non-blocking and
 * full). The caller still owns fd and closes it after success.
 */
int	 channel_send(int sock, uint32_t type, const void *data, size_t len, int fd);

/*
 * Receive one message and check it against the table for direction dir:
 * known type allowed in this direction, exact payload length, an fd present
 * if and only if the rule says so, no truncated data or control data
 * (MSG_TRUNC / MSG_CTRUNC), one fd at most. Fds arrive close-on-exec.
 * Returns 1 with *msg filled, 0 on EOF (peer gone), or -1 on a violation
 * or error with errno set and a reason in why (EAGAIN: nothing to read).
 * On any failure every received fd has been closed.
 */
int	 channel_recv(int sock, enum proto_dir dir, struct channel_msg *msg,
	    char *why, size_t whylen);

#endif /* CHANNEL_H */
