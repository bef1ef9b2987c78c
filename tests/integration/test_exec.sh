# SPDX-License-Identifier: Apache-2.0
# mydocker exec and the health checks (issue 14): exit codes and Docker's
# errors, the container's environment, user and working directory and
# exec's changes to them, the namespaces, cgroup, capabilities and seccomp
# filter of the init, -d, -ti through a real pty, the detach keys; the
# health checks run by `mydocker __healthcheck` (what the monitor runs
# every interval): healthy, unhealthy after Retries failures, the
# timeout, --no-healthcheck, the image's Healthcheck, and the monitor's
# own runs. Each test has a store of its own (store_begin) with the
# busybox test image as "busybox"; store_end removes what is left.

ex_begin() {
	local archive
	command -v jq >/dev/null || skip "jq not installed"
	store_begin exec
	archive=$(tests/images/make-busybox-image) || fail "make-busybox-image"
	mdr load -i "$archive"
	[ "$rc" = 0 ] || fail "load: $err"
	mdr tag localhost/mdtest/busybox:latest busybox
	[ "$rc" = 0 ] || fail "tag: $err"
}

# ex_run NAME [RUN FLAGS...] -- a detached busybox sleeping, named NAME.
ex_run() {
	local name=$1
	shift
	mdr run -d --name "$name" "$@" busybox sleep 1000
	[ "$rc" = 0 ] || fail "run -d $name: $err"
}

ex_state() { # container jq-path
	mdr inspect "$1"
	jq -c ".[0].$2" <<<"$out"
}

# ex_ok ARGS...: mdr, which must work.
ex_ok() {
	mdr "$@"
	[ "$rc" = 0 ] || fail "mydocker $*: rc $rc: $err"
}

t_exec_exit_codes_and_errors() {
	local id
	ex_begin
	ex_run c1
	id=$(ex_state c1 Id | tr -d '"')
	ex_ok exec c1 echo hello
	assert_eq "$out" hello
	mdr exec c1 sh -c 'echo to-err >&2; exit 7'
	assert_eq "$rc" 7 "the command's status"
	assert_eq "$err" to-err
	mdr exec c1 sh -c 'kill -TERM $$'
	assert_eq "$rc" 143 "killed by a signal: 128+N"
	mdr exec c1 nope
	assert_eq "$rc" 126 "a command that is not there"
	assert_eq "$err" 'mydocker: OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown'
	mdr exec c1 /etc
	assert_eq "$rc" 126 "a directory"
	mdr exec nosuch true
	assert_eq "$rc" 1
	assert_eq "$err" "mydocker: No such container: nosuch"
	mdr exec c1
	assert_eq "$rc" 1
	assert_contains "$err" '"mydocker exec" requires at least 2 arguments.'
	mdr exec --bogus c1 true
	assert_eq "$rc" 125
	mdr exec -w relative c1 true
	assert_eq "$rc" 1
	assert_contains "$err" "needs to be an absolute path"
	mdr exec -u nosuchuser c1 true
	assert_eq "$rc" 1
	assert_contains "$err" "unable to find user nosuchuser"
	# Paused, then stopped: Docker's words.
	ex_ok pause c1
	mdr exec c1 true
	assert_eq "$rc" 1 "paused"
	assert_eq "$err" "mydocker: Container $id is paused, unpause the container before exec"
	ex_ok unpause c1
	ex_ok exec c1 true
	ex_ok stop -t 0 c1
	mdr exec c1 true
	assert_eq "$rc" 1 "stopped"
	assert_eq "$err" "mydocker: container $id is not running"
	# container exec is the same command.
	ex_ok start c1
	ex_ok container exec c1 echo again
	assert_eq "$out" again
	store_end
}

