# SPDX-License-Identifier: Apache-2.0
# The systemd cgroup driver (src/runtime/cgroup-systemd.c) against a real
# systemd: transient scopes and slices with limits as unit properties,
# update, joining an active unit, stop. Driven by tests/helpers/sd-scope.c,
# which make builds as $BUILD/sd-scope. Needs systemd as PID 1 (the VM
# of scripts/vm/run-tests); without it only the error is checked.

sd_begin() {
	WORK=$(mktemp -d /tmp/md-sd.XXXXXX)
	SD=$TOP/$BUILD/sd-scope
	UNIT=mdtest-$$.scope
	PIDS=()
	trap sd_end EXIT
	[ -x "$SD" ] || fail "$SD is missing (make builds it)"
}

sd_end() {
	local p
	"$SD" stop "$UNIT" >/dev/null 2>&1
	[ -n "${SLICE_UNIT:-}" ] && "$SD" stop "$SLICE_UNIT" >/dev/null 2>&1
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$WORK"
}

need_systemd() {
	[ -d /run/systemd/system ] || skip "systemd is not PID 1 here (/run/systemd/system missing)"
	command -v systemctl >/dev/null || skip "systemctl not installed"
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || skip "not a cgroup v2 host"
}

# sdrun ARGS...: run the helper with a timeout; sets $out, $err, $rc.
sdrun() {
	out=$(timeout -k 2 40 "$SD" "$@" 2>"$WORK/err")
	rc=$?
	err=$(cat "$WORK/err")
}

# A process to put in a unit, killed at the end.
sleeper() {
	sleep 300 &
	PIDS+=($!)
	SLEEPER=$!
}

# Dead: gone, or a zombie not reaped yet (the test's bash is its parent).
gone() { # pid
	local st
	st=$(ps -o stat= -p "$1")
	[ -z "$st" ] || [[ "$st" == Z* ]]
}

prop() { # unit property
	systemctl show -P "$2" "$1"
}

t_systemd_absent() {
	sd_begin
	[ -d /run/systemd/system ] && skip "systemd is PID 1 here"
	sdrun available
	assert_eq "$rc" 1 "available"
	sdrun start system.slice "$UNIT" $$ memory=67108864
	assert_eq "$rc" 1 "start rc"
	assert_contains "$err" "the systemd cgroup driver needs systemd"
	assert_contains "$err" "/run/systemd/system missing"
	sdrun stop "$UNIT"
	assert_eq "$rc" 1 "stop rc"
}

t_systemd_names() {
	sd_begin
	sdrun parse "machine.slice:libpod:abc"
	assert_eq "$out" "machine.slice libpod-abc.scope"
	sdrun parse "system:libpod:abc"
	assert_eq "$rc" 1
	assert_contains "$err" "invalid slice \`system\`"
	sdrun path "a-b.slice" "x.scope"
	assert_eq "$out" "/a.slice/a-b.slice/x.scope"
	sdrun start system.slice mdtest.slice 1
	assert_contains "$err" "is a slice, which holds no process"
}

t_systemd_scope() {
	sd_begin
	need_systemd
	sleeper
	sdrun start system.slice "$UNIT" "$SLEEPER" memory=67108864 pids=50 shares=2048 \
		quota=50000 period=100000 cpus=0 blkio-weight=500
	[ "$rc" = 0 ] || fail "start: $err"
	assert_eq "$out" "/system.slice/$UNIT" "cgroup path"
	echo "systemctl show: $(systemctl show -p ActiveState,MemoryMax,TasksMax,CPUWeight,CPUQuotaPerSecUSec,CPUQuotaPeriodUSec,AllowedCPUs,IOWeight,Delegate "$UNIT" | tr '\n' ' ')"
	assert_eq "$(prop "$UNIT" ActiveState)" active "ActiveState"
	assert_eq "$(prop "$UNIT" MemoryMax)" 67108864 "MemoryMax"
	assert_eq "$(prop "$UNIT" TasksMax)" 50 "TasksMax"
	assert_eq "$(prop "$UNIT" CPUWeight)" 79 "CPUWeight" # shares 2048
	assert_eq "$(prop "$UNIT" CPUQuotaPerSecUSec)" 500ms "CPUQuotaPerSecUSec"
	assert_eq "$(prop "$UNIT" AllowedCPUs)" 0 "AllowedCPUs"
	assert_eq "$(prop "$UNIT" IOWeight)" 4950 "IOWeight" # blkio weight 500
	assert_eq "$(prop "$UNIT" Delegate)" yes "Delegate"
	assert_eq "$(cat /proc/"$SLEEPER"/cgroup)" "0::/system.slice/$UNIT" "/proc/PID/cgroup"
	d=/sys/fs/cgroup/system.slice/$UNIT
	assert_eq "$(cat "$d/memory.max")" 67108864 "memory.max"
	assert_eq "$(cat "$d/pids.max")" 50 "pids.max"
	assert_eq "$(cat "$d/cpu.max")" "50000 100000" "cpu.max"

	sdrun update "$UNIT" memory=134217728 pids=-1
	[ "$rc" = 0 ] || fail "update: $err"
	assert_eq "$(prop "$UNIT" MemoryMax)" 134217728 "MemoryMax after update"
	assert_eq "$(cat "$d/memory.max")" 134217728 "memory.max after update"
	assert_eq "$(cat "$d/pids.max")" max "pids.max after update"

	sdrun stop "$UNIT"
	[ "$rc" = 0 ] || fail "stop: $err"
	wait_for 50 gone "$SLEEPER" || fail "the process outlived stop"
	[ -d "$d" ] && fail "$d left after stop"
	assert_contains "$(prop "$UNIT" ActiveState)" inactive "ActiveState after stop"
	sdrun stop "$UNIT"
	[ "$rc" = 0 ] || fail "stop of a gone unit: $err"
}

