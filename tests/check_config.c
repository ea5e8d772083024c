/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Unit tests for src/config.c: defaults, each source alone, precedence and
 * origins for every key, every error message, lists, limits, repeated loads.
 */

#include <sys/stat.h>
#include <arpa/inet.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

#define ARGS_MAX	200

static char	 tmpdir[] = "/tmp/check_config.XXXXXX";
static char	 empty_conf[PATH_MAX];	/* an empty file: keeps the default file out */

/* Write content (len bytes) to a new file in tmpdir; its path goes to path. */
static void
write_file(char *path, size_t size, const char *content, size_t len)
{
	int	 fd;

	snprintf(path, size, "%s/conf.XXXXXX", tmpdir);
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static void
write_conf(char *path, size_t size, const char *content)
{
	write_file(path, size, content, strlen(content));
}

/* Unchecked fixture (parent process): a private directory for conf files. */
static void
setup(void)
{
	if (mkdtemp(tmpdir) == NULL)
		abort();
	snprintf(empty_conf, sizeof(empty_conf), "%s/empty.conf", tmpdir);
	fclose(fopen(empty_conf, "w"));
}

/* Remove every file the tests wrote, then the directory. */
static void
teardown(void)
{
	char		 path[PATH_MAX];
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

/*
 * Run config_load with "snowrelayd", then "-f conf" (the empty file if conf
 * is NULL), then args (NULL-terminated), and env (NULL-terminated or NULL).
 */
static int
load(struct config *c, char *err, size_t errlen, const char *conf,
    const char *const *args, const char *const *env)
{
	char	*argv[ARGS_MAX];
	int	 argc = 0;

	argv[argc++] = (char *)"snowrelayd";
	argv[argc++] = (char *)"-f";
	argv[argc++] = (char *)(conf != NULL ? conf : empty_conf);
	while (args != NULL && *args != NULL && argc < ARGS_MAX - 1)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return config_load(c, argc, argv, (char *const *)env, err, errlen);
}

#define A(...)	((const char *const []){ __VA_ARGS__, NULL })
#define NOARGS	((const char *const *)NULL)

/* config_print output as a string (caller frees). */
static char *
printed(const struct config *c)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	config_print(c, fp);
	fclose(fp);
	return buf;
}

/* Assert config_print shows "key = value  # origin". */
static void
assert_printed(const struct config *c, const char *line)
{
	char	*out = printed(c);

	ck_assert_msg(strstr(out, line) != NULL, "missing \"%s\" in:\n%s", line, out);
	free(out);
}

static uint32_t
ip(const char *s)
{
	struct in_addr	 in;

	ck_assert_int_eq(inet_pton(AF_INET, s, &in), 1);
	return in.s_addr;
}

START_TEST(test_defaults)
{
	struct config	 c;
	char		 err[512];
	int		 k;

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, NOARGS, NULL), 0);
	ck_assert_uint_eq(c.nifaces, 1);
	ck_assert_str_eq(c.ifnames[0], "eth0");
	ck_assert_uint_eq(c.nports, 1);
	ck_assert_uint_eq(c.ports[0], 5076);
	ck_assert_uint_eq(c.mesh_port, 7124);
	ck_assert_uint_eq(c.npeers, 0);
	ck_assert_int_eq(c.log_level, LOG_INFO);
	ck_assert_str_eq(c.user, DEFAULT_USER);
	ck_assert_str_eq(c.chroot, DEFAULT_CHROOT);
	ck_assert_str_eq(c.file, empty_conf);
	ck_assert_int_eq(c.foreground | c.check_only | c.help | c.version | c.worker, 0);
	ck_assert_str_eq(c.discover, "");
	ck_assert_uint_eq(c.discover_interval, 10);
	ck_assert_str_eq(c.mesh_key_file, "");
	ck_assert_int_eq(c.mesh_auth, MESH_AUTH_OFF);
	ck_assert_uint_eq(c.hello_interval, 2);
	ck_assert_uint_eq(c.mesh_freshness, 30);
	ck_assert_uint_eq(c.dedup_window, 500);
	ck_assert_uint_eq(c.rate_source.pps, 2000);
	ck_assert_uint_eq(c.rate_source.burst, 4000);
	ck_assert_uint_eq(c.rate_peer.pps, 20000);
	ck_assert_uint_eq(c.rate_peer.burst, 40000);
	ck_assert_uint_eq(c.rate_global.pps, 100000);
	ck_assert_uint_eq(c.rate_global.burst, 200000);
	for (k = 0; k < KEY_MAX; k++)
		ck_assert_int_eq(c.origin[k], ORIGIN_DEFAULT);
	assert_printed(&c, "target-interface = eth0  # default\n");
	assert_printed(&c, "other-relays = (none)  # default\n");
	assert_printed(&c, "mesh-key-file = (none)  # default\n");
	assert_printed(&c, "mesh-auth = off  # default\n");
	assert_printed(&c, "hello-interval = 2  # default\n");
	assert_printed(&c, "mesh-freshness = 30  # default\n");
	assert_printed(&c, "dedup-window = 500  # default\n");
	assert_printed(&c, "rate-source = 2000/4000  # default\n");
	assert_printed(&c, "rate-peer = 20000/40000  # default\n");
	assert_printed(&c, "rate-global = 100000/200000  # default\n");
	assert_printed(&c, "coalesce = 20000/1000  # default\n");
	ck_assert_uint_eq(c.coalesce.pps, 20000);
	ck_assert_uint_eq(c.coalesce.interval_us, 1000);
	assert_printed(&c, "capture-ring = 4  # default\n");
	ck_assert_uint_eq(c.capture_ring, 4);
	assert_printed(&c, "mesh-gso = on  # default\n");
	ck_assert_int_eq(c.mesh_gso, 1);
}
END_TEST

START_TEST(test_default_file_absent)
{
	struct config	 c;
	char		 err[512];
	char		*argv[] = { (char *)"snowrelayd", NULL };

	if (access(DEFAULT_CONF_FILE, F_OK) == 0)
		return;		/* installed here: nothing to test */
	ck_assert_int_eq(config_load(&c, 1, argv, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(c.file, "");
	assert_printed(&c, "# configuration file: none (" DEFAULT_CONF_FILE);
}
END_TEST

START_TEST(test_cli_only)
{
	struct config	 c;
	char		 err[512];
	int		 k;

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "lo,eth1",
	    "-b", "5076,5064", "-m", "7000", "--other-relays", "198.18.2.2",
	    "198.18.3.2:7001/ss", "-l", "debug", "-u", "nobody", "--chroot",
	    "/var/empty", "-d", "-n", "--mesh-key-file", "/etc/sr.key",
	    "--mesh-auth", "accept-both", "--hello-interval", "5",
	    "--mesh-freshness", "60", "--dedup-window", "250", "--rate-source",
	    "100", "--rate-peer", "0", "--rate-global=3000/3500",
	    "--coalesce", "40000/100", "--capture-ring", "0", "--discover",
	    "tasks.snow", "--discover-interval", "30", "--discover-cidr",
	    "198.18.0.0/15", "--mesh-gso",
	    "off"), NULL), 0);
	ck_assert_uint_eq(c.nifaces, 2);
	ck_assert_str_eq(c.ifnames[0], "lo");
	ck_assert_str_eq(c.ifnames[1], "eth1");
	ck_assert_uint_eq(c.nports, 2);
	ck_assert_uint_eq(c.ports[0], 5076);
	ck_assert_uint_eq(c.ports[1], 5064);
	ck_assert_uint_eq(c.mesh_port, 7000);
	ck_assert_uint_eq(c.npeers, 2);
	ck_assert_uint_eq(c.peers[0].addr, ip("198.18.2.2"));
	ck_assert_uint_eq(c.peers[0].port, 7000);
	ck_assert_int_eq(c.peers[0].port_given, 0);
	ck_assert_uint_eq(c.peers[1].addr, ip("198.18.3.2"));
	ck_assert_uint_eq(c.peers[1].port, 7001);
	ck_assert_int_eq(c.peers[1].port_given, 1);
	ck_assert_int_eq(c.peers[0].format, PEER_FORMAT_AUTO);
	ck_assert_int_eq(c.peers[1].format, PEER_FORMAT_SS);
	ck_assert_int_eq(c.log_level, LOG_DEBUG);
	ck_assert_str_eq(c.user, "nobody");
	ck_assert_str_eq(c.chroot, "/var/empty");
	ck_assert_int_eq(c.foreground, 1);
	ck_assert_int_eq(c.check_only, 1);
	ck_assert_str_eq(c.mesh_key_file, "/etc/sr.key");
	ck_assert_int_eq(c.mesh_auth, MESH_AUTH_ACCEPT_BOTH);
	ck_assert_uint_eq(c.hello_interval, 5);
	ck_assert_uint_eq(c.mesh_freshness, 60);
	ck_assert_uint_eq(c.dedup_window, 250);
	ck_assert_uint_eq(c.rate_source.pps, 100);
	ck_assert_uint_eq(c.rate_source.burst, 200);
	ck_assert_uint_eq(c.rate_peer.pps, 0);
	ck_assert_uint_eq(c.rate_peer.burst, 0);
	ck_assert_uint_eq(c.rate_global.pps, 3000);
	ck_assert_uint_eq(c.rate_global.burst, 3500);
	ck_assert_uint_eq(c.coalesce.pps, 40000);
	ck_assert_uint_eq(c.coalesce.interval_us, 100);
	ck_assert_uint_eq(c.capture_ring, 0);
	ck_assert_int_eq(c.mesh_gso, 0);
	ck_assert_str_eq(c.discover, "tasks.snow");
	ck_assert_uint_eq(c.discover_interval, 30);
	for (k = 0; k < KEY_MAX; k++)
		ck_assert_int_eq(c.origin[k], ORIGIN_CLI);
	assert_printed(&c, "coalesce = 40000/100  # command line\n");
	assert_printed(&c, "other-relays = 198.18.2.2:7000 198.18.3.2:7001/ss"
	    "  # command line\n");
	assert_printed(&c, "mesh-auth = accept-both  # command line\n");
	assert_printed(&c, "rate-peer = 0  # command line\n");
	assert_printed(&c, "rate-global = 3000/3500  # command line\n");
	assert_printed(&c, "broadcast-port = 5076,5064  # command line\n");
}
END_TEST

