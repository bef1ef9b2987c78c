# SPDX-License-Identifier: Apache-2.0
# Device control: Docker's default device rules in `mydocker run`,
# --device, --device-cgroup-rule and --privileged; device rules of
# mydocker-runtime changed by `update` on a running container. Enforced by
# devices.allow/deny on v1 and hybrid hosts, by an eBPF program on v2.
source tests/integration/oci-lib.sh

# sh -c "$OPEN_SH" sh DIR "NAME TYPE MAJOR MINOR"...: in the container,
# "NAME=ok" or "NAME=err" for an open for reading of each node, made with
# mknod in DIR (CAP_MKNOD is a default cap).
OPEN_SH='dir=$1; shift
for spec in "$@"; do
	set -- $spec
	mknod "$dir/$1" "$2" "$3" "$4" || { echo "$1=nomknod"; continue; }
	if (exec 3<"$dir/$1") 2>/dev/null; then echo "$1=ok"; else echo "$1=err"; fi
done'

t_devices_run_default_rules() {
	md run /bin/sh -c "$OPEN_SH" sh /dev "mem c 1 1" "loop b 7 0" "null2 c 1 3" "tun2 c 10 200"
	assert_eq "$rc" 0 "run: $err"
	assert_eq "$out" $'mem=err\nloop=err\nnull2=ok\ntun2=ok'
	# The refusal is the device cgroup's: EPERM.
	md run /bin/sh -c 'mknod /dev/m c 1 1 && exec 3</dev/m'
	assert_contains "$err" "Operation not permitted"
	# The default devices and a pty work.
	md run /bin/sh -c 'echo x >/dev/null && head -c 3 /dev/zero | wc -c &&
		/usr/bin/python3 -c "import os; m, s = os.openpty(); os.write(s, b\"p\"); print(os.read(m, 1).decode())"'
	assert_eq "$rc" 0 "defaults: $err"
	assert_eq "$out" $'3\np'
}

t_devices_run_device_flag() {
	local dev=/dev/loop0
	[ -b "$dev" ] || skip "needs $dev"
	md run --device "$dev:/dev/xd:r" /bin/sh -c \
		'(exec 3</dev/xd) && echo read-ok; (exec 3<>/dev/xd) 2>/dev/null || echo write-refused'
	assert_eq "$rc" 0 "run: $err"
	assert_eq "$out" $'read-ok\nwrite-refused'
	md run --device "$dev" /bin/sh -c "(exec 3<>$dev) && echo rw-ok"
	assert_eq "$out" rw-ok "--device $dev: $err"
	md run --device-cgroup-rule 'b 7:* rw' /bin/sh -c "$OPEN_SH" sh /dev "l b 7 0" "mem c 1 1"
	assert_eq "$out" $'l=ok\nmem=err' "--device-cgroup-rule: $err"
	# --privileged has the host's /dev: its nodes go to a directory of ours.
	local tmp
	tmp=$(mktemp -d "/tmp/md-dev.$MD_TEST_RUN.XXXXXX")
	md run --privileged /bin/sh -c "$OPEN_SH" sh "$tmp" "l b 7 0" "kmsg c 1 11"
	rm -rf "$tmp"
	assert_eq "$out" $'l=ok\nkmsg=ok' "--privileged: $err"
}

t_devices_run_bad_flags() {
	md run --device /nonexistent /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "--device /nonexistent: no such file or directory"
	md run --device /etc/passwd /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "--device /etc/passwd: not a device node"
	md run --device /dev/null:relative /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "is not absolute"
	md run --device-cgroup-rule 'c 1:3' /bin/true
	assert_eq "$rc" 125
	assert_contains "$err" "invalid --device-cgroup-rule"
}

# update of the device rules reaches a running container.
t_devices_oci_update_rules() {
	oci_setup
	local b
	b=$(bundle devupd 'c["process"]["args"] = ["/bin/sleep", "30"]
c["linux"]["resources"]["devices"] = [{"allow": False, "access": "rwm"}]
c["process"]["capabilities"] = {k: ["CAP_MKNOD"] for k in ("bounding", "effective", "permitted")}
c["root"]["readonly"] = False')
	rt_detached run -d --bundle "$b" devupd
	assert_eq "$rc" 0 "run -d: $err"
	rt exec devupd /bin/sh -c 'mknod /dev/l b 7 0 && (exec 3</dev/l) && echo opened'
	[ "$rc" != 0 ] || fail "opened b 7:0 under deny-all: $out"
	echo '{"devices": [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "b", "major": 7, "minor": 0, "access": "rw"}]}' >"$OCI_TMP/res.json"
	rt update --resources "$OCI_TMP/res.json" devupd
	assert_eq "$rc" 0 "update: $err"
	rt exec devupd /bin/sh -c '(exec 3</dev/l) && echo opened'
	assert_eq "$out" opened "after update: $err"
	rt delete --force devupd
}
