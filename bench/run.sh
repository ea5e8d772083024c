#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# The benchmark (`make bench`, root): snowrelayd against the floor forwarder,
# each on a test bed of its own, probe by probe in turn; writes probes.csv,
# summary.csv, report.md and rate.png.
#
# Environment:
#   BENCH_QUICK=1     short run (< 2 min): 1 repetition, 4 probes of 1 s
#   BENCH_SMOKE=1     a few seconds, low rate, 100 B only (tests/bench_smoke.sh)
#   BENCH_OUT=DIR     output directory (default: $top_builddir/bench/out)
#   BENCH_SIZES, BENCH_REPS   override payload sizes / repetitions
#   BENCH_SUBJECT=floor       run the floor in snowrelayd's place (validates the bench)
#   BENCH_AUTH=1      relays use the authenticated native mesh with a key of
#                     the default algorithm (UMAC-128, --mesh-auth required);
#                     the floor stays as it is; BENCH_AUTH=umac-128 is the
#                     same, BENCH_AUTH=hmac-sha256 uses an HMAC-SHA-256 key
#                     (give each its own BENCH_OUT)

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=$(cd "$top_builddir" && pwd)
. "$top_srcdir/bench/lib.sh"

SNOWRELAYD=$top_builddir/snowrelayd
FLOOR=$top_builddir/bench/floor
LOADGEN=$top_builddir/bench/loadgen
SINK=$top_builddir/bench/sink
OUT=${BENCH_OUT:-$top_builddir/bench/out}
SUBJECT=${BENCH_SUBJECT:-snowrelay}
UNIT_BOUND=300			# seconds: bound given to every floor process

# --- Authenticated mesh -------------------------------------------------------
# With BENCH_AUTH set both relays share a key file (mode 600, written under
# BENCH_TMP at start) whose key has algorithm AUTH_ALG, and run --mesh-auth
# required: every frame crosses the mesh as a native datagram with a tag.
auth_args() {
	[ -n "$AUTH_ALG" ] || return 0
	printf -- '--mesh-key-file %s --mesh-auth required' "$BENCH_TMP/mesh.key"
}
auth_keyfile() {
	[ -n "$AUTH_ALG" ] || return 0
	(umask 077; printf '1 %s %s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" \
	    "$AUTH_ALG" >"$BENCH_TMP/mesh.key") || bench_die "cannot write the mesh key file"
}
case ${BENCH_AUTH:-0} in
0|"")		AUTH_ALG= ;;
1|umac-128)	AUTH_ALG=umac-128 ;;	# the default algorithm
hmac-sha256)	AUTH_ALG=hmac-sha256 ;;
*)	echo "bench: BENCH_AUTH=${BENCH_AUTH}: expected 0 or 1 (1: umac-128, the default algorithm), umac-128 or hmac-sha256" >&2
	exit 2 ;;
esac
case $AUTH_ALG in
hmac-sha256)	AUTH_NAME=HMAC-SHA-256-128 ;;
umac-128)	AUTH_NAME=UMAC-128 ;;
*)		AUTH_NAME= ;;
esac
MESHFMT='SnowSignal "SS" (unauthenticated)'
[ -n "$AUTH_ALG" ] && MESHFMT="native \"SA\", $AUTH_NAME (key file algorithm $AUTH_ALG, --mesh-auth required)"

# --- Modes: every duration below is bounded, and so is the total -------------
if [ "${BENCH_SMOKE:-0}" = 1 ]; then
	MODE=smoke SIZES="100" REPS=1 PROBES=1 PROBE_S=0.5 HI=10000
	FIX10_N=2 FIX10_S=0.5 FIX100_S=0 QUIET_MAX=none QUIET_ALLOW=0 BUDGET=40
elif [ "${BENCH_QUICK:-0}" = 1 ]; then
	MODE=quick SIZES="100 1400" REPS=1 PROBES=4 PROBE_S=1 HI=448000
	FIX10_N=2 FIX10_S=1 FIX100_S=1 QUIET_MAX=2 QUIET_ALLOW=20 BUDGET=105
