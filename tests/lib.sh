# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Shared code for the integration tests (tests/*.sh, sourced, bash): skip
# and fail codes, network-namespace topology (TESTBED.md), relays, traffic
# tools, counters, and a cleanup trap that leaves nothing behind.
#
# A test sets SR_TAG (2 letters) and calls sr_init first. Names: every
# namespace is "sr<tag><pid>-<name>"; links live only inside those
# namespaces, so no name can clash with another test running in parallel.

[ -n "$BASH_VERSION" ] || { echo "lib.sh: needs bash" >&2; exit 99; }

top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
top_builddir=${top_builddir:-$PWD}
SNOWRELAYD=$top_builddir/snowrelayd
TOOLS=$top_builddir/tests/tools

SR_NAME=$(basename "$0" .sh)
SR_TAG=${SR_TAG:-xx}
SR_PFX="sr${SR_TAG}$$"
SR_TIMEOUT=${SR_TIMEOUT:-90}	# watchdog for the whole test, seconds
SR_NAMESPACES=()
SR_ETCDIRS=()			# /etc/netns/NS directories (ns_etc)
SR_ETCROOT_MADE=""		# 1 if ns_etc made /etc/netns itself
SR_TMP=
SR_WATCHDOG=
declare -A SR_IP SR_SEG SR_SEGNET SR_RELAY_PID SR_RELAY_LOG SR_RELAY_CHROOT
declare -A SR_BG_PID SR_BG_OUT

# ---- messages and exit codes ---------------------------------------------

say()
{
	printf '%s: %s\n' "$SR_NAME" "$*"
}

# Fail the test (exit 1); cleanup runs from the EXIT trap. With
# SR_KEEP_GOING=1 (for debugging) the test goes on and fails at the end.
SR_FAILS=0
fail()
{
	say "FAIL: $*"
	if [ -n "$SR_KEEP_GOING" ]; then
		SR_FAILS=$(( SR_FAILS + 1 ))
		return 1
	fi
	exit 1
}

# Skip the test (exit 77); the demo is not a test, so there it fails.
skip()
{
	if [ -n "$SR_DEMO" ]; then
		say "cannot run: $*"
		exit 1
	fi
	say "SKIP: $*"
	exit 77
}

ok()
{
	say "ok: $*"
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq()
{
	[ "$1" = "$2" ] || { fail "$3: got '$1', expected '$2'"; return 1; }
	ok "$3 = $2"
}

# assert_ge ACTUAL MIN WHAT
assert_ge()
{
	case $1 in
	''|*[!0-9]*)	fail "$3: got '$1', expected a number >= $2"; return 1 ;;
	esac
	[ "$1" -ge "$2" ] || { fail "$3: got $1, expected >= $2"; return 1; }
	ok "$3 = $1 (>= $2)"
}

# ms: monotonic-enough wall clock in milliseconds.
now_ms()
{
	echo $(( $(date +%s%N) / 1000000 ))
}

# wait_until SECONDS CMD...: run CMD every 50 ms until it succeeds; 1 on timeout.
wait_until()
{
	local n=$(( $1 * 20 ))

	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
		n=$(( n - 1 ))
	done
	return 1
}

# pid_gone PID: the process no longer exists (or is a zombie).
pid_gone()
{
	local st

	[ -r "/proc/$1/stat" ] || return 0
	st=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ] || [ -z "$st" ]
}

# ---- setup and cleanup ------------------------------------------------------

