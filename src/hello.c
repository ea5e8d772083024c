/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Mesh liveness: our HELLO every hello-interval seconds, received HELLOs
 * applied to their peer, and a tick that marks silent peers down.
 */
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "hello.h"
#include "meshtx.h"
#include "meshkeys.h"

static void	 hello_timer_cb(int, short, void *);
static void	 hello_tick_cb(int, short, void *);
static size_t	 hello_encode(struct relay *, uint8_t *, size_t);

int
hello_start(struct relay *r, struct event_base *base)
{
	struct timeval	 hello_tv, tick_tv;

	hello_tv.tv_sec = r->auth.hello_interval;
	hello_tv.tv_usec = 0;
	tick_tv.tv_sec = HELLO_TICK_MS / 1000;
	tick_tv.tv_usec = (HELLO_TICK_MS % 1000) * 1000;
	/* libevent timers are epoll timeouts: no timerfd, fine for seccomp. */
	r->hello_ev = event_new(base, -1, EV_PERSIST, hello_timer_cb, r);
	r->tick_ev = event_new(base, -1, EV_PERSIST, hello_tick_cb, r);
	if (r->hello_ev == NULL || r->tick_ev == NULL ||
	    event_priority_set(r->hello_ev, RELAY_PRIO_CONTROL) == -1 ||
	    event_priority_set(r->tick_ev, RELAY_PRIO_CONTROL) == -1 ||
	    event_add(r->hello_ev, &hello_tv) == -1 ||
	    event_add(r->tick_ev, &tick_tv) == -1)
		return -1;
	hello_send(r);
	return 0;
}

/* Our HELLO payload: interval, version, accepted key ids, slot MACs. */
static size_t
hello_encode(struct relay *r, uint8_t *out, size_t outlen)
{
	struct mesh_hello	 h;
	size_t			 i;

	memset(&h, 0, sizeof(h));
	h.interval = (uint16_t)r->auth.hello_interval;
	snprintf(h.version, sizeof(h.version), "%s", PACKAGE_VERSION);
	/* Accept-only keys are not advertised: nobody should send with them. */
	for (i = 0; i < r->auth.keys.nkeys && i < AUTH_MAX_KEYS; i++)
		h.key_ids[h.nkeys++] = r->auth.keys.keys[i].id;
	for (i = 0; i < r->nslots && i < MAX_IFACES; i++)
		memcpy(h.macs[h.nmacs++], r->slots[i].mac, 6);
	return mesh_hello_encode(out, outlen, &h);
}

void
hello_send(struct relay *r)
{
	uint8_t			 payload[MESH_HELLO_MAX];
	struct relay_now	 now;
	size_t			 len;

	if (r->auth.mode == MESH_AUTH_OFF || r->auth.keys.nkeys == 0)
		return;
	if ((len = hello_encode(r, payload, sizeof(payload))) == 0)
		fatalx("hello: our HELLO does not fit %zu bytes",
		    sizeof(payload));
	relay_clock(&now);
	meshtx_send_hello(r, payload, len, &now);
}

/* Every hello-interval seconds. */
static void
hello_timer_cb(int fd, short events, void *arg)
{
	hello_send(arg);
}

/* Mark peers down that stopped sending HELLOs; retire accept-only keys. */
static void
hello_tick_cb(int fd, short events, void *arg)
{
	struct relay		*r = arg;
	struct relay_now	 now;
	struct peer		*p;
	char			 addr[32];
	size_t			 i;

	relay_clock(&now);
	for (i = 0; i < r->peers.npeers; i++) {
		p = &r->peers.peers[i];
		if (!peer_tick(p, now.ms))
			continue;
		relay_addr(addr, sizeof(addr), p->addr, p->port);
		log_warnx("peer %s down: no HELLO for %llu s", addr,
		    (unsigned long long)((now.ms - p->last_hello_ms) / 1000));
	}
	if (meshkeys_expire(r, now.ms))
		log_info("mesh: keys removed at the last reload are no "
		    "longer accepted");
}

enum mesh_err
hello_received(struct relay *r, struct peer *p, uint32_t relay_id,
    const uint8_t *payload, size_t len, const struct relay_now *now)
{
	struct mesh_hello	 h;
	char			 addr[32], version[sizeof(h.version) * 4];
	int			 ret;

	if (mesh_hello_decode(payload, len, &h) != MESH_OK)
		return MESH_BAD_HELLO;
	/*
	 * A restart (new relay id) was logged by meshio, which notes the
	 * relay id of every authenticated datagram before it gets here.
	 */
	ret = peer_hello_received(&r->peers, p, now->ms, relay_id, &h);
	if ((ret & PEER_WENT_UP) == 0)
		return MESH_OK;
	relay_addr(addr, sizeof(addr), p->addr, p->port);
	/* The version string came from the network. */
	log_escape(version, sizeof(version), p->version, strlen(p->version));
	log_info("peer %s up (relay id %08x, version %s)", addr, relay_id,
	    version);
	return MESH_OK;
}
