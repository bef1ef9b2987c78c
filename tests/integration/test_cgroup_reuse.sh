# SPDX-License-Identifier: Apache-2.0
# cgroups that exist before the container (joined, their limits kept unless
# the config sets others, left in place by delete), and the cleanup after a
# create that failed or was killed half-way.
source tests/integration/oci-lib.sh

PREMADE=()

# Every mounted cgroup hierarchy, one mount point a line.
cg_mounts() {
	awk -F ' - ' '{ split($1, a, " "); split($2, b, " ");
		if (b[1] == "cgroup" || b[1] == "cgroup2") print a[5] }' /proc/self/mountinfo | sort -u
}

# premake REL: make /sys/fs/cgroup/<every hierarchy>REL as an admin or a
# pod would, removed by premade_cleanup (also on failure).
premake() {
	local m
	PREMADE+=("$1")
	for m in $(cg_mounts); do
		mkdir -p "$m$1" || fail "mkdir $m$1"
	done
}

# What the test made, deepest first; the processes left in it are killed.
premade_cleanup() {
	local i m d p
	for ((i = ${#PREMADE[@]} - 1; i >= 0; i--)); do
		for m in $(cg_mounts); do
			[ -d "$m${PREMADE[i]}" ] || continue
			for d in $(find "$m${PREMADE[i]}" -depth -type d); do
				for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
				wait_for 20 rmdir "$d" 2>/dev/null
			done
		done
	done
}

reuse_setup() {
	oci_setup
	trap 'oci_cleanup; premade_cleanup' EXIT
}

# The dirs of cgroup REL in every hierarchy that exist now.
cg_dirs() {
	local m
	for m in $(cg_mounts); do
		[ -d "$m$1" ] && echo "$m$1"
	done
	return 0
}

state_pid() { # id
	rt state "$1"
	python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$out"
}

# The init is in cgroup REL of every hierarchy.
assert_in_cgroup() { # pid rel
	local m
	for m in $(cg_mounts); do
		grep -qx "$1" "$m$2/cgroup.procs" ||
			fail "pid $1 not in $m$2: $(cat /proc/"$1"/cgroup 2>&1; ls "$m$2" 2>&1 | head -3)"
	done
}

t_cgroup_existing_is_joined() {
	reuse_setup
	local b pid m mem=/sys/fs/cgroup/memory$TCG-join
	premake $TCG-join
	# the admin's limit, which the config does not set
	[ -d /sys/fs/cgroup/memory ] || mem=/sys/fs/cgroup$TCG-join
	if [ -e "$mem/memory.limit_in_bytes" ]; then
		echo 104857600 >"$mem/memory.limit_in_bytes"
	else
		# cgroup v2: an admin's parent hands the controller down first
		grep -qw memory /sys/fs/cgroup/mydocker/cgroup.subtree_control ||
			echo +memory >/sys/fs/cgroup/mydocker/cgroup.subtree_control 2>/dev/null
		echo 104857600 >"$mem/memory.max" || skip "no memory controller in /mydocker"
	fi
	b=$(bundle join 'c["process"]["args"] = ["/bin/sleep", "30"]
c["linux"]["resources"] = {"pids": {"limit": 42}}')
	rt_detached run -d --bundle "$b" join
	assert_eq "$rc" 0 "run -d in an existing cgroup: $err"
	pid=$(state_pid join)
	assert_in_cgroup "$pid" $TCG-join
	assert_eq "$(cat /sys/fs/cgroup/pids$TCG-join/pids.max 2>/dev/null ||
		cat /sys/fs/cgroup$TCG-join/pids.max)" 42 "the config's limit"
	assert_eq "$(cat "$mem"/memory.limit_in_bytes "$mem"/memory.max 2>/dev/null)" 104857600 \
		"the admin's limit"
	rt delete --force join
	assert_eq "$rc" 0 "delete: $err"
	for m in $(cg_mounts); do
		[ -d "$m$TCG-join" ] || fail "delete removed the pre-made $m$TCG-join"
		assert_eq "$(cat "$m$TCG-join/cgroup.procs")" "" "processes left in $m"
	done
	[ ! -e "$OCI_ROOT/join" ] || fail "state left"
}

t_cgroup_nested_in_existing_parent() {
	reuse_setup
	local b pid
	premake $TCG-pod
	b=$(bundle nest 'c["process"]["args"] = ["/bin/sleep", "30"]
c["linux"]["cgroupsPath"] = TCG + "-pod/ctr"')
	rt_detached create --bundle "$b" nest
	assert_eq "$rc" 0 "create: $err"
	pid=$(state_pid nest)
	assert_in_cgroup "$pid" $TCG-pod/ctr
	rt delete --force nest
	assert_eq "$rc" 0 "delete: $err"
	assert_eq "$(cg_dirs $TCG-pod/ctr)" "" "the container's own cgroup"
	assert_eq "$(cg_dirs $TCG-pod | wc -l)" "$(cg_mounts | wc -l)" "the pod's cgroup"
}

# Parents that create made are removed by delete, as the leaf is.
t_cgroup_made_parents_removed() {
	reuse_setup
	local b
	b=$(bundle mp 'c["process"]["args"] = ["/bin/sleep", "30"]
c["linux"]["cgroupsPath"] = TCG + "-mp/a/ctr"')
	rt_detached run -d --bundle "$b" mp
	assert_eq "$rc" 0 "run -d: $err"
	rt delete --force mp
	assert_eq "$rc" 0 "delete: $err"
	assert_eq "$(cg_dirs $TCG-mp)" "" "parents made by create"
}

# no_trace ID NAME: neither state nor a cgroup of $TCG-NAME.
no_trace() {
	[ ! -e "$OCI_ROOT/$1" ] || fail "$1: state dir left: $(ls "$OCI_ROOT/$1")"
	assert_eq "$(cg_dirs "$TCG-$2")" "" "$1: cgroups left"
}

# A create that fails in the child or in the parent removes what it made,
# the parents of a nested cgroupsPath too.
t_cgroup_failed_create_cleans_up() {
	reuse_setup
	local step b code
	declare -A edit=(
		[mount]='c["mounts"].append({"destination": "/mnt", "type": "bind", "source": "/no/such", "options": ["bind"]})'
		[program]='c["process"]["args"] = ["/no/such/program"]'
		[cwd]='c["process"]["cwd"] = "/no/such/dir"'
		[hook]='c["hooks"] = {"createRuntime": [{"path": "/bin/false"}]}'
		[limit]='c["linux"]["resources"] = {"cpu": {"cpus": "99"}}'
	)
	for step in "${!edit[@]}"; do
		code="${edit[$step]}
c[\"linux\"][\"cgroupsPath\"] = \"$TCG-fail-$step/ctr\""
		b=$(bundle "f$step" "$code")
		rt_detached create --bundle "$b" "f$step"
		[ "$rc" != 0 ] || fail "$step: create succeeded"
		no_trace "f$step" "fail-$step"
		rt delete --force "f$step"
		assert_eq "$rc" 0 "$step: delete --force: $err"
	done
}

# The runtime killed by its prestart hook, after the cgroup was made: the
# container's init dies with it; delete --force removes the rest.
t_cgroup_killed_create_delete_force() {
	reuse_setup
	local b
	b=$(bundle k9 'c["hooks"] = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "kill -9 $PPID"]}]}
c["linux"]["cgroupsPath"] = TCG + "-k9/ctr"')
	rt_detached create --bundle "$b" k9
	assert_eq "$rc" 137 "create killed: $err"
	[ -e "$OCI_ROOT/k9" ] || fail "no state dir after a killed create"
	rt delete --force k9
	assert_eq "$rc" 0 "delete --force: $err"
	no_trace k9 k9
}

# The test kills the runtime while its prestart hook sleeps.
t_cgroup_killed_during_hook() {
	reuse_setup
	local b hook rtpid
	b=$(bundle ks "c[\"hooks\"] = {\"prestart\": [{\"path\": \"/bin/sh\", \"timeout\": 20,
\"args\": [\"sh\", \"-c\", \"echo \$\$ >$OCI_TMP/hook.pid; exec sleep 20\"]}]}
c[\"linux\"][\"cgroupsPath\"] = \"$TCG-ks/ctr\"")
	"$MYDOCKER_RUNTIME" --root "$OCI_ROOT" create --bundle "$b" ks </dev/null >/dev/null 2>&1 &
	wait_for 100 test -s "$OCI_TMP/hook.pid" || fail "the hook did not run"
	hook=$(cat "$OCI_TMP/hook.pid")
	rtpid=$(ps -o ppid= -p "$hook" | tr -d ' ')
	[ -n "$(cg_dirs $TCG-ks/ctr)" ] || fail "no cgroup while the hook runs"
	kill -9 "$rtpid"
	kill -9 "$hook"
	wait
	rt state ks
	assert_contains "$out" '"stopped"' "state of a create that died"
	rt delete --force ks
	assert_eq "$rc" 0 "delete --force: $err"
	no_trace ks ks
}

# A state dir without any record (killed before the cgroup was planned).
t_cgroup_delete_force_bare_state_dir() {
	reuse_setup
	mkdir -p "$OCI_ROOT/bare"
	touch "$OCI_ROOT/bare/lock"
	rt delete --force bare
	assert_eq "$rc" 0 "delete --force: $err"
	[ ! -e "$OCI_ROOT/bare" ] || fail "state dir left"
}