# sr_init [noroot]: check prerequisites, make the temp dir, install traps.
sr_init()
{
	SR_TMP=$(mktemp -d "${TMPDIR:-/tmp}/snowrelay-$SR_NAME.XXXXXX") ||
	    fail "mktemp"
	trap sr_cleanup EXIT
	trap 'say "interrupted"; exit 1' INT TERM HUP
	[ "$1" = noroot ] && return 0

	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	command -v ip >/dev/null 2>&1 || skip "no ip(8) (iproute2)"
	SR_NAMESPACES+=("${SR_PFX}-probe")
	ip netns add "${SR_PFX}-probe" >/dev/null 2>&1 ||
	    skip "ip netns does not work here"
	ip netns del "${SR_PFX}-probe" >/dev/null 2>&1
	for f in "$SNOWRELAYD" "$TOOLS/bcsend" "$TOOLS/udprecv" \
	    "$TOOLS/udpreply" "$TOOLS/meshsend"; do
		[ -x "$f" ] || fail "$f not built (run make check)"
	done
	getent passwd nobody >/dev/null || skip "no user nobody"
	# Watchdog: a hung test still ends, and still cleans up.
	( sleep "$SR_TIMEOUT"; echo "$SR_NAME: watchdog: ${SR_TIMEOUT}s"; \
	    kill -TERM $$ ) &
	SR_WATCHDOG=$!
}

# Print the relay logs after a failure, so make check's .log has them.
sr_dump_logs()
{
	local n

	for n in "${!SR_RELAY_LOG[@]}"; do
		[ -s "${SR_RELAY_LOG[$n]}" ] || continue
		pid_gone "${SR_RELAY_PID[$n]}" || relay_dump "$n"
		echo "---- relay $n log (${SR_RELAY_LOG[$n]}) ----"
		tail -n 60 "${SR_RELAY_LOG[$n]}"
	done
	for n in "${!SR_BG_OUT[@]}"; do
		[ -s "${SR_BG_OUT[$n]}" ] || continue
		echo "---- $n output ----"
		tail -n 20 "${SR_BG_OUT[$n]}"
	done
}

