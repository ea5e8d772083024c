/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Starting the worker (socketpair, fork, and exec of this same binary as
 * "snowrelayd -W USER CHROOT FG" with the channel on fd 3) and reaping it.
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <signal.h>
#include <sys/types.h>

#include "config.h"

/*
 * Fork and exec this binary (/proc/self/exe, not whatever PATH finds) as
 * the worker for conf, with oldmask as its signal mask, a clean
 * environment, fd 3 its end of a SOCK_SEQPACKET socketpair, 0-2 on
 * /dev/null (stderr kept with -d) and no other fd. Returns its pid and the
 * helper's end of the channel (non-blocking, close-on-exec) in *chan.
 * fatal() if the socketpair or fork fails.
 */
pid_t	 spawn_worker(const struct config *conf, const sigset_t *oldmask, int *chan);

/*
 * waitpid(*pid, status, flags) unless *pid is -1 (already reaped); 1 and
 * *pid = -1 if it was reaped, 0 if it is still running.
 */
int	 spawn_reap(pid_t *pid, int *status, int flags);

/* Log how the worker ended (exit status or signal) at prio. */
void	 spawn_report(int status, int prio);

#endif /* SPAWN_H */