START_TEST(test_long_forms)
{
	struct config	 c;
	char		 err[512];

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--target-interface",
	    "lo", "--broadcast-port=5064", "--mesh-port", "7001",
	    "--log-level=error", "--user=daemon", "--chroot=/var/empty",
	    "--other-relays=198.18.0.9"), NULL), 0);
	ck_assert_str_eq(c.ifnames[0], "lo");
	ck_assert_uint_eq(c.ports[0], 5064);
	ck_assert_uint_eq(c.mesh_port, 7001);
	ck_assert_int_eq(c.log_level, LOG_ERR);
	ck_assert_str_eq(c.user, "daemon");
	ck_assert_str_eq(c.chroot, "/var/empty");
	ck_assert_uint_eq(c.npeers, 1);
	/* Attached short values and clusters. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-dnt", "lo", "-m7002",
	    "-lwarning", "-b5064,5076"), NULL), 0);
	ck_assert_int_eq(c.foreground & c.check_only, 1);
	ck_assert_str_eq(c.ifnames[0], "lo");
	ck_assert_uint_eq(c.mesh_port, 7002);
	ck_assert_int_eq(c.log_level, LOG_WARNING);
	ck_assert_uint_eq(c.nports, 2);
	/* "--" alone at the end is allowed. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-d", "--"), NULL), 0);
}
END_TEST

START_TEST(test_env_only)
{
	struct config	 c;
	char		 err[512];

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, NOARGS,
	    A("PATH=/bin", "TARGET_INTERFACE=lo", "BDCAST_PORT=5064",
	    "MESH_PORT=7200", "LOGLEVEL=warning", "USER=root")), 0);
	ck_assert_str_eq(c.ifnames[0], "lo");
	ck_assert_uint_eq(c.ports[0], 5064);
	ck_assert_uint_eq(c.mesh_port, 7200);
	ck_assert_int_eq(c.log_level, LOG_WARNING);
	ck_assert_int_eq(c.origin[KEY_TARGET_INTERFACE], ORIGIN_ENV);
	ck_assert_int_eq(c.origin[KEY_BROADCAST_PORT], ORIGIN_ENV);
	ck_assert_int_eq(c.origin[KEY_MESH_PORT], ORIGIN_ENV);
	ck_assert_int_eq(c.origin[KEY_LOG_LEVEL], ORIGIN_ENV);
	/* USER is not ours, and there is no environment for these. */
	ck_assert_str_eq(c.user, DEFAULT_USER);
	ck_assert_int_eq(c.origin[KEY_USER], ORIGIN_DEFAULT);
	ck_assert_int_eq(c.origin[KEY_OTHER_RELAYS], ORIGIN_DEFAULT);
	assert_printed(&c, "mesh-port = 7200  # environment MESH_PORT\n");
	assert_printed(&c, "broadcast-port = 5064  # environment BDCAST_PORT\n");
}
END_TEST

START_TEST(test_file_only)
{
	struct config	 c;
	char		 err[512], path[PATH_MAX], line[PATH_MAX + 256];

	write_conf(path, sizeof(path),
	    "# snowrelayd test\n"
	    "\n"
	    "target-interface = lo, eth1\n"
	    "   broadcast-port=5076,5064   # PVA and CA\n"
	    "mesh-port\t=\t7300\r\n"
	    "other-relays = 198.18.2.2 198.18.3.2:7001\n"
	    "other-relays = 198.18.4.2,198.18.5.2:7002\n"
	    "log-level = critical\n"
	    "user = nobody\n"
	    "chroot = /var/empty\n"
	    "mesh-key-file = /etc/snowrelayd.key\n"
	    "mesh-auth = required\n"
	    "hello-interval = 3600\n"
	    "mesh-freshness = 1\n"
	    "dedup-window = 60000\n"
	    "rate-source = 10000000/10000000\n"
	    "rate-peer = 1/1\n"
	    "other-relays = 198.18.6.2/native\n"
	    "rate-global = 0\n"
	    "coalesce = 0\n"
	    "capture-ring = 8\n"
	    "mesh-gso = off\n"
	    "discover = relays.example.test\n"
	    "discover-interval = 1\n"
	    "discover-cidr = 198.18.0.0/15\n"
	    "# last line without a newline\n"
	    "mesh-port = 7301");
	ck_assert_msg(load(&c, err, sizeof(err), path, NOARGS, NULL) == 0, "%s", err);
	ck_assert_str_eq(c.file, path);
	ck_assert_uint_eq(c.nifaces, 2);
	ck_assert_str_eq(c.ifnames[1], "eth1");
	ck_assert_uint_eq(c.nports, 2);
	ck_assert_uint_eq(c.ports[1], 5064);
	ck_assert_uint_eq(c.mesh_port, 7301);
	ck_assert_int_eq(c.origin_line[KEY_MESH_PORT], 27);
	ck_assert_uint_eq(c.capture_ring, 8);
	ck_assert_str_eq(c.discover, "relays.example.test");
	ck_assert_uint_eq(c.discover_interval, 1);
	ck_assert_int_eq(c.mesh_gso, 0);
	ck_assert_uint_eq(c.npeers, 5);
	ck_assert_int_eq(c.peers[4].format, PEER_FORMAT_NATIVE);
	ck_assert_int_eq(c.peers[3].format, PEER_FORMAT_AUTO);
	ck_assert_str_eq(c.mesh_key_file, "/etc/snowrelayd.key");
	ck_assert_int_eq(c.mesh_auth, MESH_AUTH_REQUIRED);
	ck_assert_uint_eq(c.hello_interval, 3600);
	ck_assert_uint_eq(c.mesh_freshness, 1);
	ck_assert_uint_eq(c.dedup_window, 60000);
	ck_assert_uint_eq(c.rate_source.pps, 10000000);
	ck_assert_uint_eq(c.rate_source.burst, 10000000);
	ck_assert_uint_eq(c.rate_peer.pps, 1);
	ck_assert_uint_eq(c.rate_peer.burst, 1);
	ck_assert_uint_eq(c.rate_global.pps, 0);
	/* "0" alone: never, and the default period stays. */
	ck_assert_uint_eq(c.coalesce.pps, 0);
	ck_assert_uint_eq(c.coalesce.interval_us, 1000);
	ck_assert_uint_eq(c.peers[0].port, 7301);	/* the final mesh port */
	ck_assert_uint_eq(c.peers[3].addr, ip("198.18.5.2"));
	ck_assert_uint_eq(c.peers[3].port, 7002);
	ck_assert_int_eq(c.log_level, LOG_CRIT);
	ck_assert_str_eq(c.user, "nobody");
	ck_assert_str_eq(c.chroot, "/var/empty");
	for (int k = 0; k < KEY_MAX; k++)
		ck_assert_int_eq(c.origin[k], ORIGIN_FILE);
	ck_assert_int_eq(c.origin_line[KEY_TARGET_INTERFACE], 3);
	ck_assert_int_eq(c.origin_line[KEY_OTHER_RELAYS], 18);
	ck_assert_int_eq(c.origin_line[KEY_RATE_GLOBAL], 19);
	snprintf(line, sizeof(line), "log-level = critical  # file %s:8\n", path);
	assert_printed(&c, line);
	snprintf(line, sizeof(line), "other-relays = 198.18.2.2:7301 198.18.3.2:7001"
	    " 198.18.4.2:7301 198.18.5.2:7002 198.18.6.2:7301/native  # file"
	    " %s:18\n", path);
	assert_printed(&c, line);
	snprintf(line, sizeof(line), "mesh-key-file = /etc/snowrelayd.key  # file"
	    " %s:11\n", path);
	assert_printed(&c, line);
	snprintf(line, sizeof(line), "# configuration file: %s\n", path);
	assert_printed(&c, line);
}
END_TEST

