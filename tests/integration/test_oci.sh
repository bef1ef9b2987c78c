# SPDX-License-Identifier: Apache-2.0
# mydocker-runtime: runc's verbs and the contract callers rely on.
source tests/integration/oci-lib.sh

t_oci_run_foreground_exit_code() {
	oci_setup
	local b
	b=$(bundle fg 'c["process"]["args"] = ["/bin/sh", "-c", "echo out; echo err >&2; exit 7"]')
	rt run --bundle "$b" fg
	assert_eq "$rc" 7
	assert_eq "$out" out
	assert_eq "$err" err
	[ ! -e "$OCI_ROOT/fg" ] || fail "state left after run"
}

t_oci_create_start_state_delete() {
	oci_setup
	local b pid
	b=$(bundle life 'c["process"]["args"] = ["/bin/sleep", "30"]')
	rt_detached create --bundle "$b" --pid-file "$OCI_TMP/pid" life
	assert_eq "$rc" 0 "create: $err"
	pid=$(cat "$OCI_TMP/pid")
	[ "$(cat /proc/$pid/comm)" != sleep ] || fail "user program ran before start"
	assert_eq "$(rt_status life)" created
	rt state life
	for k in ociVersion id status pid bundle rootfs created owner annotations; do
		assert_contains "$out" "\"$k\"" "state field"
	done
	rt start life
	assert_eq "$rc" 0 "start: $err"
	assert_eq "$(rt_status life)" running
	wait_for 50 test "$(cat /proc/$pid/comm 2>/dev/null)" = sleep || fail "program not running"
	rt delete life
	assert_eq "$rc" 1 "delete of a running container needs --force"
	assert_contains "$err" "running"
	rt kill life KILL
	assert_eq "$rc" 0
	wait_for 50 eval '[ "$(rt_status life)" = stopped ]' || fail "not stopped after KILL"
	rt state life
	python3 -c 'import json,sys; assert json.loads(sys.argv[1])["pid"] == 0' "$out" || fail "pid not 0: $out"
	rt kill life TERM
	assert_eq "$rc" 1
	assert_contains "$err" "container not running"
	rt delete life
	assert_eq "$rc" 0
	rt state life
	assert_eq "$rc" 1
}

t_oci_delete_force_unknown_and_running() {
	oci_setup
	local b
	rt delete --force no-such-container
	assert_eq "$rc" 0
	rt delete no-such-container
	assert_eq "$rc" 1
	b=$(bundle force 'c["process"]["args"] = ["/bin/sleep", "30"]')
	rt_detached run -d --bundle "$b" force
	assert_eq "$rc" 0 "run -d: $err"
	rt delete --force force
	assert_eq "$rc" 0
	[ -z "$(find /sys/fs/cgroup -name "$MD_TEST_RUN-force" 2>/dev/null)" ] || fail "cgroup left"
}

t_oci_kill_signals_by_name_and_number() {
	oci_setup
	local b
	b=$(bundle sig 'c["process"]["args"] = ["/bin/sh", "-c", "trap \"echo got-usr1 >/tmp/sig\" USR1; trap \"exit 3\" TERM; while :; do sleep 0.1; done"]')
	rt_detached run -d --bundle "$b" sig
	assert_eq "$rc" 0 "$err"
	for s in USR1 SIGUSR1 10; do
		rt kill sig "$s"
		assert_eq "$rc" 0 "kill $s: $err"
	done
	rt kill sig NOSUCHSIG
	assert_eq "$rc" 1
	rt kill --all sig TERM
	assert_eq "$rc" 0
	wait_for 50 eval '[ "$(rt_status sig)" = stopped ]' || fail "TERM did not stop it"
	rt delete sig
}

t_oci_exec_and_ps() {
	oci_setup
	local b
	b=$(bundle ex 'c["process"]["args"] = ["/bin/sleep", "30"]; c["hostname"] = "exhost"')
	rt_detached run -d --bundle "$b" ex
	assert_eq "$rc" 0 "$err"
	rt exec ex /bin/sh -c 'echo $(hostname) $$; exit 4'
	assert_eq "$rc" 4
	assert_contains "$out" "exhost"
	rt exec ex /no/such/program
	[ "$rc" != 0 ] || fail "exec of a missing program succeeded"
	assert_contains "$err" "no such file or directory"
	rt exec ex nosuchcmd
	assert_contains "$err" "executable file not found"
	rt_detached exec --detach --pid-file "$OCI_TMP/epid" ex /bin/sleep 20
	assert_eq "$rc" 0 "$err"
	[ -s "$OCI_TMP/epid" ] || fail "no exec pid file"
	rt ps --format json ex
	assert_eq "$rc" 0
	local json=$out
	# Found by fuzz_oci_flags: "+" once made "-+" a flag of ps.
	rt ps -+ ex
	[ "$rc" != 0 ] || fail "ps accepted -+"
	out=$json
	python3 -c 'import json,sys; a=json.loads(sys.argv[1]); assert len(a) == 2, a' "$out" ||
		fail "ps json: $out"
	rt exec --env FOO=bar --cwd /tmp ex /bin/sh -c 'echo $FOO $(pwd)'
	assert_eq "$out" "bar /tmp"
	rt delete --force ex
}