else
	MODE=full SIZES="100 1400" REPS=3 PROBES=6 PROBE_S=3 HI=512000
	FIX10_N=3 FIX10_S=2 FIX100_S=2 QUIET_MAX=6 QUIET_ALLOW=120 BUDGET=540
fi
SIZES=${BENCH_SIZES:-$SIZES} REPS=${BENCH_REPS:-$REPS}
BENCH_QUIET_PCT=15
QUIET_USED=0			# seconds spent waiting for quiet, against QUIET_ALLOW

preflight() {
	local b
	[ "$(id -u)" = 0 ] || bench_die "must run as root (network namespaces)"
	ip netns list >/dev/null 2>&1 || bench_die "ip netns is not available"
	for b in "$FLOOR" "$LOADGEN" "$SINK"; do
		[ -x "$b" ] || bench_die "$b not built (make $(basename "$b"))"
	done
	case $SUBJECT in
	snowrelay) [ -x "$SNOWRELAYD" ] || bench_die "$SNOWRELAYD not built" ;;
	floor) bench_log "BENCH_SUBJECT=floor: the floor stands in for snowrelayd" ;;
	*) bench_die "BENCH_SUBJECT=$SUBJECT: expected snowrelay or floor" ;;
	esac
	for b in $SIZES; do
		case $b in *[!0-9]*|"") bench_die "BENCH_SIZES: $b: not a number";; esac
		[ "$b" -ge 24 ] && [ "$b" -le 1472 ] ||
		    bench_die "BENCH_SIZES: $b: payload must be 24-1472 bytes"
	done
	case $REPS in [1-9]) ;; *) bench_die "BENCH_REPS: $REPS: expected 1-9";; esac
}

# Wait for a quiet machine within what is left of the allowance, then probe
# and record one CSV row. measure KIND IMPL SIZE REP RATE SECONDS
measure() {
	local kind=$1 impl=$2 size=$3 rep=$4 rate=$5 secs=$6 t0 max
	t0=$SECONDS
	if [ "$QUIET_MAX" = none ]; then	# smoke: no waiting, nothing to judge
		QUIET_PCT=NA QUIET=NA
	else
		max=$(( QUIET_ALLOW - QUIET_USED )); [ "$max" -lt 0 ] && max=0
		[ "$max" -gt "${QUIET_MAX%.*}" ] && max=${QUIET_MAX%.*}
		wait_quiet "$max"
		QUIET_USED=$(( QUIET_USED + SECONDS - t0 ))
	fi
	probe "$rate" "$size" "$secs" || return 1
	echo "$impl,$size,$rep,$kind,$rate,$P_ACH,$P_SENT,$P_UNIQUE,$P_DUP,$P_LOSS,$P_DELIV,$P_NSPP,$P_P50,$P_P90,$P_P99,$P_P999,$P_PASS,$P_GEN,$QUIET_PCT,$QUIET,$P_OTHER" \
	    >>"$OUT/probes.csv"
	bench_log "$(printf '%-9s %4sB rep %s %-9s %7s pps: delivered %7s pps, loss %6s %%, %6s ns/pkt, p50 %s us%s%s' \
	    "$impl" "$size" "$rep" "$kind" "$rate" "$P_DELIV" "$P_LOSS" "$P_NSPP" "$P_P50" \
	    "$([ "$P_GEN" = 1 ] && echo ', generator-limited')" \
	    "$([ "$QUIET" = 0 ] && echo ", machine busy ${QUIET_PCT}%")")"
}

# One step of IMPL's binary search for the highest rate with < 1 % loss
# (its state: LO, HI, UMAX, GENLIM). search_step IMPL SIZE REP
search_step() {
	local impl=$1 size=$2 rep=$3 rate
	rate=$(( (LO[$impl] + HI[$impl]) / 2 / 1000 * 1000 ))
	measure search "$impl" "$size" "$rep" "$rate" "$PROBE_S" || return 1
	if [ "$P_PASS" = 1 ]; then
		LO[$impl]=$rate
		[ "$P_DELIV" -gt "${UMAX[$impl]}" ] && UMAX[$impl]=$P_DELIV
	else
		HI[$impl]=$rate
		awk -v l="$P_LOSS" 'BEGIN { exit !(l < 1) }' && [ "$P_GEN" = 1 ] &&
		    GENLIM[$impl]=$rate
	fi
	return 0
}

