#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Flood from an outsider: a host on a third segment, not a peer, sends
# "SS" and native datagrams (validly signed, even) to relay B's mesh port
# as fast as the test bed allows for 10 s, while a client on A sends 100
# legitimate broadcasts. All 100 arrive on B, no flood frame does, the
# kernel filter drops the flood before the worker (not_peer stays near 0)
# and relay B's worker uses under 5 % of a core.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=fl
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

SECS=10
N=100
topo_router
topo_segment A 1
topo_segment B 2
topo_segment C 3
topo_host ra A 2
topo_host ca A 10
topo_host rb B 2
topo_host sb B 10
topo_host xc C 10	# the outsider
topo_wait
A=$(ip_of ra)
B=$(ip_of rb)
CA=$(ip_of ca)
keys_init
KEY=$(key_file mesh.key 1)

relay_start ra --mesh-key-file "$KEY" --mesh-auth required --other-relays "$B" ||
    fail "relay A did not start"
relay_start rb --mesh-key-file "$KEY" --mesh-auth required --other-relays "$A" ||
    fail "relay B did not start"
peers_wait_up rb 8 "$A" || fail "relay B: peer A not up"
relay_dump rb || fail "relay B: no counters"
np0=$(rcounter rb 'drops mesh:' not_peer)
kd0=$(rcounter rb 'drops mesh:' kernel_drops)
rx0=$(rcounter rb counters: mesh_rx)
WPID=$(relay_worker rb)
[ -n "$WPID" ] || fail "relay B: no worker"
HZ=$(getconf CLK_TCK)

recv_start sb legit -t $(( SECS + 15 )) 5076
c0=$(proc_cpu_ticks "$WPID")
t0=$(now_ms)
# Two flooders (one per core): "SS" and signed native DATA, no pacing.
bg_start xc flood-ss timeout $(( SECS + 5 )) "$TOOLS/meshsend" -S 41701 \
    -n 100000000 -r 0 -T $SECS "$B"
bg_start xc flood-na timeout $(( SECS + 5 )) "$TOOLS/meshsend" --native -K "$KEY" \
    -S 41702 -n 100000000 -r 0 -T $SECS "$B"
send ca -q -p 40701 -r $(( N / SECS )) 255.255.255.255 5076 $N || fail "bcsend legit"
bg_wait flood-ss 10
bg_wait flood-na 10
c1=$(proc_cpu_ticks "$WPID")
t1=$(now_ms)
recv_wait legit $N 5
sleep 0.5
bg_stop legit

fss=$(sed -n 's/^sent \([0-9]*\) .*/\1/p' "$(out flood-ss)")
fna=$(sed -n 's/^sent \([0-9]*\) .*/\1/p' "$(out flood-na)")
[ -n "$fss" ] && [ -n "$fna" ] || fail "flooders: $(cat "$(out flood-ss)" "$(out flood-na)")"
ms=$(( t1 - t0 ))
say "flood: $fss SS + $fna native datagrams in $ms ms" \
    "($(( (fss + fna) * 1000 / ms )) per second)"
assert_ge $(( fss + fna )) $(( 10000 * SECS )) "flood datagrams sent (at least 10k/s)"
cpu=$(( c1 - c0 ))
say "relay B worker $WPID: $cpu ticks of CPU ($HZ per second) in $ms ms" \
    "= $(( cpu * 100000 / HZ / ms )).$(( cpu * 1000000 / HZ / ms % 10 )) % of a core"
[ $(( cpu * 1000 / HZ )) -lt $(( ms / 20 )) ] ||
    fail "relay B worker used $(( cpu * 1000 / HZ )) ms of CPU in $ms ms (>= 5 %)"
ok "relay B worker CPU under 5 % of a core during the flood"

assert_eq "$(recv_lines legit "^from $CA:40701 ")" $N "legitimate broadcasts on B during the flood"
assert_eq "$(recv_lines legit ':4170[12] ')" 0 "flood frames on B"
assert_eq "$(summary legit received)" $N "frames on B"
relay_dump rb || fail "relay B: no counters"
np=$(( $(rcounter rb 'drops mesh:' not_peer) - np0 ))
rx=$(( $(rcounter rb counters: mesh_rx) - rx0 ))
say "relay B: not_peer +$np, mesh_rx +$rx during the flood"
[ "$np" -le 10 ] || fail "relay B: not_peer +$np: the flood reached the worker"
ok "the kernel dropped the flood before the worker (not_peer +$np)"
# ... and says so: the mesh socket's own drop count (SO_MEMINFO), which the
# source filter's refusals go to. Some flood datagrams may die on the way
# (the sender's socket buffer), none can be counted twice.
kd=$(( $(rcounter rb 'drops mesh:' kernel_drops) - kd0 ))
say "relay B: mesh kernel_drops +$kd of $(( fss + fna )) flood datagrams"
assert_ge "$kd" $(( (fss + fna) / 2 )) "relay B: mesh kernel_drops (flood refused in the kernel)"
[ "$kd" -le $(( fss + fna )) ] || fail "relay B: kernel_drops +$kd > flood sent"
[ "$rx" -le $(( N + 4 * SECS )) ] || fail "relay B: mesh_rx +$rx: more than A sent"
pid_gone "$(relay_pid rb)" && fail "relay B died"
ok "flood checks passed"
