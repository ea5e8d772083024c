/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker role: drop privileges, build the event loop, enter the
 * sandbox, then take the configuration from the helper and relay.
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "auth.h"
#include "channel.h"
#include "discover.h"
#include "drain.h"
#include "hello.h"
#include "log.h"
#include "meshio.h"
#include "meshkeys.h"
#include "privdrop.h"
#include "proto.h"
#include "relay.h"
#include "sandbox.h"
#include "snowrelayd.h"
#include "worker.h"

/* Where the channel conversation is: what the next message must be. */
enum worker_phase {
	PHASE_HELLO,
	PHASE_GLOBAL,
	PHASE_SLOTS,
	PHASE_PEERS,
	PHASE_KEYS,
	PHASE_MESH,
	PHASE_END,
	PHASE_RUN,
};

static struct {
	enum worker_phase	 phase;
	struct event_base	*base;
	struct event		*chan_ev;
	struct relay		*relay;
	uint32_t		 nslots;
	uint32_t		 npeers;
	uint16_t		 discover;	/* MSG_PEERS may come */
	uint32_t		 nkeys;
	int			 mesh_fd;
	pid_t			 pid;
	int			 ring_next;	/* the last slot's ring comes next */
	int			 in_sink;
	unsigned long		 log_lost;	/* lines the channel refused */
} w;

static int	 worker_send(uint32_t, const void *, size_t);
static int	 worker_send_log(int, const char *);
static void	 worker_log_sink(int, const char *);
static void	 worker_event_log_cb(int, const char *);
static void	 worker_event_fatal_cb(int);
static struct event_base *worker_event_base(void);
static void	 worker_channel_cb(int, short, void *);
static void	 worker_expect(const struct channel_msg *, uint32_t);
static void	 worker_dispatch(struct channel_msg *);
static void	 worker_conf_global(const struct channel_msg *);
static void	 worker_conf_slot(const struct channel_msg *);
static void	 worker_conf_ring(const struct channel_msg *);
static void	 worker_conf_peer(const struct channel_msg *);
static void	 worker_global_check(const struct msg_conf_global *);
static void	 worker_options(const struct msg_conf_global *,
		    struct relay_options *);
static void	 worker_reload_keys(struct channel_msg *);
static void	 worker_run(struct channel_msg *);
static void	 worker_log_startup(const struct relay *);
static void	 worker_start(void);

/*
 * Send one message without blocking: a slow helper costs log lines (they
 * are counted), never relaying. channel_send blocks, so frame it here.
 */
static int
worker_send(uint32_t type, const void *data, size_t len)
{
	struct msg_hdr	 hdr;
	struct iovec	 iov[2];
	struct msghdr	 mh;

	hdr.type = type;
	hdr.len = (uint32_t)len;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)data;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	return sendmsg(CHANNEL_FD, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == -1 ?
	    -1 : 0;
}

/* One MSG_LOG line. */
static int
worker_send_log(int prio, const char *line)
{
	struct msg_log	 m;

	memset(&m, 0, sizeof(m));
	m.level = prio;
	snprintf(m.text, sizeof(m.text), "%s", line);
	return worker_send(MSG_LOG, &m, sizeof(m));
}

/* log.c sink: every line becomes a MSG_LOG to the helper. */
static void
worker_log_sink(int prio, const char *line)
{
	char	 lost[64];

	/* Never recurse: a line logged while sending one is lost. */
	if (w.in_sink) {
		w.log_lost++;
		return;
	}
	w.in_sink = 1;
	if (w.log_lost > 0) {
		snprintf(lost, sizeof(lost),
		    "%lu log lines lost (channel full)", w.log_lost);
		if (worker_send_log(LOG_WARNING, lost) == 0)
			w.log_lost = 0;
	}
	/*
	 * No stderr fallback even with -d: the sandbox forbids write(2), and
	 * the helper prints what it receives.
	 */
	if (worker_send_log(prio, line) == -1)
		w.log_lost++;
	w.in_sink = 0;
}

