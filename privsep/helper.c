/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The privileged helper: starts the worker, opens its sockets, drops to
 * CAP_NET_RAW, pushes the configuration, then logs the worker's lines and
 * turns signals into messages. No packet parsing, no libevent.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "config.h"
#include "helper.h"
#include "log.h"
#include "privdrop.h"
#include "proto.h"
#include "rawsock.h"

#define HELPER_READY_MS		10000	/* exec to MSG_READY */
#define HELPER_EXIT_MS		1000	/* MSG_SHUTDOWN or EOF to exit */
#define HELPER_BATCH		64	/* messages per wake-up */
#define HELPER_DRAIN		1024	/* more than a full channel holds */

struct helper {
	const struct config	*conf;
	char			 exe[PATH_MAX];
	pid_t			 worker;	/* -1 once reaped */
	int			 chan;
	int			 pktfd[MAX_IFACES];
	struct msg_conf_slot	 slots[MAX_IFACES];
	int			 meshfd;
	int			 hello;		/* worker's MSG_HELLO seen */
	int			 configured;	/* MSG_CONF_END sent */
	int			 ready;		/* worker's MSG_READY seen */
	int			 killed;	/* we sent it SIGKILL */
};

/* Set by the handler, acted on by the ppoll loop. */
static volatile sig_atomic_t	 helper_sig[NSIG];
static const int		 helper_sigs[] = { SIGTERM, SIGINT, SIGUSR1,
				    SIGCHLD, SIGHUP };

/* A compromised worker must not be able to flood syslog. */
static struct log_ratelimit	 worker_rl = LOG_RATELIMIT_INIT(1, 200);

static void	helper_die(struct helper *, const char *, ...)
		    __attribute__((noreturn, format(printf, 2, 3)));

static void
helper_signal_cb(int sig)
{
	helper_sig[sig] = 1;
}

static int
helper_took(int sig)
{
	int	 was = helper_sig[sig];

	helper_sig[sig] = 0;
	return was;
}

/* Monotonic milliseconds from now to ms from now. */
static int64_t
helper_deadline(int ms)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ms;
}

/* Time left until deadline in ts; 0 if none is left. */
static int
helper_left(struct timespec *ts, int64_t deadline)
{
	int64_t		 left = deadline - helper_deadline(0);

	if (left <= 0)
		return 0;
	ts->tv_sec = left / 1000;
	ts->tv_nsec = (left % 1000) * 1000000;
	return 1;
}

/* Install the handlers; the signals stay blocked except inside ppoll. */
static void
helper_signals(sigset_t *oldmask)
{
	struct sigaction	 sa;
	sigset_t		 set;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = helper_signal_cb;
	sigemptyset(&set);
	for (i = 0; i < sizeof(helper_sigs) / sizeof(helper_sigs[0]); i++)
		sigaddset(&set, helper_sigs[i]);
	sa.sa_mask = set;
	if (sigprocmask(SIG_BLOCK, &set, oldmask) == -1)
		fatal("sigprocmask");
	for (i = 0; i < sizeof(helper_sigs) / sizeof(helper_sigs[0]); i++)
		if (sigaction(helper_sigs[i], &sa, NULL) == -1)
			fatal("sigaction");
	/* A dead worker is EPIPE from channel_send, never a signal. */
	signal(SIGPIPE, SIG_IGN);
}

