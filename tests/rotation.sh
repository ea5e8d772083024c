#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Key rotation without loss: relay A has keys {1}, relay B {1,2}; both key
# files become {2} and both relays get SIGHUP, one second apart, while
# broadcasts flow both ways at 20 per second. Every frame arrives exactly
# once; each relay logs the reload once; afterwards the old key is refused.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=ro
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

RATE=20		# broadcasts per second, each way
SECS=9		# of traffic
HI=1		# HELLO interval, s
topo_ab
A=$(ip_of ra)
B=$(ip_of rb)
keys_init
KA=$(key_file ra.key 1)
KB=$(key_file rb.key 1 2)
# The helper re-reads the file after its privilege drop: owned by the
# service user (nobody here), mode 600.
[ "$(stat -c '%U %a' "$KA")" = "nobody 600" ] || fail "key file: $(stat -c '%U %a' "$KA")"

keyed_pair_up "$KA" "$KB"
ok "relays up: A keys {1}, B keys {1,2}"

# ---- continuous traffic both ways, rotation in the middle ----------------------
T=$(( SECS + 10 ))
recv_start b2 atob -t $T 5076
recv_start a2 btoa -t $T 5076
bg_start ca sa timeout $T "$TOOLS/bcsend" -q -p 40401 -r $RATE 255.255.255.255 5076 $(( RATE * SECS ))
bg_start sb sb timeout $T "$TOOLS/bcsend" -q -p 40402 -r $RATE 255.255.255.255 5076 $(( RATE * SECS ))
sleep 2.5
key_file ra.key 2 >/dev/null
key_file rb.key 2 >/dev/null
kill -HUP "$(relay_pid ra)" || fail "SIGHUP relay A"
say "relay A: keys {2}, SIGHUP"
sleep 1
kill -HUP "$(relay_pid rb)" || fail "SIGHUP relay B"
say "relay B: keys {2}, SIGHUP"
bg_wait sa $(( SECS + 5 ))
bg_wait sb 5
sleep 1
bg_stop atob; bg_stop btoa
want=$(( RATE * SECS ))
grep -q "^sent $want errors 0" "$(out sa)" || fail "sender on A: $(cat "$(out sa)")"
grep -q "^sent $want errors 0" "$(out sb)" || fail "sender on B: $(cat "$(out sb)")"
CA=$(ip_of ca)
SB=$(ip_of sb)
for k in atob btoa; do
	say "$k: $(grep '^received' "$(out $k)")"
done
assert_eq "$(recv_lines atob "^from $CA:40401 ")" $want "A -> B during the rotation: frames arrived"
assert_eq "$(recv_lines btoa "^from $SB:40402 ")" $want "B -> A during the rotation: frames arrived"
for k in atob btoa; do
	assert_eq "$(summary $k duplicates)" 0 "$k: duplicates"
	assert_eq "$(summary $k unique)" $(( 2 * want )) "$k: frames (relayed + local)"
done

for r in ra rb; do
	# Once by the helper (it read the file), once by the worker (it
	# took the new keyring).
	assert_eq "$(log_count $r '^[^ ]+: mesh keys reloaded')" 1 \
	    "relay $r: helper's 'mesh keys reloaded' lines"
	assert_eq "$(log_count $r 'worker: mesh keys reloaded')" 1 \
	    "relay $r: worker's 'mesh keys reloaded' lines"
	grep -F 'mesh keys reloaded' "$(relay_log $r)" | sed "s/^/$SR_NAME: relay $r: /"
	if grep -Eiq 'key file.*(error|denied|cannot|refus)' "$(relay_log $r)"; then
		fail "relay $r: key file error: $(grep -Ei 'key file' "$(relay_log $r)" | tail -n 1)"
	fi
done
pid_gone "$(relay_pid ra)" && fail "relay A died"
pid_gone "$(relay_pid rb)" && fail "relay B died"
assert_eq "$(log_count ra "$(peer_down_re "$B")")" 0 "relay A: peer B never down"
assert_eq "$(log_count rb "$(peer_down_re "$A")")" 0 "relay B: peer A never down"

# ---- after the accept-only grace (3 HELLO intervals): key 1 is refused ------------
sleep $(( 3 * HI + 1 ))
K1=$(key_file old.key 1)
relay_dump rb || fail "relay B: no counters"
u0=$(rcounter rb 'drops mesh:' unknown_key_id)
recv_start sb after -t 20 5076
mesh ra -q --native -K "$K1" -S 41401 -n 5 -r 100 "$B" || fail "meshsend with key 1"
send ca -q -p 40403 -r 100 255.255.255.255 5076 5 || fail "bcsend after the rotation"
recv_wait after 5 5
sleep 0.5
bg_stop after
relay_dump rb || fail "relay B: no counters"
assert_eq "$(( $(rcounter rb 'drops mesh:' unknown_key_id) - u0 ))" 5 \
    "after the grace: datagrams signed with the removed key 1 refused (unknown_key_id)"
assert_eq "$(recv_lines after ':41401 ')" 0 "after the grace: key-1 frames on B"
assert_eq "$(recv_lines after ':40403 ')" 5 "after the grace: genuine frames (key 2) on B"
ok "key rotation checks passed"
