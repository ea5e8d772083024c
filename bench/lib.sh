# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Benchmark plumbing for bench/run.sh: the 4-namespace test bed, starting and
# stopping the relays under test, /proc accounting and one measured probe.
#
# Test bed (perf.md section 1): two L2 segments sharing 198.18.1.0/24, so the
# sender's subnet broadcast is also hostB's, and a mesh link between the relays.
#
#   hostA ---- segment A ---- R1 ==== mesh 198.18.2.0/24 ==== R2 ---- segment B ---- hostB
#   .1.1 (loadgen)        .1.2 capture   .2.1        .2.2   .1.3 emit          .1.20 (sink)
#
# bench/run.sh builds two identical beds (0 and 1, the same addresses in
# namespaces of their own), one per relay pair, so that both pairs run at
# once and their probes can alternate; `bed N` makes bed N the current one.

BN=bn$$				# unique prefix: namespaces and links

# Make bed $1 (a digit) current: the names below are its namespaces and links.
bed() {
	BED=$1
	NS_A=${BN}${1}ha NS_R1=${BN}${1}r1 NS_R2=${BN}${1}r2 NS_B=${BN}${1}hb
	IF_A0=${BN}${1}a0 IF_A1=${BN}${1}a1	# segment A: hostA, R1 capture
	IF_M1=${BN}${1}m1 IF_M2=${BN}${1}m2	# mesh: R1, R2
	IF_B2=${BN}${1}b2 IF_B0=${BN}${1}b0	# segment B: R2 emit, hostB
}
bed 0
ADDR_M1=198.18.2.1 ADDR_M2=198.18.2.2
BCAST=198.18.1.255
BPORT=5076 MPORT=7124
LOAD_CPU=0 RELAY_CPU=1		# perf.md: load side on CPU0, both relays on CPU1

BENCH_PIDS=""			# every process we started and have not reaped
BENCH_BEDS=""			# the beds topo_up built (or began to build)
SUBJ_PIDS=""			# the current pair's relay processes (floor: 2, snowrelay: 4)