/* libevent's own diagnostics, at the matching level. */
static void
worker_event_log_cb(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("libevent: %s", msg);
		break;
	case EVENT_LOG_MSG:
		log_info("libevent: %s", msg);
		break;
	case EVENT_LOG_WARN:
		log_warnx("libevent: %s", msg);
		break;
	default:
		log_errx("libevent: %s", msg);
		break;
	}
}

static void
worker_event_fatal_cb(int err)
{
	fatalx("libevent fatal error %d", err);
}

/* One epoll event_base; environment variables cannot change the backend. */
static struct event_base *
worker_event_base(void)
{
	struct event_config	*cfg;
	struct event_base	*base;
	const char		*method;

	event_set_log_callback(worker_event_log_cb);
	event_set_fatal_callback(worker_event_fatal_cb);
	if ((cfg = event_config_new()) == NULL)
		fatalx("event_config_new failed");
	if (event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV |
	    EVENT_BASE_FLAG_NOLOCK) == -1 ||
	    event_config_avoid_method(cfg, "select") == -1 ||
	    event_config_avoid_method(cfg, "poll") == -1)
		fatalx("event_config failed");
	if ((base = event_base_new_with_config(cfg)) == NULL)
		fatalx("cannot create the event loop (epoll)");
	event_config_free(cfg);
	method = event_base_get_method(base);
	/* The sandbox allows epoll only. */
	if (strcmp(method, "epoll") != 0)
		fatalx("event loop backend is %s, not epoll", method);
	/* Capture before mesh (relay_start); set before any event exists. */
	if (event_base_priority_init(base, RELAY_NPRIO) == -1)
		fatalx("event_base_priority_init failed");
	return base;
}

