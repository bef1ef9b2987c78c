# Seccomp: Docker's default profile in `mydocker run`, --security-opt and
# --privileged; linux.seccomp through mydocker-runtime (run, exec, errors).
# Containers of `mydocker run` see the host's root, so they run the host's
# python3 to make raw calls.
source tests/integration/oci-lib.sh

PY=/usr/bin/python3

# The errno of each call, as "name=errno ..." (0: it succeeded). x86_64
# numbers; a name maps to "nr,arg,...".
SYSCALLS_PY='
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
out = []
for spec in sys.argv[1:]:
    name, nr, *args = spec.split(",")
    args = [ctypes.c_char_p(a[1:].encode()) if a.startswith("@") else ctypes.c_long(int(a, 0))
            for a in args]
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(int(nr)), *args)
    out.append("%s=%d" % (name, ctypes.get_errno() if r == -1 else 0))
print(" ".join(out))
'

needs_x86_64() {
	[ "$(uname -m)" = x86_64 ] || skip "raw syscall numbers here are x86_64's"
	[ -x "$PY" ] || skip "needs $PY"
}

t_seccomp_run_default_profile_is_on() {
	md run /bin/grep -E '^Seccomp' /proc/self/status
	assert_eq "$rc" 0 "run: $err"
	assert_contains "$out" $'Seccomp:\t2'
	assert_contains "$out" $'Seccomp_filters:\t1'
}

t_seccomp_run_blocks_namespaces_and_mounts() {
	needs_x86_64
	md run /usr/bin/unshare -U true
	[ "$rc" != 0 ] || fail "unshare -U succeeded"
	assert_contains "$err" "Operation not permitted" "unshare -U"
	md run /bin/mount -t tmpfs none /mnt
	[ "$rc" != 0 ] || fail "mount succeeded"
	# The errno itself, not util-linux's wording of it.
	md run "$PY" -c "$SYSCALLS_PY" mount,165,@none,@/mnt,@tmpfs,0,0 umount2,166,@/proc,0 \
		unshare,272,0 setns,308,-1,0 fsopen,430,@tmpfs,0 open_tree,428,-100,@/,0 \
		move_mount,429,-1,@,-1,@,0 mount_setattr,442,-1,@,0,0,0
	assert_eq "$out" "mount=1 umount2=1 unshare=1 setns=1 fsopen=1 open_tree=1 move_mount=1 mount_setattr=1"
	# The filter, not the capabilities: without it a user namespace is
	# fine for anyone.
	md run --security-opt seccomp=unconfined /usr/bin/unshare -U true
	assert_eq "$rc" 0 "unshare -U unconfined: $err"
}

t_seccomp_run_clone3_enosys_and_fork_works() {
	needs_x86_64
	md run "$PY" -c "$SYSCALLS_PY" clone3,435,0,0
	assert_eq "$out" "clone3=38"
	# clone with namespace flags: EPERM; glibc's fork and threads (clone
	# without them, after clone3's ENOSYS) work.
	md run "$PY" -c "$SYSCALLS_PY" clone_newns,56,0x20011,0,0,0,0 clone_newuser,56,0x10000011,0,0,0,0
	assert_eq "$out" "clone_newns=1 clone_newuser=1"
	md run "$PY" -c '
import os, threading
t = threading.Thread(target=lambda: None); t.start(); t.join()
pid = os.fork()
if pid == 0: os._exit(3)
print(os.waitpid(pid, 0)[1] >> 8)'
	assert_eq "$out" 3 "fork and threads: $err"
	md run /bin/sh -c '/bin/true & wait $!; echo $?'
	assert_eq "$out" 0
}

t_seccomp_run_blocks_the_rest() {
	needs_x86_64
	# AF_VSOCK sockets, io_uring, userfaultfd, kexec, keyrings, bpf,
	# perf_event_open, and personality flags other than Docker's.
	md run "$PY" -c "$SYSCALLS_PY" vsock,41,40,1,0 io_uring_setup,425,1,0 userfaultfd,323,0 \
		kexec_file_load,320,-1,-1,0,0,0 add_key,248,@user,@k,0,0,-2 bpf,321,0,0,0 \
		perf_event_open,298,0,0,-1,-1,0 personality,135,0x0040000
	assert_eq "$out" "vsock=1 io_uring_setup=1 userfaultfd=1 kexec_file_load=1 add_key=1 bpf=1 perf_event_open=1 personality=1"
	md run "$PY" -c "$SYSCALLS_PY" unix_socket,41,1,1,0 personality_query,135,0xffffffff \
		personality_linux,135,0
	assert_eq "$out" "unix_socket=0 personality_query=0 personality_linux=0"
}

