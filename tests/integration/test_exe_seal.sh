# SPDX-License-Identifier: Apache-2.0
# The processes that create or enter a container run from a sealed memfd
# copy of our binary (src/util/sealed-exe.c; ../shared/SECURITY.md,
# CVE-2019-5736): /proc/PID/exe of the runtime, of a waiting init and of
# `exec` names the copy, and nothing written through it reaches the host's
# binary. Every test runs a copy of the binary, so an attack that works only
# damages the copy.
source tests/integration/oci-lib.sh

# seal_copy BINARY: a copy of BINARY in $OCI_TMP/bin; prints its path.
seal_copy() {
	mkdir -p "$OCI_TMP/bin"
	cp "$1" "$OCI_TMP/bin/" || fail "copy $1"
	echo "$OCI_TMP/bin/$(basename "$1")"
}

# assert_sealed_exe PID: /proc/PID/exe is a memfd that can no longer be
# written, grown or shrunk, and whose seals cannot change.
assert_sealed_exe() {
	local exe seals
	exe=$(readlink "/proc/$1/exe") || fail "readlink /proc/$1/exe"
	[[ "$exe" == /memfd:* ]] || fail "/proc/$1/exe is '$exe', not a sealed copy"
	seals=$(python3 -c 'import fcntl, os, sys
print(fcntl.fcntl(os.open("/proc/%s/exe" % sys.argv[1], os.O_RDONLY), 1034))' "$1") ||
		fail "F_GET_SEALS on /proc/$1/exe"
	# F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
	assert_eq "$((seals & 15))" 15 "seals of /proc/$1/exe ($seals)"
}

# hold_exe PID: /proc/PID/exe is sealed; keep it open as fd 7, as the
# attacker of CVE-2019-5736 kept it until the process was gone.
hold_exe() {
	assert_sealed_exe "$1"
	exec 7<"/proc/$1/exe" || fail "root cannot open /proc/$1/exe"
}

# write_held_exe BINARY SHA256: once the process is gone, reopen the kept
# exe for writing (appending, then truncating): neither may work, and
# BINARY must be unchanged.
write_held_exe() {
	local done=""
	{ printf pwned >>/proc/self/fd/7; } 2>/dev/null && done="appended "
	{ : >/proc/self/fd/7; } 2>/dev/null && done+="truncated"
	exec 7<&-
	assert_eq "$done" "" "writes through the kept exe"
	assert_eq "$(sha256sum <"$1")" "$2" "sha256 of $1"
}

# hold_parent_exe PID COMM: PID runs from the sealed copy, is still called
# COMM (not "memfd:..."), and has the container's sleep as its child. Keep
# its exe, then end the sleep, which ends PID.
hold_parent_exe() {
	wait_for 50 pgrep -P "$1" -x sleep >/dev/null || fail "no sleep under $1"
	hold_exe "$1"
	assert_eq "$(cat "/proc/$1/comm")" "$2" "comm of $1"
	kill -9 "$(pgrep -P "$1" -x sleep)"
	wait "$1"
}

state_pid() { # id
	rt state "$1"
	python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$out" 2>/dev/null
}

# `create`: the init, still our binary while it waits for `start`.
t_exe_seal_create_init_runs_from_sealed_copy() {
	oci_setup
	local rtc b pid before
	rtc=$(seal_copy "$MYDOCKER_RUNTIME")
	before=$(sha256sum <"$rtc")
	b=$(bundle sealc)
	timeout -k 2 20 "$rtc" --root "$OCI_ROOT" create --bundle "$b" sealc </dev/null \
		>/dev/null 2>"$OCI_TMP/err" || fail "create: $(cat "$OCI_TMP/err")"
	pid=$(state_pid sealc)
	[ -n "$pid" ] || fail "no init pid: $out"
	hold_exe "$pid"
	{ printf pwned >>"/proc/$pid/exe"; } 2>/dev/null && fail "wrote to the waiting init's exe"
	timeout 20 "$rtc" --root "$OCI_ROOT" delete --force sealc || fail "delete"
	write_held_exe "$rtc" "$before"
}

# `exec`: its runtime process, of which the new process is a clone until
# that process execve's (the clone itself is too quick to catch here).
t_exe_seal_exec_runs_from_sealed_copy() {
	oci_setup
	local rtc b before
	rtc=$(seal_copy "$MYDOCKER_RUNTIME")
	before=$(sha256sum <"$rtc")
	b=$(bundle seale 'c["process"]["args"] = ["/bin/sleep", "1000"]')
	rt_detached run -d --bundle "$b" seale
	assert_eq "$rc" 0 "$err"
	# No timeout(1) in between: $! must be the runtime. If the test fails,
	# oci_cleanup's delete kills the sleep and so ends the exec.
	"$rtc" --root "$OCI_ROOT" exec seale /bin/sleep 1000 </dev/null >/dev/null 2>&1 &
	hold_parent_exe $! mydocker-runtim
	write_held_exe "$rtc" "$before"
	rt delete --force seale
}

# CVE-2019-5736 itself, by a container that has CAP_SYS_PTRACE: being
# non-dumpable does not keep it from /proc/PID/exe of a process that
# enters through `exec`, so all that stands in its way is the seal.
t_exe_seal_ptrace_container_cannot_write_through_exec() {
	oci_setup
	local rtc b before i
	rtc=$(seal_copy "$MYDOCKER_RUNTIME")
	before=$(sha256sum <"$rtc")
	b=$(bundle sealp 'c["root"]["readonly"] = False; c["process"]["args"] = ["/bin/sh", "-c", "while :; do for e in /proc/[0-9]*/exe; do p=${e%/exe}; p=${p#/proc/}; [ $p = 1 ] && continue; [ $p = $$ ] && continue; if command exec 3<$e; then t=$(readlink /proc/self/fd/3); echo $t >> /tmp/opened; for k in 1 2 3 4 5 6 7 8 9 10; do echo pwned 2>/dev/null >/proc/self/fd/3 && echo $t >> /tmp/wrote; sleep 0.05; done; exec 3<&-; fi; done 2>/dev/null; done"]; c["process"]["capabilities"] = {k: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETUID", "CAP_SETGID", "CAP_SYS_PTRACE"] for k in ("bounding", "effective", "permitted")}')
	timeout -k 2 20 "$rtc" --root "$OCI_ROOT" run -d --bundle "$b" sealp </dev/null >/dev/null 2>&1 ||
		fail "attacker container did not start"
	for i in $(seq 100); do
		timeout -k 2 20 "$rtc" --root "$OCI_ROOT" exec sealp /bin/true </dev/null >/dev/null \
			2>"$OCI_TMP/err" || fail "exec $i failed: $(cat "$OCI_TMP/err")"
	done
	sleep 1
	echo "the container opened: $(sort "$b/rootfs/tmp/opened" 2>/dev/null | uniq -c | tr '\n' ' ')"
	[ ! -e "$b/rootfs/tmp/wrote" ] || fail "the container wrote through: $(sort -u "$b/rootfs/tmp/wrote")"
	assert_eq "$(sha256sum <"$rtc")" "$before" "sha256 of the runtime binary"
	timeout 20 "$rtc" --root "$OCI_ROOT" delete --force sealp
}

# `mydocker run`: the supervisor, of which the init is a clone.
SEAL_MPID=""
t_exe_seal_mydocker_run_runs_from_sealed_copy() {
	oci_setup
	local mdc before
	mdc=$(seal_copy "$MYDOCKER")
	before=$(sha256sum <"$mdc")
	"$mdc" run /bin/sleep 1000 </dev/null >/dev/null 2>&1 &
	SEAL_MPID=$!
	# If anything fails, the container goes with its init.
	trap 'kill -9 $(pgrep -P "$SEAL_MPID" -x sleep) 2>/dev/null; wait "$SEAL_MPID"; oci_cleanup' EXIT
	hold_parent_exe "$SEAL_MPID" mydocker
	write_held_exe "$mdc" "$before"
}

# A failure to make the copy is one line and exit 125, before anything is
# made. RLIMIT_FSIZE (with SIGXFSZ ignored) makes the copy fail.
t_exe_seal_failure_is_one_line_exit_125() {
	oci_setup
	local b prog
	b=$(bundle sealf)
	for prog in "$MYDOCKER_RUNTIME --root $OCI_ROOT run --bundle $b sealf" "$MYDOCKER run /bin/true"; do
		out=$( (trap '' XFSZ; ulimit -f 1; exec timeout 20 $prog) 2>&1 </dev/null)
		rc=$?
		assert_eq "$rc" 125 "exit status of $prog: $out"
		assert_contains "$out" "sealed copy of our binary"
		assert_eq "$(echo "$out" | wc -l)" 1 "lines of the error"
	done
	[ ! -e "$OCI_ROOT/sealf" ] || fail "a container was made"
}

# Only the verbs that create or enter a container pay for the copy.
t_exe_seal_only_for_verbs_that_enter() {
	oci_setup
	command -v strace >/dev/null || skip "needs strace"
	local verb
	# LeakSanitizer cannot run under ptrace; the leak check is not what
	# this test is about.
	export ASAN_OPTIONS=detect_leaks=0
	for verb in --version list "state nosuch" "spec --bundle $OCI_TMP"; do
		strace -f -qq -e trace=memfd_create -o "$OCI_TMP/trace" \
			"$MYDOCKER_RUNTIME" --root "$OCI_ROOT" $verb >/dev/null 2>&1 </dev/null
		! grep -q memfd_create "$OCI_TMP/trace" || fail "\`$verb\` made a sealed copy"
	done
	strace -f -qq -e trace=memfd_create -o "$OCI_TMP/trace" "$MYDOCKER" --version >/dev/null
	! grep -q memfd_create "$OCI_TMP/trace" || fail "mydocker --version made a sealed copy"
	strace -f -qq -e trace=memfd_create -o "$OCI_TMP/trace" "$MYDOCKER" run /bin/true </dev/null
	assert_eq "$(grep -c memfd_create "$OCI_TMP/trace")" 1 "sealed copies made by mydocker run"
}
