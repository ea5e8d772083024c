#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# End to end: two routed segments, one relay on each, peered. Limited and
# directed broadcasts cross both ways exactly once with their source kept
# (directed ones rewritten), replies come back, big payloads cross intact,
# the relay host's own broadcasts are relayed, and only relayed ports cross.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=rl
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

N=20
topo_ab
A=$(ip_of ra)
B=$(ip_of rb)
CA=$(ip_of ca)
SB=$(ip_of sb)

relay_start ra --other-relays "$B" || fail "relay A did not start"
relay_start rb --other-relays "$A" || fail "relay B did not start"
ok "relays running: A $A <-> B $B"

# ---- 1. A -> B: limited and directed broadcast, N each ---------------------
recv_start sb sb1 -t 30 5076
recv_start b2 b21 -t 30 5076
recv_start a2 a21 -t 30 5076
if command -v tcpdump >/dev/null 2>&1; then
	bg_start b2 tcpd timeout 25 tcpdump -i eth0 -nn -vv -l -c $(( 2 * N )) \
	    udp dst port 5076
	# "listening on eth0" (stderr, same file) once the filter is set.
	wait_until 5 grep -q 'listening on' "$(out tcpd)" ||
	    fail "tcpdump did not start: $(cat "$(out tcpd)")"
fi
send ca -q -p 40001 -r 200 255.255.255.255 5076 $N || fail "bcsend limited"
send ca -q -p 40002 -r 200 -i 1000 198.18.1.255 5076 $N || fail "bcsend directed"
recv_wait sb1 $(( 2 * N )) 10
recv_wait a21 $(( 2 * N )) 5
sleep 1		# late duplicates would arrive now
bg_stop sb1; bg_stop b21; bg_stop a21

for k in sb1 b21; do
	assert_eq "$(summary $k received)" $(( 2 * N )) "$k: datagrams from A"
	assert_eq "$(summary $k duplicates)" 0 "$k: duplicates"
	assert_eq "$(summary $k bad)" 0 "$k: damaged payloads"
	assert_eq "$(recv_lines $k "^from $CA:40001 .* to 255\.255\.255\.255 ")" $N \
	    "$k: limited broadcasts from $CA:40001 to 255.255.255.255"
	assert_eq "$(recv_lines $k "^from $CA:40002 .* to 198\.18\.2\.255 ")" $N \
	    "$k: directed broadcasts from $CA:40002 rewritten to 198.18.2.255"
done
# The client segment sees each broadcast once: the originals, no echo.
assert_eq "$(summary a21 received)" $(( 2 * N )) "a2 (client segment): copies"
assert_eq "$(summary a21 duplicates)" 0 "a2 (client segment): duplicates"

if [ -n "${SR_BG_PID[tcpd]}" ]; then
	bg_wait tcpd 5
	t=$(out tcpd)
	assert_eq "$(grep -c '198\.18\.1\.10\.40002 > 198\.18\.2\.255\.5076' "$t")" $N \
	    "tcpdump on B: directed broadcasts have destination 198.18.2.255"
	assert_eq "$(grep -c '198\.18\.1\.10\.40001 > 255\.255\.255\.255\.5076' "$t")" $N \
	    "tcpdump on B: limited broadcasts kept 255.255.255.255"
	assert_eq "$(grep -c 'udp sum ok' "$t")" $(( 2 * N )) "tcpdump on B: UDP checksums ok"
	grep -q 'bad cksum\|bad udp cksum' "$t" && fail "tcpdump on B: bad checksum: $(grep -m1 'bad' "$t")"
	ok "tcpdump on B: no bad IPv4 or UDP checksum"
fi

# ---- 2. B -> A --------------------------------------------------------------
recv_start ca ca2 -t 20 5076
send sb -q -p 40011 -r 200 255.255.255.255 5076 $N || fail "bcsend limited B"
send sb -q -p 40012 -r 200 -i 1000 198.18.2.255 5076 $N || fail "bcsend directed B"
recv_wait ca2 $(( 2 * N )) 10
sleep 1
bg_stop ca2
assert_eq "$(summary ca2 unique)" $(( 2 * N )) "B -> A: datagrams on the client"
assert_eq "$(summary ca2 duplicates)" 0 "B -> A: duplicates"
assert_eq "$(recv_lines ca2 "^from $SB:40011 .* to 255\.255\.255\.255 ")" $N \
    "B -> A: limited broadcasts with source $SB:40011"
assert_eq "$(recv_lines ca2 "^from $SB:40012 .* to 198\.18\.1\.255 ")" $N \
    "B -> A: directed broadcasts rewritten to 198.18.1.255"

