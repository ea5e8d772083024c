#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# No silent loss when the worker falls behind: with relay A's worker
# stopped (SIGSTOP), 20000 broadcasts overflow its capture socket's 4 MiB
# buffer; after SIGCONT every frame is either relayed or counted by the
# kernel (iface kernel_drops, PACKET_STATISTICS): captured + kernel_drops
# equals what was sent. Relay B emits exactly the captured frames; the
# host on B receives them, or its own socket counts them (RcvbufErrors).

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

N=20000
topo_ab
relay_start rb --other-relays "$(ip_of ra)" || fail "relay B did not start"
# No per-source limit: the burst comes from one address.
relay_start ra --rate-source 0 --rate-global 0 --other-relays "$(ip_of rb)" ||
    fail "relay A did not start"
recv_start sb all -t 60 5076
rbe0=$(udp_rcvbuf_errors sb)
w=$(relay_worker ra)
[ -n "$w" ] || fail "relay A: no worker process"

kill -STOP "$w" || fail "cannot stop relay A's worker"
# (If the script fails while it is stopped, the cleanup's SIGKILL ends it.)
send ca -q -p 40701 -s 100 255.255.255.255 5076 $N || {
	kill -CONT "$w"; fail "bcsend"; }
sleep 0.5
kill -CONT "$w"
relay_dump ra || fail "no counters from relay A"
cap=$(rcounter ra 'iface eth0:' captured)
kd=$(rcounter ra 'iface eth0:' kernel_drops)
say "relay A: captured=$cap kernel_drops=$kd of $N sent while its worker was stopped"
assert_ge "$kd" 1 "relay A: kernel_drops (the buffer overflowed)"
assert_eq $((cap + kd)) $N "relay A: captured + kernel_drops = sent"
assert_eq "$(rcounter ra 'counters:' forwarded)" "$cap" "relay A: forwarded"
recv_wait all "$cap" 10
sleep 0.5
bg_stop all
relay_dump rb || fail "no counters from relay B"
assert_eq "$(rcounter rb 'counters:' emitted)" "$cap" "relay B: emitted"
got=$(summary all unique)
rbe=$(( $(udp_rcvbuf_errors sb) - rbe0 ))
say "host on B: received $got, its socket buffer dropped $rbe"
assert_eq $((got + rbe)) "$cap" "B: received + the host's RcvbufErrors"
assert_eq "$(summary all duplicates)" 0 "B: duplicates"
ok "worker stopped during a burst: every frame relayed or counted as a kernel drop"
