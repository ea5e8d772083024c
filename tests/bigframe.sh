#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Frames are never cut: a captured frame longer than the relay's buffer
# (FRAME_MAX, 9216 bytes) is counted as truncated and dropped, and a frame
# too big for the far segment's MTU is counted as an emit error; nothing
# shortened ever reaches a host (SnowSignal cut frames at 1024 bytes).

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=bf
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

N=3
topo_router
topo_segment A 1
topo_segment B 2
topo_host ra A 2
topo_host ca A 10
topo_host rb B 2
topo_host sb B 10
topo_wait
# Segment A carries jumbo frames (9500); segment B stays at 1500.
for v in vA2 vA10; do
	ip -n "$(ns r)" link set "$v" mtu 9500 || fail "mtu $v"
done
ip -n "$(ns r)" link set brA mtu 9500 || fail "mtu brA"
for h in ra ca; do
	ip -n "$(ns "$h")" link set eth0 mtu 9500 || fail "mtu eth0 in $h"
done

relay_start rb --other-relays "$(ip_of ra)" || fail "relay B did not start"
relay_start ra --other-relays "$(ip_of rb)" || fail "relay A did not start"
recv_start sb sb1 -t 20 5076

# Control first (it also resolves ARP along the path, so no fragment of
# the big mesh datagrams below waits on an unresolved neighbour).
send ca -q -p 40303 -s 100 255.255.255.255 5076 $N || fail "bcsend 100"
recv_wait sb1 $N 10
# 1. A 9442-byte frame (9400-byte payload) does not fit the 9216-byte buffer.
send ca -q -p 40301 -s 9400 255.255.255.255 5076 $N || fail "bcsend 9400"
# 2. An 8042-byte frame fits the buffer and crosses the mesh (fragmented
#    there), but cannot be emitted on B's 1500-byte segment.
send ca -q -p 40302 -s 8000 255.255.255.255 5076 $N || fail "bcsend 8000"
sleep 1.5
bg_stop sb1

relay_dump ra || fail "no counters from relay A"
relay_dump rb || fail "no counters from relay B"
assert_eq "$(rcounter ra 'drops capture:' truncated)" $N \
    "relay A: drops capture: truncated (9442-byte frames)"
assert_eq "$(rcounter ra 'iface eth0:' truncated)" $N \
    "relay A: iface eth0 truncated"
assert_eq "$(rcounter ra 'counters:' forwarded)" $((2 * N)) \
    "relay A: forwarded (8042-byte and 142-byte frames)"
assert_eq "$(rcounter rb 'counters:' mesh_rx)" $((2 * N)) \
    "relay B: mesh_rx"
assert_eq "$(rcounter rb 'counters:' emit_errors)" $N \
    "relay B: emit_errors (8042-byte frames on a 1500 MTU)"
assert_eq "$(rcounter rb 'counters:' emitted)" $N \
    "relay B: emitted (the control frames)"
assert_eq "$(recv_lines sb1)" $N \
    "B: datagrams received (control only; nothing cut)"
assert_eq "$(recv_lines sb1 ':40303 ')" $N \
    "B: control datagrams from port 40303"
assert_eq "$(summary sb1 bad)" 0 \
    "B: damaged payloads"
ok "oversized frames are dropped and counted, never cut"

# 3. The same through the capture ring (16 KiB blocks): A restarts with a
#    load-mode threshold of 100 pps, so at 2000 pps it reads the frames
#    from its TPACKET_V3 ring after the first 10 ms.
M=200
relay_stop ra
relay_start ra --coalesce 100 --other-relays "$(ip_of rb)" ||
    fail "relay A did not restart"
e0=$(rcounter rb 'counters:' emitted)
recv_start sb sb2 -t 20 5076
for a in "40304 100" "40305 9400" "40306 8000"; do
	set -- $a
	send ca -q -p "$1" -r 2000 -s "$2" 255.255.255.255 5076 $M ||
	    fail "bcsend $2 (ring)"
done
recv_wait sb2 $M 10
sleep 1
bg_stop sb2
relay_dump ra || fail "no counters from relay A"
relay_dump rb || fail "no counters from relay B"
grep -q 'load mode on: .*capturing into the ring' "${SR_RELAY_LOG[ra]}" ||
    fail "relay A did not capture into its ring"
assert_ge "$(rcounter ra 'iface eth0:' ring)" $((2 * M)) \
    "relay A: frames read from the ring"
assert_eq "$(rcounter ra 'drops capture:' truncated)" $M \
    "relay A (ring): truncated (9442-byte frames)"
assert_eq "$(rcounter ra 'counters:' forwarded)" $((2 * M)) \
    "relay A (ring): forwarded (8042-byte and 142-byte frames)"
assert_eq "$(( $(rcounter rb 'counters:' emitted) - e0 ))" $M \
    "relay B: emitted (the control frames)"
assert_eq "$(recv_lines sb2 ':40304 ')" $M "B: control datagrams (ring)"
assert_eq "$(recv_lines sb2)" $M "B: datagrams received (ring; nothing cut)"
assert_eq "$(summary sb2 bad)" 0 "B: damaged payloads (ring)"
ok "through the capture ring too: oversized frames dropped, none cut"
