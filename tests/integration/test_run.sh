# SPDX-License-Identifier: Apache-2.0
# mydocker run: namespaces, argv, env, stdio, exit codes.

t_pid1_and_only_own_processes() {
	md run /bin/sh -c 'echo $$'
	assert_eq "$rc" 0 "exit code"
	assert_eq "$out" 1 "pid of the shell"
	md run /bin/ps -e -o pid=,comm=
	assert_eq "$(echo $out)" "1 ps" "ps -e inside"
	md run /bin/sh -c 'ps -ef | wc -l'
	assert_eq "$out" 4 "header + sh + ps + wc"
}

t_new_namespaces() {
	local ns
	for ns in pid mnt uts ipc net cgroup; do
		md run /bin/readlink /proc/self/ns/$ns
		assert_eq "$rc" 0
		[ "$out" != "$(readlink /proc/self/ns/$ns)" ] || fail "$ns namespace is the host's"
	done
	md run /bin/cat /proc/self/cgroup
	if cg_v1 memory; then
		assert_contains "$out" "memory:/"$'\n' "cgroup namespace root"
	else
		assert_eq "$out" "0::/" "cgroup namespace root"
	fi
}

t_hostname_default_and_flag() {
	md run /bin/hostname
	[[ "$out" =~ ^[0-9a-f]{12}$ ]] || fail "default hostname '$out' is not a short id"
	md run --hostname box1 /bin/sh -c 'hostname; echo $HOSTNAME'
	assert_eq "$out" $'box1\nbox1'
	md run -h box2 /bin/hostname
	assert_eq "$out" box2
}

t_loopback_up_no_other_links() {
	md run /usr/sbin/ip -o link show lo
	assert_eq "$rc" 0 "$err"
	assert_contains "$out" "LOOPBACK,UP" "lo is up in the container"
	# /sys is the host's here (host root); the netns view is in /proc.
	md run /bin/sh -c 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "'
	assert_eq "$out" lo "interfaces in the container"
}

t_fresh_proc_and_host_untouched() {
	local before after
	before=$(readlink /proc/self/exe; ls /proc | grep -c '^[0-9]')
	md run /bin/ls /proc
	assert_eq "$rc" 0
	# Only pid 1 (ls) is in the container's /proc.
	assert_eq "$(echo "$out" | grep -E '^[0-9]+$' | tr '\n' ' ')" "1 "
	for i in 1 2 3; do md run /bin/true; done
	after=$(readlink /proc/self/exe; ls /proc | grep -c '^[0-9]')
	[ "$(echo "$before" | head -1)" = "$(echo "$after" | head -1)" ] || fail "host /proc/self/exe changed"
	[ "$(echo "$after" | tail -1)" -gt 5 ] || fail "host /proc lost its processes"
	grep -q " /proc proc " /proc/mounts || fail "host /proc mount changed"
}

t_argv_passes_unchanged() {
	local expected
	md run /bin/sh -c 'for a in "$@"; do printf "[%s]\n" "$a"; done' sh \
		"a b" "" "'single'" '"double"' 'back\slash' '$HOME' '*' $'new\nline'
	expected=$'[a b]\n[]\n[\'single\']\n["double"]\n[back\\slash]\n[$HOME]\n[*]\n[new\nline]'
	assert_eq "$out" "$expected" "argv"
	md run /bin/sh -c 'echo $#' sh $(seq 1 5000)
	assert_eq "$out" 5000 "argument count"
	md run /bin/echo "$(head -c 100000 /dev/zero | tr '\0' x)"
	assert_eq "${#out}" 100000 "long argument"
}

t_environment_is_clean() {
	export HOST_ONLY_VAR=leak FROM_HOST=hostval
	md run /usr/bin/env
	assert_eq "$(echo "$out" | cut -d= -f1 | sort | tr '\n' ' ')" "HOME HOSTNAME PATH " "env keys"
	assert_contains "$out" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	assert_contains "$out" "HOME=/root"
	md run -e A=1 -e 'B=two words' -e FROM_HOST -e UNSET_ON_HOST -e HOME=/home/x /usr/bin/env
	assert_contains "$out" "A=1"
	assert_contains "$out" "B=two words"
	assert_contains "$out" "FROM_HOST=hostval"
	assert_contains "$out" "HOME=/home/x"
	assert_not_contains "$out" "HOME=/root"
	assert_not_contains "$out" "UNSET_ON_HOST"
	assert_not_contains "$out" "HOST_ONLY_VAR"
}

