/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd cgroup driver: a transient unit per container, started,
 * changed and stopped over D-Bus with sd-bus (systemd.resource-control(5)
 * for the properties, org.freedesktop.systemd1(5) for the methods). Each
 * call opens its own connection: the runtime forks, and sd-bus refuses a
 * connection inherited across fork.
 *
 * libsystemd is opened when the driver is first used, not linked: loading
 * it and what it needs (gcrypt, lz4, zstd, lzma) would cost every exec of
 * mydocker ~2.5 ms on our test machine, driver or not. */
#include "runtime/cgroup-systemd.h"
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define ERR_UNIT_EXISTS "org.freedesktop.systemd1.UnitExists"
#define ERR_NO_SUCH_UNIT "org.freedesktop.systemd1.NoSuchUnit"

#define SYSTEMD_RUN_DIR "/run/systemd/system"
#define PRIVATE_SOCKET "/run/systemd/private"
#define SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"

#define SLICE_SUFFIX ".slice"
#define SCOPE_SUFFIX ".scope"
#define ROOT_SLICE "-.slice"
#define UNIT_NAME_MAX 255 /* systemd's UNIT_NAME_MAX less the NUL */
#define SD_INFINITY UINT64_MAX
#define DEFAULT_CPU_PERIOD 100000 /* the kernel's, in microseconds */
#define CPUSET_MAX_BITS 65536     /* bounds the bitmask we allocate */
/* Versions that first took these properties; older ones get files only. */
#define SD_VERSION_QUOTA_PERIOD 242
#define SD_VERSION_ALLOWED_CPUS 244

#define LIBSYSTEMD "libsystemd.so.0"

/* The sd-bus functions we use, called through sdb, with the prototypes of
 * <systemd/sd-bus.h>. */
/* clang-format off */
#define SDB_FUNCS(X)                                                                    \
	X(sd_bus_new) X(sd_bus_set_address) X(sd_bus_start) X(sd_bus_open_system)       \
	X(sd_bus_flush_close_unref) X(sd_bus_unref) X(sd_bus_call)                      \
	X(sd_bus_call_method) X(sd_bus_get_property_string) X(sd_bus_match_signal)      \
	X(sd_bus_process) X(sd_bus_wait) X(sd_bus_slot_unref)                           \
	X(sd_bus_message_new_method_call) X(sd_bus_message_unref)                       \
	X(sd_bus_message_append) X(sd_bus_message_append_array)                         \
	X(sd_bus_message_open_container) X(sd_bus_message_close_container)              \
	X(sd_bus_message_read) X(sd_bus_error_free) X(sd_bus_error_is_set)              \
	X(sd_bus_error_has_name)
/* clang-format on */

#define SDB_FIELD(f) __typeof__(f) *f;
static struct {
	SDB_FUNCS(SDB_FIELD)
} sdb;