t_oci_pause_resume_update_events() {
	oci_setup
	local b
	b=$(bundle pr 'c["process"]["args"] = ["/bin/sleep", "30"]')
	rt_detached run -d --bundle "$b" pr
	assert_eq "$rc" 0 "$err"
	rt pause pr
	assert_eq "$rc" 0 "$err"
	assert_eq "$(rt_status pr)" paused
	rt resume pr
	assert_eq "$(rt_status pr)" running
	echo '{"memory":{"limit":67108864},"pids":{"limit":33}}' >"$OCI_TMP/res.json"
	rt update --resources "$OCI_TMP/res.json" pr
	assert_eq "$rc" 0 "$err"
	local pids mem
	pids=$(cg_dir_of pids "${TCG#/}-pr")/pids.max
	mem=$(cg_dir_of memory "${TCG#/}-pr")/memory.max
	cg_v1 memory && mem=${mem%.max}.limit_in_bytes
	assert_eq "$(cat "$pids")" 33
	assert_eq "$(cat "$mem")" 67108864
	out=$(echo '{"pids":{"limit":44}}' | timeout 10 "$MYDOCKER_RUNTIME" --root "$OCI_ROOT" update --resources - pr)
	assert_eq "$(cat "$pids")" 44
	rt update --pids-limit 55 pr
	assert_eq "$(cat "$pids")" 55
	rt events --stats pr
	assert_eq "$rc" 0
	assert_contains "$out" '"type":"stats"'
	rt delete --force pr
}

t_oci_list_features_spec_version() {
	oci_setup
	local b
	rt --version
	assert_eq "$(echo "$out" | head -1 | cut -d' ' -f1-2)" "runc version"
	assert_contains "$out" "spec: 1.2.0"
	rt features
	python3 -c 'import json,sys; f=json.loads(sys.argv[1]); assert f["ociVersionMax"] and "linux" in f' "$out" ||
		fail "features: $out"
	(cd "$OCI_TMP" && "$MYDOCKER_RUNTIME" spec) || fail "spec failed"
	python3 -c 'import json; c=json.load(open("'"$OCI_TMP"'/config.json")); assert c["root"]["path"] == "rootfs"' ||
		fail "spec output"
	b=$(bundle ls 'c["process"]["args"] = ["/bin/sleep", "30"]')
	rt_detached run -d --bundle "$b" ls1
	rt list -q
	assert_eq "$out" ls1
	rt list --format json
	assert_contains "$out" '"id":"ls1"'
	rt delete --force ls1
}

t_oci_global_flags_and_json_log() {
	oci_setup
	local b
	b=$(bundle lg 'c["process"]["args"] = ["/no/such/binary"]')
	rt --log "$OCI_TMP/log.json" --log-format json create --bundle "$b" lg </dev/null
	assert_eq "$rc" 1
	python3 - "$OCI_TMP/log.json" <<'PY' || fail "log: $(cat "$OCI_TMP/log.json")"
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
recs = [json.loads(l) for l in lines]
errs = [r for r in recs if r["level"] == "error"]
assert len(errs) == 1, recs
assert "no such file or directory" in errs[0]["msg"], errs
PY
	[ ! -e "$OCI_ROOT/lg" ] || fail "failed create left state"
	rt --log-format=json --root="$OCI_ROOT" state nope
	assert_eq "$rc" 1
	# The systemd driver where it cannot work: one clear line, nothing left.
	if [ ! -d /run/systemd/system ]; then
		b=$(bundle sdno)
		rt --systemd-cgroup run --bundle "$b" sdno </dev/null
		assert_eq "$rc" 1
		assert_contains "$err" "systemd cgroup driver needs"
		[ ! -e "$OCI_ROOT/sdno" ] || fail "failed create left state"
	fi
}