/* Say how the worker ended. */
static void
helper_report(int status, int prio)
{
	const char	*name;
	int		 sig;

	if (WIFEXITED(status)) {
		log_prio(prio, "worker exited with status %d",
		    WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		name = sigabbrev_np(sig);
		log_prio(prio, "worker killed by signal SIG%s%s",
		    name != NULL ? name : "?",
		    sig == SIGSYS ? " (seccomp violation?)" : "");
	}
}

/* Reap the worker if it has exited; 1 if reaped (status filled). */
static int
helper_reap(struct helper *h, int *status, int flags)
{
	pid_t	 pid;

	if (h->worker == -1)
		return 0;
	while ((pid = waitpid(h->worker, status, flags)) == -1)
		if (errno != EINTR)
			fatal("waitpid");
	if (pid != h->worker)
		return 0;
	h->worker = -1;
	return 1;
}

/* Log why, SIGKILL and reap the worker, exit 1. */
static void
helper_die(struct helper *h, const char *fmt, ...)
{
	va_list	 ap;
	int	 status;

	va_start(ap, fmt);
	vlog_prio(LOG_CRIT, fmt, ap);
	va_end(ap);
	/* EPERM: still root before its drop; EOF and PDEATHSIG get it. */
	if (h->worker != -1 && kill(h->worker, SIGKILL) == -1 &&
	    errno != ESRCH)
		log_warn("kill worker %ld", (long)h->worker);
	else if (helper_reap(h, &status, 0))
		helper_report(status, LOG_ERR);
	exit(1);
}

/* Send one message; a full channel gets about a second to drain. */
static int
helper_send(struct helper *h, uint32_t type, const void *data, size_t len,
    int fd)
{
	struct pollfd	 pfd;
	int		 tries;

	for (tries = 0; tries < 10; tries++) {
		if (channel_send(h->chan, type, data, len, fd) == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			break;
		pfd.fd = h->chan;
		pfd.events = POLLOUT;
		(void)poll(&pfd, 1, 100);
	}
	log_warn("channel: sending %s", proto_type_name(type));
	return -1;
}

/* The configuration push, answering the worker's MSG_HELLO. */
static void
helper_push_config(struct helper *h)
{
	const struct config	*conf = h->conf;
	struct msg_conf_global	 g;
	struct msg_conf_peer	 p;
	struct msg_mesh_fd	 m;
	size_t			 i;

	memset(&g, 0, sizeof(g));
	g.nslots = (uint32_t)conf->nifaces;
	g.npeers = (uint32_t)conf->npeers;
	g.nports = (uint32_t)conf->nports;
	memcpy(g.ports, conf->ports, conf->nports * sizeof(g.ports[0]));
	g.mesh_port = conf->mesh_port;
	g.log_level = conf->log_level;
	if (helper_send(h, MSG_CONF_GLOBAL, &g, sizeof(g), -1) == -1)
		goto fail;
	for (i = 0; i < conf->nifaces; i++) {
		if (helper_send(h, MSG_CONF_SLOT, &h->slots[i],
		    sizeof(h->slots[i]), h->pktfd[i]) == -1)
			goto fail;
		/* The worker holds its own reference now. */
		close(h->pktfd[i]);
		h->pktfd[i] = -1;
	}
	for (i = 0; i < conf->npeers; i++) {
		memset(&p, 0, sizeof(p));
		p.addr = conf->peers[i].addr;
		p.port = conf->peers[i].port;
		if (helper_send(h, MSG_CONF_PEER, &p, sizeof(p), -1) == -1)
			goto fail;
	}
	memset(&m, 0, sizeof(m));
	m.port = conf->mesh_port;
	if (helper_send(h, MSG_MESH_FD, &m, sizeof(m), h->meshfd) == -1)
		goto fail;
	close(h->meshfd);
	h->meshfd = -1;
	if (helper_send(h, MSG_CONF_END, NULL, 0, -1) == -1)
		goto fail;
	h->configured = 1;
	return;
fail:
	helper_die(h, "cannot configure the worker");
}

/* Log a worker line: untrusted, so level clamped and bytes escaped. */
static void
helper_worker_log(const struct channel_msg *msg)
{
	struct msg_log	 lg;
	char		 esc[LOG_LINE_MAX - 8], line[LOG_LINE_MAX];
	int		 prio;

	memcpy(&lg, msg->data, sizeof(lg));
	lg.text[sizeof(lg.text) - 1] = '\0';
	/* No LOG_EMERG/LOG_ALERT from the worker: those wall every tty. */
	prio = lg.level < LOG_CRIT ? LOG_CRIT : lg.level;
	prio = prio > LOG_DEBUG ? LOG_DEBUG : prio;
	if (prio > log_getlevel() || !log_ratelimit_ok(&worker_rl, time(NULL)))
		return;
	log_escape(esc, sizeof(esc), lg.text, sizeof(lg.text));
	snprintf(line, sizeof(line), "worker: %s", esc);
	log_line(prio, line);
}

/* Act on one message that passed the table; enforce the phases. */
static void
helper_handle(struct helper *h, const struct channel_msg *msg)
{
	struct msg_hello	 hello;

	switch (msg->hdr.type) {
	case MSG_HELLO:
		memcpy(&hello, msg->data, sizeof(hello));
		if (h->hello)
			helper_die(h, "worker protocol violation: second"
			    " MSG_HELLO");
		/* The binary may have been replaced since the helper began. */
		if (hello.version != PROTO_VERSION)
			helper_die(h, "worker speaks protocol version %u, the"
			    " helper %u", hello.version, PROTO_VERSION);
		if (hello.pid != (uint32_t)h->worker)
			helper_die(h, "worker protocol violation: MSG_HELLO"
			    " from pid %u, the worker is %ld", hello.pid,
			    (long)h->worker);
		h->hello = 1;
		helper_push_config(h);
		break;
	case MSG_READY:
		if (!h->configured || h->ready)
			helper_die(h, "worker protocol violation: unexpected"
			    " MSG_READY");
		h->ready = 1;
		log_info("worker %ld ready", (long)h->worker);
		break;
	case MSG_LOG:
		helper_worker_log(msg);
		break;
	default:
		helper_die(h, "worker protocol violation: %s not expected",
		    proto_type_name(msg->hdr.type));
	}
}

/* Read up to max messages. 1: nothing more for now, 0: EOF. */
static int
helper_dispatch(struct helper *h, int max)
{
	struct channel_msg	 msg;
	char			 why[256];
	int			 i, r;

	for (i = 0; i < max; i++) {
		if ((r = channel_recv(h->chan, TO_HELPER, &msg, why,
		    sizeof(why))) == 0)
			return 0;
		if (r == -1 && (errno == EAGAIN || errno == EINTR))
			return 1;
		/* A worker killed with unread data resets the channel. */
		if (r == -1 && errno == ECONNRESET)
			return 0;
		if (r == -1)
			helper_die(h, "worker protocol violation: %s", why);
		/* The table allows no fd this way; be sure anyway. */
		if (msg.fd != -1) {
			close(msg.fd);
			helper_die(h, "worker protocol violation: fd with %s",
			    proto_type_name(msg.hdr.type));
		}
		helper_handle(h, &msg);
	}
	return 1;
}

/*
 * Wait up to HELPER_EXIT_MS for the worker to exit, logging its last lines,
 * then SIGKILL it; say how it ended and exit with code.
 */
static void __attribute__((noreturn))
helper_exit(struct helper *h, int code)
{
	struct pollfd	 pfd;
	struct timespec	 ts;
	sigset_t	 none;
	int64_t		 deadline = helper_deadline(HELPER_EXIT_MS);
	int		 status, eof = 0;

	sigemptyset(&none);
	while (!helper_reap(h, &status, WNOHANG)) {
		if (!helper_left(&ts, deadline)) {
			log_warnx("worker did not exit within %d ms: killing"
			    " it", HELPER_EXIT_MS);
			if (kill(h->worker, SIGKILL) == -1 && errno != ESRCH)
				fatal("kill worker %ld", (long)h->worker);
			h->killed = 1;
			(void)helper_reap(h, &status, 0);
			eof = 1;	/* the channel would say ECONNRESET */
			break;
		}
		/* After EOF, only SIGCHLD (or the deadline) ends ppoll. */
		pfd.fd = eof ? -1 : h->chan;
		pfd.events = POLLIN;
		(void)ppoll(&pfd, 1, &ts, &none);
		if (!eof && helper_dispatch(h, HELPER_DRAIN) == 0)
			eof = 1;
	}
	/* Lines queued before it exited. */
	if (!eof)
		(void)helper_dispatch(h, HELPER_DRAIN);
	helper_report(status, code == 0 && (status == 0 || h->killed) ?
	    LOG_INFO : LOG_ERR);
	if (code == 0)
		log_info("exiting");
	exit(code);
}

/* The main loop: signals are delivered only inside ppoll. */
static void __attribute__((noreturn))
helper_loop(struct helper *h)
{
	struct pollfd	 pfd;
	struct timespec	 ts;
	siginfo_t	 si;
	sigset_t	 none;
	int64_t		 deadline = helper_deadline(HELPER_READY_MS);

	sigemptyset(&none);
	for (;;) {
		if (!h->ready && !helper_left(&ts, deadline))
			helper_die(h, "worker not ready after %d s",
			    HELPER_READY_MS / 1000);
		pfd.fd = h->chan;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (ppoll(&pfd, 1, h->ready ? NULL : &ts, &none) == -1 &&
		    errno != EINTR)
			helper_die(h, "ppoll: %s", strerror(errno));
		/* Not ||: both flags must be cleared. */
		if (helper_took(SIGTERM) | helper_took(SIGINT)) {
			log_info("stopping the worker");
			/* Before READY, MSG_SHUTDOWN would be a violation. */
			if (h->ready)
				(void)helper_send(h, MSG_SHUTDOWN, NULL, 0, -1);
			else if (kill(h->worker, SIGKILL) == 0)
				h->killed = 1;
			helper_exit(h, 0);
		}
		/* WNOWAIT: helper_exit logs its last lines, then reaps. */
		memset(&si, 0, sizeof(si));
		if (helper_took(SIGCHLD) && waitid(P_PID, (id_t)h->worker, &si,
		    WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0) {
			log_errx("worker died");
			helper_exit(h, 1);
		}
		if (helper_took(SIGUSR1) && h->ready)
			(void)helper_send(h, MSG_DUMP_COUNTERS, NULL, 0, -1);
		if (helper_took(SIGHUP))
			log_warnx("SIGHUP: reloading is not supported;"
			    " restart snowrelayd to apply a new configuration");
		if (pfd.revents != 0 && helper_dispatch(h, HELPER_BATCH) == 0) {
			log_errx("channel to the worker closed");
			helper_exit(h, 1);
		}
	}
}

/* Worker side of the fork: fd 3 is the channel, nothing else survives. */
static void __attribute__((noreturn))
helper_child(struct helper *h, int fd, const sigset_t *oldmask)
{
	const struct config	*conf = h->conf;
	char			*argv[] = { (char *)SNOWRELAYD_NAME,
				    (char *)"-W", (char *)conf->user,
				    (char *)conf->chroot,
				    (char *)(conf->foreground ? "1" : "0"),
				    NULL };
	char			*envp[] = { NULL };
	int			 null;

	/* dup2 onto itself would keep FD_CLOEXEC. */
	if (fd == CHANNEL_FD ? fcntl(fd, F_SETFD, 0) == -1 :
	    dup2(fd, CHANNEL_FD) == -1)
		goto fail;
	/* -d: the worker's early errors go to the same stderr. */
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1 ||
	    (!conf->foreground && dup2(null, STDERR_FILENO) == -1))
		goto fail;
	if (close_range(CHANNEL_FD + 1, ~0U, 0) == -1 ||
	    sigprocmask(SIG_SETMASK, oldmask, NULL) == -1)
		goto fail;
	signal(SIGPIPE, SIG_DFL);
	execve(h->exe, argv, envp);
fail:
	log_warn("worker: cannot start %s", h->exe);
	_exit(127);
}

/* socketpair, fork, exec "snowrelayd -W USER CHROOT FG". */
static void
helper_spawn(struct helper *h, const sigset_t *oldmask)
{
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair");
	/* Our end only: a stuck worker must not wedge the helper. */
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl O_NONBLOCK");
	fflush(NULL);
	if ((h->worker = fork()) == -1)
		fatal("fork");
	if (h->worker == 0)
		helper_child(h, sv[1], oldmask);
	close(sv[1]);
	h->chan = sv[0];
}

/* Open every socket the worker needs, as root (SO_RCVBUFFORCE). */
static void
helper_open(struct helper *h)
{
	const struct config	*conf = h->conf;
	struct msg_conf_slot	*s;
	char			 err[512];
	char			 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	size_t			 i;

	for (i = 0; i < conf->nifaces; i++) {
		s = &h->slots[i];
		s->slot = (uint32_t)i;
		if ((h->pktfd[i] = rawsock_open_packet(conf->ifnames[i],
		    conf->ports, conf->nports, s, err, sizeof(err))) == -1)
			helper_die(h, "%s", err);
		inet_ntop(AF_INET, &s->addr, a, sizeof(a));
		inet_ntop(AF_INET, &s->bcast, b, sizeof(b));
		log_info("interface %s: index %d, mac %02x:%02x:%02x:%02x:%02x:"
		    "%02x, mtu %u, address %s, broadcast %s", s->ifname,
		    s->ifindex, s->mac[0], s->mac[1], s->mac[2], s->mac[3],
		    s->mac[4], s->mac[5], s->mtu, a, b);
		if (s->addr == 0)
			log_warnx("interface %s has no IPv4 address: frames"
			    " from the mesh go to 255.255.255.255", s->ifname);
	}
	if ((h->meshfd = rawsock_open_mesh(conf->mesh_port, err,
	    sizeof(err))) == -1)
		helper_die(h, "%s", err);
}

/* See helper.h. */
void
helper_main(const struct config *conf)
{
	static struct helper	 h;
	struct msg_hello	 hello;
	sigset_t		 oldmask;
	char			 err[512];
	ssize_t			 n;
	uid_t			 uid;
	gid_t			 gid;
	int			 fd;

	/* Fds 0-2 open, so that no socket lands on them; nothing inherited. */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= STDERR_FILENO)
		;
	if (fd == -1)
		fatal("/dev/null");
	if (close_range(STDERR_FILENO + 1, ~0U, 0) == -1)
		fatal("close_range");
	h.conf = conf;
	h.worker = -1;
	log_init(1, conf->log_level);
	/* Exec exactly this binary later, not whatever PATH finds. */
	if ((n = readlink("/proc/self/exe", h.exe, sizeof(h.exe) - 1)) == -1)
		fatal("readlink /proc/self/exe");
	h.exe[n] = '\0';
	/* Before daemon(), so that the operator sees these errors. */
	if (privdrop_lookup(conf->user, &uid, &gid, err, sizeof(err)) == -1 ||
	    privdrop_prepare_chroot(conf->chroot, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (!conf->foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, conf->log_level);
	}
	if (conf->npeers == 0)
		log_warnx("no --other-relays configured: captured broadcasts"
		    " will be counted but not forwarded");

	helper_signals(&oldmask);
	helper_spawn(&h, &oldmask);
	helper_open(&h);
	privdrop_helper(conf->user);
	memset(&hello, 0, sizeof(hello));
	hello.version = PROTO_VERSION;
	hello.pid = (uint32_t)getpid();
	if (helper_send(&h, MSG_HELLO, &hello, sizeof(hello), -1) == -1)
		helper_die(&h, "cannot greet the worker");
	log_info("started: worker %ld, user %s, chroot %s", (long)h.worker,
	    conf->user, conf->chroot);
	helper_loop(&h);
}
