#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# No silent loss when a worker falls behind. 1: with relay A's worker
# stopped (SIGSTOP), 20000 broadcasts overflow its capture socket's 4 MiB
# buffer; after SIGCONT every frame is either relayed or counted by the
# kernel (iface kernel_drops, PACKET_STATISTICS): captured + kernel_drops
# equals what was sent. Relay B emits the captured frames or counts those
# its mesh socket could not hold; the host on B receives the emitted
# ones, or its own socket counts them (RcvbufErrors).
# 2: with relay B's worker stopped, A forwards all 40000 and B's mesh
# socket overflows: mesh_rx + the mesh kernel_drops (SO_MEMINFO) = sent.
# 3: relay A in load mode captures into a 1 MiB ring; its worker stopped
# mid-burst, the ring fills: captured + kernel_drops = sent again.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=kd
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

# udp_rcvbuf_errors NAME: the UDP RcvbufErrors count of namespace NAME.
udp_rcvbuf_errors()
{
	ip netns exec "$(ns "$1")" awk '/^Udp:/ {
		if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 }
		else print $c["RcvbufErrors"] }' /proc/net/snmp
}

# settle NAME READER EXPR: dump relay NAME's counters until the shell
# arithmetic EXPR (over the variables the function READER sets) is true,
# or 10 s.
settle()
{
	local i

	for ((i = 0; i < 20; i++)); do
		relay_dump "$1" || return 1
		"$2"
		(( $3 )) && return 0
		sleep 0.5
	done
	return 0
}

# Relay A's capture: frames captured and dropped by the kernel.
iface_counts()
{
	cap=$(rcounter ra 'iface eth0:' captured)
	kd=$(rcounter ra 'iface eth0:' kernel_drops)
}

# Relay B's mesh socket since phase 2 began (rx0, kd0).
mesh_counts()
{
	rx=$(( $(rcounter rb 'counters:' mesh_rx) - rx0 ))
	kd=$(( $(rcounter rb 'drops mesh:' kernel_drops) - kd0 ))
}

N=20000
topo_ab
relay_start rb --rate-peer 0 --rate-global 0 --other-relays "$(ip_of ra)" ||
    fail "relay B did not start"
# No per-source limit: the burst comes from one address.
relay_start ra --rate-source 0 --rate-global 0 --other-relays "$(ip_of rb)" ||
    fail "relay A did not start"
recv_start sb all -t 60 5076
rbe0=$(udp_rcvbuf_errors sb)
relay_dump rb || fail "no counters from relay B"
bkd0=$(rcounter rb 'drops mesh:' kernel_drops)
w=$(relay_worker ra)
[ -n "$w" ] || fail "relay A: no worker process"

kill -STOP "$w" || fail "cannot stop relay A's worker"
# (If the script fails while it is stopped, the cleanup's SIGKILL ends it.)
send ca -q -p 40701 -s 100 255.255.255.255 5076 $N || {
	kill -CONT "$w"; fail "bcsend"; }
sleep 0.5
kill -CONT "$w"
# The worker drains the backlog now: wait until it is through.
settle ra iface_counts 'cap + kd >= N' || fail "no counters from relay A"
say "relay A: captured=$cap kernel_drops=$kd of $N sent while its worker was stopped"
assert_ge "$kd" 1 "relay A: kernel_drops (the buffer overflowed)"
assert_eq $((cap + kd)) $N "relay A: captured + kernel_drops = sent"
assert_eq "$(rcounter ra 'counters:' forwarded)" "$cap" "relay A: forwarded"
recv_wait all "$cap" 10
sleep 0.5
bg_stop all
relay_dump rb || fail "no counters from relay B"
# A drains its backlog in UDP GSO runs, faster than B's worker may read:
# what B's mesh socket could not hold is counted there, not lost.
em=$(rcounter rb 'counters:' emitted)
bkd=$(( $(rcounter rb 'drops mesh:' kernel_drops) - bkd0 ))
say "relay B: emitted $em, mesh kernel_drops $bkd of $cap forwarded"
assert_eq $((em + bkd)) "$cap" "relay B: emitted + mesh kernel_drops"
got=$(summary all unique)
rbe=$(( $(udp_rcvbuf_errors sb) - rbe0 ))
say "host on B: received $got, its socket buffer dropped $rbe"
assert_eq $((got + rbe)) "$em" "B: received + the host's RcvbufErrors"
assert_eq "$(summary all duplicates)" 0 "B: duplicates"
ok "worker stopped during a burst: every frame relayed or counted as a kernel drop"

# 2. B's worker stopped: the overflow is at B's mesh socket, whose buffer
#    (8 MiB) holds some 20000 small datagrams: send twice that.
N2=$((2 * N))
relay_dump rb || fail "no counters from relay B"
rx0=$(rcounter rb 'counters:' mesh_rx)
kd0=$(rcounter rb 'drops mesh:' kernel_drops)
fw0=$(rcounter ra 'counters:' forwarded)
wb=$(relay_worker rb)
[ -n "$wb" ] || fail "relay B: no worker process"
kill -STOP "$wb" || fail "cannot stop relay B's worker"
send ca -q -p 40702 -r 40000 -s 100 255.255.255.255 5076 $N2 || {
	kill -CONT "$wb"; fail "bcsend (2)"; }
sleep 0.5
kill -CONT "$wb"
relay_dump ra || fail "no counters from relay A"
fw=$(( $(rcounter ra 'counters:' forwarded) - fw0 ))
settle rb mesh_counts 'rx + kd >= fw' || fail "no counters from relay B"
say "relay A forwarded $fw; relay B: mesh_rx $rx, mesh kernel_drops $kd"
assert_eq "$fw" $N2 "relay A: forwarded (its worker ran, paced at 40000/s)"
assert_ge "$kd" 1 "relay B: mesh kernel_drops (the buffer overflowed)"
assert_eq $((rx + kd)) $N2 "relay B: mesh_rx + mesh kernel_drops = forwarded"
ok "B's worker stopped during a burst: every datagram received or counted"

# 3. A in load mode, capturing into a 1 MiB ring (some 5000 small frames),
#    stopped 0.3 s into a 20000 pps burst: the ring overflows.
relay_stop ra
relay_start ra --rate-source 0 --rate-global 0 --coalesce 2000 \
    --capture-ring 1 --other-relays "$(ip_of rb)" ||
    fail "relay A did not restart"
w=$(relay_worker ra)
[ -n "$w" ] || fail "relay A: no worker process"
send ca -q -p 40703 -r 20000 -s 100 255.255.255.255 5076 $N &
sp=$!
sleep 0.3
kill -STOP "$w" || fail "cannot stop relay A's worker"
wait "$sp" || { kill -CONT "$w"; fail "bcsend (3)"; }
sleep 0.3
kill -CONT "$w"
settle ra iface_counts 'cap + kd >= N' || fail "no counters from relay A"
ring=$(rcounter ra 'iface eth0:' ring)
say "relay A (ring): captured=$cap kernel_drops=$kd ring=$ring of $N;" \
    "duplicates $(rcounter ra 'drops capture:' duplicate)"
grep -q 'load mode on: .*capturing into the ring' "${SR_RELAY_LOG[ra]}" ||
    fail "relay A did not capture into its ring"
assert_ge "$ring" 1000 "relay A: frames read from the ring"
assert_ge "$kd" 1 "relay A: kernel_drops (the ring overflowed)"
assert_eq $((cap + kd)) $N "relay A (ring): captured + kernel_drops = sent"
ok "ring full while the worker was stopped: every frame relayed or counted"