t_stdin_interactive_and_not() {
	out=$(echo hi | timeout 10 "$MYDOCKER" run -i /bin/cat)
	assert_eq "$out" hi "-i passes stdin and EOF"
	out=$(echo hi | timeout 10 "$MYDOCKER" run /bin/cat)
	assert_eq "$out" "" "without -i stdin is empty"
	out=$(seq 1 100000 | timeout 10 "$MYDOCKER" run -i /usr/bin/wc -l)
	assert_eq "$out" 100000 "large stdin"
}

t_stdout_stderr_separate() {
	local o e
	o=$(timeout 10 "$MYDOCKER" run /bin/sh -c 'echo out; echo err >&2' 2>/tmp/md-err.$$)
	e=$(cat /tmp/md-err.$$)
	rm -f /tmp/md-err.$$
	assert_eq "$o" out
	assert_eq "$e" err
}

t_exit_codes() {
	md run /bin/sh -c 'exit 42'
	assert_eq "$rc" 42 "exit status"
	md run /bin/true
	assert_eq "$rc" 0
	# PID 1 cannot kill itself (the kernel protects init); a child of an
	# exec'ed shell can report its own death by signal through the shell.
	md run /bin/sh -c '/bin/sh -c "kill -TERM \$\$"; exit $?'
	assert_eq "$rc" 143 "status of a child killed by SIGTERM"
}

t_exit_code_not_found_and_not_executable() {
	md run /no/such/program
	assert_eq "$rc" 127
	assert_contains "$err" "/no/such/program"
	assert_contains "$err" "no such file or directory"
	assert_eq "$(echo "$err" | wc -l)" 1 "one line on stderr"
	md run /etc/passwd
	assert_eq "$rc" 126
	assert_contains "$err" "/etc/passwd"
	assert_contains "$err" "permission denied"
	md run /etc
	assert_eq "$rc" 126
}

t_exit_code_mydocker_failures() {
	md run --no-such-flag /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "unknown flag"
	md run
	assert_eq "$rc" 125
	md run -m /bin/true
	assert_eq "$rc" 125
	md run -m lots /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "invalid size"
	md nosuchcommand
	assert_eq "$rc" 125
	md run busybox
	assert_eq "$rc" 125
}

t_no_zombies_or_strays() {
	local start=$SECONDS
	# (a duration of this test's own: no other run's processes)
	md run /bin/sh -c "sleep 100.$$ & sleep 100.$$ & exit 7"
	assert_eq "$rc" 7
	[ $((SECONDS - start)) -lt 10 ] || fail "run waited for background children"
	pgrep -f "sleep 100.$$" && fail "background processes survived"
	return 0
}

t_help_and_version() {
	md --help
	assert_eq "$rc" 0
	assert_contains "$out" "Usage: mydocker"
	md run --help
	assert_eq "$rc" 0
	assert_contains "$out" "--memory"
	md --version
	assert_eq "$rc" 0
	assert_contains "$out" "mydocker version"
}

t_workdir() {
	md run -w /tmp /bin/pwd
	assert_eq "$out" /tmp
	md run -w /no/such/dir /bin/pwd
	assert_eq "$rc" 125
	assert_contains "$err" "/no/such/dir"
	# Refused while parsing, as Docker does (found by fuzz_run_flags).
	md run -w relative /bin/pwd
	assert_eq "$rc" 125
	assert_eq "$err" "mydocker: the working directory 'relative' is invalid, it needs to be an absolute path"
	md run -e =B /bin/true
	assert_eq "$rc" 125
	assert_eq "$err" "mydocker: invalid environment variable: =B"
}