t_exec_env_user_workdir() {
	local f host
	ex_begin
	ex_run c1 -e FOO=from-run -e BAR=bar -w /tmp -u 0:0
	host=$(ex_state c1 Id | cut -c2-13)
	ex_ok exec c1 sh -c 'echo "$FOO $BAR $HOME $HOSTNAME"; pwd; id -u; echo "${TERM:-none}"'
	assert_eq "$(sed -n 1p <<<"$out")" "from-run bar /root $host"
	assert_eq "$(sed -n 2p <<<"$out")" /tmp "the container's working directory"
	assert_eq "$(sed -n 3p <<<"$out")" 0
	assert_eq "$(sed -n 4p <<<"$out")" none "no TERM without -t"
	f=$SD/env
	printf '# comment\nFILE1=one\nFOO=from-file\n' >"$f"
	HOSTVAR=from-host mdr exec --env-file "$f" -e FOO=from-e -e HOSTVAR -e UNSET_HERE c1 \
		sh -c 'echo "$FOO $FILE1 $HOSTVAR ${UNSET_HERE-unset} $BAR"'
	assert_eq "$rc" 0 "$err"
	assert_eq "$out" "from-e one from-host unset bar" "-e over --env-file over the container's"
	ex_ok exec -u nobody -w / c1 sh -c 'id; echo "$HOME"; pwd'
	assert_contains "$out" "uid=65534(nobody) gid=65534(nogroup)"
	assert_eq "$(sed -n 2p <<<"$out")" /nonexistent "HOME follows the user"
	assert_eq "$(sed -n 3p <<<"$out")" /
	ex_ok exec -u 1234:5 c1 sh -c 'id -u; id -g; echo "$HOME"'
	assert_eq "$(echo $out)" "1234 5 /" "a numeric user not in passwd"
	ex_ok exec -t c1 sh -c 'echo "$TERM"; tty'
	assert_contains "$out" xterm
	assert_contains "$out" /dev/pts/
	store_end
}

# The exec'd process and the init: the same namespaces, cgroup, capability
# sets, no_new_privs and seccomp mode, seen from the host.
exec_pid() {
	pgrep -f "^$MYDOCKER --root $R exec c1 sleep 3" | head -n 1
}

exec_sealed() {
	[[ "$(readlink "/proc/$(exec_pid)/exe")" == *memfd:* ]]
}

t_exec_joins_the_container() {
	local init mark pid ns a b
	ex_begin
	ex_run c1 --cap-drop CHOWN
	init=$(ex_state c1 State.Pid)
	mark=$((RANDOM + 100000))
	ex_ok exec -d c1 sleep "$mark"
	assert_eq "$out" "" "-d prints nothing"
	wait_for 50 pgrep -x -f "sleep $mark" >/dev/null || fail "the -d process does not run"
	pid=$(pgrep -x -f "sleep $mark")
	for ns in cgroup ipc mnt net pid uts; do
		a=$(readlink "/proc/$init/ns/$ns")
		b=$(readlink "/proc/$pid/ns/$ns")
		assert_eq "$b" "$a" "namespace $ns"
	done
	assert_eq "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$init/cgroup")" "cgroups"
	for f in CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs Seccomp; do
		a=$(grep "^$f:" "/proc/$init/status")
		b=$(grep "^$f:" "/proc/$pid/status")
		assert_eq "$b" "$a" "$f"
	done
	assert_eq "$(grep '^Seccomp:' "/proc/$pid/status" | awk '{ print $2 }')" 2 "a seccomp filter"
	# Its parent is outside the container's pid namespace (0 inside).
	ex_ok exec c1 sh -c "ps -o pid,ppid,args | grep 'sleep $mark' | grep -v grep"
	assert_eq "$(awk '{ print $2 }' <<<"$out")" 0 "PPid inside"
	# --privileged: every capability we have.
	ex_ok exec --privileged c1 grep CapEff /proc/self/status
	assert_eq "$out" "$(grep CapEff /proc/self/status)" "--privileged"
	# The host side of exec runs from the sealed copy of mydocker (looked
	# at until it has re-executed itself: slow to start under ASan).
	"$MYDOCKER" --root "$R" exec c1 sleep 3 &
	wait_for 30 pgrep -f "exec c1 sleep 3" >/dev/null || fail "no exec process"
	wait_for 50 exec_sealed || fail "exec runs sealed: $(readlink "/proc/$(exec_pid)/exe")"
	wait
	store_end
}

