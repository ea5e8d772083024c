#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Load mode (--coalesce): above the threshold a relay drains its sockets on
# a timer instead of waking up per packet, loses nothing doing so, says so
# in its log and counters, and goes back to per-packet wake-ups when the
# traffic stops. Relay A runs --coalesce 2000/2000 (2 ms period), relay B
# --coalesce 0 (never): a 6000 pps burst A -> B puts A in load mode, B not.
# In load mode A captures into its TPACKET_V3 ring (--capture-ring).
# (A allows 10000 pps per source: the default 2000 would drop the burst.)

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=lm
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

N=6000
topo_ab
relay_start rb --coalesce 0 --other-relays "$(ip_of ra)" ||
    fail "relay B did not start"
relay_start ra --coalesce 2000/2000 --rate-source 10000 --other-relays "$(ip_of rb)" ||
    fail "relay A did not start"
recv_start sb burst -t 30 5076

# 1. A burst of N broadcasts at 6000 pps: every one crosses, once.
send ca -q -p 40601 -r 6000 -s 200 255.255.255.255 5076 $N ||
    fail "bcsend burst"
recv_wait burst $N 10
sleep 0.5
bg_stop burst
assert_eq "$(summary burst unique)" $N "B: burst frames received (unique)"
assert_eq "$(summary burst duplicates)" 0 "B: burst duplicates"
assert_eq "$(summary burst bad)" 0 "B: damaged payloads"
log_wait ra 'load mode on: [0-9]+ packets/s >= 2000;' 1 3 ||
    fail "relay A did not log entering load mode"
# 2. Traffic stopped: A leaves load mode within a window or two.
log_wait ra 'load mode off: [0-9]+ packets/s < 1000;' 1 3 ||
    fail "relay A did not log leaving load mode"
# After load mode the ring is read out, unmapped and freed (200 ms later):
# an idle relay keeps no ring, whose kernel timer would fire every 1 ms.
sleep 0.5
wpid=$(relay_worker ra)
mapped=$(awk '/^[0-9a-f]+-[0-9a-f]+ / && $6 ~ /^socket:/ { n++ } END { print n + 0 }' \
    "/proc/$wpid/smaps")
assert_eq "$mapped" 0 "relay A: ring mappings in the worker after load mode"
relay_dump ra || fail "no counters from relay A"
relay_dump rb || fail "no counters from relay B"
assert_eq "$(rcounter ra 'load mode:' entered)" 1 "relay A: load mode entered"
assert_eq "$(rcounter ra 'load mode:' above)" 2000 "relay A: load mode threshold"
assert_eq "$(rcounter ra 'load mode:' interval_us)" 2000 "relay A: timer period"
t=$(rcounter ra 'load mode:' ticks)
# 6000 frames in about 1 s at a 2 ms period: some 500 ticks, not 6000 wake-ups.
assert_ge "$t" 100 "relay A: load-mode timer wake-ups"
[ "$t" -le 1500 ] || fail "relay A: $t timer wake-ups for 1 s of load at 2 ms"
grep -q 'load mode: off ' "${SR_RELAY_LOG[ra]}" ||
    fail "relay A: counters do not say load mode is off"
assert_eq "$(rcounter ra 'counters:' forwarded)" $N "relay A: forwarded"
# The capture ring (--capture-ring, default 4 MiB) took over in load mode:
# most frames came from it, none twice, and nothing was lost in the switch.
grep -q 'load mode on: .*capturing into the ring' "${SR_RELAY_LOG[ra]}" ||
    fail "relay A: entering load mode did not start the capture ring"
grep -q 'load mode off: .*capturing per frame' "${SR_RELAY_LOG[ra]}" ||
    fail "relay A: leaving load mode did not stop the capture ring"
ring=$(rcounter ra 'iface eth0:' ring)
assert_ge "$ring" $(( N / 2 )) "relay A: frames read from the capture ring"
[ "$ring" -le $N ] || fail "relay A: ring=$ring > $N frames sent"
assert_eq "$(rcounter ra 'iface eth0:' captured)" $N "relay A: captured"
assert_eq "$(rcounter ra 'iface eth0:' kernel_drops)" 0 "relay A: kernel drops"
assert_eq "$(rcounter rb 'load mode:' entered)" 0 \
    "relay B (--coalesce 0): load mode entered"
assert_eq "$(rcounter rb 'counters:' emitted)" $N "relay B: emitted"
ok "6000 pps burst: A drained on a timer ($t wake-ups), nothing lost"

# 3. Back in event mode: a slow trickle crosses and does not re-enter.
recv_start sb slow -t 20 5076
send ca -q -p 40602 -r 50 -s 100 255.255.255.255 5076 20 ||
    fail "bcsend slow"
recv_wait slow 20 5
bg_stop slow
assert_eq "$(summary slow unique)" 20 "B: slow frames received"
relay_dump ra || fail "no counters from relay A"
assert_eq "$(rcounter ra 'load mode:' entered)" 1 \
    "relay A: load mode entered (unchanged at 50 pps)"
assert_eq "$(rcounter ra 'iface eth0:' ring)" "$ring" \
    "relay A: ring frames (unchanged: captured per frame again)"
assert_eq "$(rcounter ra 'iface eth0:' captured)" $(( N + 20 )) \
    "relay A: captured"
ok "50 pps after the burst: per-packet wake-ups, nothing lost"
