# SPDX-License-Identifier: Apache-2.0
# Root filesystem and privileges of real OCI bundles (a busybox rootfs and
# runc's default config.json), run through the runtime core by a small
# driver (tests/helpers/oci-drive.c): /dev, masked and read-only paths,
# read-only root, capabilities, and the attacks on mount targets.

# The bundle lives in $T, removed when the test's shell exits.
rootfs_begin() {
	command -v busybox >/dev/null || skip "busybox-static is not installed"
	T=$(mktemp -d /tmp/rootfs-test.XXXXXX)
	trap 'rm -rf "$T"' EXIT
	B=$T/bundle
	R=$B/rootfs
	mkdir -p "$R"/{bin,proc,sys,dev,etc,tmp}
	cp "$(command -v busybox)" "$R/bin/busybox"
	for a in $(busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
	done
	DRV=$TOP/$BUILD/oci-drive
	[ -x "$DRV" ] || fail "$DRV is missing (make builds it)"
	runc_default_config
}

# What `runc spec` writes (runc 1.1), with a command instead of a terminal.
runc_default_config() {
	python3 - "$B/config.json" <<'PY'
import json, sys
caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
c = {
 "ociVersion": "1.0.2-dev",
 "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": ["true"],
   "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "TERM=xterm"],
   "cwd": "/",
   "capabilities": {k: caps for k in ("bounding", "effective", "permitted", "ambient")},
   "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
   "noNewPrivileges": True},
 "root": {"path": "rootfs", "readonly": True},
 "hostname": "runc",
 "mounts": [
   {"destination": "/proc", "type": "proc", "source": "proc"},
   {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
    "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
   {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
   {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
    "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
   {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
    "options": ["nosuid", "noexec", "nodev"]},
   {"destination": "/sys", "type": "sysfs", "source": "sysfs",
    "options": ["nosuid", "noexec", "nodev", "ro"]},
   {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
    "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}],
 "linux": {
   "resources": {"devices": [{"allow": False, "access": "rwm"}]},
   "namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")],
   "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
     "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
     "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
   "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
     "/proc/sysrq-trigger"]}}
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
}

# cfg 'PYTHON': edit the config; `c` is the parsed config.json.
cfg() {
	python3 - "$B/config.json" "$1" <<'PY' || fail "cfg: $1"
import json, sys
path, code = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(code)
json.dump(c, open(path, "w"), indent=1)
PY
}

# set_cmd SHELL-COMMAND: the container runs sh -c SHELL-COMMAND.
set_cmd() {
	python3 - "$B/config.json" "$1" <<'PY' || fail "set_cmd: $1"
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["sh", "-c", sys.argv[2]]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
}

# drive [SHELL-COMMAND]: run the bundle; sets $out, $err, $rc.
drive() {
	local ef=$T/stderr
	[ $# -gt 0 ] && set_cmd "$1"
	out=$(timeout -k 2 30 "$DRV" "$B" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
	return 0
}

# drive, and fail unless the container exited 0.
drive_ok() {
	drive "$@"
	[ "$rc" = 0 ] || fail "exit $rc: $err (output: $out)"
}

t_rootfs_default_devices() {
	rootfs_begin
	drive_ok 'for d in null zero full random urandom tty; do
		stat -c "$d %F %t:%T %a %u:%g" /dev/$d; done
		for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done'
	assert_eq "$out" "null character special file 1:3 666 0:0
zero character special file 1:5 666 0:0
full character special file 1:7 666 0:0
random character special file 1:8 666 0:0
urandom character special file 1:9 666 0:0
tty character special file 5:0 666 0:0
fd /proc/self/fd
stdin /proc/self/fd/0
stdout /proc/self/fd/1
stderr /proc/self/fd/2
ptmx pts/ptmx"
	# Made with mknod here: none of them is a bind of the host's node.
	drive_ok 'grep -c " /dev/[a-z]* " /proc/self/mountinfo || true'
	assert_eq "$out" 4 "/dev, pts, shm, mqueue are the only mounts in /dev"
}

t_rootfs_dev_null_writable() {
	rootfs_begin
	drive_ok 'echo hello > /dev/null && head -c 4 /dev/zero | wc -c && cat /dev/null | wc -c &&
		head -c 8 /dev/urandom | wc -c; echo x > /dev/full; echo full=$?'
	assert_eq "$out" $'4\n0\n8\nfull=1'
	assert_contains "$err" "No space left on device"
}

t_rootfs_linux_devices() {
	rootfs_begin
	cfg 'c["linux"]["devices"] = [
	  {"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 0o620,
	   "uid": 1, "gid": 2},
	  {"path": "/dev/sub/fifo0", "type": "p"},
	  {"path": "/dev/full", "type": "c", "major": 1, "minor": 7, "fileMode": 0o600}]'
	drive_ok 'stat -c "%F %t:%T %a %u:%g" /dev/mynull /dev/sub/fifo0 /dev/full'
	assert_eq "$out" "character special file 1:3 620 1:2
fifo 0:0 666 0:0
character special file 1:7 600 0:0"
	cfg 'c["linux"]["devices"] = [{"path": "dev/x", "type": "c", "major": 1, "minor": 3}]'
	drive true
	assert_eq "$rc" 125
	assert_contains "$err" "linux.devices[0].path: not an absolute path"
	cfg 'c["linux"]["devices"] = [{"path": "/dev/x", "type": "c", "minor": 3}]'
	drive true
	assert_contains "$err" "linux.devices[0].major: missing"
}

t_rootfs_masked_paths() {
	rootfs_begin
	drive_ok 'for f in /proc/kcore /proc/keys /proc/timer_list; do
			[ -e $f ] || continue; echo "$f $(cat $f 2>&1 | wc -c)"; done
		echo "firmware $(ls -A /sys/firmware | wc -l)"
		touch /sys/firmware/x 2>/dev/null && echo firmware writable
		echo x > /proc/keys; echo "write keys $?"'
	assert_contains "$out" "/proc/keys 0"
	assert_contains "$out" "firmware 0"
	assert_not_contains "$out" "firmware writable"
	assert_contains "$out" "write keys 0" "keys masked by /dev/null"
	if [ -e /proc/kcore ]; then assert_contains "$out" "/proc/kcore 0"; fi
	# A path that does not exist is skipped.
	cfg 'c["linux"]["maskedPaths"].append("/proc/no/such/file")'
	drive_ok true
}

t_rootfs_readonly_paths() {
	rootfs_begin
	drive 'echo box > /proc/sys/kernel/hostname; echo 1 > /proc/sys/vm/drop_caches
		[ ! -e /proc/sysrq-trigger ] || echo > /proc/sysrq-trigger'
	assert_contains "$err" "/proc/sys/kernel/hostname: Read-only file system"
	assert_contains "$err" "/proc/sys/vm/drop_caches: Read-only file system"
	if [ -e /proc/sysrq-trigger ]; then
		assert_contains "$err" "/proc/sysrq-trigger: Read-only file system"
	fi
	drive_ok 'grep " /proc/sys " /proc/self/mountinfo'
	assert_contains "$out" " ro,"
	[ "$(hostname)" != box ] || fail "host hostname changed"
}

t_rootfs_readonly_root() {
	rootfs_begin
	drive 'touch /x'
	assert_contains "$err" "Read-only file system"
	[ ! -e "$R/x" ] || fail "created in a read-only root"
	drive_ok 'touch /dev/shm/ok && echo shm ok'
	assert_eq "$out" "shm ok" "tmpfs mounts stay writable"
	cfg 'c["root"]["readonly"] = False'
	drive_ok 'touch /x'
	[ -e "$R/x" ] || fail "read-write root did not get /x"
}

# /proc/self/status capability lines, one "Name value" per line.
caps_of() {
	echo "$1" | awk '/^Cap|^NoNewPrivs/ {print $1, $2}'
}

t_rootfs_caps_runc_default() {
	rootfs_begin
	drive_ok 'cat /proc/self/status'
	# AUDIT_WRITE(29), KILL(5), NET_BIND_SERVICE(10). The ambient ones are
	# not inheritable, so they are not raised (as in runc).
	assert_eq "$(caps_of "$out")" "CapInh: 0000000000000000
CapPrm: 0000000020000420
CapEff: 0000000020000420
CapBnd: 0000000020000420
CapAmb: 0000000000000000
NoNewPrivs: 1"
}

t_rootfs_caps_ambient_and_user() {
	rootfs_begin
	cfg 'p = c["process"]; p["noNewPrivileges"] = False
p["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [5, 7]}
p["capabilities"] = {"bounding": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"],
  "permitted": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"],
  "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
	drive_ok 'cat /proc/self/status; id'
	# KILL = bit 5, CHOWN = bit 0, NET_RAW = bit 13. A non-root execve
	# keeps only the ambient set in permitted and effective.
	assert_eq "$(caps_of "$out")" "CapInh: 0000000000000020
CapPrm: 0000000000000020
CapEff: 0000000000000020
CapBnd: 0000000000002021
CapAmb: 0000000000000020
NoNewPrivs: 0"
	assert_contains "$out" "uid=1000 gid=1000 groups=5,7"
}

t_rootfs_caps_unset_keeps_root_no_inheritable() {
	rootfs_begin
	cfg 'del c["process"]["capabilities"]'
	drive_ok 'cat /proc/self/status'
	local want
	want=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
	assert_contains "$(caps_of "$out")" "CapInh: 0000000000000000"
	assert_contains "$(caps_of "$out")" "CapEff: $want"
	assert_contains "$(caps_of "$out")" "CapAmb: 0000000000000000"
}

t_rootfs_lsm_not_on_host_is_error() {
	rootfs_begin
	if ! [ -e /sys/module/apparmor/parameters/enabled ] ||
		[ "$(cat /sys/module/apparmor/parameters/enabled)" != Y ]; then
		cfg 'c["process"]["apparmorProfile"] = "docker-default"'
		drive true
		assert_eq "$rc" 125
		assert_contains "$err" "AppArmor is not enabled on this host"
	fi
	if ! [ -d /sys/fs/selinux ]; then
		cfg 'c["process"].pop("apparmorProfile", None)
c["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"'
		drive true
		assert_eq "$rc" 125
		assert_contains "$err" "SELinux is not enabled on this host"
	fi
}

t_rootfs_proc_symlink_refused() {
	rootfs_begin
	rmdir "$R/proc"
	ln -s /tmp "$R/proc"
	drive true
	assert_eq "$rc" 125
	assert_contains "$err" "proc must be mounted on a plain directory"
	[ -z "$(ls -A "$R/tmp")" ] || fail "something was made in the image's /tmp"
	# A relative escape is refused the same way.
	rm "$R/proc"
	ln -s ../../../../../proc "$R/proc"
	drive true
	assert_eq "$rc" 125
	assert_contains "$err" "proc must be mounted on a plain directory"
	# So is a destination that only reaches /proc through a link.
	rm "$R/proc"
	mkdir "$R/proc"
	ln -s /proc "$R/myproc"
	cfg 'c["mounts"].append({"destination": "/myproc/cpuinfo", "type": "bind",
	  "source": "/etc/hostname", "options": ["bind"]})'
	drive true
	assert_eq "$rc" 125
	assert_contains "$err" "leads into /proc"
}

t_rootfs_bind_dest_symlink_stays_inside() {
	rootfs_begin
	local c1=canary-$RANDOM$RANDOM c2=canary2-$RANDOM$RANDOM
	mkdir "$T/vol"
	echo from-volume >"$T/vol/file"
	ln -s / "$R/evil"
	ln -s ../../../../../../.. "$R/up"
	ln -s /etc/hosts-$RANDOM "$R/dangling"
	cfg "
for d in ('/evil/$c1', '/up/$c2'):
    c['mounts'].append({'destination': d, 'type': 'bind', 'source': '$T/vol',
                        'options': ['rbind', 'ro']})"
	drive_ok "cat /$c1/file /$c2/file"
	assert_eq "$out" $'from-volume\nfrom-volume'
	[ ! -e "/$c1" ] && [ ! -e "/$c2" ] || fail "a mount point was made on the host"
	[ -d "$R/$c1" ] && [ -d "$R/$c2" ] || fail "the mount points are not in the rootfs"
	assert_eq "$(cat "$T/vol/file")" from-volume
	# A file bind through a dangling link fails inside, nothing outside.
	cfg "c['mounts'].append({'destination': '/dangling', 'type': 'bind',
	  'source': '$T/vol/file', 'options': ['bind']})"
	drive true
	assert_eq "$rc" 125
	ls /etc/hosts-* >/dev/null 2>&1 && fail "a file was made on the host"
	return 0
}

t_rootfs_dev_null_swapped_refused() {
	rootfs_begin
	# No /dev of the config's: the image's own /dev is used, with /dev/null
	# a link to a procfs file. Masking a file with it must be refused
	# (CVE-2025-31133), and the host's core_pattern stays as it is.
	local before
	before=$(cat /proc/sys/kernel/core_pattern)
	cfg 'c["mounts"] = [m for m in c["mounts"] if not m["destination"].startswith("/dev")]'
	ln -s /proc/sys/kernel/core_pattern "$R/dev/null"
	drive 'echo "|/bin/evil" > /proc/keys'
	assert_eq "$rc" 125
	assert_contains "$err" "/dev/null"
	assert_eq "$(cat /proc/sys/kernel/core_pattern)" "$before" "host core_pattern"
}

t_rootfs_rro_nested_mount() {
	rootfs_begin
	# The host's /dev has /dev/shm mounted inside: with rro the nested
	# mount is read-only too; with ro alone only the top one is.
	local f=rro-test-$RANDOM$RANDOM
	cfg 'c["mounts"].append({"destination": "/hostdev", "type": "bind", "source": "/dev",
	  "options": ["rbind", "rro", "nosuid", "noexec"]})'
	drive "touch /hostdev/shm/$f"
	if [ -e "/dev/shm/$f" ]; then
		rm -f "/dev/shm/$f"
		fail "wrote into a nested mount of an rro bind"
	fi
	assert_contains "$err" "Read-only file system"
	drive_ok 'grep " /hostdev/shm " /proc/self/mountinfo'
	assert_contains "$out" " ro,"
}

