/* SPDX-License-Identifier: Apache-2.0 */
/* state.c: the container record under a scratch root dir (ids, lock,
 * atomic save/load, list, delete, status from liveness and the fifo, the
 * OCI state object), and hooks.c run against /bin/sh. */
#include "unit.h"
#include "runtime/hooks.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *scratch_root(void)
{
	char tmpl[] = "/tmp/md-state-test.XXXXXX";

	if (!mkdtemp(tmpl))
		return NULL;
	/* A root that does not exist yet: state_create_dir makes it. */
	return xasprintf("%s/root", tmpl);
}

static void scratch_free(char *root)
{
	cleanup_free char *cmd = NULL;

	if (!root)
		return;
	cmd = xasprintf("rm -rf '%.*s'", (int)(strlen(root) - 5), root);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", root);
	free(root);
}

/* A record of this very process: alive, with the right start time. */
static struct rt_state *self_state(const char *id)
{
	struct rt_state *st = state_new(id);

	st->pid = getpid();
	if (state_proc_start_time(st->pid, &st->start_time, NULL, NULL) < 0) {
		state_free(st);
		return NULL;
	}
	st->bundle = xstrdup("/b");
	st->rootfs = xstrdup("/b/rootfs");
	st->created = state_now_rfc3339();
	st->cgroup_path = xstrdup("/mydocker/unit-no-such-cgroup");
	st->status = xstrdup("created");
	st->annotations = json_object_new_object();
	json_object_object_add(st->annotations, "org.example.k", json_object_new_string("v w"));
	return st;
}

TEST(state_check_id)
{
	CHECK_INT(state_check_id("abc-DEF_1.2+x", NULL), 0);
	CHECK_INT(state_check_id("", NULL), -1);
	CHECK_INT(state_check_id(NULL, NULL), -1);
	CHECK_INT(state_check_id(".", NULL), -1);
	CHECK_INT(state_check_id("..", NULL), -1);
	CHECK_INT(state_check_id("a/b", NULL), -1);
	CHECK_INT(state_check_id("a b", NULL), -1);
	CHECK_INT(state_check_id("a\nb", NULL), -1);
}

