#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# The command line of the real binary: bad values exit 1 with a message
# naming the setting, the value and its origin; -n prints every setting
# with its origin. Every run has -n, so nothing ever starts the daemon.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=cl
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init noroot

[ -x "$SNOWRELAYD" ] || skip "$SNOWRELAYD not built yet"
EMPTY=$SR_TMP/empty.conf
: >"$EMPTY"
checks=0

# run [VAR=value ...] -- ARGS...: snowrelayd -f EMPTY -n ARGS in a clean
# environment; sets OUT, ERR and RC. A later -f in ARGS wins over EMPTY.
run()
{
	local envs=()

	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	OUT=$(env -i PATH="$PATH" "${envs[@]}" timeout 10 "$SNOWRELAYD" \
	    -f "$EMPTY" -n "$@" 2>"$SR_TMP/stderr")
	RC=$?
	ERR=$(cat "$SR_TMP/stderr")
}

# expect_error TEXT [VAR=value ...] -- ARGS...: exit 1, TEXT on stderr.
expect_error()
{
	local want=$1

	shift
	run "$@"
	[ "$RC" = 1 ] || fail "snowrelayd $*: exit $RC, expected 1 (stderr: $ERR)"
	case $ERR in
	*"$want"*)	;;
	*)		fail "snowrelayd $*: stderr '$ERR' lacks '$want'" ;;
	esac
	[ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] ||
	    fail "snowrelayd $*: more than one line on stderr: $ERR"
	[ -z "$OUT" ] || fail "snowrelayd $*: stdout not empty: $OUT"
	checks=$(( checks + 1 ))
	ok "$* -> $ERR"
}

# expect_line LINE: the last run exited 0 and printed LINE on stdout.
expect_line()
{
	[ "$RC" = 0 ] || fail "exit $RC, expected 0 (stderr: $ERR)"
	printf '%s\n' "$OUT" | grep -qxF -- "$1" ||
	    fail "no line '$1' in output:
$OUT"
	checks=$(( checks + 1 ))
	ok "$1"
}

# Bad values: the message names where, the setting and the value.
expect_error 'command line: broadcast-port: "0": not a port number (1-65535)' \
    -- -t lo -b 0
expect_error 'command line: broadcast-port: "0": not a port number (1-65535)' \
    -- -t lo -b 5076,0
expect_error 'command line: mesh-port: "70000": not a port number (1-65535)' \
    -- -t lo -m 70000
expect_error 'command line: log-level: "loud": unknown level (debug, info, warning, error, critical)' \
    -- -t lo -l loud
expect_error 'command line: log-level: "loud": unknown level' -- -t lo -ll loud
expect_error 'command line: other-relays: "198.18.2.300": not an IPv4 address' \
    -- -t lo --other-relays 198.18.2.2 198.18.2.300
expect_error 'other-relays: "relay_2.example": neither an IPv4 address nor a host name' \
    -- -t lo --other-relays relay_2.example
expect_error 'command line: target-interface: "nosuch0": no such interface' \
    -- -t lo,nosuch0
expect_error 'environment TARGET_INTERFACE: target-interface: "nosuch1": no such interface' \
    TARGET_INTERFACE=nosuch1 --
expect_error 'environment BDCAST_PORT: broadcast-port: "0": not a port number' \
    BDCAST_PORT=0 -- -t lo
expect_error 'environment MESH_PORT: mesh-port: "5076": also a broadcast port' \
    MESH_PORT=5076 -- -t lo
expect_error 'unknown option "--frobnicate"' -- -t lo --frobnicate

conf=$SR_TMP/bad.conf
printf '# a comment\n\nfoo = 1\n' >"$conf"
expect_error "$conf:3: unknown key \"foo\"" -- -t lo -f "$conf"
printf 'target-interface = lo\nmesh-port = 0\n' >"$conf"
expect_error "$conf:2: mesh-port: \"0\": not a port number (1-65535)" -- -f "$conf"
printf 'target-interface = lo\nmesh-port 7000\n' >"$conf"
expect_error "$conf:2: missing \"=\"" -- -f "$conf"
expect_error "config file \"$SR_TMP/missing.conf\": No such file or directory" \
    -- -t lo -f "$SR_TMP/missing.conf"

