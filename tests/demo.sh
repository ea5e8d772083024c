#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# "make demo" (root): two routed segments with a relay on each, a client's
# PVA-style searches crossing to the other segment with their source kept,
# the server's unicast reply coming back, and both relays' counters.
# Everything lives in network namespaces that are removed at the end.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=dm
SR_DEMO=1
SR_TIMEOUT=60
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

step()
{
	printf '\n== %s\n' "$*"
}

show()
{
	sed 's/^/   /'
}

problems=0
bad()
{
	echo "   !! $*"
	problems=$(( problems + 1 ))
}

step "Building the test bed in network namespaces (prefix $SR_PFX)"
topo_ab
cat <<EOF | show
segment A  198.18.1.0/24   relay A 198.18.1.2   client 198.18.1.10   host 198.18.1.11
segment B  198.18.2.0/24   relay B 198.18.2.2   server 198.18.2.10   host 198.18.2.11
router     198.18.1.1 / 198.18.2.1 (one bridge per segment, IPv4 forwarding on)
A broadcast on one segment never reaches the other without the relays.
EOF

step "Starting snowrelayd on both relays (peered with each other)"
relay_start ra --other-relays 198.18.2.2 || fail "relay A did not start"
relay_start rb --other-relays 198.18.1.2 || fail "relay B did not start"
echo "   relay A: snowrelayd -d -u nobody --chroot DIR -t eth0 --other-relays 198.18.2.2"
echo "   relay B: snowrelayd -d -u nobody --chroot DIR -t eth0 --other-relays 198.18.1.2"
grep -E 'interface|started|relaying' "$(relay_log ra)" | sed 's/^/   relay A| /'
echo "   helper pid $(relay_pid ra), worker pid $(relay_worker ra) ($(ps -o user= -p "$(relay_worker ra)"), chrooted, seccomp)"

step "Client 198.18.1.10 sends 3 searches to 255.255.255.255:5076 and 3 to 198.18.1.255:5076"
recv_start sb sb -t 20 5076
send ca -q -p 40001 -r 20 255.255.255.255 5076 3 | show
send ca -q -p 40002 -r 20 -i 100 198.18.1.255 5076 3 | show
recv_wait sb 6 5
sleep 0.5
bg_stop sb
echo "   what the server 198.18.2.10 on segment B received:"
grep '^from ' "$(out sb)" | awk '{ print "     from " $2 "  to " $8 "  seq " $6 "  (" $4 " bytes, " $12 " us)" }'
[ "$(summary sb unique)" = 6 ] || bad "expected 6 searches on B, got $(summary sb unique)"
[ "$(recv_lines sb ' to 198\.18\.2\.255 ')" = 3 ] ||
    bad "the directed broadcasts were not rewritten to 198.18.2.255"
echo "   (the directed broadcast to 198.18.1.255 arrives as 198.18.2.255: SnowSignal loses these)"

step "The server answers a search with a unicast reply, routed back to the client"
bg_start sb srv "$TOOLS/udpreply" -t 10 -n 1 5076
wait_until 5 grep -q '^listening' "$(out srv)"
r=$(send ca -p 40003 -w 5 -W 1 198.18.1.255 5076 1)
bg_wait srv 5
grep -E '^(request|replied)' "$(out srv)" | sed 's/^/   server| /'
echo "$r" | grep -E '^reply' | sed 's/^/   client| /'
echo "$r" | grep -q '^reply from 198.18.2.10:5076' || bad "the client got no reply"

step "Counters (SIGUSR1 to each relay's helper)"
for n in ra rb; do
	relay_dump "$n" || bad "relay $n did not dump its counters"
	[ "$n" = ra ] && echo "   relay A:" || echo "   relay B:"
	log=$(relay_log "$n")
	for tag in 'counters: captured=' 'drops capture:' 'drops mesh:' 'iface eth0:' 'peer '; do
		grep -F -- "$tag" "$log" | tail -n 1 | sed 's/^.*worker: /     /' |
		    sed 's/ [a-z0-9_]*=0\b//g; s/:$/: (all 0)/'
	done
done
echo "   (drop counters that are 0 are not shown)"

step "Stopping the relays (SIGTERM) and removing the namespaces"
relay_stop ra
[ "$RELAY_STATUS" = 0 ] || bad "relay A exited with $RELAY_STATUS"
relay_stop rb
[ "$RELAY_STATUS" = 0 ] || bad "relay B exited with $RELAY_STATUS"

if [ "$problems" -ne 0 ]; then
	printf '\nDEMO FAILED: %d problem(s)\n' "$problems"
	exit 1
fi
printf '\nDemo OK: broadcasts crossed both relays with their source kept, and the reply came back.\n'
