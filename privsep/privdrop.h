/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Dropping privileges: the worker's chroot + uid change + empty capability
 * sets + NoNewPrivs + rlimits, and the helper's change to the same user
 * keeping only CAP_NET_RAW. Every failure is fatal: never fail open.
 */
#ifndef PRIVDROP_H
#define PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Look up user; -1 with a message in err if it does not exist, saying how
 * to create it (useradd --system ...) or to pass --user nobody.
 */
int	 privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen);

/*
 * Make sure dir exists, is a directory owned by root and not writable by
 * group or others; create it (0755) if missing. -1 with a message in err.
 */
int	 privdrop_prepare_chroot(const char *dir, char *err, size_t errlen);

/*
 * Worker, as root right after exec: chroot(dir) + chdir("/"), switch to
 * user with no supplementary groups, clear every capability set and the
 * bounding set, NoNewPrivs, dumpable 0, rlimits (NPROC 0, FSIZE 0, CORE 0,
 * NOFILE small), then verify that root cannot be regained. fatal on error.
 */
void	 privdrop_worker(const char *user, const char *dir);

/* Helper: switch to user keeping only CAP_NET_RAW (effective+permitted), NoNewPrivs. */
void	 privdrop_helper(const char *user);

/*
 * Resolver, forked by the helper after privdrop_helper: give up CAP_NET_RAW
 * too (it keeps the helper's user, NoNewPrivs and empty bounding set), no
 * core dumps, no files written; verified. fatal on error.
 */
void	 privdrop_resolver(void);

#endif /* PRIVDROP_H */
