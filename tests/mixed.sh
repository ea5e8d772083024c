#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Mixed mesh during a migration: a snowrelay relay on segment A peers with
# a relay speaking SnowSignal's "SS" format on B (tests/tools/ssemu, written
# from the documented wire format). Broadcasts cross both ways exactly
# once with their source kept -- with an authenticated relay (accept-both,
# the peer given as ADDR/ss) and with an unauthenticated one (mode off).

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=mx
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init
need_tools ssemu

N=20
topo_ab
A=$(ip_of ra)
B=$(ip_of rb)	# the emulator's address
CA=$(ip_of ca)
SB=$(ip_of sb)
keys_init
KEY=$(key_file mesh.key 1)

# both_ways ROUND PORT: N broadcasts A -> B and N B -> A, each exactly once.
both_ways()
{
	local name=$1 p1=$2 p2=$(( $2 + 1 ))

	bg_start rb "$name-emu" "$TOOLS/ssemu" -T 40 "$A"
	wait_until 5 grep -q '^listening' "$(out "$name-emu")" ||
	    fail "$name: ssemu did not start: $(cat "$(out "$name-emu")")"
	recv_start b2 "$name-b" -t 30 5076
	recv_start a2 "$name-a" -t 30 5076
	send ca -q -p "$p1" -r 100 255.255.255.255 5076 $N || fail "$name: bcsend on A"
	send sb -q -p "$p2" -r 100 255.255.255.255 5076 $N || fail "$name: bcsend on B"
	recv_wait "$name-b" $(( 2 * N )) 5
	recv_wait "$name-a" $(( 2 * N )) 5
	sleep 1
	bg_stop "$name-b"; bg_stop "$name-a"; bg_stop "$name-emu"
	say "$name: ssemu: $(tail -n 1 "$(out "$name-emu")")"
	relay_dump ra || fail "$name: relay A: no counters"
	say "$name: relay A: $(grep -F "peer $B:7124:" "$(relay_log ra)" | tail -n 1 | sed 's/.*peer /peer /')"
	assert_eq "$(recv_lines "$name-b" "^from $CA:$p1 .* to 255\.255\.255\.255 ")" $N \
	    "$name: A -> B via the SS emulator, source $CA:$p1 kept"
	assert_eq "$(recv_lines "$name-a" "^from $SB:$p2 .* to 255\.255\.255\.255 ")" $N \
	    "$name: B -> A from the SS emulator, source $SB:$p2 kept"
	for k in a b; do
		assert_eq "$(summary "$name-$k" duplicates)" 0 "$name: duplicates on ${k^^}"
		assert_eq "$(summary "$name-$k" bad)" 0 "$name: damaged payloads on ${k^^}"
		assert_eq "$(summary "$name-$k" received)" $(( 2 * N )) "$name: frames on ${k^^}"
	done
	assert_eq "$(rcounter ra "peer $B:7124:" format)" ss "$name: relay A sends SS to the emulator"
	assert_eq "$(rcounter ra "peer $B:7124:" rx)" $N "$name: relay A: datagrams from the emulator"
}

# ---- 1. authenticated relay, accept-both, peer given as ADDR/ss ----------------------
relay_start ra --mesh-key-file "$KEY" --mesh-auth accept-both --other-relays "$B/ss" ||
    fail "relay A (accept-both, $B/ss) did not start"
both_ways accept-both 40601
assert_eq "$(rcounter ra 'drops mesh:' ss_refused)" 0 "accept-both: ss_refused"
assert_eq "$(rcounter ra "peer $B:7124:" state)" unknown "accept-both: SS peer liveness"
relay_stop ra
assert_eq "$RELAY_STATUS" 0 "relay A exit status"
mv "$(relay_log ra)" "$SR_TMP/relay-ra-accept-both.log"

# ---- 2. no key (mode off): plain SnowSignal-compatible relay -------------------------
relay_start ra --other-relays "$B" || fail "relay A (mode off) did not start"
both_ways off 40611
ok "mixed mesh checks passed"
