# SPDX-License-Identifier: Apache-2.0
# The runtime core without a CLI: detached create/start through exec.fifo,
# the state record, namespaces joined by path, exec, hooks. Driven by
# tests/helpers/core-drive.c, which make builds as $BUILD/core-drive against
# the build's library, on busybox bundles made with `runc spec`.

core_begin() {
	command -v busybox >/dev/null || skip "busybox not installed"
	command -v runc >/dev/null || skip "runc (for runc spec) not installed"
	command -v jq >/dev/null || skip "jq not installed"
	WORK=$(mktemp -d /tmp/md-core.XXXXXX)
	ROOT=$WORK/state
	CD=$TOP/$BUILD/core-drive
	HOLDER=""
	trap core_end EXIT
	[ -x "$CD" ] || fail "$CD is missing (make builds it)"
}

# Every container of the test is deleted, whatever happened.
core_end() {
	local id
	for id in $(ls "$ROOT" 2>/dev/null); do
		"$CD" "$ROOT" delete -f "$id" >/dev/null 2>&1
	done
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	rm -rf "$WORK"
}

# cd: run the driver with a timeout; sets $out, $err, $rc.
cdrive() {
	local ef
	ef=$(mktemp)
	out=$(timeout -k 2 20 "$CD" "$ROOT" "$@" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
	rm -f "$ef"
	return 0
}

# make_bundle DIR CMD...: busybox rootfs, config from `runc spec` with
# args CMD, no terminal, a writable root, no cgroup mount.
make_bundle() {
	local dir=$1 a
	shift
	mkdir -p "$dir/rootfs"/{bin,proc,dev,sys,tmp,etc}
	cp /bin/busybox "$dir/rootfs/bin/busybox"
	for a in sh sleep cat echo hostname readlink ls true false ps id pwd wc grep; do
		ln -sf busybox "$dir/rootfs/bin/$a"
	done
	printf 'not a program\n' >"$dir/rootfs/bin/noexec"
	chmod 644 "$dir/rootfs/bin/noexec"
	(cd "$dir" && runc spec) || fail "runc spec"
	# (jq --args would take a "-c" among the args as its own option)
	config_edit "$dir" '.process.terminal = false | .process.args = $a |
		.process.env = ["PATH=/bin"] | .root.readonly = false |
		.mounts |= map(select(.destination != "/sys/fs/cgroup"))' \
		--argjson a "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")"
}

# config_edit BUNDLE JQ-FILTER [jq args...]
config_edit() {
	local b=$1 f=$2
	shift 2
	jq "$@" "$f" <"$b/config.json" >"$b/config.new" && mv "$b/config.new" "$b/config.json" ||
		fail "jq $f"
}

state_field() { # id field
	"$CD" "$ROOT" state "$1" | jq -r ".$2"
}

status_is() { # id status
	[ "$(state_field "$1" status)" == "$2" ]
}

# The prefix of the container ids (hence of their cgroups /mydocker/ID):
# this run's (lib.sh).
CP=$MD_TEST_RUN-

# A cgroup dir of container id in the pids (or unified) hierarchy.
cg_dir() {
	local d
	for d in /sys/fs/cgroup/pids/mydocker/"$1" /sys/fs/cgroup/mydocker/"$1"; do
		[ -d "$d" ] && { echo "$d"; return 0; }
	done
	return 1
}

t_core_create_then_start_from_another_process() {
	local pid
	core_begin
	make_bundle "$WORK/b" sh -c 'echo hello from init; exec sleep 300'
	"$CD" "$ROOT" create ${CP}c1 "$WORK/b" >"$WORK/c1.out" 2>&1 || fail "create: $(cat "$WORK/c1.out")"
	pid=$(state_field ${CP}c1 pid)
	[ "$pid" -gt 1 ] || fail "pid '$pid'"
	# create has exited; the init lives on, blocked before the program.
	kill -0 "$pid" || fail "init died with create"
	assert_eq "$(state_field ${CP}c1 status)" created
	assert_eq "$(state_field ${CP}c1 id)" ${CP}c1
	assert_eq "$(state_field ${CP}c1 bundle)" "$WORK/b"
	assert_eq "$(state_field ${CP}c1 rootfs)" "$WORK/b/rootfs"
	[[ "$(state_field ${CP}c1 created)" =~ ^[0-9-]{10}T[0-9:]{8}\.[0-9]{9}Z$ ]] || fail "created"
	assert_eq "$(stat -c %a "$ROOT/${CP}c1")" 700 "state dir mode"
	[ -p "$ROOT/${CP}c1/exec.fifo" ] || fail "no exec.fifo"
	assert_not_contains "$(cat "$WORK/c1.out")" "hello" "program ran before start"
	cg_dir ${CP}c1 >/dev/null || fail "cgroup gone after create"
	grep -qx "$pid" "$(cg_dir ${CP}c1)/cgroup.procs" || fail "init not in its cgroup"

	cdrive start ${CP}c1
	assert_eq "$rc" 0 "start: $err"
	wait_for 50 grep -q "hello from init" "$WORK/c1.out" || fail "program did not run"
	assert_eq "$(state_field ${CP}c1 status)" running
	assert_eq "$(state_field ${CP}c1 pid)" "$pid"
	[ -e "$ROOT/${CP}c1/exec.fifo" ] && fail "exec.fifo left after start"
	assert_eq "$(tr '\0' ' ' </proc/"$pid"/cmdline)" "sleep 300 " "init's program"
	cdrive start ${CP}c1
	[ "$rc" != 0 ] || fail "second start succeeded"
	assert_contains "$err" "already started"

	cdrive kill ${CP}c1 9
	assert_eq "$rc" 0 "kill: $err"
	wait_for 50 status_is ${CP}c1 stopped || fail "not stopped: $(state_field ${CP}c1 status)"
	assert_eq "$(state_field ${CP}c1 pid)" 0 "pid when stopped"
	cdrive kill ${CP}c1 9
	assert_contains "$err" "container not running"
	cdrive delete ${CP}c1
	assert_eq "$rc" 0 "delete: $err"
	[ -e "$ROOT/${CP}c1" ] && fail "state dir left"
	cg_dir ${CP}c1 && fail "cgroup left"
	return 0
}

t_core_paused_and_list() {
	local d
	core_begin
	make_bundle "$WORK/b" sleep 300
	"$CD" "$ROOT" create ${CP}p1 "$WORK/b" >/dev/null 2>&1 || fail create
	"$CD" "$ROOT" create ${CP}p2 "$WORK/b" >/dev/null 2>&1 || fail create
	cdrive list
	assert_eq "$(echo $out)" "${CP}p1 ${CP}p2"
	cdrive create ${CP}p1 "$WORK/b"
	assert_contains "$err" "already exists"
	cdrive start ${CP}p1
	assert_eq "$rc" 0 "$err"
	# Frozen behind the runtime's back: v1 freezer or cgroup.freeze.
	local freeze=freezer.state frozen=FROZEN thawed=THAWED
	d=$(cg_dir_of freezer "mydocker/${CP}p1")
	cg_v1 freezer || { freeze=cgroup.freeze frozen=1 thawed=0; }
	[ -e "$d/$freeze" ] || skip "no freezer"
	echo $frozen >"$d/$freeze"
	wait_for 50 status_is ${CP}p1 paused || fail "not paused: $(state_field ${CP}p1 status)"
	cdrive exec ${CP}p1 /bin/true
	assert_contains "$err" "cannot exec in a paused container"
	echo $thawed >"$d/$freeze"
	wait_for 50 status_is ${CP}p1 running || fail "not running after thaw"
	assert_eq "$(state_field ${CP}p2 status)" created
	cdrive delete ${CP}p1
	assert_contains "$err" "running" "delete of a running container"
	cdrive delete -f ${CP}p1
	assert_eq "$rc" 0 "$err"
	cdrive delete ${CP}p2
	assert_eq "$rc" 0 "delete created: $err"
	cdrive list
	assert_eq "$out" ""
}

t_core_start_after_init_died_does_not_hang() {
	local pid t0
	core_begin
	make_bundle "$WORK/b" sh -c 'echo ran'
	"$CD" "$ROOT" create ${CP}d1 "$WORK/b" >/dev/null 2>&1 || fail create
	pid=$(state_field ${CP}d1 pid)
	kill -9 "$pid"
	wait_for 50 status_is ${CP}d1 stopped || fail "not stopped"
	t0=$SECONDS
	cdrive start ${CP}d1
	[ "$rc" != 0 ] || fail "start of a dead init succeeded"
	assert_contains "$err" "not running"
	[ $((SECONDS - t0)) -lt 5 ] || fail "start took $((SECONDS - t0)) s"
}

t_core_pid_reuse_guard() {
	local pid other
	core_begin
	make_bundle "$WORK/b" sleep 300
	"$CD" "$ROOT" create ${CP}r1 "$WORK/b" >/dev/null 2>&1 || fail create
	cdrive start ${CP}r1
	pid=$(state_field ${CP}r1 pid)
	kill -9 "$pid"
	wait_for 50 status_is ${CP}r1 stopped || fail "not stopped"
	# Another process now has the recorded pid (as after a pid reuse):
	# same number, another start time.
	sleep 299 &
	other=$!
	jq ".pid = $other" "$ROOT/${CP}r1/state.json" >"$WORK/s" && cp "$WORK/s" "$ROOT/${CP}r1/state.json"
	assert_eq "$(state_field ${CP}r1 status)" stopped
	assert_eq "$(state_field ${CP}r1 pid)" 0
	cdrive kill ${CP}r1 9
	assert_contains "$err" "container not running"
	cdrive exec ${CP}r1 /bin/true
	assert_contains "$err" "container not running"
	cdrive delete -f ${CP}r1
	assert_eq "$rc" 0 "$err"
	kill -0 "$other" || fail "an unrelated process with the recorded pid was killed"
	kill "$other"
	wait "$other" 2>/dev/null
	return 0
}

own_netns() {
	[ "$(readlink /proc/"$1"/ns/net)" != "$(readlink /proc/self/ns/net)" ]
}

t_core_join_netns_by_path() {
	local ns
	core_begin
	# A network namespace kept by a process (`ip netns add` would leave a
	# mount on the host).
	unshare --net sleep 300 &
	HOLDER=$!
	wait_for 50 own_netns "$HOLDER" || fail "no netns holder"
	ns=$(readlink /proc/$HOLDER/ns/net)
	make_bundle "$WORK/b" readlink /proc/self/ns/net
	config_edit "$WORK/b" '(.linux.namespaces[] | select(.type == "network")) += {path: $p}' \
		--arg p "/proc/$HOLDER/ns/net"
	cdrive run ${CP}j1 "$WORK/b"
	assert_eq "$rc" 0 "run: $err"
	assert_eq "$out" "$ns" "the container's netns"
	# A namespace of the wrong type, and something that is no namespace.
	make_bundle "$WORK/c" true
	config_edit "$WORK/c" '(.linux.namespaces[] | select(.type == "network")) += {path: "/proc/self/ns/uts"}'
	cdrive run ${CP}j2 "$WORK/c"
	[ "$rc" != 0 ] || fail "a uts namespace joined as network"
	assert_contains "$err" "is a uts namespace, not network"
	config_edit "$WORK/c" '(.linux.namespaces[] | select(.type == "network")) += {path: "/etc/hostname"}'
	cdrive run ${CP}j3 "$WORK/c"
	assert_contains "$err" "is not a namespace"
	# A new user namespace cannot join namespaces the host's one owns.
	make_bundle "$WORK/d" true
	config_edit "$WORK/d" '.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1}] | .linux.gidMappings = .linux.uidMappings | (.linux.namespaces[] | select(.type == "network")) += {path: $p}' --arg p "/proc/$HOLDER/ns/net"
	cdrive run ${CP}j4 "$WORK/d"
	assert_contains "$err" "a new user namespace cannot join"
}

t_core_join_pid_uts_ipc_of_another_container() {
	local apid ns
	core_begin
	make_bundle "$WORK/a" sleep 300
	config_edit "$WORK/a" '.hostname = "box-a"'
	"$CD" "$ROOT" create ${CP}a "$WORK/a" >/dev/null 2>&1 || fail "create a"
	cdrive start ${CP}a
	apid=$(state_field ${CP}a pid)
	make_bundle "$WORK/b" sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/ipc; hostname; cat /proc/1/cmdline | tr "\0" " "; echo'
	config_edit "$WORK/b" 'del(.hostname) | .linux.namespaces |= map(
		if .type == "pid" or .type == "ipc" or .type == "uts"
		then . + {path: "/proc/\($p)/ns/\(.type)"} else . end)' --arg p "$apid"
	cdrive run ${CP}b "$WORK/b"
	assert_eq "$rc" 0 "run: $err"
	ns=$(readlink /proc/"$apid"/ns/pid; readlink /proc/"$apid"/ns/ipc)
	assert_eq "$(echo "$out" | head -2)" "$ns" "pid and ipc namespaces"
	assert_eq "$(echo "$out" | sed -n 3p)" box-a "uts namespace"
	assert_eq "$(echo "$out" | sed -n 4p)" "sleep 300 " "pid 1 seen from b"
	kill -0 "$apid" || fail "a's init died"
}