/* One key at each level: what the file, the environment and the CLI say. */
static const struct prec_case {
	enum config_key	 key;
	const char	*file;		/* "key = value" */
	const char	*env;		/* "VAR=value", or NULL */
	const char	*cli[3];
	const char	*shown[4];	/* printed value: default, file, env, cli */
} prec_cases[] = {
	{ KEY_TARGET_INTERFACE, "target-interface = eth1", "TARGET_INTERFACE=eth2",
	    { "-t", "eth3", NULL }, { "eth0", "eth1", "eth2", "eth3" } },
	{ KEY_BROADCAST_PORT, "broadcast-port = 5001", "BDCAST_PORT=5002",
	    { "-b", "5003", NULL }, { "5076", "5001", "5002", "5003" } },
	{ KEY_MESH_PORT, "mesh-port = 7001", "MESH_PORT=7002",
	    { "-m", "7003", NULL }, { "7124", "7001", "7002", "7003" } },
	{ KEY_LOG_LEVEL, "log-level = debug", "LOGLEVEL=warning",
	    { "-ll", "error", NULL }, { "info", "debug", "warning", "error" } },
	{ KEY_OTHER_RELAYS, "other-relays = 198.18.0.1", NULL,
	    { "--other-relays", "198.18.0.3:9", NULL },
	    { "(none)", "198.18.0.1:7124", NULL, "198.18.0.3:9" } },
	{ KEY_USER, "user = daemon", NULL, { "-u", "nobody", NULL },
	    { DEFAULT_USER, "daemon", NULL, "nobody" } },
	{ KEY_CHROOT, "chroot = /var/empty", NULL, { "--chroot", "/srv/empty", NULL },
	    { DEFAULT_CHROOT, "/var/empty", NULL, "/srv/empty" } },
	{ KEY_MESH_KEY_FILE, "mesh-key-file = /etc/a.key", NULL,
	    { "--mesh-key-file", "/etc/b.key", NULL },
	    { "(none)", "/etc/a.key", NULL, "/etc/b.key" } },
	{ KEY_MESH_AUTH, "mesh-auth = off", NULL, { "--mesh-auth=off", NULL },
	    { "off", "off", NULL, "off" } },
	{ KEY_HELLO_INTERVAL, "hello-interval = 10", NULL,
	    { "--hello-interval", "1", NULL }, { "2", "10", NULL, "1" } },
	{ KEY_MESH_FRESHNESS, "mesh-freshness = 3600", NULL,
	    { "--mesh-freshness", "5", NULL }, { "30", "3600", NULL, "5" } },
	{ KEY_DEDUP_WINDOW, "dedup-window = 1", NULL,
	    { "--dedup-window", "2000", NULL }, { "500", "1", NULL, "2000" } },
	{ KEY_CAPTURE_RING, "capture-ring = 256", NULL,
	    { "--capture-ring", "1", NULL }, { "4", "256", NULL, "1" } },
	{ KEY_MESH_GSO, "mesh-gso = off", NULL, { "--mesh-gso", "on", NULL },
	    { "on", "off", NULL, "on" } },
	{ KEY_DISCOVER, "discover = relays.example.test", "SERVICENAME=snow",
	    { "--discover", "k8s-relays.ns.svc", NULL }, { "(none)",
	    "relays.example.test", "tasks.snow", "k8s-relays.ns.svc" } },
	{ KEY_DISCOVER_INTERVAL, "discover-interval = 60", NULL,
	    { "--discover-interval", "5", NULL }, { "10", "60", NULL, "5" } },
	{ KEY_DISCOVER_CIDR, "discover-cidr = 198.18.0.0/15", NULL,
	    { "--discover-cidr", "198.19.1.0/24", NULL },
	    { "(any)", "198.18.0.0/15", NULL, "198.19.1.0/24" } },
	{ KEY_RATE_SOURCE, "rate-source = 0", NULL,
	    { "--rate-source", "10/15", NULL },
	    { "2000/4000", "0", NULL, "10/15" } },
	{ KEY_RATE_PEER, "rate-peer = 5", NULL, { "--rate-peer", "7/1", NULL },
	    { "20000/40000", "5/10", NULL, "7/1" } },
	{ KEY_RATE_GLOBAL, "rate-global = 10000000", NULL,
	    { "--rate-global=0", NULL },
	    { "100000/200000", "10000000/20000000", NULL, "0" } },
};

/* For each key: every combination of sources; the highest one wins. */
START_TEST(test_precedence)
{
	const struct prec_case	*pc = &prec_cases[_i];
	struct config		 c;
	char			 err[512], path[PATH_MAX], want[PATH_MAX + 128];
	const char		*env[2] = { NULL, NULL }, *v;
	enum config_origin	 top;
	int			 mask;

	write_conf(path, sizeof(path), pc->file);
	for (mask = 0; mask < 8; mask++) {
		if ((mask & 2) && pc->env == NULL)
			continue;
		env[0] = (mask & 2) ? pc->env : NULL;
		top = (mask & 4) ? ORIGIN_CLI : (mask & 2) ? ORIGIN_ENV :
		    (mask & 1) ? ORIGIN_FILE : ORIGIN_DEFAULT;
		ck_assert_msg(load(&c, err, sizeof(err), (mask & 1) ? path : NULL,
		    (mask & 4) ? pc->cli : NOARGS, env) == 0, "%s", err);
		ck_assert_int_eq(c.origin[pc->key], top);
		for (int k = 0; k < KEY_MAX; k++)
			if (k != (int)pc->key)
				ck_assert_int_eq(c.origin[k], ORIGIN_DEFAULT);
		v = pc->shown[top];
		if (top == ORIGIN_FILE)
			snprintf(want, sizeof(want), "%s = %s  # file %s:1\n",
			    config_key_name(pc->key), v, path);
		else if (top == ORIGIN_ENV)
			snprintf(want, sizeof(want), "%s = %s  # environment %.*s\n",
			    config_key_name(pc->key), v,
			    (int)(strchr(pc->env, '=') - pc->env), pc->env);
		else
			snprintf(want, sizeof(want), "%s = %s  # %s\n",
			    config_key_name(pc->key), v, config_origin_name(top));
		assert_printed(&c, want);
	}
}
END_TEST

