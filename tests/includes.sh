#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Enforce the include rules of ARCHITECTURE.md on the sources (no root):
# pure modules include no libevent/libseccomp/libcap-ng, privsep/ never
# reaches worker modules or libevent, only src/main.c knows both roles.
# Local includes are followed transitively, so a header cannot launder one.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=in
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init noroot

cd "$top_srcdir" || fail "cannot cd to $top_srcdir"
[ -f src/main.c ] && [ -d privsep ] || fail "$top_srcdir is not the source tree"

errors=0
bad()
{
	say "violation: $*"
	errors=$(( errors + 1 ))
}

# direct FILE: the include targets named in FILE, one per line, as
# "<sys/x.h>" or "name.h".
direct()
{
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$1" |
	    sed 's/^"\(.*\)"$/\1/'
}

# resolve NAME FROM: the path of local header NAME included from file
# FROM (same directory, then src/, then privsep/), or nothing.
resolve()
{
	local d

	for d in "$(dirname "$2")" src privsep; do
		[ -f "$d/$1" ] && { echo "$d/$1"; return; }
	done
}

# closure FILE: every include reached from FILE through local headers
# (system headers as "<...>", local ones by base name), one per line.
declare -A CLOSURE
closure()
{
	local f=$1 seen=" " todo=("$1") cur inc p out=""

	[ -n "${CLOSURE[$f]+x}" ] && { printf '%s' "${CLOSURE[$f]}"; return; }
	while [ ${#todo[@]} -gt 0 ]; do
		cur=${todo[0]}
		todo=("${todo[@]:1}")
		while IFS= read -r inc; do
			[ -n "$inc" ] || continue
			case $inc in
			"<"*)	out+="$inc"$'\n'; continue ;;
			esac
			out+="$(basename "$inc")"$'\n'
			p=$(resolve "$inc" "$cur")
			[ -n "$p" ] || continue
			case $seen in *" $p "*) continue ;; esac
			seen+="$p "
			todo+=("$p")
		done < <(direct "$cur")
	done
	CLOSURE[$f]=$out
	printf '%s' "$out"
}

# includes FILE PATTERN: FILE reaches an include matching the ERE PATTERN.
includes()
{
	closure "$1" | grep -Eq -- "$2"
}

# Rule 1: pure modules and the shared channel code.
pure=()
for m in log config csum frame filter mesh peer counters; do
	for x in c h; do
		[ -f "src/$m.$x" ] && pure+=("src/$m.$x")
	done
done
for m in proto channel; do
	for x in c h; do
		[ -f "privsep/$m.$x" ] && pure+=("privsep/$m.$x")
	done
done
e0=$errors
[ ${#pure[@]} -ge 10 ] || fail "only ${#pure[@]} pure-module files found in $top_srcdir"
for f in "${pure[@]}"; do
	includes "$f" '^<event2/' && bad "$f includes libevent (<event2/...>)"
	includes "$f" 'seccomp\.h' && bad "$f includes seccomp.h"
	includes "$f" 'cap-ng\.h' && bad "$f includes cap-ng.h"
done
[ "$errors" -eq "$e0" ] && ok "rule 1: ${#pure[@]} pure-module files without libevent/libseccomp/libcap-ng"

# Rule 2: the privileged side never includes worker modules or libevent.
n=0
e0=$errors
for f in privsep/*.c privsep/*.h; do
	[ -f "$f" ] || continue
	n=$(( n + 1 ))
	for h in worker.h relay.h mesh.h peer.h frame.h counters.h; do
		includes "$f" "^${h//./\\.}\$" && bad "$f includes $h (worker module)"
	done
	includes "$f" '^<event2/' && bad "$f includes libevent (<event2/...>)"
done
[ "$n" -ge 6 ] || fail "only $n files in privsep/"
[ "$errors" -eq "$e0" ] && ok "rule 2: $n privsep/ files include no worker module and no libevent"

# Rule 3: only src/main.c (the composition root) includes both roles.
n=0
e0=$errors
for f in src/*.c src/*.h privsep/*.c privsep/*.h tests/*.c; do
	[ -f "$f" ] || continue
	[ "$f" = src/main.c ] && continue
	n=$(( n + 1 ))
	if includes "$f" '^helper\.h$' && includes "$f" '^worker\.h$'; then
		bad "$f includes both helper.h and worker.h"
	fi
done
# Self-test of the scanner: main.c does include both.
includes src/main.c '^helper\.h$' && includes src/main.c '^worker\.h$' ||
    fail "scanner self-test: src/main.c should include helper.h and worker.h"
[ "$errors" -eq "$e0" ] && ok "rule 3: none of $n other files includes both helper.h and worker.h"

[ "$errors" -eq 0 ] || fail "$errors include-rule violation(s)"
ok "include rules hold"
