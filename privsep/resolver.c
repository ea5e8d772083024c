/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The resolver process of --discover, as OpenBSD ntpd's DNS process: name
 * resolution (resolv.conf, nsswitch modules, DNS answers) is isolated in a
 * process of its own with no capabilities and nothing to protect; the
 * helper only checks fixed-size answers. It is not chrooted or seccomp'd:
 * the system's resolver needs /etc and whatever its NSS modules do.
 * The same lookup resolves --other-relays host names once at start-up
 * (resolver_first, called from main before any process is forked).
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"
#include "resolver.h"

/* Look name up (IPv4) into a, in the order the resolver gives. */
static void
resolver_lookup(const char *name, struct resolver_answer *a)
{
	struct addrinfo		 hints, *res, *ai;
	uint32_t		 addr;

	memset(a, 0, sizeof(*a));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if ((a->status = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		a->sys_errno = a->status == EAI_SYSTEM ? errno : 0;
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET ||
		    ai->ai_addrlen < sizeof(struct sockaddr_in))
			continue;
		addr = ((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr;
		if (a->naddrs < RESOLVER_MAX)
			a->addrs[a->naddrs++] = addr;
		else
			a->more++;
	}
	freeaddrinfo(res);
}

/* See resolver.h. */
int
resolver_first(const char *host, uint32_t *addr, char *why, size_t whylen)
{
	struct resolver_answer	 a;

	resolver_lookup(host, &a);
	if (a.status != 0 || a.naddrs == 0) {
		snprintf(why, whylen, "%s", a.status != 0 ?
		    gai_strerror(a.status) : "no IPv4 address");
		return -1;
	}
	*addr = a.addrs[0];
	return 0;
}

/*
 * The child: signals from a terminal or a service manager are for the
 * helper, which ends this process by closing the socket or by exiting
 * (PDEATHSIG); a signal here would race the helper's clean shutdown.
 */
static void __attribute__((noreturn))
resolver_child(const char *name, uint32_t interval, int sock, pid_t helper)
{
	struct resolver_answer	 a;
	struct pollfd		 pfd;
	sigset_t		 none;
	const int		 sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1,
				    SIGPIPE };
	size_t			 i;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		fatal("resolver: PR_SET_PDEATHSIG");
	/* What ps and top show (comm), instead of the helper's name. */
	(void)prctl(PR_SET_NAME, "snowrelayd-dns", 0, 0, 0);
	if (getppid() != helper)
		_exit(0);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)signal(sigs[i], SIG_IGN);
	(void)signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if ((sock > 3 && close_range(3, (unsigned int)sock - 1, 0) == -1) ||
	    close_range((unsigned int)sock + 1, ~0U, 0) == -1)
		fatal("resolver: close_range");
	privdrop_resolver();
	for (;;) {
		resolver_lookup(name, &a);
		if (send(sock, &a, sizeof(a), MSG_NOSIGNAL) != sizeof(a))
			_exit(0);
		/* The helper never writes: readable means it closed its end. */
		pfd.fd = sock;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)interval * 1000) != 0)
			_exit(0);
	}
}

/* See resolver.h. */
pid_t
resolver_start(const char *name, uint32_t interval, int *fd)
{
	pid_t	 pid, helper = getpid();
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("resolver: socketpair");
	if ((pid = fork()) == -1)
		fatal("resolver: fork");
	if (pid == 0) {
		close(sv[0]);
		resolver_child(name, interval, sv[1], helper);
	}
	close(sv[1]);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("resolver: O_NONBLOCK");
	*fd = sv[0];
	return pid;
}

/* See resolver.h. */
int
resolver_recv(int fd, struct resolver_answer *a)
{
	ssize_t	 n;

	if ((n = recv(fd, a, sizeof(*a), MSG_TRUNC)) == -1)
		return -1;
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(*a) || a->naddrs > RESOLVER_MAX) {
		errno = EPROTO;
		return -1;
	}
	return 1;
}
