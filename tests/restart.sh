#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Peer restart: three relays (A, B, C) with a 1 s HELLO interval; relay B
# is killed (SIGKILL, helper and worker) and restarted. Its peers log it
# down within about 3-4 s and up again after the restart, each transition
# exactly once, and relaying to and from B resumes within a few seconds
# (broadcasts every 0.2 s both ways; the gaps are reported).

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=rs
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

HI=1
GAP_MS=200
topo_router
topo_segment A 1
topo_segment B 2
topo_segment C 3
topo_host ra A 2
topo_host ca A 10
topo_host a2 A 11
topo_host rb B 2
topo_host sb B 10
topo_host b2 B 11
topo_host rc C 2
topo_wait
A=$(ip_of ra); B=$(ip_of rb); C=$(ip_of rc)
CA=$(ip_of ca); SB=$(ip_of sb)
keys_init
KEY=$(key_file mesh.key 1)
OPTS="--mesh-key-file $KEY --mesh-auth required --hello-interval $HI"

relay_start ra $OPTS --other-relays "$B" "$C" || fail "relay A did not start"
relay_start rb $OPTS --other-relays "$A" "$C" || fail "relay B did not start"
relay_start rc $OPTS --other-relays "$A" "$B" || fail "relay C did not start"
peers_wait_up ra 6 "$B" "$C" || fail "relay A: peers not up"
peers_wait_up rc 6 "$A" "$B" || fail "relay C: peers not up"
peers_wait_up rb 6 "$A" "$C" || fail "relay B: peers not up"
ok "three relays up"

# Broadcasts every 0.2 s: A -> B (to the restarted relay), B -> A (from it).
TOTAL=150	# 30 s at most
recv_start b2 atob -t 40 5076
recv_start a2 btoa -t 40 5076
T0=$(now_ms)
bg_start ca sa timeout 40 "$TOOLS/bcsend" -q -p 40801 -r $(( 1000 / GAP_MS )) \
    255.255.255.255 5076 $TOTAL
bg_start sb sb timeout 40 "$TOOLS/bcsend" -q -p 40802 -r $(( 1000 / GAP_MS )) \
    255.255.255.255 5076 $TOTAL
sleep 2

# ---- kill B -------------------------------------------------------------------------
relay_kill rb
TK=$(now_ms)
[ -z "$(ns_procs rb)" ] || fail "relay B: processes left after SIGKILL: $(ns_procs rb)"
say "relay B killed (helper and worker, SIGKILL)"
for r in ra rc; do
	log_wait $r "$(peer_down_re "$B")" 1 8 || fail "relay $r: peer B not logged down within 8 s"
done
TD=$(now_ms)
say "peer B logged down by A and C $(( TD - TK )) ms after the kill"
[ $(( TD - TK )) -le 5000 ] || fail "down after $(( TD - TK )) ms (3 HELLO intervals of $HI s expected)"
ok "relays A and C logged B down within $(( TD - TK )) ms"
for r in ra rc; do
	say "relay $r: $(grep -E "$(peer_down_re "$B")" "$(relay_log $r)" | tail -n 1)"
done

# ---- restart B ------------------------------------------------------------------------
sleep 1
TR=$(now_ms)
relay_start rb $OPTS --other-relays "$A" "$C" || fail "relay B did not restart"
say "relay B restarted: ready (answering SIGUSR1) after $(( $(now_ms) - TR )) ms"
for r in ra rc; do
	log_wait $r "$(peer_up_re "$B")" 2 6 || fail "relay $r: peer B not logged up after the restart"
done
TU=$(now_ms)
ok "relays A and C logged B up $(( TU - TR )) ms after the restart"
grep -q 'restarted' "$(relay_log ra)" &&
    say "relay A: $(grep 'restarted' "$(relay_log ra)" | tail -n 1)"
sleep 4
bg_stop sa; bg_stop sb
sleep 0.5
bg_stop atob; bg_stop btoa

# resume KEY SRC: print "gap_ms resume_ms count": the longest run of lost
# broadcasts (in ms), how long after TR (B restarted) the first broadcast
# sent after the kill was sent (by the send schedule) -- it arrived, so
# relaying had resumed by then -- and how many arrived.
resume()
{
	grep "^from $2 " "$(out "$1")" | sed 's/.* seq \([0-9]*\) .*/\1/' | sort -n | uniq |
	    awk -v g=$GAP_MS -v t0=$T0 -v tk=$TK -v tr=$TR '
		{ if (NR > 1 && $1 - prev > maxgap) maxgap = $1 - prev; prev = $1
		  ts = t0 + $1 * g
		  if (ts > tk && first == "") first = ts }
		END { printf "%d %d %d\n", (maxgap - 1) * g, first - tr, NR }'
}
for k in atob:$CA:40801 btoa:$SB:40802; do
	key=${k%%:*}; src=${k#*:}
	set -- $(resume "$key" "$src")
	say "$key: $3 received; longest gap $1 ms; the first broadcast relayed" \
	    "after the kill was sent $2 ms after the restart"
	[ "$3" -gt 0 ] || fail "$key: nothing received"
	[ "$2" -le 4000 ] || fail "$key: relaying resumed $2 ms after the restart (> 4 s)"
	ok "$key: relaying resumed within $2 ms of the restart"
done

# ---- each transition exactly once -------------------------------------------------------
for r in ra rc; do
	assert_eq "$(log_count $r "$(peer_down_re "$B")")" 1 "relay $r: 'peer $B down' lines"
	assert_eq "$(log_count $r "$(peer_up_re "$B")")" 2 "relay $r: 'peer $B up' lines (start, restart)"
done
assert_eq "$(log_count ra "$(peer_down_re "$C")")" 0 "relay A: peer C never down"
assert_eq "$(log_count rc "$(peer_down_re "$A")")" 0 "relay C: peer A never down"
assert_eq "$(log_count ra "$(peer_up_re "$C")")" 1 "relay A: 'peer $C up' lines"
ok "restart checks passed"