/* One bad input and the pieces its message must contain ("%F" = the file). */
static const struct err_case {
	const char	*args[8];
	const char	*env[3];
	const char	*file;
	const char	*want[3];
} err_cases[] = {
	{ { "-m", "70000" }, { NULL }, NULL,
	    { "command line: ", "mesh-port: \"70000\": not a port number (1-65535)" } },
	{ { "-m", "" }, { NULL }, NULL, { "mesh-port: \"\": not a port number" } },
	{ { "-m", "+7124" }, { NULL }, NULL, { "mesh-port: \"+7124\": not a port" } },
	{ { "-m", "0x1c" }, { NULL }, NULL, { "mesh-port: \"0x1c\": not a port" } },
	{ { "-b", "0" }, { NULL }, NULL,
	    { "broadcast-port: \"0\": not a port number (1-65535)" } },
	{ { "-b", "5076,0" }, { NULL }, NULL, { "broadcast-port: \"0\": not a port" } },
	{ { "-b", "5076,,5064" }, { NULL }, NULL, { "broadcast-port: \"\": not a port" } },
	{ { "-b", "5076,5064,5076" }, { NULL }, NULL,
	    { "broadcast-port: \"5076\": port given twice" } },
	{ { "-l", "loud" }, { NULL }, NULL, { "log-level: \"loud\": unknown level"
	    " (debug, info, warning, error, critical)" } },
	{ { "--other-relays", "198.18.2.300" }, { NULL }, NULL,
	    { "other-relays: \"198.18.2.300\": not an IPv4 address" } },
	{ { "--other-relays", "relay_2.example" }, { NULL }, NULL,
	    { "other-relays: \"relay_2.example\": neither an IPv4 address nor"
	    " a host name" } },
	{ { "--other-relays", "-relay.example" }, { NULL }, NULL,
	    { "\"-relay.example\": neither an IPv4 address nor a host name" } },
	{ { "--other-relays", "relay-.example" }, { NULL }, NULL,
	    { "\"relay-.example\": neither an IPv4 address nor a host name" } },
	{ { "--other-relays", "relay..example" }, { NULL }, NULL,
	    { "\"relay..example\": neither an IPv4 address nor a host name" } },
	{ { "--other-relays", "relay-b", "RELAY-B:7124" }, { NULL }, NULL,
	    { "other-relays: \"RELAY-B:7124\": peer given twice" } },
	{ { "--other-relays", "198.18.0.1:0" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1:0\": bad port" } },
	{ { "--other-relays", "198.18.0.1:70000" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1:70000\": bad port" } },
	{ { "--other-relays", "198.18.0.1:" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1:\": bad port" } },
	{ { "--other-relays", "fe80::1" }, { NULL }, NULL,
	    { "other-relays: \"fe80::1\": not an IPv4 address (IPv6" } },
	{ { "--other-relays", "224.0.0.1" }, { NULL }, NULL,
	    { "other-relays: \"224.0.0.1\": not a unicast" } },
	{ { "--other-relays", "0.0.0.0" }, { NULL }, NULL,
	    { "other-relays: \"0.0.0.0\": not a unicast" } },
	{ { "--other-relays", "198.18.0.1", "198.18.0.1:7124" }, { NULL }, NULL,
	    { "command line: other-relays: \"198.18.0.1:7124\": peer given twice" } },
	{ { "--other-relays", ",", }, { NULL }, NULL,
	    { "other-relays: \",\": no address given" } },
	{ { "-t", "abcdefghijklmnop" }, { NULL }, NULL,
	    { "target-interface: \"abcdefghijklmnop\": interface name too long"
	    " (at most 15 characters)" } },
	{ { "-t", "eth0,eth0" }, { NULL }, NULL,
	    { "target-interface: \"eth0\": interface given twice" } },
	{ { "-t", "eth0,,eth1" }, { NULL }, NULL,
	    { "target-interface: \"eth0,,eth1\": empty interface name" } },
	{ { "-t", "eth0/1" }, { NULL }, NULL,
	    { "target-interface: \"eth0/1\": not a valid interface name" } },
	{ { "-t", ".." }, { NULL }, NULL,
	    { "target-interface: \"..\": not a valid interface name" } },
	{ { "-u", "" }, { NULL }, NULL, { "user: \"\": user name must be" } },
	{ { "-u", "-x" }, { NULL }, NULL, { "user: \"-x\": not a valid user name" } },
	{ { "-u", "a b" }, { NULL }, NULL, { "user: \"a b\": not a valid user name" } },
	{ { "--chroot", "var/empty" }, { NULL }, NULL,
	    { "chroot: \"var/empty\": not an absolute path" } },
	{ { "--chroot", "//" }, { NULL }, NULL, { "chroot: \"//\": must be an empty" } },
	{ { "-m", "5076" }, { NULL }, NULL,
	    { "command line: mesh-port: \"5076\": also a broadcast port" } },
	{ { "-b", "5064,7124" }, { NULL }, NULL,
	    { "command line: broadcast-port: \"7124\": also the mesh port" } },
	{ { "-x" }, { NULL }, NULL, { "unknown option \"-x\"" } },
	{ { "-dx" }, { NULL }, NULL, { "unknown option \"-x\"" } },
	{ { "--foo=bar" }, { NULL }, NULL, { "unknown option \"--foo\"" } },
	{ { "--mesh" }, { NULL }, NULL, { "unknown option \"--mesh\"" } },
	{ { "-m" }, { NULL }, NULL, { "option -m needs a value" } },
	{ { "-ll" }, { NULL }, NULL, { "option -ll needs a value" } },
	{ { "--other-relays" }, { NULL }, NULL, { "option --other-relays needs a value" } },
	{ { "--help=yes" }, { NULL }, NULL, { "option --help takes no value" } },
	{ { "foo" }, { NULL }, NULL, { "unexpected argument \"foo\"" } },
	{ { "-" }, { NULL }, NULL, { "unexpected argument \"-\"" } },
	{ { "--", "-d" }, { NULL }, NULL, { "unexpected argument \"-d\"" } },
	{ { "-f", "/nonexistent/snowrelayd.conf" }, { NULL }, NULL,
	    { "config file \"/nonexistent/snowrelayd.conf\": No such file" } },
	{ { NULL }, { "MESH_PORT=abc" }, NULL,
	    { "environment MESH_PORT: mesh-port: \"abc\": not a port number" } },
	{ { NULL }, { "MESH_PORT=" }, NULL,
	    { "environment MESH_PORT: mesh-port: \"\": not a port number" } },
	{ { NULL }, { "BDCAST_PORT=0" }, NULL,
	    { "environment BDCAST_PORT: broadcast-port: \"0\": not a port" } },
	{ { NULL }, { "TARGET_INTERFACE=a b" }, NULL,
	    { "environment TARGET_INTERFACE: target-interface: \"a b\": not a valid" } },
	{ { NULL }, { "LOGLEVEL=loud" }, NULL,
	    { "environment LOGLEVEL: log-level: \"loud\": unknown level" } },
	{ { NULL }, { "MESH_PORT=5076" }, NULL,
	    { "environment MESH_PORT: mesh-port: \"5076\": also a broadcast port" } },
	{ { NULL }, { NULL }, "# c\n\nfoo = 1\n", { "%F:3: unknown key \"foo\"" } },
	{ { NULL }, { NULL }, "mesh-port = 7000\nmesh-port 7001\n",
	    { "%F:2: missing \"=\" in \"mesh-port 7001\"" } },
	{ { NULL }, { NULL }, "= 7000\n", { "%F:1: unknown key \"\"" } },
	{ { NULL }, { NULL }, "mesh-port =   # nothing\n",
	    { "%F:1: mesh-port: \"\": empty value" } },
	{ { NULL }, { NULL }, "\n\n\nmesh-port = 0\n",
	    { "%F:4: mesh-port: \"0\": not a port number (1-65535)" } },
	{ { NULL }, { NULL }, "log-level = loud\n",
	    { "%F:1: log-level: \"loud\": unknown level" } },
	{ { NULL }, { NULL }, "other-relays = 198.18.0.1\nother-relays = 198.18.0.1\n",
	    { "%F:2: other-relays: \"198.18.0.1:7124\": peer given twice" } },
	{ { NULL }, { NULL }, "broadcast-port = 7124\n",
	    { "%F:1: broadcast-port: \"7124\": also the mesh port" } },
	{ { "-b", "7124" }, { NULL }, "mesh-port = 7124\n",
	    { "command line: broadcast-port: \"7124\": also the mesh port" } },
	{ { NULL }, { NULL }, "Mesh-Port = 7000\n", { "%F:1: unknown key \"Mesh-Port\"" } },
	{ { NULL }, { NULL }, "mesh-port = \001\n", { "%F:1: mesh-port: \"\\001\"" } },
	/* The authenticated mesh. */
	{ { "--mesh-auth", "on" }, { NULL }, NULL, { "command line: mesh-auth:"
	    " \"on\": unknown mode (off, accept-both, required)" } },
	{ { "--mesh-auth", "Required" }, { NULL }, NULL,
	    { "mesh-auth: \"Required\": unknown mode" } },
	{ { "--mesh-auth" }, { NULL }, NULL, { "option --mesh-auth needs a value" } },
	{ { "--mesh-auth", "required" }, { NULL }, NULL,
	    { "command line: mesh-auth: \"required\": needs a key: set"
	    " mesh-key-file", "or use mesh-auth off" } },
	{ { "--mesh-auth=accept-both" }, { NULL }, NULL,
	    { "command line: mesh-auth: \"accept-both\": needs a key" } },
	{ { NULL }, { NULL }, "\nmesh-auth = required\n",
	    { "%F:2: mesh-auth: \"required\": needs a key: set mesh-key-file" } },
	{ { "--mesh-key-file", "etc/snowrelayd.key" }, { NULL }, NULL,
	    { "mesh-key-file: \"etc/snowrelayd.key\": not an absolute path" } },
	{ { "--mesh-key-file=" }, { NULL }, NULL,
	    { "mesh-key-file: \"\": not an absolute path" } },
	{ { NULL }, { NULL }, "mesh-key-file = key\n",
	    { "%F:1: mesh-key-file: \"key\": not an absolute path" } },
	{ { "--hello-interval", "0" }, { NULL }, NULL, { "command line:"
	    " hello-interval: \"0\": not a number of seconds from 1 to 3600" } },
	{ { "--hello-interval", "3601" }, { NULL }, NULL,
	    { "hello-interval: \"3601\": not a number of seconds from 1 to 3600" } },
	{ { "--hello-interval", "-1" }, { NULL }, NULL,
	    { "hello-interval: \"-1\": not a number" } },
	{ { "--hello-interval", "1.5" }, { NULL }, NULL,
	    { "hello-interval: \"1.5\": not a number" } },
	{ { "--hello-interval=" }, { NULL }, NULL,
	    { "hello-interval: \"\": not a number" } },
	{ { "--mesh-freshness", "3601" }, { NULL }, NULL,
	    { "mesh-freshness: \"3601\": not a number of seconds from 1 to 3600" } },
	{ { "--mesh-freshness", "0" }, { NULL }, NULL,
	    { "mesh-freshness: \"0\": not a number of seconds" } },
	{ { "--dedup-window", "0" }, { NULL }, NULL, { "dedup-window: \"0\": not"
	    " a number of milliseconds from 1 to 60000" } },
	{ { "--dedup-window", "60001" }, { NULL }, NULL,
	    { "dedup-window: \"60001\": not a number of milliseconds" } },
	{ { NULL }, { NULL }, "dedup-window = 5s\n",
	    { "%F:1: dedup-window: \"5s\": not a number of milliseconds" } },
	{ { "--capture-ring", "257" }, { NULL }, NULL, { "command line:"
	    " capture-ring: \"257\": not a number of MiB from 0 to 256" } },
	{ { "--capture-ring", "-1" }, { NULL }, NULL,
	    { "capture-ring: \"-1\": not a number of MiB" } },
	{ { NULL }, { NULL }, "capture-ring = 4M\n",
	    { "%F:1: capture-ring: \"4M\": not a number of MiB from 0 to 256" } },
	{ { "--mesh-gso", "yes" }, { NULL }, NULL, { "command line:"
	    " mesh-gso: \"yes\": not on or off" } },
	{ { NULL }, { NULL }, "mesh-gso = OFF\n",
	    { "%F:1: mesh-gso: \"OFF\": not on or off" } },
	{ { "--rate-source", "x" }, { NULL }, NULL, { "command line: rate-source:"
	    " \"x\": not PPS or PPS/BURST: PPS must be a number of packets per"
	    " second from 0 (unlimited) to 10000000" } },
	{ { "--rate-peer", "10000001" }, { NULL }, NULL,
	    { "rate-peer: \"10000001\": not PPS or PPS/BURST" } },
	{ { "--rate-peer", "+5" }, { NULL }, NULL,
	    { "rate-peer: \"+5\": not PPS or PPS/BURST" } },
	{ { "--rate-global", "/10" }, { NULL }, NULL,
	    { "rate-global: \"/10\": not PPS or PPS/BURST" } },
	{ { "--rate-global", "0/5" }, { NULL }, NULL,
	    { "rate-global: \"0/5\": a burst needs a rate: 0 alone means"
	    " unlimited" } },
	{ { "--rate-global", "10/0" }, { NULL }, NULL, { "rate-global: \"10/0\":"
	    " BURST must be a number of packets from 1 to 10000000" } },
	{ { "--rate-global", "10/" }, { NULL }, NULL,
	    { "rate-global: \"10/\": BURST must be" } },
	{ { "--rate-source", "10/20/30" }, { NULL }, NULL,
	    { "rate-source: \"10/20/30\": BURST must be" } },
	{ { "--rate-source", "10/10000001" }, { NULL }, NULL,
	    { "rate-source: \"10/10000001\": BURST must be" } },
	{ { "--coalesce", "x" }, { NULL }, NULL, { "command line: coalesce:"
	    " \"x\": not PPS or PPS/US: PPS must be a number of packets per"
	    " second from 0 (never) to 10000000" } },
	{ { "--coalesce", "10000001" }, { NULL }, NULL,
	    { "coalesce: \"10000001\": not PPS or PPS/US" } },
	{ { "--coalesce", "1000/49" }, { NULL }, NULL, { "coalesce: \"1000/49\":"
	    " US must be a number of microseconds from 50 to 10000" } },
	{ { "--coalesce", "1000/10001" }, { NULL }, NULL,
	    { "coalesce: \"1000/10001\": US must be" } },
	{ { "--coalesce", "1000/" }, { NULL }, NULL,
	    { "coalesce: \"1000/\": US must be" } },
	{ { "--coalesce", "/100" }, { NULL }, NULL,
	    { "coalesce: \"/100\": not PPS or PPS/US" } },
	{ { NULL }, { NULL }, "coalesce = 20000/250us\n",
	    { "%F:1: coalesce: \"20000/250us\": US must be" } },
	{ { NULL }, { NULL }, "rate-peer = 1 000\n",
	    { "%F:1: rate-peer: \"1 000\": not PPS or PPS/BURST" } },
	{ { "--rate-source", "11111111111111111111111111111111111" }, { NULL }, NULL,
	    { "rate-source: \"1111111111", "not PPS or PPS/BURST" } },
	{ { "--other-relays", "198.18.0.1/foo" }, { NULL }, NULL,
	    { "command line: other-relays: \"198.18.0.1/foo\": unknown format"
	    " \"/foo\" (use /ss, /native, or nothing for auto)" } },
	{ { "--other-relays", "198.18.0.1/" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1/\": unknown format \"/\"" } },
	{ { "--other-relays", "198.18.0.1/SS" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1/SS\": unknown format \"/SS\"" } },
	{ { "--other-relays", "198.18.0.1/ss:7124" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1/ss:7124\": unknown format" } },
	{ { "--other-relays", "198.18.0.300/ss" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.300/ss\": not an IPv4 address" } },
	{ { "--other-relays", "198.18.0.1:0/ss" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1:0/ss\": bad port" } },
	{ { "--other-relays", "198.18.0.1/native" }, { NULL }, NULL,
	    { "command line: other-relays: \"198.18.0.1:7124/native\": the"
	    " native format needs a key: set mesh-key-file, or remove"
	    " \"/native\"" } },
	{ { "--mesh-key-file", "/k", "--mesh-auth", "off", "--other-relays",
	    "198.18.0.1:7000/native" }, { NULL }, NULL,
	    { "command line: other-relays: \"198.18.0.1:7000/native\": mesh-auth"
	    " is off: set mesh-auth accept-both or required" } },
	{ { "--mesh-key-file", "/k", "--other-relays", "198.18.0.1:7200/ss" },
	    { NULL }, NULL,
	    { "command line: other-relays: \"198.18.0.1:7200/ss\": mesh-auth is"
	    " required (the default with mesh-key-file), which refuses the"
	    " \"SS\" format: use mesh-auth accept-both" } },
	{ { "--mesh-key-file", "/k", "--mesh-auth", "required", "--other-relays",
	    "198.18.0.2", "198.18.0.1/ss" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1:7124/ss\": mesh-auth is required, which"
	    " refuses the \"SS\" format" } },
	{ { NULL }, { NULL }, "other-relays = 198.18.0.1/ss\nmesh-key-file = /k\n",
	    { "%F:1: other-relays: \"198.18.0.1:7124/ss\": mesh-auth is"
	    " required" } },
	{ { "--mesh-key-file", "/k", "--mesh-auth", "accept-both", "--other-relays",
	    "198.18.0.1/ss", "198.18.0.1:7124/native" }, { NULL }, NULL,
	    { "other-relays: \"198.18.0.1:7124/native\": peer given twice" } },
};

