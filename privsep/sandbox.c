/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The worker's seccomp allowlist, in one place. Anything not listed here
 * kills the worker (SCMP_ACT_KILL_PROCESS), including a foreign arch.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <linux/if_packet.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>

#include "log.h"
#include "sandbox.h"

struct sandbox_rule {
	int		 nr;
	const char	*name;
};

#define SYS(name)	{ SCMP_SYS(name), #name }
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Allowed whatever the arguments. Names that do not exist on this arch
 * (mmap2, clock_gettime64, ...) resolve to pseudo numbers that libseccomp
 * skips, so the table is the same everywhere.
 *
 * Absent on purpose, and so fatal: socket, socketpair, bind, connect,
 * listen, accept, setsockopt, ioctl, fcntl, dup*, open/openat/creat,
 * execve/execveat, fork/vfork/clone/clone3, kill/tgkill, ptrace, prctl,
 * chroot, set*id, setgroups, capset, setrlimit, bpf, io_uring_*,
 * memfd_create, userfaultfd, perf_event_open, write, and read on anything
 * but the load-mode timer (sandbox_build). The helper does what needs
 * doing of these before the worker exists, or nothing does.
 */
static const struct sandbox_rule sandbox_allow[] = {
	/* Event loop: libevent's epoll backend (base built before loading). */
	SYS(epoll_wait),	/* libevent epoll_dispatch (x86_64 glibc) */
	SYS(epoll_pwait),	/* glibc epoll_wait on aarch64 and riscv64 */
#ifdef __NR_epoll_pwait2
	SYS(epoll_pwait2),	/* libevent >= 2.2 with timespec timeouts */
#endif
	SYS(epoll_ctl),		/* libevent event_add/event_del */
	SYS(timerfd_settime),	/* drain.c: arm/disarm the load-mode timer */

	/* Datagram I/O, only on the fds the helper passed. */
	SYS(recvmsg),		/* channel_recv (SCM_RIGHTS); single frames */
	SYS(recvmmsg),		/* batched capture and mesh receive */
	SYS(recvfrom),		/* glibc recv() */
	SYS(sendmsg),		/* channel_send: HELLO, READY, LOG */
	SYS(sendmmsg),		/* batched mesh send, AF_PACKET emit */
	SYS(sendto),		/* glibc send() */

	/* Memory: glibc malloc, libevent. mmap/mprotect: see sandbox_noexec. */
	SYS(brk),		/* malloc: main arena */
	SYS(munmap),		/* free of large chunks */
	SYS(mremap),		/* realloc of large chunks */
	SYS(madvise),		/* malloc trimming (MADV_DONTNEED) */

	/* Time: normally the vDSO, a syscall on VMs without a vDSO clock. */
	SYS(clock_gettime),	/* libevent monotonic clock, rate limits */
	SYS(clock_gettime64),	/* the same on 32-bit arches */
	SYS(gettimeofday),	/* libevent/log fallback */
	SYS(time),		/* log_ratelimit_ok(time(NULL)) fallback */

	/* Signals: the worker ignores all it can; the kernel still returns. */
	SYS(rt_sigreturn),	/* return from any signal */
	SYS(sigreturn),		/* the same on 32-bit arches */
	SYS(rt_sigprocmask),	/* glibc and libevent internals */
	SYS(rt_sigaction),	/* libevent evsig on event_base teardown */
	SYS(restart_syscall),	/* kernel: resume a call after SIGSTOP/CONT */

	/* libc odds. */
	SYS(getrandom),		/* glibc malloc/arc4random, libevent */
	SYS(futex),		/* glibc internal locks (single thread) */
	SYS(getpid),		/* MSG_HELLO pid; glibc raise() */
	SYS(gettid),		/* glibc raise()/abort() */
	SYS(close),		/* worker: fds of a dead slot, shutdown */

	/* Exit. */
	SYS(exit),		/* thread exit */
	SYS(exit_group),	/* _exit/exit */
};

/*
 * Answered with EACCES instead of a kill: glibc stdio probes a stream with
 * fstat before its first write (OpenSSH does the same). The worker avoids
 * stdio; this keeps a stray probe from looking like an attack.
 */
static const struct sandbox_rule sandbox_eacces[] = {
	SYS(fstat),
	SYS(fstat64),
	SYS(newfstatat),
	SYS(fstatat64),
	SYS(statx),
};

