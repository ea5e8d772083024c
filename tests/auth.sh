#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Authenticated mesh: in required mode, datagrams from the peer's own
# address with a forged tag, an unknown key id, no tag, too short, a wrong
# length, flags other than 0/L3 (DATA) or 0 (HELLO), in "SS" format,
# replayed from a capture, or stale are all dropped -- nothing reaches the
# far segment and exactly one drop counter moves by exactly what was sent.
# A full-size frame (1400-byte payload) crosses as one unfragmented
# datagram of 1496 bytes (flag L3: the IPv4 packet without Ethernet).
# In accept-both mode both native DATA forms (flag L3 and the whole frame)
# cross, and a peer that has authenticated cannot fall back to "SS".

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=au
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init
need_tools pcapreplay

N=10		# datagrams per forgery
M=10		# genuine broadcasts captured for the replay
topo_ab
A=$(ip_of ra)
B=$(ip_of rb)
keys_init
KEY=$(key_file mesh.key 1)
HI=1		# HELLO interval, s

keyed_pair_up "$KEY" "$KEY"
ok "relays up in required mode, HELLOs exchanged"

# ---- 1. control: a genuine broadcast crosses ------------------------------------
recv_start sb ctl -t 20 5076
send ca -q -p 40301 -r 100 255.255.255.255 5076 5 || fail "bcsend control"
recv_wait ctl 5 5
sleep 0.3
bg_stop ctl
assert_eq "$(summary ctl unique)" 5 "control: broadcasts from A on B"

# ---- 1b. a full-size frame crosses as ONE datagram (flag L3) --------------------
# A 1442-byte frame (1400-byte UDP payload) goes as 24 + 1428 + 16 = 1468
# bytes of UDP payload, 1496 bytes of IPv4: no fragment on the 1500 MTU.
if command -v tcpdump >/dev/null 2>&1; then
	BIG="$SR_TMP/big.pcap"
	recv_start sb big -t 20 5076
	pcap_start ra bigcap "$BIG" 20 ip and src host "$A" and dst host "$B"
	send ca -q -p 40310 -s 1400 255.255.255.255 5076 1 || fail "bcsend 1400"
	recv_wait big 1 5
	sleep 0.3
	bg_stop bigcap
	bg_stop big
	assert_eq "$(recv_lines big ':40310 len 1400 ')" 1 "full-size frame on B"
	assert_eq "$(summary big bad)" 0 "full-size frame: damaged payloads"
	# IPv4 length 1496, no MF flag or offset, UDP length 8 + 1468.
	F1496='udp dst port 7124 and ip[2:2] = 1496 and ip[6:2] & 0x3fff = 0 and udp[4:2] = 1476'
	tcpdump -r "$BIG" -nn -v 'udp dst port 7124 and ip[2:2] > 1000' 2>/dev/null |
	    sed "s/^/$SR_NAME: A -> B: /"
	assert_eq "$(tcpdump -r "$BIG" -nn "$F1496" 2>/dev/null | wc -l)" 1 \
	    "A -> B: unfragmented 1496-byte datagrams (1468-byte UDP payload)"
	assert_eq "$(tcpdump -r "$BIG" -nn 'ip[6:2] & 0x3fff != 0' 2>/dev/null | wc -l)" 0 \
	    "A -> B: IPv4 fragments"
else
	say "note: no tcpdump: the full-size datagram check is skipped"
fi

# Everything below is watched on B by two hosts; only genuine frames
# (source port 40302 and later) may arrive there.
recv_start sb sbw -t 50 5076
recv_start b2 b2w -t 50 5076

# phase WHAT COUNTER N CMD...: drop_phase (tests/lib.sh) on relay B.
phase()
{
	drop_phase "$1" rb "${@:2}"
}

NS="--native -K $KEY"
phase "forged tag" bad_tag $N mesh ra -q $NS --bad-tag -S 41001 -n $N -r 200 "$B"
phase "unknown key id" unknown_key_id $N mesh ra -q $NS --wrong-key -S 41002 -n $N -r 200 "$B"
# Without its 16 tag bytes the datagram's last 16 bytes are taken as the
# tag (the tag is checked before the length field is believed): bad_tag.
phase "no tag" bad_tag $N mesh ra -q $NS --no-tag -S 41003 -n $N -r 200 "$B"
phase "SS in required mode" ss_refused $N mesh ra -q -S 41004 -n $N -r 200 "$B"
# Shorter than header + tag: nothing can be checked.
phase "short native" short $N mesh ra -q $NS -L 39 -n $N -r 200 "$B"
# A good tag over a header whose length field is wrong.
phase "bad length" bad_length $N mesh ra -q $NS --bad-length -S 41006 -n $N -r 200 "$B"
phase "forged HELLO" bad_tag 3 mesh ra -q $NS --type hello --bad-tag -n 3 "$B"
# Good tags over flags a relay does not send: 0x02 on DATA, L3 on a HELLO.
phase "flags 0x02" bad_flags $N mesh ra -q $NS --flags 2 -S 41007 -n $N -r 200 "$B"
phase "HELLO with flag L3" bad_flags 3 mesh ra -q $NS --type hello --flags 1 -n 3 "$B"

