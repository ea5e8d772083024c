#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# UMAC-128 mesh keys ("ID HEX umac-128", or "ID HEX": the default):
# 1. meshsend's own UMAC-128 (tests/tools/meshsend.c, written apart from
#    src/auth.c) is accepted by a relay whose key line names no algorithm,
#    and a forged tag is bad_tag; that relay and one whose key line says
#    umac-128 relay broadcasts both ways, exactly once.
# 2. One relay with hmac-sha256 and the other with umac-128 for the same
#    key id and secret: nothing crosses, and every datagram each relay
#    sends is counted as bad_tag by the other, exactly.
# 3. A rotation by SIGHUP from an hmac-sha256 key to a umac-128 key while
#    broadcasts flow both ways loses nothing; afterwards datagrams signed
#    for key 2 with the wrong algorithm are bad_tag.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=um
SR_TIMEOUT=${SR_TIMEOUT:-150}
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

N=10		# broadcasts per direction, phases 1 and 2
RATE=20		# broadcasts per second, each way, during the rotation
SECS=9		# of traffic during the rotation
HI=1		# HELLO interval, s
topo_ab
A=$(ip_of ra)
B=$(ip_of rb)
CA=$(ip_of ca)
SB=$(ip_of sb)
keys_init

# two_way TAG PORT_A PORT_B EXPECT: N broadcasts from ca (source port
# PORT_A) and N from sb (PORT_B), received by b2 (as TAG-ab) and a2 (as
# TAG-ba); each waits (<= 5 s) for EXPECT datagrams, the local ones included.
two_way()
{
	recv_start b2 "$1-ab" -t 20 5076
	recv_start a2 "$1-ba" -t 20 5076
	send ca -q -p "$2" -r 100 255.255.255.255 5076 $N || fail "bcsend on A"
	send sb -q -p "$3" -r 100 255.255.255.255 5076 $N || fail "bcsend on B"
	recv_wait "$1-ab" "$4" 5
	recv_wait "$1-ba" "$4" 5
	sleep 0.5
	bg_stop "$1-ab"
	bg_stop "$1-ba"
}

KU=$(key_file umac.key 1:umac-128)
KH=$(key_file hmac.key 1:hmac-sha256)
KD=$(key_file default.key 1)
grep -q '^1 [0-9a-f]* umac-128$' "$KU" || fail "key file $KU: no \"1 HEX umac-128\" line"
grep -q '^1 [0-9a-f]*$' "$KD" || fail "key file $KD: no \"1 HEX\" line"

# ---- 1. umac-128: named on A and by meshsend, the default on B ------------------
relay_start rb --mesh-key-file "$KD" --mesh-auth required --hello-interval $HI \
    --other-relays "$A" || fail "relay B did not start"
# Relay A is not running yet: when it starts, its sequence numbers are
# above meshsend's, so its datagrams are not taken for replays.
recv_start b2 ms -t 20 5076
mesh ra -q --native -K "$KU" -S 41501 -n 5 -r 200 "$B" || fail "meshsend umac-128"
recv_wait ms 5 5
sleep 0.3
bg_stop ms
assert_eq "$(recv_lines ms ':41501 ')" 5 "meshsend's UMAC-128 datagrams on B"
drop_phase "forged UMAC tag" rb bad_tag 5 mesh ra -q --native -K "$KU" --bad-tag -S 41502 -n 5 -r 200 "$B"
relay_start ra --mesh-key-file "$KU" --mesh-auth required --hello-interval $HI \
    --other-relays "$B" || fail "relay A did not start"
peers_wait_up rb 6 "$A" || fail "relay B: peer A not up"
peers_wait_up ra 6 "$B" || fail "relay A: peer B not up"
ok "relays up with umac-128 keys (named on A, the default on B), HELLOs exchanged"
two_way u 40501 40502 $(( 2 * N ))
assert_eq "$(recv_lines u-ab "^from $CA:40501 ")" $N "umac-128: A -> B"
assert_eq "$(recv_lines u-ba "^from $SB:40502 ")" $N "umac-128: B -> A"
assert_eq "$(summary u-ab duplicates)" 0 "umac-128: duplicates on B"
assert_eq "$(summary u-ba duplicates)" 0 "umac-128: duplicates on A"
relay_dump ra || fail "relay A: no counters"
relay_dump rb || fail "relay B: no counters"
assert_eq "$(rcounter ra 'drops mesh:' bad_tag)" 0 "relay A: bad_tag"
assert_eq "$(rcounter rb 'drops mesh:' bad_tag)" 5 "relay B: bad_tag (the forged ones only)"
assert_eq "$(rcounter rb "peer $A:7124:" auth)" yes "relay B: peer A auth"
assert_eq "$(rcounter ra "peer $B:7124:" format)" native "relay A: peer B format"
relay_stop ra
relay_stop rb
mv "$(relay_log ra)" "$SR_TMP/relay-ra-umac.log"
mv "$(relay_log rb)" "$SR_TMP/relay-rb-umac.log"

# ---- 2. key 1 hmac-sha256 on B, umac-128 on A: everything is bad_tag ---------------
# A long HELLO interval: no HELLO is sent after the start-up one, so the
# counts below are the broadcasts alone.
relay_start rb --mesh-key-file "$KH" --mesh-auth required --hello-interval 60 \
    --other-relays "$A" || fail "relay B (hmac) did not start"
