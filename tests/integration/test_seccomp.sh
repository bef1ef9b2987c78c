# SPDX-License-Identifier: Apache-2.0
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
	tmp=$(mktemp -d "/tmp/md-seccomp.$MD_TEST_RUN.XXXXXX")
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

# The filter is the runtime's last act before execve, with or without
# noNewPrivileges (without it, CAP_SYS_ADMIN is kept for the load and
# execve takes it away): a profile only has to allow the program.

# sc_variants NAME PROFILE_JSON ARGS_JSON WANT: the container runs and
# prints WANT under PROFILE, in the foreground (sync socket) and detached
# (exec fifo), with noNewPrivileges false and true, as root and uid 1000.
sc_variants() {
	local name=$1 profile=$2 args=$3 want=$4 nnp user b id
	for nnp in False True; do
		for user in 0 1000; do
			id=$name-$nnp-$user
			b=$(bundle_sc "$id" "$args" "$profile" \
				"c['process']['noNewPrivileges'] = $nnp; c['process']['user'] = {'uid': $user, 'gid': $user}")
			rt run --bundle "$b" "$id" </dev/null
			assert_eq "$rc" 0 "run $id: $err"
			assert_eq "$out" "$want" "run $id"
			"$MYDOCKER_RUNTIME" --root "$OCI_ROOT" create --bundle "$b" "$id" </dev/null \
				>"$OCI_TMP/$id.out" 2>&1 || fail "create $id: $(cat "$OCI_TMP/$id.out")"
			rt start "$id"
			assert_eq "$rc" 0 "start $id: $err"
			wait_for 50 grep -qx "$want" "$OCI_TMP/$id.out" ||
				fail "$id printed: $(cat "$OCI_TMP/$id.out")"
			rt delete --force "$id"
		done
	done
}

# Docker's allowlist as it was before Linux 5.9 (no close_range,
# faccessat2, epoll_pwait2, clone3, nor any other call from 5.1 on).
t_seccomp_oci_old_docker_allowlist() {
	oci_setup
	local prof=tests/integration/data/seccomp-docker-2019.json n
	for n in close_range faccessat2 epoll_pwait2 clone3; do
		! grep -q "\"$n\"" "$prof" || fail "$prof allows $n"
	done
	sc_variants old "json.load(open('$TOP/$prof'))" \
		'["/bin/sh", "-c", "/bin/true && echo ok"]' ok
	# exec into such a container, both ways too.
	b=$(bundle_sc old-exec '["/bin/sleep", "30"]' "json.load(open('$TOP/$prof'))" \
		'c["process"]["noNewPrivileges"] = False')
	rt_detached run -d --bundle "$b" old-exec
	assert_eq "$rc" 0 "run -d: $err"
	rt exec old-exec /bin/sh -c 'grep ^Seccomp: /proc/self/status'
	assert_eq "$out" $'Seccomp:\t2' "exec: $err"
	rt exec --no-new-privs --user 1000:1000 old-exec /bin/sh -c 'echo ok'
	assert_eq "$out" ok "exec --no-new-privs: $err"
	rt delete --force old-exec
}

# Only what busybox `sh -c 'echo ok'` itself calls (strace), nothing of
# ours: no close_range, fcntl, setresuid, capset, chdir, open, sendmsg.
MINIMAL_SH_PROFILE='{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"action": "SCMP_ACT_ALLOW",
  "names": ["execve", "arch_prctl", "brk", "getpid", "getppid", "getrandom", "getuid", "mprotect",
            "newfstatat", "prctl", "prlimit64", "readlink", "rseq", "rt_sigaction", "set_robust_list",
            "set_tid_address", "uname", "write", "exit", "exit_group"]}]}'

t_seccomp_oci_minimal_allowlist() {
	oci_setup
	sc_variants min "$MINIMAL_SH_PROFILE" '["/bin/sh", "-c", "echo ok"]' ok
}

# Docker's answer to clone3 (ENOSYS, so that glibc falls back to clone)
# with a startContainer hook and an exec: nothing of ours needs clone3
# under the filter.
t_seccomp_oci_clone3_enosys() {
	oci_setup
	local b
	b=$(bundle_sc c3 '["/bin/sh", "-c", "/bin/true & wait $!; echo ok; sleep 30"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}' \
		'c["process"]["noNewPrivileges"] = False
c["hooks"] = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "echo hook >/tmp/hook"]}]}
c["root"]["readonly"] = False')
	"$MYDOCKER_RUNTIME" --root "$OCI_ROOT" run -d --bundle "$b" c3 </dev/null >"$OCI_TMP/c3.out" 2>&1 ||
		fail "run -d: $(cat "$OCI_TMP/c3.out")"
	wait_for 50 grep -qx ok "$OCI_TMP/c3.out" || fail "printed: $(cat "$OCI_TMP/c3.out")"
	assert_eq "$(cat "$b/rootfs/tmp/hook")" hook "startContainer hook"
	rt exec c3 /bin/sh -c '/bin/true & wait $!; echo exec-ok'
	assert_eq "$out" exec-ok "exec: $err"
	rt delete --force c3
}

# The CAP_SYS_ADMIN kept for the load is gone once the program runs: the
# sets are the config's (root: bounding; uid 1000: none), in the init and
# in an exec, with and without no_new_privs.
t_seccomp_oci_load_leaves_no_admin() {
	oci_setup
	local b nnp want
	for nnp in False True; do
		b=$(bundle_sc adm-$nnp '["/bin/sh", "-c", "grep ^Cap /proc/self/status; sleep 30"]' \
			'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}' \
			"c['process']['noNewPrivileges'] = $nnp")
		rt_detached run -d --bundle "$b" adm-$nnp
		assert_eq "$rc" 0 "run -d: $err"
		want=$'CapInh:\t0000000000000000\nCapPrm:\t0000000020000420\nCapEff:\t0000000020000420\nCapBnd:\t0000000020000420\nCapAmb:\t0000000000000000'
		wait_for 50 grep -q CapAmb "$OCI_TMP/detached.out" || fail "no output"
		assert_eq "$(cat "$OCI_TMP/detached.out")" "$want" "init, nnp $nnp"
		rt exec adm-$nnp /bin/grep ^Cap /proc/self/status
		assert_eq "$out" "$want" "exec, nnp $nnp"
		rt exec --user 1000:1000 adm-$nnp /bin/grep -E '^Cap(Prm|Eff):' /proc/self/status
		assert_eq "$out" $'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000' "exec as 1000, nnp $nnp"
		rt delete --force adm-$nnp
	done
	# Without process.capabilities, uid 1000 ends with none either.
	b=$(bundle_sc adm-nocaps '["/bin/grep", "-E", "^Cap(Prm|Eff):", "/proc/self/status"]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}' \
		'c["process"]["noNewPrivileges"] = False; del c["process"]["capabilities"]; c["process"]["user"] = {"uid": 1000, "gid": 1000}')
	rt run --bundle "$b" adm-nocaps </dev/null
	assert_eq "$out" $'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000' "no caps in config: $err"
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
