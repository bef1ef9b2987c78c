# SPDX-License-Identifier: Apache-2.0
# run --init (issue 14): mydocker-init as the container's PID 1 reaps the
# zombies a command leaves (without it they stay), forwards signals (a
# `sh -c 'sleep 100'` that ignores SIGTERM as PID 1 ends at once with
# 143), and passes the command's exit status through. Each test has a
# store of its own (lib.sh: store_busybox) with the busybox test image as
# "bb".

init_state() { # container jq-path
	mdr inspect "$1"
	jq -r ".[0].$2" <<<"$out"
}

# The zombies in the PID namespace of the container's init (host view).
init_zombies() { # container
	local pid ns p n=0
	pid=$(init_state "$1" State.Pid)
	ns=$(readlink "/proc/$pid/ns/pid") || return 1
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] || continue
		[ "$(awk '{ print $3 }' "$p/stat" 2>/dev/null)" = Z ] && n=$((n + 1))
	done
	echo "$n"
}

init_zombies_are() { # container count
	[ "$(init_zombies "$1")" = "$2" ]
}

# Three orphans that end a second later, then a PID 1 (or init's child) that
# never waits for anything.
ZOMBIE_MAKER='for i in 1 2 3; do (sleep 1 &); done; exec sleep 1000'

t_init_reaps_zombies() {
	store_busybox init
	mdr_ok run -d --name plain bb sh -c "$ZOMBIE_MAKER"
	mdr_ok run -d --init --name init bb sh -c "$ZOMBIE_MAKER"
	wait_for 80 init_zombies_are plain 3 ||
		fail "without --init: $(init_zombies plain) zombies, want 3 (the test sees none?)"
	sleep 0.5
	assert_eq "$(init_zombies init)" 0 "zombies with --init"
	assert_eq "$(tr '\0' ' ' <"/proc/$(init_state init State.Pid)/cmdline")" \
		"/sbin/docker-init -- sh -c $ZOMBIE_MAKER " "PID 1"
	store_end
}

t_init_forwards_signals() {
	local t0 t1
	store_busybox init
	mdr_ok run -d --init --name c1 bb sh -c 'sleep 100'
	t0=$(date +%s%N)
	mdr_ok stop -t 10 c1
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 5000 ] || fail "stop took $(((t1 - t0) / 1000000)) ms"
	assert_eq "$(init_state c1 State.ExitCode)" 143 "SIGTERM reached sh"
	mdr_ok run -d --name plain bb sh -c 'sleep 100'
	mdr_ok stop -t 1 plain
	assert_eq "$(init_state plain State.ExitCode)" 137 "without --init: killed after the timeout"
	store_end
}

t_init_exit_status_and_inspect() {
	store_busybox init
	mdr run --rm --init bb sh -c 'exit 7'
	assert_eq "$rc" 7 "an exit code"
	mdr run --rm --init bb sh -c 'kill -9 $$'
	assert_eq "$rc" 137 "killed by a signal"
	mdr run --rm --init bb /no/such/thing
	assert_eq "$rc" 127 "not found"
	assert_contains "$err" "no/such/thing"
	mdr run --rm --init bb /etc/passwd
	assert_eq "$rc" 126 "not executable"
	mdr_ok run --init --name c1 bb echo hello
	assert_eq "$out" hello
	mdr_ok inspect c1
	assert_eq "$(jq -c '.[0] | [.Path, .Args, .HostConfig.Init]' <<<"$out")" \
		'["echo",["hello"],true]' "inspect shows the user's command"
	mdr_ok start -a c1
	assert_eq "$out" hello "start keeps --init"
	store_end
}