t_exec_detach() {
	local t0 t1
	ex_begin
	ex_run c1
	t0=$(date +%s%N)
	ex_ok exec -d c1 sh -c 'sleep 2; echo done >/tmp/d-done'
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 1500 ] || fail "-d waited for the command"
	mdr exec c1 cat /tmp/d-done
	assert_eq "$rc" 1 "not yet done"
	wait_for 50 "$MYDOCKER" --root "$R" exec c1 test -f /tmp/d-done || fail "-d did not run it"
	# -d with a terminal: it keeps its terminal while it runs.
	ex_ok exec -dt c1 sh -c 'sleep 1; tty >/tmp/dt-tty'
	wait_for 50 "$MYDOCKER" --root "$R" exec c1 test -s /tmp/dt-tty || fail "-dt did not run it"
	ex_ok exec c1 cat /tmp/dt-tty
	assert_contains "$out" /dev/pts/
	store_end
}

ex_pty() {
	o=$(timeout -k 2 40 python3 tests/integration/ptyrun.py "$@")
	prc=$?
}

t_exec_tty() {
	local o prc
	ex_begin
	ex_run c1
	ex_pty --rows 33 --cols 101 --send 'stty size; tty; echo "t=$TERM"\n' --send 'exit 3\n' -- \
		"$MYDOCKER" --root "$R" exec -ti c1 sh
	assert_eq "$prc" 3 "the shell's status: $o"
	assert_contains "$o" "33 101" "the terminal's size"
	assert_contains "$o" "/dev/pts/"
	assert_contains "$o" "t=xterm"
	assert_contains "$o" "ATTRS-RESTORED yes"
	# A resize follows ours.
	ex_pty --rows 20 --cols 70 --send 'sleep 2; stty size\n' --resize 40,120 --send 'exit\n' -- \
		"$MYDOCKER" --root "$R" exec -ti c1 sh
	assert_contains "$o" "40 120" "after SIGWINCH"
	# -ti needs a terminal; -i alone passes stdin through.
	mdr exec -ti c1 true </dev/null
	assert_eq "$rc" 1
	assert_eq "$err" "mydocker: the input device is not a TTY"
	out=$(echo piped | timeout 20 "$MYDOCKER" --root "$R" exec -i c1 cat)
	assert_eq "$out" piped "-i"
	out=$(echo piped | timeout 20 "$MYDOCKER" --root "$R" exec c1 cat)
	assert_eq "$out" "" "no -i: /dev/null"
	store_end
}

t_exec_detach_keys() {
	local o prc
	ex_begin
	ex_run c1
	ex_pty --send 'echo mark-$((40+2))\n' --send '\x10\x11' -- \
		"$MYDOCKER" --root "$R" exec -ti c1 sh -c 'sh; echo gone'
	assert_eq "$prc" 0 "detached: $o"
	assert_contains "$o" "mark-42"
	assert_contains "$o" "read escape sequence"
	assert_contains "$o" "ATTRS-RESTORED yes"
	ex_ok exec c1 ps -o args
	assert_contains "$out" "sh -c sh; echo gone" "still running after the detach keys"
	# Other keys; a sequence that breaks is passed on ("a" then "z").
	ex_pty --send 'echo za' --send 'zq\n' --send 'ab' -- \
		"$MYDOCKER" --root "$R" exec -ti --detach-keys a,b c1 sh
	assert_eq "$prc" 0 "detached with a,b: $o"
	assert_contains "$o" "zazq"
	assert_contains "$o" "read escape sequence"
	ex_pty -- "$MYDOCKER" --root "$R" exec -ti --detach-keys ctrl-, c1 true
	assert_eq "$prc" 1 "bad keys: $o"
	assert_contains "$o" "Invalid detach keys (ctrl-,) provided"
	store_end
}

