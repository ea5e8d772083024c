/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The privileged helper: starts the worker, opens its sockets, drops to
 * CAP_NET_RAW, pushes the configuration and the mesh keys, then logs the
 * worker's lines and turns signals into messages (SIGHUP: reload the keys).
 * No packet parsing, no libevent.
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
#include "helper_int.h"
#include "keyfile.h"
#include "log.h"
#include "privdrop.h"
#include "proto.h"
#include "rawsock.h"
#include "resolver.h"
#include "ringsock.h"
#include "spawn.h"

#define HELPER_READY_MS		10000	/* exec to MSG_READY */
#define HELPER_EXIT_MS		1000	/* MSG_SHUTDOWN or EOF to exit */
#define HELPER_BATCH		64	/* messages per wake-up */
#define HELPER_DRAIN		1024	/* more than a full channel holds */


/* Set by the handler, acted on by the ppoll loop. */
static volatile sig_atomic_t	 helper_sig[NSIG];
static const int		 helper_sigs[] = { SIGTERM, SIGINT, SIGUSR1,
				    SIGCHLD, SIGHUP };

/* A compromised worker must not be able to flood syslog. */
static struct log_ratelimit	 worker_rl = LOG_RATELIMIT_INIT(1, 200);


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

/* Log why, SIGKILL and reap the worker, exit 1. */
void
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
	else if (spawn_reap(&h->worker, &status, 0))
		spawn_report(status, LOG_ERR);
	exit(1);
}

/* Send one message; a full channel gets about a second to drain. */
int
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

/*
 * --discover: the resolver process, without CAP_NET_RAW. Forked once the
 * worker is ready, so that the mesh keys have left the helper's memory
 * (helper_send_keys clears them) and the resolver never holds them.
 */
static void
helper_start_resolver(struct helper *h)
{
	pid_t	 pid;

	if (h->conf->discover[0] == '\0')
		return;
	pid = resolver_start(h->conf->discover, h->conf->discover_interval,
	    &h->resfd);
	log_info("discover %s: looked up every %u s by process %ld",
	    h->conf->discover, h->conf->discover_interval, (long)pid);
}

