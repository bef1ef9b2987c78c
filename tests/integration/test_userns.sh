# SPDX-License-Identifier: Apache-2.0
# User namespaces (linux.uidMappings/gidMappings) and rootless runs of
# mydocker-runtime from a user namespace that an unprivileged user made.
source tests/integration/oci-lib.sh

# A bundle with a new user namespace mapping container 0..65535 to host
# 100000..165535, its rootfs owned by the mapped root (as runc's tests do).
USERNS_MAP='c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["root"]["readonly"] = False
'
# As with runc, the mapped root must be able to reach the rootfs.
userns_bundle() { # name [python]
	local b
	chmod 0755 "$OCI_TMP"
	b=$(bundle "$1" "$USERNS_MAP${2:-}")
	chown -R 100000:100000 "$b/rootfs"
	echo "$b"
}

t_userns_maps_and_rootfs_files() {
	oci_setup
	local b
	b=$(userns_bundle uns 'c["process"]["args"] = ["/bin/sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/made; echo x >/dev/null && echo devnull-ok; hostname"]')
	rt run --bundle "$b" uns </dev/null
	assert_eq "$rc" 0 "$err"
	assert_eq "$(echo "$out" | sed -n 1,2p | tr '\n' ' ')" "0 0 " "ids inside"
	assert_eq "$(echo "$out" | sed -n 3p | tr -s ' ')" " 0 100000 65536" "uid_map"
	assert_eq "$(echo "$out" | sed -n 4p | tr -s ' ')" " 0 100000 65536" "gid_map"
	assert_contains "$out" "devnull-ok"
	assert_eq "$(stat -c %u:%g "$b/rootfs/tmp/made")" "100000:100000" "owner on the host of a file made inside"
}