# -n: every key with its origin, then "configuration OK", exit 0.
run -- -t lo
for line in \
    "target-interface = lo  # command line" \
    "broadcast-port = 5076  # default" \
    "mesh-port = 7124  # default" \
    "other-relays = (none)  # default" \
    "log-level = info  # default" \
    "mesh-key-file = (none)  # default" \
    "mesh-auth = off  # default" \
    "hello-interval = 2  # default" \
    "mesh-freshness = 30  # default" \
    "dedup-window = 500  # default" \
    "rate-source = 2000/4000  # default" \
    "rate-peer = 20000/40000  # default" \
    "rate-global = 100000/200000  # default" \
    "coalesce = 20000/1000  # default" \
    "capture-ring = 4  # default" \
    "mesh-gso = on  # default" \
    "# configuration file: $EMPTY" \
    "configuration OK"; do
	expect_line "$line"
done
printf '%s\n' "$OUT" | grep -q '^user = .*  # default$' || fail "no user line: $OUT"
printf '%s\n' "$OUT" | grep -q '^chroot = /.*  # default$' || fail "no chroot line: $OUT"
checks=$(( checks + 1 ))

# Precedence: command line > environment > file > default, per key.
conf=$SR_TMP/good.conf
printf 'target-interface = lo\nmesh-port = 7100\nbroadcast-port = 5076,5064\n' >"$conf"
printf 'other-relays = 198.18.2.2\nother-relays = 198.18.3.2:7200\n' >>"$conf"
printf 'log-level = warning\n' >>"$conf"
run -- -f "$conf"
expect_line "mesh-port = 7100  # file $conf:2"
expect_line "broadcast-port = 5076,5064  # file $conf:3"
expect_line "other-relays = 198.18.2.2:7100 198.18.3.2:7200  # file $conf:5"
expect_line "log-level = warning  # file $conf:6"
run MESH_PORT=7200 LOGLEVEL=error -- -f "$conf"
expect_line "mesh-port = 7200  # environment MESH_PORT"
expect_line "log-level = error  # environment LOGLEVEL"
expect_line "other-relays = 198.18.2.2:7200 198.18.3.2:7200  # file $conf:5"
run MESH_PORT=7200 LOGLEVEL=error -- -f "$conf" -m 7300 -ll debug \
    --other-relays 198.18.4.2 198.18.5.2:7001 -b 5065
expect_line "mesh-port = 7300  # command line"
expect_line "log-level = debug  # command line"
expect_line "other-relays = 198.18.4.2:7300 198.18.5.2:7001  # command line"
expect_line "broadcast-port = 5065  # command line"
expect_line "target-interface = lo  # file $conf:1"

# The authenticated mesh: modes, the key file, peer formats, timers, rates.
expect_error 'command line: mesh-auth: "required": needs a key: set mesh-key-file' \
    -- -t lo --mesh-auth required
expect_error 'command line: mesh-auth: "on": unknown mode (off, accept-both, required)' \
    -- -t lo --mesh-auth on
expect_error 'command line: other-relays: "198.18.2.2:7124/native": the native format needs a key: set mesh-key-file' \
    -- -t lo --other-relays 198.18.2.2/native
expect_error 'command line: other-relays: "198.18.2.2/tls": unknown format "/tls"' \
    -- -t lo --other-relays 198.18.2.2/tls
expect_error 'command line: hello-interval: "0": not a number of seconds from 1 to 3600' \
    -- -t lo --hello-interval 0
expect_error 'command line: mesh-freshness: "3601": not a number of seconds from 1 to 3600' \
    -- -t lo --mesh-freshness 3601
expect_error 'command line: dedup-window: "60001": not a number of milliseconds from 1 to 60000' \
    -- -t lo --dedup-window 60001
expect_error 'command line: coalesce: "20000/20": US must be a number of microseconds from 50 to 10000' \
    -- -t lo --coalesce 20000/20
expect_error 'command line: coalesce: "fast": not PPS or PPS/US' \
    -- -t lo --coalesce fast
expect_error 'command line: capture-ring: "512": not a number of MiB from 0 to 256' \
    -- -t lo --capture-ring 512
expect_error 'command line: rate-source: "0/10": a burst needs a rate: 0 alone means unlimited' \
    -- -t lo --rate-source 0/10
expect_error 'command line: rate-global: "fast": not PPS or PPS/BURST' \
    -- -t lo --rate-global fast
expect_error 'command line: mesh-key-file: "mesh.key": not an absolute path' \
    -- -t lo --mesh-key-file mesh.key

# The key file recipe of snowrelayd(8).
key=$SR_TMP/snowrelayd.key
printf '1 %s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$key"
chmod 600 "$key"
expect_error "command line: other-relays: \"198.18.2.2:7124/ss\": mesh-auth is required (the default with mesh-key-file), which refuses the \"SS\" format: use mesh-auth accept-both" \
    -- -t lo --mesh-key-file "$key" --other-relays 198.18.2.2/ss