# Low-rate probes until the path delivers (ARP, relay start-up); 0 if it does.
warm_up() {
	local size=$1 i
	for i in $(seq 15); do
		relays_alive || return 1
		probe 2000 "$size" 0.2 || return 1
		[ "$P_UNIQUE" -gt 0 ] && return 0
	done
	return 1
}

start_subject() {
	case $1 in
	floor) start_floor "$2" ;;
	snowrelay)
		if [ "$SUBJECT" = floor ]; then start_floor "$2"; else start_snowrelay "$2"; fi ;;
	esac
}

# Memory of the relays just measured: helper, worker and per-host maxima (KiB).
# The floor has one process per host; it fills all three with its larger one.
hwm_summary() {
	set -- $(relay_hwm)
	if [ $# = 4 ]; then
		awk -v h1="$1" -v w1="$2" -v h2="$3" -v w2="$4" 'BEGIN {
			print (h1 > h2 ? h1 : h2) "," (w1 > w2 ? w1 : w2) "," \
			    (h1 + w1 > h2 + w2 ? h1 + w1 : h2 + w2) }'
	else
		awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { m = a > b ? a : b; print m "," m "," m }'
	fi
}

# The relays' own counters from their logs (printed at exit) into counters.txt.
collect_counters() {
	local f
	for f in "$1"/*.log; do
		[ -e "$f" ] || continue
		echo "== $2 ${3}B rep $4 $(basename "$f" .log)"
		grep -E 'counters:|drops capture:|drops mesh:|iface |peer |load mode|^floor ' "$f"
	done >>"$OUT/counters.txt"
}

# One 10 kpps window of IMPL: CPU and latency are kept from the window with
# the least CPU per packet (at 10 kpps each relay wakes up for every
# packet or two, which makes the figure very sensitive to other tenants
# of a shared machine, and they only ever add to it; both relay pairs are
# measured the same way, and every window is in probes.csv), loss from
# the worst window. window10k IMPL SIZE REP
window10k() {
	local impl=$1
	measure fixed10k "$impl" "$2" "$3" 10000 "$FIX10_S" || return 1
	if [ -z "${C10[$impl]}" ] || [ "$P_NSPP" -lt "${C10[$impl]}" ]; then
		C10[$impl]=$P_NSPP LAT10[$impl]="$P_P50,$P_P90,$P_P99"
	fi
	if [ -z "${L10[$impl]}" ] ||
	    awk -v a="$P_LOSS" -v b="${L10[$impl]}" 'BEGIN { exit !(a > b) }'; then
		L10[$impl]=$P_LOSS
	fi
}

# The relay pairs: the floor on bed 0, snowrelay on bed 1; per pair its
# processes and logs, whether it is still fit to measure, and its figures.
declare -A BED_OF=([floor]=0 [snowrelay]=1) PIDS_OF LOGS_OF FIT
declare -A C10 LAT10 L10 C100 L100 P100 LO HI UMAX GENLIM

# Make IMPL's bed and relay pair the current ones (bench/lib.sh works on them).
use() {
	bed "${BED_OF[$1]}"
	SUBJ_PIDS=${PIDS_OF[$1]:-} SUBJ_LOGS=${LOGS_OF[$1]:-}
}

# Start IMPL's relay pair on its bed and warm the path up; FIT[IMPL] says
# whether it delivered.
pair_start() {
	local impl=$1 size=$2 rep=$3 dir=$OUT/logs/$1-$2-$3
	use "$impl"
	mkdir -p "$dir"
	FIT[$impl]=1
	C10[$impl]="" LAT10[$impl]=",," L10[$impl]="" C100[$impl]="" L100[$impl]="" P100[$impl]=""
	LO[$impl]=0 HI[$impl]=$HI UMAX[$impl]=0 GENLIM[$impl]=0
	if ! start_subject "$impl" "$dir" || ! warm_up "$size"; then
		bench_log "$impl ${size}B rep $rep: the relay pair did not start or delivered nothing; see $dir"
		FIT[$impl]=0
	fi
	PIDS_OF[$impl]=$SUBJ_PIDS LOGS_OF[$impl]=$SUBJ_LOGS
}

# Memory, stop, counters and the summary row of IMPL's pair; 1 if unfit.
pair_finish() {
	local impl=$1 size=$2 rep=$3 hwm
	use "$impl"
	if [ "${FIT[$impl]}" = 1 ] && ! relays_alive; then
		bench_log "$impl ${size}B rep $rep: a relay process died"
		FIT[$impl]=0
	fi
	hwm=$(hwm_summary)
	stop_relays
	PIDS_OF[$impl]=""
	collect_counters "$OUT/logs/$impl-$size-$rep" "$impl" "$size" "$rep"
	[ "${FIT[$impl]}" = 1 ] || return 1
	echo "$impl,$size,$rep,${UMAX[$impl]},${GENLIM[$impl]},${C10[$impl]},${C100[$impl]},${LAT10[$impl]},$hwm,${L10[$impl]},${L100[$impl]},${P100[$impl]}" \
	    >>"$OUT/summary.csv"
}

# Run each step for every fit pair in ORDER, one probe each in turn; a
# pair whose probe fails is unfit from then on. each STEP SIZE REP
each() {
	local impl
	for impl in $ORDER; do
		[ "${FIT[$impl]}" = 1 ] || continue
		use "$impl"
		"$1" "$impl" "$2" "$3" || FIT[$impl]=0
	done
}

# The 100 kpps window of IMPL: CPU, loss and latency. window100k IMPL SIZE REP
window100k() {
	measure fixed100k "$1" "$2" "$3" 100000 "$FIX100_S" || return 1
	C100[$1]=$P_NSPP L100[$1]=$P_LOSS P100[$1]=$P_P50
}

# Both relay pairs, one payload size, one repetition. They run at once on
# their own beds and take turns probe by probe (10 kpps windows, 100 kpps,
# each step of the rate searches), so that a stretch of contention on the
# host, which this VM cannot see (its steal time reads 0), falls on both.
pair() {
	local size=$1 rep=$2 impl w i
	for impl in $ORDER; do pair_start "$impl" "$size" "$rep"; done
	for ((w = 1; w <= FIX10_N; w++)); do each window10k "$size" "$rep"; done
	[ "$FIX100_S" != 0 ] && each window100k "$size" "$rep"
	for ((i = 1; i <= PROBES; i++)); do each search_step "$size" "$rep"; done
	for impl in $ORDER; do
		pair_finish "$impl" "$size" "$rep" && continue
		NOTES="$NOTES- $impl, ${size} B, repetition $rep failed (logs/$impl-$size-$rep).\n"
		FAILED=$((FAILED + 1))
	done
}

# Every size and repetition, as long as the time budget allows; which pair
# probes first alternates by repetition.
run_all() {
	local rep size t0 est=0
	for rep in $(seq "$REPS"); do
		ORDER="floor snowrelay"
		[ $((rep % 2)) = 0 ] && ORDER="snowrelay floor"
		for size in $SIZES; do
			if [ $((SECONDS + est)) -gt "$BUDGET" ]; then
				NOTES="$NOTES- Stopped before repetition $rep (${size} B): the time budget (${BUDGET} s) would be exceeded.\n"
				return 0
			fi
			t0=$SECONDS
			pair "$size" "$rep"
			est=$((SECONDS - t0))
		done
	done
}

# Markdown table per payload size: medians and ranges over the repetitions,
# ratios and differences taken per repetition (same run) first.
report_tables() {
	awk -F, -v sizes="$SIZES" '
	function isnum(x) { return x != "" && x != "NA" }
	function sortn(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) {
			t = a[i]
			for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
			a[j + 1] = t
		}
	}
	function num(x, d,   s) {
		s = sprintf("%." d "f", x)
		if (s ~ /^-0(\.0*)?$/) s = substr(s, 2)	# no "-0.0"
		return s
	}
	function stat(a, n, d,   m) {
		if (n == 0) return "n/a"
		sortn(a, n)
		m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		if (n == 1) return num(m, d)
		return num(m, d) " [" num(a[1], d) ", " num(a[n], d) "]"
	}
	NR == 1 { next }
	{
		if (!(($2, $3) in hasrep)) { hasrep[$2, $3] = 1; nr[$2]++; rl[$2, nr[$2]] = $3 }
		got[$1, $2, $3] = 1
		for (c = 4; c <= NF; c++) v[$1, $2, $3, c] = $c
	}
	END {
		nm = split("4|max delivered rate at < 1 % loss, kpps|0.001|1;" \
		    "6|relay CPU at 10 kpps, ns/pkt (R1 + R2)|1|0;" \
		    "7|relay CPU at 100 kpps, ns/pkt (R1 + R2)|1|0;" \
		    "8|one-way latency p50 at 10 kpps, µs|1|0;" \
		    "9|one-way latency p90 at 10 kpps, µs|1|0;" \
		    "10|one-way latency p99 at 10 kpps, µs|1|0;" \
		    "16|one-way latency p50 at 100 kpps, µs|1|0;" \
		    "11|VmHWM helper, KiB (larger of R1, R2)|1|0;" \
		    "12|VmHWM worker without the capture ring, KiB (larger of R1, R2)|1|0;" \
		    "13|VmHWM per relay host (helper + worker) without the ring, KiB|1|0", M, ";")
		nsz = split(sizes, S, " ")
		for (si = 1; si <= nsz; si++) {
			size = S[si]
			print "### " size "-byte payload"
			print ""
			print "| metric | snowrelay | floor | snowrelay / floor | snowrelay − floor |"
			print "|---|---|---|---|---|"
			for (mi = 1; mi <= nm; mi++) {
				split(M[mi], F, "|"); c = F[1]; sc = F[3]; d = F[4]
				na = nb = nq = nd = 0
				for (k = 1; k <= nr[size]; k++) {
					rep = rl[size, k]
					a = v["snowrelay", size, rep, c]; b = v["floor", size, rep, c]
					ok_a = got["snowrelay", size, rep] && isnum(a)
					ok_b = got["floor", size, rep] && isnum(b)
					if (ok_a) A[++na] = a * sc
					if (ok_b) B[++nb] = b * sc
					if (ok_a && ok_b && b > 0) { Q[++nq] = a / b; D[++nd] = (a - b) * sc }
					if (c == 4 && v["snowrelay", size, rep, 5] > 0)
						gl = gl "snowrelay rep " rep " at " v["snowrelay", size, rep, 5] / 1000 " kpps; "
					if (c == 4 && v["floor", size, rep, 5] > 0)
						gl = gl "floor rep " rep " at " v["floor", size, rep, 5] / 1000 " kpps; "
					if (c == 6 || c == 7) {
						for (im = 1; im <= 2; im++) {
							nm_ = im == 1 ? "snowrelay" : "floor"
							l = v[nm_, size, rep, c + 8]
							if (isnum(l) && l >= 1)
								lossy = lossy nm_ " rep " rep " at " (c == 6 ? 10 : 100) " kpps: " l " %; "
						}
					}
				}
				printf "| %s | %s | %s | %s | %s |\n", F[2], stat(A, na, d), stat(B, nb, d),
				    stat(Q, nq, 2), stat(D, nd, d)
			}
			print ""
			sub(/; $/, ".", gl); sub(/; $/, ".", lossy)
			if (gl != "") {
				print "Generator-limited (the next rate up was lossless but the generator fell short of it, so the true maximum may be higher): " gl
				print ""
			}
			if (lossy != "") {
				print "Fixed-rate windows that lost >= 1 % (their CPU per packet is per delivered packet, and their latency includes queueing): " lossy
				print ""
			}
			gl = lossy = ""
		}
	}' "$OUT/summary.csv"
}

# Machine noise over all recorded probes.
report_noise() {
	awk -F, 'NR > 1 { n++; if ($20 == "NA") na++; else if ($20 == 0) busy++; o[n] = $21 }
	END {
		if (n == 0) { print "- No probe was recorded."; exit }
		for (i = 2; i <= n; i++) {
			t = o[i]
			for (j = i - 1; j >= 1 && o[j] + 0 > t + 0; j--) o[j + 1] = o[j]
			o[j + 1] = t
		}
		if (na == n)
			print "- No quiet check (smoke mode): figures are not meaningful, only that traffic flowed."
		else
			printf "- %d of %d probes started while the machine was still > threshold busy after the quiet wait.\n", busy, n
		printf "- CPU used by other tenants during a probe (machine busy time minus the benchmark'"'"'s processes; tick-sampled, unreliable at low rates): median %d ms, max %d ms.\n", o[int((n + 1) / 2)], o[n]
	}' "$OUT/probes.csv"
}

report() {
	local subj="snowrelayd ($SNOWRELAYD)"
	[ "$SUBJECT" = floor ] && subj="**the floor standing in for snowrelayd (BENCH_SUBJECT=floor): not a snowrelay measurement**"
	{
		if [ -n "$AUTH_ALG" ]; then
			echo "# snowrelay benchmark: authenticated mesh, $AUTH_NAME"
		else
			echo "# snowrelay benchmark"
		fi
		echo
		echo "Mode **$MODE**: payloads ${SIZES// /, } B, $REPS repetition(s), rate search of $PROBES paced probe(s) of ${PROBE_S} s," \
		    "fixed-rate windows of ${FIX10_S} s at 10 kpps (${FIX10_N} per run, see below) and one of ${FIX100_S} s at 100 kpps. $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), $(nproc) CPUs, ${SECONDS} s."
		echo
		echo "Subject: $subj, mesh format $MESHFMT. Yardstick: bench/floor (AF_PACKET recvmmsg capture + BPF -> connected UDP sendmmsg; UDP recvmmsg -> AF_PACKET sendmmsg), measured in the same job: both relay pairs run at once, each on a test bed of its own, and take turns probe by probe (10 kpps windows, 100 kpps, every step of the rate searches; the floor probes first in odd repetitions, snowrelay in even ones), so that contention on the host, invisible from inside this VM, falls on both."
		echo
		echo "## Results"
		echo
		echo "Values are the median [min, max] over the repetitions; the ratio and the difference are taken per repetition, then summarised. The floor has one process per host: its helper, worker and host rows all show its larger process."
		echo
		report_tables
		if [ -z "$AUTH_ALG" ]; then
			echo "The authenticated mesh is measured by \`make bench BENCH_AUTH=1\` (UMAC-128, the default algorithm) or \`BENCH_AUTH=hmac-sha256\` (a report of its own)."
			echo
		fi
		echo "## How it was measured"
		echo
		echo "- Test beds: two identical ones, one per relay pair, each of 4 network namespaces (hostA - R1 - R2 - hostB), veth, segments A and B share 198.18.1.0/24; hostA sends to 198.18.1.255:$BPORT; checksum offload off on the sender; IPv6 off."
		echo "- Pinning: loadgen and sink on CPU $LOAD_CPU, the relays of both pairs on CPU $RELAY_CPU (taskset; the pair not being probed sleeps: a snowrelayd worker wakes twice a second, the floor never). veth runs the next hop's receive path inline, so relay CPU includes some of the next hop's work (same for both)."
		[ "$SUBJECT" = snowrelay ] &&
		    echo "- snowrelayd runs with its defaults except the rate limits (off: one source sends everything). Its load mode (\`--coalesce 20000/1000\`: above 20 kpps it drains its sockets on a timer, every 1 ms, on the monotonic clock's whole milliseconds, so that R1 and R2 wake up together) is therefore on in the 100 kpps windows and the rate search, and off at 10 kpps; the p50 at 100 kpps shows what it costs in latency. In load mode it captures into its TPACKET_V3 ring (\`--capture-ring 4\`, 16 KiB blocks handed over when full or after 1 ms), which exists and is mapped only while load mode lasts; a worker that used it has the ring's 4096 KiB taken off its VmHWM in the memory rows (\"without the capture ring\"; the issue's 4 MiB budget is for a relay without a ring)."
		echo "- Relay CPU: sum of /proc/PID/task/*/schedstat run time of all relay processes (snowrelay: helper and worker on R1 and R2) over the probe, divided by the packets delivered."
		echo "- 10 kpps: each run measures $FIX10_N window(s) of ${FIX10_S} s; its CPU and latency figures are those of the window with the least CPU per packet, and its loss that of the worst window. At 10 kpps each relay wakes up for every packet or two, so other tenants of a shared machine move the figure a lot, and they can only add to it; the floor and snowrelay are measured the same way, and every window is in probes.csv."
		echo "- Rate search: binary search between 0 and $((HI / 1000)) kpps; a probe passes with < 1 % loss and an achieved offered rate >= 97 % of its target. Latency: loadgen CLOCK_MONOTONIC stamp to the sink's recvmmsg return."
		[ "$QUIET_MAX" != none ] &&
		    echo "- Each probe first waits (up to ${QUIET_MAX} s, ${QUIET_ALLOW} s in total) for the machine to be < ${BENCH_QUIET_PCT} % busy over 0.5 s."
		report_noise
		[ -n "$NOTES" ] && printf '%b' "$NOTES"
		echo
		echo "Files: probes.csv (every probe), summary.csv (per run), rate.png, counters.txt (the relays' own counters at exit), logs/ (relay output)."
	} >"$OUT/report.md"
}

