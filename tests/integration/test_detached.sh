# SPDX-License-Identifier: Apache-2.0
# Detached containers and their monitor (issue 14): run -d, start, stop,
# restart, kill, wait, attach, rm -f/-v, restart policies, start --boot;
# kill -9 of the monitor and of `run -d` at random moments; 20 at once.
# Each test has a store of its own (store_begin), with the busybox test
# image loaded; store_end kills and removes what is left.

det_begin() {
	store_busybox det busybox
}

# The monitor of container $1 (its pid), from the process table.
det_monitor() {
	pgrep -f "^mydocker-monitor --id $1 " | head -n 1
}

det_state() { # container jq-path
	mdr inspect "$1"
	jq -r ".[0].$2" <<<"$out"
}

det_log_lines() { # id n: the log has n lines
	[ "$(grep -c run "$R/containers/$1/$1-json.log" 2>/dev/null)" = "$2" ]
}

det_restarted() { # container n: restarted at least n times
	[ "$(det_state "$1" RestartCount)" -ge "$2" ]
}

det_live_gone() { # id
	[ ! -e "/run/mydocker/containers/$1" ]
}

t_detached_run_and_stop() {
	local id pid mon ppid log t0 t1
	det_begin
	mdr run -d --name web busybox sh -c 'echo out-line; echo err-line >&2; sleep 100'
	[ "$rc" = 0 ] || fail "run -d: $err"
	id=$out
	[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$id', not a full id"
	wait_for 50 grep -q err-line "$R/containers/$id/$id-json.log" || fail "no log"
	mdr ps
	assert_contains "$out" "web"
	assert_contains "$out" "Up "
	pid=$(det_state web State.Pid)
	mon=$(det_monitor "$id")
	[ -n "$mon" ] || fail "no monitor process"
	ppid=$(awk '{ print $4 }' "/proc/$pid/stat")
	assert_eq "$ppid" "$mon" "the init's parent is the monitor"
	# Docker's json-file lines, stdout and stderr apart.
	log=$(jq -c '[.stream, .log]' "$R/containers/$id/$id-json.log")
	assert_contains "$log" '["stdout","out-line\n"]'
	assert_contains "$log" '["stderr","err-line\n"]'
	# sh as PID 1 ignores SIGTERM: SIGKILL after the timeout, 137.
	t0=$(date +%s%N)
	mdr stop -t 1 web
	t1=$(date +%s%N)
	[ "$rc" = 0 ] || fail "stop: $err"
	assert_eq "$out" "web"
	[ $(((t1 - t0) / 1000000)) -ge 900 ] || fail "stop returned before the timeout"
	assert_eq "$(det_state web State.ExitCode)" "137"
	assert_eq "$(det_state web State.Status)" "exited"
	det_live_gone "$id" || fail "live entry left"
	[ -z "$(det_monitor "$id")" ] || fail "monitor left"
	grep -q "$id" /proc/self/mountinfo && fail "rootfs still mounted"
	# Stopping a stopped container is fine.
	mdr stop web
	[ "$rc" = 0 ] || fail "stop of a stopped container: $err"
	store_end
}

t_detached_stop_signal_and_kill_wait() {
	det_begin
	mdr run -d --name gg --stop-signal USR1 busybox sh -c 'trap "exit 7" USR1; while :; do sleep 0.1; done'
	[ "$rc" = 0 ] || fail "run -d: $err"
	sleep 0.3
	mdr stop -t 10 gg
	[ "$rc" = 0 ] || fail "stop: $err"
	assert_eq "$(det_state gg State.ExitCode)" "7" "the stop signal ended it"
	# kill -s, then wait prints the code.
	mdr start gg
	[ "$rc" = 0 ] || fail "start: $err"
	sleep 0.3
	(sleep 0.3; timeout 10 "$MYDOCKER" --root "$R" kill -s USR1 gg) &
	mdr wait gg
	assert_eq "$out" "7" "wait"
	wait
	mdr kill gg
	[ "$rc" = 1 ] || fail "kill of a stopped container: rc=$rc"
	assert_contains "$err" "is not running"
	store_end
}

t_detached_start_attached() {
	local out2
	det_begin
	mdr run -d --name aa busybox sh -c 'echo to-out; echo to-err >&2; exit 3'
	[ "$rc" = 0 ] || fail "run -d: $err"
	mdr wait aa
	assert_eq "$out" "3"
	mdr start -a aa
	assert_eq "$rc" "3" "start -a exit status"
	assert_eq "$out" "to-out"
	assert_eq "$err" "to-err"
	# -i: our stdin reaches the container.
	mdr rm aa
	mdr run -d -i --name cat busybox sh -c 'read line; echo "got $line"'
	[ "$rc" = 0 ] || fail "run -di: $err"
	out2=$(echo hello | timeout 10 "$MYDOCKER" --root "$R" attach cat)
	assert_eq "$out2" "got hello" "attach with stdin"
	# A foreground run with a restart policy goes through the monitor.
	mdr run --restart on-failure:1 busybox sh -c 'echo fg; exit 4'
	assert_eq "$rc" "4" "attached run's status"
	assert_eq "$out" "fg"
	store_end
}

t_detached_restart_policy() {
	local id n
	det_begin
	mdr run -d --restart on-failure:3 --name ff busybox sh -c 'echo run; exit 2'
	[ "$rc" = 0 ] || fail "run -d: $err"
	id=$out
	wait_for 100 det_log_lines "$id" 4 ||
		fail "ran $(grep -c run "$R/containers/$id/$id-json.log") times, not 4"
	wait_for 50 det_live_gone "$id" || fail "still live"
	assert_eq "$(det_state ff RestartCount)" "3"
	assert_eq "$(det_state ff State.ExitCode)" "2"
	# always: restarted after exit 0; stop ends that for good.
	mdr run -d --restart always --name al busybox sh -c 'sleep 0.2'
	id=$out
	wait_for 100 det_restarted al 2 || fail "always did not restart"
	mdr stop -t 1 al
	[ "$rc" = 0 ] || fail "stop: $err"
	n=$(det_state al RestartCount)
	sleep 1
	assert_eq "$(det_state al RestartCount)" "$n" "restarted after stop"
	assert_eq "$(det_state al State.Status)" "exited"
	det_live_gone "$id" || fail "live entry left after stop"
	# restart and --rm do not go together.
	mdr run --rm --restart always busybox true
	assert_eq "$rc" "125"
	assert_contains "$err" "Conflicting options: --restart and --rm"
	store_end
}

t_detached_attach_tty_detach_keys() {
	local o
	det_begin
	mdr run -dti --name tt busybox sh
	[ "$rc" = 0 ] || fail "run -dti: $err"
	sleep 0.3
	o=$(timeout -k 2 40 python3 tests/integration/ptyrun.py --rows 33 --cols 101 \
		--send 'stty size; echo hi-$((40+2))\n' --send '\x10\x11' -- "$MYDOCKER" --root "$R" attach tt)
	assert_contains "$o" "33 101" "the terminal's size"
	assert_contains "$o" "hi-42"
	assert_contains "$o" "read escape sequence"
	assert_contains "$o" "ATTRS-RESTORED yes"
	assert_eq "$(det_state tt State.Status)" "running" "still running after detach"
	o=$(timeout -k 2 40 python3 tests/integration/ptyrun.py --send 'exit 5\n' -- \
		"$MYDOCKER" --root "$R" attach tt)
	assert_eq "$?" "5" "attach's status"
	# Custom keys.
	mdr start tt
	sleep 0.3
	o=$(timeout -k 2 40 python3 tests/integration/ptyrun.py --send 'x' --send 'y' -- \
		"$MYDOCKER" --root "$R" attach --detach-keys x,y tt)
	assert_contains "$o" "read escape sequence"
	store_end
}

t_detached_monitor_killed() {
	local id mon
	det_begin
	mdr run -d busybox sleep 100
	id=$out
	mon=$(det_monitor "$id")
	[ -n "$mon" ] || fail "no monitor"
	kill -9 "$mon"
	wait_for 50 test ! -e "/proc/$mon" || fail "monitor did not die"
	mdr ps -a
	assert_contains "$out" "Exited (137)"
	det_live_gone "$id" || fail "live entry left"
	grep -q "$id" /proc/self/mountinfo && fail "rootfs still mounted"
	ls -d /sys/fs/cgroup/*/mydocker/"$id" /sys/fs/cgroup/unified/mydocker/"$id" 2>/dev/null &&
		fail "cgroup left"
	mdr rm "$id"
	[ "$rc" = 0 ] || fail "rm: $err"
	[ -e "$R/containers/$id" ] && fail "record left"
	store_end
}

# kill -9 of `run -d` at random moments: nothing is left behind once the
# store's containers are removed.
t_detached_run_killed_randomly() {
	local i p ids left
	det_begin
	for i in $(seq 20); do
		# mydocker itself, not a timeout wrapper: kill -9 must reach it.
		"$MYDOCKER" --root "$R" run -d busybox sleep 100 >/dev/null 2>&1 &
		p=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	# A killed run's monitor (M) may still be starting its container: its
	# record is there already, and rm -f waits for it.
	mdr ps -aq --no-trunc
	ids=$out
	[ -n "$ids" ] && mdr rm -f $ids
	[ "$rc" = 0 ] || fail "rm -f: $err"
	mdr ps -aq
	assert_eq "$out" "" "records left"
	left=$(pgrep -f "^mydocker-monitor --id .* --root $R " || true)
	assert_eq "$left" "" "monitors left"
	for i in $ids; do
		det_live_gone "$i" || fail "live entry of $i left"
		ls -d /sys/fs/cgroup/*/mydocker/"$i" 2>/dev/null && fail "cgroup of $i left"
	done
	left=$(awk -v d="$SD/" 'index($5, d) == 1' /proc/self/mountinfo)
	assert_eq "$left" "" "mounts left"
	store_end
}

t_detached_twenty_at_once() {
	local i n
	det_begin
	for i in $(seq 20); do
		timeout 30 "$MYDOCKER" --root "$R" run -d --name c$i busybox sleep 100 >"$SD/out.$i" 2>&1 &
	done
	wait
	n=$(cat "$SD"/out.* | grep -cE '^[0-9a-f]{64}$')
	assert_eq "$n" "20" "ids printed: $(grep -vhE '^[0-9a-f]{64}$' "$SD"/out.*)"
	mdr ps -q
	assert_eq "$(wc -l <<<"$out")" "20" "running"
	for i in $(seq 20); do
		timeout 30 "$MYDOCKER" --root "$R" rm -f c$i >"$SD/rm.$i" 2>&1 &
	done
	wait
	mdr ps -aq
	assert_eq "$out" "" "records after rm -f"
	assert_eq "$(cat "$SD"/rm.* | sort | tr '\n' ' ')" "$(printf 'c%s\n' $(seq 20) | sort | tr '\n' ' ')"
	store_end
}

t_detached_errors() {
	det_begin
	mdr run -d --name xx busybox sleep 100
	[ "$rc" = 0 ] || fail "run: $err"
	mdr run -d --name xx busybox sleep 100
	assert_eq "$rc" "125"
	assert_contains "$err" 'Conflict. The container name "/xx" is already in use'
	mdr rm xx
	assert_eq "$rc" "1"
	assert_contains "$err" "container is running: stop the container before removing or force remove"
	mdr stop nosuch
	assert_eq "$rc" "1"
	assert_contains "$err" "No such container: nosuch"
	mdr attach --detach-keys ctrl-bad xx
	assert_eq "$rc" "125"
	mdr run -d /bin/true
	assert_eq "$rc" "125"
	assert_contains "$err" "--detach"
	mdr rm -f xx
	[ "$rc" = 0 ] || fail "rm -f: $err"
	mdr attach xx
	assert_eq "$rc" "125"
	assert_contains "$err" "No such container"
	store_end
}

t_detached_rm_volumes() {
	local vol
	det_begin
	mdr run -d --name vv -v /data busybox sleep 100
	[ "$rc" = 0 ] || fail "run: $err"
	vol=$(det_state vv 'Mounts[0].Name')
	[ -d "$R/volumes/$vol" ] || fail "no volume $vol"
	mdr rm -f -v vv
	[ "$rc" = 0 ] || fail "rm -f -v: $err"
	[ -e "$R/volumes/$vol" ] && fail "anonymous volume left"
	store_end
}

t_detached_monitor_small() {
	local id rss
	det_begin
	mdr run -d busybox sleep 100
	id=$out
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$(det_monitor "$id")/status")
	echo "monitor RSS: $rss KiB"
	[ "$rss" -lt 1024 ] || fail "monitor RSS $rss KiB"
	store_end
}

t_detached_boot_and_reboot() {
	local a u
	det_begin
	mdr run -d --restart always --name aa busybox sleep 100
	a=$out
	mdr run -d --restart unless-stopped --name uu busybox sleep 100
	u=$out
	mdr run -d --restart unless-stopped --name ss busybox sleep 100
	mdr stop -t 0 ss
	# A crash of the monitors (as a reboot would end them).
	kill -9 "$(det_monitor "$a")" "$(det_monitor "$u")"
	wait_for 50 det_live_gone "$a" || true
	mdr start --boot
	[ "$rc" = 0 ] || fail "start --boot: $err"
	assert_eq "$(sort <<<"$out" | tr '\n' ' ')" "$(sort <<<"$a
$u" | tr '\n' ' ')" "started at boot"
	assert_eq "$(det_state ss State.Status)" "exited" "stopped by a user: left"
	# A reboot: records say running, no live entry is left on /run.
	mdr stop -t 0 aa uu
	mdr ps -aq --no-trunc
	jq '.State.Status = "running" | .State.Running = true' "$R/containers/$a/container.json" >"$SD/c.json"
	mv "$SD/c.json" "$R/containers/$a/container.json"
	echo "an-older-boot" >"$R/boot-id"
	assert_eq "$(det_state aa State.Status)" "exited" "after a reboot"
	assert_eq "$(det_state aa State.ExitCode)" "137"
	store_end
}