t_core_new_time_namespace_with_offsets() {
	local host
	core_begin
	[ -e /proc/self/ns/time ] || skip "no time namespaces"
	make_bundle "$WORK/b" cat /proc/uptime
	config_edit "$WORK/b" '.linux.namespaces += [{type: "time"}] |
		.linux.timeOffsets = {boottime: {secs: 86400, nanosecs: 0}}'
	cdrive run ${CP}t1 "$WORK/b"
	assert_eq "$rc" 0 "run: $err"
	host=$(cut -d. -f1 /proc/uptime)
	[ "${out%%.*}" -ge $((host + 86000)) ] || fail "uptime '$out', host $host"
	config_edit "$WORK/b" '.linux.namespaces |= map(select(.type != "time"))'
	cdrive run ${CP}t2 "$WORK/b"
	assert_contains "$err" "timeOffsets needs a new time namespace"
}

t_core_exec_into_running_container() {
	local apid dpid d
	core_begin
	make_bundle "$WORK/a" sleep 300
	config_edit "$WORK/a" '.hostname = "exec-box"'
	"$CD" "$ROOT" create ${CP}e "$WORK/a" >/dev/null 2>&1 || fail create
	cdrive exec ${CP}e /bin/hostname
	assert_eq "$rc" 0 "exec into a created container: $err"
	assert_eq "$out" exec-box
	cdrive start ${CP}e
	apid=$(state_field ${CP}e pid)
	cdrive exec ${CP}e sh -c 'for n in pid mnt net; do readlink /proc/self/ns/$n; done; hostname; cat /proc/1/cmdline | tr "\0" " "; echo; ls /'
	assert_eq "$rc" 0 "$err"
	assert_eq "$(echo "$out" | head -3)" "$(readlink /proc/"$apid"/ns/pid /proc/"$apid"/ns/mnt /proc/"$apid"/ns/net)" "namespaces"
	assert_eq "$(echo "$out" | sed -n 4p)" exec-box
	assert_eq "$(echo "$out" | sed -n 5p)" "sleep 300 "
	assert_eq "$(echo "$out" | tail -n +6 | tr '\n' ' ')" "bin dev etc proc sys tmp " "the container's root"
	cdrive exec -c /tmp ${CP}e sh -c 'pwd; ls /proc/self/fd | tr "\n" " "; exit 7'
	assert_eq "$rc" 7 "exit code"
	assert_eq "$out" $'/tmp\n0 1 2 3 ' "cwd and fds"
	# The process spec applies as for the init: capabilities of runc's
	# default config, nothing inheritable, no_new_privs; a terminal.
	cdrive exec ${CP}e grep -E '^(CapInh|CapEff|CapBnd|NoNewPrivs)' /proc/self/status
	assert_eq "$(echo $out)" "CapInh: 0000000000000000 CapEff: 0000000020000420 CapBnd: 0000000020000420 NoNewPrivs: 1"
	cdrive exec -t ${CP}e sh -c 'test -t 0 && test -t 1 && exit 3'
	assert_eq "$rc" 3 "exec with a terminal: $err"
	cdrive exec ${CP}e nosuch
	assert_eq "$rc" 127 "missing binary"
	assert_contains "$err" "executable file not found"
	cdrive exec ${CP}e /bin/noexec
	assert_eq "$rc" 126 "not executable"
	assert_contains "$err" "permission denied"
	# Detached: in the cgroup, in the pid namespace, not our child.
	# (its stdout is a file: a pipe would stay open as long as it runs)
	"$CD" "$ROOT" exec -d ${CP}e sleep 250 >"$WORK/d.out" 2>&1 || fail "exec -d: $(cat "$WORK/d.out")"
	dpid=$(head -1 "$WORK/d.out")
	d=$(cg_dir ${CP}e) || fail "no cgroup"
	grep -qx "$dpid" "$d/cgroup.procs" || fail "exec'd process not in the cgroup"
	assert_eq "$(readlink /proc/"$dpid"/ns/pid)" "$(readlink /proc/"$apid"/ns/pid)"
	[ "$(grep NSpid /proc/"$dpid"/status | awk '{print NF}')" = 3 ] || fail "not in a nested pid ns"
	cdrive exec ${CP}e ps -o pid,args
	assert_contains "$out" "sleep 250"
	cdrive kill ${CP}e 9
	wait_for 50 status_is ${CP}e stopped || fail "not stopped"
	cdrive exec ${CP}e /bin/true
	assert_contains "$err" "container not running"
}