t_rootfs_tmpcopyup() {
	rootfs_begin
	mkdir -p "$R/data/sub"
	echo one >"$R/data/a.txt"
	echo two >"$R/data/sub/b.txt"
	ln -s a.txt "$R/data/link"
	chmod 0700 "$R/data/sub"
	chown 12:34 "$R/data/a.txt"
	cfg 'c["mounts"].append({"destination": "/data", "type": "tmpfs", "source": "tmpfs",
	  "options": ["tmpcopyup", "nosuid", "size=1m"]})'
	drive_ok 'cat /data/a.txt /data/sub/b.txt; readlink /data/link
		stat -c "%a %u:%g" /data/sub /data/a.txt; grep -c " /data tmpfs" /proc/mounts
		echo new > /data/new'
	assert_eq "$out" "one
two
a.txt
700 0:0
644 12:34
1"
	[ ! -e "$R/data/new" ] || fail "a write went through the tmpfs to the image"
	# Read-only comes after the copy; a plain tmpfs keeps the mode of the
	# directory it covers (1777 for /tmp).
	chmod 1777 "$R/tmp"
	cfg 'c["mounts"][-1]["options"].append("ro")
c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"})'
	drive 'cat /data/sub/b.txt; stat -c %a /tmp; touch /data/x'
	assert_eq "$out" $'two\n1777'
	assert_contains "$err" "Read-only file system"
}

