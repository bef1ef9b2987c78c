# SPDX-License-Identifier: Apache-2.0
# Resource limits: one cgroup per container under /mydocker/, made before the
# program runs and removed when it ends.

# cg_inside CONTROLLER FILE [run flags...]: sets $out to that cgroup file of
# a container run with the flags, found from the host through the init's
# /proc/PID/cgroup (other containers may be running at the same time).
cg_inside() {
	local ctl=$1 file=$2 pid child rel
	shift 2
	"$MYDOCKER" run "$@" /bin/sleep 30 &
	pid=$!
	wait_for 50 pgrep -P $pid >/dev/null || { kill $pid; fail "container did not start"; }
	child=$(pgrep -P $pid)
	if [ "$ctl" = . ] || ! cg_v1 "$ctl"; then
		# The cgroup2 line, in any layout (cg_dir_of: v2 root or unified).
		rel=$(awk -F: '$1 == "0" {print $3}' /proc/$child/cgroup)
		out=$(cat "$(cg_dir_of "${ctl/#./unified}" "${rel#/}")/$file")
	else
		rel=$(awk -F: -v c="$ctl" '{n=split($2, a, ","); for (i=1;i<=n;i++) if (a[i]==c) print $3}' /proc/$child/cgroup)
		out=$(cat "/sys/fs/cgroup/$ctl$rel/$file")
	fi
	kill -9 "$child"
	wait $pid
	return 0
}

is_v1() { [ -d /sys/fs/cgroup/memory ]; }

t_cgroup_under_mydocker_parent() {
	md run /bin/cat /proc/self/cgroup
	assert_eq "$rc" 0
	# Seen from the host: the container's init is in /mydocker/<id>.
	"$MYDOCKER" run /bin/sleep 5 &
	local pid=$! child
	wait_for 50 pgrep -P $pid >/dev/null || fail "no container"
	child=$(pgrep -P $pid)
	grep -E ':/mydocker/[0-9a-f]{64}$' /proc/$child/cgroup >/dev/null || fail "$(cat /proc/$child/cgroup)"
	kill -9 $child
	wait $pid
	return 0
}

t_memory_limit() {
	if is_v1; then
		cg_inside memory memory.limit_in_bytes -m 64m
		assert_eq "$out" 67108864
		cg_inside memory memory.memsw.limit_in_bytes -m 64m --memory-swap 128m
		assert_eq "$out" 134217728
	else
		cg_inside . memory.max -m 64m
		assert_eq "$out" 67108864
	fi
}

t_cpu_limits() {
	if is_v1; then
		cg_inside cpu cpu.cfs_quota_us --cpus 0.5
		assert_eq "$out" 50000
		cg_inside cpu cpu.cfs_period_us --cpus 0.5
		assert_eq "$out" 100000
		cg_inside cpu cpu.shares --cpu-shares 512
		assert_eq "$out" 512
		cg_inside cpuset cpuset.cpus --cpuset-cpus 0
		assert_eq "$out" 0
		cg_inside cpuset cpuset.mems --cpuset-mems 0
		assert_eq "$out" 0
	else
		cg_inside . cpu.max --cpus 0.5
		assert_eq "$out" "50000 100000"
	fi
	md run --cpuset-cpus 0 /bin/sh -c 'grep Cpus_allowed_list /proc/self/status'
	assert_contains "$out" $'\t0'
}

t_pids_limit() {
	cg_inside pids pids.max --pids-limit 20
	assert_eq "$out" 20
	md run --pids-limit 5 /bin/sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 2 & done; wait; echo done'
	assert_contains "$err" "fork" "forks beyond the limit fail"
}

t_limit_host_cannot_apply_is_error() {
	md run --cpuset-cpus 99 /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "cpuset"
	md run --cpus 64 /bin/true
	assert_eq "$rc" 125
	md run -m 1m /bin/true
	assert_eq "$rc" 125
	md run --memory-swap 10m /bin/true
	assert_eq "$rc" 125
}

t_oom_kill_reported() {
	md run -m 16m --memory-swap 16m /usr/bin/tail /dev/zero
	assert_eq "$rc" 137 "exit status of an OOM-killed container"
	assert_contains "$err" "OOM"
}

t_cgroups_removed_after_run() {
	md run -m 32m --cpus 1 --pids-limit 50 --cpuset-cpus 0 /bin/true
	assert_eq "$rc" 0
	# (tests/run checks after every test that no cgroup was left)
	md run -m 32m /no/such/binary
	assert_eq "$rc" 127
}

# The mount point of the v1 hierarchy with net_cls, if any.
net_cls_mount() {
	awk -F ' - ' '{ split($1, a, " "); split($2, b, " ");
		if (b[1] == "cgroup" && b[3] ~ /(^|,)net_cls(,|$)/) print a[5] }' /proc/self/mountinfo
}

# The kernel frees an unmounted v1 hierarchy only if no cgroup was below
# its root at the last unmount, and an rmdir completes lazily: mount it
# again, now empty, until it is gone, so that it does not outlive the test
# (every process's /proc/PID/cgroup would list it).
drop_net_cls() { # scratch dir
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -q ':net_cls' /proc/self/cgroup || return 0
		unshare -m --propagation private sh -c \
			"mount -t cgroup -o net_cls,net_prio cgroup '$1' && umount '$1'"
		sleep 0.3
	done
	echo "the net_cls,net_prio hierarchy outlives the test" >&2
}

# with_net_cls FUNC: run FUNC where a net_cls,net_prio hierarchy is mounted.
# This host has none (systemd mounts one on usual hybrid hosts), so FUNC
# then runs in a private mount namespace with one mounted on a scratch dir:
# nothing else on the machine sees it, and the hierarchy goes away with the
# namespace once FUNC removed the cgroups it made in it.
with_net_cls() {
	local dir rc
	if [ -n "$(net_cls_mount)" ]; then
		"$1"
		return
	fi
	grep -qw net_cls /proc/cgroups || skip "no net_cls controller in this kernel"
	dir=$(mktemp -d "/tmp/md-netcls.$MD_TEST_RUN.XXXXXX")
	unshare -m --propagation private bash -c "mount -t cgroup -o net_cls,net_prio cgroup '$dir' ||
		exit 77; source tests/integration/lib.sh; source '$BASH_SOURCE'; $1"
	rc=$?
	drop_net_cls "$dir"
	rmdir "$dir"
	[ $rc != 77 ] || skip "cannot mount a net_cls,net_prio hierarchy"
	[ $rc = 0 ] || fail "in the namespace with net_cls (exit $rc)"
}

net_resources_body() {
	source tests/integration/oci-lib.sh
	local b pid d
	# global: the EXIT trap runs after the locals are gone
	NETCLS_DIR=$(net_cls_mount)
	d=$NETCLS_DIR
	oci_setup
	trap 'oci_cleanup; rmdir "$NETCLS_DIR/mydocker" 2>/dev/null' EXIT
	b=$(bundle net 'c["process"]["args"] = ["/bin/sh", "-c", "cat /proc/self/cgroup; exec sleep 30"]
c["linux"]["resources"] = {"network": {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}}')
	rt_detached run -d --bundle "$b" net
	assert_eq "$rc" 0 "run -d: $err"
	rt state net
	pid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$out")
	grep -qx "$pid" "$d$TCG-net/cgroup.procs" || fail "not in $d$TCG-net"
	assert_eq "$(cat "$d$TCG-net/net_cls.classid")" 1048577 "net_cls.classid"
	assert_contains "$(cat "$d$TCG-net/net_prio.ifpriomap")" "lo 5" "net_prio.ifpriomap"
	grep -q ":net_cls,net_prio:$TCG-net\$" /proc/"$pid"/cgroup ||
		fail "outside: $(cat /proc/"$pid"/cgroup)"
	# (the bundle has no cgroup namespace: the same path as seen outside)
	wait_for 50 grep -q ":net_cls,net_prio:$TCG-net\$" "$OCI_TMP/detached.out" ||
		fail "inside: $(cat "$OCI_TMP/detached.out")"
	rt delete --force net
	assert_eq "$rc" 0 "delete: $err"
	[ ! -e "$d$TCG-net" ] || fail "cgroup left"
}

t_cgroup_network_resources() {
	is_v1 || skip "net_cls and net_prio are cgroup v1 controllers (ignored on v2)"
	with_net_cls net_resources_body
}

# Without a net_cls hierarchy (this host's default), asking for a class id
# is an error, not a silent no-op; on a v2-only host it is ignored.
t_cgroup_network_without_net_cls() {
	is_v1 || skip "v1 or hybrid host only"
	[ -z "$(net_cls_mount)" ] || skip "the host has a net_cls hierarchy"
	source tests/integration/oci-lib.sh
	oci_setup
	local b
	b=$(bundle nonet 'c["linux"]["resources"] = {"network": {"classID": 7}}')
	rt run --bundle "$b" nonet
	assert_eq "$rc" 1
	assert_contains "$err" "network class id not supported by the host: no net_cls cgroup controller"
}
