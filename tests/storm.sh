#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# No storms, no duplicates: relays r1 and r2 on segment A, r3 on B, r4 on
# C, authenticated. 100 broadcasts from a client on A give exactly 100 on
# B, exactly 100 on C and still exactly the original 100 on A -- with a
# full mesh, and again with r1 and r2 not peered with each other. With
# the full mesh, 100 broadcasts from B also give exactly 100 on A and C:
# r1 and r2 elect one designated forwarder for A.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=st
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

N=100
HI=1
topo_router
topo_segment A 1
topo_segment B 2
topo_segment C 3
topo_host r1 A 2
topo_host r2 A 3
topo_host ca A 10
topo_host a2 A 11
topo_host r3 B 2
topo_host sb B 10
topo_host r4 C 2
topo_host sc C 10
topo_wait
R1=$(ip_of r1); R2=$(ip_of r2); R3=$(ip_of r3); R4=$(ip_of r4)
CA=$(ip_of ca)
keys_init
KEY=$(key_file mesh.key 1)
ALL="r1 r2 r3 r4"
declare -A PEERS

# start_all ROUND: start the four relays with PEERS[r], wait until every
# relay has logged each of its peers up.
start_all()
{
	local r p

	for r in $ALL; do
		relay_start "$r" --mesh-key-file "$KEY" --mesh-auth required \
		    --hello-interval $HI --other-relays ${PEERS[$r]} ||
		    fail "$1: relay $r did not start"
	done
	for r in $ALL; do
		peers_wait_up "$r" 6 ${PEERS[$r]} || fail "$1: relay $r: peers not up"
	done
	ok "$1: all relays up, every peer seen up (HELLO)"
}

# diag ROUND: the storm-related counters of every relay.
diag()
{
	local r

	for r in $ALL; do
		relay_dump "$r" || { say "$1: relay $r: no counters"; continue; }
		say "$1: $r: captured=$(rcounter $r counters: captured)" \
		    "forwarded=$(rcounter $r counters: forwarded)" \
		    "mesh_rx=$(rcounter $r counters: mesh_rx)" \
		    "emitted=$(rcounter $r counters: emitted)" \
		    "capture relay_mac=$(rcounter $r 'drops capture:' relay_mac)" \
		    "duplicate=$(rcounter $r 'drops capture:' duplicate)" \
		    "mesh duplicate=$(rcounter $r 'drops mesh:' duplicate)"
	done
}

# round NAME PORT: N broadcasts from ca; count them on a2 (A), sb (B), sc (C).
round()
{
	local name=$1 port=$2 k t0

	recv_start a2 "$name-a" -t 30 5076
	recv_start sb "$name-b" -t 30 5076
	recv_start sc "$name-c" -t 30 5076
	t0=$(now_ms)
	send ca -q -p "$port" -r 200 255.255.255.255 5076 $N || fail "$name: bcsend"
	recv_wait "$name-b" $N 5
	recv_wait "$name-c" $N 5
	say "$name: $N on B and C after $(( $(now_ms) - t0 )) ms"
	sleep 1.5	# late copies or a storm would show now
	for k in a b c; do
		bg_stop "$name-$k"
		say "$name: segment ${k^^}: $(grep '^received' "$(out "$name-$k")")"
	done
	diag "$name"
	for k in b c; do
		assert_eq "$(recv_lines "$name-$k" "^from $CA:$port ")" $N \
		    "$name: broadcasts from A on segment ${k^^}"
		assert_eq "$(summary "$name-$k" duplicates)" 0 "$name: duplicates on ${k^^}"
		assert_eq "$(summary "$name-$k" received)" $N "$name: frames on ${k^^}"
	done
	assert_eq "$(summary "$name-a" received)" $N \
	    "$name: frames on A (the originals only, no copies)"
	assert_eq "$(summary "$name-a" duplicates)" 0 "$name: duplicates on A"
}

# ---- 1. full mesh ------------------------------------------------------------------
PEERS[r1]="$R2 $R3 $R4"
PEERS[r2]="$R1 $R3 $R4"
PEERS[r3]="$R1 $R2 $R4"
PEERS[r4]="$R1 $R2 $R3"
start_all "full mesh"
round full 40501
# The other way: broadcasts from B into A, where r1 and r2 both receive
# r3's copy. They elect one designated forwarder (the lower relay id of
# the two relays seen emitting on the segment), so A gets each frame
# once. The first frame teaches them: each sees the other's emission.
recv_start a2 warm -t 20 5076
send sb -q -p 40503 -r 200 255.255.255.255 5076 1 || fail "bcsend from B (warm-up)"
recv_wait warm 1 5
sleep 1
bg_stop warm
say "warm-up: 1 broadcast from B -> on A: $(grep '^received' "$(out warm)")"
relay_dump r1 && relay_dump r2 || fail "from B: no counters before the round"
e1=$(rcounter r1 counters: emitted); e2=$(rcounter r2 counters: emitted)
recv_start a2 fromb-a -t 20 5076
recv_start sc fromb-c -t 20 5076
send sb -q -p 40504 -r 200 255.255.255.255 5076 $N || fail "bcsend from B"
recv_wait fromb-a $N 5
recv_wait fromb-c $N 5
sleep 1.5
bg_stop fromb-a; bg_stop fromb-c
diag "from B"
assert_eq "$(recv_lines fromb-a ":40504 ")" $N "from B: broadcasts on A"
assert_eq "$(summary fromb-a duplicates)" 0 "from B: duplicates on A (one designated forwarder)"
assert_eq "$(summary fromb-c received)" $N "from B: frames on C"
sb1=$(rcounter r1 'iface eth0:' standby); sb2=$(rcounter r2 'iface eth0:' standby)
say "from B: standby (left to the designated forwarder): r1=$sb1 r2=$sb2"
# Between them r1 and r2 emitted each frame of the round once.
d1=$(( $(rcounter r1 counters: emitted) - e1 )); d2=$(( $(rcounter r2 counters: emitted) - e2 ))
assert_eq $(( d1 + d2 )) $N "from B: frames emitted on A by r1 + r2 ($d1 + $d2)"
[ $(( sb1 + sb2 )) -gt 0 ] || fail "from B: no relay on A stood by"
ok "from B: one relay on A stood by for $(( sb1 + sb2 )) frames"
# Each relay on A suppresses the other's copy: both forward what they
# capture, B and C receive two copies of each frame and emit one.
for r in $ALL; do
	relay_stop "$r"
	mv "$(relay_log "$r")" "$SR_TMP/relay-$r-full.log"
done

# ---- 2. r1 and r2 not peered with each other -----------------------------------------
PEERS[r1]="$R3 $R4"
PEERS[r2]="$R3 $R4"
start_all "r1, r2 unpeered"
round unpeered 40502
ok "storm checks passed"