void
worker_main(const char *user, const char *chroot_dir, int foreground)
{
	struct msg_hello	 hello;

	/*
	 * First of all: every line goes to the helper, even fatal ones. The
	 * helper decides between stderr (-d, foreground) and syslog.
	 */
	(void)foreground;
	log_setsink(worker_log_sink);
	log_procname("worker");

	/* The helper handles signals; the worker acts on messages only. */
	if (signal(SIGTERM, SIG_IGN) == SIG_ERR ||
	    signal(SIGINT, SIG_IGN) == SIG_ERR ||
	    signal(SIGHUP, SIG_IGN) == SIG_ERR ||
	    signal(SIGUSR1, SIG_IGN) == SIG_ERR ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal");
	w.pid = getpid();

	privdrop_worker(user, chroot_dir);
	w.base = worker_event_base();
	/* Allocate and register before the sandbox narrows what is allowed. */
	w.relay = relay_new();
	w.relay->tell_helper = worker_send;
	w.chan_ev = event_new(w.base, CHANNEL_FD, EV_READ | EV_PERSIST,
	    worker_channel_cb, NULL);
	if (w.chan_ev == NULL ||
	    event_priority_set(w.chan_ev, RELAY_PRIO_CONTROL) == -1 ||
	    event_add(w.chan_ev, NULL) == -1)
		fatalx("cannot watch the helper channel");
	sandbox_enter(drain_timer_fd(w.relay));

	/* Only now does anything from the helper get read. */
	memset(&hello, 0, sizeof(hello));
	hello.version = PROTO_VERSION;
	hello.pid = (uint32_t)w.pid;
	if (channel_send(CHANNEL_FD, MSG_HELLO, &hello, sizeof(hello),
	    -1) == -1)
		fatal("channel: send hello");
	w.phase = PHASE_HELLO;
	event_base_dispatch(w.base);
	fatalx("event loop ended");
}

/* The helper channel is readable: take one message. */
static void
worker_channel_cb(int fd, short events, void *arg)
{
	struct channel_msg	 msg;
	char			 why[256];

	switch (channel_recv(fd, TO_WORKER, &msg, why, sizeof(why))) {
	case 0:
		log_warnx("helper went away");
		exit(1);
	case -1:
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		fatalx("channel: %s", why);
	default:
		worker_dispatch(&msg);
		break;
	}
}

/* Fatal unless msg is of type want: the conversation has a fixed order. */
static void
worker_expect(const struct channel_msg *msg, uint32_t want)
{
	if (msg->hdr.type != want)
		fatalx("channel: %s received, %s expected",
		    proto_type_name(msg->hdr.type), proto_type_name(want));
}

/* Act on one checked message according to the phase. */
static void
worker_dispatch(struct channel_msg *msg)
{
	struct msg_hello	 hello;
	struct msg_mesh_fd	 mesh;

	switch (w.phase) {
	case PHASE_HELLO:
		worker_expect(msg, MSG_HELLO);
		memcpy(&hello, msg->data, sizeof(hello));
		if (hello.version != PROTO_VERSION)
			fatalx("channel: helper speaks protocol %u, worker %u",
			    hello.version, PROTO_VERSION);
		w.phase = PHASE_GLOBAL;
		break;
	case PHASE_GLOBAL:
		worker_expect(msg, MSG_CONF_GLOBAL);
		worker_conf_global(msg);
		w.phase = PHASE_SLOTS;
		break;
	case PHASE_SLOTS:
		worker_expect(msg, w.ring_next ? MSG_CONF_RING : MSG_CONF_SLOT);
		if (w.ring_next)
			worker_conf_ring(msg);
		else
			worker_conf_slot(msg);
		if (w.relay->nslots == w.nslots && !w.ring_next)
			w.phase = w.npeers > 0 ? PHASE_PEERS :
			    w.nkeys > 0 ? PHASE_KEYS : PHASE_MESH;
		break;
	case PHASE_PEERS:
		worker_expect(msg, MSG_CONF_PEER);
		worker_conf_peer(msg);
		if (w.relay->peers.npeers == w.npeers)
			w.phase = w.nkeys > 0 ? PHASE_KEYS : PHASE_MESH;
		break;
	case PHASE_KEYS:
		worker_expect(msg, MSG_CONF_KEYS);
		worker_reload_keys(msg);
		w.phase = PHASE_MESH;
		break;
	case PHASE_MESH:
		worker_expect(msg, MSG_MESH_FD);
		memcpy(&mesh, msg->data, sizeof(mesh));
		if (msg->fd < 0 || msg->fd == CHANNEL_FD)
			fatalx("channel: MSG_MESH_FD: bad fd %d", msg->fd);
		if (mesh.port == 0)
			fatalx("channel: MSG_MESH_FD: port 0");
		if (mesh.flags & ~MESH_FD_GSO)
			fatalx("channel: MSG_MESH_FD: unknown flags 0x%04x",
			    mesh.flags);
		w.mesh_fd = msg->fd;
		w.relay->mesh_gso = (mesh.flags & MESH_FD_GSO) != 0;
		w.phase = PHASE_END;
		break;
	case PHASE_END:
		worker_expect(msg, MSG_CONF_END);
		worker_start();
		w.phase = PHASE_RUN;
		break;
	case PHASE_RUN:
		worker_run(msg);
		break;
	}
}

/* A message while relaying: counters, a key reload or the end. */
static void
worker_run(struct channel_msg *msg)
{
	struct msg_ring_ready	 ready;
	struct msg_peers	 peers;

	switch (msg->hdr.type) {
	case MSG_DUMP_COUNTERS:
		relay_log_counters(w.relay);
		break;
	case MSG_CONF_KEYS:
		worker_reload_keys(msg);
		break;
	case MSG_PEERS:
		if (!w.discover)
			fatalx("channel: MSG_PEERS without discovery");
		memcpy(&peers, msg->data, sizeof(peers));
		discover_apply(w.relay, &peers);
		break;
	case MSG_RING_READY:
		memcpy(&ready, msg->data, sizeof(ready));
		if (ready.slot >= w.relay->nslots ||
		    w.relay->slots[ready.slot].ring.fd == -1 || ready.ok > 1)
			fatalx("channel: MSG_RING_READY: slot %u ok %u",
			    ready.slot, ready.ok);
		capring_ready(w.relay, &w.relay->slots[ready.slot], ready.ok);
		break;
	case MSG_SHUTDOWN:
		relay_log_counters(w.relay);
		log_info("shutting down");
		/*
		 * Nothing is buffered (every line went out in its own send),
		 * so skip atexit handlers: a sanitizer build's leak check
		 * needs ptrace and /proc, both given up in privdrop.
		 */
		_exit(0);
	default:
		fatalx("channel: %s received after the configuration",
		    proto_type_name(msg->hdr.type));
	}
}

/* MSG_CONF_GLOBAL: counts, ports, log level, mesh and limits, range-checked. */
static void
worker_conf_global(const struct channel_msg *msg)
{
	struct msg_conf_global	 g;
	struct relay_options	 o;

	memcpy(&g, msg->data, sizeof(g));
	worker_global_check(&g);
	if (relay_set_ports(w.relay, g.ports, g.nports) == -1)
		fatalx("channel: MSG_CONF_GLOBAL: bad ports");
	worker_options(&g, &o);
	if (relay_configure(w.relay, &o) == -1)
		fatal("channel: MSG_CONF_GLOBAL: relay settings");
	explicit_bzero(&o, sizeof(o));
	w.nslots = g.nslots;
	w.npeers = g.npeers;
	w.discover = g.discover;
	w.nkeys = g.nkeys;
	log_setlevel(g.log_level);
}

/* Fatal unless every field of g is in range and consistent. */
static void
worker_global_check(const struct msg_conf_global *g)
{
	uint32_t	 i;

	if (g->nslots < 1 || g->nslots > MAX_IFACES)
		fatalx("channel: MSG_CONF_GLOBAL: nslots %u not in 1..%d",
		    g->nslots, MAX_IFACES);
	if (g->discover > 1)
		fatalx("channel: MSG_CONF_GLOBAL: discover %u", g->discover);
	if (g->npeers > MAX_PEERS)
		fatalx("channel: MSG_CONF_GLOBAL: npeers %u above %d",
		    g->npeers, MAX_PEERS);
	if (g->nports < 1 || g->nports > MAX_PORTS)
		fatalx("channel: MSG_CONF_GLOBAL: nports %u not in 1..%d",
		    g->nports, MAX_PORTS);
	for (i = 0; i < g->nports; i++)
		if (g->ports[i] == 0)
			fatalx("channel: MSG_CONF_GLOBAL: port %u is 0", i);
	if (g->log_level < LOG_EMERG || g->log_level > LOG_DEBUG)
		fatalx("channel: MSG_CONF_GLOBAL: log level %d", g->log_level);
	if (g->auth_mode > MESH_AUTH_REQUIRED)
		fatalx("channel: MSG_CONF_GLOBAL: auth_mode %u", g->auth_mode);
	if (g->nkeys > AUTH_MAX_KEYS ||
	    (g->auth_mode != MESH_AUTH_OFF) != (g->nkeys > 0))
		fatalx("channel: MSG_CONF_GLOBAL: nkeys %u with auth_mode %u",
		    g->nkeys, g->auth_mode);
	if (g->hello_interval < 1 || g->hello_interval > 3600)
		fatalx("channel: MSG_CONF_GLOBAL: hello_interval %u not in "
		    "1..3600", g->hello_interval);
	if (g->freshness < 1 || g->freshness > 3600)
		fatalx("channel: MSG_CONF_GLOBAL: freshness %u not in 1..3600",
		    g->freshness);
	if (g->dedup_window_ms < 1 || g->dedup_window_ms > 60000)
		fatalx("channel: MSG_CONF_GLOBAL: dedup_window_ms %u not in "
		    "1..60000", g->dedup_window_ms);
	/* A limited rate needs room for at least one packet. */
	if ((g->rate_source > 0 && g->burst_source < 1) ||
	    (g->rate_peer > 0 && g->burst_peer < 1) ||
	    (g->rate_global > 0 && g->burst_global < 1))
		fatalx("channel: MSG_CONF_GLOBAL: burst 0 with a rate limit");
	if (g->coalesce_pps > COALESCE_PPS_MAX ||
	    g->coalesce_us < COALESCE_INTERVAL_MIN ||
	    g->coalesce_us > COALESCE_INTERVAL_MAX)
		fatalx("channel: MSG_CONF_GLOBAL: coalesce %u/%u out of range",
		    g->coalesce_pps, g->coalesce_us);
}

/*
 * The relay settings from g plus what the worker makes itself: a random
 * relay id and hash keys, and a first sequence number from the wall clock
 * in nanoseconds, so a restarted relay starts far ahead of its last one.
 */
static void
worker_options(const struct msg_conf_global *g, struct relay_options *o)
{
	struct timespec	 ts;
	uint8_t		 rnd[4 + sizeof(o->hashkey)];

	memset(o, 0, sizeof(*o));
	o->mode = g->auth_mode;
	o->hello_interval = g->hello_interval;
	o->freshness = g->freshness;
	o->dedup_window_ms = g->dedup_window_ms;
	o->rate_source.rate = g->rate_source;
	o->rate_source.burst = g->burst_source;
	o->rate_peer.rate = g->rate_peer;
	o->rate_peer.burst = g->burst_peer;
	o->rate_global.rate = g->rate_global;
	o->rate_global.burst = g->burst_global;
	o->coalesce_pps = g->coalesce_pps;
	o->coalesce_us = g->coalesce_us;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		fatal("getrandom");
	memcpy(&o->relay_id, rnd, 4);
	memcpy(o->hashkey, rnd + 4, sizeof(o->hashkey));
	explicit_bzero(rnd, sizeof(rnd));
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		fatal("clock_gettime");
	o->seq = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* MSG_CONF_SLOT: the next interface slot, in order, with its socket. */
static void
worker_conf_slot(const struct channel_msg *msg)
{
	struct msg_conf_slot	 s;

	memcpy(&s, msg->data, sizeof(s));
	s.ifname[sizeof(s.ifname) - 1] = '\0';
	if (s.slot != w.relay->nslots)
		fatalx("channel: MSG_CONF_SLOT: slot %u, expected %zu", s.slot,
		    w.relay->nslots);
	if (s.ifindex <= 0)
		fatalx("channel: MSG_CONF_SLOT: slot %u: ifindex %d", s.slot,
		    s.ifindex);
	if (s.ifname[0] == '\0')
		fatalx("channel: MSG_CONF_SLOT: slot %u: empty name", s.slot);
	if (msg->fd < 0 || msg->fd == CHANNEL_FD)
		fatalx("channel: MSG_CONF_SLOT: slot %u: bad fd %d", s.slot,
		    msg->fd);
	if (s.ring > 1)
		fatalx("channel: MSG_CONF_SLOT: slot %u: ring %u", s.slot,
		    s.ring);
	if (relay_add_slot(w.relay, msg->fd, s.ifindex, s.ifname, s.mac,
	    s.bcast) == -1)
		fatal("channel: MSG_CONF_SLOT: slot %u", s.slot);
	w.ring_next = s.ring;
}

/* MSG_CONF_RING: the capture ring of the slot just added. */
static void
worker_conf_ring(const struct channel_msg *msg)
{
	struct msg_conf_ring	 m;
	struct relay_slot	*s = &w.relay->slots[w.relay->nslots - 1];

	memcpy(&m, msg->data, sizeof(m));
	if (m.slot != w.relay->nslots - 1 || msg->fd < 0 ||
	    msg->fd == CHANNEL_FD)
		fatalx("channel: MSG_CONF_RING: slot %u (expected %zu), fd %d",
		    m.slot, w.relay->nslots - 1, msg->fd);
	if (capring_set(&s->ring, msg->fd, m.block_size, m.block_nr) == -1)
		fatalx("channel: MSG_CONF_RING: slot %u: %u blocks of %u bytes",
		    m.slot, m.block_nr, m.block_size);
	w.ring_next = 0;
}

/* MSG_CONF_PEER: one mesh peer, no duplicates, a format the mode allows. */
static void
worker_conf_peer(const struct channel_msg *msg)
{
	struct msg_conf_peer	 p;
	const uint8_t		*a = (const uint8_t *)&p.addr;

	memcpy(&p, msg->data, sizeof(p));
	errno = 0;
	if (p.addr == 0 || p.addr == 0xffffffff || p.port == 0 ||
	    relay_add_peer(w.relay, p.addr, p.port) == -1)
		fatalx("channel: MSG_CONF_PEER: %s peer %u.%u.%u.%u:%u",
		    errno == EEXIST ? "duplicate" : "bad", a[0], a[1], a[2],
		    a[3], p.port);
	if (p.format > PEER_FORMAT_NATIVE ||
	    relay_set_peer_format(w.relay, p.format) == -1)
		fatalx("channel: MSG_CONF_PEER: peer %u.%u.%u.%u:%u: format %u "
		    "with auth_mode %d", a[0], a[1], a[2], a[3], p.port,
		    p.format, w.relay->auth.mode);
}

/* MSG_CONF_KEYS, at start or on a reload: install them, tell the peers. */
static void
worker_reload_keys(struct channel_msg *msg)
{
	struct auth_keyring	 kr;
	struct relay_now	 now;

	if (w.phase == PHASE_RUN && w.relay->auth.mode == MESH_AUTH_OFF) {
		explicit_bzero(msg->data, sizeof(msg->data));
		log_warnx("mesh keys received with mesh-auth off: ignored");
		return;
	}
	meshkeys_from_msg(msg->data, &kr);
	if (w.phase == PHASE_KEYS && kr.nkeys != w.nkeys)
		fatalx("channel: MSG_CONF_KEYS: %zu keys, %u announced",
		    kr.nkeys, w.nkeys);
	relay_clock(&now);
	meshkeys_set(w.relay, &kr, now.ms);
	explicit_bzero(&kr, sizeof(kr));
	if (w.phase == PHASE_RUN)
		meshkeys_reloaded(w.relay);
}

/* Log what is relayed where; warn if nothing will be forwarded. */
static void
worker_log_startup(const struct relay *r)
{
	char	 ports[MAX_PORTS * 6 + 1] = "", ifs[sizeof(r->slots[0].name) *
		     MAX_IFACES + MAX_IFACES] = "";
	size_t	 i, len;

	for (i = 0; i < r->nports; i++) {
		len = strlen(ports);
		snprintf(ports + len, sizeof(ports) - len, "%s%u",
		    i > 0 ? "," : "", r->ports[i]);
	}
	for (i = 0; i < r->nslots; i++) {
		len = strlen(ifs);
		snprintf(ifs + len, sizeof(ifs) - len, "%s%s",
		    i > 0 ? "," : "", r->slots[i].name);
	}
	log_info("relaying ports %s on %s to %zu peer%s", ports, ifs,
	    r->peers.npeers, r->peers.npeers == 1 ? "" : "s");
	log_info("relay id %08x, sequence start %llu, mesh-auth %s",
	    r->auth.relay_id, (unsigned long long)r->auth.seq,
	    r->auth.mode == MESH_AUTH_REQUIRED ? "required" :
	    r->auth.mode == MESH_AUTH_ACCEPT_BOTH ? "accept-both" : "off");
	log_info("mesh: UDP GSO %s", r->mesh_gso ? "on: equal-size datagrams"
	    " to a peer go in one send" : "off: every datagram on its own");
	if (r->peers.npeers == 0 && w.discover)
		log_info("no mesh peers yet: forwarding starts when discovery"
		    " finds one");
	else if (r->peers.npeers == 0)
		log_warnx("no mesh peers configured: "
		    "nothing will be forwarded");
}

/* MSG_CONF_END: start relaying and tell the helper. */
static void
worker_start(void)
{
	if (relay_start(w.relay, w.base, w.mesh_fd) == -1)
		fatalx("cannot register the relay events");
	worker_log_startup(w.relay);
	if (channel_send(CHANNEL_FD, MSG_READY, NULL, 0, -1) == -1)
		fatal("channel: send ready");
}