# Hooks that log "KIND STATE-JSON ENV NETNS" to one file that the
# container sees as /shared/log (for startContainer, which runs inside).
hook_json() { # kind path-of-log [extra script]
	jq -n --arg k "$1" --arg log "$2" --arg x "${3:-}" '{path: "/bin/sh", args: ["sh", "-c",
		"echo \"\($k) $(cat) $HOOKENV $(readlink /proc/self/ns/net)\" >> \($log); \($x)"],
		env: ["HOOKENV=env-\($k)"], timeout: 10}'
}

hooks_bundle() { # dir [kind-that-fails]
	local dir=$1 bad=${2:-} h k log in
	make_bundle "$dir" sh -c 'echo program >> /shared/log; exec sleep 300'
	mkdir -p "$WORK/shared"
	: >"$WORK/shared/log"
	h='{}'
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		log=$WORK/shared/log
		[ "$k" = startContainer ] && log=/shared/log
		in=$(hook_json "$k" "$log" "$([ "$k" = "$bad" ] && echo 'echo hook says boom >&2; exit 3')")
		h=$(jq --arg k "$k" --argjson v "$in" '.[$k] = [$v]' <<<"$h")
	done
	config_edit "$dir" '.hooks = $h | .mounts += [{destination: "/shared", type: "bind",
		source: $s, options: ["rbind", "rw"]}]' --argjson h "$h" --arg s "$WORK/shared"
}

