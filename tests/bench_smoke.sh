#!/bin/sh
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Smoke run of the benchmark (bench/run.sh, BENCH_SMOKE=1), with the plain
# and the authenticated mesh: the floor and snowrelayd each carry a few
# seconds of low-rate traffic; packets must get through both, the two pairs
# must take turns probe by probe, the CPU at 10 kpps must be the lower of
# two windows, and the report table must be written. Root only (exit 77).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
export top_srcdir top_builddir

fail() { echo "FAIL: $*" >&2; exit 1; }

# A BENCH_AUTH value other than 0 or 1 is refused with exit 2 (before any
# test bed is built).
out=$(BENCH_AUTH=yes sh "$top_srcdir/bench/run.sh" 2>&1)
[ $? = 2 ] || fail "BENCH_AUTH=yes was not refused with exit 2: $out"
echo "$out" | grep -q "expected 0 or 1" ||
    fail "BENCH_AUTH=yes refusal does not say why: $out"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: bench_smoke needs root (network namespaces)"
	exit 77
fi
if ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: ip netns is not available"
	exit 77
fi

dir=$(mktemp -d /tmp/bench-smoke.XXXXXX) || fail "mktemp"
trap 'rm -rf "$dir"' EXIT

# smoke AUTH: one smoke run of the benchmark, plain "SS" mesh (0) or the
# authenticated native mesh (1), checked end to end.
smoke()
{
	out=$dir/auth$1
	BENCH_SMOKE=1 BENCH_AUTH=$1 BENCH_OUT=$out timeout -k 5 90 \
	    sh "$top_srcdir/bench/run.sh" >"$dir/run$1.log" 2>&1
	rc=$?
	cat "$dir/run$1.log"
	[ "$rc" = 0 ] || fail "BENCH_AUTH=$1: bench/run.sh exited with $rc"

	# Every probe of both relays delivered at least 90 % of what was sent.
	for impl in floor snowrelay; do
		awk -F, -v i="$impl" '
		    NR > 1 && $1 == i { n++; if ($7 > 0 && $8 >= 0.9 * $7) good++ }
		    END { exit !(n > 0 && good == n) }' "$out/probes.csv" ||
		    fail "BENCH_AUTH=$1: $impl: packets were not delivered (probes.csv: $(grep "^$impl," "$out/probes.csv"))"
		grep -q "^$impl,100,1," "$out/summary.csv" ||
		    fail "BENCH_AUTH=$1: $impl: no summary row"
		# Two 10 kpps windows (smoke mode); the summary's CPU at
		# 10 kpps is the lower of the two.
		min=$(awk -F, -v i="$impl" 'NR > 1 && $1 == i && $4 == "fixed10k" {
		    n++; if (n == 1 || $12 < m) m = $12 } END { if (n == 2) print m }' \
		    "$out/probes.csv")
		[ -n "$min" ] ||
		    fail "BENCH_AUTH=$1: $impl: not two fixed10k windows in probes.csv"
		awk -F, -v i="$impl" -v m="$min" '$1 == i { exit !($6 == m) }' \
		    "$out/summary.csv" ||
		    fail "BENCH_AUTH=$1: $impl: summary cpu10k is not the lower window's $min: $(grep "^$impl," "$out/summary.csv")"
	done

	# Both pairs run at once and take turns probe by probe: with one
	# size and one repetition (smoke mode) the subject changes from
	# every probe to the next.
	awk -F, 'NR > 1 { if (NR > 2 && $1 == last) exit 1; last = $1 }' \
	    "$out/probes.csv" ||
	    fail "BENCH_AUTH=$1: probes do not alternate between the pairs: $(cut -d, -f1,4 "$out/probes.csv" | tr '\n' ' ')"

	# The report has its table with a value in both columns.
	grep -q '^| metric | snowrelay | floor |' "$out/report.md" ||
	    fail "BENCH_AUTH=$1: report.md: no table"
	awk -F'|' '/^\| relay CPU at 10 kpps/ { exit !($3 + 0 > 0 && $4 + 0 > 0) }' \
	    "$out/report.md" ||
	    fail "BENCH_AUTH=$1: report.md: CPU figures missing: $(grep 'relay CPU at 10' "$out/report.md")"
	if command -v gnuplot >/dev/null; then
		[ -s "$out/rate.png" ] ||
		    fail "BENCH_AUTH=$1: no rate.png although gnuplot is installed"
	fi
}

smoke 0
smoke 1
# The authenticated run really used the native mesh.
grep -q 'format=native auth=yes' "$dir/auth1/counters.txt" ||
    fail "BENCH_AUTH=1: the relays did not use the authenticated mesh"
echo "PASS: bench smoke"
exit 0
