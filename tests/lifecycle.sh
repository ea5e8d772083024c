#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Process lifecycle: SIGTERM and SIGINT stop both processes quickly with
# status 0; SIGUSR1 dumps the counters; the death of either process ends
# the other; with no peers the relay runs, warns, and still counts.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=lc
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

topo_router
topo_segment A 1
topo_host ra A 2
topo_host ca A 10
topo_host a2 A 11
topo_wait
PEER=198.18.1.3		# configured, never answers: nothing is sent here

# no_procs: nothing left in the relay's namespace (bounded wait).
no_procs()
{
	wait_until 2 sh -c "[ -z \"\$(ip netns pids '$(ns ra)')\" ]" ||
	    fail "$1: processes left: $(ps -o pid=,ppid=,args= -p "$(ns_procs ra | xargs | tr ' ' ',')")"
	ok "$1: no process left"
}

# ---- 1. SIGTERM and SIGINT: both gone within 1 s, status 0 ---------------------
for sig in TERM INT; do
	relay_start ra --other-relays $PEER || fail "relay did not start"
	wpid=$(relay_worker ra)
	relay_stop ra $sig
	assert_eq "$RELAY_STATUS" 0 "exit status after SIG$sig"
	[ "$RELAY_STOP_MS" -le 1000 ] || fail "SIG$sig: helper took ${RELAY_STOP_MS} ms to exit"
	pid_gone "$wpid" || fail "SIG$sig: worker $wpid still alive"
	ok "SIG$sig: helper and worker gone in ${RELAY_STOP_MS} ms"
	grep -q 'counters: captured=' "$(relay_log ra)" ||
	    say "note: no final counters logged on SIG$sig"
	no_procs "SIG$sig"
	mv "$(relay_log ra)" "$SR_TMP/relay-ra-$sig.log"
done

# ---- 2. SIGUSR1: every counter line appears ------------------------------------
relay_start ra --other-relays $PEER || fail "relay did not start"
log=$(relay_log ra)
relay_dump ra || fail "no counters after SIGUSR1"
for tag in 'counters: captured=' 'drops capture:' 'drops mesh: not_peer=' \
    'iface eth0: captured=' "peer $PEER:7124: tx="; do
	grep -qF -- "$tag" "$log" || fail "SIGUSR1: no line with '$tag'"
	ok "SIGUSR1: $(grep -F -- "$tag" "$log" | tail -n 1 | sed 's/^.*\('"${tag%%:*}"'\)/\1/')"
done
for key in captured forwarded mesh_tx mesh_tx_errors mesh_tx_gso mesh_rx emitted emit_errors \
    rewritten csum_completed; do
	case $(rcounter ra 'counters: captured=' $key) in
	''|NA|*[!0-9]*)	fail "counters: $key missing or not a number" ;;
	esac
done
for key in truncated eth_short eth_not_ipv4 ip_not_udp udp_port_not_relayed; do
	[ "$(rcounter ra 'drops capture:' $key)" != NA ] || fail "drops capture: no $key"
done
for key in not_peer truncated short bad_magic too_big ip_not_udp; do
	[ "$(rcounter ra 'drops mesh:' $key)" != NA ] || fail "drops mesh: no $key"
done
for key in tx tx_errors rx rx_dropped last_error gso_refused origin held; do
	[ "$(rcounter ra "peer $PEER:7124:" $key)" != NA ] || fail "peer line: no $key"
done
ok "SIGUSR1: all counter lines and fields present"
[ -n "$(relay_worker ra)" ] || fail "SIGUSR1 ended the worker"
pid_gone "$(relay_pid ra)" && fail "SIGUSR1 ended the helper"

# ---- 3. SIGKILL to the worker: the helper exits non-zero -------------------------
wpid=$(relay_worker ra)
hpid=$(relay_pid ra)
kill -KILL "$wpid"
wait_until 3 pid_gone "$hpid" || fail "helper still running 3 s after the worker was killed"
wait "$hpid"
rc=$?
[ "$rc" -ne 0 ] || fail "helper exit status 0 after the worker was killed"
ok "worker SIGKILL: helper exited with status $rc"
grep -iq 'worker' "$log" && say "helper said: $(grep -i 'worker' "$log" | tail -n 1)"
no_procs "worker SIGKILL"

# ---- 4. SIGKILL to the helper: the worker exits within 1 s ------------------------
relay_start ra --other-relays $PEER || fail "relay did not start"
wpid=$(relay_worker ra)
hpid=$(relay_pid ra)
t0=$(now_ms)
kill -KILL "$hpid"
wait_until 1 pid_gone "$wpid" || fail "worker $wpid still running 1 s after the helper was killed"
ok "helper SIGKILL: worker gone in $(( $(now_ms) - t0 )) ms"
wait "$hpid" 2>/dev/null
no_procs "helper SIGKILL"

# ---- 5. no peers: starts, warns, counts local broadcasts, echoes nothing ------
mv "$(relay_log ra)" "$SR_TMP/relay-ra-kill.log"
relay_start ra || fail "relay without peers did not start"
log=$(relay_log ra)
grep -Eiq 'no (mesh )?peers?|nothing (will|to) be forwarded|nothing is forwarded' "$log" ||
    fail "no warning that nothing will be forwarded: $(cat "$log")"
ok "no peers: warned: $(grep -Ei 'peer|forward' "$log" | head -n 1)"
recv_start a2 a2 -t 20 5076
send ca -q -p 40101 -r 200 255.255.255.255 5076 7 || fail "bcsend"
send ca -q -p 40102 -r 200 198.18.1.255 5076 5 || fail "bcsend directed"
recv_wait a2 12 5
sleep 1
bg_stop a2
relay_dump ra || fail "no counters"
assert_eq "$(rcounter ra 'counters: captured=' captured)" 12 "no peers: captured"
assert_eq "$(rcounter ra 'iface eth0:' captured)" 12 "no peers: iface eth0 captured"
assert_eq "$(rcounter ra 'counters: captured=' forwarded)" 0 "no peers: forwarded"
assert_eq "$(rcounter ra 'counters: captured=' emitted)" 0 "no peers: emitted"
assert_eq "$(summary a2 received)" 12 "no peers: copies on the segment (no self-echo)"
relay_stop ra
assert_eq "$RELAY_STATUS" 0 "no peers: exit status after SIGTERM"
no_procs "final"
ok "lifecycle checks passed"
