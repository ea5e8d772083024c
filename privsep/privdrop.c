/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Dropping privileges, for the worker (chroot, no capabilities at all) and
 * for the helper (same user, CAP_NET_RAW only). Every failure is fatal.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

#define PRIVDROP_NOFILE		32	/* channel, slots, mesh, epoll */
#define PRIVDROP_NET_RAW	((uint64_t)1 << CAP_NET_RAW)

/* The three capability sets of this thread, read straight from the kernel. */
struct privdrop_caps {
	uint64_t	 eff;
	uint64_t	 prm;
	uint64_t	 inh;
};

/* capng_change_id(3)'s failure codes, for a message an operator can use. */
static const char *
privdrop_capng_why(int rc)
{
	static const char	*why[] = { "", "libcap-ng not initialised",
				    "PR_SET_KEEPCAPS", "applying the"
				    " intermediate capabilities (CAP_SETUID,"
				    " CAP_SETGID or CAP_SETPCAP missing?)",
				    "setresgid",
				    "setgroups", "setresuid",
				    "clearing PR_SET_KEEPCAPS",
				    "clearing the bounding set (CAP_SETPCAP"
				    " missing? inside a container?)",
				    "dropping CAP_SETPCAP or ambient"
				    " capabilities", "initgroups" };

	return rc < 0 && -rc < (int)(sizeof(why) / sizeof(why[0])) ?
	    why[-rc] : "unknown error";
}

/* See privdrop.h. */
int
privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno != 0 && errno != ENOENT && errno != ESRCH)
			snprintf(err, errlen, "user: %s: cannot look it up: %s",
			    user, strerror(errno));
		else
			snprintf(err, errlen, "user: %s: no such user; create"
			    " it with \"useradd --system --no-create-home"
			    " --shell /usr/sbin/nologin %s\" or pass --user"
			    " nobody", user, user);
		return -1;
	}
	/* The whole point is to leave root behind. */
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		snprintf(err, errlen, "user: %s: has uid or gid 0; the worker"
		    " must not run as root", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/* See privdrop.h. */
int
privdrop_prepare_chroot(const char *dir, char *err, size_t errlen)
{
	struct stat	 st;

	if (dir[0] != '/') {
		snprintf(err, errlen, "chroot: %s: not an absolute path", dir);
		return -1;
	}
	if (strspn(dir, "/") == strlen(dir)) {
		snprintf(err, errlen, "chroot: %s: is the root directory", dir);
		return -1;
	}
	/* One level only: a missing parent is a configuration mistake. */
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "chroot: %s: mkdir: %s", dir,
		    strerror(errno));
		return -1;
	}
	/* lstat: a symlink could be repointed between this check and chroot. */
	if (lstat(dir, &st) == -1) {
		snprintf(err, errlen, "chroot: %s: %s", dir, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "chroot: %s: a symbolic link, not a"
		    " directory", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "chroot: %s: not a directory", dir);
		return -1;
	}
	if (st.st_uid != 0) {
		snprintf(err, errlen, "chroot: %s: owned by uid %u, must be"
		    " owned by root", dir, (unsigned int)st.st_uid);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "chroot: %s: writable by group or others"
		    " (mode %04o), must not be", dir,
		    (unsigned int)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* capget(2) directly: libcap-ng's view could be stale, /proc may be absent. */
static void
privdrop_getcaps(struct privdrop_caps *caps)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[_LINUX_CAPABILITY_U32S_3];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	if (syscall(SYS_capget, &hdr, data) == -1)
		fatal("capget");
	caps->eff = (uint64_t)data[1].effective << 32 | data[0].effective;
	caps->prm = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	caps->inh = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
}

/* Fatal unless the effective, permitted and inheritable sets are empty. */
static void
privdrop_check_nocaps(const char *who)
{
	struct privdrop_caps	 caps;

	privdrop_getcaps(&caps);
	if (caps.eff != 0 || caps.prm != 0 || caps.inh != 0)
		fatalx("privdrop: %scapabilities left: eff %#llx prm %#llx"
		    " inh %#llx", who, (unsigned long long)caps.eff,
		    (unsigned long long)caps.prm, (unsigned long long)caps.inh);
}

/* Fatal unless the bounding and ambient sets are empty. */
static void
privdrop_check_bounding(void)
{
	int	 cap, r;

	/* PR_CAPBSET_READ fails with EINVAL past the kernel's last cap. */
	for (cap = 0; cap < 64; cap++) {
		if ((r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) == -1)
			break;
		if (r != 0)
			fatalx("privdrop: capability %d still in the bounding"
			    " set", cap);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) > 0)
			fatalx("privdrop: capability %d still ambient", cap);
	}
	if (cap == 0)
		fatal("privdrop: PR_CAPBSET_READ");
}

