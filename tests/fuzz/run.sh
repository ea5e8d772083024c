#!/bin/sh
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Coverage-guided fuzzing of the parsers that take outside input (frames,
# mesh datagrams, the key file, the command line), with clang's libFuzzer,
# ASan and UBSan. Not part of make check (that replays the corpora with
# the normal compiler); run it by hand after changing a parser:
#
#   tests/fuzz/run.sh BUILDDIR [SECONDS]     (BUILDDIR: a configured build)
#
# Each target runs SECONDS (default 60) from its corpus; new inputs go to
# BUILDDIR/fuzz/NAME, crashes to BUILDDIR/fuzz/crash-NAME-*. To keep what
# it found, merge it into the corpus:
#   BUILDDIR/fuzz/fuzz_NAME -merge=1 tests/fuzz/corpus/NAME BUILDDIR/fuzz/NAME
set -eu
[ $# -ge 1 ] || { echo "usage: $0 BUILDDIR [SECONDS]" >&2; exit 2; }
B=$(cd "$1" && pwd)
SECS=${2:-60}
S=$(cd "$(dirname "$0")/../.." && pwd)
O=$B/fuzz
[ -f "$B/autoconf.h" ] || { echo "$0: $B is not a configured build" >&2; exit 2; }
command -v clang >/dev/null || { echo "$0: needs clang (apt-get install clang)" >&2; exit 2; }
mkdir -p "$O/obj"
set -- -g -O1 -std=gnu11 -fsanitize=fuzzer-no-link,address,undefined \
    -fno-sanitize-recover=undefined -include "$B/autoconf.h" \
    -I"$S/src" -I"$S/privsep" -DHAVE_CONFIG_H \
    '-DRUNSTATEDIR="/nonexistent"' '-DSYSCONFDIR="/nonexistent"' \
    '-DDEFAULT_CHROOT="/nonexistent"'
objs=""
for f in src/log.c src/config.c src/config_parse.c src/config_usage.c \
    src/csum.c src/frame.c src/mesh.c src/auth.c src/keyfile.c; do
	o=$O/obj/$(basename "$f" .c).o
	clang "$@" -c "$S/$f" -o "$o"
	objs="$objs $o"
done
for t in frame mesh keyfile argv; do
	clang "$@" -fsanitize=fuzzer -c "$S/tests/fuzz/fuzz_$t.c" -o "$O/obj/fuzz_$t.o"
	# shellcheck disable=SC2086
	clang -fsanitize=fuzzer,address,undefined "$O/obj/fuzz_$t.o" $objs \
	    -lnettle -o "$O/fuzz_$t"
	mkdir -p "$O/$t"
	echo "fuzz_$t: $SECS s"
	"$O/fuzz_$t" -max_total_time="$SECS" -max_len=9300 \
	    -artifact_prefix="$O/crash-$t-" "$O/$t" "$S/tests/fuzz/corpus/$t" \
	    >"$O/$t.log" 2>&1 || { tail -n 30 "$O/$t.log"; exit 1; }
	tail -n 1 "$O/$t.log"
done