# ---- 2. replay: record genuine A -> B mesh datagrams, send them again ------------
if command -v tcpdump >/dev/null 2>&1; then
	CAP="$SR_TMP/a-to-b.pcap"
	pcap_start ra cap "$CAP" 30 udp and src host "$A" and dst host "$B" and dst port 7124
	send ca -q -p 40302 -r 100 255.255.255.255 5076 $M || fail "bcsend for the capture"
	recv_wait sbw $M 5 || fail "the captured broadcasts did not arrive on B"
	sleep 0.3
	bg_stop cap
	relay_dump rb || fail "relay B did not dump its counters"
	dump_kv rb 'drops mesh:' >"$SR_TMP/before.replay"
	emitted0=$(rcounter rb counters: emitted)
	r=$(timeout 20 ip netns exec "$(ns ra)" "$TOOLS/pcapreplay" -P 7124 -r 500 "$CAP" "$B" 7124) ||
	    fail "pcapreplay: $r"
	say "$r"
	R=$(echo "$r" | sed -n 's/^replayed \([0-9]*\) .*/\1/p')
	assert_ge "$R" $M "datagrams replayed ($M frames and some HELLOs)"
	sleep 0.5
	relay_dump rb || fail "relay B did not dump its counters"
	changed=$(dump_changed rb 'drops mesh:' "$SR_TMP/before.replay")
	say "replay: drops mesh changed: $changed"
	assert_eq "$changed" "replay=$R " "replay: the only drop counter that moved"
	assert_eq "$(rcounter rb counters: emitted)" "$emitted0" "replay: frames emitted on B"
else
	say "note: no tcpdump: the replay check is skipped"
	M=0
fi

# ---- 3. stale: a good tag and a fresh sequence, timestamp 120 s old --------------
phase "stale timestamp" stale $N mesh ra -q $NS --ts-offset -120 -S 41005 -n $N -r 200 "$B"

# ---- 4. nothing forged reached B; genuine traffic still crosses -----------------
send ca -q -p 40303 -r 100 255.255.255.255 5076 5 || fail "bcsend after"
recv_wait sbw $(( M + 5 )) 5
sleep 0.5
bg_stop sbw; bg_stop b2w
for k in sbw b2w; do
	assert_eq "$(summary $k received)" $(( M + 5 )) "$k: frames on B (only the genuine ones)"
	assert_eq "$(recv_lines $k ':4100[0-9] ')" 0 "$k: forged frames on B"
	assert_eq "$(summary $k duplicates)" 0 "$k: duplicates on B"
done
assert_eq "$(rcounter rb "peer $A:7124:" auth)" yes "relay B: peer A auth"
assert_eq "$(rcounter rb "peer $A:7124:" format)" native "relay B: peer A format"
relay_stop ra
relay_stop rb

# ---- 5. accept-both: no downgrade to "SS" after authenticating ---------------------
mv "$(relay_log ra)" "$SR_TMP/relay-ra-required.log"
mv "$(relay_log rb)" "$SR_TMP/relay-rb-required.log"
relay_start rb --mesh-key-file "$KEY" --mesh-auth accept-both --hello-interval $HI \
    --other-relays "$A" || fail "relay B (accept-both) did not start"
recv_start sb dg -t 40 5076
# Before A has ever authenticated, "SS" from its address is accepted.
mesh ra -q -S 41101 -n 5 -r 200 "$B" || fail "meshsend SS before"
recv_wait dg 5 5
assert_eq "$(recv_lines dg ':41101 ')" 5 "accept-both: SS from a peer not yet authenticated"
# Both native DATA forms cross: the IPv4 packet with flag L3 (what relays
# send) and the whole Ethernet frame with flags 0. Relay A is not running
# yet: when it starts, its sequence numbers are above meshsend's.
mesh ra -q $NS -S 41103 -n 5 -r 200 "$B" || fail "meshsend native (L3)"
mesh ra -q $NS --eth -S 41104 -n 5 -r 200 "$B" || fail "meshsend native --eth"
recv_wait dg 15 5
assert_eq "$(recv_lines dg ':41103 ')" 5 "accept-both: native DATA with flag L3"
assert_eq "$(recv_lines dg ':41104 ')" 5 "accept-both: native DATA with the Ethernet frame"
relay_start ra --mesh-key-file "$KEY" --mesh-auth accept-both --hello-interval $HI \
    --other-relays "$B/native" || fail "relay A (accept-both, B/native) did not start"
peers_wait_up rb 6 "$A" || fail "relay B: peer A not up"
send ca -q -p 40304 -r 100 255.255.255.255 5076 5 || fail "bcsend accept-both"
recv_wait dg 20 5
phase "SS after authentication (downgrade)" ss_refused $N \
    mesh ra -q -S 41102 -n $N -r 200 "$B"
send ca -q -p 40305 -r 100 255.255.255.255 5076 5 || fail "bcsend accept-both"
recv_wait dg 25 5
sleep 0.5
bg_stop dg
assert_eq "$(recv_lines dg ':40304 ')" 5 "accept-both: native frames from A"
assert_eq "$(recv_lines dg ':41102 ')" 0 "accept-both: SS frames after authentication"
assert_eq "$(recv_lines dg ':40305 ')" 5 "accept-both: native frames still cross"
assert_eq "$(summary dg duplicates)" 0 "accept-both: duplicates"
assert_eq "$(rcounter rb "peer $A:7124:" auth)" yes "accept-both: relay B: peer A auth"
ok "authentication checks passed"