t_oci_console_socket() {
	oci_setup
	local b
	b=$(bundle tty 'c["process"]["terminal"] = True; c["process"]["args"] = ["/bin/sh", "-c", "tty; stty size"]; c["process"]["consoleSize"] = {"height": 30, "width": 90}')
	python3 "$TOP/tests/integration/console-recv.py" "$OCI_TMP/console.sock" >"$OCI_TMP/tty.out" &
	local recv=$!
	wait_for 50 test -S "$OCI_TMP/console.sock" || fail "no console socket"
	rt_detached run -d --console-socket "$OCI_TMP/console.sock" --bundle "$b" tty
	assert_eq "$rc" 0 "$err"
	wait $recv
	assert_contains "$(cat "$OCI_TMP/tty.out")" "/dev/pts/0"
	assert_contains "$(cat "$OCI_TMP/tty.out")" "30 90"
	rt_detached create --bundle "$b" tty2
	assert_eq "$rc" 1 "a terminal needs a console socket"
	rt delete --force tty
}

t_oci_preserve_fds() {
	oci_setup
	local b
	b=$(bundle pf 'c["process"]["args"] = ["/bin/sh", "-c", "cat <&3; ls /proc/self/fd | wc -l"]')
	out=$(echo from-fd3 | (exec 3<&0; timeout 10 "$MYDOCKER_RUNTIME" --root "$OCI_ROOT" run --preserve-fds 1 --bundle "$b" pf </dev/null))
	assert_contains "$out" "from-fd3"
	rt run --preserve-fds 5 --bundle "$b" pf2 </dev/null
	assert_eq "$rc" 1 "missing preserved fds are refused"
}

t_oci_pid_reuse_guard() {
	oci_setup
	local b pid
	b=$(bundle pr2 'c["process"]["args"] = ["/bin/sleep", "30"]')
	rt_detached run -d --bundle "$b" reuse
	# Pretend the init's pid now belongs to another process: same pid,
	# different start time.
	pid=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid"])' "$OCI_ROOT/reuse/state.json")
	python3 - "$OCI_ROOT/reuse/state.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["startTime"] += 1; json.dump(s, open(sys.argv[1], "w"))
PY
	assert_eq "$(rt_status reuse)" stopped
	rt kill reuse KILL
	assert_eq "$rc" 1 "must not signal a reused pid"
	rt delete --force reuse
	# The init the runtime would not signal (this container's only).
	grep -q ":$TCG-pr2\$" "/proc/$pid/cgroup" 2>/dev/null && kill -9 "$pid"
	return 0
}

t_oci_sysctl_and_personality() {
	oci_setup
	local b host_shm
	host_shm=$(cat /proc/sys/kernel/shmmni)
	b=$(bundle sc 'c["linux"]["sysctl"] = {"kernel.shmmni": "1234", "net.ipv4.ip_forward": "1"}; c["linux"]["personality"] = {"domain": "LINUX32"}; c["process"]["args"] = ["/bin/sh", "-c", "cat /proc/sys/kernel/shmmni /proc/sys/net/ipv4/ip_forward; uname -m"]')
	rt run --bundle "$b" sc </dev/null
	assert_eq "$rc" 0 "$err"
	assert_eq "$out" $'1234\n1\ni686'
	assert_eq "$(cat /proc/sys/kernel/shmmni)" "$host_shm" "host sysctl untouched"
	b=$(bundle sc2 'c["linux"]["sysctl"] = {"vm.swappiness": "1"}')
	rt run --bundle "$b" sc2 </dev/null
	assert_eq "$rc" 1
	assert_contains "$err" "vm.swappiness"
}

# `features` has runc's shape (every key runc prints), lists the user and
# time namespaces, and every mount option runc knows that we take too.
t_oci_features_like_runc() {
	oci_setup
	command -v runc >/dev/null || skip "needs runc"
	rt features
	assert_eq "$rc" 0 "features: $err"
	runc features >"$OCI_TMP/runc.json" 2>/dev/null || skip "this runc has no features"
	python3 - "$out" "$OCI_TMP/runc.json" <<'PY' || fail "features differ from runc's"
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.load(open(sys.argv[2]))
def keys(a, b, where):
    for k, v in b.items():
        if k == "annotations":
            continue
        assert k in a, "%s: missing %r" % (where, k)
        if isinstance(v, dict):
            keys(a[k], v, where + "." + k)
keys(ours, theirs, "features")
ns = ours["linux"]["namespaces"]
assert "user" in ns and "time" in ns, ns
missing = set(theirs["mountOptions"]) - set(ours["mountOptions"]) - {"idmap", "ridmap"}
assert not missing, "mount options runc has and we lack: %s" % sorted(missing)
assert set(theirs["linux"]["capabilities"]) <= set(ours["linux"]["capabilities"])
assert ours["linux"]["mountExtensions"]["idmap"]["enabled"] is False
PY
}
