/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * What the helper tells the worker: the configuration push after the
 * worker's MSG_HELLO, and the mesh keys (at start and on SIGHUP).
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "helper_int.h"
#include "keyfile.h"
#include "log.h"
#include "proto.h"
#include "rawsock.h"
#include "ringsock.h"

/* "2,1": the key ids, primary first, for the log. */
void
helper_key_ids(const struct keyfile *kf, char *buf, size_t len)
{
	size_t	 i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < kf->nkeys && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%u", i ? "," : "",
		    kf->keys[i].id);
}

/* Send kf as MSG_CONF_KEYS, then wipe every copy of the secrets. */
static int
helper_send_keys(struct helper *h, struct keyfile *kf)
{
	struct msg_conf_keys	 k;
	size_t			 i;
	int			 r;

	memset(&k, 0, sizeof(k));
	k.nkeys = (uint32_t)kf->nkeys;
	for (i = 0; i < kf->nkeys && i < sizeof(k.keys) / sizeof(k.keys[0]);
	    i++) {
		k.keys[i].id = kf->keys[i].id;
		k.keys[i].len = kf->keys[i].len;
		k.keys[i].alg = (uint32_t)kf->keys[i].alg;
		memcpy(k.keys[i].secret, kf->keys[i].secret,
		    sizeof(k.keys[i].secret));
	}
	r = helper_send(h, MSG_CONF_KEYS, &k, sizeof(k), -1);
	explicit_bzero(&k, sizeof(k));
	keyfile_clear(kf);
	return r;
}

/* MSG_CONF_GLOBAL: counts, ports, mode, timers and rate limits. */
static int
helper_send_global(struct helper *h)
{
	const struct config	*conf = h->conf;
	struct msg_conf_global	 g;

	memset(&g, 0, sizeof(g));
	g.nslots = (uint32_t)conf->nifaces;
	g.npeers = (uint32_t)conf->npeers;
	g.nports = (uint32_t)conf->nports;
	g.nkeys = h->usekeys ? (uint32_t)h->keys.nkeys : 0;
	memcpy(g.ports, conf->ports, conf->nports * sizeof(g.ports[0]));
	g.mesh_port = conf->mesh_port;
	g.discover = conf->discover[0] != '\0';
	g.log_level = conf->log_level;
	g.auth_mode = conf->mesh_auth;
	g.hello_interval = conf->hello_interval;
	g.freshness = conf->mesh_freshness;
	g.dedup_window_ms = conf->dedup_window;
	g.rate_source = conf->rate_source.pps;
	g.burst_source = conf->rate_source.burst;
	g.rate_peer = conf->rate_peer.pps;
	g.burst_peer = conf->rate_peer.burst;
	g.rate_global = conf->rate_global.pps;
	g.burst_global = conf->rate_global.burst;
	g.coalesce_pps = conf->coalesce.pps;
	g.coalesce_us = conf->coalesce.interval_us;
	return helper_send(h, MSG_CONF_GLOBAL, &g, sizeof(g), -1);
}

/*
 * The configuration push, answering the worker's MSG_HELLO: GLOBAL,
 * SLOT x n, PEER x n, KEYS (if any), MESH_FD, END.
 */
void
helper_push_config(struct helper *h)
{
	const struct config	*conf = h->conf;
	struct msg_conf_peer	 p;
	struct msg_mesh_fd	 m;
	size_t			 i;

	if (helper_send_global(h) == -1)
		goto fail;
	for (i = 0; i < conf->nifaces; i++) {
		if (helper_send(h, MSG_CONF_SLOT, &h->slots[i],
		    sizeof(h->slots[i]), h->pktfd[i]) == -1)
			goto fail;
		if (h->ringfd[i] != -1) {
			/* Both stay open here: helper_capture_mode binds them. */
			if (helper_send(h, MSG_CONF_RING, &h->rings[i],
			    sizeof(h->rings[i]), h->ringfd[i]) == -1)
				goto fail;
			continue;
		}
		/* The worker holds its own reference now. */
		close(h->pktfd[i]);
		h->pktfd[i] = -1;
	}
	for (i = 0; i < conf->npeers; i++) {
		memset(&p, 0, sizeof(p));
		p.addr = conf->peers[i].addr;
		p.port = conf->peers[i].port;
		p.format = conf->peers[i].format;
		if (helper_send(h, MSG_CONF_PEER, &p, sizeof(p), -1) == -1)
			goto fail;
	}
	if (h->usekeys && helper_send_keys(h, &h->keys) == -1)
		goto fail;
	/* SCM_RIGHTS gives the worker its own reference; ours stays. */
	memset(&m, 0, sizeof(m));
	m.port = conf->mesh_port;
	m.flags = h->meshgso && conf->mesh_gso ? MESH_FD_GSO : 0;
	if (helper_send(h, MSG_MESH_FD, &m, sizeof(m), h->meshfd) == -1)
		goto fail;
	if (helper_send(h, MSG_CONF_END, NULL, 0, -1) == -1)
		goto fail;
	h->configured = 1;
	return;
fail:
	helper_die(h, "cannot configure the worker");
}