# Root of the container is not root of the host: a host file bound in
# read-write stays untouchable, a 0700 host dir stays closed.
t_userns_root_is_not_host_root() {
	oci_setup
	local b
	mkdir -m 0700 "$OCI_TMP/secret"
	echo host >"$OCI_TMP/secret/file"
	echo host >"$OCI_TMP/victim"
	chmod 0644 "$OCI_TMP/victim"
	b=$(userns_bundle noroot 'c["mounts"] += [
 {"destination": "/victim", "type": "bind", "source": "'"$OCI_TMP"'/victim", "options": ["bind", "rw"]},
 {"destination": "/secret", "type": "bind", "source": "'"$OCI_TMP"'/secret", "options": ["bind", "rw"]}]
c["process"]["capabilities"] = {k: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SYS_ADMIN"] for k in ("bounding", "effective", "permitted")}
c["process"]["args"] = ["/bin/sh", "-c", "echo pwned >/victim && echo wrote; cat /secret/file && echo read; chown 0 /victim && echo chowned; mount -t tmpfs t /tmp && echo mounted-in-own-ns; true"]')
	rt run --bundle "$b" noroot </dev/null
	assert_eq "$rc" 0 "$err"
	assert_not_contains "$out" "wrote"
	assert_not_contains "$out" "read"
	assert_not_contains "$out" "chowned"
	# CAP_SYS_ADMIN of the user namespace does cover its own mount namespace.
	assert_contains "$out" "mounted-in-own-ns"
	assert_eq "$(cat "$OCI_TMP/victim")" "host" "host file"
	assert_eq "$(stat -c %u "$OCI_TMP/victim")" "0" "host file owner"
}

t_userns_exec_joins_user_namespace() {
	oci_setup
	local b init_ns
	b=$(userns_bundle unsexec 'c["process"]["args"] = ["/bin/sleep", "30"]')
	rt_detached run -d --bundle "$b" unsexec
	assert_eq "$rc" 0 "$err"
	rt exec unsexec /bin/sh -c 'id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user; readlink /proc/1/ns/user'
	assert_eq "$rc" 0 "$err"
	assert_eq "$(echo "$out" | sed -n 1p)" "0" "uid in exec"
	assert_eq "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 100000 65536" "uid_map in exec"
	assert_eq "$(echo "$out" | sed -n 3p)" "$(echo "$out" | sed -n 4p)" "user namespace of exec and init"
	init_ns=$(readlink "/proc/$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$(rt state unsexec; echo "$out")")/ns/user")
	[ "$init_ns" != "$(readlink /proc/self/ns/user)" ] || fail "init is in the host's user namespace"
	rt delete --force unsexec
}

# A bundle owned by the mapped root that joins the user namespace of pid
# $JOIN_PID: other namespaces as given (JSON list), the command in python.
joiner_bundle() { # name namespaces-json args-python
	local b
	b=$(bundle "$1" 'c["linux"]["namespaces"] = [{"type": "user", "path": "/proc/'"$JOIN_PID"'/ns/user"}] + '"$2"'
c["root"]["readonly"] = False
c["process"]["args"] = '"$3")
	chown -R 100000:100000 "$b/rootfs"
	chmod 0755 "$b"
	echo "$b"
}

t_userns_join_by_path() {
	oci_setup
	local a b
	a=$(userns_bundle owner 'c["process"]["args"] = ["/bin/sleep", "600"]')
	rt_detached run -d --bundle "$a" owner
	assert_eq "$rc" 0 "$err"
	rt state owner
	JOIN_PID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$out")
	b=$(joiner_bundle joiner '[{"type": "pid", "path": "/proc/'"$JOIN_PID"'/ns/pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"}, {"type": "network"}]' \
		'["/bin/sh", "-c", "id -u; cat /proc/self/uid_map; hostname"]')
	rt run --bundle "$b" joiner </dev/null
	assert_eq "$rc" 0 "$err"
	assert_eq "$(echo "$out" | sed -n 1p)" "0" "uid in the joined namespace"
	assert_eq "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 100000 65536" "the joined namespace's map"
	# A new pid namespace besides (Kubernetes' user-namespaced pods): the
	# child forks the init into it.
	b=$(joiner_bundle joinpid '[{"type": "mount"}, {"type": "pid"}, {"type": "uts"}]' \
		'["/bin/sh", "-c", "echo $$; id -u; readlink /proc/self/ns/pid; cat /proc/self/uid_map"]')
	rt run --bundle "$b" joinpid </dev/null
	assert_eq "$rc" 0 "$err"
	assert_eq "$(echo "$out" | sed -n 1,2p | tr '\n' ' ')" "1 0 " "pid 1, root of the joined namespace"
	[ "$(echo "$out" | sed -n 3p)" != "$(readlink /proc/$JOIN_PID/ns/pid)" ] || fail "pid namespace not new"
	assert_eq "$(echo "$out" | sed -n 4p | tr -s ' ')" " 0 100000 65536" "the joined namespace's map"
	# Detached, through create/start, with exec.
	b=$(joiner_bundle joinpid2 '[{"type": "mount"}, {"type": "pid"}, {"type": "uts"}]' '["/bin/sleep", "30"]')
	rt_detached create --bundle "$b" joinpid2
	assert_eq "$rc" 0 "create: $err"
	rt start joinpid2
	assert_eq "$rc" 0 "start: $err"
	rt exec joinpid2 /bin/sh -c 'cat /proc/1/cmdline | tr "\0" " "; id -u'
	assert_eq "$(echo $out)" "/bin/sleep 30 0" "exec: $err"
	rt delete --force joinpid2
	rt delete --force owner
}

t_userns_without_maps_is_an_error() {
	oci_setup
	local b
	b=$(bundle nomaps 'c["linux"]["namespaces"].append({"type": "user"})')
	rt run --bundle "$b" nomaps </dev/null
	assert_eq "$rc" 1 "exit"
	assert_contains "$err" "linux.uidMappings"
	[ -z "$(ls "$OCI_ROOT" 2>/dev/null)" ] || fail "state left: $(ls "$OCI_ROOT")"
}

# Rootless: an unprivileged user runs the runtime, either straight (runc's
# rootless mode: the config maps that one user) or as root of a user
# namespace it made with `unshare -r`, on bundles it owns. No cgroup can
# be made there: a config without limits runs without one, a limit fails.
# Each `unshare -r` makes a new user namespace, which has no rights over
# the containers of another: a session of several verbs runs in one.
RL_UID=4242
RL_UNSHARE="unshare -r"

# Output goes through files: the init of `create` keeps its stdout open.
rootless() { # ARGS... (in $RL_DIR/b): the runtime as $RL_UID
	(cd "$RL_DIR/b" && timeout -k 2 20 setpriv --reuid=$RL_UID --regid=$RL_UID --clear-groups \
		env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$RL_DIR/xdg" RT="$RL_DIR/mydocker-runtime" \
		$RL_UNSHARE "$@" </dev/null >"$RL_DIR/out" 2>"$RL_DIR/err")
	rc=$?
	out=$(cat "$RL_DIR/out")
	err=$(cat "$RL_DIR/err")
}

rootless_setup() {
	unshare -r true 2>/dev/null || skip "no user namespaces here"
	RL_DIR=$(mktemp -d "/tmp/md-rootless.$MD_TEST_RUN.XXXXXX")
	chmod 0755 "$RL_DIR"
	trap rootless_cleanup EXIT
	cp "$MYDOCKER_RUNTIME" "$RL_DIR/mydocker-runtime"
	bash "$TOP/bench/make-bundle" "$RL_DIR/b" >/dev/null
	mkdir -m 0700 "$RL_DIR/xdg"
	chown -R $RL_UID:$RL_UID "$RL_DIR"
}

rootless_cleanup() {
	local id
	for id in $(ls "$RL_DIR/xdg/mydocker-runtime" 2>/dev/null); do
		rootless "$RL_DIR/mydocker-runtime" delete --force "$id"
	done
	rm -rf "$RL_DIR"
}

rootless_config() { # spec-flags... ; edits with $RL_CODE
	rm -f "$RL_DIR/b/config.json"
	rootless "$RL_DIR/mydocker-runtime" spec "$@"
	assert_eq "$rc" 0 "spec: $err"
	python3 - "$RL_DIR/b/config.json" "$RL_CODE" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
exec(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"))
PY
}

t_userns_rootless_run() {
	rootless_setup
	RL_CODE='c["root"]["readonly"] = False
c["process"]["args"] = ["/bin/sh", "-c", "id -u; cat /proc/self/uid_map; echo x >/dev/null && echo devnull-ok; touch /tmp/made; exit 3"]'
	rootless_config --rootless
	rootless "$RL_DIR/mydocker-runtime" run r1
	assert_eq "$rc" 3 "exit code of a rootless run: $err"
	assert_eq "$(echo "$out" | sed -n 1p)" "0" "uid inside"
	# Relative to the namespace `unshare -r` made, whose 0 is $RL_UID.
	assert_eq "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 0 1" "uid_map"
	assert_contains "$out" "devnull-ok"
	assert_eq "$(stat -c %u "$RL_DIR/b/rootfs/tmp/made")" "$RL_UID" "host owner of a file made inside"
	# runc's default config too (network namespace, devpts gid=5 that
	# this namespace does not map, device rules without a cgroup).
	rootless_config
	rootless "$RL_DIR/mydocker-runtime" run r2
	assert_eq "$rc" 3 "exit code with the default config: $err"
	# A limit needs a cgroup we cannot make: a clear error.
	RL_CODE='c["linux"]["resources"] = {"memory": {"limit": 67108864}}'
	rootless_config --rootless
	rootless "$RL_DIR/mydocker-runtime" run r3
	assert_eq "$rc" 1 "a memory limit without a delegated cgroup"
	assert_contains "$err" "rootless"
}

# All the verbs, in one `unshare -r` session; state under $XDG_RUNTIME_DIR.
t_userns_rootless_lifecycle_unshare() {
	rootless_setup
	RL_CODE='c["process"]["args"] = ["/bin/sleep", "30"]'
	rootless_config --rootless
	rootless sh -c '$RT create r4 && $RT start r4 && $RT state r4 | grep -o "\"status\":\"[a-z]*\"" &&
		$RT exec r4 id -u && $RT ps r4 | tail -n +2 | wc -l && $RT kill r4 KILL &&
		for i in $(seq 50); do $RT state r4 | grep -q stopped && break; sleep 0.1; done &&
		$RT delete r4 && echo deleted'
	assert_eq "$rc" 0 "session: $err"
	assert_eq "$(echo "$out" | tr '\n' ' ')" '"status":"running" 0 0 deleted ' "session output"
	[ -z "$(ls "$RL_DIR/xdg/mydocker-runtime")" ] || fail "state left"
}

# runc's rootless mode: the plain unprivileged user, no `unshare`; the
# config maps that one uid, the parent writes the map (setgroups denied).
t_userns_rootless_plain_user() {
	rootless_setup
	RL_UNSHARE=
	RL_CODE='c["process"]["args"] = ["/bin/sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/setgroups"]'
	rootless_config --rootless
	rootless "$RL_DIR/mydocker-runtime" run r5
	assert_eq "$rc" 0 "run: $err"
	assert_eq "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 $RL_UID 1" "uid_map"
	assert_eq "$(echo "$out" | sed -n 3p)" "deny" "setgroups"
	RL_CODE='c["process"]["args"] = ["/bin/sleep", "30"]'
	rootless_config --rootless
	rootless "$RL_DIR/mydocker-runtime" run -d r6
	assert_eq "$rc" 0 "run -d: $err"
	[ -d "$RL_DIR/xdg/mydocker-runtime/r6" ] || fail "state not under \$XDG_RUNTIME_DIR"
	rootless "$RL_DIR/mydocker-runtime" exec r6 id -u
	assert_eq "$out" "0" "exec: $err"
	rootless "$RL_DIR/mydocker-runtime" delete --force r6
	assert_eq "$rc" 0 "delete: $err"
}