# ---- health checks ----

ex_health() { # container [jq filter of State.Health]
	ex_state "$1" "State.Health | ${2:-.}"
}

ex_health_is() { # container status
	[ "$(ex_health "$1" .Status)" = "\"$2\"" ]
}

t_health_healthy_and_unhealthy() {
	local i
	ex_begin
	ex_run h1 --health-cmd 'echo checked; test -f /tmp/ok' --health-interval 1h
	assert_eq "$(ex_state h1 Config.Healthcheck)" \
		'{"Test":["CMD-SHELL","echo checked; test -f /tmp/ok"],"Interval":3600000000000}'
	for i in 1 2; do
		ex_ok __healthcheck h1
		assert_eq "$(ex_health h1 .Status)" '"starting"' "after $i failures"
	done
	ex_ok __healthcheck h1
	assert_eq "$(ex_health h1 .Status)" '"unhealthy"' "3 failures: unhealthy"
	assert_eq "$(ex_health h1 .FailingStreak)" 3
	assert_eq "$(ex_health h1 '.Log | length')" 3
	assert_eq "$(ex_health h1 '.Log[0] | [.ExitCode, .Output]')" '[1,"checked\n"]'
	mdr ps
	assert_contains "$out" "(unhealthy)"
	ex_ok exec h1 touch /tmp/ok
	ex_ok __healthcheck h1
	assert_eq "$(ex_health h1 .Status)" '"healthy"'
	assert_eq "$(ex_health h1 .FailingStreak)" 0
	mdr ps
	assert_contains "$out" "(healthy)"
	for i in 1 2 3; do
		ex_ok __healthcheck h1
	done
	assert_eq "$(ex_health h1 '.Log | length')" 5 "the last 5 results"
	assert_eq "$(ex_health h1 '[.Log[].ExitCode]')" '[1,0,0,0,0]'
	# A stopped container has no check to run.
	ex_ok stop -t 0 h1
	mdr __healthcheck h1
	assert_contains "$err" "is not running"
	store_end
}

t_health_timeout_and_retries() {
	local t0 t1
	ex_begin
	ex_run h1 --health-cmd 'sleep 30' --health-timeout 300ms --health-retries 1 \
		--health-interval 1h
	t0=$(date +%s%N)
	ex_ok __healthcheck h1
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 5000 ] || fail "the timeout was not kept"
	assert_eq "$(ex_health h1 '.Log[0] | [.ExitCode, .Output]')" \
		'[-1,"Health check exceeded timeout (300ms)"]'
	assert_eq "$(ex_health h1 .Status)" '"unhealthy"' "--health-retries 1"
	ex_ok exec h1 ps -o args
	assert_not_contains "$out" "sleep 30" "the check is killed after its timeout"
	# A start period: failures in it do not count.
	ex_run h2 --health-cmd false --health-start-period 1h --health-retries 1 \
		--health-interval 1h
	ex_ok __healthcheck h2
	assert_eq "$(ex_health h2 '[.Status, .FailingStreak]')" '["starting",0]'
	# A check that cannot start: ExitCode -1, the error as its output.
	ex_run h3 --health-cmd x --health-interval 1h
	mdr exec h3 rm /bin/sh
	ex_ok __healthcheck h3
	assert_contains "$(ex_health h3 '.Log[0].Output')" "OCI runtime exec failed"
	assert_eq "$(ex_health h3 '.Log[0].ExitCode')" -1
	store_end
}