# An active unit of that name is joined (AttachProcessesToUnit).
t_systemd_join() {
	sd_begin
	need_systemd
	sleeper
	first=$SLEEPER
	sdrun start system.slice "$UNIT" "$first" memory=67108864
	[ "$rc" = 0 ] || fail "start: $err"
	sleeper
	sdrun start system.slice "$UNIT" "$SLEEPER" memory=100663296
	[ "$rc" = 0 ] || fail "second start: $err"
	assert_eq "$(cat /proc/"$SLEEPER"/cgroup)" "0::/system.slice/$UNIT" "joined"
	assert_eq "$(prop "$UNIT" MemoryMax)" 100663296 "MemoryMax of the joined unit"
	sdrun stop "$UNIT"
	[ "$rc" = 0 ] || fail "stop: $err"
	wait_for 50 gone "$first" || fail "the first process outlived stop"
	wait_for 50 gone "$SLEEPER" || fail "the second process outlived stop"
}

# A transient slice from a name ending in .slice, and a scope in it.
t_systemd_slice() {
	sd_begin
	need_systemd
	SLICE_UNIT=mdtest$$.slice
	sdrun start system.slice "$SLICE_UNIT" 0 memory=201326592
	[ "$rc" = 0 ] || fail "slice start: $err"
	assert_eq "$out" "/$SLICE_UNIT" "slice path"
	assert_eq "$(prop "$SLICE_UNIT" ActiveState)" active "slice ActiveState"
	assert_eq "$(cat "/sys/fs/cgroup/$SLICE_UNIT/memory.max")" 201326592 "slice memory.max"
	sleeper
	sdrun start "$SLICE_UNIT" "$UNIT" "$SLEEPER"
	[ "$rc" = 0 ] || fail "scope in the slice: $err"
	assert_eq "$(cat /proc/"$SLEEPER"/cgroup)" "0::/$SLICE_UNIT/$UNIT" "/proc/PID/cgroup"
	sdrun stop "$UNIT"
	[ "$rc" = 0 ] || fail "stop scope: $err"
	sdrun stop "$SLICE_UNIT"
	[ "$rc" = 0 ] || fail "stop slice: $err"
	[ -d "/sys/fs/cgroup/$SLICE_UNIT" ] && fail "slice left after stop"
	return 0
}

# A start that systemd refuses names the unit and systemd's reason.
t_systemd_refused() {
	sd_begin
	need_systemd
	sdrun start system.slice "$UNIT" 999999999
	assert_eq "$rc" 1 "start rc"
	assert_contains "$err" "systemd: start unit $UNIT"
	"$SD" stop "$UNIT" >/dev/null 2>&1
	return 0
}

# mydocker-runtime --systemd-cgroup, as podman and the kubelet drive it: the
# container's cgroup is a scope systemd made, with the limits as properties
# and in the files; exec joins it; update reaches both; delete stops it.
t_systemd_runtime_scope() {
	need_systemd
	source tests/integration/oci-lib.sh
	oci_setup
	local b unit=mdtest-rt$$.scope cgdir pid
	b=$(bundle sdrt "c['linux']['cgroupsPath'] = 'system.slice:mdtest:rt$$'
c['process']['args'] = ['/bin/sleep', '60']
c['linux']['resources']['memory'] = {'limit': 67108864}
c['linux']['resources']['pids'] = {'limit': 40}
c['linux']['resources']['devices'] = [{'allow': False, 'access': 'rwm'}]
c['process']['capabilities'] = {k: ['CAP_MKNOD'] for k in ('bounding', 'effective', 'permitted')}
c['root']['readonly'] = False")
	UNIT=$unit
	rt_detached --systemd-cgroup run -d --bundle "$b" sdrt
	assert_eq "$rc" 0 "run -d: $err"
	assert_eq "$(prop "$unit" ActiveState)" active "unit"
	assert_eq "$(prop "$unit" MemoryMax)" 67108864 "MemoryMax"
	assert_eq "$(prop "$unit" TasksMax)" 40 "TasksMax"
	cgdir=/sys/fs/cgroup/system.slice/$unit
	pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$OCI_ROOT/sdrt/state.json")
	assert_eq "$(cat /proc/"$pid"/cgroup)" "0::/system.slice/$unit" "init's cgroup"
	assert_eq "$(cat "$cgdir/memory.max")" 67108864 "memory.max"
	# The device filter is on the scope: mknod is allowed, the open is not.
	rt exec sdrt /bin/sh -c 'cat /proc/self/cgroup; mknod /dev/m c 1 1 && { (exec 3</dev/m) 2>/dev/null || echo refused; }'
	assert_eq "$out" "0::/system.slice/$unit"$'\nrefused' "exec: $err"
	rt --systemd-cgroup update --memory 100m sdrt
	assert_eq "$rc" 0 "update: $err"
	assert_eq "$(prop "$unit" MemoryMax)" 104857600 "MemoryMax after update"
	assert_eq "$(cat "$cgdir/memory.max")" 104857600 "memory.max after update"
	rt --systemd-cgroup delete --force sdrt
	assert_eq "$rc" 0 "delete: $err"
	[ ! -d "$cgdir" ] || fail "$cgdir left"
	[ "$(prop "$unit" ActiveState)" != active ] || fail "unit still active"
}