/* Fatal unless every uid/gid is the target, no groups, and root stays out. */
static void
privdrop_check_ids(uid_t uid, gid_t gid)
{
	uid_t	 ruid, euid, suid;
	gid_t	 rgid, egid, sgid;

	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1)
		fatal("privdrop: getresuid");
	if (ruid != uid || euid != uid || suid != uid)
		fatalx("privdrop: uids %u/%u/%u, expected %u", ruid, euid,
		    suid, uid);
	if (rgid != gid || egid != gid || sgid != gid)
		fatalx("privdrop: gids %u/%u/%u, expected %u", rgid, egid,
		    sgid, gid);
	if (getgroups(0, NULL) != 0)
		fatalx("privdrop: supplementary groups remain");
	/* OpenSSH-style: try to get back; success would be a disaster. */
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("privdrop: could regain uid 0");
	if (setgid(0) != -1)
		fatalx("privdrop: could regain gid 0");
}

/* no_new_privs: execve can never grant anything again. No core, no ptrace. */
static void
privdrop_lock(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("privdrop: PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("privdrop: PR_SET_DUMPABLE");
}

static void
privdrop_rlimit(int resource, const char *name, rlim_t val)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = val;
	if (setrlimit(resource, &rl) == -1)
		fatal("privdrop: setrlimit %s %llu", name,
		    (unsigned long long)val);
}

/* See privdrop.h. The order is aesthetics.md 2.4; each step needs the last. */
void
privdrop_worker(const char *user, const char *dir)
{
	char			 err[512];
	uid_t			 uid;
	gid_t			 gid;
	pid_t			 ppid = getppid();
	int			 rc;

	/* /etc/passwd and the zone files are gone after chroot. */
	if (privdrop_lookup(user, &uid, &gid, err, sizeof(err)) == -1)
		fatalx("%s", err);
	tzset();
	/* Needs CAP_SYS_CHROOT, so before the uid change. */
	if (chroot(dir) == -1)
		fatal("privdrop: chroot %s", dir);
	if (chdir("/") == -1)
		fatal("privdrop: chdir /");
	/* setresgid, setgroups(0), setresuid, empty bounding set, no caps. */
	capng_clear(CAPNG_SELECT_ALL);
	if ((rc = capng_change_id((int)uid, (int)gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING)) != 0)
		fatalx("privdrop: changing to uid %u gid %u: %s (%d)", uid,
		    gid, privdrop_capng_why(rc), rc);

	privdrop_check_ids(uid, gid);
	privdrop_check_nocaps("");
	privdrop_check_bounding();

	privdrop_lock();
	/* No fork (seccomp kills it anyway), no files, no core dumps. */
	privdrop_rlimit(RLIMIT_NPROC, "NPROC", 0);
	privdrop_rlimit(RLIMIT_FSIZE, "FSIZE", 0);
	privdrop_rlimit(RLIMIT_CORE, "CORE", 0);
	privdrop_rlimit(RLIMIT_NOFILE, "NOFILE", PRIVDROP_NOFILE);

	/*
	 * Die with the helper. The credential change above cleared any
	 * earlier setting, hence here. Compare with the parent we started
	 * with rather than with 1: the helper may itself be pid 1 in a
	 * container. A change means the helper is already gone.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		fatal("privdrop: PR_SET_PDEATHSIG");
	if (getppid() != ppid)
		fatalx("privdrop: the helper (pid %ld) is gone", (long)ppid);
}

/* See privdrop.h. */
void
privdrop_helper(const char *user)
{
	struct privdrop_caps	 caps;
	char			 err[512];
	uid_t			 uid;
	gid_t			 gid;
	int			 rc;

	if (privdrop_lookup(user, &uid, &gid, err, sizeof(err)) == -1)
		fatalx("%s", err);
	capng_clear(CAPNG_SELECT_ALL);
	/* CAP_NET_RAW: reopening a slot's AF_PACKET socket later. */
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
	    CAP_NET_RAW) != 0)
		fatalx("privdrop: capng_update CAP_NET_RAW failed");
	if ((rc = capng_change_id((int)uid, (int)gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING)) != 0)
		fatalx("privdrop: changing to uid %u gid %u: %s (%d)", uid,
		    gid, privdrop_capng_why(rc), rc);
	privdrop_lock();

	privdrop_check_ids(uid, gid);
	privdrop_getcaps(&caps);
	if (caps.eff != PRIVDROP_NET_RAW || caps.prm != PRIVDROP_NET_RAW ||
	    caps.inh != 0)
		fatalx("privdrop: helper capabilities eff %#llx prm %#llx"
		    " inh %#llx, expected CAP_NET_RAW only",
		    (unsigned long long)caps.eff, (unsigned long long)caps.prm,
		    (unsigned long long)caps.inh);
	privdrop_check_bounding();
}

/* See privdrop.h. */
void
privdrop_resolver(void)
{
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		fatalx("privdrop: resolver: cannot clear its capabilities");
	privdrop_check_nocaps("resolver: ");
	privdrop_lock();
	privdrop_rlimit(RLIMIT_FSIZE, "FSIZE", 0);
	privdrop_rlimit(RLIMIT_CORE, "CORE", 0);
}
