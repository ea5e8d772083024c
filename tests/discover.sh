#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Peers discovered by DNS (--discover, SnowSignal's SERVICENAME): relay A
# finds the other relays as the addresses of tasks.snow, looked up every
# second, and follows the answer as relays come and go: peers are added and
# removed, the mesh socket's kernel filter follows, its own address is
# never a peer, a failed lookup keeps the last set.
#
# The name lives in relay A's namespace: its own /etc/hosts, nsswitch.conf
# (files, then dns) and resolv.conf (a nameserver behind an unreachable
# route), bound in by "ip netns exec". The hosts file is rewritten in
# place, so the bind mount shows each new version. No query leaves the
# namespace.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=ds
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
topo_host rc C 2
topo_host sc C 10
topo_wait
A=$(ip_of ra)
B=$(ip_of rb)
C=$(ip_of rc)
ip -n "$(ns ra)" route add unreachable 198.19.255.0/24 || fail "unreachable route"
ns_etc ra nsswitch.conf "hosts: files dns"
ns_etc ra resolv.conf "nameserver 198.19.255.53
options timeout:1 attempts:1"
# hosts_a LINES: relay A's /etc/hosts, rewritten in place.
hosts_a()
{
	ns_etc ra hosts "127.0.0.1 localhost
$1"
}
LOG_A=$SR_TMP/relay-ra.log

# wait_log TEXT: wait (10 s) for a line of relay A's log with TEXT.
wait_log()
{
	wait_until 10 grep -qF -- "$1" "$LOG_A" || fail "relay A never logged: $1"
	ok "relay A: $(grep -F -- "$1" "$LOG_A" | tail -n 1 | sed 's/^.*snowrelayd[^:]*: //')"
}

# cross FROM KEY TO...: N broadcasts from FROM's segment; each TO host
# counts what it got into COUNT[TO]. The first TO is waited for (10 s)
# unless it is "-".
declare -A COUNT
cross()
{
	local from=$1 key=$2 first=$3 h port=$((40300 + RANDOM % 1000))

	shift 2
	[ "$first" = - ] && shift
	for h in "$@"; do recv_start "$h" "$key-$h" -t 30 5076; done
	send "$from" -q -p "$port" -r 100 255.255.255.255 5076 $N || fail "bcsend"
	[ "$first" = - ] || recv_wait "$key-$first" $N 10
	sleep 1
	for h in "$@"; do
		bg_stop "$key-$h"
		COUNT[$h]=$(summary "$key-$h" unique)
	done
}

relay_start rb --other-relays "$A" || fail "relay B did not start"
relay_start rc --other-relays "$A" || fail "relay C did not start"

# ---- 1. the name does not resolve at start-up: not fatal ---------------------
hosts_a "$B relay-b"
SERVICENAME=snow relay_start ra --discover-interval 1 ||
    fail "relay A did not start without an answer"
wait_log "discover tasks.snow: looked up every 1 s by process"
wait_log "discover tasks.snow: lookup failed: Temporary failure in name resolution; no peers yet"
wait_log "no mesh peers yet: forwarding starts when discovery finds one"
res=$(ps -o pid= --ppid "$(relay_pid ra)" | tr -d ' ' | grep -vx "$(relay_worker ra)")
[ -n "$res" ] || fail "no resolver process"
grep -q '^CapEff:[[:space:]]*0*$' "/proc/$res/status" &&
    grep -q '^CapPrm:[[:space:]]*0*$' "/proc/$res/status" ||
    fail "resolver capabilities: $(grep ^Cap "/proc/$res/status")"
assert_eq "$(cat "/proc/$res/comm")" snowrelayd-dns "resolver's name"
ok "the resolver ($res) runs with no capabilities"

# ---- 2. tasks.snow: A itself, B and a multicast address ---------------------
hosts_a "$A tasks.snow
$B tasks.snow
224.0.0.5 tasks.snow"
wait_log "discover tasks.snow: resolves again"
wait_log "discover tasks.snow: 1 peer: $B (1 of ours or of --other-relays left out)"
wait_log "discover tasks.snow: 1 address not unicast: left out"
wait_log "peer $B:7124 added: discovered"
cross ca p2 sb sc
assert_eq "${COUNT[sb]}" $N "B discovered: broadcasts on B"
assert_eq "${COUNT[sc]}" 0 "C not discovered: broadcasts on C"

# ---- 3. C joins ---------------------------------------------------------------
hosts_a "$A tasks.snow
$C tasks.snow
$B tasks.snow"
wait_log "discover tasks.snow: 2 peers: $B, $C (1 of ours or of --other-relays left out)"
wait_log "peer $C:7124 added: discovered"
cross ca p3 sb sc
assert_eq "${COUNT[sb]}" $N "B and C discovered: broadcasts on B"
assert_eq "${COUNT[sc]}" $N "B and C discovered: broadcasts on C"