t_seccomp_run_unconfined_and_privileged() {
	md run --security-opt seccomp=unconfined /bin/grep '^Seccomp:' /proc/self/status
	assert_eq "$rc" 0 "$err"
	assert_eq "$out" $'Seccomp:\t0'
	md run --privileged /bin/grep -E '^(Seccomp|CapEff):' /proc/self/status
	assert_eq "$rc" 0 "$err"
	assert_contains "$out" $'Seccomp:\t0'
	[[ "$out" != *$'CapEff:\t00000000a80425fb'* ]] || fail "--privileged kept the default caps"
	md run --security-opt apparmor=unconfined /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "invalid --security-opt"
}

t_seccomp_run_profile_file() {
	local tmp dir e
	tmp=$(mktemp -d /tmp/md-seccomp.XXXXXX)
	dir=$tmp/made-in-container
	for e in 1 13; do
		cat >"$tmp/p$e.json" <<-EOF
		{"defaultAction": "SCMP_ACT_ALLOW",
		 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": $e}]}
		EOF
	done
	md run --security-opt "seccomp=$tmp/p1.json" /bin/mkdir "$dir"
	assert_eq "$rc" 1
	assert_contains "$err" "Operation not permitted"
	md run --security-opt "seccomp=$tmp/p13.json" /bin/mkdir "$dir"
	assert_eq "$rc" 1
	assert_contains "$err" "Permission denied"
	[ ! -e "$dir" ] || { rm -rf "$tmp"; fail "mkdir went through"; }
	md run --security-opt "seccomp=$tmp/p13.json" /bin/grep '^Seccomp:' /proc/self/status
	assert_eq "$out" $'Seccomp:\t2'
	# Docker's format: includes.caps, evaluated against the container's.
	cat >"$tmp/caps.json" <<-EOF
	{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
	  {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "excludes": {"caps": ["CAP_SYS_ADMIN"]}}]}
	EOF
	md run --security-opt "seccomp=$tmp/caps.json" /bin/sh -c "mkdir $dir && rmdir $dir"
	assert_eq "$rc" 1
	assert_contains "$err" "Permission denied"
	rmdir "$dir" || fail "mkdir should have worked"
	# Errors name the file's problem.
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]}' >"$tmp/bad.json"
	md run --security-opt "seccomp=$tmp/bad.json" /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" 'syscalls[0].action: unknown action "SCMP_ACT_BOGUS"'
	echo '{"defaultAction": ' >"$tmp/broken.json"
	md run --security-opt "seccomp=$tmp/broken.json" /bin/true
	assert_contains "$err" "seccomp profile: invalid JSON"
	md run --security-opt "seccomp=$tmp/missing.json" /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "opening seccomp profile ($tmp/missing.json) failed"
	rm -rf "$tmp"
}

# ---- mydocker-runtime ----

# bundle_sc NAME ARGS_JSON SECCOMP_JSON [python]: a busybox bundle with
# linux.seccomp (every bundle has noNewPrivileges true unless changed).
bundle_sc() {
	bundle "$1" "c['process']['args'] = $2; c['linux']['seccomp'] = $3; ${4:-}"
}

t_seccomp_oci_errno_ret_and_kill() {
	oci_setup
	local b
	b=$(bundle_sc errno '["/bin/sh", "-c", "grep ^Seccomp: /proc/self/status; busybox pwd"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		  "syscalls": [{"names": ["getcwd", "no_such_syscall"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5}]}')
	rt run --bundle "$b" sc-errno </dev/null
	assert_eq "$rc" 1 "run: $err"
	assert_eq "$out" $'Seccomp:\t2'
	assert_contains "$err" "getcwd: Input/output error"
	b=$(bundle_sc eperm '["/bin/busybox", "pwd"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}')
	rt run --bundle "$b" sc-eperm </dev/null
	assert_contains "$err" "getcwd: Operation not permitted"
	b=$(bundle_sc kill '["/bin/busybox", "pwd"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_KILL_PROCESS"}]}')
	rt run --bundle "$b" sc-kill </dev/null
	assert_eq "$rc" 159 "killed by SIGSYS"
}