TEST(state_create_claims_id_and_locks)
{
	char *root = scratch_root();
	cleanup_close int lock = -1, lock2 = -1;
	cleanup_free char *dir = NULL, *lockpath = NULL;
	struct rt_state *st = NULL;
	struct stat sb;
	md_error err;
	int status = -1;
	pid_t pid;

	CHECK(root);
	CHECK_INT(state_create_dir(root, "c1", &lock, &err), 0);
	CHECK(stat(root, &sb) == 0 && (sb.st_mode & 0777) == 0700);
	dir = state_dir(root, "c1");
	CHECK(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700);
	CHECK_INT(state_create_dir(root, "c1", &lock2, &err), -1);
	CHECK_INT(err.errnum, EEXIST);
	/* No record yet and the creator holds the lock: creating. */
	CHECK_INT(state_load(root, "c1", &st, &err), 0);
	CHECK_INT(st->pid, 0);
	CHECK_INT(state_status(root, st), RT_STATUS_CREATING);
	state_free(st);
	/* Another process cannot take the lock meanwhile. */
	lockpath = state_file(root, "c1", "lock");
	pid = fork();
	if (pid == 0) {
		int fd = open(lockpath, O_RDWR);
		_exit(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The creator died before saving: stopped. */
	close(TAKE_FD(lock));
	CHECK_INT(state_load(root, "c1", &st, &err), 0);
	CHECK_INT(state_status(root, st), RT_STATUS_STOPPED);
	state_free(st);
	CHECK_INT(state_lock(root, "c1", &lock2, &err), 0);
	CHECK_INT(state_lock(root, "nope", &lock, &err), -1);
	CHECK_INT(err.errnum, ENOENT);
	scratch_free(root);
}

TEST(state_save_load_round_trip)
{
	char *root = scratch_root();
	cleanup_close int lock = -1;
	struct rt_state *st = self_state("rt"), *back = NULL;
	json_object *v;
	md_error err;

	CHECK(root && st);
	CHECK_INT(state_create_dir(root, "rt", &lock, &err), 0);
	CHECK_INT(state_save(root, st, &err), 0);
	CHECK_INT(state_load(root, "rt", &back, &err), 0);
	CHECK_INT(back->pid, st->pid);
	CHECK(back->start_time == st->start_time);
	CHECK_STR(back->bundle, "/b");
	CHECK_STR(back->rootfs, "/b/rootfs");
	CHECK_STR(back->created, st->created);
	CHECK_STR(back->owner, "");
	CHECK_STR(back->cgroup_path, st->cgroup_path);
	CHECK_STR(back->status, "created");
	CHECK(back->annotations &&
	      json_object_object_get_ex(back->annotations, "org.example.k", &v));
	CHECK_STR(json_object_get_string(v), "v w");
	state_free(back);
	CHECK_INT(state_load(root, "other", &back, &err), -1);
	CHECK_INT(err.errnum, ENOENT);
	state_free(st);
	scratch_free(root);
}

/* The cgroup directories create made: absent in older records (NULL, the
 * leaf is ours), an empty list when everything was joined. */
TEST(state_cgroup_owned_round_trip)
{
	char *root = scratch_root();
	cleanup_close int lock = -1;
	struct rt_state *st = self_state("own"), *back = NULL;
	md_error err;

	CHECK(root && st);
	CHECK_INT(state_create_dir(root, "own", &lock, &err), 0);
	CHECK_INT(state_save(root, st, &err), 0);
	CHECK_INT(state_load(root, "own", &back, &err), 0);
	CHECK(back->cgroup_owned == NULL);
	state_free(back);
	st->cgroup_owned = xmalloc0(sizeof(char *));
	CHECK_INT(state_save(root, st, &err), 0);
	CHECK_INT(state_load(root, "own", &back, &err), 0);
	CHECK(back->cgroup_owned && !back->cgroup_owned[0]);
	state_free(back);
	md_strv_push(&st->cgroup_owned, "/sys/fs/cgroup/pids/mydocker/pod");
	md_strv_push(&st->cgroup_owned, "/sys/fs/cgroup/pids/mydocker/pod/c");
	CHECK_INT(state_save(root, st, &err), 0);
	CHECK_INT(state_load(root, "own", &back, &err), 0);
	CHECK_INT((int)md_strv_len(back->cgroup_owned), 2);
	CHECK_STR(back->cgroup_owned[1], "/sys/fs/cgroup/pids/mydocker/pod/c");
	state_free(back);
	state_free(st);
	scratch_free(root);
}

/* The record create writes before making the cgroup (pid 0, "creating"):
 * once nobody holds the lock, the creator died and it is stopped. */
TEST(state_intent_record_of_a_dead_create_is_stopped)
{
	char *root = scratch_root();
	cleanup_close int lock = -1;
	struct rt_state *st = state_new("half"), *back = NULL;
	md_error err;

	CHECK(root);
	CHECK_INT(state_create_dir(root, "half", &lock, &err), 0);
	st->cgroup_path = xstrdup("/mydocker/half");
	st->status = xstrdup("creating");
	CHECK_INT(state_save(root, st, &err), 0);
	CHECK_INT(state_load(root, "half", &back, &err), 0);
	CHECK_INT(state_status(root, back), RT_STATUS_CREATING);
	state_free(back);
	close(TAKE_FD(lock));
	CHECK_INT(state_load(root, "half", &back, &err), 0);
	CHECK_INT(state_status(root, back), RT_STATUS_STOPPED);
	CHECK_STR(back->cgroup_path, "/mydocker/half");
	state_free(back);
	state_free(st);
	scratch_free(root);
}

TEST(state_bad_json_is_an_error)
{
	char *root = scratch_root();
	cleanup_close int lock = -1;
	cleanup_free char *path = NULL;
	struct rt_state *st = NULL;
	md_error err;

	CHECK(root);
	CHECK_INT(state_create_dir(root, "bad", &lock, &err), 0);
	path = state_file(root, "bad", "state.json");
	CHECK_INT(md_write_file_atomic(path, "{\"pid\": ", 8, 0600, &err), 0);
	CHECK_INT(state_load(root, "bad", &st, &err), -1);
	CHECK_INT(md_write_file_atomic(path, "{\"pid\": -5}", 11, 0600, &err), 0);
	CHECK_INT(state_load(root, "bad", &st, &err), -1);
	scratch_free(root);
}

TEST(state_status_created_running_stopped)
{
	char *root = scratch_root();
	cleanup_close int lock = -1;
	cleanup_free char *fifo = NULL;
	struct rt_state *st = self_state("s1");
	md_error err;
	pid_t child;

	CHECK(root && st);
	CHECK_INT(state_create_dir(root, "s1", &lock, &err), 0);
	CHECK_INT(state_make_fifo(root, "s1", &fifo, &err), 0);
	CHECK_INT(state_status(root, st), RT_STATUS_CREATED);
	unlink(fifo);
	CHECK_INT(state_status(root, st), RT_STATUS_RUNNING);
	free(st->status);
	st->status = xstrdup("creating");
	CHECK_INT(state_status(root, st), RT_STATUS_CREATING);
	/* Same pid, another start time: the pid was reused. */
	st->start_time++;
	CHECK_INT(state_status(root, st), RT_STATUS_STOPPED);
	CHECK(!state_init_alive(st));
	/* A zombie is stopped too; a reaped child as well. */
	child = fork();
	if (child == 0)
		_exit(0);
	CHECK(child > 0);
	st->pid = child;
	usleep(100000);
	CHECK_INT(state_proc_start_time(child, &st->start_time, NULL, NULL), 0);
	CHECK_INT(state_status(root, st), RT_STATUS_STOPPED);
	waitpid(child, NULL, 0);
	CHECK_INT(state_status(root, st), RT_STATUS_STOPPED);
	state_free(st);
	scratch_free(root);
}

TEST(state_start_time_odd_command_name)
{
	unsigned long long a, b;
	char old[32] = "";
	bool zombie = true;

	CHECK_INT(state_proc_start_time(getpid(), &a, &zombie, NULL), 0);
	CHECK(!zombie);
	prctl(PR_GET_NAME, old);
	prctl(PR_SET_NAME, "x) S 1 2 (y");
	CHECK_INT(state_proc_start_time(getpid(), &b, NULL, NULL), 0);
	prctl(PR_SET_NAME, old);
	CHECK(a == b && a > 0);
	CHECK_INT(state_proc_start_time(0x3ffffff0, &a, NULL, NULL), -1);
}

TEST(state_oci_json_fields)
{
	struct rt_state *st = self_state("oci");
	json_object *o, *v;

	CHECK(st);
	o = state_oci_json(st, RT_STATUS_RUNNING);
	CHECK(json_object_object_get_ex(o, "ociVersion", &v));
	CHECK(json_object_object_get_ex(o, "id", &v));
	CHECK_STR(json_object_get_string(v), "oci");
	CHECK(json_object_object_get_ex(o, "status", &v));
	CHECK_STR(json_object_get_string(v), "running");
	CHECK(json_object_object_get_ex(o, "pid", &v));
	CHECK_INT(json_object_get_int(v), getpid());
	CHECK(json_object_object_get_ex(o, "bundle", &v));
	CHECK_STR(json_object_get_string(v), "/b");
	CHECK(json_object_object_get_ex(o, "rootfs", &v));
	CHECK(json_object_object_get_ex(o, "created", &v));
	CHECK(json_object_object_get_ex(o, "owner", &v));
	CHECK_STR(json_object_get_string(v), "");
	CHECK(json_object_object_get_ex(o, "annotations", &v));
	CHECK(json_object_is_type(v, json_type_object));
	json_object_put(o);
	o = state_oci_json(st, RT_STATUS_STOPPED);
	CHECK(json_object_object_get_ex(o, "pid", &v));
	CHECK_INT(json_object_get_int(v), 0);
	json_object_put(o);
	state_free(st);
}

TEST(state_list_and_delete)
{
	char *root = scratch_root();
	cleanup_close int l1 = -1, l2 = -1;
	cleanup_free char *fifo = NULL, *dir = NULL;
	char **ids = NULL;
	struct stat sb;
	md_error err;

	CHECK(root);
	CHECK_INT(state_list(root, &ids, &err), 0);
	CHECK_INT(md_strv_len(ids), 0);
	md_strv_free(ids);
	CHECK_INT(state_create_dir(root, "zeta", &l1, &err), 0);
	CHECK_INT(state_create_dir(root, "alpha", &l2, &err), 0);
	CHECK_INT(state_make_fifo(root, "alpha", &fifo, &err), 0);
	CHECK(stat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode) && (sb.st_mode & 0777) == 0622);
	CHECK_INT(state_save_config(root, "alpha", "{}", &err), 0);
	CHECK_INT(state_list(root, &ids, &err), 0);
	CHECK_INT(md_strv_len(ids), 2);
	CHECK_STR(ids[0], "alpha");
	CHECK_STR(ids[1], "zeta");
	md_strv_free(ids);
	CHECK_INT(state_delete(root, "alpha", &err), 0);
	dir = state_dir(root, "alpha");
	CHECK(stat(dir, &sb) < 0 && errno == ENOENT);
	CHECK_INT(state_delete(root, "alpha", &err), 0);
	CHECK_INT(state_list(root, &ids, &err), 0);
	CHECK_INT(md_strv_len(ids), 1);
	md_strv_free(ids);
	scratch_free(root);
}

TEST(state_now_rfc3339_shape)
{
	cleanup_free char *t = state_now_rfc3339();

	/* 2026-01-02T15:04:05.123456789Z */
	CHECK_INT(strlen(t), 30);
	CHECK(t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':');
	CHECK(t[19] == '.' && t[29] == 'Z');
	CHECK_STR(rt_status_name(RT_STATUS_PAUSED), "paused");
}

/* ---- hooks ---- */

static struct spec_hook sh_hook(const char *script, int timeout)
{
	struct spec_hook h = { .path = xstrdup("/bin/sh"), .timeout = timeout };

	md_strv_push(&h.args, "sh");
	md_strv_push(&h.args, "-c");
	md_strv_push(&h.args, script);
	md_strv_push(&h.env, "HOOKVAR=1");
	return h;
}

static void hook_free(struct spec_hook *h)
{
	free(h->path);
	md_strv_free(h->args);
	md_strv_free(h->env);
}

TEST(hooks_stdin_env_and_failure_text)
{
	char tmpl[] = "/tmp/md-hook-test.XXXXXX";
	cleanup_free char *out = NULL, *script = NULL, *text = NULL;
	struct spec_hooks hooks = { 0 };
	struct spec_hook h[2];
	md_error err;
	int r;

	CHECK(mkdtemp(tmpl));
	out = xasprintf("%s/out", tmpl);
	/* Only the hook's env: nothing of ours leaks in. */
	setenv("MD_UNIT_LEAK", "leak", 1);
	script = xasprintf("cat > %s; echo \"$HOOKVAR$MD_UNIT_LEAK\" >> %s", out, out);
	h[0] = sh_hook(script, 5);
	h[1] = sh_hook("echo first line >&2; echo bad thing happened >&2; exit 3", 0);
	hooks.poststart = h;
	hooks.n_poststart = 1;
	r = hooks_run_text(&hooks, RT_HOOK_POSTSTART, "{\"id\":\"x\"}", &err);
	CHECK_INT(r, 0);
	CHECK_INT(md_read_file(out, &text, NULL, &err), 0);
	CHECK_STR(text, "{\"id\":\"x\"}1\n");
	hooks.n_poststart = 2;
	r = hooks_run_text(&hooks, RT_HOOK_POSTSTART, "{}", &err);
	CHECK_INT(r, -1);
	CHECK(strstr(err.msg, "poststart hook `/bin/sh` failed: exit status 3"));
	CHECK(strstr(err.msg, "bad thing happened"));
	CHECK_INT(hooks_count(&hooks, RT_HOOK_POSTSTOP), 0);
	unsetenv("MD_UNIT_LEAK");
	hook_free(&h[0]);
	hook_free(&h[1]);
	unlink(out);
	rmdir(tmpl);
}

TEST(hooks_timeout_kills_the_group)
{
	struct spec_hooks hooks = { 0 };
	struct spec_hook h = sh_hook("sleep 30 & sleep 30", 1);
	struct spec_hook missing = { .path = xstrdup("/nonexistent/hook") };
	md_error err;
	time_t t0 = time(NULL);

	hooks.create_runtime = &h;
	hooks.n_create_runtime = 1;
	CHECK_INT(hooks_run_text(&hooks, RT_HOOK_CREATE_RUNTIME, "{}", &err), -1);
	CHECK(time(NULL) - t0 < 5);
	CHECK(strstr(err.msg, "createRuntime hook `/bin/sh` failed: timed out after 1 s"));
	hooks.create_runtime = &missing;
	CHECK_INT(hooks_run_text(&hooks, RT_HOOK_CREATE_RUNTIME, "{}", &err), -1);
	CHECK(strstr(err.msg, "exit status 127"));
	CHECK(strstr(err.msg, "No such file"));
	hook_free(&h);
	free(missing.path);
}