START_TEST(test_errors)
{
	const struct err_case	*ec = &err_cases[_i];
	struct config		 c;
	char			 err[512], path[PATH_MAX], want[PATH_MAX + 128];
	const char		*w, *f;
	int			 i;

	path[0] = '\0';
	if (ec->file != NULL)
		write_conf(path, sizeof(path), ec->file);
	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(load(&c, err, sizeof(err), ec->file ? path : NULL,
	    ec->args, ec->env), -1);
	ck_assert_ptr_nonnull(memchr(err, '\0', sizeof(err)));
	ck_assert_ptr_null(strchr(err, '\n'));
	for (i = 0; i < 3 && (w = ec->want[i]) != NULL; i++) {
		if ((f = strstr(w, "%F")) != NULL)
			snprintf(want, sizeof(want), "%.*s%s%s", (int)(f - w), w,
			    path, f + 2);
		else
			snprintf(want, sizeof(want), "%s", w);
		ck_assert_msg(strstr(err, want) != NULL, "case %d: \"%s\" not in"
		    " \"%s\"", _i, want, err);
	}
}
END_TEST

/* Over-long lines, NUL bytes and over-long values. */
START_TEST(test_file_limits)
{
	struct config	 c;
	char		 err[512], path[PATH_MAX], want[PATH_MAX + 64], big[3000];

	memset(big, 'a', sizeof(big));
	memcpy(big, "mesh-port = 7000\n# ", 19);
	big[sizeof(big) - 1] = '\n';
	write_file(path, sizeof(path), big, sizeof(big));
	ck_assert_int_eq(load(&c, err, sizeof(err), path, NOARGS, NULL), -1);
	snprintf(want, sizeof(want), "%s:2: line too long", path);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);

	write_file(path, sizeof(path), "user = no\0body\n", 15);
	ck_assert_int_eq(load(&c, err, sizeof(err), path, NOARGS, NULL), -1);
	snprintf(want, sizeof(want), "%s:1: NUL byte", path);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);

	/* A line of exactly 1023 characters is fine. */
	memset(big, ' ', 1023);
	memcpy(big, "user = nobody", 13);
	big[1023] = '\n';
	write_file(path, sizeof(path), big, 1024);
	ck_assert_msg(load(&c, err, sizeof(err), path, NOARGS, NULL) == 0, "%s", err);
	ck_assert_str_eq(c.user, "nobody");
	/* One more is not, with or without a newline. */
	big[1023] = ' ';
	big[1024] = '\n';
	write_file(path, sizeof(path), big, 1025);
	ck_assert_int_eq(load(&c, err, sizeof(err), path, NOARGS, NULL), -1);
	ck_assert_msg(strstr(err, ":1: line too long (at most 1023 bytes)") != NULL,
	    "%s", err);
	write_file(path, sizeof(path), big, 1024);
	ck_assert_int_eq(load(&c, err, sizeof(err), path, NOARGS, NULL), -1);

	/* A directory is not a config file. */
	ck_assert_int_eq(load(&c, err, sizeof(err), tmpdir, NOARGS, NULL), -1);
	ck_assert_msg(strstr(err, "Is a directory") != NULL, "%s", err);

	memset(big, 'e', 2000);
	big[2000] = '\0';
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", big), NULL), -1);
	ck_assert_msg(strstr(err, "target-interface: \"eee") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "value too long") != NULL, "%s", err);

	/* SERVICENAME: accepted, not used; but not longer than a DNS name can be. */
	memcpy(big, "SERVICENAME=", 12);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, NOARGS, A(big)), -1);
	ck_assert_msg(strstr(err, "SERVICENAME") != NULL, "%s", err);
}
END_TEST

START_TEST(test_ll_spelling)
{
	struct config	 c;
	char		 err[512];

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-ll", "debug"), NULL), 0);
	ck_assert_int_eq(c.log_level, LOG_DEBUG);
	ck_assert_int_eq(c.origin[KEY_LOG_LEVEL], ORIGIN_CLI);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-ll", "critical", "-d"),
	    NULL), 0);
	ck_assert_int_eq(c.log_level, LOG_CRIT);
	ck_assert_int_eq(c.foreground, 1);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-l", "WARNING"), NULL), 0);
	ck_assert_int_eq(c.log_level, LOG_WARNING);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-ll", "loud"), NULL), -1);
	ck_assert_msg(strstr(err, "log-level: \"loud\": unknown level") != NULL,
	    "%s", err);
}
END_TEST

START_TEST(test_comma_lists)
{
	struct config	 c;
	char		 err[512];

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", " lo , eth1,eth2 ",
	    "-b", "5076, 5064"), NULL), 0);
	ck_assert_uint_eq(c.nifaces, 3);
	ck_assert_str_eq(c.ifnames[0], "lo");
	ck_assert_str_eq(c.ifnames[1], "eth1");
	ck_assert_str_eq(c.ifnames[2], "eth2");
	ck_assert_uint_eq(c.nports, 2);
	ck_assert_uint_eq(c.ports[1], 5064);
	/* The last -b wins; it does not append. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-b", "5076,5064",
	    "-b", "5065"), NULL), 0);
	ck_assert_uint_eq(c.nports, 1);
	ck_assert_uint_eq(c.ports[0], 5065);
	assert_printed(&c, "broadcast-port = 5065  # command line\n");
}
END_TEST

START_TEST(test_other_relays_words)
{
	struct config	 c;
	char		 err[512], path[PATH_MAX];

	/* nargs='+': words up to the next option. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "198.18.0.1", "198.18.0.2:7000", "198.18.0.3", "-d", "-t", "lo"), NULL), 0);
	ck_assert_uint_eq(c.npeers, 3);
	ck_assert_int_eq(c.foreground, 1);
	ck_assert_str_eq(c.ifnames[0], "lo");
	ck_assert_uint_eq(c.peers[2].addr, ip("198.18.0.3"));
	/* Repeated flags append; commas work too. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "198.18.0.1", "--other-relays", "198.18.0.2,198.18.0.3", "-n",
	    "--other-relays=198.18.0.4", "198.18.0.5"), NULL), 0);
	ck_assert_uint_eq(c.npeers, 5);
	ck_assert_int_eq(c.check_only, 1);
	ck_assert_uint_eq(c.peers[4].addr, ip("198.18.0.5"));
	/* The command line replaces the file's peers. */
	write_conf(path, sizeof(path), "other-relays = 198.18.1.1 198.18.1.2\n");
	ck_assert_int_eq(load(&c, err, sizeof(err), path, A("--other-relays",
	    "198.18.0.9"), NULL), 0);
	ck_assert_uint_eq(c.npeers, 1);
	ck_assert_uint_eq(c.peers[0].addr, ip("198.18.0.9"));
	ck_assert_int_eq(c.origin[KEY_OTHER_RELAYS], ORIGIN_CLI);
	ck_assert_int_eq(load(&c, err, sizeof(err), path, NOARGS, NULL), 0);
	ck_assert_uint_eq(c.npeers, 2);
	ck_assert_int_eq(c.origin[KEY_OTHER_RELAYS], ORIGIN_FILE);
	/* Same address, different ports: two peers. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "198.18.0.1", "198.18.0.1:7125"), NULL), 0);
	ck_assert_uint_eq(c.npeers, 2);
}
END_TEST

START_TEST(test_peer_port)
{
	struct config	 c;
	char		 err[512], path[PATH_MAX];

	/* The default peer port is the final mesh port, whatever the order. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "198.18.0.1", "198.18.0.2:7500", "-m", "7400"), NULL), 0);
	ck_assert_uint_eq(c.peers[0].port, 7400);
	ck_assert_int_eq(c.peers[0].port_given, 0);
	ck_assert_uint_eq(c.peers[1].port, 7500);
	ck_assert_int_eq(c.peers[1].port_given, 1);
	write_conf(path, sizeof(path), "other-relays = 198.18.0.1\n");
	ck_assert_int_eq(load(&c, err, sizeof(err), path, NOARGS,
	    A("MESH_PORT=7600")), 0);
	ck_assert_uint_eq(c.peers[0].port, 7600);
	ck_assert_int_eq(load(&c, err, sizeof(err), path, NOARGS, NULL), 0);
	ck_assert_uint_eq(c.peers[0].port, 7124);
	/* A peer named with the mesh port duplicates one named without it. */
	ck_assert_int_eq(load(&c, err, sizeof(err), path, A("-m", "7700",
	    "--other-relays", "198.18.0.1:7700", "198.18.0.1"), NULL), -1);
	ck_assert_msg(strstr(err, "\"198.18.0.1:7700\": peer given twice") != NULL,
	    "%s", err);
}
END_TEST