/* Act on one message that passed the table; enforce the phases. */
static void
helper_handle(struct helper *h, const struct channel_msg *msg)
{
	struct msg_hello	 hello;
	struct msg_capture_mode	 mode;

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
		helper_start_resolver(h);
		break;
	case MSG_LOG:
		helper_worker_log(msg);
		break;
	case MSG_CAPTURE_MODE:
		if (!h->configured)
			helper_die(h, "worker protocol violation: "
			    "MSG_CAPTURE_MODE before the configuration");
		memcpy(&mode, msg->data, sizeof(mode));
		helper_capture_mode(h, &mode);
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
	while (!spawn_reap(&h->worker, &status, WNOHANG)) {
		if (!helper_left(&ts, deadline)) {
			log_warnx("worker did not exit within %d ms: killing"
			    " it", HELPER_EXIT_MS);
			if (kill(h->worker, SIGKILL) == -1 && errno != ESRCH)
				fatal("kill worker %ld", (long)h->worker);
			h->killed = 1;
			(void)spawn_reap(&h->worker, &status, 0);
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
	spawn_report(status, code == 0 && (status == 0 || h->killed) ?
	    LOG_INFO : LOG_ERR);
	if (code == 0)
		log_info("exiting");
	exit(code);
}

/* The main loop: signals are delivered only inside ppoll. */
static void __attribute__((noreturn))
helper_loop(struct helper *h)
{
	struct pollfd	 pfd[2];
	struct timespec	 ts;
	siginfo_t	 si;
	sigset_t	 none;
	int64_t		 deadline = helper_deadline(HELPER_READY_MS);

	sigemptyset(&none);
	for (;;) {
		if (!h->ready && !helper_left(&ts, deadline))
			helper_die(h, "worker not ready after %d s",
			    HELPER_READY_MS / 1000);
		memset(pfd, 0, sizeof(pfd));
		pfd[0].fd = h->chan;
		pfd[0].events = POLLIN;
		pfd[1].fd = h->resfd;	/* -1 without --discover: ignored */
		pfd[1].events = POLLIN;
		if (ppoll(pfd, 2, h->ready ? NULL : &ts, &none) == -1 &&
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
		/* Before READY, keys would break the config sequence: wait. */
		if (h->ready && helper_took(SIGHUP))
			helper_reload(h);
		if (pfd[0].revents != 0 &&
		    helper_dispatch(h, HELPER_BATCH) == 0) {
			log_errx("channel to the worker closed");
			helper_exit(h, 1);
		}
		if (pfd[1].revents != 0)
			helper_discovered(h);
	}
}

/*
 * The capture ring of slot i, if configured. Without one the relay still
 * works (per-frame capture only): warn and go on.
 */
static void
helper_open_ring(struct helper *h, size_t i)
{
	char	 err[512];

	h->ringfd[i] = -1;
	if (h->conf->capture_ring == 0)
		return;
	h->rings[i].slot = (uint32_t)i;
	h->ringfd[i] = ringsock_open(h->slots[i].ifname, h->slots[i].ifindex,
	    h->conf->ports, h->conf->nports, h->conf->capture_ring,
	    &h->rings[i], err, sizeof(err));
	if (h->ringfd[i] == -1)
		log_warnx("%s; capturing without it", err);
	h->slots[i].ring = h->ringfd[i] != -1;
}

/* Open every socket the worker needs, as root (SO_RCVBUFFORCE). */
static void
helper_open(struct helper *h)
{
	const struct config	*conf = h->conf;
	struct msg_conf_slot	*s;
	char			 err[512];
	char			 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	size_t			 i, j;

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
		helper_open_ring(h, i);
	}
	/* The kernel drops mesh datagrams from anyone else. */
	for (i = 0; i < conf->npeers; i++) {
		for (j = 0; j < h->npeeraddrs; j++)
			if (h->peeraddrs[j] == conf->peers[i].addr)
				break;
		if (j == h->npeeraddrs)
			h->peeraddrs[h->npeeraddrs++] = conf->peers[i].addr;
	}
	if ((h->meshfd = rawsock_open_mesh(conf->mesh_port, h->peeraddrs,
	    h->npeeraddrs, err, sizeof(err))) == -1)
		helper_die(h, "%s", err);
	h->meshgso = rawsock_mesh_gso(h->meshfd);
	if (conf->mesh_gso && !h->meshgso)
		log_info("mesh-gso on, but this kernel has no UDP GSO"
		    " (UDP_SEGMENT): mesh datagrams go one by one");
}

/* Read the mesh keys as root, before the worker exists; exit 1 on error. */
static void
helper_read_keys(struct helper *h)
{
	const struct config	*conf = h->conf;
	char			 err[512];

	if (conf->mesh_key_file[0] == '\0' || conf->mesh_auth == MESH_AUTH_OFF)
		return;
	if (keyfile_read(conf->mesh_key_file, &h->keys, err,
	    sizeof(err)) == -1) {
		keyfile_clear(&h->keys);
		fatalx("mesh-key-file: %s", err);
	}
	h->usekeys = 1;
}

/* What each peer given by name resolved to (config_resolve.c, in main). */
static void
helper_log_names(const struct config *conf)
{
	char	 a[INET_ADDRSTRLEN + 16];
	size_t	 i;

	for (i = 0; i < conf->npeers; i++)
		if (config_peer_resolved(&conf->peers[i], a, sizeof(a)))
			log_info("peer %s is %s:%u (resolved at start-up)",
			    conf->peers[i].host, a, conf->peers[i].port);
}

/* See helper.h. */
void
helper_main(const struct config *conf)
{
	static struct helper	 h;
	struct msg_hello	 hello;
	sigset_t		 oldmask;
	char			 err[512], ids[16];
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
	h.resfd = -1;
	log_init(1, conf->log_level);
	/* Before daemon(), so that the operator sees these errors. */
	if (privdrop_lookup(conf->user, &uid, &gid, err, sizeof(err)) == -1 ||
	    privdrop_prepare_chroot(conf->chroot, err, sizeof(err)) == -1)
		fatalx("%s", err);
	helper_read_keys(&h);
	if (!conf->foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, conf->log_level);
	}
	if (conf->npeers == 0 && conf->discover[0] == '\0')
		log_warnx("no --other-relays configured: captured broadcasts"
		    " will be counted but not forwarded");
	helper_log_names(conf);
	helper_key_ids(&h.keys, ids, sizeof(ids));
	log_info("mesh authentication %s%s%s", config_auth_name(conf->mesh_auth),
	    h.usekeys ? ", key ids " : "", h.usekeys ? ids : "");

	helper_signals(&oldmask);
	h.worker = spawn_worker(conf, &oldmask, &h.chan);
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