t_user_from_container_files() {
	md run -u nobody /usr/bin/id -u
	assert_eq "$out" 65534
	md run -u nobody /bin/sh -c 'echo $HOME; grep CapEff /proc/self/status'
	assert_contains "$out" "$(awk -F: '$1 == "nobody" {print $6}' /etc/passwd)"
	assert_contains "$out" "CapEff:	0000000000000000" "a non-root user has no effective capabilities"
	md run -u 1234:5678 /usr/bin/id
	assert_contains "$out" "uid=1234 gid=5678"
	md run -u no-such-user /usr/bin/id
	assert_eq "$rc" 125
	assert_contains "$err" "unable to find user no-such-user"
}

# What a Docker user expects inside by default (SECURITY.md): no_new_privs,
# the seccomp filter, a /dev of its own with only the default devices,
# /sys and the cgroup tree read-only, masked and read-only /proc paths.
t_run_docker_defaults_inside() {
	md run /bin/sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " "
		ls /dev | tr "\n" " "; echo
		wc -c </proc/keys; ls /sys/firmware | wc -l
		echo 1 >/proc/sysrq-trigger 2>/dev/null && echo sysrq-writable
		echo 1 >/proc/sys/kernel/ns_last_pid 2>/dev/null && echo procsys-writable
		mkdir /sys/fs/cgroup/pids/escape 2>/dev/null && echo cgroup-writable
		mkdir /sys/fs/cgroup/unified/escape 2>/dev/null && echo cgroup2-writable
		mkdir /sys/fs/cgroup/escape 2>/dev/null && echo cgroup-root-writable
		echo x >/sys/kernel/uevent_helper 2>/dev/null && echo sys-writable
		mount -t tmpfs t /mnt 2>/dev/null && echo mounted
		unshare -U true 2>/dev/null && echo unshared
		awk "\$2 == \"/sys\" || \$2 == \"/sys/fs/cgroup\" {m[\$2] = substr(\$4, 1, 2)}
			END {print \"/sys\", m[\"/sys\"], \"/sys/fs/cgroup\", m[\"/sys/fs/cgroup\"]}" /proc/mounts'
	assert_eq "$rc" 0 "$err"
	assert_eq "$(echo "$out" | sed -n 1,2p | tr '\n' ' ')" "NoNewPrivs: 1 Seccomp: 2 " "status"
	assert_eq "$(echo "$out" | sed -n 3p)" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " "/dev"
	assert_eq "$(echo "$out" | sed -n 4,5p | tr '\n' ' ')" "0 0 " "masked /proc/keys and /sys/firmware"
	assert_eq "$(echo "$out" | sed -n '6,$p')" "/sys ro /sys/fs/cgroup ro" \
		"nothing writable, mounts read-only"
	# --privileged: the host's devices, /sys writable, no masks.
	md run --privileged /bin/sh -c 'test -e /dev/vda -o -e /dev/sda -o -e /dev/loop-control && echo hostdev
		grep -E "^NoNewPrivs:" /proc/self/status | tr -s "\t" " "
		awk "\$2 == \"/sys\" {m = substr(\$4, 1, 2)} END {print \"/sys\", m}" /proc/mounts'
	assert_eq "$(echo $out)" "hostdev NoNewPrivs: 0 /sys rw" "privileged"
}

# Docker gives --privileged a writable /sys and cgroup tree; everyone else
# read-only ones.
t_run_privileged_cgroupfs_is_writable() {
	local probe='d=$(ls -d /sys/fs/cgroup/pids /sys/fs/cgroup 2>/dev/null | head -1)/md-probe
		if mkdir "$d" 2>/dev/null; then rmdir "$d"; echo rw; else echo ro; fi
		awk "\$2 == \"/sys\" {m = substr(\$4, 1, 2)} END {print \"sys-\" m}" /proc/mounts'
	md run --privileged /bin/sh -c "$probe"
	assert_eq "$rc" 0 "--privileged: $err"
	assert_eq "$out" $'rw\nsys-rw' "--privileged"
	md run /bin/sh -c "$probe"
	assert_eq "$rc" 0 "run: $err"
	assert_eq "$out" $'ro\nsys-ro' "default"
}