t_core_hooks_in_order_with_state() {
	local pid kinds
	core_begin
	hooks_bundle "$WORK/b"
	"$CD" "$ROOT" create ${CP}h1 "$WORK/b" >/dev/null 2>"$WORK/err" || fail "create: $(cat "$WORK/err")"
	pid=$(state_field ${CP}h1 pid)
	cdrive start ${CP}h1
	assert_eq "$rc" 0 "start: $err"
	wait_for 50 grep -q program "$WORK/shared/log" || fail "program did not run"
	cdrive delete -f ${CP}h1
	assert_eq "$rc" 0 "delete: $err"
	# The program and poststart run at the same time: leave it out.
	kinds=$(awk '$1 != "program" {print $1}' "$WORK/shared/log" | tr '\n' ' ')
	assert_eq "$kinds" "prestart createRuntime createContainer startContainer poststart poststop " "order"
	# Each got the state on stdin, its own env, and ran where it should.
	while read -r k json env ns; do
		[ "$k" = program ] && continue
		assert_eq "$(jq -r .id <<<"$json")" ${CP}h1 "$k id"
		assert_eq "$(jq -r .bundle <<<"$json")" "$WORK/b" "$k bundle"
		assert_eq "$env" "env-$k" "$k env"
		case $k in
		prestart|createRuntime|createContainer) want=creating ;;
		startContainer) want=created ;;
		poststart) want=running ;;
		poststop) want=stopped ;;
		esac
		assert_eq "$(jq -r .status <<<"$json")" "$want" "$k status"
		[ "$k" = poststop ] || assert_eq "$(jq -r .pid <<<"$json")" "$pid" "$k pid"
		case $k in
		createContainer|startContainer) [ "$ns" != "$(readlink /proc/self/ns/net)" ] ||
			fail "$k ran in the host's netns" ;;
		*) assert_eq "$ns" "$(readlink /proc/self/ns/net)" "$k netns" ;;
		esac
	done <"$WORK/shared/log"
}