static int sdb_load(md_error *err)
{
	static void *lib;
	void *h;

	if (lib)
		return 0;
	h = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return md_error_set(err, 0, "the systemd cgroup driver needs %s: %s", LIBSYSTEMD,
				    dlerror());
#define SDB_LOAD(f)                                                                                \
	if (!(sdb.f = (__typeof__(sdb.f))dlsym(h, #f))) {                                          \
		dlclose(h);                                                                        \
		return md_error_set(err, 0, "%s has no %s (too old?)", LIBSYSTEMD, #f);            \
	}
	SDB_FUNCS(SDB_LOAD)
	lib = h;
	return 0;
}

/* Cleanups; all run before sdb_load too, with nothing to free. */
static void msg_unrefp(sd_bus_message **m)
{
	if (*m)
		sdb.sd_bus_message_unref(*m);
}

static void slot_unrefp(sd_bus_slot **s)
{
	if (*s)
		sdb.sd_bus_slot_unref(*s);
}

static void bus_error_freep(sd_bus_error *e)
{
	if (e->name || e->message)
		sdb.sd_bus_error_free(e);
}

#define cleanup_msg __attribute__((cleanup(msg_unrefp)))
#define cleanup_slot __attribute__((cleanup(slot_unrefp)))
#define cleanup_bus_error __attribute__((cleanup(bus_error_freep)))

/* ---------- names and paths (pure) ---------- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* The characters systemd allows in a plain unit name. */
static bool unit_chars_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(":-_.\\", s[i]))
			return false;
	return true;
}

static bool unit_name_ok(const char *name, const char *suffix)
{
	size_t len = strlen(name);

	return has_suffix(name, suffix) && len <= UNIT_NAME_MAX && unit_chars_ok(name, len);
}

/* systemd's slice rules: '-' separates the levels, so no empty level. */
static bool slice_name_ok(const char *name)
{
	size_t len;

	if (strcmp(name, ROOT_SLICE) == 0)
		return true;
	if (!unit_name_ok(name, SLICE_SUFFIX))
		return false;
	len = strlen(name) - strlen(SLICE_SUFFIX);
	return name[0] != '-' && name[len - 1] != '-' && !memmem(name, len, "--", 2);
}

static char *cut(const char *s, const char *end)
{
	return xasprintf("%.*s", (int)(end - s), s);
}

int cgsd_parse_path(const char *cgroups_path, char **slice, char **unit, md_error *err)
{
	const char *p = cgroups_path ? cgroups_path : "";
	const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	cleanup_free char *s = NULL, *prefix = NULL, *u = NULL;
	const char *name;

	if (!c2 || strchr(c2 + 1, ':'))
		return md_error_set(err, EINVAL,
				    "invalid systemd cgroupsPath `%s`: want slice:prefix:name", p);
	s = cut(p, c1);
	prefix = cut(c1 + 1, c2);
	name = c2 + 1;
	if (!*s || strcmp(s, "-") == 0) {
		free(s);
		s = xstrdup(CGSD_DEFAULT_SLICE);
	} else if (!slice_name_ok(s)) {
		return md_error_set(err, EINVAL,
				    "invalid slice `%s` in cgroupsPath `%s`: a slice "
				    "name ends in .slice, without --, leading or trailing -",
				    s, p);
	}
	if (!unit_chars_ok(prefix, strlen(prefix)))
		return md_error_set(err, EINVAL,
				    "invalid prefix `%s` in cgroupsPath `%s`: "
				    "letters, digits and :-_.\\ only",
				    prefix, p);
	if (!*name || !unit_chars_ok(name, strlen(name)))
		return md_error_set(err, EINVAL,
				    "invalid name `%s` in cgroupsPath `%s`: "
				    "letters, digits and :-_.\\ only",
				    name, p);
	if (has_suffix(name, SLICE_SUFFIX) && !slice_name_ok(name))
		return md_error_set(err, EINVAL,
				    "invalid slice name `%s` in cgroupsPath `%s`: "
				    "no --, leading or trailing -",
				    name, p);
	if (has_suffix(name, SLICE_SUFFIX))
		u = xstrdup(name);
	else if (*prefix)
		u = xasprintf("%s-%s" SCOPE_SUFFIX, prefix, name);
	else
		u = xasprintf("%s" SCOPE_SUFFIX, name);
	if (strlen(u) > UNIT_NAME_MAX)
		return md_error_set(err, EINVAL,
				    "unit name `%s` from cgroupsPath is longer than %d", u,
				    UNIT_NAME_MAX);
	*slice = TAKE_PTR(s);
	*unit = TAKE_PTR(u);
	return 0;
}

/* systemd's controllers, whose "NAME.x" files a cgroup name must not look
 * like. */
static const char *const sd_controllers[] = {
	"cpu",
	"cpuacct",
	"cpuset",
	"io",
	"blkio",
	"memory",
	"devices",
	"pids",
	"bpf-firewall",
	"bpf-devices",
	"bpf-foreign",
	"bpf-socket-bind",
	"bpf-restrict-network-interfaces",
};

/* systemd's cg_escape: a '_' in front of a name that could clash with the
 * kernel's files ("cgroup.procs", "memory.max") or with escaped names. */
static bool needs_escape(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (name[0] == '_' || name[0] == '.' || md_str_has_prefix(name, "cgroup."))
		return true;
	for (size_t i = 0; dot && i < ARRAY_SIZE(sd_controllers); i++)
		if (strlen(sd_controllers[i]) == (size_t)(dot - name) &&
		    strncmp(name, sd_controllers[i], (size_t)(dot - name)) == 0)
			return true;
	return false;
}

static void append_level(char **path, const char *name)
{
	char *next = xasprintf("%s/%s%s", *path, needs_escape(name) ? "_" : "", name);

	free(*path);
	*path = next;
}

/* "a-b.slice" -> "/a.slice/a-b.slice"; the root slice -> "". */
static char *expand_slice(const char *slice)
{
	char *path;
	size_t base;

	if (!slice_name_ok(slice))
		return NULL;
	path = xstrdup("");
	if (strcmp(slice, ROOT_SLICE) == 0)
		return path;
	base = strlen(slice) - strlen(SLICE_SUFFIX);
	for (size_t i = 1; i <= base; i++) {
		if (i < base && slice[i] != '-')
			continue;
		cleanup_free char *level = xasprintf("%.*s" SLICE_SUFFIX, (int)i, slice);

		append_level(&path, level);
	}
	return path;
}

char *cgsd_cgroup_path(const char *slice, const char *unit)
{
	char *path;

	if (!unit)
		return NULL;
	if (has_suffix(unit, SLICE_SUFFIX) || strcmp(unit, ROOT_SLICE) == 0) {
		/* a slice's place follows from its own name */
		path = expand_slice(unit);
	} else {
		if (!unit_name_ok(unit, SCOPE_SUFFIX))
			return NULL;
		path = expand_slice(slice && *slice ? slice : CGSD_DEFAULT_SLICE);
		if (path)
			append_level(&path, unit);
	}
	if (path && !*path) {
		free(path);
		path = xstrdup("/");
	}
	return path;
}

/* ---------- property values (pure) ---------- */

static int cpuset_number(const char **s, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return -1;
	errno = 0;
	*v = strtoul(*s, &end, 10);
	if (errno || *v >= CPUSET_MAX_BITS)
		return -1;
	*s = end;
	return 0;
}

static void set_bits(uint8_t **bits, size_t *n, unsigned long lo, unsigned long hi)
{
	size_t need = hi / 8 + 1;

	if (need > *n) {
		*bits = xrealloc(*bits, need);
		memset(*bits + *n, 0, need - *n);
		*n = need;
	}
	for (unsigned long i = lo; i <= hi; i++)
		(*bits)[i / 8] |= (uint8_t)(1u << (i % 8));
}

int cgsd_cpuset_bits(const char *list, uint8_t **bits, size_t *n, md_error *err)
{
	cleanup_free uint8_t *b = NULL;
	size_t len = 0;
	const char *s = list ? list : "";

	while (*s) {
		unsigned long lo, hi;

		if (*s == ',' || isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (cpuset_number(&s, &lo) < 0)
			return md_error_set(err, EINVAL, "invalid cpuset list `%s`", list);
		hi = lo;
		if (*s == '-' && (s++, cpuset_number(&s, &hi) < 0 || hi < lo))
			return md_error_set(err, EINVAL, "invalid range in cpuset list `%s`", list);
		if (*s && *s != ',' && !isspace((unsigned char)*s))
			return md_error_set(err, EINVAL, "invalid cpuset list `%s`", list);
		set_bits(&b, &len, lo, hi);
	}
	if (len == 0)
		return md_error_set(err, EINVAL, "empty cpuset list `%s`", list ? list : "");
	*bits = TAKE_PTR(b);
	*n = len;
	return 0;
}

uint64_t cgsd_quota_per_sec(int64_t quota, int64_t period)
{
	/* 10 ms per second: systemd stores CPUQuota= in whole percent, and
	 * rounding down would give the container less than it asked for */
	const unsigned __int128 step = 10000;
	unsigned __int128 v;

	if (quota <= 0)
		return SD_INFINITY;
	if (period <= 0)
		period = DEFAULT_CPU_PERIOD;
	v = (unsigned __int128)quota * 1000000 / (uint64_t)period;
	v = (v + step - 1) / step * step;
	return v >= SD_INFINITY ? SD_INFINITY - 1 : (uint64_t)v;
}

int cgsd_version_num(const char *version)
{
	const char *s = version;
	long v;

	while (s && (*s == '"' || *s == 'v'))
		s++;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, NULL, 10);
	return v > 0 && v < 1000000 ? (int)v : -1;
}

/* ---------- the bus ---------- */

struct sd_conn {
	sd_bus *bus;
	bool direct; /* systemd's own socket: no bus daemon, no sender names */
	int version; /* systemd's; 0 until asked, -1 when unknown */
};

static void conn_close(struct sd_conn *c)
{
	if (c->bus)
		sdb.sd_bus_flush_close_unref(c->bus);
}
#define cleanup_conn __attribute__((cleanup(conn_close)))

static bool is_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cgsd_available(void)
{
	return is_dir(SYSTEMD_RUN_DIR) && ((geteuid() == 0 && access(PRIVATE_SOCKET, F_OK) == 0) ||
					   access(SYSTEM_BUS_SOCKET, F_OK) == 0);
}

static int connect_private(sd_bus **out)
{
	sd_bus *bus = NULL;
	int r = sdb.sd_bus_new(&bus);

	if (r >= 0)
		r = sdb.sd_bus_set_address(bus, "unix:path=" PRIVATE_SOCKET);
	if (r >= 0)
		r = sdb.sd_bus_start(bus);
	if (r < 0) {
		if (bus)
			sdb.sd_bus_unref(bus);
		return r;
	}
	*out = bus;
	return 0;
}

/* root talks to systemd directly, as systemctl does (it works without a
 * dbus-daemon); anyone else, and root when that fails, uses the system bus. */
static int conn_open(struct sd_conn *c, md_error *err)
{
	int r;

	if (!is_dir(SYSTEMD_RUN_DIR)) {
		if (access(SYSTEM_BUS_SOCKET, F_OK) < 0)
			return md_error_set(err, 0,
					    "the systemd cgroup driver needs systemd: no system "
					    "bus at %s (%s missing)",
					    SYSTEM_BUS_SOCKET, SYSTEMD_RUN_DIR);
		return md_error_set(err, 0,
				    "the systemd cgroup driver needs systemd as PID 1 "
				    "(%s missing)",
				    SYSTEMD_RUN_DIR);
	}
	if (sdb_load(err) < 0)
		return -1;
	if (geteuid() == 0 && connect_private(&c->bus) == 0) {
		c->direct = true;
		return 0;
	}
	r = sdb.sd_bus_open_system(&c->bus);
	if (r < 0)
		return md_error_set(err, -r,
				    "the systemd cgroup driver needs systemd: cannot "
				    "reach the system bus at %s",
				    SYSTEM_BUS_SOCKET);
	return 0;
}

static int sd_version(struct sd_conn *c)
{
	cleanup_free char *v = NULL;

	if (c->version == 0) {
		c->version = -1;
		if (sdb.sd_bus_get_property_string(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "Version",
						   NULL, &v) >= 0)
			c->version = cgsd_version_num(v);
	}
	return c->version;
}

static int bus_fail(md_error *err, int r, const sd_bus_error *be, const char *what)
{
	return md_error_set(err, -r, "systemd: %s: %s", what,
			    sdb.sd_bus_error_is_set(be) ? be->message : "D-Bus call failed");
}

static int msg_fail(md_error *err, int r, const char *unit)
{
	return md_error_set(err, -r, "systemd: build the D-Bus message for unit %s", unit);
}

/* ---------- properties ---------- */

static int put_u64(sd_bus_message *m, const char *name, uint64_t v, md_error *err)
{
	int r = sdb.sd_bus_message_append(m, "(sv)", name, "t", v);

	return r < 0 ? md_error_set(err, -r, "systemd: property %s", name) : 0;
}

/* OCI's -1 (no limit) is systemd's infinity. */
static uint64_t limit_value(int64_t v)
{
	return v < 0 ? SD_INFINITY : (uint64_t)v;
}

static int put_cpuset(sd_bus_message *m, const char *name, const char *list, md_error *err)
{
	cleanup_free uint8_t *bits = NULL;
	size_t n = 0;
	int r;

	if (!list || !*list)
		return 0;
	if (cgsd_cpuset_bits(list, &bits, &n, err) < 0)
		return -1;
	r = sdb.sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sdb.sd_bus_message_append(m, "s", name);
	if (r >= 0)
		r = sdb.sd_bus_message_open_container(m, 'v', "ay");
	if (r >= 0)
		r = sdb.sd_bus_message_append_array(m, 'y', bits, n);
	if (r >= 0)
		r = sdb.sd_bus_message_close_container(m);
	if (r >= 0)
		r = sdb.sd_bus_message_close_container(m);
	return r < 0 ? md_error_set(err, -r, "systemd: property %s", name) : 0;
}

static int append_memory(sd_bus_message *m, const struct spec_resources *res, md_error *err)
{
	int64_t limit = cg_opt(&res->memory_limit), resv = cg_opt(&res->memory_reservation);
	int64_t swap = cg_opt(&res->memory_swap), swap_max = 0;

	if (limit != 0 && put_u64(m, "MemoryMax", limit_value(limit), err) < 0)
		return -1;
	if (resv != 0 && put_u64(m, "MemoryLow", limit_value(resv), err) < 0)
		return -1;
	/* unlimited memory with no swap value lifts the swap limit too, as
	 * the cgroupfs writer does */
	if (limit == -1 && swap == 0)
		swap = -1;
	if (swap == 0)
		return 0;
	if (cg_v2_swap_max(swap, limit, &swap_max, err) < 0)
		return -1;
	return put_u64(m, "MemorySwapMax", limit_value(swap_max), err);
}

static int append_cpu(sd_bus_message *m, struct sd_conn *c, const struct spec_resources *res,
		      md_error *err)
{
	int64_t shares = cg_opt(&res->cpu_shares), quota = cg_opt(&res->cpu_quota);
	int64_t period = cg_opt(&res->cpu_period);

	if (shares > 0 &&
	    put_u64(m, "CPUWeight", cgroup_shares_to_weight((unsigned long long)shares), err) < 0)
		return -1;
	if (period > 0 && sd_version(c) >= SD_VERSION_QUOTA_PERIOD &&
	    put_u64(m, "CPUQuotaPeriodUSec", (uint64_t)period, err) < 0)
		return -1;
	if ((quota != 0 || period != 0) &&
	    put_u64(m, "CPUQuotaPerSecUSec", cgsd_quota_per_sec(quota, period), err) < 0)
		return -1;
	if ((res->cpuset_cpus || res->cpuset_mems) && sd_version(c) >= SD_VERSION_ALLOWED_CPUS &&
	    (put_cpuset(m, "AllowedCPUs", res->cpuset_cpus, err) < 0 ||
	     put_cpuset(m, "AllowedMemoryNodes", res->cpuset_mems, err) < 0))
		return -1;
	return 0;
}

/* The limits systemd has properties for. The others (swappiness, realtime,
 * burst, idle, per-device blkio, hugetlb, devices, unified, net_cls/prio)
 * are the caller's to write as files; it may write these too, as runc does:
 * the values are the same. */
static int append_resources(sd_bus_message *m, struct sd_conn *c, const struct spec_resources *res,
			    md_error *err)
{
	int64_t weight = cg_opt(&res->blkio_weight);

	if (append_memory(m, res, err) < 0 || append_cpu(m, c, res, err) < 0)
		return -1;
	if (res->pids_limit.set &&
	    put_u64(m, "TasksMax",
		    res->pids_limit.v <= 0 ? SD_INFINITY : (uint64_t)res->pids_limit.v, err) < 0)
		return -1;
	if (weight > 0 && put_u64(m, "IOWeight", cg_blkio_to_io_weight((uint64_t)weight), err) < 0)
		return -1;
	return 0;
}

/* A scope goes into the slice and holds pid; a transient slice is placed
 * by its name, and wants the given slice (runc's choice). */
static int append_unit(sd_bus_message *m, const char *slice, const char *unit, pid_t pid)
{
	cleanup_free char *desc = xasprintf("mydocker container %s", unit);
	int r = sdb.sd_bus_message_append(m, "(sv)", "Description", "s", desc);

	if (r >= 0 && !has_suffix(unit, SLICE_SUFFIX))
		r = sdb.sd_bus_message_append(m, "(sv)(sv)", "Slice", "s", slice, "Delegate", "b",
					      1);
	else if (r >= 0)
		r = sdb.sd_bus_message_append(m, "(sv)", "Wants", "as", 1, slice);
	if (r >= 0 && pid > 0)
		r = sdb.sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid);
	/* accounting on, for stats and limits set later by `update` */
	if (r >= 0)
		r = sdb.sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "DefaultDependencies", "b",
					      0, "MemoryAccounting", "b", 1, "CPUAccounting", "b",
					      1, "TasksAccounting", "b", 1, "IOAccounting", "b", 1);
	return r;
}