/* "/ss" and "/native" per peer, and the default of mesh-auth. */
START_TEST(test_peer_format)
{
	struct config	 c;
	char		 err[512], path[PATH_MAX], want[PATH_MAX + 128];

	/* No key: "SS" only; "/ss" is allowed and changes nothing. */
	ck_assert_msg(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "198.18.0.1/ss", "198.18.0.2"), NULL) == 0, "%s", err);
	ck_assert_int_eq(c.mesh_auth, MESH_AUTH_OFF);
	ck_assert_int_eq(c.peers[0].format, PEER_FORMAT_SS);
	ck_assert_int_eq(c.peers[1].format, PEER_FORMAT_AUTO);
	ck_assert_int_eq(c.peers[0].port_given, 0);
	ck_assert_uint_eq(c.peers[0].port, 7124);
	assert_printed(&c, "other-relays = 198.18.0.1:7124/ss 198.18.0.2:7124"
	    "  # command line\n");
	/* A key file: required by default, shown as the default. */
	ck_assert_msg(load(&c, err, sizeof(err), NULL, A("--mesh-key-file",
	    "/etc/k", "--other-relays", "198.18.0.1/native,198.18.0.2"), NULL) == 0,
	    "%s", err);
	ck_assert_int_eq(c.mesh_auth, MESH_AUTH_REQUIRED);
	ck_assert_int_eq(c.origin[KEY_MESH_AUTH], ORIGIN_DEFAULT);
	ck_assert_int_eq(c.peers[0].format, PEER_FORMAT_NATIVE);
	assert_printed(&c, "mesh-auth = required  # default\n");
	assert_printed(&c, "other-relays = 198.18.0.1:7124/native 198.18.0.2:7124"
	    "  # command line\n");
	/* accept-both mixes all three. */
	ck_assert_msg(load(&c, err, sizeof(err), NULL, A("--mesh-key-file=/etc/k",
	    "--mesh-auth", "accept-both", "--other-relays", "198.18.0.1:7000/ss",
	    "198.18.0.2/native", "198.18.0.3:7001"), NULL) == 0, "%s", err);
	ck_assert_int_eq(c.peers[0].format, PEER_FORMAT_SS);
	ck_assert_uint_eq(c.peers[0].port, 7000);
	ck_assert_int_eq(c.peers[0].port_given, 1);
	ck_assert_int_eq(c.peers[1].format, PEER_FORMAT_NATIVE);
	ck_assert_int_eq(c.peers[2].format, PEER_FORMAT_AUTO);
	ck_assert_uint_eq(c.peers[2].port, 7001);
	/* A key file but mesh-auth off: "SS" everywhere, the key unused. */
	ck_assert_msg(load(&c, err, sizeof(err), NULL, A("--mesh-key-file=/etc/k",
	    "--mesh-auth", "off", "--other-relays", "198.18.0.1/ss", "198.18.0.2"),
	    NULL) == 0, "%s", err);
	ck_assert_int_eq(c.mesh_auth, MESH_AUTH_OFF);
	/* The file's mode, overridden by the command line. */
	write_conf(path, sizeof(path), "mesh-key-file = /etc/k\n"
	    "other-relays = 198.18.0.1/ss\nmesh-auth = accept-both\n");
	ck_assert_msg(load(&c, err, sizeof(err), path, NOARGS, NULL) == 0, "%s",
	    err);
	ck_assert_int_eq(c.mesh_auth, MESH_AUTH_ACCEPT_BOTH);
	snprintf(want, sizeof(want), "mesh-auth = accept-both  # file %s:3\n",
	    path);
	assert_printed(&c, want);
	ck_assert_int_eq(load(&c, err, sizeof(err), path, A("--mesh-auth",
	    "required"), NULL), -1);
	ck_assert_msg(strstr(err, "other-relays: \"198.18.0.1:7124/ss\": mesh-auth"
	    " is required, which refuses") != NULL, "%s", err);
	/* Peers from the command line replace the file's, formats too. */
	ck_assert_msg(load(&c, err, sizeof(err), path, A("--mesh-auth", "required",
	    "--other-relays", "198.18.0.1"), NULL) == 0, "%s", err);
	ck_assert_int_eq(c.peers[0].format, PEER_FORMAT_AUTO);
	/* The same address on two ports may have two formats. */
	ck_assert_msg(load(&c, err, sizeof(err), path, A("--other-relays",
	    "198.18.0.1/ss", "198.18.0.1:7125/native"), NULL) == 0, "%s", err);
	ck_assert_uint_eq(c.npeers, 2);
}
END_TEST

START_TEST(test_rates_and_numbers)
{
	struct config	 c;
	char		 err[512];

	ck_assert_msg(load(&c, err, sizeof(err), NULL, A("--rate-source", "0",
	    "--rate-peer", "1/10000000", "--rate-global", "10000000",
	    "--hello-interval", "3600", "--mesh-freshness", "1",
	    "--dedup-window", "60000", "--coalesce", "10000000/50"), NULL) == 0,
	    "%s", err);
	ck_assert_uint_eq(c.coalesce.pps, 10000000);
	ck_assert_uint_eq(c.coalesce.interval_us, 50);
	ck_assert_uint_eq(c.rate_source.pps, 0);
	ck_assert_uint_eq(c.rate_source.burst, 0);
	ck_assert_uint_eq(c.rate_peer.pps, 1);
	ck_assert_uint_eq(c.rate_peer.burst, 10000000);
	ck_assert_uint_eq(c.rate_global.pps, 10000000);
	ck_assert_uint_eq(c.rate_global.burst, 20000000);
	ck_assert_uint_eq(c.hello_interval, 3600);
	ck_assert_uint_eq(c.mesh_freshness, 1);
	ck_assert_uint_eq(c.dedup_window, 60000);
	assert_printed(&c, "rate-source = 0  # command line\n");
	assert_printed(&c, "rate-peer = 1/10000000  # command line\n");
	assert_printed(&c, "rate-global = 10000000/20000000  # command line\n");
	/* The last one wins, and a later plain rate resets the burst. */
	ck_assert_msg(load(&c, err, sizeof(err), NULL, A("--rate-source", "5/7",
	    "--rate-source", "6", "--hello-interval", "9", "--hello-interval",
	    "01"), NULL) == 0, "%s", err);
	ck_assert_uint_eq(c.rate_source.pps, 6);
	ck_assert_uint_eq(c.rate_source.burst, 12);
	ck_assert_uint_eq(c.hello_interval, 1);
	/* No environment variables for the new keys. */
	ck_assert_msg(load(&c, err, sizeof(err), NULL, NOARGS,
	    A("HELLO_INTERVAL=0", "MESH_AUTH=bad", "RATE_SOURCE=x")) == 0, "%s",
	    err);
	ck_assert_uint_eq(c.hello_interval, 2);
}
END_TEST

/* Write a key file with this mode; its path goes to path. */
static void
write_key(char *path, size_t size, const char *content, mode_t mode)
{
	write_conf(path, size, content);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* config_check_system reads the key file (if used) and reports problems. */
START_TEST(test_check_key_file)
{
	static const char	*key = "1 000102030405060708090a0b0c0d0e0f"
				    "101112131415161718191a1b1c1d1e1f\n";
	struct config		 c;
	char			 err[512], kpath[PATH_MAX], cpath[PATH_MAX];
	char			 want[2 * PATH_MAX + 64];

	write_key(kpath, sizeof(kpath), key, 0600);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "lo",
	    "--mesh-key-file", kpath), NULL), 0);
	ck_assert_msg(config_check_system(&c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(chmod(kpath, 0400), 0);
	ck_assert_msg(config_check_system(&c, err, sizeof(err)) == 0, "%s", err);
	/* Readable by others: refused, with where it was configured. */
	ck_assert_int_eq(chmod(kpath, 0644), 0);
	ck_assert_int_eq(config_check_system(&c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "command line: mesh-key-file: %s", kpath);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	ck_assert_msg(strstr(err, "group or") != NULL, "%s", err);
	/* With mesh-auth off the file is not read. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "lo",
	    "--mesh-key-file", kpath, "--mesh-auth", "off"), NULL), 0);
	ck_assert_msg(config_check_system(&c, err, sizeof(err)) == 0, "%s", err);
	/* Missing, from the file. */
	write_conf(cpath, sizeof(cpath), "target-interface = lo\n"
	    "mesh-key-file = /nonexistent/snowrelayd.key\n");
	ck_assert_int_eq(load(&c, err, sizeof(err), cpath, NOARGS, NULL), 0);
	ck_assert_int_eq(config_check_system(&c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: mesh-key-file: /nonexistent/"
	    "snowrelayd.key: No such file or directory", cpath);
	ck_assert_str_eq(err, want);
	/* Bad content: the parser's message, never the secret. */
	write_key(kpath, sizeof(kpath), "1 abcd\n", 0600);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "lo",
	    "--mesh-key-file", kpath), NULL), 0);
	ck_assert_int_eq(config_check_system(&c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "mesh-key-file: ") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "abcd") == NULL, "%s", err);
	/* Interfaces are checked first. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "nosuch0",
	    "--mesh-key-file", kpath), NULL), 0);
	ck_assert_int_eq(config_check_system(&c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "no such interface") != NULL, "%s", err);
}
END_TEST

/* Build "prefix1,prefix2,..." (or space-separated) with n items. */
static void
make_list(char *buf, size_t size, const char *prefix, int base, int n, char sep)
{
	size_t	 o = 0;
	int	 i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf[o++] = sep;
		o += snprintf(buf + o, size - o, "%s%d", prefix, base + i);
	}
}

