#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# UDP GSO on the mesh: in load mode relay A sends each batch's equal-size
# datagrams to its peer as one GSO send (counted in mesh_tx_gso), and B
# receives every frame once and intact, in both mesh formats. Where the
# path to the peer cannot take a run (a route MTU of 1280 under 1468-byte
# datagrams), A says so, sends those one by one (fragmented: DF is clear)
# and keeps GSO for the datagrams that fit. With --mesh-gso off, no run.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=gs
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

N=2000
topo_ab
A=$(ip_of ra)
B=$(ip_of rb)
# A drains on a 2 ms timer above 1000 pps: batches of about 8 frames.
LOAD="--coalesce 1000/2000 --rate-source 10000"

# burst TAG PORT SIZE: N broadcasts from ca at 4000 pps; B's server gets
# each once, undamaged.
burst()
{
	recv_start sb "$1" -t 30 5076
	send ca -q -p "$2" -r 4000 -s "$3" 255.255.255.255 5076 $N ||
	    fail "bcsend $1"
	recv_wait "$1" $N 10
	sleep 0.5
	bg_stop "$1"
	assert_eq "$(summary "$1" unique)" $N "$1: frames received (unique)"
	assert_eq "$(summary "$1" duplicates)" 0 "$1: duplicates"
	assert_eq "$(summary "$1" bad)" 0 "$1: damaged payloads"
}

# 1. "SS" mesh: most datagrams go in GSO runs.
relay_start rb --coalesce 0 --other-relays "$A" || fail "relay B did not start"
relay_start ra $LOAD --other-relays "$B" || fail "relay A did not start"
log_has ra 'mesh: UDP GSO on' 1 || fail "relay A does not say UDP GSO is on"
burst ss 40701 1400
relay_dump ra || fail "no counters from relay A"
assert_eq "$(rcounter ra 'counters:' mesh_tx)" $N "ss: relay A mesh_tx"
assert_eq "$(rcounter ra 'counters:' mesh_tx_errors)" 0 "ss: relay A mesh_tx_errors"
assert_ge "$(rcounter ra 'counters:' mesh_tx_gso)" $((N / 2)) \
    "ss: relay A datagrams sent in GSO runs"
assert_eq "$(rcounter ra "peer $B:7124:" gso_refused)" 0 "ss: gso_refused"
ok "\"SS\" mesh: $(rcounter ra 'counters:' mesh_tx_gso) of $N datagrams in GSO runs, all received"

# 2. Native mesh (UMAC-128 keys): the same, every datagram with its tag.
relay_stop ra
relay_stop rb
keys_init
K=$(key_file k 1)
relay_start rb --coalesce 0 --mesh-key-file "$K" --mesh-auth required \
    --other-relays "$A" || fail "relay B (keys) did not start"
relay_start ra $LOAD --mesh-key-file "$K" --mesh-auth required \
    --other-relays "$B" || fail "relay A (keys) did not start"
peers_wait_up ra 6 "$B" || fail "relay A: peer B not up"
burst native 40702 1400
relay_dump ra || fail "no counters from relay A"
relay_dump rb || fail "no counters from relay B"
assert_ge "$(rcounter ra 'counters:' mesh_tx_gso)" $((N / 2)) \
    "native: relay A datagrams sent in GSO runs"
assert_eq "$(dump_sum rb 'drops mesh:')" 0 "native: relay B mesh drops"
assert_eq "$(rcounter rb 'counters:' mesh_rx)" $N "native: relay B mesh_rx"
ok "native mesh: $(rcounter ra 'counters:' mesh_tx_gso) of $N datagrams in GSO runs, all verified"

# 3. A route MTU of 1280 to B: 1468-byte datagrams cannot go in a run.
ip -n "$(ns ra)" route add "$B/32" via 198.18.1.1 mtu lock 1280 ||
    fail "route with mtu 1280"
g0=$(rcounter ra 'counters:' mesh_tx_gso)
burst small-mtu 40703 1400
relay_dump ra || fail "no counters from relay A"
log_has ra "mesh: send to $(re_addr "$B"):7124: UDP GSO of 1468-byte datagrams: .*; datagrams of 1468 bytes or more go one by one" 1 ||
    fail "relay A did not log the refused GSO size"
say "relay A: $(grep -m1 -o 'mesh: send to .*UDP GSO of.*' "${SR_RELAY_LOG[ra]}")"
assert_eq "$(rcounter ra "peer $B:7124:" gso_refused)" 1468 "small MTU: gso_refused"
assert_eq "$(rcounter ra 'counters:' mesh_tx_errors)" 0 "small MTU: mesh_tx_errors"
g1=$(rcounter ra 'counters:' mesh_tx_gso)
assert_eq "$g1" "$g0" "small MTU: no 1468-byte datagram in a GSO run"
#    Datagrams that fit (100-byte payloads: 154 bytes) still go in runs.
burst fits 40704 100
relay_dump ra || fail "no counters from relay A"
assert_ge "$(( $(rcounter ra 'counters:' mesh_tx_gso) - g1 ))" $((N / 2)) \
    "small MTU: 154-byte datagrams in GSO runs"
ok "route MTU 1280: 1468-byte datagrams one by one (gso_refused=1468), smaller ones in runs, all received"

# 4. --mesh-gso off: every datagram on its own, all received.
relay_stop ra
relay_start ra $LOAD --mesh-gso off --mesh-key-file "$K" --mesh-auth required \
    --other-relays "$B" || fail "relay A (--mesh-gso off) did not start"
log_has ra 'mesh: UDP GSO off' 1 || fail "relay A does not say UDP GSO is off"
peers_wait_up ra 6 "$B" || fail "relay A: peer B not up"
burst off 40705 100
relay_dump ra || fail "no counters from relay A"
assert_eq "$(rcounter ra 'counters:' mesh_tx)" $N "off: relay A mesh_tx"
assert_eq "$(rcounter ra 'counters:' mesh_tx_gso)" 0 "off: datagrams in GSO runs"
ok "--mesh-gso off: $N datagrams one by one, all received"
