#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Mesh input policy: datagrams from a host that is not a configured peer
# are never emitted; from the peer, anything that is not a UDP broadcast to
# a relayed port (or is malformed) is dropped and counted by its reason.
# A valid datagram from the peer is the control: it must arrive.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=po
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

topo_router
topo_segment A 1
topo_segment B 2
topo_segment C 3
topo_host ra A 2
topo_host rb B 2
topo_host sb B 10
topo_host xc C 10	# an ordinary host, not a peer of anyone
topo_wait
A=$(ip_of ra)
B=$(ip_of rb)

relay_start ra --other-relays "$B" || fail "relay A did not start"
relay_start rb --other-relays "$A" || fail "relay B did not start"

recv_start sb s5076 -t 40 5076
recv_start sb s5075 -t 40 5075

# ---- 1. not a peer ---------------------------------------------------------
mesh xc -n 10 -r 500 -S 41001 "$B" || fail "meshsend from the non-peer"
# A datagram whose source address is spoofed as the peer cannot be stopped
# by the address check; the other tests cover what such a frame may carry.

# ---- 2. from the peer's address: every kind of bad inner frame ----------------
mesh ra -n 5 -p tcp "$B" || fail "meshsend tcp"
mesh ra -n 3 -p icmp "$B" || fail "meshsend icmp"
mesh ra -n 6 -P 5075 -S 41002 "$B" || fail "meshsend port 5075"
mesh ra -n 7 -d 198.18.2.10 -S 41003 "$B" || fail "meshsend unicast destination"
mesh ra -n 8 -M -S 41004 "$B" || fail "meshsend bad magic"
mesh ra -n 4 -m unicast -S 41005 "$B" || fail "meshsend unicast MAC"
mesh ra -n 2 -L 5 "$B" || fail "meshsend 5-byte datagram"
mesh ra -n 3 -L 100 -S 41006 "$B" || fail "meshsend cut frame"
# ---- 3. control: valid, and valid with a partial (offload) UDP checksum -----
mesh ra -n 9 -S 41007 "$B" || fail "meshsend valid"
mesh ra -n 2 -c -S 41008 "$B" || fail "meshsend valid, partial checksum"

recv_wait s5076 11 5
sleep 1
bg_stop s5076; bg_stop s5075
relay_dump rb || fail "relay B did not dump its counters"

assert_eq "$(summary s5076 received)" 11 "datagrams on B's host (port 5076): only the 11 valid ones"
assert_eq "$(recv_lines s5076 ':41007 ')" 9 "valid datagrams from the peer arrived"
assert_eq "$(recv_lines s5076 ':41008 ')" 2 "valid datagrams with a partial checksum arrived"
assert_eq "$(summary s5076 bad)" 0 "damaged payloads on B"
assert_eq "$(summary s5075 received)" 0 "datagrams on B's host (port 5075)"

m="drops mesh:"
# The helper's BPF filter on the mesh socket drops non-peers in the kernel:
# the worker never even sees them.
assert_eq "$(rcounter rb "$m" not_peer)" 0 "drops mesh: not_peer (dropped in the kernel before the worker)"
# ... and counted there: the mesh socket's drop count has exactly those 10.
assert_eq "$(rcounter rb "$m" kernel_drops)" 10 "drops mesh: kernel_drops (the non-peer's 10)"
assert_eq "$(rcounter rb "$m" ip_not_udp)" 8 "drops mesh: ip_not_udp (5 TCP + 3 ICMP)"
assert_eq "$(rcounter rb "$m" udp_port_not_relayed)" 6 "drops mesh: udp_port_not_relayed"
assert_eq "$(rcounter rb "$m" ip_dst_not_broadcast)" 7 "drops mesh: ip_dst_not_broadcast"
assert_eq "$(rcounter rb "$m" bad_magic)" 8 "drops mesh: bad_magic"
assert_eq "$(rcounter rb "$m" eth_dst_not_broadcast)" 4 "drops mesh: eth_dst_not_broadcast"
assert_eq "$(rcounter rb "$m" short)" 2 "drops mesh: short"
assert_eq "$(rcounter rb "$m" ip_bad_length)" 3 "drops mesh: ip_bad_length"
assert_eq "$(rcounter rb counters: mesh_rx)" 11 "counters: mesh_rx"
assert_eq "$(rcounter rb counters: emitted)" 11 "counters: emitted"
assert_eq "$(rcounter rb "peer $A:7124:" rx)" 11 "peer $A: rx"
# Every other drop reason stays 0: exactly one counter per bad input.
# The last dump's "drops mesh:" lines (a long line is split, each part
# keeps the prefix): everything after the last "counters:" line.
lines=$(awk '/counters: captured=/ { buf = "" } /drops mesh:/ { buf = buf $0 "\n" } END { printf "%s", buf }' "$(relay_log rb)")
total=0
for kv in $(echo "$lines" | tr ' ' '\n' | grep '=[0-9]*$' | grep -v '^kernel_drops='); do
	total=$(( total + ${kv#*=} ))
done
assert_eq "$total" $(( 8 + 6 + 7 + 8 + 4 + 2 + 3 )) "sum of all mesh drop counters"
# Relay A sent nothing: there were no broadcasts on its segment.
assert_eq "$(rcounter rb counters: captured)" 0 "relay B captured (nothing local)"
ok "mesh policy holds"