t_core_failing_hook_fails_create_and_leaves_nothing() {
	local k
	core_begin
	for k in prestart createRuntime createContainer; do
		hooks_bundle "$WORK/b-$k" "$k"
		cdrive create ${CP}f1 "$WORK/b-$k"
		[ "$rc" != 0 ] || fail "create with a failing $k hook succeeded"
		assert_contains "$err" "$k hook \`/bin/sh\` failed: exit status 3: hook says boom"
		[ -e "$ROOT/${CP}f1" ] && fail "state left after a failing $k hook"
		cg_dir ${CP}f1 && fail "cgroup left after a failing $k hook"
		grep -q program "$WORK/shared/log" && fail "program ran"
		pgrep -f "core-drive $ROOT" && fail "processes left"
	done
	return 0
}

t_core_failing_start_container_hook_fails_start() {
	core_begin
	hooks_bundle "$WORK/b" startContainer
	"$CD" "$ROOT" create ${CP}s1 "$WORK/b" >/dev/null 2>&1 || fail create
	cdrive start ${CP}s1
	[ "$rc" != 0 ] || fail "start with a failing startContainer hook succeeded"
	assert_contains "$err" "startContainer hook \`/bin/sh\` failed: exit status 3: hook says boom"
	wait_for 50 status_is ${CP}s1 stopped || fail "init still there"
	grep -q program "$WORK/shared/log" && fail "program ran"
	return 0
}

t_core_hook_past_its_timeout_is_killed() {
	local t0
	core_begin
	make_bundle "$WORK/b" true
	config_edit "$WORK/b" '.hooks.createRuntime = [{path: "/bin/sh",
		args: ["sh", "-c", "sleep \($s) & sleep \($s)"], timeout: 1}]' --arg s "31.5$$"
	t0=$SECONDS
	cdrive create ${CP}t1 "$WORK/b"
	[ "$rc" != 0 ] || fail "create succeeded"
	assert_contains "$err" "createRuntime hook \`/bin/sh\` failed: timed out after 1 s"
	[ $((SECONDS - t0)) -lt 10 ] || fail "took $((SECONDS - t0)) s"
	sleep 0.2
	# (a duration of this test's own: no other run's processes)
	pgrep -f "sleep 31.5$$" && fail "the hook's processes survived"
	[ -e "$ROOT/${CP}t1" ] && fail "state left"
	return 0
}
