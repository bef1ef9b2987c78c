# SPDX-License-Identifier: Apache-2.0
# Regression tests for escape classes of ../shared/SECURITY.md that the
# other files do not already cover.
source tests/integration/oci-lib.sh

# CVE-2019-5736: a container process grabs /proc/PID/exe of the runtime
# while it joins the container (exec), keeps the fd, and writes through it
# once the runtime is gone. The process that enters is non-dumpable until
# execve, so the open must fail and the binary must not change. The test
# attacks a copy of the runtime, so a success would only destroy the copy.
t_security_runtime_binary_not_writable_from_container() {
	oci_setup
	local b rt_copy before after i
	rt_copy=$OCI_TMP/mydocker-runtime
	cp "$MYDOCKER_RUNTIME" "$rt_copy"
	before=$(sha256sum <"$rt_copy")
	b=$(bundle cve 'c["process"]["args"] = ["/bin/sh", "-c", "n=0; while :; do for e in /proc/[0-9]*/exe; do p=${e%/exe}; p=${p#/proc/}; [ $p = 1 ] && continue; [ $p = $$ ] && continue; if command exec 3<$e; then n=$((n+1)); case $(readlink /proc/self/fd/3) in *mydocker-runtime*) echo opened $p > /tmp/opened;; esac; for k in 1 2 3 4 5 6 7 8 9 10; do echo pwned 2>/dev/null >/proc/self/fd/3 && echo wrote > /tmp/wrote; sleep 0.05; done; exec 3<&-; fi; done 2>/dev/null; done"]; c["process"]["capabilities"] = {k: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETUID", "CAP_SETGID"] for k in ("bounding", "effective", "permitted")}')
	timeout -k 2 20 "$rt_copy" --root "$OCI_ROOT" run -d --bundle "$b" cve </dev/null >/dev/null 2>&1 ||
		fail "attacker container did not start"
	for i in $(seq 100); do
		timeout -k 2 20 "$rt_copy" --root "$OCI_ROOT" exec cve /bin/true </dev/null >/dev/null 2>&1 ||
			fail "exec $i failed"
	done
	sleep 1
	after=$(sha256sum <"$rt_copy")
	[ ! -e "$b/rootfs/tmp/wrote" ] || fail "the container wrote through the runtime's exe"
	[ ! -e "$b/rootfs/tmp/opened" ] || fail "the container opened the runtime's exe: $(cat "$b/rootfs/tmp/opened")"
	assert_eq "$after" "$before" "sha256 of the runtime binary"
	timeout 20 "$rt_copy" --root "$OCI_ROOT" delete --force cve
}

# CVE-2024-21626: a cwd through a leaked fd would be outside the root; our
# fds are close-on-exec and the cwd is checked to be inside the root.
t_security_no_leaked_fds_and_cwd_inside() {
	oci_setup
	local b fd
	b=$(bundle fds 'c["process"]["args"] = ["/bin/sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \""]')
	rt run --bundle "$b" fds </dev/null
	assert_eq "$rc" 0 "$err"
	assert_eq "$out" "0 1 2 3 " "fds of the container's process (3 is ls's own dir fd)"
	for fd in 3 4 5 6 7 8 9 10; do
		b=$(bundle cwd$fd 'c["process"]["cwd"] = "/proc/self/fd/'$fd'"; c["process"]["args"] = ["/bin/sh", "-c", "pwd"]')
		rt run --bundle "$b" cwd$fd </dev/null
		[ "$rc" != 0 ] || [[ "$out" == /* && "$out" != *unreachable* ]] ||
			fail "cwd /proc/self/fd/$fd gave '$out'"
	done
}
