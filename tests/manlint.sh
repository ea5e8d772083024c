#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# The man pages: mandoc -Tlint -W warning says nothing, the SYNOPSIS is the
# usage line, and every option of the usage text is documented (no root).

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=ml
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init noroot

MANDOC=${MANDOC:-$(command -v mandoc)}
if [ -z "$MANDOC" ] || ! command -v "$MANDOC" >/dev/null 2>&1; then
	skip "mandoc not available"
fi
PAGE8=$top_srcdir/man/snowrelayd.8
PAGE5=$top_srcdir/man/snowrelayd.conf.5

# 1. Lint. A stale mandoc.db on the host is not a fault of the pages.
for page in "$PAGE8" "$PAGE5"; do
	[ -f "$page" ] || fail "$page missing"
	out=$("$MANDOC" -Tlint -W warning "$page" 2>&1 | grep -v 'mandoc\.db')
	[ -z "$out" ] || fail "mandoc -Tlint -W warning $(basename "$page"):
$out"
	ok "mandoc -Tlint -W warning $(basename "$page"): clean"
done

# 2. The usage text: from the binary if it is built, else from the source.
# The synopsis may wrap: its continuation lines are indented and start
# with "[", as in the rendered man page.
if [ -x "$top_builddir/snowrelayd" ]; then
	"$top_builddir/snowrelayd" -h >"$SR_TMP/usage" 2>&1 ||
	    fail "snowrelayd -h exited $?"
	from="snowrelayd -h"
else
	# The string literals of usage_synopsis[], then the option column
	# of usage_help[], both in src/config.c.
	sed -n '/^static const char usage_synopsis\[\]/,/;$/p' \
	    "$top_srcdir/src/config.c" | grep -o '"[^"]*"' | sed 's/^"//; s/"$//' |
	    tr -d '\n' >"$SR_TMP/synopsis"
	printf '%b' "$(cat "$SR_TMP/synopsis")" >"$SR_TMP/usage"
	sed -n '/^} usage_help\[\] = {/,/^};/p' "$top_srcdir/src/config.c" |
	    grep -o '{ "-[^"]*"' | sed 's/^{ "/  /' >>"$SR_TMP/usage"
	from="src/config.c"
fi
usage=$(sed -n '1{/^usage: /!q;s/^usage: //;p;n}; /^ *\[/{s/^ *//;p;b}; q' \
    "$SR_TMP/usage" | tr '\n' ' ' | sed 's/ $//')
[ -n "$usage" ] || fail "no usage line in $from"
# Every line of the usage fits a terminal.
long=$(awk 'length($0) > 79' "$SR_TMP/usage" | grep -v '^  .*(' | head -n 1)
[ -z "$long" ] || fail "usage line longer than 79 columns in $from: $long"

# 3. The rendered SYNOPSIS, joined into one line, is the usage line.
synopsis=$("$MANDOC" -Tascii "$PAGE8" 2>/dev/null | sed 's/.\x08//g' |
    sed -n '/^SYNOPSIS/,/^[A-Z]/{/^[A-Z]/d;p}' | tr -s ' \t\n' ' ' |
    sed 's/^ //; s/ $//')
[ "$synopsis" = "$usage" ] || fail "SYNOPSIS and usage differ:
  man:   $synopsis
  usage: $usage"
ok "SYNOPSIS = usage line ($from)"

# 4. Every option named in the usage text has an entry in snowrelayd.8
# (".It Fl b , Fl -broadcast-port Ar ..." documents -b and --broadcast-port).
entry()
{
	grep -q -- "^\\.It .*Fl $1\\( \\|\$\\)" "$PAGE8"
}
n=0
for opt in $(grep -o -- '--[a-z][a-z-]*' "$SR_TMP/usage" | sort -u); do
	entry "${opt#-}" || fail "option $opt ($from) has no entry in snowrelayd.8"
	n=$(( n + 1 ))
done
[ "$n" -ge 17 ] || fail "only $n long options found in $from"
ok "$n long options documented"
n=0
for opt in $(sed -n 's/^  \(-[^ -].*\)$/\1/p' "$SR_TMP/usage" | sed 's/  .*//' |
    grep -oE '(^| )-[a-zA-Z]+' | tr -d ' ' | sort -u); do
	entry "${opt#-}" || fail "option $opt ($from) has no entry in snowrelayd.8"
	n=$(( n + 1 ))
done
[ "$n" -ge 10 ] || fail "only $n short options found in $from"
ok "$n short options documented"

# 5. Every key of the config file has an entry in snowrelayd.conf.5.
for key in target-interface broadcast-port mesh-port other-relays log-level \
    user chroot mesh-key-file mesh-auth hello-interval mesh-freshness \
    dedup-window rate-source rate-peer rate-global coalesce; do
	grep -q "^\\.It Ic $key " "$PAGE5" || fail "key $key not in snowrelayd.conf.5"
done
ok "every key documented in snowrelayd.conf.5"
exit 0