/* Open an "a(sv)" array, fill it, close it. */
static int append_props(sd_bus_message *m, struct sd_conn *c, const char *slice, const char *unit,
			pid_t pid, const struct spec_resources *res, md_error *err)
{
	int r = sdb.sd_bus_message_open_container(m, 'a', "(sv)");

	if (r >= 0 && slice)
		r = append_unit(m, slice, unit, pid);
	if (r < 0)
		return msg_fail(err, r, unit);
	if (res && append_resources(m, c, res, err) < 0)
		return -1;
	r = sdb.sd_bus_message_close_container(m);
	return r < 0 ? msg_fail(err, r, unit) : 0;
}

static int new_call(struct sd_conn *c, const char *method, sd_bus_message **m, md_error *err)
{
	int r = sdb.sd_bus_message_new_method_call(c->bus, m, SD_DEST, SD_PATH, SD_MANAGER, method);

	return r < 0 ? md_error_set(err, -r, "systemd: D-Bus message for %s", method) : 0;
}

/* ---------- jobs ---------- */

struct job_wait {
	const char *path; /* the job's object path */
	char *result;     /* "done", "failed", "canceled", "timeout"... */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct job_wait *w = userdata;
	const char *path, *unit, *result;
	uint32_t id;

	if (sdb.sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->path && !w->result && strcmp(path, w->path) == 0)
		w->result = xstrdup(result);
	return 0;
}

