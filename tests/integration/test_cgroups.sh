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
	if [ "$ctl" = . ]; then
		rel=$(awk -F: '$1 == "0" {print $3}' /proc/$child/cgroup)
		out=$(cat "/sys/fs/cgroup$rel/$file")
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
