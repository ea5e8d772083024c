#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# One bad peer never stops forwarding to the others (SnowSignal bug B5):
# an unreachable peer listed first, and a peer that refuses with ICMP port
# unreachable, while every broadcast still reaches the good peer. Also:
# a peer given by host name is resolved once at start-up.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=pe
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

N=20
topo_router
topo_segment A 1
topo_segment B 2
topo_segment C 3
topo_host ra A 2
topo_host ca A 10
topo_host rb B 2
topo_host sb B 10
topo_host rf C 10	# "refuser": a host with nothing on the mesh port
topo_wait
A=$(ip_of ra)
B=$(ip_of rb)
RF=$(ip_of rf)
DEAD=198.19.255.1
# Sends to the dead peer fail at once (EHOSTUNREACH) in relay A's host.
ip -n "$(ns ra)" route add unreachable 198.19.255.0/24 || fail "unreachable route"

relay_start rb --other-relays "$A" || fail "relay B did not start"

# ---- 1. unreachable peer listed first --------------------------------------------
relay_start ra --other-relays "$DEAD" "$B" || fail "relay A did not start"
recv_start sb sb1 -t 30 5076
send ca -q -p 40201 -r 100 255.255.255.255 5076 $N || fail "bcsend"
recv_wait sb1 $N 10
sleep 0.5
bg_stop sb1
relay_dump ra || fail "relay A: no counters"
assert_eq "$(summary sb1 unique)" $N "unreachable peer first: broadcasts on B"
assert_ge "$(rcounter ra "peer $DEAD:7124:" tx_errors)" 1 "peer $DEAD tx_errors"
e=$(rcounter ra "peer $DEAD:7124:" last_error)
[ "$e" != none ] && [ "$e" != NA ] || fail "peer $DEAD last_error: $e"
ok "peer $DEAD last_error = $e"
assert_eq "$(rcounter ra "peer $B:7124:" tx)" $N "peer $B tx"
assert_eq "$(rcounter ra "peer $B:7124:" tx_errors)" 0 "peer $B tx_errors"
assert_eq "$(rcounter ra counters: captured)" $N "relay A captured"
assert_eq "$(rcounter ra counters: forwarded)" $N "relay A forwarded"
assert_ge "$(rcounter ra counters: mesh_tx_errors)" 1 "relay A mesh_tx_errors"
relay_stop ra
assert_eq "$RELAY_STATUS" 0 "relay A exit status"

# ---- 2. a refusing peer first, then the dead one, then B ------------------------------
mv "$(relay_log ra)" "$SR_TMP/relay-ra-1.log"
relay_start ra --other-relays "$RF" "$DEAD" "$B" || fail "relay A did not start"
recv_start sb sb2 -t 30 5076
if command -v tcpdump >/dev/null 2>&1; then
	bg_start ra icmp timeout 20 tcpdump -i eth0 -nn -l -c 1 icmp
	wait_until 5 grep -q 'listening on' "$(out icmp)" ||
	    fail "tcpdump did not start: $(cat "$(out icmp)")"
fi
send ca -q -p 40202 -r 100 255.255.255.255 5076 $N || fail "bcsend"
recv_wait sb2 $N 10
sleep 0.5
bg_stop sb2
relay_dump ra || fail "relay A: no counters"
assert_eq "$(summary sb2 unique)" $N "refusing + unreachable peers first: broadcasts on B"
assert_eq "$(rcounter ra "peer $B:7124:" tx)" $N "peer $B tx"
say "refusing peer: $(grep -F "peer $RF:7124:" "$(relay_log ra)" | tail -n 1 | sed 's/.*peer /peer /')"
if [ -n "${SR_BG_PID[icmp]}" ]; then
	bg_wait icmp 3
	grep -q 'port 7124 unreachable' "$(out icmp)" &&
	    ok "the refusing peer answered with ICMP port unreachable"
fi
# More broadcasts after the ICMP errors: forwarding still works.
recv_start sb sb3 -t 30 5076
send ca -q -p 40203 -r 100 198.18.1.255 5076 $N || fail "bcsend"
recv_wait sb3 $N 10
sleep 0.5
bg_stop sb3
assert_eq "$(summary sb3 unique)" $N "after ICMP errors: broadcasts on B"
relay_dump ra || fail "relay A: no counters"
assert_eq "$(rcounter ra "peer $B:7124:" tx)" $(( 2 * N )) "peer $B tx"
pid_gone "$(relay_pid ra)" && fail "relay A died"
relay_stop ra
assert_eq "$RELAY_STATUS" 0 "relay A exit status"
ok "bad peers do not stop forwarding"

# ---- 3. a peer given by host name -------------------------------------------
# Relay A's namespace gets its own /etc/hosts, resolv.conf and
# nsswitch.conf: the name is in the file, and any other name would go to a
# nameserver behind the unreachable route above (never to a resolver
# service of the host's), so no query leaves the namespace.
mv "$(relay_log ra)" "$SR_TMP/relay-ra-2.log"
ns_etc ra hosts "$B relay-b.test relay-b"
ns_etc ra nsswitch.conf "hosts: files dns"
ns_etc ra resolv.conf "nameserver 198.19.255.53
options timeout:1 attempts:1"
out=$(nsx ra "$SNOWRELAYD" -n -t eth0 --other-relays relay-b 2>&1) ||
    fail "-n with a host name: $out"
grep -qxF "other-relays = relay-b:7124  # command line" <<<"$out" &&
    grep -qxF "#   relay-b = $B" <<<"$out" ||
    fail "-n does not show relay-b resolved to $B: $out"
ok "-n shows relay-b resolved to $B"
out=$(nsx ra "$SNOWRELAYD" -n -t eth0 --other-relays no-such-relay 2>&1) &&
    fail "an unresolvable name was accepted: $out"
grep -qF 'other-relays: "no-such-relay": host name does not resolve:' <<<"$out" ||
    fail "unresolvable name: $out"
ok "an unresolvable name is refused: ${out#snowrelayd: }"
relay_start ra --other-relays relay-b || fail "relay A did not start"
grep -qF "peer relay-b is $B:7124 (resolved at start-up)" "$(relay_log ra)" ||
    fail "relay A does not log what relay-b resolved to"
ok "relay A logs: peer relay-b is $B:7124"
recv_start sb sb4 -t 30 5076
send ca -q -p 40204 -r 100 198.18.1.255 5076 $N || fail "bcsend"
recv_wait sb4 $N 10
sleep 0.5
bg_stop sb4
assert_eq "$(summary sb4 unique)" $N "peer by host name: broadcasts on B"
relay_dump ra || fail "relay A: no counters"
assert_eq "$(rcounter ra "peer $B:7124:" tx)" $N "peer $B (relay-b) tx"
relay_stop ra
assert_eq "$RELAY_STATUS" 0 "relay A exit status"
ok "a peer given by host name"