static int wait_job(sd_bus *bus, struct job_wait *w, const char *what, md_error *err)
{
	long deadline = md_now_ms() + CGSD_JOB_TIMEOUT_MS;

	while (!w->result) {
		long left = deadline - md_now_ms();
		int r = sdb.sd_bus_process(bus, NULL);

		if (r < 0)
			return md_error_set(err, -r, "systemd: %s: read from the bus", what);
		if (r > 0)
			continue;
		if (left <= 0)
			return md_error_set(err, ETIMEDOUT,
					    "systemd: %s: the job did not finish "
					    "within %d s",
					    what, CGSD_JOB_TIMEOUT_MS / 1000);
		r = sdb.sd_bus_wait(bus, (uint64_t)left * 1000);
		if (r < 0 && r != -EINTR)
			return md_error_set(err, -r, "systemd: %s: wait on the bus", what);
	}
	return 0;
}

/* Call a method that answers with a job, and wait until systemd removes
 * the job: *result says how it ended. be keeps the D-Bus error of the call
 * for the caller to tell apart. */
static int call_job(struct sd_conn *c, sd_bus_message *m, const char *what, sd_bus_error *be,
		    char **result, md_error *err)
{
	cleanup_slot sd_bus_slot *slot = NULL;
	cleanup_msg sd_bus_message *reply = NULL;
	struct job_wait w = { NULL, NULL };
	int r;

	/* Subscribe first: the job may end before the reply is read. The
	 * signal comes to whoever asked for the job (systemd tracks the
	 * caller), and on the direct socket it has no sender name. */
	r = sdb.sd_bus_match_signal(c->bus, &slot, c->direct ? NULL : SD_DEST, SD_PATH, SD_MANAGER,
				    "JobRemoved", on_job_removed, &w);
	if (r < 0)
		return md_error_set(err, -r, "systemd: %s: subscribe to JobRemoved", what);
	r = sdb.sd_bus_call(c->bus, m, 0, be, &reply);
	if (r < 0)
		return bus_fail(err, r, be, what);
	r = sdb.sd_bus_message_read(reply, "o", &w.path);
	if (r < 0)
		return md_error_set(err, -r, "systemd: %s: unexpected reply", what);
	if (wait_job(c->bus, &w, what, err) < 0)
		return -1;
	*result = w.result;
	return 0;
}