/*
 * SIGHUP: re-read the key file and hand the worker the new keyring. The
 * helper runs as the service user by now, so this works only if the file
 * is readable by that user; otherwise the worker keeps the keys it has.
 */
void
helper_reload(struct helper *h)
{
	const struct config	*conf = h->conf;
	struct keyfile		 kf;
	char			 err[512], ids[16];
	int			 saved;

	if (!h->usekeys) {
		log_warnx("SIGHUP: no mesh keys in use, nothing to reload;"
		    " restart snowrelayd to apply a new configuration");
		return;
	}
	memset(&kf, 0, sizeof(kf));
	if (keyfile_read(conf->mesh_key_file, &kf, err, sizeof(err)) == -1) {
		saved = errno;
		keyfile_clear(&kf);
		if (saved == EACCES)
			log_errx("SIGHUP: cannot reload the mesh keys: %s: the"
			    " key file must be readable by user %s (e.g. owned"
			    " by it, mode 0400, in a directory it may enter) to"
			    " reload keys without a restart; keeping the"
			    " current keys", err, conf->user);
		else
			log_errx("SIGHUP: cannot reload the mesh keys: %s;"
			    " keeping the current keys", err);
		return;
	}
	helper_key_ids(&kf, ids, sizeof(ids));
	if (helper_send_keys(h, &kf) == -1)
		return;
	log_info("mesh keys reloaded (ids %s)", ids);
}

/* Capture with the slot's ring socket (ring) or its plain one. */
static int
helper_capture_with(struct helper *h, uint32_t slot, int ring)
{
	const char	*name = h->slots[slot].ifname;
	int		 ifindex = h->slots[slot].ifindex;
	int		 want = ring ? h->ringfd[slot] : h->pktfd[slot];
	int		 other = ring ? h->pktfd[slot] : h->ringfd[slot];

	/* The wanted one first: a frame in between reaches at least one. */
	if (rawsock_capture(want, ifindex, 1) == -1) {
		log_warn("interface %s: cannot start capture on the %s socket;"
		    " the %s socket goes on capturing", name, ring ? "ring" :
		    "plain", ring ? "plain" : "ring");
		return -1;
	}
	h->ringon[slot] = ring;
	if (rawsock_capture(other, ifindex, 0) == -1)
		log_warn("interface %s: cannot stop capture on the %s socket"
		    " (its frames are dropped as duplicates)", name,
		    ring ? "plain" : "ring");
	log_debug("interface %s: capturing with the %s socket", name,
	    ring ? "ring" : "plain");
	return 0;
}

/* RING_ON: make the ring if need be, capture with it, answer. */
static void
helper_ring_on(struct helper *h, uint32_t slot)
{
	struct msg_ring_ready	 r;

	memset(&r, 0, sizeof(r));
	r.slot = slot;
	if (!h->ringup[slot]) {
		if (ringsock_ring(h->ringfd[slot], &h->rings[slot], 1) == -1)
			log_warn("interface %s: capture ring of %u blocks",
			    h->slots[slot].ifname, h->rings[slot].block_nr);
		else
			h->ringup[slot] = 1;
	}
	if (h->ringup[slot] && (h->ringon[slot] ||
	    helper_capture_with(h, slot, 1) == 0))
		r.ok = 1;
	/*
	 * Unusable: free it now. The worker, told no, never maps it nor asks
	 * for its release, and a ring runs a kernel timer every 1 ms.
	 */
	if (!r.ok && h->ringup[slot] &&
	    ringsock_ring(h->ringfd[slot], &h->rings[slot], 0) == 0)
		h->ringup[slot] = 0;
	if (helper_send(h, MSG_RING_READY, &r, sizeof(r), -1) == -1)
		helper_die(h, "cannot answer the worker's capture ring request");
}

/*
 * MSG_CAPTURE_MODE from the worker (load mode began or ended; see
 * proto.h). A slot without a ring, an unknown request, or a release of
 * a ring that still captures is a protocol violation.
 */
void
helper_capture_mode(struct helper *h, const struct msg_capture_mode *m)
{
	if (m->slot >= h->conf->nifaces || h->ringfd[m->slot] == -1 ||
	    m->ring > RING_RELEASE ||
	    (m->ring == RING_RELEASE && h->ringon[m->slot]))
		helper_die(h, "worker protocol violation: MSG_CAPTURE_MODE slot"
		    " %u ring %u", m->slot, m->ring);
	switch (m->ring) {
	case RING_ON:
		helper_ring_on(h, m->slot);
		break;
	case RING_OFF:
		if (h->ringon[m->slot])
			(void)helper_capture_with(h, m->slot, 0);
		break;
	case RING_RELEASE:
		/* The worker read the last blocks and unmapped it. */
		if (h->ringup[m->slot] &&
		    ringsock_ring(h->ringfd[m->slot], &h->rings[m->slot], 0) == 0)
			h->ringup[m->slot] = 0;
		else if (h->ringup[m->slot])
			log_warn("interface %s: cannot free the capture ring",
			    h->slots[m->slot].ifname);
		break;
	}
}