/* Mapping memory is fine; making it executable is not (arg 2 is prot). */
static const struct sandbox_rule sandbox_noexec[] = {
	SYS(mmap),		/* malloc of large chunks, libevent */
	SYS(mmap2),		/* the same on 32-bit arches */
	SYS(mprotect),		/* glibc malloc arenas (never PROT_EXEC) */
};

static int
sandbox_add(scmp_filter_ctx ctx, const struct sandbox_rule *r, size_t n,
    uint32_t action, unsigned int argc, const struct scmp_arg_cmp *arg)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < n; i++) {
		if ((rc = seccomp_rule_add_array(ctx, action, r[i].nr, argc,
		    arg)) != 0) {
			log_warnx("sandbox: rule for %s: %s", r[i].name,
			    strerror(-rc));
			return -1;
		}
	}
	return 0;
}

/* See sandbox.h. */
scmp_filter_ctx
sandbox_build(int timer_fd)
{
	scmp_filter_ctx		 ctx;
	struct scmp_arg_cmp	 noexec = SCMP_A2(SCMP_CMP_MASKED_EQ,
				    PROT_EXEC, 0);
	/* Kernel drop counters; nothing else may be read from a socket. */
	struct scmp_arg_cmp	 stats[] = {
		SCMP_A1(SCMP_CMP_EQ, SOL_PACKET),
		SCMP_A2(SCMP_CMP_EQ, PACKET_STATISTICS),
	};
	struct scmp_arg_cmp	 meminfo[] = {
		SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET),
		SCMP_A2(SCMP_CMP_EQ, SO_MEMINFO),
	};
	/* read(2) clears the load-mode timer's expirations; no other fd. */
	struct scmp_arg_cmp	 timer = SCMP_A0(SCMP_CMP_EQ,
				    (scmp_datum_t)timer_fd);
	int			 rc;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL) {
		log_warnx("sandbox: seccomp_init failed");
		return NULL;
	}
	/* A syscall through a foreign ABI (int 0x80, x32) is an attack. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) != 0) {
		log_warnx("sandbox: SCMP_FLTATR_ACT_BADARCH: %s",
		    strerror(-rc));
		goto fail;
	}
	/* Binary search instead of a linear scan on every recvmmsg. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

	if (sandbox_add(ctx, sandbox_allow, NELEM(sandbox_allow),
	    SCMP_ACT_ALLOW, 0, NULL) == -1 ||
	    sandbox_add(ctx, sandbox_eacces, NELEM(sandbox_eacces),
	    SCMP_ACT_ERRNO(EACCES), 0, NULL) == -1 ||
	    sandbox_add(ctx, sandbox_noexec, NELEM(sandbox_noexec),
	    SCMP_ACT_ALLOW, 1, &noexec) == -1)
		goto fail;
	/*
	 * Worker: PACKET_STATISTICS for the kernel drop counter of a slot,
	 * SO_MEMINFO for the mesh socket's.
	 */
	if ((rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(getsockopt), NELEM(stats), stats)) != 0 ||
	    (rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(getsockopt), NELEM(meminfo), meminfo)) != 0) {
		log_warnx("sandbox: rule for getsockopt: %s", strerror(-rc));
		goto fail;
	}
	if (timer_fd >= 0 && (rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(read), 1, &timer)) != 0) {
		log_warnx("sandbox: rule for read: %s", strerror(-rc));
		goto fail;
	}
	return ctx;

fail:
	seccomp_release(ctx);
	return NULL;
}

/* See sandbox.h. */
void
sandbox_enter(int timer_fd)
{
#ifdef WITH_SANITIZERS
	/* ASan/LSan read /proc, map shadow memory, ptrace at exit. */
	log_warnx("sandbox: sanitizer build, seccomp filter NOT loaded;"
	    " never run this build in production");
#else
	scmp_filter_ctx	 ctx;
	int		 rc;

	if ((ctx = sandbox_build(timer_fd)) == NULL)
		fatalx("sandbox: cannot build the seccomp filter");
	if ((rc = seccomp_load(ctx)) != 0) {
		errno = -rc;
		fatal("sandbox: seccomp_load");
	}
	/*
	 * No seccomp_release: the filter is in the kernel now, the context
	 * is a few KiB, and freeing it is one more chance to need a syscall.
	 */
#endif
}
