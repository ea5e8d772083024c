/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's side of --discover: apply the peer set the helper found.
 */
#ifndef DISCOVER_H
#define DISCOVER_H

#include "proto.h"
#include "relay.h"

/*
 * Make r's discovered peers the set in m: peers no longer in it are
 * removed (their counters logged first), new ones are added with format
 * auto on port m->port. Peers given by --other-relays are never touched;
 * an address that is already a peer is skipped. Logs each change.
 * Fatal if m breaks the protocol (naddrs above MAX_PEERS, an address that
 * is not unicast, port 0): the helper checked all of it.
 */
void	 discover_apply(struct relay *r, const struct msg_peers *m);

#endif /* DISCOVER_H */