START_TEST(test_limits)
{
	struct config	 c;
	char		 err[512], list[4096];

	make_list(list, sizeof(list), "", 5000, MAX_PORTS, ',');
	ck_assert_msg(load(&c, err, sizeof(err), NULL, A("-b", list), NULL) == 0,
	    "%s", err);
	ck_assert_uint_eq(c.nports, MAX_PORTS);
	make_list(list, sizeof(list), "", 5000, MAX_PORTS + 1, ',');
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-b", list), NULL), -1);
	ck_assert_msg(strstr(err, "too many ports (at most 8)") != NULL, "%s", err);

	make_list(list, sizeof(list), "veth", 0, MAX_IFACES, ',');
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", list), NULL), 0);
	ck_assert_uint_eq(c.nifaces, MAX_IFACES);
	make_list(list, sizeof(list), "veth", 0, MAX_IFACES + 1, ',');
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", list), NULL), -1);
	ck_assert_msg(strstr(err, "too many interfaces (at most 8)") != NULL,
	    "%s", err);
	/* 15 characters is the longest interface name. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "abcdefghijklmno"),
	    NULL), 0);

	make_list(list, sizeof(list), "198.18.0.", 1, MAX_PEERS, ' ');
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays", list),
	    NULL), 0);
	ck_assert_uint_eq(c.npeers, MAX_PEERS);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays", list,
	    "--other-relays", "198.18.1.1"), NULL), -1);
	ck_assert_msg(strstr(err, "other-relays: \"198.18.1.1\": too many peers"
	    " (at most 64)") != NULL, "%s", err);
}
END_TEST

/* config_load keeps no state between calls: alternate configs many times. */
START_TEST(test_repeated)
{
	struct config	 c;
	char		 err[512];
	int		 i;

	for (i = 0; i < 500; i++) {
		switch (i % 4) {
		case 0:
			ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-d",
			    "-m", "7001", "--other-relays", "198.18.0.1"), NULL), 0);
			ck_assert_uint_eq(c.mesh_port, 7001);
			ck_assert_uint_eq(c.npeers, 1);
			ck_assert_int_eq(c.foreground, 1);
			break;
		case 1:
			ck_assert_int_eq(load(&c, err, sizeof(err), NULL, NOARGS,
			    NULL), 0);
			ck_assert_uint_eq(c.mesh_port, 7124);
			ck_assert_uint_eq(c.npeers, 0);
			ck_assert_int_eq(c.foreground, 0);
			break;
		case 2:
			ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-x"),
			    NULL), -1);
			break;
		default:
			ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-ll",
			    "debug", "-nt", "lo"), A("MESH_PORT=7002")), 0);
			ck_assert_uint_eq(c.mesh_port, 7002);
			ck_assert_int_eq(c.check_only, 1);
			break;
		}
	}
}
END_TEST

START_TEST(test_help_version)
{
	struct config	 c;
	char		 err[512];

	/* -h and -V work even when the file or a value is bad. */
	ck_assert_int_eq(load(&c, err, sizeof(err), "/nonexistent", A("-h"), NULL), 0);
	ck_assert_int_eq(c.help, 1);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-m", "0", "--version"),
	    NULL), 0);
	ck_assert_int_eq(c.version, 1);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--help"), NULL), 0);
	ck_assert_int_eq(c.help, 1);
	ck_assert_int_eq(c.version, 0);
	/* But not a syntax error. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-h", "-q"), NULL), -1);
}
END_TEST

/* A fake resolver: relay-a and relay-b, a multicast name, nothing else. */
static int
fake_resolve(const char *host, uint32_t *addr, char *why, size_t whylen)
{
	if (strcmp(host, "relay-a") == 0)
		*addr = ip("198.18.2.1");
	else if (strcmp(host, "relay-b.test") == 0)
		*addr = ip("198.18.2.2");
	else if (strcmp(host, "group") == 0)
		*addr = ip("239.1.2.3");
	else {
		snprintf(why, whylen, "Name or service not known");
		return -1;
	}
	return 0;
}

/* Peers given by host name: kept as names, resolved by config_resolve_peers. */
START_TEST(test_peer_host)
{
	struct config	 c;
	char		 err[512], name[300];

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "relay-a", "relay-b.test.:7500/ss", "198.18.2.3"), NULL), 0);
	ck_assert_str_eq(c.peers[0].host, "relay-a");
	ck_assert_uint_eq(c.peers[0].addr, 0);
	ck_assert_uint_eq(c.peers[0].port, 7124);
	ck_assert_str_eq(c.peers[1].host, "relay-b.test.");
	ck_assert_uint_eq(c.peers[1].port, 7500);
	ck_assert_int_eq(c.peers[1].format, PEER_FORMAT_SS);
	ck_assert_str_eq(c.peers[2].host, "");
	assert_printed(&c, "other-relays = relay-a:7124 relay-b.test.:7500/ss"
	    " 198.18.2.3:7124  # command line");
	assert_printed(&c, "#   relay-a = (not resolved)");
	/* The trailing dot is the resolver's business: it fails here. */
	ck_assert_int_eq(config_resolve_peers(&c, fake_resolve, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "command line: other-relays: \"relay-b.test.\":"
	    " host name does not resolve: Name or service not known");
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "relay-a", "relay-b.test:7500/ss", "198.18.2.3"), NULL), 0);
	ck_assert_int_eq(config_resolve_peers(&c, fake_resolve, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(c.peers[0].addr, ip("198.18.2.1"));
	ck_assert_uint_eq(c.peers[1].addr, ip("198.18.2.2"));
	ck_assert_uint_eq(c.peers[2].addr, ip("198.18.2.3"));
	assert_printed(&c, "#   relay-a = 198.18.2.1\n#   relay-b.test ="
	    " 198.18.2.2\n");
	/* Resolving to a multicast address, or to a peer given already. */
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "group"), NULL), 0);
	ck_assert_int_eq(config_resolve_peers(&c, fake_resolve, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "command line: other-relays: \"group\": resolves"
	    " to 239.1.2.3, not a unicast IPv4 address");
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    "198.18.2.1", "relay-a"), NULL), 0);
	ck_assert_int_eq(config_resolve_peers(&c, fake_resolve, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "command line: other-relays: \"relay-a\": resolves"
	    " to 198.18.2.1:7124, a peer given already");
	/* Labels of 63 bytes and names of 253 bytes, not one more. */
	memset(name, 'a', sizeof(name));
	name[63] = '\0';
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    name), NULL), 0);
	name[63] = 'a';
	name[64] = '\0';
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    name), NULL), -1);
	memset(name, 'a', sizeof(name));
	for (size_t i = 63; i < 253; i += 64)
		name[i] = '.';
	name[253] = '\0';
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    name), NULL), 0);
	name[253] = 'a';
	name[254] = '\0';
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--other-relays",
	    name), NULL), -1);
	ck_assert_msg(strstr(err, "neither an IPv4 address nor a host name") !=
	    NULL, "%s", err);
}
END_TEST

/*
 * --discover, and SnowSignal's SERVICENAME: Docker Swarm's tasks.NAME,
 * underscores allowed (a stack's services are STACK_SERVICE); the command
 * line wins; an empty SERVICENAME is off, as in SnowSignal.
 */
