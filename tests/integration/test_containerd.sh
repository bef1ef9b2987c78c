# SPDX-License-Identifier: Apache-2.0
# containerd (private daemon) + ctr drive the runtime under test through the
# runc command line: create/start/state/kill/delete/exec/ps, console socket.
# See tests/integration/clients-lib.sh and docs/testing-clients.md.
source "$TOP/tests/integration/clients-lib.sh"

task_stopped() { # id
	ctr task ls | grep -qE "^$1 +[0-9]+ +STOPPED"
}

t_containerd_import_and_run() {
	containerd_start
	containerd_import
	out=$(ctr images ls -q)
	assert_contains "$out" "$CLIENTS_IMAGE" "ctr images ls"
	out=$(ctr_run c1 --rm -- echo hello 2>&1)
	assert_eq "$?" 0 "exit code of ctr run ($out)"
	assert_eq "$out" hello
	# The container ran in its own namespaces, in the cgroup we asked for.
	out=$(ctr_run c2 --rm -- sh -c 'echo $$; cat /proc/self/cgroup' 2>&1)
	assert_eq "$?" 0 "exit code ($out)"
	assert_eq "$(echo "$out" | head -n 1)" 1 "pid of the shell"
	assert_contains "$out"$'\n' ":/${CTRD_CG}c2"$'\n' "cgroup"
	out=$(ctr_run c3 --rm -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "' 2>&1)
	assert_eq "$out" lo "network devices in the container"
	local ns
	for ns in pid mnt uts ipc net; do
		out=$(ctr_run "n$ns" --rm -- readlink /proc/self/ns/$ns 2>&1)
		[ "$out" != "$(readlink /proc/self/ns/$ns)" ] || fail "$ns namespace is the host's"
	done
	out=$(ctr containers ls -q)
	assert_eq "$out" "" "containers left after --rm"
}

t_containerd_exit_code() {
	containerd_start
	containerd_import
	ctr_run e1 --rm -- sh -c 'exit 3' </dev/null
	assert_eq "$?" 3 "exit code of sh -c 'exit 3'"
	ctr_run e2 --rm -- false </dev/null
	assert_eq "$?" 1 "exit code of false"
	out=$(ctr_run e3 --rm -- sh -c 'echo out; echo err >&2; exit 42' 2>&1)
	assert_eq "$?" 42 "exit code with output"
	assert_contains "$out" out
	assert_contains "$out" err
	out=$(ctr_run e4 --rm -- /no/such/binary 2>&1)
	[ "$?" != 0 ] || fail "a missing executable succeeded"
	ctr containers rm e4 >/dev/null 2>&1 # failed starts keep the container
}

t_containerd_tty() {
	containerd_start
	containerd_import
	ctr_run_opts t1
	# ctr sets the window size just after the start: wait for it.
	out=$(timeout --foreground -k 2 40 python3 tests/integration/ptyrun.py --rows 33 --cols 101 -- \
		"${CTR[@]}" run -t --rm "${CTR_RUN_OPTS[@]}" "$CLIENTS_IMAGE" t1 \
		sh -c 'tty; for i in $(seq 50); do stty size 2>/dev/null | grep -q "[1-9]" && break; sleep 0.1; done
			stty size; exit 5')
	assert_eq "$?" 5 "exit code through the terminal"
	[[ "$out" =~ /dev/pts/[0-9]+ ]] || fail "tty printed '$out'"
	assert_contains "$out" "33 101" "window size"
	assert_contains "$out" "ATTRS-RESTORED yes"
	ctr_run_opts t2
	out=$(timeout --foreground -k 2 40 python3 tests/integration/ptyrun.py \
		--send 'echo hello-$((6*7))\n' --send 'exit 4\n' -- \
		"${CTR[@]}" run -t --rm "${CTR_RUN_OPTS[@]}" "$CLIENTS_IMAGE" t2 sh)
	assert_eq "$?" 4 "exit code of the interactive shell"
	assert_contains "$out" "hello-42"
}

t_containerd_detached_exec_ps() {
	containerd_start
	containerd_import
	ctr_run d1 -d -- sh -c 'while true; do sleep 0.2; done' || fail "ctr run -d"
	out=$(ctr task ls)
	[[ "$out" =~ d1\ +[0-9]+\ +RUNNING ]] || fail "task not running: $out"
	out=$(ctr_exec --exec-id x1 d1 id 2>&1)
	assert_eq "$?" 0 "exit code of exec ($out)"
	assert_contains "$out" "uid=0(root)"
	out=$(ctr_exec --exec-id x2 d1 sh -c 'echo hi; exit 6' 2>&1)
	assert_eq "$?" 6 "exit code of exec"
	assert_eq "$out" hi
	# The exec joined the container's pid namespace.
	out=$(ctr_exec --exec-id x3 d1 sh -c 'cat /proc/1/cmdline | tr "\0" " "' 2>&1)
	assert_contains "$out" "sh -c while true" "pid 1 seen from the exec"
	# ctr task ps: the runtime's `ps --format json` (host pids).
	local pid
	pid=$(ctr task ls | awk '$1 == "d1" { print $2 }')
	out=$(ctr task ps d1)
	assert_eq "$?" 0 "ctr task ps"
	assert_contains "$out" "$pid" "task ps lists the init pid"
	[ "$(echo "$out" | tail -n +2 | wc -l)" -ge 2 ] || fail "task ps shows init and sleep: $out"
	ctr task kill -s SIGKILL d1 || fail "ctr task kill"
	wait_for 50 task_stopped d1 ||
		fail "task did not stop: $(ctr task ls)"
	ctr task delete d1 >/dev/null 2>&1
	ctr containers rm d1 || fail "ctr containers rm"
	assert_eq "$(ctr containers ls -q)" "" "containers left"
	assert_eq "$(ctr snapshots ls | tail -n +2 | grep -c Active)" 0 "active snapshots left"
	[ -z "$(clients_mounts_under "$CTRD_DIR/state")" ] || fail "rootfs still mounted"
}

t_containerd_kill_sigterm() {
	containerd_start
	containerd_import
	ctr_run k1 -d --log-uri "file://$CTRD_DIR/k1.log" -- \
		sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while true; do sleep 0.2; done' ||
		fail "ctr run -d"
	wait_for 50 grep -q ready "$CTRD_DIR/k1.log" || fail "no ready line: $(cat "$CTRD_DIR/k1.log")"
	ctr task kill k1 || fail "ctr task kill (SIGTERM)"
	wait_for 50 task_stopped k1 ||
		fail "task did not stop: $(ctr task ls)"
	assert_contains "$(cat "$CTRD_DIR/k1.log")" got-term "the trap ran"
	out=$(ctr task delete k1 2>&1)
	assert_contains "$out" "exit code 7" "exit status reported on delete"
	# Killing a stopped/deleted task fails.
	ctr task kill k1 >/dev/null 2>&1 && fail "kill of a deleted task succeeded"
	ctr containers rm k1 || fail "ctr containers rm"
	assert_eq "$(ctr containers ls -q)" "" "containers left"
}

t_containerd_cleanup_leaves_nothing() {
	containerd_start
	containerd_import
	# Leave a running task behind on purpose: the cleanup must remove it, its
	# shim, mounts and cgroup.
	ctr_run z1 -d -- sleep 100 || fail "ctr run -d"
	local pid tmp=$CLIENTS_TMP sock=$CTRD_SOCK
	pid=$(ctr task ls | awk '$1 == "z1" { print $2 }')
	[ -n "$pid" ] || fail "no pid"
	[ -n "$(clients_mounts_under "$tmp")" ] || fail "no rootfs mount while running"
	clients_cleanup
	kill -0 "$pid" 2>/dev/null && fail "container process $pid survived"
	! clients_cg_exists "${CTRD_CG}z1" || fail "cgroup ${CTRD_CG}z1 left"
	[ -z "$(clients_mounts_under "$tmp")" ] || fail "mounts left: $(clients_mounts_under "$tmp")"
	[ -z "$(clients_pids_mentioning "$sock")" ] || fail "shim or containerd left"
	[ ! -e "$tmp" ] || fail "$tmp left"
}
