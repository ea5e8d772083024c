#!/bin/sh
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Smoke run of the benchmark (bench/run.sh, BENCH_SMOKE=1): the floor and
# snowrelayd each carry a few seconds of low-rate traffic; packets must get
# through both and the report table must be written. Root only (exit 77).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
export top_srcdir top_builddir

fail() { echo "FAIL: $*" >&2; exit 1; }

# The authenticated-mesh hook must refuse clearly until the mesh exists.
out=$(BENCH_AUTH=1 sh "$top_srcdir/bench/run.sh" 2>&1)
[ $? = 2 ] || fail "BENCH_AUTH=1 was not refused with exit 2: $out"
echo "$out" | grep -q "authenticated mesh does not exist" ||
    fail "BENCH_AUTH=1 refusal does not say why: $out"

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

BENCH_SMOKE=1 BENCH_OUT=$dir timeout -k 5 90 sh "$top_srcdir/bench/run.sh" \
    >"$dir/run.log" 2>&1
rc=$?
cat "$dir/run.log"
[ "$rc" = 0 ] || fail "bench/run.sh exited with $rc"

# Every probe of both relays delivered at least 90 % of what was sent.
for impl in floor snowrelay; do
	awk -F, -v i="$impl" '
	    NR > 1 && $1 == i { n++; if ($7 > 0 && $8 >= 0.9 * $7) good++ }
	    END { exit !(n > 0 && good == n) }' "$dir/probes.csv" ||
	    fail "$impl: packets were not delivered (probes.csv: $(grep "^$impl," "$dir/probes.csv"))"
	grep -q "^$impl,100,1," "$dir/summary.csv" || fail "$impl: no summary row"
done

# The report has its table with a value in both columns.
grep -q '^| metric | snowrelay | floor |' "$dir/report.md" || fail "report.md: no table"
awk -F'|' '/^\| relay CPU at 10 kpps/ { exit !($3 + 0 > 0 && $4 + 0 > 0) }' \
    "$dir/report.md" || fail "report.md: CPU figures missing: $(grep 'relay CPU at 10' "$dir/report.md")"
if command -v gnuplot >/dev/null; then
	[ -s "$dir/rate.png" ] || fail "no rate.png although gnuplot is installed"
fi
echo "PASS: bench smoke"
exit 0