/* A failed unit stays loaded, under its name, until reset. */
static void reset_failed(struct sd_conn *c, const char *unit)
{
	sdb.sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL,
			       "s", unit);
}

static int set_props(struct sd_conn *c, const char *unit, const struct spec_resources *res,
		     md_error *err)
{
	cleanup_msg sd_bus_message *m = NULL;
	cleanup_bus_error sd_bus_error be = SD_BUS_ERROR_NULL;
	cleanup_free char *what = xasprintf("set the properties of unit %s", unit);
	int r;

	if (new_call(c, "SetUnitProperties", &m, err) < 0)
		return -1;
	r = sdb.sd_bus_message_append(m, "sb", unit, 1);
	if (r < 0)
		return msg_fail(err, r, unit);
	if (append_props(m, c, NULL, unit, 0, res, err) < 0)
		return -1;
	r = sdb.sd_bus_call(c->bus, m, 0, &be, NULL);
	return r < 0 ? bus_fail(err, r, &be, what) : 0;
}

/* 0 when started, 1 when a unit of that name exists, -1 on error. */
static int start_once(struct sd_conn *c, const char *slice, const char *unit, pid_t pid,
		      const struct spec_resources *res, md_error *err)
{
	cleanup_msg sd_bus_message *m = NULL;
	cleanup_bus_error sd_bus_error be = SD_BUS_ERROR_NULL;
	cleanup_free char *what = xasprintf("start unit %s", unit), *result = NULL;
	int r;

	if (new_call(c, "StartTransientUnit", &m, err) < 0)
		return -1;
	r = sdb.sd_bus_message_append(m, "ss", unit, "replace");
	if (r < 0)
		return msg_fail(err, r, unit);
	if (append_props(m, c, slice, unit, pid, res, err) < 0)
		return -1;
	r = sdb.sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return msg_fail(err, r, unit);
	if (call_job(c, m, what, &be, &result, err) < 0) {
		if (sdb.sd_bus_error_has_name(&be, ERR_UNIT_EXISTS))
			return 1;
		if (!sdb.sd_bus_error_is_set(&be))
			reset_failed(c, unit); /* the job timed out */
		return -1;
	}
	if (strcmp(result, "done") == 0)
		return 0;
	reset_failed(c, unit);
	return md_error_set(err, 0, "systemd: start unit %s: job %s (see journalctl -u %s)", unit,
			    result, unit);
}