relay_start ra --mesh-key-file "$KU" --mesh-auth required --hello-interval 60 \
    --other-relays "$B" || fail "relay A (umac) did not start"
sleep 0.5
for r in ra rb; do
	relay_dump $r || fail "relay $r: no counters"
	dump_kv $r 'drops mesh:' >"$SR_TMP/mm.$r"
done
txa=$(rcounter ra "peer $B:7124:" tx)
txb=$(rcounter rb "peer $A:7124:" tx)
two_way m 40511 40512 $N
for r in ra rb; do
	relay_dump $r || fail "relay $r: no counters"
done
assert_eq "$(( $(rcounter ra "peer $B:7124:" tx) - txa ))" $N "mismatch: datagrams A sent to B"
assert_eq "$(( $(rcounter rb "peer $A:7124:" tx) - txb ))" $N "mismatch: datagrams B sent to A"
assert_eq "$(dump_changed rb 'drops mesh:' "$SR_TMP/mm.rb")" "bad_tag=$N " \
    "mismatch: relay B: the only drop counter that moved"
assert_eq "$(dump_changed ra 'drops mesh:' "$SR_TMP/mm.ra")" "bad_tag=$N " \
    "mismatch: relay A: the only drop counter that moved"
assert_eq "$(recv_lines m-ab "^from $CA:40511 ")" 0 "mismatch: A -> B frames"
assert_eq "$(recv_lines m-ba "^from $SB:40512 ")" 0 "mismatch: B -> A frames"
# Nothing from the other relay was ever accepted, the start-up HELLO neither.
assert_eq "$(rcounter rb "peer $A:7124:" rx) $(rcounter rb "peer $A:7124:" hellos) $(rcounter rb "peer $A:7124:" auth)" \
    "0 0 no" "mismatch: relay B: peer A rx, hellos, auth"
assert_eq "$(rcounter ra "peer $B:7124:" rx) $(rcounter ra "peer $B:7124:" hellos) $(rcounter ra "peer $B:7124:" auth)" \
    "0 0 no" "mismatch: relay A: peer B rx, hellos, auth"
relay_stop ra
relay_stop rb
mv "$(relay_log ra)" "$SR_TMP/relay-ra-mismatch.log"
mv "$(relay_log rb)" "$SR_TMP/relay-rb-mismatch.log"

# ---- 3. rotation: key 1 hmac-sha256 -> key 2 umac-128, traffic flowing -----------
KA=$(key_file ra.key 1:hmac-sha256)
KB=$(key_file rb.key 1:hmac-sha256 2:umac-128)
keyed_pair_up "$KA" "$KB"
ok "relays up: A keys {1 hmac-sha256}, B keys {1 hmac-sha256, 2 umac-128}"
T=$(( SECS + 10 ))
recv_start b2 atob -t $T 5076
recv_start a2 btoa -t $T 5076
bg_start ca sa timeout $T "$TOOLS/bcsend" -q -p 40521 -r $RATE 255.255.255.255 5076 $(( RATE * SECS ))
bg_start sb sb timeout $T "$TOOLS/bcsend" -q -p 40522 -r $RATE 255.255.255.255 5076 $(( RATE * SECS ))
sleep 2.5
key_file ra.key 2:umac-128 >/dev/null
key_file rb.key 2:umac-128 >/dev/null
kill -HUP "$(relay_pid ra)" || fail "SIGHUP relay A"
say "relay A: keys {2 umac-128}, SIGHUP"
sleep 1
kill -HUP "$(relay_pid rb)" || fail "SIGHUP relay B"
say "relay B: keys {2 umac-128}, SIGHUP"
bg_wait sa $(( SECS + 5 ))
bg_wait sb 5
sleep 1
bg_stop atob; bg_stop btoa
want=$(( RATE * SECS ))
grep -q "^sent $want errors 0" "$(out sa)" || fail "sender on A: $(cat "$(out sa)")"
grep -q "^sent $want errors 0" "$(out sb)" || fail "sender on B: $(cat "$(out sb)")"
assert_eq "$(recv_lines atob "^from $CA:40521 ")" $want "rotation: A -> B frames"
assert_eq "$(recv_lines btoa "^from $SB:40522 ")" $want "rotation: B -> A frames"
assert_eq "$(summary atob duplicates)" 0 "rotation: duplicates on B"
assert_eq "$(summary btoa duplicates)" 0 "rotation: duplicates on A"
for r in ra rb; do
	assert_eq "$(log_count $r 'worker: mesh keys reloaded')" 1 \
	    "relay $r: worker's 'mesh keys reloaded' lines"
done
pid_gone "$(relay_pid ra)" && fail "relay A died"
pid_gone "$(relay_pid rb)" && fail "relay B died"
relay_dump rb || fail "relay B: no counters"
assert_eq "$(rcounter rb 'drops mesh:' bad_tag)" 0 "rotation: relay B: bad_tag"
# Key 2 signed as hmac-sha256: known id, wrong algorithm.
K2H=$(key_file k2hmac.key 2:hmac-sha256)
drop_phase "key 2 with the wrong algorithm" rb bad_tag 5 \
    mesh ra -q --native -K "$K2H" -S 41521 -n 5 -r 100 "$B"
ok "umac-128 checks passed"
