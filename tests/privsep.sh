#!/bin/bash
# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# The shape of a running relay: the worker is unprivileged, capability-
# free, NoNewPrivs, seccomp-filtered and chrooted; the helper keeps only
# CAP_NET_RAW; a forbidden syscall in the worker kills it (SIGSYS) and the
# relay exits non-zero; a missing user is a clear startup error.

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
SR_TAG=pv
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
sr_init

# Sanitizer builds run without the live seccomp filter (configure.ac).
sanitized=
grep -q '^#define WITH_SANITIZERS 1' "$top_builddir/autoconf.h" 2>/dev/null &&
    sanitized=1

# status PID FIELD: a field of /proc/PID/status, tabs squeezed to spaces.
status()
{
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' ' |
	    sed 's/ $//'
}

topo_router
topo_segment A 1
topo_host ra A 2
topo_wait
nobody=$(id -u nobody)

# ---- 1. a missing user is a clear error, exit 1 -------------------------------
chroot=$(mktemp -d "$SR_TMP/chroot-nouser.XXXXXX")
msg=$(timeout 10 ip netns exec "$(ns ra)" "$SNOWRELAYD" -d -u "nosuchuser$$" \
    --chroot "$chroot" -t eth0 --other-relays 198.18.1.3 2>&1 </dev/null)
rc=$?
echo "$msg" | sed 's/^/    | /'
assert_eq "$rc" 1 "exit status with a missing user"
echo "$msg" | grep -q "nosuchuser$$" || fail "the message does not name the user"
echo "$msg" | grep -q 'useradd --system' ||
    fail "the message does not say how to create the user (useradd --system ...)"
ok "missing user: names it and says how to create it"
[ -z "$(ns_procs ra)" ] || fail "processes left after the failed start: $(ns_procs ra)"

# ---- 2. process shape -----------------------------------------------------------
relay_start ra --other-relays 198.18.1.3 || fail "relay did not start"
hpid=$(relay_pid ra)
wpid=$(relay_worker ra)
[ -n "$wpid" ] || fail "no worker process (child of helper $hpid)"
say "helper $hpid, worker $wpid"
[ "$(ps -o pid= --ppid "$hpid" | wc -l)" -eq 1 ] || fail "helper has more than one child"
[ "$(ps -o ppid= -p "$wpid" | tr -d ' ')" = "$hpid" ] || fail "worker is not the helper's child"

for f in Uid Gid; do
	for v in $(status "$wpid" $f); do
		[ "$v" != 0 ] || fail "worker $f: $(status "$wpid" $f) (root)"
	done
	ok "worker $f: $(status "$wpid" $f)"
done
assert_eq "$(status "$wpid" Uid | cut -d' ' -f1)" "$nobody" "worker uid is nobody"
assert_eq "$(status "$wpid" Groups)" "" "worker supplementary groups"
for f in CapInh CapPrm CapEff CapBnd CapAmb; do
	assert_eq "$(status "$wpid" $f)" 0000000000000000 "worker $f"
done
assert_eq "$(status "$wpid" NoNewPrivs)" 1 "worker NoNewPrivs"
if [ -z "$sanitized" ]; then
	assert_eq "$(status "$wpid" Seccomp)" 2 "worker Seccomp (filter mode)"
else
	say "sanitizer build: seccomp is not loaded, not checked"
fi
root=$(readlink "/proc/$wpid/root")
assert_eq "$root" "$(readlink -f "${SR_RELAY_CHROOT[ra]}")" "worker root directory (chroot)"
say "worker fds: $(ls -l "/proc/$wpid/fd" | awk 'NR > 1 { print $9 "->" $11 }' | tr '\n' ' ')"

assert_eq "$(status "$hpid" CapEff)" 0000000000002000 "helper CapEff (CAP_NET_RAW only)"
assert_eq "$(status "$hpid" Uid | cut -d' ' -f1)" "$nobody" "helper uid after privdrop"
say "helper CapPrm $(status "$hpid" CapPrm) CapBnd $(status "$hpid" CapBnd)"

# ---- 3. a forbidden syscall kills the worker, the relay exits non-zero ------------
case $(uname -m) in
x86_64)		nr_socket=41 ;;
aarch64)	nr_socket=198 ;;
*)		nr_socket= ;;
esac
if [ -n "$sanitized" ]; then
	say "sanitizer build: SIGSYS injection skipped"
elif ! command -v gdb >/dev/null 2>&1 || [ -z "$nr_socket" ]; then
	say "no gdb (or unknown syscall number on $(uname -m)): SIGSYS injection skipped"
else
	# socket(AF_INET, SOCK_DGRAM, 0) from inside the worker.
	timeout 30 gdb -nx -batch -p "$wpid" \
	    -ex "call (long)syscall($nr_socket, 2, 2, 0)" >"$SR_TMP/gdb.out" 2>&1
	sed 's/^/    gdb| /' "$SR_TMP/gdb.out" | grep -v '^    gdb| *$' | tail -n 8
	wait_until 5 pid_gone "$wpid" || fail "worker $wpid still alive after socket()"
	wait_until 5 pid_gone "$hpid" || fail "helper $hpid still alive after the worker died"
	wait "$hpid"
	rc=$?
	[ "$rc" -ne 0 ] || fail "relay exit status 0 after the worker was killed"
	ok "relay exit status $rc after the worker's forbidden syscall"
	grep -Eiq 'SIGSYS|signal 31|bad system call' "$(relay_log ra)" ||
	    fail "the helper log does not say the worker died of SIGSYS"
	ok "helper log: $(grep -Ei 'SIGSYS|signal 31|bad system call' "$(relay_log ra)" | head -n 1)"
	wait_until 2 sh -c "[ -z \"\$(ip netns pids '$(ns ra)')\" ]" ||
	    fail "processes left in the namespace: $(ns_procs ra)"
	ok "no process left"
fi
ok "privilege separation checks passed"
