/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Starting the worker: fork, then exec of the same binary with the hidden
 * role flag, so the worker begins from a clean image with only fd 0-3;
 * and reaping it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "snowrelayd.h"
#include "spawn.h"

/* Worker side of the fork: fd 3 is the channel, nothing else survives. */
static void __attribute__((noreturn))
spawn_child(const char *exe, const struct config *conf, int fd,
    const sigset_t *oldmask)
{
	char	*argv[] = { (char *)SNOWRELAYD_NAME, (char *)"-W",
		    (char *)conf->user, (char *)conf->chroot,
		    (char *)(conf->foreground ? "1" : "0"), NULL };
	char	*envp[] = { NULL };
	int	 null;

	/* dup2 onto itself would keep FD_CLOEXEC. */
	if (fd == CHANNEL_FD ? fcntl(fd, F_SETFD, 0) == -1 :
	    dup2(fd, CHANNEL_FD) == -1)
		goto fail;
	/* -d: the worker's early errors go to the same stderr. */
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1 ||
	    (!conf->foreground && dup2(null, STDERR_FILENO) == -1))
		goto fail;
	if (close_range(CHANNEL_FD + 1, ~0U, 0) == -1 ||
	    sigprocmask(SIG_SETMASK, oldmask, NULL) == -1)
		goto fail;
	signal(SIGPIPE, SIG_DFL);
	execve(exe, argv, envp);
fail:
	log_warn("worker: cannot start %s", exe);
	_exit(127);
}

/* See spawn.h. */
pid_t
spawn_worker(const struct config *conf, const sigset_t *oldmask, int *chan)
{
	static char	 exe[PATH_MAX];
	ssize_t		 n;
	pid_t		 pid;
	int		 sv[2];

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) == -1)
		fatal("readlink /proc/self/exe");
	exe[n] = '\0';
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair");
	/* Our end only: a stuck worker must not wedge the helper. */
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl O_NONBLOCK");
	fflush(NULL);
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0)
		spawn_child(exe, conf, sv[1], oldmask);
	close(sv[1]);
	*chan = sv[0];
	return pid;
}

/* See spawn.h. */
int
spawn_reap(pid_t *pid, int *status, int flags)
{
	pid_t	 r;

	if (*pid == -1)
		return 0;
	while ((r = waitpid(*pid, status, flags)) == -1)
		if (errno != EINTR)
			fatal("waitpid");
	if (r != *pid)
		return 0;
	*pid = -1;
	return 1;
}

/* See spawn.h. */
void
spawn_report(int status, int prio)
{
	const char	*name;
	int		 sig;

	if (WIFEXITED(status)) {
		log_prio(prio, "worker exited with status %d",
		    WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		name = sigabbrev_np(sig);
		log_prio(prio, "worker killed by signal SIG%s%s",
		    name != NULL ? name : "?",
		    sig == SIGSYS ? " (seccomp violation?)" : "");
	}
}