t_health_flags_errors_and_none() {
	ex_begin
	ex_run h1 --no-healthcheck
	assert_eq "$(ex_state h1 Config.Healthcheck)" '{"Test":["NONE"]}'
	mdr __healthcheck h1
	assert_contains "$err" "has no health check"
	ex_run h2
	assert_eq "$(ex_state h2 Config.Healthcheck)" null "no check at all"
	assert_eq "$(ex_state h2 State.Health)" null
	mdr run -d --no-healthcheck --health-cmd true busybox true
	assert_eq "$rc" 125
	assert_eq "$err" "mydocker: --no-healthcheck conflicts with --health-* options"
	mdr run -d --health-interval -1s busybox true
	assert_eq "$err" "mydocker: --health-interval cannot be negative"
	mdr run -d --health-timeout 5 busybox true
	assert_eq "$err" 'mydocker: invalid argument "5" for "--health-timeout" flag: time: missing unit in duration "5"'
	mdr run -d --health-interval 10us busybox true
	assert_eq "$err" "mydocker: Interval in Healthcheck cannot be less than 1ms"
	mdr run -d --health-retries x busybox true
	assert_contains "$err" 'invalid argument "x" for "--health-retries" flag'
	assert_eq "$(ls "$R/containers" | wc -l)" 2 "no container made by a bad flag"
	store_end
}

# An OCI layout of the busybox image whose config has a Healthcheck, as a
# Dockerfile's HEALTHCHECK makes it (mydocker commit has no --change for
# it), loaded as mdtest/hc.
ex_image_with_healthcheck() {
	local archive
	archive=$(tests/images/make-busybox-image) || fail "make-busybox-image"
	cp -a "$(dirname "$archive")/oci" "$SD/oci"
	python3 - "$SD/oci" <<'EOF' || fail "the image's Healthcheck"
import hashlib, json, os, sys
d = sys.argv[1]
def blob(digest):
    return os.path.join(d, "blobs", *digest.split(":"))
def put(obj):
    data = json.dumps(obj).encode()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    open(blob(digest), "wb").write(data)
    return digest, len(data)
index = json.load(open(os.path.join(d, "index.json")))
desc = index["manifests"][0]
manifest = json.load(open(blob(desc["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
config["config"]["Healthcheck"] = {"Test": ["CMD", "/bin/sh", "-c", "echo image-check"],
                                   "Interval": 3600 * 10**9, "Retries": 2}
manifest["config"]["digest"], manifest["config"]["size"] = put(config)
desc["digest"], desc["size"] = put(manifest)
desc.setdefault("annotations", {})["org.opencontainers.image.ref.name"] = "mdtest/hc:latest"
json.dump(index, open(os.path.join(d, "index.json"), "w"))
EOF
	mdr load -i "$SD/oci"
	[ "$rc" = 0 ] || fail "load: $err"
}

t_health_image_healthcheck() {
	local id=mdtest/hc
	ex_begin
	ex_image_with_healthcheck
	mdr run -d --name i1 "$id" sleep 1000
	[ "$rc" = 0 ] || fail "run: $err"
	assert_eq "$(ex_state i1 Config.Healthcheck)" \
		'{"Test":["CMD","/bin/sh","-c","echo image-check"],"Interval":3600000000000,"Retries":2}'
	ex_ok __healthcheck i1
	assert_eq "$(ex_health i1 '[.Status, .Log[0].Output]')" '["healthy","image-check\n"]'
	# The flags win member by member.
	mdr run -d --name i2 --health-cmd 'echo flag-check' "$id" sleep 1000
	assert_eq "$(ex_state i2 Config.Healthcheck)" \
		'{"Test":["CMD-SHELL","echo flag-check"],"Interval":3600000000000,"Retries":2}'
	mdr run -d --name i3 --no-healthcheck "$id" sleep 1000
	assert_eq "$(ex_state i3 Config.Healthcheck | jq -c .Test)" '["NONE"]'
	store_end
}

# The monitor runs the check every interval by itself.
t_health_monitor_runs_it() {
	ex_begin
	ex_run h1 --health-cmd 'test -f /tmp/ok' --health-interval 200ms --health-retries 2
	wait_for 100 ex_health_is h1 unhealthy || fail "the monitor's checks: $(ex_health h1)"
	ex_ok exec h1 touch /tmp/ok
	wait_for 100 ex_health_is h1 healthy || fail "healthy again: $(ex_health h1)"
	store_end
}