chmod 644 "$key"
expect_error "command line: mesh-key-file: $key: readable or writable by group or others" \
    -- -t lo --mesh-key-file "$key"
chmod 600 "$key"
expect_error "command line: mesh-key-file: $SR_TMP/none.key: No such file or directory" \
    -- -t lo --mesh-key-file "$SR_TMP/none.key"
printf '1 abc\n' >"$SR_TMP/bad.key"
chmod 600 "$SR_TMP/bad.key"
expect_error "command line: mesh-key-file: $SR_TMP/bad.key:1: " \
    -- -t lo --mesh-key-file "$SR_TMP/bad.key"

run -- -t lo --mesh-key-file "$key" --mesh-auth accept-both --other-relays \
    198.18.2.2/ss 198.18.3.2:7200/native 198.18.4.2 --hello-interval 5 \
    --rate-peer 0 --rate-source 100 --rate-global=5000/6000 \
    --mesh-freshness 10 --dedup-window 250
expect_line "mesh-key-file = $key  # command line"
expect_line "mesh-auth = accept-both  # command line"
expect_line "other-relays = 198.18.2.2:7124/ss 198.18.3.2:7200/native 198.18.4.2:7124  # command line"
expect_line "hello-interval = 5  # command line"
expect_line "mesh-freshness = 10  # command line"
expect_line "dedup-window = 250  # command line"
expect_line "rate-source = 100/200  # command line"
expect_line "rate-peer = 0  # command line"
expect_line "rate-global = 5000/6000  # command line"
[ -z "$ERR" ] || fail "stderr not empty: $ERR"

# A key file in the configuration file: required by default, overridable.
conf=$SR_TMP/auth.conf
printf 'target-interface = lo\nmesh-key-file = %s\nother-relays = 198.18.2.2\n' \
    "$key" >"$conf"
run -- -f "$conf"
expect_line "mesh-key-file = $key  # file $conf:2"
expect_line "mesh-auth = required  # default"
expect_line "other-relays = 198.18.2.2:7124  # file $conf:3"
run -- -f "$conf" --mesh-auth off
expect_line "mesh-auth = off  # command line"
case $ERR in
*"mesh-auth is off: mesh-key-file $key is not used"*)	;;
*)	fail "no warning that the key file is unused: '$ERR'" ;;
esac
checks=$(( checks + 1 ))
# A migration: accept-both with a SnowSignal peer; required refuses it.
printf 'target-interface = lo\nmesh-key-file = %s\nother-relays = 198.18.2.2/ss\nmesh-auth = accept-both\n' \
    "$key" >"$conf"
run -- -f "$conf"
expect_line "other-relays = 198.18.2.2:7124/ss  # file $conf:3"
expect_line "mesh-auth = accept-both  # file $conf:4"
expect_error "$conf:3: other-relays: \"198.18.2.2:7124/ss\": mesh-auth is required, which refuses the \"SS\" format" \
    -- -f "$conf" --mesh-auth required

# SERVICENAME is SnowSignal's Swarm discovery: tasks.SERVICENAME, shown by
# -n (which looks nothing up); the command line wins over it.
run SERVICENAME=relays -- -t lo
expect_line "discover = tasks.relays  # environment SERVICENAME"
expect_line "discover-interval = 10  # default"
run SERVICENAME=relays -- -t lo --discover relays.example.test --discover-interval 2
expect_line "discover = relays.example.test  # command line"
expect_line "discover-interval = 2  # command line"
expect_error "environment SERVICENAME: discover: \"a b\": tasks.SERVICENAME is not a DNS name (labels of letters, digits, '-' and '_', at most 253 bytes)" \
    SERVICENAME="a b" -- -t lo

# -h and -V exit 0.
OUT=$(env -i PATH="$PATH" timeout 10 "$SNOWRELAYD" -h) || fail "-h exited $?"
case $OUT in
"usage: snowrelayd [-dhnV] "*)	;;
*)	fail "-h printed: $OUT" ;;
esac
OUT=$(env -i PATH="$PATH" timeout 10 "$SNOWRELAYD" -V) || fail "-V exited $?"
case $OUT in
"snowrelayd "[0-9]*)	;;
*)	fail "-V printed: $OUT" ;;
esac
checks=$(( checks + 2 ))
ok "-h and -V"

say "$checks checks passed"
exit 0