t_rootfs_propagation_shared() {
	rootfs_begin
	cfg 'c["linux"]["rootfsPropagation"] = "rshared"'
	drive_ok 'awk "\$5 == \"/\" {print \$7}" /proc/self/mountinfo'
	assert_contains "$out" "shared:"
	cfg 'c["linux"]["rootfsPropagation"] = "private"'
	drive_ok 'awk "\$5 == \"/\" {print \$7}" /proc/self/mountinfo'
	assert_not_contains "$out" "shared:"
}

t_rootfs_cgroup_mount() {
	rootfs_begin
	[ -d /sys/fs/cgroup/memory ] || [ -e /sys/fs/cgroup/cgroup.controllers ] ||
		skip "no cgroup hierarchy"
	cfg 'c["linux"]["resources"]["memory"] = {"limit": 67108864}'
	local want read
	if [ -d /sys/fs/cgroup/memory ]; then
		read='cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
		want=67108864
	else
		read='cat /sys/fs/cgroup/memory.max'
		want=67108864
	fi
	# Without a cgroup namespace (runc's default): a bind of our own cgroup.
	drive_ok "$read; mkdir /sys/fs/cgroup/x 2>&1 || true; ls /sys/fs/cgroup"
	assert_contains "$out" "$want"
	assert_contains "$out" "Read-only file system"
	# With one: fresh cgroup mounts, rooted at our cgroup.
	cfg 'c["linux"]["namespaces"].append({"type": "cgroup"})'
	drive_ok "$read; ls /sys/fs/cgroup; cat /proc/self/cgroup"
	assert_contains "$out" "$want"
	if [ -d /sys/fs/cgroup/memory ]; then
		assert_contains "$out" "memory"
		assert_contains "$out" "4:memory:/"$'\n'
	fi
	# "rw" makes it writable (our own cgroup only).
	cfg 'c["mounts"] = [m for m in c["mounts"] if m["type"] != "cgroup"] + [
	  {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
	   "options": ["nosuid", "noexec", "nodev", "rw"]}]'
	drive_ok 'grep " /sys/fs/cgroup/[a-z]* " /proc/self/mountinfo | grep -c " rw,"'
	[ "$out" -gt 0 ] || fail "no writable cgroup mount with rw"
}

t_rootfs_console_is_the_pty() {
	rootfs_begin
	cfg 'c["process"]["terminal"] = True'
	drive_ok 'tty; stat -c "%F %t" /dev/console; grep -c " /dev/console " /proc/self/mountinfo'
	# 0x88 = 136, the pty major; the pty is bound there from its fd.
	assert_eq "$(echo "$out" | tr -d '\r')" "/dev/pts/0
character special file 88
1"
}