# rate-IMPL-SIZE.dat from the probes, then rate.png with gnuplot.
plot_rates() {
	local impl size f files=""
	for size in $SIZES; do
		for impl in snowrelay floor; do
			f=rate-$impl-$size.dat
			echo "\"$impl, $size B\" x" >"$OUT/$f"
			awk -F, -v i="$impl" -v s="$size" 'NR > 1 && $1 == i && $2 == s {
			    printf "%.1f %.1f\n", $6 / 1000, $11 / 1000 }' "$OUT/probes.csv" |
			    sort -n >>"$OUT/$f"
			[ "$(wc -l <"$OUT/$f")" -gt 1 ] && files="$files $f"
		done
	done
	if ! command -v gnuplot >/dev/null; then
		NOTES="$NOTES- gnuplot not found: no rate.png.\n"
	elif [ -z "$files" ]; then
		NOTES="$NOTES- No probe data: no rate.png.\n"
	elif ! (cd "$OUT" && gnuplot -e "files='${files# }'; outfile='rate.png'; subtitle='$MODE mode, $(date -u +%Y-%m-%d)'" \
	    "$top_srcdir/bench/plot.gp") 2>"$OUT/logs/gnuplot.log"; then
		NOTES="$NOTES- gnuplot failed (logs/gnuplot.log): no rate.png.\n"
	fi
}