# EXIT trap: kill what we started, delete the namespaces, remove files.
sr_cleanup()
{
	local rc=$? p i ns pids

	trap - EXIT INT TERM HUP
	[ "$rc" -eq 0 ] && [ "$SR_FAILS" -gt 0 ] && rc=1
	if [ -n "$SR_WATCHDOG" ]; then
		pids=$(ps -o pid= --ppid "$SR_WATCHDOG" 2>/dev/null)
		kill "$SR_WATCHDOG" $pids 2>/dev/null
	fi
	[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && sr_dump_logs
	# Our own background jobs first (relays, receivers), politely.
	for p in $(jobs -p); do
		kill -TERM "$p" 2>/dev/null
	done
	# Then anything still alive inside our namespaces (e.g. workers).
	for (( i = ${#SR_NAMESPACES[@]} - 1; i >= 0; i-- )); do
		ns=${SR_NAMESPACES[$i]}
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	done
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for (( i = ${#SR_NAMESPACES[@]} - 1; i >= 0; i-- )); do
		ip netns del "${SR_NAMESPACES[$i]}" 2>/dev/null
	done
	# SR_KEEP_LOGS=DIR (debugging, sanitizer runs): keep the relay logs.
	if [ -n "$SR_KEEP_LOGS" ] && [ -n "$SR_TMP" ]; then
		mkdir -p "$SR_KEEP_LOGS" &&
		    for p in "$SR_TMP"/relay-*.log; do
			[ -f "$p" ] && cp "$p" "$SR_KEEP_LOGS/$SR_NAME-$$-${p##*/}"
		    done
	fi
	[ -n "$SR_TMP" ] && rm -rf "$SR_TMP"
	[ -n "$SR_KEYDIR" ] && rm -rf "$SR_KEYDIR"
	for p in "${SR_ETCDIRS[@]}"; do
		rm -rf "$p"
	done
	[ -n "$SR_ETCROOT_MADE" ] && rmdir /etc/netns 2>/dev/null
	exit "$rc"
}

# ---- topology ---------------------------------------------------------------

# ns NAME: the namespace name for a short name.
ns()
{
	echo "${SR_PFX}-$1"
}

# ns_etc NAME FILE TEXT: what "ip netns exec" shows programs in namespace
# NAME as /etc/FILE (it bind-mounts /etc/netns/NS/FILE there); the
# directory goes when the test ends.
ns_etc()
{
	local dir=/etc/netns/$(ns "$1")

	[ -d /etc/netns ] || SR_ETCROOT_MADE=1
	[ -d "$dir" ] || SR_ETCDIRS+=("$dir")
	mkdir -p "$dir" || fail "mkdir $dir"
	printf '%s\n' "$3" >"$dir/$2" || fail "write $dir/$2"
}

# nsx NAME CMD...: run CMD inside namespace NAME.
nsx()
{
	local n=$1

	shift
	ip netns exec "${SR_PFX}-$n" "$@"
}

# ns_add NAME: a namespace with lo up and IPv6 off.
ns_add()
{
	local n="${SR_PFX}-$1"

	ip netns add "$n" || fail "ip netns add $n"
	SR_NAMESPACES+=("$n")
	ip -n "$n" link set lo up
	nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
	nsx "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
	return 0
}

# topo_router: the router namespace "r" that will hold one bridge per segment.
topo_router()
{
	ns_add r
	nsx r sysctl -qw net.ipv4.ip_forward=1 || fail "ip_forward in router"
}

# topo_segment SEG NET: bridge br<SEG> in the router, 198.18.NET.1/24.
topo_segment()
{
	local seg=$1 net=$2 r

	r=$(ns r)
	ip -n "$r" link add "br$seg" type bridge forward_delay 0 stp_state 0 ||
	    fail "bridge br$seg"
	ip -n "$r" addr add "198.18.$net.1/24" brd + dev "br$seg"
	ip -n "$r" link set "br$seg" up
	SR_SEGNET[$seg]=$net
}

# topo_host NAME SEG HOST: namespace NAME, eth0 on segment SEG as
# 198.18.<net>.HOST/24, default route via the router. SR_TXOFF=1 turns
# off tx checksum offload on eth0.
topo_host()
{
	local name=$1 seg=$2 host=$3 net r v

	net=${SR_SEGNET[$seg]}
	[ -n "$net" ] || fail "topo_host $name: no segment $seg"
	r=$(ns r)
	v="v$seg$host"
	ns_add "$name"
	ip -n "$r" link add "$v" type veth peer name eth0 netns "$(ns "$name")" ||
	    fail "veth for $name"
	ip -n "$r" link set "$v" master "br$seg" up
	ip -n "$(ns "$name")" addr add "198.18.$net.$host/24" brd + dev eth0
	ip -n "$(ns "$name")" link set eth0 up
	ip -n "$(ns "$name")" route add default via "198.18.$net.1"
	if [ -n "$SR_TXOFF" ]; then
		nsx "$name" ethtool -K eth0 tx off >/dev/null 2>&1 ||
		    say "note: ethtool -K eth0 tx off failed in $name"
	fi
	SR_IP[$name]="198.18.$net.$host"
	SR_SEG[$name]=$seg
}

# ip_of NAME: the address of a host.
ip_of()
{
	echo "${SR_IP[$1]}"
}

# All router ports forwarding and every eth0 up (bounded wait).
topo_wait()
{
	local r

	r=$(ns r)
	wait_until 5 sh -c "! bridge -n '$r' link show | grep -v 'state forwarding' | grep -q ." ||
	    fail "bridge ports not forwarding: $(bridge -n "$r" link show)"
	for n in "${!SR_IP[@]}"; do
		wait_until 5 sh -c "ip -n '$(ns "$n")' link show eth0 | grep -q LOWER_UP" ||
		    fail "eth0 of $n has no carrier"
	done
}

# topo_ab: the standard bed: segments A and B, relay ra (A .2), client ca
# (A .10), observer a2 (A .11), relay rb (B .2), server sb (B .10),
# observer b2 (B .11).
topo_ab()
{
	topo_router
	topo_segment A 1
	topo_segment B 2
	topo_host ra A 2
	topo_host ca A 10
	topo_host a2 A 11
	topo_host rb B 2
	topo_host sb B 10
	topo_host b2 B 11
	topo_wait
}

# ---- relays -----------------------------------------------------------------

# relay_start NAME [ARGS...]: run snowrelayd in namespace NAME in the
# foreground (-d) as nobody in a fresh chroot on eth0, log to a file, and
# wait until it is relaying. Returns non-zero (and logs) if it did not start.
relay_start()
{
	local name=$1 log chroot

	shift
	log="$SR_TMP/relay-$name.log"
	chroot=$(mktemp -d "$SR_TMP/chroot-$name.XXXXXX") || fail "mktemp chroot"
	: >>"$log"
	echo "== start: snowrelayd -d -u nobody --chroot $chroot -t eth0 $*" >>"$log"
	# A simple command, not a function: $! is then the helper itself
	# (ip netns exec execs it).
	ip netns exec "$(ns "$name")" "$SNOWRELAYD" -d -u nobody \
	    --chroot "$chroot" -t eth0 "$@" >>"$log" 2>&1 </dev/null &
	SR_RELAY_PID[$name]=$!
	SR_RELAY_LOG[$name]=$log
	SR_RELAY_CHROOT[$name]=$chroot
	relay_wait_ready "$name"
}

# relay_pid NAME: the helper's PID. relay_worker NAME: the worker's PID.
relay_pid()
{
	echo "${SR_RELAY_PID[$1]}"
}

# The helper's child started with -W: with --discover it has a resolver too.
relay_worker()
{
	local p

	for p in $(ps -o pid= --ppid "${SR_RELAY_PID[$1]}" 2>/dev/null); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- ' -W ' &&
		    { echo "$p"; return 0; }
	done
}

relay_log()
{
	echo "${SR_RELAY_LOG[$1]}"
}

# The helper catches SIGUSR1 (bit 10 of SigCgt) and has a worker child.
relay_signals_ready()
{
	local pid=${SR_RELAY_PID[$1]} cgt

	cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
	[ -n "$cgt" ] || return 1
	(( (16#$cgt >> 9) & 1 )) || return 1
	[ -n "$(relay_worker "$1")" ]
}

# relay_wait_ready NAME: wait (10 s) until the relay answers SIGUSR1 with
# its counters, which needs the worker to be in its event loop.
relay_wait_ready()
{
	local name=$1 pid=${SR_RELAY_PID[$1]}

	if ! wait_until 10 relay_signals_ready "$name"; then
		pid_gone "$pid" && { say "relay $name exited during startup"; return 1; }
		say "relay $name: not ready (no SIGUSR1 handler or no worker) after 10 s"
		return 1
	fi
	# The helper says when the worker is running; SIGUSR1 before that is
	# ignored, so give it the time, then prove it with a counter dump.
	wait_until 10 grep -q 'ready' "${SR_RELAY_LOG[$name]}"
	relay_dump "$name" && return 0
	pid_gone "$pid" && { say "relay $name exited during startup"; return 1; }
	relay_dump "$name" && return 0
	say "relay $name: no counters after SIGUSR1"
	return 1
}

# Lines in a log containing a fixed string.
count_lines()
{
	grep -cF -- "$2" "$1" 2>/dev/null
}

# relay_dump NAME: SIGUSR1, then wait until a complete new set of counter
# lines is in the log (counters, drops capture, drops mesh, iface).
relay_dump()
{
	local name=$1 log=${SR_RELAY_LOG[$1]} pid=${SR_RELAY_PID[$1]} c m i

	c=$(count_lines "$log" "counters: captured=")
	m=$(count_lines "$log" "drops mesh:")
	i=$(count_lines "$log" "iface ")
	kill -USR1 "$pid" 2>/dev/null || return 1
	wait_until 5 sh -c "[ \$(grep -cF 'counters: captured=' '$log') -gt $c ] &&
	    [ \$(grep -cF 'drops mesh:' '$log') -gt $m ] &&
	    [ \$(grep -cF 'iface ' '$log') -gt $i ]" || return 1
	# Peer lines follow the iface lines from the same dump.
	sleep 0.2
}

# counter LOG TAG KEY: KEY's value on the last line containing TAG, or "NA".
# e.g. counter "$log" "drops mesh:" not_peer; counter "$log" "peer 198.18.2.2:7124:" tx
counter()
{
	local v

	# The last line with TAG that has KEY: a long counter line is split
	# into several lines with the same prefix.
	v=$(grep -F -- "$2" "$1" 2>/dev/null | grep -E -- "[[:space:]:]$3=" |
	    tail -n 1 | tr ' \t' '\n\n' | sed -n "s/^$3=//p" | head -n 1)
	echo "${v:-NA}"
}

# rcounter NAME TAG KEY: counter from relay NAME's log.
rcounter()
{
	counter "${SR_RELAY_LOG[$1]}" "$2" "$3"
}

# relay_stop NAME [SIG]: signal the helper (default TERM), wait <= 3 s
# (then SIGKILL). Sets RELAY_STATUS to its exit status (128+N if killed)
# and RELAY_STOP_MS to how long it took to disappear.
relay_stop()
{
	local name=$1 sig=${2:-TERM} pid=${SR_RELAY_PID[$1]} t0

	t0=$(now_ms)
	kill "-$sig" "$pid" 2>/dev/null
	if ! wait_until 3 pid_gone "$pid"; then
		say "relay $name did not exit after SIG$sig; killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
	RELAY_STOP_MS=$(( $(now_ms) - t0 ))
	wait "$pid" 2>/dev/null
	RELAY_STATUS=$?
}

# ns_procs NAME: PIDs of processes still inside namespace NAME.
ns_procs()
{
	ip netns pids "$(ns "$1")" 2>/dev/null | tr '\n' ' '
}

# ---- traffic ----------------------------------------------------------------

# bg_start NAME KEY CMD...: run CMD in namespace NAME in the background,
# output to a file known by KEY.
bg_start()
{
	local name=$1 key=$2 out

	shift 2
	out="$SR_TMP/$key.out"
	: >"$out"
	ip netns exec "$(ns "$name")" "$@" >"$out" 2>&1 </dev/null &
	SR_BG_PID[$key]=$!
	SR_BG_OUT[$key]=$out
}

# out KEY: the output file of a background tool.
out()
{
	echo "${SR_BG_OUT[$1]}"
}

# recv_start NAME KEY [udprecv args] PORT: start udprecv and wait until it
# is bound.
recv_start()
{
	local name=$1 key=$2

	shift 2
	bg_start "$name" "$key" "$TOOLS/udprecv" "$@"
	wait_until 5 grep -q '^listening' "${SR_BG_OUT[$key]}" ||
	    fail "udprecv $key in $name did not start: $(cat "${SR_BG_OUT[$key]}")"
}

# recv_lines KEY [PATTERN]: datagram lines received so far (matching PATTERN).
recv_lines()
{
	grep '^from ' "${SR_BG_OUT[$1]}" 2>/dev/null | grep -c -- "${2:-.}"
}

# recv_wait KEY N SECONDS: wait until N datagram lines or SECONDS passed.
recv_wait()
{
	wait_until "$3" sh -c "[ \$(grep -c '^from ' '${SR_BG_OUT[$1]}') -ge $2 ]"
}

# bg_stop KEY: end a background tool (TERM: it prints its summary), wait <= 3 s.
bg_stop()
{
	local pid=${SR_BG_PID[$1]}

	kill -TERM "$pid" 2>/dev/null
	wait_until 3 pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# bg_wait KEY SECONDS: wait for a background tool to end by itself; its status.
bg_wait()
{
	local pid=${SR_BG_PID[$1]}

	wait_until "$2" pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# summary KEY FIELD: a number from udprecv's summary line
# ("received N unique U duplicates D bad B").
summary()
{
	local v

	v=$(grep '^received ' "${SR_BG_OUT[$1]}" 2>/dev/null | tail -n 1 |
	    awk -v f="$2" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }')
	echo "${v:-NA}"
}

# send NAME [bcsend args]: run bcsend in namespace NAME (bounded by timeout).
send()
{
	local name=$1

	shift
	timeout 30 ip netns exec "$(ns "$name")" "$TOOLS/bcsend" "$@"
}

# mesh NAME [meshsend args]: run meshsend in namespace NAME.
mesh()
{
	local name=$1

	shift
	timeout 30 ip netns exec "$(ns "$name")" "$TOOLS/meshsend" "$@"
}

# ---- authenticated mesh (issue 3): keys, log lines, dumps, CPU ---------------

SR_KEYDIR=

# need_tools TOOL...: fail unless these test tools are built.
need_tools()
{
	local t

	for t in "$@"; do
		[ -x "$TOOLS/$t" ] || fail "$TOOLS/$t not built (run make check)"
	done
}

# keys_init: make SR_KEYDIR, a directory for key files owned by nobody
# with mode 700, outside SR_TMP (which only root can enter), so that a
# helper running as nobody can re-read its key file on SIGHUP.
keys_init()
{
	SR_KEYDIR=$(mktemp -d "${TMPDIR:-/tmp}/snowrelay-keys-$SR_NAME.XXXXXX") ||
	    fail "mktemp key dir"
	chown nobody "$SR_KEYDIR" && chmod 700 "$SR_KEYDIR" ||
	    fail "chown/chmod $SR_KEYDIR"
}

# key_hex ID: the test secret of key ID (32 bytes, hex); the same ID
# always gives the same secret, so every relay's files agree.
key_hex()
{
	printf 'snowrelay-test-key-%s' "$1" | sha256sum | cut -c1-64
}

# key_file NAME ID[:ALG]...: write $SR_KEYDIR/NAME with one "ID HEX" line
# per key (umac-128, the default; "ID HEX ALG" for ID:ALG; the first is the
# primary), owned by nobody, mode 600, replacing any old file atomically.
# Prints the path.
key_file()
{
	local f="$SR_KEYDIR/$1" tmp k id

	shift
	[ -n "$SR_KEYDIR" ] || fail "key_file: call keys_init first"
	tmp=$(mktemp "$SR_KEYDIR/.new.XXXXXX") || fail "mktemp key file"
	{
		echo "# snowrelay test keys"
		# ID, or ID:ALG for a key with an algorithm field.
		for k in "$@"; do
			id=${k%%:*}
			case $k in
			*:*)	echo "$id $(key_hex "$id") ${k#*:}" ;;
			*)	echo "$id $(key_hex "$id")" ;;
			esac
		done
	} >"$tmp"
	chmod 600 "$tmp" && chown nobody "$tmp" && mv -f "$tmp" "$f" ||
	    fail "key file $f"
	echo "$f"
}

# drop_phase WHAT RELAY COUNTER N CMD...: dump RELAY's counters, run CMD,
# dump again, and check that exactly the "drops mesh:" counter COUNTER
# moved, by exactly N.
drop_phase()
{
	local what=$1 r=$2 want=$3 n=$4 before changed

	shift 4
	relay_dump "$r" || fail "$what: relay $r did not dump its counters"
	before="$SR_TMP/before.$r.$want"
	dump_kv "$r" 'drops mesh:' >"$before"
	"$@" >"$SR_TMP/phase.out" 2>&1 || fail "$what: $(cat "$SR_TMP/phase.out")"
	sleep 0.5
	relay_dump "$r" || fail "$what: relay $r did not dump its counters"
	changed=$(dump_changed "$r" 'drops mesh:' "$before")
	say "$what: relay $r: drops mesh changed: ${changed:-nothing}"
	assert_eq "$changed" "$want=$n " "$what: the only drop counter that moved"
}

# log_count NAME ERE: lines of relay NAME's log matching the extended regex.
log_count()
{
	local n

	n=$(grep -cE -- "$2" "${SR_RELAY_LOG[$1]}" 2>/dev/null)
	echo "${n:-0}"
}

# log_has NAME ERE N: at least N matching lines.
log_has()
{
	[ "$(log_count "$1" "$2")" -ge "$3" ]
}

# log_wait NAME ERE N SECONDS: wait until at least N lines match; 1 on timeout.
log_wait()
{
	wait_until "$4" log_has "$1" "$2" "$3"
}

# re_addr A.B.C.D: the address quoted for a regex.
re_addr()
{
	echo "$1" | sed 's/\./\\./g'
}

# peer_up_re ADDR / peer_down_re ADDR: the liveness log lines of a peer
# ("peer 198.18.2.2:7124 up (relay id ...)", "peer ...:7124 down: ...").
peer_up_re()
{
	echo "peer $(re_addr "$1"):[0-9]+ up"
}

peer_down_re()
{
	echo "peer $(re_addr "$1"):[0-9]+ down"
}

# peers_wait_up NAME SECONDS ADDR...: wait until relay NAME has logged
# each peer ADDR up at least once; 1 (and says which) on timeout.
peers_wait_up()
{
	local name=$1 secs=$2 a

	shift 2
	for a in "$@"; do
		log_wait "$name" "$(peer_up_re "$a")" 1 "$secs" ||
		    { say "relay $name: peer $a not up after ${secs}s"; return 1; }
	done
}

# keyed_pair_up KEYFILE_A KEYFILE_B: start relays ra and rb, each the
# other's peer, with these key files, --mesh-auth required and HELLOs every
# $HI s, and wait until each has seen the other up; fails the test if not.
keyed_pair_up()
{
	relay_start ra --mesh-key-file "$1" --mesh-auth required --hello-interval "$HI" \
	    --other-relays "$B" || fail "relay A did not start"
	relay_start rb --mesh-key-file "$2" --mesh-auth required --hello-interval "$HI" \
	    --other-relays "$A" || fail "relay B did not start"
	peers_wait_up ra 6 "$B" || fail "relay A: peer B not up"
	peers_wait_up rb 6 "$A" || fail "relay B: peer A not up"
}

# dump_lines NAME TAG: the lines with TAG from relay NAME's last counter
# dump (from its last "counters: captured=" line on).
dump_lines()
{
	local log=${SR_RELAY_LOG[$1]} n

	n=$(grep -nF 'counters: captured=' "$log" | tail -n 1 | cut -d: -f1)
	[ -n "$n" ] || return 0
	tail -n "+$n" "$log" | grep -F -- "$2"
}

# dump_sum NAME TAG: the sum of all KEY=N items on those lines.
dump_sum()
{
	dump_lines "$1" "$2" | tr ' \t' '\n\n' | sed -n 's/^[a-z_0-9]*=\([0-9][0-9]*\)$/\1/p' |
	    awk '{ s += $1 } END { print s + 0 }'
}

# dump_kv NAME TAG: every KEY=N item of those lines, one per line.
dump_kv()
{
	dump_lines "$1" "$2" | tr ' \t' '\n\n' | grep -E '^[a-z_0-9]+=[0-9]+$'
}

# dump_changed NAME TAG OLDFILE: the "KEY=delta" items that differ between
# OLDFILE (an earlier dump_kv) and the current dump, space separated.
dump_changed()
{
	dump_kv "$1" "$2" | awk -F= -v old="$3" '
	    BEGIN { while ((getline l < old) > 0) { split(l, a, "="); o[a[1]] = a[2] } }
	    { d = $2 - o[$1]; if (d != 0) printf "%s=%d ", $1, d }'
}

# proc_cpu_ticks PID: utime + stime of a process in clock ticks, or NA.
proc_cpu_ticks()
{
	local s

	s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo NA; return; }
	s=${s##*) }
	set -- $s
	echo $(( ${12} + ${13} ))
}

# relay_kill NAME: SIGKILL the helper and the worker of relay NAME (a crash).
relay_kill()
{
	local pid=${SR_RELAY_PID[$1]} wpid

	wpid=$(relay_worker "$1")
	kill -KILL "$pid" $wpid 2>/dev/null
	wait_until 3 pid_gone "$pid"
	[ -z "$wpid" ] || wait_until 3 pid_gone "$wpid"
	wait "$pid" 2>/dev/null
}

# pcap_start NAME KEY FILE SECONDS FILTER...: tcpdump on eth0 of NAME
# writing FILE (packet-buffered), bounded; waits until it listens.
pcap_start()
{
	local name=$1 key=$2 file=$3 secs=$4

	shift 4
	# -Z root: tcpdump would otherwise drop to its own user before
	# creating the file, and SR_TMP is root-only. --immediate-mode: no
	# packet waits in the ring buffer when the capture is stopped.
	bg_start "$name" "$key" timeout "$secs" tcpdump -Z root --immediate-mode -i eth0 -nn -U \
	    -w "$file" "$@"
	wait_until 5 grep -q 'listening on' "$(out "$key")" ||
	    fail "tcpdump in $name did not start: $(cat "$(out "$key")")"
}