t_seccomp_oci_exec_gets_the_filter() {
	oci_setup
	local b
	b=$(bundle_sc exec '["/bin/sleep", "30"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5}]}')
	# Not through rt: its $(...) would wait for the container's stdout.
	"$MYDOCKER_RUNTIME" --root "$OCI_ROOT" run -d --bundle "$b" sc-exec </dev/null >/dev/null 2>&1 ||
		fail "run -d failed"
	rt exec sc-exec /bin/sh -c 'grep ^Seccomp /proc/self/status; busybox pwd'
	assert_eq "$out" $'Seccomp:\t2\nSeccomp_filters:\t1'
	assert_contains "$err" "getcwd: Input/output error"
	rt exec --no-new-privs sc-exec /bin/busybox pwd
	assert_contains "$err" "getcwd: Input/output error"
	rt delete --force sc-exec
}

# Without noNewPrivileges the filter goes on before the user switch; the
# init's own calls after that point (ids, caps, the exec fifo, execve) run
# under it. This allowlist is what they need (fstatfs: the check that
# the container's /proc is procfs), plus busybox echo.
t_seccomp_oci_without_no_new_privs() {
	oci_setup
	local b
	b=$(bundle_sc nnp '["/bin/echo", "ran"]' \
		'{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["capget", "capset", "prctl",
		   "setgroups", "setresgid", "setresuid", "umask", "chdir", "getcwd", "stat", "newfstatat",
		   "access", "faccessat", "faccessat2", "fcntl", "fstatfs", "close_range", "close", "open", "openat",
		   "write", "read", "sendmsg", "recvmsg", "execve", "brk", "arch_prctl", "set_tid_address",
		   "getuid", "getpid", "ioctl", "exit", "exit_group", "rt_sigaction", "rt_sigprocmask",
		   "rt_sigreturn", "mmap", "munmap", "mprotect", "fstat", "writev", "uname"],
		   "action": "SCMP_ACT_ALLOW"}]}' \
		'c["process"]["noNewPrivileges"] = False; c["process"]["user"] = {"uid": 1000, "gid": 1000}')
	# Detached, through the exec fifo; the container writes to a file
	# (through rt, $(...) would wait for the container's stdout).
	"$MYDOCKER_RUNTIME" --root "$OCI_ROOT" create --bundle "$b" sc-nnp </dev/null \
		>"$OCI_TMP/out" 2>&1 || fail "create: $(cat "$OCI_TMP/out")"
	rt start sc-nnp
	assert_eq "$rc" 0 "start: $err"
	wait_for 50 grep -q ran "$OCI_TMP/out" || fail "no output: $(cat "$OCI_TMP/out")"
	rt delete --force sc-nnp
	# A profile that blocks a call the init makes after the load: the start
	# fails, and says which step.
	b=$(bundle_sc nnp2 '["/bin/echo", "ran"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["setresuid"], "action": "SCMP_ACT_ERRNO"}]}' \
		'c["process"]["noNewPrivileges"] = False; c["process"]["user"] = {"uid": 1000, "gid": 1000}')
	rt run --bundle "$b" sc-nnp2 </dev/null
	[ "$rc" != 0 ] || fail "setresuid was blocked, yet the container ran"
	assert_contains "$err" "setuid 1000: operation not permitted"
}

t_seccomp_oci_bad_profiles_refused() {
	oci_setup
	local b
	b=$(bundle_sc badop '["/bin/true"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO",
		  "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ROUGHLY"}]}]}')
	rt run --bundle "$b" sc-badop </dev/null
	assert_eq "$rc" 1
	assert_contains "$err" 'linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_ROUGHLY"'
	[ ! -e "$OCI_ROOT/sc-badop" ] || fail "state left after a refused config"
	b=$(bundle_sc notify '["/bin/true"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock",
		  "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_NOTIFY"}]}')
	rt run --bundle "$b" sc-notify </dev/null
	assert_contains "$err" "seccomp notify is not supported"
	b=$(bundle_sc arch '["/bin/true"]' '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}')
	rt run --bundle "$b" sc-arch </dev/null
	assert_contains "$err" 'linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_VAX"'
}

t_seccomp_oci_features() {
	oci_setup
	rt features
	assert_eq "$rc" 0
	python3 -c '
import json, sys
s = json.loads(sys.argv[1])["linux"]["seccomp"]
assert s["enabled"] is True, s
assert "SCMP_ACT_ERRNO" in s["actions"] and "SCMP_CMP_MASKED_EQ" in s["operators"], s
assert "SCMP_ARCH_X86_64" in s["archs"] and "SECCOMP_FILTER_FLAG_LOG" in s["supportedFlags"], s
' "$out" || fail "features: $out"
}
