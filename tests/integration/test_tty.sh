# SPDX-License-Identifier: Apache-2.0
# mydocker run -t / -ti: a real pseudo-terminal in the container.

ptyrun() {
	out=$(timeout -k 2 40 /usr/bin/python3 tests/integration/ptyrun.py "$@")
	rc=$?
}

t_tty_is_a_pts() {
	ptyrun -- "$MYDOCKER" run -t /usr/bin/tty
	assert_eq "$rc" 0
	[[ "$out" =~ /dev/pts/[0-9]+ ]] || fail "tty printed '$out'"
	assert_contains "$out" "ATTRS-RESTORED yes"
	md run -t /usr/bin/tty
	assert_contains "$out" "/dev/pts/" "tty without a host terminal"
	md run /usr/bin/tty
	assert_eq "$rc" 1 "no -t: not a tty"
}

t_tty_window_size_follows() {
	ptyrun --rows 33 --cols 101 -- "$MYDOCKER" run -t /bin/stty size
	assert_contains "$out" "33 101"
	ptyrun --rows 20 --cols 70 --resize 40,120 -- "$MYDOCKER" run -t /bin/sh -c \
		'stty size; trap "stty size; exit 0" WINCH; sleep 5 & wait'
	assert_contains "$out" "20 70"
	assert_contains "$out" "40 120"
}

t_tty_interactive_shell() {
	ptyrun --send 'echo hello-$((6*7))\n' --send 'exit 3\n' -- "$MYDOCKER" run -ti /bin/sh
	assert_eq "$rc" 3 "exit status of the shell"
	assert_contains "$out" "hello-42"
	assert_contains "$out" "ATTRS-RESTORED yes"
	ptyrun --send 'echo it-$((1+1))\n' --send 'exit\n' -- "$MYDOCKER" run -it /bin/sh
	assert_contains "$out" "it-2"
}

t_tty_job_control_and_ctrl_c() {
	# ^C reaches the foreground job through the container's line discipline;
	# the shell (with job control: -i) survives and goes on.
	ptyrun --send 'sleep 30\n' --send '\x03' --send 'echo after-$((2+3))\n' \
		--send 'exit 0\n' -- "$MYDOCKER" run -ti /bin/bash --norc -i
	assert_eq "$rc" 0
	assert_contains "$out" "after-5"
	ptyrun --send 'set -m; sleep 30 &\n' --send 'jobs\n' --send 'kill %1; exit 0\n' \
		-- "$MYDOCKER" run -ti /bin/bash --norc -i
	assert_contains "$out" "Running"
}

t_tty_restored_when_container_killed() {
	local bg md_pid init
	# (a duration of this test's own: no other run's processes)
	timeout -k 2 40 /usr/bin/python3 tests/integration/ptyrun.py -- \
		"$MYDOCKER" run -ti /bin/sh -c "echo started; sleep 30.$$" >/tmp/md-tty.$$ &
	bg=$!
	wait_for 50 pgrep -fx "$MYDOCKER run -ti /bin/sh -c echo started; sleep 30.$$" >/dev/null ||
		fail "mydocker did not start"
	# The oldest: until it execs, the container's init has the same command line.
	md_pid=$(pgrep -o -fx "$MYDOCKER run -ti /bin/sh -c echo started; sleep 30.$$")
	wait_for 50 pgrep -P "$md_pid" >/dev/null || fail "no container init"
	init=$(pgrep -P "$md_pid")
	kill -9 "$init"
	wait $bg
	rc=$?
	out=$(cat /tmp/md-tty.$$)
	rm -f /tmp/md-tty.$$
	assert_eq "$rc" 137
	assert_contains "$out" "ATTRS-RESTORED yes"
}
