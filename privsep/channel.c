/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Framing and fd passing on the SOCK_SEQPACKET channel: one message per
 * datagram, at most one fd, every received message checked against proto.c.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"

/*
 * Control buffer for receiving: far more room than the one fd we accept,
 * so that surplus fds and foreign control messages arrive whole, are seen,
 * closed and named in the error. Beyond this the kernel sets MSG_CTRUNC
 * and closes what did not fit itself.
 */
#define CHANNEL_CMSG_FDS	64

/* What the control data of one received datagram held. */
struct channel_ctl {
	int	 fd;		/* the first fd received, or -1 */
	int	 nfds;		/* fds received, all but the first closed */
	int	 nrights;	/* SCM_RIGHTS cmsgs */
	int	 badlen;	/* SCM_RIGHTS not of CMSG_LEN(sizeof(int)) */
	int	 other;		/* any other cmsg; level/type of the first */
	int	 level;
	int	 type;
};

static int	channel_fail(int, char *, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* Send one message (header and payload in one datagram), with fd if != -1. */
int
channel_send(int sock, uint32_t type, const void *data, size_t len, int fd)
{
	struct msg_hdr	 hdr;
	struct iovec	 iov[2];
	struct msghdr	 mh;
	struct cmsghdr	*cmsg;
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	ssize_t		 n;

	if (len > PROTO_MSG_MAX - sizeof(hdr)) {
		errno = EMSGSIZE;
		return -1;
	}
	if (fd < -1 || (len > 0 && data == NULL)) {
		errno = EINVAL;
		return -1;
	}
	hdr.type = type;
	hdr.len = (uint32_t)len;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	if (fd != -1) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}

	/* MSG_NOSIGNAL: a dead peer is EPIPE here, not SIGPIPE. */
	n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	if (n == -1)
		return -1;
	if ((size_t)n != sizeof(hdr) + len) {
		/* SEQPACKET sends whole datagrams; this cannot happen. */
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Fill why, set errno to err and return -1. */
static int
channel_fail(int err, char *why, size_t whylen, const char *fmt, ...)
{
	va_list	 ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	errno = err;
	return -1;
}

/* Walk every cmsg: keep the first fd, close every other one now. */
static void
channel_take_fds(struct msghdr *mh, struct channel_ctl *ctl)
{
	struct cmsghdr	*cmsg;
	size_t		 i, n;
	int		 fd;

	memset(ctl, 0, sizeof(*ctl));
	ctl->fd = -1;
	for (cmsg = CMSG_FIRSTHDR(mh); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(mh, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len < CMSG_LEN(0)) {
			if (ctl->other++ == 0) {
				ctl->level = cmsg->cmsg_level;
				ctl->type = cmsg->cmsg_type;
			}
			continue;
		}
		ctl->nrights++;
		if (cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
			ctl->badlen = 1;
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(fd));
			if (ctl->fd == -1)
				ctl->fd = fd;
			else
				close(fd);
			ctl->nfds++;
		}
	}
}

/* Check the control data; 0 if it holds nothing or exactly one plain fd. */
static int
channel_check_ctl(const struct msghdr *mh, const struct channel_ctl *ctl,
    char *why, size_t whylen)
{
	if (mh->msg_flags & MSG_CTRUNC)
		return channel_fail(EBADMSG, why, whylen,
		    "truncated control data");
	if (ctl->other)
		return channel_fail(EBADMSG, why, whylen,
		    "unexpected control message (level %d, type %d)",
		    ctl->level, ctl->type);
	if (ctl->nfds > 1 || ctl->nrights > 1)
		return channel_fail(EBADMSG, why, whylen,
		    "%d file descriptors in one message, at most 1 allowed",
		    ctl->nfds);
	if (ctl->badlen)
		return channel_fail(EBADMSG, why, whylen,
		    "malformed SCM_RIGHTS control message");
	return 0;
}

/* Check a datagram of n bytes against the table for direction dir. */
static int
channel_check_msg(const struct msghdr *mh, ssize_t n, enum proto_dir dir,
    const struct channel_msg *msg, char *why, size_t whylen)
{
	const struct proto_rule	*rule;
	const char		*to;
	enum proto_dir		 other;
	uint32_t		 type;

	to = dir == TO_HELPER ? "helper" : "worker";
	if ((mh->msg_flags & MSG_TRUNC) || n > PROTO_MSG_MAX)
		return channel_fail(EBADMSG, why, whylen,
		    "oversize datagram (more than %d bytes)", PROTO_MSG_MAX);
	if ((size_t)n < sizeof(msg->hdr))
		return channel_fail(EBADMSG, why, whylen,
		    "datagram of %zd bytes is shorter than a header", n);
	type = msg->hdr.type;
	if (msg->hdr.len != (size_t)n - sizeof(msg->hdr))
		return channel_fail(EBADMSG, why, whylen,
		    "message type %u: header says %u payload bytes, "
		    "datagram has %zu", type, msg->hdr.len,
		    (size_t)n - sizeof(msg->hdr));
	if ((rule = proto_rule_find(type, dir)) == NULL) {
		other = dir == TO_HELPER ? TO_WORKER : TO_HELPER;
		if (proto_rule_find(type, other) == NULL)
			return channel_fail(EPROTO, why, whylen,
			    "message type %u not allowed to the %s", type, to);
		return channel_fail(EPROTO, why, whylen,
		    "message type %u (%s) not allowed to the %s", type,
		    proto_type_name(type), to);
	}
	if (msg->hdr.len != rule->len)
		return channel_fail(EPROTO, why, whylen,
		    "%s: length %u, expected %u", rule->name, msg->hdr.len,
		    rule->len);
	if (rule->has_fd && msg->fd == -1)
		return channel_fail(EPROTO, why, whylen,
		    "%s: file descriptor missing", rule->name);
	if (!rule->has_fd && msg->fd != -1)
		return channel_fail(EPROTO, why, whylen,
		    "%s: unexpected file descriptor", rule->name);
	return 0;
}

/* NUL-terminate the fixed-size strings; the peer is not trusted to. */
static void
channel_terminate(struct channel_msg *msg)
{
	switch (msg->hdr.type) {
	case MSG_CONF_SLOT:
		msg->data[offsetof(struct msg_conf_slot, ifname) +
		    sizeof(((struct msg_conf_slot *)0)->ifname) - 1] = '\0';
		break;
	case MSG_LOG:
		msg->data[offsetof(struct msg_log, text) +
		    sizeof(((struct msg_log *)0)->text) - 1] = '\0';
		break;
	}
}

/* Receive one message and check it; see channel.h. */
int
channel_recv(int sock, enum proto_dir dir, struct channel_msg *msg,
    char *why, size_t whylen)
{
	struct iovec		 iov[3];
	struct msghdr		 mh;
	struct channel_ctl	 ctl;
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(sizeof(int) *
				    CHANNEL_CMSG_FDS)];
	} cmsgbuf;
	uint8_t			 spill;	/* one byte past PROTO_MSG_MAX */
	ssize_t			 n;
	int			 saved;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	msg->fd = -1;
	iov[0].iov_base = &msg->hdr;
	iov[0].iov_len = sizeof(msg->hdr);
	iov[1].iov_base = msg->data;
	iov[1].iov_len = sizeof(msg->data);
	iov[2].iov_base = &spill;
	iov[2].iov_len = sizeof(spill);
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 3;
	mh.msg_control = cmsgbuf.buf;
	mh.msg_controllen = sizeof(cmsgbuf.buf);

	if ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return -1;
		saved = errno;
		return channel_fail(saved, why, whylen, "recvmsg: %s",
		    strerror(saved));
	}
	channel_take_fds(&mh, &ctl);
	/* A SEQPACKET peer that closed reads as 0 bytes, no control data. */
	if (n == 0 && ctl.nfds == 0 && ctl.other == 0 &&
	    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0)
		return 0;
	msg->fd = ctl.fd;
	if (channel_check_ctl(&mh, &ctl, why, whylen) == -1 ||
	    channel_check_msg(&mh, n, dir, msg, why, whylen) == -1) {
		saved = errno;
		if (msg->fd != -1)
			close(msg->fd);
		msg->fd = -1;
		errno = saved;
		return -1;
	}
	channel_terminate(msg);
	return 1;
}
