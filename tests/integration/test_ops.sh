# SPDX-License-Identifier: Apache-2.0
# pause/unpause, update, top and stats on detached busybox containers:
# the cgroup's freezer and limits as the kernel shows them, the record
# (inspect, ps), the stored config a later start uses, ps's rows cut to
# the container's processes, Docker's stats columns and errors. Each test
# has a store of its own under its own temporary directory (lib.sh's
# store_begin), removed with its containers (thawed first: a task frozen
# by the v1 freezer cannot die) even when the test fails.

ops_begin() {
	store_begin ops
	trap ops_end EXIT
	mdr load -i "$(tests/images/make-busybox-image)"
	assert_eq "$rc" 0 "load: $err"
	mdr tag localhost/mdtest/busybox:latest busybox
	assert_eq "$rc" 0 "tag: $err"
}

ops_end() {
	local id
	for id in $(ls "$R/containers" 2>/dev/null); do
		timeout 10 "$MYDOCKER" --root "$R" unpause "$id" >/dev/null 2>&1
	done
	store_end
}

# mdr_ok ARGS...: mydocker with the test's store, which must work.
mdr_ok() {
	mdr "$@"
	[ "$rc" = 0 ] || fail "mydocker $*: rc $rc: $err"
}

# ops_run NAME ARGS...: a detached container NAME; $ID its full id.
ops_run() {
	local name=$1
	shift
	mdr_ok run -d --name "$name" "$@"
	ID=$out
	[[ "$ID" =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$ID'"
}

ops_state() { # what: the container's .State.WHAT
	mdr_ok inspect "$CNAME"
	jq -r ".[0].State.$1" <<<"$out"
}

# A control file of container ID's cgroup: V1FILE where CONTROLLER is a
# v1 hierarchy, else V2FILE.
ops_cg_file() { # controller v1file v2file id
	local d
	d=$(cg_dir_of "$1" "mydocker/$4")
	if cg_v1 "$1"; then
		cat "$d/$2"
	else
		cat "$d/$3"
	fi
}

# The freezer's word for container ID: FROZEN/THAWED (v1), 1/0 (v2).
ops_freezer() { # id
	ops_cg_file freezer freezer.state cgroup.freeze "$1"
}

# CPU ticks the process has used (utime + stime of /proc/PID/stat).
ops_ticks() { # pid
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

t_ops_pause_unpause() {
	local pid t0 t1 frozen
	ops_begin
	ops_run p1 busybox sh -c 'while :; do :; done'
	CNAME=p1
	pid=$(ops_state Pid)
	mdr_ok pause p1
	assert_eq "$out" p1 "pause prints the name as given"
	frozen=$(ops_freezer "$ID")
	[[ "$frozen" == FROZEN || "$frozen" == 1 ]] || fail "freezer: '$frozen'"
	# a busy loop frozen: no CPU time goes to it
	t0=$(ops_ticks "$pid")
	sleep 0.3
	t1=$(ops_ticks "$pid")
	assert_eq "$t1" "$t0" "CPU ticks of the frozen init"
	assert_eq "$(ops_state Status)" paused
	assert_eq "$(ops_state Paused)" true
	assert_eq "$(ops_state Running)" true
	mdr_ok ps
	assert_contains "$out" "(Paused)" "ps"
	mdr_ok ps --format json
	assert_eq "$(jq -r .State <<<"$out")" paused "ps --format json"

	mdr pause p1
	assert_eq "$rc" 1 "pause twice"
	assert_contains "$err" "Container $ID is already paused"

	mdr_ok unpause "${ID:0:12}"
	assert_eq "$out" "${ID:0:12}" "unpause prints the name as given"
	frozen=$(ops_freezer "$ID")
	[[ "$frozen" == THAWED || "$frozen" == 0 ]] || fail "freezer after unpause: '$frozen'"
	t0=$(ops_ticks "$pid")
	sleep 0.3
	t1=$(ops_ticks "$pid")
	[ "$t1" -gt "$t0" ] || fail "the loop does not run again after unpause ($t0 -> $t1)"
	assert_eq "$(ops_state Status)" running
	assert_eq "$(ops_state Paused)" false
	mdr unpause p1
	assert_eq "$rc" 1 "unpause twice"
	assert_contains "$err" "Container $ID is not paused"

	mdr pause p1 nosuch
	assert_eq "$rc" 1 "one of two not found"
	assert_eq "$out" p1
	assert_contains "$err" "No such container: nosuch"
	mdr_ok unpause p1
	mdr_ok kill p1
	mdr_ok wait p1
	mdr pause p1
	assert_eq "$rc" 1 "pause of a stopped container"
	assert_contains "$err" "Container $ID is not running"
	ops_end
}

# The memory limit of container ID as the kernel has it.
ops_memory_limit() { # id
	ops_cg_file memory memory.limit_in_bytes memory.max "$1"
}

t_ops_update_running() {
	ops_begin
	ops_run u1 -m 32m busybox sleep 1000
	CNAME=u1
	assert_eq "$(ops_memory_limit "$ID")" $((32 << 20)) "the limit of run -m"
	mdr_ok update -m 64m --pids-limit 40 --cpu-shares 512 --restart on-failure:3 u1
	assert_eq "$out" u1 "update prints the name as given"
	assert_eq "$(ops_memory_limit "$ID")" $((64 << 20)) "memory limit after update"
	assert_eq "$(cat "$(cg_dir_of pids "mydocker/$ID")/pids.max")" 40 "pids.max"
	mdr_ok inspect u1
	assert_eq "$(jq -c '.[0].HostConfig | [.Memory, .PidsLimit, .CpuShares, .RestartPolicy]' <<<"$out")" \
		"[$((64 << 20)),40,512,{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}]" "HostConfig"
	assert_eq "$(jq -c '.linux.resources | [.memory.limit, .pids.limit, .cpu.shares]' "$R/containers/$ID/config.json")" \
		"[$((64 << 20)),40,512]" "the stored OCI config"

	# Docker's checks: nothing changes when one fails
	mdr update -m 4m u1
	assert_eq "$rc" 1 "-m 4m"
	assert_contains "$err" "Minimum memory limit allowed is 6MB"
	mdr update -m 64m --memory-swap 32m u1
	assert_eq "$rc" 1 "swap below memory"
	assert_contains "$err" "Minimum memoryswap limit should be larger than memory limit"
	mdr update u1
	assert_eq "$rc" 1 "no flag"
	assert_contains "$err" "You must provide one or more flags when using this command."
	mdr update --restart sometimes u1
	assert_eq "$rc" 1 "a bad policy"
	mdr update -m lots u1
	assert_eq "$rc" 125 "a bad size"
	assert_eq "$(ops_memory_limit "$ID")" $((64 << 20)) "memory limit after the failures"
	mdr_ok inspect u1
	assert_eq "$(jq -c '.[0].HostConfig.Memory' <<<"$out")" $((64 << 20)) "the record after the failures"

	ops_run u2 --rm busybox sleep 1000
	mdr update --restart always u2
	assert_eq "$rc" 1 "--restart on a --rm container"
	assert_contains "$err" "Restart policy cannot be updated because AutoRemove is enabled for the container"
	ops_end
}

t_ops_update_stopped_used_at_next_start() {
	ops_begin
	ops_run s1 busybox sleep 1000
	CNAME=s1
	mdr_ok kill s1
	mdr_ok wait s1
	mdr_ok update -m 48m --pids-limit 30 s1
	assert_eq "$out" s1
	mdr_ok inspect s1
	assert_eq "$(jq -c '.[0].HostConfig | [.Memory, .PidsLimit]' <<<"$out")" "[$((48 << 20)),30]"
	mdr_ok start s1
	assert_eq "$(ops_state Status)" running
	assert_eq "$(ops_memory_limit "$ID")" $((48 << 20)) "the limit at the next start"
	assert_eq "$(cat "$(cg_dir_of pids "mydocker/$ID")/pids.max")" 30 "pids.max at the next start"
	ops_end
}

t_ops_top() {
	local procs rows pids
	ops_begin
	ops_run t1 busybox sh -c 'sleep 1000 & sleep 1001 & wait'
	procs=$(cg_dir_of pids "mydocker/$ID")/cgroup.procs
	wait_for 50 bash -c "[ \$(wc -l <'$procs') -ge 3 ]" || fail "3 processes: $(cat "$procs")"
	mdr_ok top t1
	rows=$(tail -n +2 <<<"$out")
	[[ "$(head -n 1 <<<"$out")" =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]] ||
		fail "ps -ef's header: $(head -n 1 <<<"$out")"
	assert_eq "$(wc -l <<<"$rows")" 3 "rows: $out"
	pids=$(awk '{ print $2 }' <<<"$rows" | sort -n)
	assert_eq "$pids" "$(sort -n "$procs")" "the rows are the cgroup's processes"
	assert_contains "$rows" "sleep 1001"
	assert_not_contains "$out" "mydocker" "a process outside the container"
	# columns at least 20 wide, as Docker's tabwriter lays them out
	[[ "$(head -n 1 <<<"$out")" == "UID                 PID "* ]] || fail "layout: $out"

	mdr_ok top t1 -o pid,comm
	assert_eq "$(head -n 1 <<<"$out" | tr -s ' ')" "PID COMMAND"
	assert_eq "$(tail -n +2 <<<"$out" | awk '{ print $2 }' | sort | uniq -c | awk '{ print $1 $2 }' | tr '\n' ' ')" \
		"1sh 2sleep " "-o pid,comm"
	mdr top t1 -o comm
	assert_eq "$rc" 1 "no PID column"
	assert_contains "$err" "Couldn't find PID field in ps output"

	mdr_ok kill t1
	mdr_ok wait t1
	mdr top t1
	assert_eq "$rc" 1 "top of a stopped container"
	assert_contains "$err" "Container $ID is not running"
	ops_end
}

t_ops_stats() {
	local line cpu id1
	ops_begin
	ops_run st1 busybox sleep 1000
	id1=$ID
	ops_run st2 busybox sh -c 'while :; do :; done'
	mdr_ok run --name st3 busybox true
	mdr_ok stats --no-stream
	assert_eq "$(head -n 1 <<<"$out" | tr -s ' ')" \
		"CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O PIDS"
	assert_eq "$(wc -l <<<"$out")" 3 "the running ones: $out"
	line=$(grep " st1 " <<<"$out")
	[[ "$line" =~ ^${id1:0:12}\ +st1\ +[0-9]+\.[0-9][0-9]%\ +[0-9.]+[KMG]iB\ /\ [0-9.]+[KMGT]iB\ +[0-9]+\.[0-9][0-9]%\ +0B\ /\ 0B\ +[0-9.]+[kMG]?B\ /\ [0-9.]+[kMG]?B\ +1$ ]] ||
		fail "st1's row: '$line'"

	mdr_ok stats --no-stream --format json st2 st1
	assert_eq "$(jq -r .Name <<<"$out" | tr '\n' ' ')" "st2 st1 " "json, in the order named"
	assert_eq "$(jq -r 'select(.Name == "st1") | [.ID, .Container, .PIDs, .NetIO] | join(" ")' <<<"$out")" \
		"${id1:0:12} st1 1 0B / 0B"
	cpu=$(jq -r 'select(.Name == "st2") | .CPUPerc | rtrimstr("%")' <<<"$out")
	awk -v c="$cpu" 'BEGIN { exit !(c > 20 && c < 250) }' || fail "a busy loop's CPU %: $cpu"
	[ -z "$(jq -r 'select(.MemUsage | startswith("0B")) | .Name' <<<"$out")" ] ||
		fail "memory usage 0: $out"

	mdr_ok stats --no-stream -a --no-trunc
	line=$(grep " st3 " <<<"$out")
	[[ "$line" =~ ^[0-9a-f]{64}\ +st3\ +0\.00%\ +0B\ /\ 0B\ +0\.00%\ +0B\ /\ 0B\ +0B\ /\ 0B\ +0$ ]] ||
		fail "a stopped container's row: '$line'"

	mdr stats --no-stream st1 nosuch
	assert_eq "$rc" 1 "a container not there"
	assert_contains "$err" "No such container: nosuch"

	# without --no-stream: the screen cleared and the table drawn again
	# every second
	out=$(timeout 2.8 "$MYDOCKER" --root "$R" stats st1)
	[ "$(grep -c 'CONTAINER ID' <<<"$out")" -ge 2 ] || fail "frames in 2.8 s: $out"
	assert_contains "$out" $'\033[2J\033[H'
	ops_end
}