bench_log() { printf 'bench: %s\n' "$*" >&2; }
bench_die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# True if process $1 no longer runs (gone, or a zombie not yet reaped).
proc_gone() {
	local s
	{ read -r s < "/proc/$1/stat"; } 2>/dev/null || return 0
	s=${s##*) }
	[ "${s%% *}" = Z ]
}

# Wait up to $2 tenths of a second for process $1 to end, then SIGKILL; reap.
reap() {
	local i
	for ((i = 0; i < $2; i++)); do proc_gone "$1" && break; sleep 0.1; done
	proc_gone "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	pid_forget "$1"
}

# Kill what we started (by pid only) and delete our namespaces.
bench_cleanup() {
	local p ns b
	for p in $BENCH_PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $BENCH_PIDS; do reap "$p" 30; done
	for b in $BENCH_BEDS; do
		bed "$b"
		for ns in "$NS_A" "$NS_R1" "$NS_R2" "$NS_B"; do
			ip netns del "$ns" 2>/dev/null
		done
	done
	BENCH_BEDS=""
	[ -n "${BENCH_TMP:-}" ] && rm -rf "$BENCH_TMP"
	BENCH_PIDS=""
}

pid_forget() {
	local p out=""
	for p in $BENCH_PIDS; do [ "$p" = "$1" ] || out="$out $p"; done
	BENCH_PIDS=$out
}

# Build the current 4-namespace bed; IPv6 off; checksum offload off on the sender.
topo_up() {
	local ns
	BENCH_BEDS="$BENCH_BEDS $BED"
	for ns in "$NS_A" "$NS_R1" "$NS_R2" "$NS_B"; do
		ip netns add "$ns" || return 1
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		    net.ipv6.conf.default.disable_ipv6=1 || return 1
		ip -n "$ns" link set lo up || return 1
	done
	ip link add "$IF_A0" netns "$NS_A" type veth peer name "$IF_A1" netns "$NS_R1" &&
	ip link add "$IF_M1" netns "$NS_R1" type veth peer name "$IF_M2" netns "$NS_R2" &&
	ip link add "$IF_B2" netns "$NS_R2" type veth peer name "$IF_B0" netns "$NS_B" &&
	ip -n "$NS_A" addr add 198.18.1.1/24 brd + dev "$IF_A0" &&
	ip -n "$NS_R1" addr add 198.18.1.2/24 brd + dev "$IF_A1" &&
	ip -n "$NS_R1" addr add "$ADDR_M1/24" dev "$IF_M1" &&
	ip -n "$NS_R2" addr add "$ADDR_M2/24" dev "$IF_M2" &&
	ip -n "$NS_R2" addr add 198.18.1.3/24 brd + dev "$IF_B2" &&
	ip -n "$NS_B" addr add 198.18.1.20/24 brd + dev "$IF_B0" || return 1
	ip -n "$NS_A" link set "$IF_A0" up && ip -n "$NS_R1" link set "$IF_A1" up &&
	ip -n "$NS_R1" link set "$IF_M1" up && ip -n "$NS_R2" link set "$IF_M2" up &&
	ip -n "$NS_R2" link set "$IF_B2" up && ip -n "$NS_B" link set "$IF_B0" up || return 1
	# Partial UDP checksums would be dropped at hostB (perf.md, checksum pitfall).
	ip netns exec "$NS_A" ethtool -K "$IF_A0" tx off >/dev/null 2>&1 || return 1
}

# Print the pid of a child of $1 (the snowrelayd worker), if any.
child_of() {
	local f s
	for f in /proc/[0-9]*/stat; do
		{ read -r s < "$f"; } 2>/dev/null || continue
		s=${s##*) }; s=${s#* }		# "ppid pgrp ..."
		if [ "${s%% *}" = "$1" ]; then f=${f#/proc/}; echo "${f%/stat}"; return 0; fi
	done
	return 1
}

# Start one relay program in namespace $1 on the relay CPU; log to $2; pid in SPAWNED.
spawn_relay() {
	local ns=$1 log=$2; shift 2
	ip netns exec "$ns" taskset -c "$RELAY_CPU" "$@" >"$log" 2>&1 &
	SPAWNED=$!
	BENCH_PIDS="$BENCH_PIDS $SPAWNED"
}

# Start the floor pair: capture on R1, emit on R2.
start_floor() {
	spawn_relay "$NS_R1" "$1/floor-r1.log" "$FLOOR" capture -i "$IF_A1" -p "$BPORT" \
	    -t "$ADDR_M2:$MPORT" -T "$UNIT_BOUND"
	SUBJ_PIDS=$SPAWNED
	spawn_relay "$NS_R2" "$1/floor-r2.log" "$FLOOR" emit -l "$MPORT" -i "$IF_B2" -T "$UNIT_BOUND"
	SUBJ_PIDS="$SUBJ_PIDS $SPAWNED"
	SUBJ_LOGS=""
}

# Start snowrelayd on R1 and R2 as each other's peer; wait for both workers.
# Rate limits are off: the load comes from one source address, and the
# benchmark measures the data path, not the abuse limits (whose defaults cap
# one source at 2000 pps).
start_snowrelay() {
	local dir=$1 h1 h2 w1="" w2="" i
	mkdir -p "$BENCH_TMP/root1-$BED" "$BENCH_TMP/root2-$BED"
	spawn_relay "$NS_R1" "$dir/snowrelay-r1.log" "$SNOWRELAYD" -d -u nobody \
	    --chroot "$BENCH_TMP/root1-$BED" -t "$IF_A1" -b "$BPORT" --other-relays "$ADDR_M2" \
	    --rate-source 0 --rate-peer 0 --rate-global 0 $(auth_args)
	h1=$SPAWNED
	spawn_relay "$NS_R2" "$dir/snowrelay-r2.log" "$SNOWRELAYD" -d -u nobody \
	    --chroot "$BENCH_TMP/root2-$BED" -t "$IF_B2" -b "$BPORT" --other-relays "$ADDR_M1" \
	    --rate-source 0 --rate-peer 0 --rate-global 0 $(auth_args)
	h2=$SPAWNED
	for ((i = 0; i < 50; i++)); do
		[ -z "$w1" ] && w1=$(child_of "$h1")
		[ -z "$w2" ] && w2=$(child_of "$h2")
		[ -n "$w1" ] && [ -n "$w2" ] && break
		kill -0 "$h1" 2>/dev/null && kill -0 "$h2" 2>/dev/null || break
		sleep 0.1
	done
	SUBJ_PIDS="$h1 $w1 $h2 $w2"	# order matters to hwm_summary
	SUBJ_LOGS="- $dir/snowrelay-r1.log - $dir/snowrelay-r2.log"
	BENCH_PIDS="$BENCH_PIDS $w1 $w2"
	[ -n "$w1" ] && [ -n "$w2" ]
}

# Stop the relays under test (SIGTERM; SIGKILL after 3 s) and reap them.
# snowrelayd workers ignore SIGTERM by design: their helper shuts them down.
stop_relays() {
	local p
	for p in $SUBJ_PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $SUBJ_PIDS; do reap "$p" 30; done
	SUBJ_PIDS=""
}

relays_alive() {
	local p
	for p in $SUBJ_PIDS; do kill -0 "$p" 2>/dev/null || return 1; done
}

# CPU time (ns) of the relays under test, all threads: schedstat is exact;
# /proc/PID/stat utime+stime (10 ms ticks) is the fallback. Sets RELAY_NS.
relay_cpu_ns() {
	local p t sum=0 v
	for p in $SUBJ_PIDS; do
		for t in /proc/"$p"/task/*; do
			if [ -r "$t/schedstat" ]; then
				{ read -r v _ < "$t/schedstat"; } 2>/dev/null || continue
			else
				v=$(awk '{ sub(/.*\) /, ""); print ($12 + $13) * 10000000 }' \
				    "$t/stat" 2>/dev/null) || continue
			fi
			sum=$((sum + ${v:-0}))
		done
	done
	RELAY_NS=$sum
}

# VmHWM (KiB) of each relay process, in SUBJ_PIDS order, without the
# capture ring: a worker maps its TPACKET_V3 ring (--capture-ring, 4 MiB
# by default) while it is in load mode, and every page of it is resident
# while mapped (the kernel inserts them at mmap), so the peak of a worker
# whose log says it captured into the ring includes it: RING_KIB is taken
# off. SUBJ_LOGS holds the log of each process ("-" for the floor).
RING_KIB=4096
relay_hwm() {
	local p out="" hwm i=0 ring logs
	read -r -a logs <<<"${SUBJ_LOGS:-}"
	for p in $SUBJ_PIDS; do
		hwm=$(awk '/^VmHWM:/ { print $2 }' /proc/"$p"/status 2>/dev/null)
		ring=0
		if [ -f "${logs[$i]:-}" ] && grep -q 'capturing into the ring' "${logs[$i]}"; then
			ring=$RING_KIB
		fi
		out="$out $(( ${hwm:-0} - ring ))"
		i=$((i + 1))
	done
	echo $out
}

# Busy and total jiffies of the whole machine, in STAT_BUSY and STAT_TOTAL.
stat_busy() {
	local cpu us ni sy id io irq sirq st
	read -r cpu us ni sy id io irq sirq st _ < /proc/stat
	STAT_BUSY=$((us + ni + sy + irq + sirq + st))
	STAT_TOTAL=$((STAT_BUSY + id + io))
}

# Wait up to $1 s for < BENCH_QUIET_PCT % busy over 0.5 s; sets QUIET_PCT, QUIET.
wait_quiet() {
	local deadline b0 t0 b1 t1
	deadline=$((SECONDS + ${1%.*}))
	while :; do
		stat_busy; b0=$STAT_BUSY t0=$STAT_TOTAL
		sleep 0.5
		stat_busy; b1=$STAT_BUSY t1=$STAT_TOTAL
		QUIET_PCT=$(( (b1 - b0) * 100 / ( (t1 - t0) > 0 ? (t1 - t0) : 1 ) ))
		if [ "$QUIET_PCT" -lt "$BENCH_QUIET_PCT" ]; then QUIET=1; return 0; fi
		if [ "$SECONDS" -ge "$deadline" ]; then QUIET=0; return 1; fi
	done
}

# Load the "name k=v k=v" line of file $2 into variables ${1}_k (no forks).
kvload() {
	local line w k
	line=""
	{ read -r line < "$2"; } 2>/dev/null
	for w in $line; do
		case $w in
		*=*) k=${w%%=*}; printf -v "${1}_$k" '%s' "${w#*=}" ;;
		esac
	done
}

# One probe: sink on hostB, paced loadgen on hostA, relay CPU around it.
# probe RATE SIZE SECONDS; sets P_* variables. Returns 1 if the tools failed.
probe() {
	local rate=$1 size=$2 secs=$3 runid spid c0 c1 b0 i
	local LG_sent="" LG_achieved_pps=0 LG_elapsed_ns=0 LG_cpu_ns=0
	local SK_unique="" SK_dup=0 SK_p50_us=0 SK_p90_us=0 SK_p99_us=0 SK_p999_us=0 SK_cpu_ns=0
	runid=$(( (RANDOM << 15 | RANDOM) + 1 ))
	rm -f "$BENCH_TMP/ready" "$BENCH_TMP/sink.out" "$BENCH_TMP/lg.out"
	ip netns exec "$NS_B" taskset -c "$LOAD_CPU" "$SINK" -T "$((${secs%.*} + 5))" \
	    -k "$runid" -p "$BPORT" -r "$BENCH_TMP/ready" >"$BENCH_TMP/sink.out" \
	    2>"$BENCH_TMP/sink.err" &
	spid=$!
	BENCH_PIDS="$BENCH_PIDS $spid"
	for ((i = 0; i < 40; i++)); do [ -e "$BENCH_TMP/ready" ] && break; sleep 0.05; done
	relay_cpu_ns; c0=$RELAY_NS; stat_busy; b0=$STAT_BUSY
	ip netns exec "$NS_A" taskset -c "$LOAD_CPU" "$LOADGEN" -r "$rate" -s "$size" \
	    -t "$secs" -k "$runid" -p "$BPORT" -d "$BCAST" >"$BENCH_TMP/lg.out" \
	    2>"$BENCH_TMP/lg.err"
	sleep 0.3			# let the relays drain
	kill -TERM "$spid" 2>/dev/null
	reap "$spid" 30
	relay_cpu_ns; c1=$RELAY_NS; stat_busy
	kvload LG "$BENCH_TMP/lg.out"; kvload SK "$BENCH_TMP/sink.out"
	if [ -z "$LG_sent" ] || [ -z "$SK_unique" ]; then
		cat "$BENCH_TMP/lg.err" "$BENCH_TMP/sink.err" >&2
		return 1
	fi
	P_SENT=$LG_sent P_ACH=${LG_achieved_pps%.*} P_UNIQUE=$SK_unique P_DUP=$SK_dup
	P_P50=$SK_p50_us P_P90=$SK_p90_us P_P99=$SK_p99_us P_P999=$SK_p999_us
	set -- $(awk -v rate="$rate" -v sent="$P_SENT" -v uniq="$P_UNIQUE" -v ach="$P_ACH" \
	    -v el="$LG_elapsed_ns" -v cpu="$((c1 - c0))" -v busy="$((STAT_BUSY - b0))" \
	    -v lcpu="$LG_cpu_ns" -v scpu="$SK_cpu_ns" 'BEGIN {
		loss = sent > 0 ? (sent - uniq) / sent : 1; if (loss < 0) loss = 0
		deliv = el > 0 ? uniq / (el / 1e9) : 0
		nspp = uniq > 0 ? cpu / uniq : 0
		gen = ach < 0.97 * rate
		pass = (loss < 0.01 && !gen) ? 1 : 0
		# other tenants: machine busy time (10 ms ticks) minus our processes
		other = busy * 10 - (cpu + lcpu + scpu) / 1e6
		printf "%.3f %.0f %.0f %d %d %.0f\n", loss * 100, deliv, nspp, gen, pass, other
	}')
	P_LOSS=$1 P_DELIV=$2 P_NSPP=$3 P_GEN=$4 P_PASS=$5 P_OTHER=$6
}
