# SPDX-License-Identifier: Apache-2.0
# Helpers for tests of build/mydocker-runtime: busybox bundles, a private
# --root, and cleanup of every container a test made.

OCI_ROOT=""
OCI_TMP=""

oci_setup() {
	[ -x "$MYDOCKER_RUNTIME" ] || skip "needs $MYDOCKER_RUNTIME"
	OCI_TMP=$(mktemp -d "/tmp/md-oci.$MD_TEST_RUN.XXXXXX")
	OCI_ROOT=$OCI_TMP/root
	trap oci_cleanup EXIT
}

oci_cleanup() {
	local id
	for id in $(ls "$OCI_ROOT" 2>/dev/null); do
		"$MYDOCKER_RUNTIME" --root "$OCI_ROOT" delete --force "$id" >/dev/null 2>&1
	done
	rm -rf "$OCI_TMP"
}

# rt ARGS...: the runtime with our root, under a timeout; sets out/err/rc.
rt() {
	local ef
	ef=$(mktemp)
	out=$(timeout -k 2 20 "$MYDOCKER_RUNTIME" --root "$OCI_ROOT" "$@" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
	rm -f "$ef"
	return 0
}

# bundle NAME [python code editing dict c]: a busybox bundle; prints its dir.
# Its cgroup is $TCG-NAME (the code sees TCG too).
bundle() {
	local dir=$OCI_TMP/$1
	bash "$TOP/bench/make-bundle" "$dir" >/dev/null
	python3 - "$dir/config.json" "$1" "${2:-}" "$TCG" <<'PY'
import json, sys
path, name, code, TCG = sys.argv[1:5]
c = json.load(open(path))
c["linux"]["cgroupsPath"] = TCG + "-" + name
c["process"]["args"] = ["/bin/sh", "-c", "echo hello"]
c["process"]["env"] = ["PATH=/bin", "TERM=xterm"]
exec(code)
json.dump(c, open(path, "w"), indent=1)
PY
	echo "$dir"
}

# rt_detached ARGS...: for `run -d` and `create`, whose container keeps the
# stdio it was given: never a pipe that $(...) would wait on.
rt_detached() {
	timeout -k 2 20 "$MYDOCKER_RUNTIME" --root "$OCI_ROOT" "$@" </dev/null \
		>"$OCI_TMP/detached.out" 2>"$OCI_TMP/detached.err"
	rc=$?
	err=$(cat "$OCI_TMP/detached.err")
	return 0
}

rt_status() { # id
	rt state "$1"
	python3 -c 'import json,sys; print(json.loads(sys.argv[1])["status"])' "$out" 2>/dev/null
}