# ---- 4. B leaves: removed, and its datagrams dropped by A's kernel ------------
drops0=$(rcounter ra "drops mesh:" not_peer)
hosts_a "$C tasks.snow
$A tasks.snow"
wait_log "peer $B:7124 removed: no longer discovered; its last counters:"
assert_eq "$(rcounter ra "peer $B:7124:" tx)" $((2 * N)) "B's last counter line: tx"
cross ca p4 sc sb
assert_eq "${COUNT[sb]}" 0 "B removed: broadcasts on B"
assert_eq "${COUNT[sc]}" $N "B removed: broadcasts on C"
# B still has A as a static peer; A's mesh filter no longer takes B.
cross sb p4b - ca
assert_eq "${COUNT[ca]}" 0 "from B (not a peer any more): broadcasts on A"
cross sc p4c ca
assert_eq "${COUNT[ca]}" $N "from C (discovered): broadcasts on A"
relay_dump ra || fail "relay A: no counters"
assert_eq "$(rcounter ra "drops mesh:" not_peer)" "$drops0" \
    "relay A not_peer drops (B's datagrams stop in the kernel)"

# ---- 5. the lookup fails: the last set is kept --------------------------------
hosts_a "$C other-name"
wait_log "discover tasks.snow: lookup failed: Temporary failure in name resolution; the 1 peer kept"
cross ca p5 sc
assert_eq "${COUNT[sc]}" $N "lookup failing: broadcasts on C"
hosts_a "$C tasks.snow"
wait_log "discover tasks.snow: resolves again"
relay_dump ra || fail "relay A: no counters"
assert_eq "$(grep -cF "peer $C:7124 added" "$LOG_A")" 1 "C added once"
assert_eq "$(grep -cF "discover tasks.snow: 1 peer: $C" "$LOG_A")" 1 \
    "an unchanged answer is not logged again"

# ---- 6. stop: helper, worker and resolver gone --------------------------------
relay_stop ra
assert_eq "$RELAY_STATUS" 0 "relay A exit status"
wait_until 3 pid_gone "$res" || fail "resolver $res outlived the helper"
ok "discovery follows the name"

# ---- 7. an authenticated mesh, discover-cidr -----------------------------------
# B is discovered and, once its HELLO verified, sent native; server sb's
# address (198.18.2.10, no relay there: what a forged answer could add)
# only gets HELLOs, the frames it would have had are counted as held; C is
# outside discover-cidr. An answer that changes only in what it leaves out
# is still reported.
keys_init
KEY=$(key_file mesh.key 1)
SB=$(ip_of sb)
relay_stop rb
relay_start rb --other-relays "$A" --mesh-key-file "$KEY" ||
    fail "relay B did not restart"
mv "$LOG_A" "$SR_TMP/relay-ra-1.log"
hosts_a "$A tasks.snow
$C tasks.snow
$SB tasks.snow
$B tasks.snow"
relay_start ra --discover tasks.snow --discover-interval 1 \
    --discover-cidr 198.18.2.0/24 --mesh-key-file "$KEY" ||
    fail "relay A did not restart"
wait_log "discover tasks.snow: 2 peers: $B, $SB (1 of ours or of --other-relays left out)"
wait_log "discover tasks.snow: 1 address outside discover-cidr 198.18.2.0/24 ($C): left out"
wait_log "peer $B:7124 authenticated: broadcasts go to it from now on"
cross ca p7 sb sc
assert_eq "${COUNT[sb]}" $N "mesh-auth required, B discovered: broadcasts on B"
assert_eq "${COUNT[sc]}" 0 "C outside discover-cidr: broadcasts on C"
relay_dump ra || fail "relay A: no counters"
assert_eq "$(rcounter ra "peer $B:7124:" format)" native "peer $B format"
assert_eq "$(rcounter ra "peer $B:7124:" auth)" yes "peer $B authenticated"
assert_eq "$(rcounter ra "peer $B:7124:" tx)" $N "peer $B tx"
assert_eq "$(rcounter ra "peer $B:7124:" origin)" discovered "peer $B origin"
assert_eq "$(rcounter ra "peer $SB:7124:" auth)" no "peer $SB (not a relay) authenticated"
assert_eq "$(rcounter ra "peer $SB:7124:" tx)" 0 "peer $SB (not a relay) tx"
assert_eq "$(rcounter ra "peer $SB:7124:" held)" $N "peer $SB (not a relay) held"
hosts_a "$A tasks.snow
$C tasks.snow
198.19.9.9 tasks.snow
$SB tasks.snow
$B tasks.snow"
wait_log "discover tasks.snow: 2 addresses outside discover-cidr 198.18.2.0/24 ($C, ...): left out"
assert_eq "$(grep -c 'discover tasks.snow: .* peers\?: ' "$LOG_A")" 1 \
    "the set did not change"
relay_stop ra
assert_eq "$RELAY_STATUS" 0 "relay A exit status"
ok "discovery with an authenticated mesh and discover-cidr"