main() {
	preflight
	trap bench_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	BENCH_TMP=$(mktemp -d /tmp/bench-run.XXXXXX)
	auth_keyfile
	chmod 755 "$BENCH_TMP"
	mkdir -p "$OUT" || bench_die "cannot create $OUT"
	rm -rf "$OUT/logs"; rm -f "$OUT"/probes.csv "$OUT"/summary.csv "$OUT"/report.md \
	    "$OUT"/rate.png "$OUT"/rate-*.dat "$OUT"/counters.txt
	echo "impl,size,rep,kind,target_pps,achieved_pps,sent,unique,dup,loss_pct,delivered_pps,relay_ns_per_pkt,p50_us,p90_us,p99_us,p999_us,pass,generator_limited,busy_pct_before,quiet,other_cpu_ms" \
	    >"$OUT/probes.csv"
	echo "impl,size,rep,max_pps,genlim_pps,cpu10k_ns,cpu100k_ns,p50_us,p90_us,p99_us,hwm_helper_kib,hwm_worker_kib,hwm_host_kib,loss10k_pct,loss100k_pct,p50_100k_us" \
	    >"$OUT/summary.csv"
	NOTES="" FAILED=0
	bed 0 && topo_up && bed 1 && topo_up || bench_die "could not build the test beds"
	bench_log "mode $MODE: sizes $SIZES, $REPS repetition(s), $PROBES probe(s) of ${PROBE_S} s; output in $OUT"
	run_all
	plot_rates
	report
	bench_log "done in ${SECONDS} s: $OUT/report.md"
	[ "$FAILED" = 0 ] || bench_die "$FAILED measurement run(s) failed; see $OUT/report.md"
}

main "$@"
