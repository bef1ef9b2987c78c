/* SPDX-License-Identifier: Apache-2.0 */
/* config.json parsing (src/runtime/spec.c) and the name tables
 * (src/runtime/spec-names.c). Configs are written with ' for " to keep
 * them readable; cfg() swaps them back. */
#include "unit.h"

#include "runtime/spec.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

static md_error test_err;

/* The config text with every ' turned into ". Caller frees. */
static char *cfg(const char *text)
{
	char *s = xstrdup(text);

	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

/* A config with ociVersion and root around the given members. */
static char *with_base(const char *members)
{
	cleanup_free char *q = cfg(members);

	return xasprintf("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}%s%s}",
			 *q ? ", " : "", q);
}

static struct spec *parse_ok(const char *members)
{
	cleanup_free char *text = with_base(members);
	struct spec *s = NULL;

	md_error_clear(&test_err);
	if (spec_from_string(text, &s, &test_err) < 0) {
		fprintf(stderr, "  unexpected error: %s\n", test_err.msg);
		return NULL;
	}
	return s;
}

/* The error message for a config that must fail, or "" if it parsed. */
static const char *parse_err_text(const char *text)
{
	struct spec *s = NULL;

	md_error_clear(&test_err);
	if (spec_from_string(text, &s, &test_err) == 0) {
		spec_free(s);
		return "";
	}
	return test_err.msg;
}

static const char *parse_err(const char *members)
{
	cleanup_free char *text = with_base(members);

	return parse_err_text(text);
}

#define CAPBIT(c) (UINT64_C(1) << (c))

static const char runc_default[] =
	"{'ociVersion': '1.0.2-dev',"
	" 'process': {'terminal': true, 'user': {'uid': 0, 'gid': 0}, 'args': ['sh'],"
	"  'env': ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', "
	"'TERM=xterm'],"
	"  'cwd': '/',"
	"  'capabilities': {"
	"   'bounding': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
	"   'effective': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
	"   'permitted': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
	"   'ambient': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']},"
	"  'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1024, 'soft': 1024}],"
	"  'noNewPrivileges': true},"
	" 'root': {'path': 'rootfs', 'readonly': true},"
	" 'hostname': 'runc',"
	" 'mounts': ["
	"  {'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
	"  {'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs',"
	"   'options': ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},"
	"  {'destination': '/dev/pts', 'type': 'devpts', 'source': 'devpts',"
	"   'options': ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']},"
	"  {'destination': '/sys', 'type': 'sysfs', 'source': 'sysfs',"
	"   'options': ['nosuid', 'noexec', 'nodev', 'ro']}],"
	" 'linux': {"
	"  'resources': {'devices': [{'allow': false, 'access': 'rwm'}]},"
	"  'namespaces': [{'type': 'pid'}, {'type': 'network'}, {'type': 'ipc'},"
	"   {'type': 'uts'}, {'type': 'mount'}, {'type': 'cgroup'}],"
	"  'maskedPaths': ['/proc/acpi', '/proc/kcore', '/sys/firmware'],"
	"  'readonlyPaths': ['/proc/bus', '/proc/sys']}}";

TEST(spec_runc_default)
{
	cleanup_free char *text = cfg(runc_default);
	struct spec *s = NULL;
	uint64_t caps = CAPBIT(CAP_AUDIT_WRITE) | CAPBIT(CAP_KILL) | CAPBIT(CAP_NET_BIND_SERVICE);

	CHECK(spec_from_string(text, &s, &test_err) == 0);
	CHECK_STR(s->oci_version, "1.0.2-dev");
	CHECK_STR(s->root_path, "rootfs");
	CHECK(s->root_readonly);
	CHECK_STR(s->hostname, "runc");
	CHECK(s->process);
	CHECK(s->process->terminal);
	CHECK_INT(md_strv_len(s->process->args), 1);
	CHECK_STR(s->process->args[0], "sh");
	CHECK_STR(s->process->env[1], "TERM=xterm");
	CHECK(s->process->caps.set);
	CHECK_INT(s->process->caps.bounding, caps);
	CHECK_INT(s->process->caps.ambient, caps);
	CHECK_INT(s->process->caps.inheritable, 0);
	CHECK_INT(s->process->n_rlimits, 1);
	CHECK_INT(s->process->rlimits[0].resource, RLIMIT_NOFILE);
	CHECK(s->process->no_new_privileges);
	CHECK_INT(s->n_mounts, 4);
	CHECK_STR(s->mounts[2].destination, "/dev/pts");
	CHECK_STR(s->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	CHECK_INT(s->mounts[2].flags, MS_NOSUID | MS_NOEXEC);
	CHECK_INT(s->mounts[3].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	CHECK(s->mounts[0].data == NULL);
	CHECK_INT(s->linux.n_namespaces, 6);
	CHECK(spec_find_namespace(s, CLONE_NEWNET));
	CHECK(spec_find_namespace(s, CLONE_NEWCGROUP));
	CHECK(!spec_find_namespace(s, CLONE_NEWUSER));
	CHECK_INT(md_strv_len(s->linux.masked_paths), 3);
	CHECK_STR(s->linux.readonly_paths[1], "/proc/sys");
	CHECK_INT(s->linux.resources.n_devices, 1);
	CHECK(!s->linux.resources.devices[0].allow);
	CHECK_INT(s->linux.rootfs_propagation, 0);
	spec_free(s);
}

TEST(spec_full_values)
{
	struct spec *s = parse_ok(
		"'hostname': 'box', 'domainname': 'example.org',"
		"'process': {'consoleSize': {'height': 40, 'width': 120},"
		" 'user': {'uid': 1000, 'gid': 1001, 'umask': 18, 'additionalGids': [5, "
		"4294967294],"
		"  'username': 'me'},"
		" 'args': ['/bin/sh', '-c', 'echo hi'], 'cwd': '/work', 'oomScoreAdj': -500,"
		" 'apparmorProfile': 'docker-default', 'selinuxLabel': 'lbl'},"
		"'annotations': {'org.example.a': 'x', 'b': ''},"
		"'linux': {'cgroupsPath': '/mydocker/abc', 'mountLabel': 'ml',"
		" 'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
		" 'gidMappings': [{'containerID': 0, 'hostID': 200000, 'size': 1}],"
		" 'sysctl': {'net.ipv4.ip_forward': '1'},"
		" 'resources': {"
		"  'memory': {'limit': 536870912, 'reservation': 1, 'swap': -1, 'kernel': 5,"
		"   'swappiness': 60, 'disableOOMKiller': true},"
		"  'cpu': {'shares': 512, 'quota': -1, 'burst': 7, 'period': 100000,"
		"   'realtimeRuntime': 950000, 'realtimePeriod': 1000000, 'cpus': '0-3',"
		"   'mems': '0', 'idle': 1},"
		"  'pids': {'limit': 100},"
		"  'blockIO': {'weight': 500, 'leafWeight': 300,"
		"   'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600}],"
		"   'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1048576}],"
		"   'throttleWriteIOPSDevice': [{'major': 8, 'minor': 16, 'rate': 100}]},"
		"  'hugepageLimits': [{'pageSize': '2MB', 'limit': 209715200}],"
		"  'unified': {'memory.high': '400M'}}}");
	const struct spec_resources *r;

	CHECK(s);
	r = &s->linux.resources;
	CHECK_STR(s->domainname, "example.org");
	CHECK_INT(s->process->console_height, 40);
	CHECK_INT(s->process->console_width, 120);
	CHECK_INT(s->process->user.uid, 1000);
	CHECK_INT(s->process->user.gid, 1001);
	CHECK(s->process->user.umask.set);
	CHECK_INT(s->process->user.umask.v, 18);
	CHECK_INT(s->process->user.n_additional_gids, 2);
	CHECK_INT(s->process->user.additional_gids[1], 4294967294u);
	CHECK_STR(s->process->user.username, "me");
	CHECK_STR(s->process->cwd, "/work");
	CHECK(s->process->oom_score_adj.set);
	CHECK_INT(s->process->oom_score_adj.v, -500);
	CHECK_STR(s->process->apparmor_profile, "docker-default");
	CHECK_STR(s->process->selinux_label, "lbl");
	CHECK(!s->process->caps.set);
	CHECK_INT(s->n_annotations, 2);
	CHECK_STR(s->annotations[0].key, "org.example.a");
	CHECK_STR(s->annotations[1].value, "");
	CHECK_STR(s->linux.cgroups_path, "/mydocker/abc");
	CHECK_STR(s->linux.mount_label, "ml");
	CHECK_INT(s->linux.uid_mappings[0].host_id, 100000);
	CHECK_INT(s->linux.uid_mappings[0].size, 65536);
	CHECK_INT(s->linux.gid_mappings[0].host_id, 200000);
	CHECK_STR(s->linux.sysctl[0].key, "net.ipv4.ip_forward");
	CHECK_STR(s->linux.sysctl[0].value, "1");
	CHECK(r->memory_limit.set);
	CHECK_INT(r->memory_limit.v, 536870912);
	CHECK_INT(r->memory_swap.v, -1);
	CHECK_INT(r->memory_swappiness.v, 60);
	CHECK(r->disable_oom_killer);
	CHECK_INT(r->cpu_shares.v, 512);
	CHECK_INT(r->cpu_quota.v, -1);
	CHECK_INT(r->cpu_burst.v, 7);
	CHECK_INT(r->cpu_period.v, 100000);
	CHECK_INT(r->cpu_rt_runtime.v, 950000);
	CHECK_INT(r->cpu_rt_period.v, 1000000);
	CHECK_INT(r->cpu_idle.v, 1);
	CHECK_STR(r->cpuset_cpus, "0-3");
	CHECK_STR(r->cpuset_mems, "0");
	CHECK_INT(r->pids_limit.v, 100);
	CHECK_INT(r->blkio_weight.v, 500);
	CHECK_INT(r->blkio_leaf_weight.v, 300);
	CHECK_INT(r->n_blkio_weight_devices, 1);
	CHECK_INT(r->blkio_weight_devices[0].weight.v, 600);
	CHECK(!r->blkio_weight_devices[0].leaf_weight.set);
	CHECK_INT(r->blkio_read_bps[0].rate, 1048576);
	CHECK_INT(r->blkio_write_iops[0].minor, 16);
	CHECK_INT(r->n_blkio_write_bps, 0);
	CHECK_STR(r->hugepages[0].page_size, "2MB");
	CHECK_INT(r->hugepages[0].limit, 209715200);
	CHECK_STR(r->unified[0].key, "memory.high");
	CHECK_STR(r->unified[0].value, "400M");
	spec_free(s);
}

TEST(spec_minimal_defaults)
{
	struct spec *s = parse_ok("'process': {}");

	CHECK(s);
	CHECK_STR(s->process->cwd, "/");
	CHECK(s->process->args == NULL);
	CHECK(!s->process->oom_score_adj.set);
	CHECK(!s->linux.resources.memory_limit.set);
	CHECK(!s->root_readonly);
	CHECK_INT(s->n_mounts, 0);
	spec_free(s);

	s = parse_ok("");
	CHECK(s);
	CHECK(s->process == NULL);
	spec_free(s);
}

TEST(spec_required_fields)
{
	CHECK_STR(parse_err_text("{\"root\": {\"path\": \"r\"}}"),
		  "config: ociVersion: required field is missing");
	CHECK_STR(parse_err_text("{\"ociVersion\": \"1.2.0\"}"),
		  "config: root: required field is missing");
	CHECK_STR(parse_err_text("{\"ociVersion\": \"1.2.0\", \"root\": {}}"),
		  "config: root.path: required field is missing");
	CHECK_STR(parse_err("'mounts': [{'destination': '/a'}, {'type': 'proc'}]"),
		  "config: mounts[1].destination: required field is missing");
	CHECK_STR(parse_err("'hooks': {'poststop': [{'args': []}]}"),
		  "config: hooks.poststop[0].path: required field is missing");
	CHECK_STR(parse_err("'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1}]}"),
		  "config: process.rlimits[0].hard: required field is missing");
}

TEST(spec_type_errors)
{
	CHECK_STR(parse_err("'linux': {'resources': {'memory': {'limit': '1G'}}}"),
		  "config: linux.resources.memory.limit: expected an integer, got a string");
	CHECK_STR(parse_err("'linux': {'resources': {'cpu': {'shares': 1.5}}}"),
		  "config: linux.resources.cpu.shares: expected an integer, got a floating-point "
		  "number");
	CHECK_STR(parse_err("'process': {'args': ['sh', 1]}"),
		  "config: process.args[1]: expected a string, got an integer");
	CHECK_STR(parse_err("'process': {'terminal': 'yes'}"),
		  "config: process.terminal: expected a boolean, got a string");
	CHECK_STR(parse_err("'process': []"), "config: process: expected an object, got an array");
	CHECK_STR(parse_err("'mounts': {}"), "config: mounts: expected an array, got an object");
	CHECK_STR(parse_err("'annotations': {'a': 1}"),
		  "config: annotations.a: expected a string, got an integer");
	CHECK_STR(parse_err("'linux': {'seccomp': []}"),
		  "config: linux.seccomp: expected an object, got an array");
	CHECK_STR(parse_err("'linux': {'namespaces': [null]}"),
		  "config: linux.namespaces[0]: expected an object, got null");
	CHECK_STR(parse_err_text("[]"), "config: expected an object, got an array");
	CHECK_STR(parse_err_text("null"), "config: expected an object, got null");
}

TEST(spec_integer_ranges)
{
	struct spec *s = parse_ok("'process': {'rlimits': [{'type': 'RLIMIT_CORE',"
				  " 'soft': 18446744073709551615, 'hard': 18446744073709551615}]}");

	CHECK(s);
	CHECK(s->process->rlimits[0].soft == UINT64_MAX);
	spec_free(s);
	CHECK_STR(parse_err("'linux': {'resources': {'memory': {'limit': 18446744073709551615}}}"),
		  "config: linux.resources.memory.limit: 18446744073709551615 is out of range "
		  "[-9223372036854775808, 9223372036854775807]");
	CHECK_STR(
		parse_err(
			"'process': {'rlimits': [{'type': 'RLIMIT_CORE', 'soft': -1, 'hard': 1}]}"),
		"config: process.rlimits[0].soft: -1 is negative");
	CHECK_STR(parse_err("'process': {'user': {'uid': 4294967296}}"),
		  "config: process.user.uid: 4294967296 is out of range [0, 4294967295]");
	CHECK_STR(parse_err("'process': {'user': {'gid': -1}}"),
		  "config: process.user.gid: -1 is out of range [0, 4294967295]");
	CHECK_STR(parse_err("'process': {'oomScoreAdj': 1001}"),
		  "config: process.oomScoreAdj: 1001 is out of range [-1000, 1000]");
	CHECK_STR(
		parse_err("'linux': {'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 0}]}"),
		"config: linux.uidMappings[0].size: 0 is out of range [1, 4294967295]");
	CHECK_STR(parse_err("'linux': {'resources': {'blockIO': {'weight': 70000}}}"),
		  "config: linux.resources.blockIO.weight: 70000 is out of range [0, 65535]");
}

TEST(spec_network)
{
	struct spec *s = parse_ok("'linux': {'resources': {'network': {'classID': 1048577,"
				  " 'priorities': [{'name': 'lo', 'priority': 5}, {'name': 'eth0', "
				  "'priority': 4294967295}]}}}");
	struct spec_resources *r = s ? &s->linux.resources : NULL;

	CHECK(s);
	CHECK(r->net_class_id.set && r->net_class_id.v == 1048577);
	CHECK_INT((int)r->n_net_priorities, 2);
	CHECK_STR(r->net_priorities[0].name, "lo");
	CHECK_INT((int)r->net_priorities[0].priority, 5);
	CHECK_STR(r->net_priorities[1].name, "eth0");
	CHECK(r->net_priorities[1].priority == UINT32_MAX);
	spec_free(s);
	s = parse_ok("'linux': {'resources': {'network': {}}}");
	CHECK(s && !s->linux.resources.net_class_id.set && !s->linux.resources.n_net_priorities);
	spec_free(s);
	CHECK_STR(parse_err("'linux': {'resources': {'network': {'classID': 4294967296}}}"),
		  "config: linux.resources.network.classID: 4294967296 is out of range [0, "
		  "4294967295]");
	CHECK_STR(
		parse_err("'linux': {'resources': {'network': {'priorities': [{'priority': 1}]}}}"),
		"config: linux.resources.network.priorities[0].name: required field is missing");
	CHECK_STR(
		parse_err("'linux': {'resources': {'network': {'priorities': [{'name': 'lo'}]}}}"),
		"config: linux.resources.network.priorities[0].priority: required field is "
		"missing");
	CHECK_STR(parse_err("'linux': {'resources': {'network': {'priorities': "
			    "[{'name': 'lo', 'priority': -1}]}}}"),
		  "config: linux.resources.network.priorities[0].priority: -1 is out of range "
		  "[0, 4294967295]");
	/* the name is written as a "NAME PRIO" line: nothing may forge another */
	CHECK_STR(parse_err("'linux': {'resources': {'network': {'priorities': "
			    "[{'name': 'lo 7\\neth0', 'priority': 1}]}}}"),
		  "config: linux.resources.network.priorities[0].name: invalid interface name "
		  "\"lo 7\\neth0\"");
	CHECK_STR(parse_err("'linux': {'resources': {'network': {'priorities': "
			    "[{'name': 'a-name-too-long-x', 'priority': 1}]}}}"),
		  "config: linux.resources.network.priorities[0].name: invalid interface name "
		  "\"a-name-too-long-x\"");
	CHECK_STR(parse_err("'linux': {'resources': {'network': []}}"),
		  "config: linux.resources.network: expected an object, got an array");
}

TEST(spec_swappiness)
{
	struct spec *s = parse_ok("'linux': {'resources': {'memory': {'swappiness': -1}}}");

	CHECK(s);
	CHECK(!s->linux.resources.memory_swappiness.set);
	spec_free(s);
	s = parse_ok("'linux': {'resources': {'memory': {'swappiness': 18446744073709551615}}}");
	CHECK(s);
	CHECK(!s->linux.resources.memory_swappiness.set);
	spec_free(s);
	s = parse_ok("'linux': {'resources': {'memory': {'swappiness': 0}}}");
	CHECK(s);
	CHECK(s->linux.resources.memory_swappiness.set);
	CHECK_INT(s->linux.resources.memory_swappiness.v, 0);
	spec_free(s);
	CHECK_STR(parse_err("'linux': {'resources': {'memory': {'swappiness': 101}}}"),
		  "config: linux.resources.memory.swappiness: 101 is out of range [0, 100]");
}

TEST(spec_paths_must_be_absolute)
{
	CHECK_STR(parse_err("'mounts': [{'destination': '/a'}, {'destination': '/b'},"
			    " {'destination': '/c'}, {'destination': 'd'}]"),
		  "config: mounts[3].destination: must be an absolute path");
	CHECK_STR(parse_err("'process': {'cwd': 'work'}"),
		  "config: process.cwd: must be an absolute path");
	CHECK_STR(parse_err("'hooks': {'prestart': [{'path': 'hook'}]}"),
		  "config: hooks.prestart[0].path: must be an absolute path");
	CHECK_STR(parse_err("'linux': {'maskedPaths': ['/ok', 'proc/kcore']}"),
		  "config: linux.maskedPaths[1]: must be an absolute path");
	CHECK_STR(parse_err("'linux': {'namespaces': [{'type': 'net' }]}"),
		  "config: linux.namespaces[0].type: unknown namespace type \"net\"");
	CHECK_STR(parse_err("'linux': {'namespaces': [{'type': 'network', 'path': 'x'}]}"),
		  "config: linux.namespaces[0].path: must be an absolute path");
}

TEST(spec_nul_in_string)
{
	CHECK_STR(parse_err("'mounts': [{'destination': '/etc\\u0000/x'}]"),
		  "config: mounts[0].destination: must not contain a NUL character");
}

TEST(spec_env)
{
	struct spec *s = parse_ok("'process': {'env': ['A=1', 'EMPTY=', 'B==2']}");

	CHECK(s);
	CHECK_STR(s->process->env[2], "B==2");
	spec_free(s);
	CHECK_STR(parse_err("'process': {'env': ['A=1', 'NOVALUE']}"),
		  "config: process.env[1]: expected NAME=VALUE");
	CHECK_STR(parse_err("'process': {'env': ['=x']}"),
		  "config: process.env[0]: expected NAME=VALUE");
	CHECK_STR(parse_err("'hooks': {'poststart': [{'path': '/h', 'env': ['X']}]}"),
		  "config: hooks.poststart[0].env[0]: expected NAME=VALUE");
}

TEST(spec_capabilities)
{
	struct spec *s = parse_ok(
		"'process': {'capabilities': {'bounding': ['CAP_CHOWN', 'CAP_CHECKPOINT_RESTORE'],"
		" 'effective': ['CAP_SYS_ADMIN'], 'inheritable': [], 'permitted': ['CAP_NET_RAW'],"
		" 'ambient': ['CAP_BPF']}}");

	CHECK(s);
	CHECK(s->process->caps.set);
	CHECK_INT(s->process->caps.bounding, CAPBIT(0) | CAPBIT(40));
	CHECK_INT(s->process->caps.effective, CAPBIT(CAP_SYS_ADMIN));
	CHECK_INT(s->process->caps.inheritable, 0);
	CHECK_INT(s->process->caps.permitted, CAPBIT(CAP_NET_RAW));
	CHECK_INT(s->process->caps.ambient, CAPBIT(CAP_BPF));
	spec_free(s);
	CHECK_STR(parse_err("'process': {'capabilities': {'effective': ['CAP_CHOWN', 'CAP_FLY']}}"),
		  "config: process.capabilities.effective[1]: unknown capability \"CAP_FLY\"");
}

TEST(spec_names_caps)
{
	CHECK_INT(spec_cap_number("CAP_CHOWN"), CAP_CHOWN);
	CHECK_INT(spec_cap_number("cap_sys_admin"), CAP_SYS_ADMIN);
	CHECK_INT(spec_cap_number("NET_ADMIN"), CAP_NET_ADMIN);
	CHECK_INT(spec_cap_number("CAP_CHECKPOINT_RESTORE"), 40);
	CHECK_INT(spec_cap_number("CAP_PERFMON"), CAP_PERFMON);
	CHECK_INT(spec_cap_number("CAP_"), -1);
	CHECK_INT(spec_cap_number(""), -1);
	CHECK_INT(spec_cap_number("CAP_ALL"), -1);
}

TEST(spec_rlimits)
{
	struct spec *s = parse_ok(
		"'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 4096},"
		" {'type': 'RLIMIT_NPROC', 'soft': 0, 'hard': 0}]}");

	CHECK(s);
	CHECK_INT(s->process->n_rlimits, 2);
	CHECK_INT(s->process->rlimits[0].resource, RLIMIT_NOFILE);
	CHECK_INT(s->process->rlimits[0].soft, 1024);
	CHECK_INT(s->process->rlimits[0].hard, 4096);
	CHECK_INT(s->process->rlimits[1].resource, RLIMIT_NPROC);
	spec_free(s);
	CHECK_STR(
		parse_err("'process': {'rlimits': [{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}]}"),
		"config: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
	CHECK_STR(
		parse_err("'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1},"
			  " {'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}]}"),
		"config: process.rlimits[1].type: duplicate rlimit, also at [0]");
	CHECK_STR(parse_err("'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': "
			    "1}]}"),
		  "config: process.rlimits[0].soft: 2 is above the hard limit 1");
}

TEST(spec_names_rlimits_namespaces)
{
	CHECK_INT(spec_rlimit_resource("RLIMIT_NOFILE"), RLIMIT_NOFILE);
	CHECK_INT(spec_rlimit_resource("nofile"), RLIMIT_NOFILE);
	CHECK_INT(spec_rlimit_resource("RLIMIT_RTTIME"), RLIMIT_RTTIME);
	CHECK_INT(spec_rlimit_resource("RLIMIT_"), -1);
	CHECK_INT(spec_rlimit_resource("RLIMIT_NOFILES"), -1);
	CHECK_INT(spec_namespace_type("pid"), CLONE_NEWPID);
	CHECK_INT(spec_namespace_type("network"), CLONE_NEWNET);
	CHECK_INT(spec_namespace_type("mount"), CLONE_NEWNS);
	CHECK_INT(spec_namespace_type("ipc"), CLONE_NEWIPC);
	CHECK_INT(spec_namespace_type("uts"), CLONE_NEWUTS);
	CHECK_INT(spec_namespace_type("user"), CLONE_NEWUSER);
	CHECK_INT(spec_namespace_type("cgroup"), CLONE_NEWCGROUP);
	CHECK_INT(spec_namespace_type("time"), CLONE_NEWTIME);
	CHECK_INT(spec_namespace_type("net"), -1);
	CHECK_INT(spec_namespace_type("PID"), -1);
}

TEST(spec_namespaces)
{
	struct spec *s =
		parse_ok("'linux': {'namespaces': [{'type': 'pid'},"
			 " {'type': 'network', 'path': '/var/run/netns/x'}, {'type': 'time'}]}");
	const struct spec_namespace *ns;

	CHECK(s);
	ns = spec_find_namespace(s, CLONE_NEWNET);
	CHECK(ns);
	CHECK_STR(ns->path, "/var/run/netns/x");
	CHECK(spec_find_namespace(s, CLONE_NEWPID)->path == NULL);
	CHECK(spec_find_namespace(s, CLONE_NEWTIME));
	CHECK(!spec_find_namespace(s, CLONE_NEWNS));
	spec_free(s);
	CHECK_STR(parse_err("'linux': {'namespaces': [{'type': 'pid'}, {'type': 'ipc'},"
			    " {'type': 'pid', 'path': '/proc/1/ns/pid'}]}"),
		  "config: linux.namespaces[2].type: duplicate namespace, also at [0]");
	CHECK_STR(parse_err("'linux': {'namespaces': [{}]}"),
		  "config: linux.namespaces[0].type: required field is missing");
}

static int mount_opts(struct spec_mount *m, const char *type, const char **opts)
{
	*m = (struct spec_mount){ .type = (char *)(uintptr_t)type };
	for (size_t i = 0; opts[i]; i++)
		md_strv_push(&m->options, opts[i]);
	return spec_mount_parse_options(m, &test_err);
}

static void mount_clear(struct spec_mount *m)
{
	md_strv_free(m->options);
	free(m->data);
}

TEST(spec_mount_options_flags)
{
	struct spec_mount m;
	const char *opts[] = { "nosuid",    "nodev", "noexec",  "ro",      "relatime", "size=64m",
			       "mode=1777", "sync",  "dirsync", "remount", NULL };
	const char *clears[] = { "ro",    "rw",         "nosuid",   "suid",   "dev",   "exec",
				 "atime", "nodiratime", "diratime", "nomand", "async", NULL };

	CHECK(mount_opts(&m, "tmpfs", opts) == 0);
	CHECK_INT(m.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_RELATIME |
				   MS_SYNCHRONOUS | MS_DIRSYNC | MS_REMOUNT);
	CHECK_INT(m.clear, 0);
	CHECK_STR(m.data, "size=64m,mode=1777");
	CHECK(!m.bind);
	CHECK_INT(m.propagation, 0);
	mount_clear(&m);

	CHECK(mount_opts(&m, "tmpfs", clears) == 0);
	CHECK_INT(m.flags, 0);
	CHECK_INT(m.clear, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
				   MS_NODIRATIME | MS_MANDLOCK | MS_SYNCHRONOUS);
	CHECK(m.data == NULL);
	mount_clear(&m);
}

TEST(spec_mount_options_bind_propagation)
{
	struct spec_mount m;
	const char *rbind[] = { "rbind", "rprivate", "ro", NULL };
	const char *typebind[] = { "shared", NULL };
	const char *props[] = { "rshared",    "slave",       "rslave", "private",
				"unbindable", "runbindable", NULL };
	const char *none[] = { NULL };

	CHECK(mount_opts(&m, NULL, rbind) == 0);
	CHECK(m.bind);
	CHECK_INT(m.flags, MS_BIND | MS_REC | MS_RDONLY);
	CHECK_INT(m.propagation, MS_PRIVATE | MS_REC);
	mount_clear(&m);

	CHECK(mount_opts(&m, "bind", typebind) == 0);
	CHECK(m.bind);
	CHECK_INT(m.flags, MS_BIND);
	CHECK_INT(m.propagation, MS_SHARED);
	mount_clear(&m);

	for (size_t i = 0; props[i]; i++) {
		const char *one[] = { props[i], NULL };
		unsigned long want[] = {
			MS_SHARED | MS_REC, MS_SLAVE,      MS_SLAVE | MS_REC,
			MS_PRIVATE,         MS_UNBINDABLE, MS_UNBINDABLE | MS_REC
		};

		CHECK(mount_opts(&m, "none", one) == 0);
		CHECK_INT(m.propagation, want[i]);
		CHECK(m.data == NULL);
		mount_clear(&m);
	}

	CHECK(mount_opts(&m, "proc", none) == 0);
	CHECK(!m.bind);
	CHECK_INT(m.flags, 0);
	mount_clear(&m);
}

TEST(spec_mount_options_special)
{
	struct spec_mount m;
	const char *copyup[] = { "tmpcopyup", "",      "defaults",    "rro",
				 "rnosuid",   "rsuid", "newinstance", NULL };
	const char *idmap[] = { "rbind", "idmap", NULL };

	CHECK(mount_opts(&m, "tmpfs", copyup) == 0);
	CHECK(m.tmpcopyup);
	CHECK_INT(m.flags, 0);
	CHECK_INT(m.rec_attr_set, MOUNT_ATTR_RDONLY);
	CHECK_INT(m.rec_attr_clear, MOUNT_ATTR_NOSUID);
	CHECK_STR(m.data, "newinstance");
	/* a second run starts from scratch */
	CHECK(spec_mount_parse_options(&m, &test_err) == 0);
	CHECK_STR(m.data, "newinstance");
	mount_clear(&m);

	CHECK(mount_opts(&m, "bind", idmap) < 0);
	CHECK_STR(test_err.msg, "\"idmap\": idmapped mounts are not supported");
	mount_clear(&m);

	CHECK_STR(parse_err("'mounts': [{'destination': '/a', 'options': ['ridmap']}]"),
		  "config: mounts[0].options: \"ridmap\": idmapped mounts are not supported");
	CHECK_STR(
		parse_err("'mounts': [{'destination': '/a',"
			  " 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}]}]"),
		"config: mounts[0]: idmapped mounts (uidMappings, gidMappings) are not supported");
}

TEST(spec_signals)
{
	CHECK_INT(spec_signal_number("TERM"), SIGTERM);
	CHECK_INT(spec_signal_number("SIGTERM"), SIGTERM);
	CHECK_INT(spec_signal_number("sigkill"), SIGKILL);
	CHECK_INT(spec_signal_number("Hup"), SIGHUP);
	CHECK_INT(spec_signal_number("SIGWINCH"), SIGWINCH);
	CHECK_INT(spec_signal_number("9"), 9);
	CHECK_INT(spec_signal_number("15"), SIGTERM);
	CHECK_INT(spec_signal_number("64"), SIGRTMAX);
	CHECK_INT(spec_signal_number("RTMIN"), SIGRTMIN);
	CHECK_INT(spec_signal_number("SIGRTMIN+3"), SIGRTMIN + 3);
	CHECK_INT(spec_signal_number("rtmax-2"), SIGRTMAX - 2);
	CHECK_INT(spec_signal_number("SIGRTMAX"), SIGRTMAX);
	CHECK_INT(spec_signal_number("0"), -1);
	CHECK_INT(spec_signal_number("65"), -1);
	CHECK_INT(spec_signal_number("-9"), -1);
	CHECK_INT(spec_signal_number("9x"), -1);
	CHECK_INT(spec_signal_number("99999999999999999999"), -1);
	CHECK_INT(spec_signal_number("SIG"), -1);
	CHECK_INT(spec_signal_number(""), -1);
	CHECK_INT(spec_signal_number("FOO"), -1);
	CHECK_INT(spec_signal_number("RTMIN-1"), -1);
	CHECK_INT(spec_signal_number("RTMAX+1"), -1);
	CHECK_INT(spec_signal_number("RTMIN+"), -1);
	CHECK_INT(spec_signal_number("RTMIN+99"), -1);
}

TEST(spec_devices)
{
	struct spec *s =
		parse_ok("'linux': {'resources': {'devices': [{'allow': false},"
			 " {'allow': true, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rw'},"
			 " {'allow': true, 'type': '', 'access': 'mrrm'}]}}");
	const struct spec_device_rule *d;

	CHECK(s);
	d = s->linux.resources.devices;
	CHECK_INT(s->linux.resources.n_devices, 3);
	CHECK(!d[0].allow);
	CHECK_INT(d[0].type, 'a');
	CHECK_INT(d[0].major, -1);
	CHECK_INT(d[0].minor, -1);
	CHECK_STR(d[0].access, "rwm");
	CHECK(d[1].allow);
	CHECK_INT(d[1].type, 'c');
	CHECK_INT(d[1].major, 1);
	CHECK_INT(d[1].minor, 3);
	CHECK_STR(d[1].access, "rw");
	CHECK_INT(d[2].type, 'a');
	CHECK_STR(d[2].access, "mr");
	spec_free(s);
	CHECK_STR(
		parse_err(
			"'linux': {'resources': {'devices': [{'allow': true, 'access': 'rwx'}]}}"),
		"config: linux.resources.devices[0].access: expected letters from \"rwm\", got "
		"\"rwx\"");
	CHECK_STR(parse_err("'linux': {'resources': {'devices': [{'allow': true, 'type': 'p'}]}}"),
		  "config: linux.resources.devices[0].type: expected \"a\", \"c\" or \"b\", got "
		  "\"p\"");
	CHECK_STR(parse_err("'linux': {'resources': {'devices': [{'allow': true, 'type': 'cb'}]}}"),
		  "config: linux.resources.devices[0].type: expected \"a\", \"c\" or \"b\", got "
		  "\"cb\"");
	CHECK_STR(parse_err("'linux': {'resources': {'devices': [{'access': 'r'}]}}"),
		  "config: linux.resources.devices[0].allow: required field is missing");
	CHECK_STR(parse_err("'linux': {'resources': {'devices': [{'allow': true, 'major': -2}]}}"),
		  "config: linux.resources.devices[0].major: -2 is out of range "
		  "[-1, 9223372036854775807]");
}

TEST(spec_rootfs_propagation)
{
	const char *names[] = { "shared",  "slave",  "private",  "unbindable",
				"rshared", "rslave", "rprivate", "runbindable" };
	unsigned long flags[] = { MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		cleanup_free char *m = xasprintf("'linux': {'rootfsPropagation': '%s'}", names[i]);
		struct spec *s = parse_ok(m);

		CHECK(s);
		CHECK_INT(s->linux.rootfs_propagation, flags[i % 4] | MS_REC);
		spec_free(s);
	}
	CHECK_STR(parse_err("'linux': {'rootfsPropagation': 'rw'}"),
		  "config: linux.rootfsPropagation: unknown propagation \"rw\"");
	CHECK_STR(parse_err("'linux': {'rootfsPropagation': 'rrshared'}"),
		  "config: linux.rootfsPropagation: unknown propagation \"rrshared\"");
}

TEST(spec_hooks)
{
	struct spec *s =
		parse_ok("'hooks': {'prestart': [{'path': '/a', 'args': ['a', 'x'], 'env': "
			 "['K=V'], 'timeout': 5}],"
			 " 'createRuntime': [{'path': '/b'}], 'createContainer': [{'path': '/c'}],"
			 " 'startContainer': [{'path': '/d'}], 'poststart': [{'path': '/e'}],"
			 " 'poststop': [{'path': '/f'}, {'path': '/g'}]}");

	CHECK(s);
	CHECK_INT(s->hooks.n_prestart, 1);
	CHECK_STR(s->hooks.prestart[0].path, "/a");
	CHECK_STR(s->hooks.prestart[0].args[1], "x");
	CHECK_STR(s->hooks.prestart[0].env[0], "K=V");
	CHECK_INT(s->hooks.prestart[0].timeout, 5);
	CHECK_STR(s->hooks.create_runtime[0].path, "/b");
	CHECK_STR(s->hooks.create_container[0].path, "/c");
	CHECK_STR(s->hooks.start_container[0].path, "/d");
	CHECK_STR(s->hooks.poststart[0].path, "/e");
	CHECK_INT(s->hooks.n_poststop, 2);
	CHECK_STR(s->hooks.poststop[1].path, "/g");
	CHECK_INT(s->hooks.poststop[1].timeout, 0);
	spec_free(s);
	CHECK_STR(parse_err("'hooks': {'poststop': [{'path': '/a', 'timeout': 0}]}"),
		  "config: hooks.poststop[0].timeout: 0 is out of range [1, 2147483647]");
	CHECK_STR(parse_err("'hooks': []"), "config: hooks: expected an object, got an array");
}

TEST(spec_json_kept_as_reference)
{
	cleanup_free char *text = with_base(
		"'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO'},"
		" 'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229}],"
		" 'personality': {'domain': 'LINUX32'}, 'timeOffsets': {'boottime': {'secs': 1}}}");
	json_object *root = json_tokener_parse(text), *v;
	struct spec *s = NULL;

	CHECK(root);
	CHECK(spec_from_json(root, &s, &test_err) == 0);
	json_object_put(root); /* the spec keeps its own references */
	CHECK(json_object_object_get_ex(s->linux.seccomp, "defaultAction", &v));
	CHECK_STR(json_object_get_string(v), "SCMP_ACT_ERRNO");
	CHECK_INT(json_object_array_length(s->linux.devices), 1);
	CHECK(s->linux.personality);
	CHECK(s->linux.time_offsets);
	spec_free(s);
}

TEST(spec_null_is_absent)
{
	struct spec *s = parse_ok("'process': {'user': null, 'cwd': null, 'args': null},"
				  " 'mounts': null, 'linux': {'seccomp': null, 'resources': null}");

	CHECK(s);
	CHECK_STR(s->process->cwd, "/");
	CHECK(!s->linux.seccomp);
	spec_free(s);
}

TEST(spec_json_syntax)
{
	CHECK_STR(parse_err_text("{\"ociVersion\": \"1\",\n \"root\": }"),
		  "config: invalid JSON: unexpected character at offset 29 (line 2, column 10)");
	CHECK_STR(parse_err_text("{\"ociVersion\": \"1\""),
		  "config: invalid JSON: unexpected end of data at offset 18 (line 1, column 19)");
	CHECK_STR(parse_err_text("{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}} x"),
		  "config: invalid JSON: unexpected character at offset 43 (line 1, column 44)");
	CHECK_STR(parse_err_text(""),
		  "config: invalid JSON: unexpected end of data at offset 0 (line 1, column 1)");
	CHECK(strstr(parse_err_text("{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\",}}"),
		     "config: invalid JSON: "));
}

TEST(spec_process_alone)
{
	cleanup_free char *text = cfg("{'args': ['ls', '-l'], 'cwd': '/tmp', 'env': ['A=B'],"
				      " 'capabilities': {'bounding': ['CAP_KILL']}}");
	cleanup_free char *bad = cfg("{'args': [true]}");
	json_object *obj = json_tokener_parse(text);
	struct spec_process *p = NULL;

	CHECK(obj);
	CHECK(spec_process_from_json(obj, &p, &test_err) == 0);
	json_object_put(obj);
	CHECK_STR(p->args[1], "-l");
	CHECK_STR(p->cwd, "/tmp");
	CHECK_INT(p->caps.bounding, CAPBIT(CAP_KILL));
	spec_process_free(p);

	obj = json_tokener_parse(bad);
	CHECK(obj);
	p = NULL;
	CHECK(spec_process_from_json(obj, &p, &test_err) < 0);
	json_object_put(obj);
	CHECK(p == NULL);
	CHECK_STR(test_err.msg, "process: args[0]: expected a string, got a boolean");
}

TEST(spec_load_file_errors)
{
	char path[] = "/tmp/spec-test-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "{\"ociVersion\": 1}";
	struct spec *s = NULL;
	char expect[128];

	CHECK(fd >= 0);
	CHECK(write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1);
	close(fd);
	CHECK(spec_load_file(path, &s, &test_err) < 0);
	snprintf(expect, sizeof(expect),
		 "%s: config: ociVersion: expected a string, got an integer", path);
	CHECK_STR(test_err.msg, expect);
	unlink(path);
	CHECK(spec_load_file(path, &s, &test_err) < 0);
	CHECK(test_err.errnum == ENOENT);
	CHECK(s == NULL);
}

TEST(spec_load_file_nul_byte)
{
	char path[] = "/tmp/spec-test-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}}\0{junk";
	struct spec *s = NULL;

	CHECK(fd >= 0);
	CHECK(write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1);
	close(fd);
	CHECK(spec_load_file(path, &s, &test_err) < 0);
	unlink(path);
	CHECK(strstr(test_err.msg, ": config: invalid JSON: NUL byte at offset 42"));
}

/* Errors deep inside must free everything parsed so far: run under ASan. */
TEST(spec_error_after_much_parsed)
{
	const char *at = strstr(runc_default, "'/proc/acpi'");
	cleanup_free char *broken = NULL, *text = NULL;

	CHECK(at);
	broken = xasprintf("%.*s1%s", (int)(at - runc_default), runc_default,
			   at + strlen("'/proc/acpi'"));
	text = cfg(broken);
	CHECK_STR(parse_err_text(text),
		  "config: linux.maskedPaths[0]: expected a string, got an integer");
}

/* ---- the lists of `features` are what the parser takes ---- */

struct name_check {
	int bad; /* names the parser refused */
	int n;
	void (*check)(const char *name, struct name_check *c);
};

static void check_name(const char *name, void *ctx)
{
	struct name_check *c = ctx;

	c->n++;
	c->check(name, c);
}

static void namespace_parses(const char *name, struct name_check *c)
{
	char *members = xasprintf("'linux': {'namespaces': [{'type': '%s'}]}", name);
	struct spec *s = parse_ok(members);

	if (!s || !spec_find_namespace(s, spec_namespace_type(name))) {
		fprintf(stderr, "  namespace %s refused\n", name);
		c->bad++;
	}
	spec_free(s);
	free(members);
}

static void cap_parses(const char *name, struct name_check *c)
{
	char *members = xasprintf("'process': {'args': ['/x'], 'cwd': '/', 'capabilities': "
				  "{'bounding': ['%s']}}",
				  name);
	struct spec *s = parse_ok(members);
	int num = spec_cap_number(name);

	if (!s || num < 0 || !(s->process->caps.bounding & (UINT64_C(1) << num))) {
		fprintf(stderr, "  capability %s refused\n", name);
		c->bad++;
	}
	spec_free(s);
	free(members);
}

/* Taken as an option, not passed to the kernel as data. */
static void mount_option_parses(const char *name, struct name_check *c)
{
	char *opts[] = { (char *)(uintptr_t)name, NULL };
	struct spec_mount m = { .type = (char *)(uintptr_t) "bind", .options = opts };
	md_error err;

	if (spec_mount_parse_options(&m, &err) < 0 || m.data) {
		fprintf(stderr, "  mount option %s not understood\n", name);
		c->bad++;
	}
	free(m.data);
}

static void hook_parses(const char *name, struct name_check *c)
{
	char *members = xasprintf("'hooks': {'%s': [{'path': '/bin/true'}]}", name);
	struct spec *s = parse_ok(members);

	if (!s) {
		fprintf(stderr, "  hook list %s refused\n", name);
		c->bad++;
	}
	spec_free(s);
	free(members);
}

TEST(spec_feature_lists_are_what_the_parser_takes)
{
	struct name_check ns = { .check = namespace_parses }, caps = { .check = cap_parses },
			  mo = { .check = mount_option_parses }, hooks = { .check = hook_parses };

	spec_each_namespace(check_name, &ns);
	spec_each_cap(check_name, &caps);
	spec_each_mount_option(check_name, &mo);
	spec_each_hook(check_name, &hooks);
	CHECK_INT(ns.bad + caps.bad + mo.bad + hooks.bad, 0);
	CHECK_INT(ns.n, 8); /* user and time too */
	CHECK(caps.n >= 41);
	CHECK(mo.n >= 60);
	CHECK_INT(hooks.n, 6);
	/* And what is not listed is refused. */
	CHECK(strstr(parse_err("'linux': {'namespaces': [{'type': 'bogus'}]}"), "bogus") != NULL);
}