START_TEST(test_discover)
{
	struct config	 c;
	char		 err[512], name[300];

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, NOARGS,
	    A("SERVICENAME=stack_snowsignal")), 0);
	ck_assert_str_eq(c.discover, "tasks.stack_snowsignal");
	assert_printed(&c, "discover = tasks.stack_snowsignal  # environment"
	    " SERVICENAME\n");
	assert_printed(&c, "discover-interval = 10  # default\n");
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "lo"),
	    A("SERVICENAME=")), 0);
	ck_assert_str_eq(c.discover, "");
	assert_printed(&c, "discover = (none)  # environment SERVICENAME\n");
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--discover",
	    "relays.example.test", "--discover-interval", "3600"),
	    A("SERVICENAME=snowsignal")), 0);
	ck_assert_str_eq(c.discover, "relays.example.test");
	ck_assert_uint_eq(c.discover_interval, 3600);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, NOARGS,
	    A("SERVICENAME=snow signal")), -1);
	ck_assert_str_eq(err, "environment SERVICENAME: discover: \"snow"
	    " signal\": tasks.SERVICENAME is not a DNS name (labels of letters,"
	    " digits, '-' and '_', at most 253 bytes)");
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--discover",
	    "-relays"), NULL), -1);
	ck_assert_msg(strstr(err, "command line: discover: \"-relays\": it is"
	    " not a DNS name") != NULL, "%s", err);
	/* 6 bytes of "tasks." and 247 of name: 253, the most. */
	memset(name, 'a', sizeof(name));
	name[60] = name[120] = name[180] = name[240] = '.';
	strcpy(name, "SERVICENAME=");
	name[12] = 'a';
	name[12 + 247] = '\0';
	ck_assert_msg(load(&c, err, sizeof(err), NULL, NOARGS, A(name)) == 0,
	    "%s", err);
	ck_assert_uint_eq(strlen(c.discover), 253);
	name[12 + 247] = 'a';
	name[12 + 248] = '\0';
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, NOARGS, A(name)), -1);
	/* discover-cidr: a list of prefixes, no host bits, at most 16. */
	ck_assert_int_eq(c.ndiscover_cidr, 0);
	assert_printed(&c, "discover-cidr = (any)  # default\n");
	ck_assert_msg(load(&c, err, sizeof(err), NULL, A("--discover-cidr",
	    "198.18.0.0/15, 198.19.7.1 0.0.0.0/0"), NULL) == 0, "%s", err);
	ck_assert_uint_eq(c.ndiscover_cidr, 3);
	ck_assert_uint_eq(c.discover_cidr[1].len, 32);
	assert_printed(&c, "discover-cidr = 198.18.0.0/15,198.19.7.1/32,"
	    "0.0.0.0/0  # command line\n");
	ck_assert_int_eq(config_cidr_match(c.discover_cidr, 1,
	    inet_addr("198.19.255.254")), 1);
	ck_assert_int_eq(config_cidr_match(c.discover_cidr, 1,
	    inet_addr("198.20.0.1")), 0);
	ck_assert_int_eq(config_cidr_match(c.discover_cidr + 1, 1,
	    inet_addr("198.19.7.2")), 0);
	ck_assert_int_eq(config_cidr_match(c.discover_cidr + 2, 1,
	    inet_addr("198.19.200.9")), 1);
	ck_assert_int_eq(config_cidr_match(NULL, 0, inet_addr("198.19.200.9")),
	    1);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--discover-cidr",
	    "198.18.1.5/15"), NULL), -1);
	ck_assert_str_eq(err, "command line: discover-cidr: \"198.18.1.5/15\":"
	    " host bits set (did you mean 198.18.0.0/15?)");
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--discover-cidr",
	    "198.18.0.0/33"), NULL), -1);
	ck_assert_str_eq(err, "command line: discover-cidr: \"198.18.0.0/33\":"
	    " not an IPv4 prefix (ADDRESS/LENGTH, length 0-32)");
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--discover-cidr",
	    "relays/24"), NULL), -1);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--discover-cidr",
	    "198.18.0.0/16 198.18.0.0/16 198.18.0.0/16 198.18.0.0/16"
	    " 198.18.0.0/16 198.18.0.0/16 198.18.0.0/16 198.18.0.0/16"
	    " 198.18.0.0/16 198.18.0.0/16 198.18.0.0/16 198.18.0.0/16"
	    " 198.18.0.0/16 198.18.0.0/16 198.18.0.0/16 198.18.0.0/16"
	    " 198.19.0.0/16"), NULL), -1);
	ck_assert_str_eq(err, "command line: discover-cidr: \"198.19.0.0/16\":"
	    " too many prefixes (at most 16)");
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("--discover-interval",
	    "0"), NULL), -1);
	ck_assert_str_eq(err, "command line: discover-interval: \"0\": not a"
	    " number of seconds from 1 to 3600");
}
END_TEST

START_TEST(test_check_system)
{
	struct config	 c;
	char		 err[512], path[PATH_MAX], want[PATH_MAX + 64];

	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "lo"), NULL), 0);
	ck_assert_msg(config_check_system(&c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, A("-t", "lo,nosuch0"),
	    NULL), 0);
	ck_assert_int_eq(config_check_system(&c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "command line: target-interface: \"nosuch0\":"
	    " no such interface");
	write_conf(path, sizeof(path), "\ntarget-interface = nosuch1\n");
	ck_assert_int_eq(load(&c, err, sizeof(err), path, NOARGS, NULL), 0);
	ck_assert_int_eq(config_check_system(&c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: target-interface: \"nosuch1\": no such"
	    " interface", path);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(load(&c, err, sizeof(err), NULL, NOARGS,
	    A("TARGET_INTERFACE=nosuch2")), 0);
	ck_assert_int_eq(config_check_system(&c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "environment TARGET_INTERFACE: target-interface:"
	    " \"nosuch2\": no such interface");
}
END_TEST

START_TEST(test_usage_and_names)
{
	static const char	*synopsis =
	    "usage: snowrelayd [-dhnV] [-b port[,port...]] [-f file] [-l level]"
	    " [-m port]\n"
	    "                  [-t interface[,interface...]] [-u user]"
	    " [--capture-ring mib]\n"
	    "                  [--chroot dir] [--coalesce pps[/us]]"
	    " [--dedup-window ms]\n"
	    "                  [--discover name] [--discover-cidr prefix[,prefix...]]\n"
	    "                  [--discover-interval seconds] [--hello-interval seconds]\n"
	    "                  [--mesh-auth off|accept-both|required]\n"
	    "                  [--mesh-freshness seconds] [--mesh-gso on|off]\n"
	    "                  [--mesh-key-file file] [--rate-global pps[/burst]]\n"
	    "                  [--rate-peer pps[/burst]] [--rate-source"
	    " pps[/burst]]\n"
	    "                  [--other-relays addr[:port][/ss|/native] ...]\n";
	char	*buf = NULL, *line, *save = NULL;
	size_t	 len = 0;
	FILE	*fp;
	int	 k;

	fp = open_memstream(&buf, &len);
	config_usage(fp);
	fclose(fp);
	ck_assert_msg(strncmp(buf, synopsis, strlen(synopsis)) == 0, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf,
	    "\n  --other-relays addr[:port][/ss|/native] ...\n"));
	ck_assert_ptr_nonnull(strstr(buf, "-ll"));
	/* Every long option is in the synopsis and has a help line. */
	for (k = 0; k < KEY_MAX; k++) {
		char	 opt[64];

		snprintf(opt, sizeof(opt), "--%s ", config_key_name(k));
		ck_assert_msg(strstr(buf, opt) != NULL, "%s not in usage", opt);
	}
	/* The usage fits in 80 columns. */
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "  ", 2) != 0 || line[18] == '[')
			ck_assert_msg(strlen(line) < 80, "too long: %s", line);
	free(buf);
	ck_assert_str_eq(config_key_name(KEY_TARGET_INTERFACE), "target-interface");
	ck_assert_str_eq(config_key_name(KEY_BROADCAST_PORT), "broadcast-port");
	ck_assert_str_eq(config_key_name(KEY_MESH_PORT), "mesh-port");
	ck_assert_str_eq(config_key_name(KEY_OTHER_RELAYS), "other-relays");
	ck_assert_str_eq(config_key_name(KEY_LOG_LEVEL), "log-level");
	ck_assert_str_eq(config_key_name(KEY_USER), "user");
	ck_assert_str_eq(config_key_name(KEY_CHROOT), "chroot");
	ck_assert_str_eq(config_key_name(KEY_MESH_KEY_FILE), "mesh-key-file");
	ck_assert_str_eq(config_key_name(KEY_MESH_AUTH), "mesh-auth");
	ck_assert_str_eq(config_key_name(KEY_HELLO_INTERVAL), "hello-interval");
	ck_assert_str_eq(config_key_name(KEY_MESH_FRESHNESS), "mesh-freshness");
	ck_assert_str_eq(config_key_name(KEY_DEDUP_WINDOW), "dedup-window");
	ck_assert_str_eq(config_key_name(KEY_RATE_SOURCE), "rate-source");
	ck_assert_str_eq(config_key_name(KEY_RATE_PEER), "rate-peer");
	ck_assert_str_eq(config_key_name(KEY_RATE_GLOBAL), "rate-global");
	ck_assert_str_eq(config_key_name(KEY_MAX), "unknown");
	ck_assert_str_eq(config_origin_name(ORIGIN_DEFAULT), "default");
	ck_assert_str_eq(config_origin_name(ORIGIN_FILE), "file");
	ck_assert_str_eq(config_origin_name(ORIGIN_ENV), "environment");
	ck_assert_str_eq(config_origin_name(ORIGIN_CLI), "command line");
	ck_assert_str_eq(config_auth_name(MESH_AUTH_OFF), "off");
	ck_assert_str_eq(config_auth_name(MESH_AUTH_ACCEPT_BOTH), "accept-both");
	ck_assert_str_eq(config_auth_name(MESH_AUTH_REQUIRED), "required");
	ck_assert_str_eq(config_format_name(PEER_FORMAT_AUTO), "auto");
	ck_assert_str_eq(config_format_name(PEER_FORMAT_SS), "ss");
	ck_assert_str_eq(config_format_name(PEER_FORMAT_NATIVE), "native");
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_default_file_absent);
	tcase_add_test(tc, test_cli_only);
	tcase_add_test(tc, test_long_forms);
	tcase_add_test(tc, test_env_only);
	tcase_add_test(tc, test_file_only);
	tcase_add_loop_test(tc, test_precedence, 0,
	    sizeof(prec_cases) / sizeof(prec_cases[0]));
	tcase_add_loop_test(tc, test_errors, 0,
	    sizeof(err_cases) / sizeof(err_cases[0]));
	tcase_add_test(tc, test_file_limits);
	tcase_add_test(tc, test_ll_spelling);
	tcase_add_test(tc, test_comma_lists);
	tcase_add_test(tc, test_other_relays_words);
	tcase_add_test(tc, test_peer_port);
	tcase_add_test(tc, test_peer_format);
	tcase_add_test(tc, test_rates_and_numbers);
	tcase_add_test(tc, test_check_key_file);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_repeated);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_peer_host);
	tcase_add_test(tc, test_discover);
	tcase_add_test(tc, test_check_system);
	tcase_add_test(tc, test_usage_and_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(config_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
