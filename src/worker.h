/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * The unprivileged worker: drops itself, then relays with libevent.
 */
#ifndef WORKER_H
#define WORKER_H

/*
 * Run the worker role (started as "snowrelayd -W USER CHROOT FG" by the
 * helper, channel on CHANNEL_FD). Drops privileges before reading anything.
 * Exits 0 after MSG_SHUTDOWN, 1 on channel EOF or any failure.
 */
void	 worker_main(const char *user, const char *chroot_dir, int foreground)
	    __attribute__((noreturn));

#endif /* WORKER_H */