/* An active unit of that name: pid joins it, and res is set on it, as
 * the cgroupfs driver does with a cgroup that exists. */
static int join_unit(struct sd_conn *c, const char *unit, pid_t pid,
		     const struct spec_resources *res, md_error *err)
{
	cleanup_bus_error sd_bus_error be = SD_BUS_ERROR_NULL;
	cleanup_free char *what = xasprintf("add process %d to unit %s", (int)pid, unit);
	int r;

	if (pid > 0) {
		r = sdb.sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER,
					   "AttachProcessesToUnit", &be, NULL, "ssau", unit, "", 1,
					   (uint32_t)pid);
		if (r < 0)
			return bus_fail(err, r, &be, what);
	}
	return res ? set_props(c, unit, res, err) : 0;
}

int cgsd_start(const char *slice, const char *unit, pid_t pid, const struct spec_resources *res,
	       md_error *err)
{
	cleanup_conn struct sd_conn c = { NULL, false, 0 };
	cleanup_free char *where = NULL;
	int r;

	if (!slice || !*slice)
		slice = CGSD_DEFAULT_SLICE;
	where = cgsd_cgroup_path(slice, unit);
	if (!where || !slice_name_ok(slice))
		return md_error_set(err, EINVAL, "invalid systemd unit `%s` in slice `%s`",
				    unit ? unit : "", slice);
	if (pid > 0 && has_suffix(unit, SLICE_SUFFIX))
		return md_error_set(err, EINVAL,
				    "systemd unit %s is a slice, which holds no "
				    "process: name a scope",
				    unit);
	if (conn_open(&c, err) < 0)
		return -1;
	r = start_once(&c, slice, unit, pid, res, err);
	if (r == 1) {
		/* maybe a failed leftover: reset it and try once more (runc too) */
		reset_failed(&c, unit);
		r = start_once(&c, slice, unit, pid, res, err);
	}
	if (r == 1)
		return join_unit(&c, unit, pid, res, err);
	return r;
}

