# SPDX-License-Identifier: Apache-2.0
# Signals sent to mydocker reach the container's PID 1.

signal_roundtrip() { # SIGNAME
	local sig=$1 pid
	"$MYDOCKER" run /bin/sh -c "trap 'echo got-$sig; exit 9' $sig; echo ready; while :; do sleep 0.1; done" \
		>/tmp/md-sig.$$ 2>&1 &
	pid=$!
	wait_for 50 grep -q ready /tmp/md-sig.$$ || { kill -9 $pid; fail "container did not start"; }
	kill -s "$sig" $pid
	wait_for 50 grep -q "got-$sig" /tmp/md-sig.$$ || { kill -9 $pid; fail "$sig not delivered: $(cat /tmp/md-sig.$$)"; }
	wait $pid
	rc=$?
	rm -f /tmp/md-sig.$$
	assert_eq "$rc" 9 "exit status after $sig"
}

t_signals_forwarded() {
	local s
	for s in INT TERM HUP QUIT USR1 USR2 WINCH; do
		signal_roundtrip $s
	done
}

t_sigkill_of_pid1_through_term_default() {
	# A PID 1 without a handler ignores TERM (kernel rule for init); KILL
	# from the host always works and ends the run with 137.
	local pid child
	"$MYDOCKER" run /bin/sleep 60 &
	pid=$!
	wait_for 50 pgrep -P $pid >/dev/null || fail "no container process"
	child=$(pgrep -P $pid)
	kill -9 "$child"
	wait $pid
	assert_eq "$?" 137
}

t_kill9_of_mydocker_leaves_nothing() {
	# (a duration of this test's own: no other run's processes)
	local pid sleep="/bin/sleep 77.$$" id
	"$MYDOCKER" run $sleep &
	pid=$!
	wait_for 50 pgrep -fx "$sleep" >/dev/null || fail "container did not start"
	id=$(sed -n 's|^[0-9]*:[^:]*:/mydocker/||p' /proc/"$(pgrep -fx "$sleep")"/cgroup | head -n 1)
	[ -n "$id" ] && [ -d "/run/mydocker/containers/$id" ] || fail "no state for the container '$id'"
	kill -9 $pid
	wait $pid 2>/dev/null
	wait_for 50 eval '! pgrep -fx "$sleep" >/dev/null' || fail "container outlived mydocker"
	# The next run sweeps what the dead one left (cgroups, state).
	md run /bin/true
	assert_eq "$rc" 0
	[ ! -e "/run/mydocker/containers/$id" ] || fail "state left: /run/mydocker/containers/$id"
	[ -z "$(ls -d /sys/fs/cgroup/*/mydocker/"$id" /sys/fs/cgroup/mydocker/"$id" 2>/dev/null)" ] ||
		fail "cgroups left: $(ls -d /sys/fs/cgroup/*/mydocker/"$id" /sys/fs/cgroup/mydocker/"$id" 2>/dev/null)"
}