# ---- 3. search -> unicast reply across the router ----------------------------
for dst in 255.255.255.255 198.18.1.255; do
	bg_start sb srv "$TOOLS/udpreply" -t 10 -n 1 5076
	wait_until 5 grep -q '^listening' "$(out srv)" || fail "udpreply did not start"
	r=$(send ca -p 40021 -w 5 -W 1 "$dst" 5076 1)
	bg_wait srv 5
	echo "$r" | grep -q "^reply from $SB:5076 len 64 seq 0" ||
	    fail "no reply from the server for a search to $dst: $r / $(cat "$(out srv)")"
	grep -q "^request from $CA:40021 " "$(out srv)" ||
	    fail "server saw the search from the wrong source: $(cat "$(out srv)")"
	ok "search to $dst from $CA:40021 answered by $SB across the router"
done

# ---- 4. a 1472-byte payload (1500-byte IP packet) crosses intact ------------
recv_start sb sb4 -t 20 -s 1472 5076
s=$(send ca -p 40031 -s 1472 -r 100 255.255.255.255 5076 5) || fail "bcsend 1472"
recv_wait sb4 5 10
bg_stop sb4
assert_eq "$(summary sb4 unique)" 5 "1472-byte payloads arrived"
assert_eq "$(summary sb4 bad)" 0 "1472-byte payloads damaged"
for i in 0 1 2 3 4; do
	want=$(echo "$s" | sed -n "s/^sent seq $i len 1472 sum \([0-9a-f]*\) .*/\1/p")
	got=$(grep "^from $CA:40031 len 1472 seq $i " "$(out sb4)" | sed 's/.* sum \([0-9a-f]*\).*/\1/')
	[ -n "$want" ] && [ "$want" = "$got" ] ||
	    fail "1472-byte payload seq $i: content sum sent $want, received '$got'"
done
ok "1472-byte payloads: size and content checksum identical"

# ---- 5. a broadcast from a program on relay A's own host --------------------
recv_start sb sb5 -t 20 5076
send ra -q -p 40041 -r 200 255.255.255.255 5076 10 || fail "bcsend on relay host"
recv_wait sb5 10 10
sleep 0.5
bg_stop sb5
assert_eq "$(recv_lines sb5 "^from $A:40041 ")" 10 \
    "broadcasts sent on relay A's host arrive on B from $A:40041"
assert_eq "$(summary sb5 duplicates)" 0 "relay-host broadcasts: duplicates"

# ---- 6. port filter: 5075 does not cross --------------------------------------
recv_start sb sb6 -t 20 5075
recv_start a2 a26 -t 20 5075
send ca -q -p 40051 -r 200 255.255.255.255 5075 10 || fail "bcsend 5075"
recv_wait a26 10 5 || fail "control: a2 did not see the 5075 broadcasts"
sleep 1
bg_stop sb6; bg_stop a26
assert_eq "$(summary sb6 received)" 0 "broadcasts to 5075 on B"

# ---- 7. -b 5076,5064: both ports cross -----------------------------------------
relay_stop ra
assert_eq "$RELAY_STATUS" 0 "relay A exit status after SIGTERM"
relay_stop rb
assert_eq "$RELAY_STATUS" 0 "relay B exit status after SIGTERM"
relay_start ra -b 5076,5064 --other-relays "$B" || fail "relay A (-b 5076,5064) did not start"
relay_start rb -b 5076,5064 --other-relays "$A" || fail "relay B (-b 5076,5064) did not start"
recv_start sb sb7a -t 20 5064
recv_start sb sb7b -t 20 5076
recv_start sb sb7c -t 20 5075
send ca -q -p 40061 -r 200 255.255.255.255 5064 10 || fail "bcsend 5064"
send ca -q -p 40062 -r 200 198.18.1.255 5076 10 || fail "bcsend 5076"
send ca -q -p 40063 -r 200 255.255.255.255 5075 10 || fail "bcsend 5075"
recv_wait sb7a 10 10
recv_wait sb7b 10 5
sleep 1
bg_stop sb7a; bg_stop sb7b; bg_stop sb7c
assert_eq "$(summary sb7a unique)" 10 "-b 5076,5064: broadcasts to 5064 on B"
assert_eq "$(summary sb7b unique)" 10 "-b 5076,5064: broadcasts to 5076 on B"
assert_eq "$(summary sb7c received)" 0 "-b 5076,5064: broadcasts to 5075 on B"

relay_dump ra && relay_dump rb
say "relay A: $(grep -F 'counters:' "$(relay_log ra)" | tail -n 1)"
say "relay B: $(grep -F 'counters:' "$(relay_log rb)" | tail -n 1)"
ok "all relay checks passed"