int cgsd_update(const char *unit, const struct spec_resources *res, md_error *err)
{
	cleanup_conn struct sd_conn c = { NULL, false, 0 };

	if (conn_open(&c, err) < 0)
		return -1;
	return set_props(&c, unit, res, err);
}

int cgsd_stop(const char *unit, md_error *err)
{
	cleanup_conn struct sd_conn c = { NULL, false, 0 };
	cleanup_msg sd_bus_message *m = NULL;
	cleanup_bus_error sd_bus_error be = SD_BUS_ERROR_NULL;
	cleanup_free char *what = xasprintf("stop unit %s", unit), *result = NULL;
	int r;

	if (conn_open(&c, err) < 0 || new_call(&c, "StopUnit", &m, err) < 0)
		return -1;
	r = sdb.sd_bus_message_append(m, "ss", unit, "replace");
	if (r < 0)
		return msg_fail(err, r, unit);
	if (call_job(&c, m, what, &be, &result, err) < 0 &&
	    !sdb.sd_bus_error_has_name(&be, ERR_NO_SUCH_UNIT))
		return -1;
	/* A stop job that did not end "done" still leaves the unit stopped
	 * or failed (runc goes on too); the reset makes systemd forget it. */
	reset_failed(&c, unit);
	return 0;
}
