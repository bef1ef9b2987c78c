# SPDX-License-Identifier: Apache-2.0
# Escape regressions: for each class of ../shared/SECURITY.md that the
# runtime must survive and that the other files do not cover already, an
# attack on our binaries (mydocker-runtime with busybox bundles, and
# mydocker run) made the way the original exploit was. Each fails if the
# host is touched.
source tests/integration/oci-lib.sh

ESC_CANARY=""
ESC_CANARY_LIST=""

# The host directory the attacks aim at: empty, and a shared mount, so that
# a mount landing on it from a container whose propagation is rshared
# would show up in the host's mountinfo (on a host whose mounts are all
# private, nothing else would).
esc_setup() {
	oci_setup
	ESC_CANARY=$(mktemp -d "/tmp/esc-canary.$MD_TEST_RUN.XXXXXX")
	mount --bind "$ESC_CANARY" "$ESC_CANARY" && mount --make-shared "$ESC_CANARY" ||
		fail "cannot make $ESC_CANARY a shared mount"
	trap 'esc_release; oci_cleanup' EXIT
}

esc_release() {
	[ -n "$ESC_CANARY" ] || return 0
	umount -R -l "$ESC_CANARY" 2>/dev/null
	rm -rf "$ESC_CANARY"
	ESC_CANARY=""
	ESC_CANARY_LIST=""
}

# What the canary holds, in a form to compare.
esc_canary_list() {
	(cd "$ESC_CANARY" && find . -mindepth 1 -printf '%p %y %s\n' | sort)
}

# esc_canary_mkdir NAME: a directory in the canary that the test made.
esc_canary_mkdir() {
	mkdir "$ESC_CANARY/$1"
	ESC_CANARY_LIST=$(esc_canary_list)
}

# Fail if the canary changed (but for what the test made) or anything was
# mounted under it.
esc_host_untouched() { # what
	local now mounted
	now=$(esc_canary_list)
	[ "$now" == "$ESC_CANARY_LIST" ] ||
		fail "$1: the canary changed on the host: $(diff <(echo "$ESC_CANARY_LIST") <(echo "$now") | grep '^[<>]')"
	mounted=$(awk -v c="$ESC_CANARY/" 'index($5, c) == 1 {print $5, $9}' /proc/self/mountinfo)
	[ -z "$mounted" ] || fail "$1: mounted on the host: $mounted"
}

# The last check, then the canary goes before lib_end compares the mounts.
esc_done() {
	esc_host_untouched "at the end"
	esc_release
}

# esc_applets BUNDLE APPLET...: more busybox applets in the rootfs.
esc_applets() {
	local b=$1 a
	shift
	for a in "$@"; do ln -sf busybox "$b/rootfs/bin/$a"; done
}

# A directory NAME of the canary, on the host and at the same path inside
# ROOTFS, and a symlink to it at PATH in ROOTFS: absolute, or relative
# with more ".." than there are directories. Followed inside the root, the
# link leads to the rootfs's copy; followed on the host, to the canary.
esc_link() { # rootfs path name abs|rel
	local at=$1$2 to=$ESC_CANARY/$3
	esc_canary_mkdir "$3"
	mkdir -p "$1$to"
	rm -rf "$at"
	mkdir -p "$(dirname "$at")"
	[ "$4" = rel ] && to=../../../../../../../..$to
	ln -s "$to" "$at"
}

# CVE-2021-30465, CVE-2015-3629, CVE-2019-19921: each default mount target
# in turn (and a bind target) is a symlink to a directory of the canary.
# Where a config mount covers the target's parent, that mount is dropped so
# that the image's own directory is used. The mount must be refused, or
# land inside the rootfs, where the container then sees it; the rshared
# propagation would carry a mount on the canary to the host.
t_escape_symlink_at_every_mount_target() {
	esc_setup
	local target fstype drop style n=0 b seen cgfs=tmpfs
	# A cgroup mount is a tmpfs of v1 hierarchies, or cgroup2 on a v2 host.
	[ -e /sys/fs/cgroup/cgroup.controllers ] && cgfs=cgroup2
	mkdir "$OCI_TMP/volsrc"
	# One bundle per covering mount dropped; each case runs a copy.
	for drop in - /dev /sys; do
		bundle "esc-base${drop//\//-}" "
c['process']['args'] = ['/bin/cat', '/proc/self/mountinfo']
c['linux']['rootfsPropagation'] = 'rshared'
c['mounts'] += [
 {'destination': '/dev/shm', 'type': 'tmpfs', 'source': 'shm', 'options': ['nosuid', 'nodev', 'size=1m']},
 {'destination': '/dev/mqueue', 'type': 'mqueue', 'source': 'mqueue', 'options': ['nosuid', 'nodev']},
 {'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup', 'options': ['nosuid', 'nodev', 'ro']},
 {'destination': '/data', 'type': 'bind', 'source': '$OCI_TMP/volsrc', 'options': ['rbind', 'rw']}]
c['mounts'] = [m for m in c['mounts'] if m['destination'] != '$drop']" >/dev/null
	done
	# The image's own /dev needs the null device for the masked paths.
	mknod -m 666 "$OCI_TMP/esc-base-dev/rootfs/dev/null" c 1 3
	while read -r target fstype drop style; do
		n=$((n + 1))
		b=$OCI_TMP/esc-link$n
		cp -a "$OCI_TMP/esc-base${drop//\//-}" "$b"
		esc_link "$b/rootfs" "$target" "link$n" "$style"
		rt run --bundle "$b" "esc-link$n" </dev/null
		if [ "$rc" = 0 ]; then
			seen=$(echo "$out" | awk -v t="$target" -v l="$ESC_CANARY/link$n" \
				-v f="$fstype" '($5 == t || $5 == l) && (f == "bind" || $9 == f)')
			[ -n "$seen" ] || fail "$target ($style link): the $fstype mount is not in the container"
			echo "$target ($style link): inside, on $(echo "$seen" | awk '{print $5}')"
		else
			[ -n "$err" ] || fail "$target: exit $rc without an error"
			echo "$target ($style link): refused: $err"
		fi
		esc_host_untouched "$target ($style link)"
	done <<-EOF
	/proc proc - abs
	/proc proc - rel
	/dev tmpfs - abs
	/dev/pts devpts /dev abs
	/dev/shm tmpfs /dev rel
	/dev/mqueue mqueue /dev abs
	/sys sysfs - abs
	/sys/fs/cgroup $cgfs /sys abs
	/data bind - abs
	/data bind - rel
	EOF
	esc_done
}

# The race of CVE-2021-30465: container A shares a volume with bundle B and
# keeps swapping a directory of it with a symlink to "/" (busybox renames,
# as there is no RENAME_EXCHANGE in busybox) while B is run
# again and again with a tmpfs whose target goes through that directory
# (to the canary's path, once the link is followed). Every round the tmpfs
# must be inside B (or B refused), nothing made or mounted on the host.
# Odd rounds use rshared propagation (an escaped mount would reach the
# host), even ones the default.
t_escape_mount_target_race_volume_swap() {
	esc_setup
	local vol=$OCI_TMP/vol a b bs src=esc$$tmpfs i round point
	local through=0 volume=0 gone=0 refused=0
	mkdir -p "$vol/x/d"
	a=$(bundle esc-swap "
c['mounts'].append({'destination': '/vol', 'type': 'bind', 'source': '$vol', 'options': ['rbind', 'rw']})
c['process']['args'] = ['/bin/sh', '-c', '''exec 2>/vol/swap.log; cd /vol/x || exit 1
while :; do
	[ -L s ] || ln -s / s
	mv -T d dd 2>/dev/null || rm -rf d 2>/dev/null
	mv -T s d 2>/dev/null
	mv -T d s 2>/dev/null
	[ -e d ] && rm -rf d 2>/dev/null
	[ -d dd ] || mkdir dd
	mv -T dd d 2>/dev/null
done''']")
	esc_applets "$a" mv ln rm mkdir
	local race="
c['mounts'] += [
 {'destination': '/vol', 'type': 'bind', 'source': '$vol', 'options': ['rbind', 'rw']},
 {'destination': '/vol/x/d$ESC_CANARY/t', 'type': 'tmpfs', 'source': '$src', 'options': ['size=64k']}]
c['process']['args'] = ['/bin/sh', '-c', 'grep \" $src \" /proc/self/mountinfo; true']"
	b=$(bundle esc-race "$race")
	bs=$(bundle esc-races "$race
c['linux']['rootfsPropagation'] = 'rshared'")
	rt_detached run -d --bundle "$a" esc-swap
	assert_eq "$rc" 0 "swapping container: $err"
	for i in $(seq 50); do
		round=$b
		[ $((i % 2)) = 1 ] && round=$bs
		rt run --bundle "$round" "esc-race$i" </dev/null
		# Where B sees its tmpfs: at the link's target inside its root, in
		# the volume (where the swapper may have moved it since, or
		# removed its mount point, which unmounts it), or nowhere.
		point=$(echo "$out" | awk '{print $5}')
		case $rc:$point in
		0:"$ESC_CANARY/t") through=$((through + 1)) ;;
		0:/vol/x/*) volume=$((volume + 1)) ;;
		0:) gone=$((gone + 1)) ;;
		0:*) fail "round $i: the tmpfs is on '$point' in the container" ;;
		*) refused=$((refused + 1)) ;;
		esac
		esc_host_untouched "round $i"
		! grep -q " $src " /proc/self/mountinfo || fail "round $i: the tmpfs is on the host"
	done
	echo "50 rounds: $through through the link (inside the root), $volume in the volume," \
		"$gone unmounted by the swapper, $refused refused"
	assert_eq "$(rt_status esc-swap)" running "the swapping container: $(cat "$vol/swap.log")"
	[ $((through + refused)) -gt 0 ] || fail "no round met the link: the swap did not race"
	rt delete --force esc-swap
	esc_done
}

# ---- fake /proc (CVE-2019-16884, CVE-2023-28642, CVE-2025-52881) ----

# An image whose /proc is a plain directory of fake files. fds: "files"
# makes /proc/self/fd/N regular files; "fifo" makes them links to /fifo, a
# fifo in the image, so that an init that takes it for its exec fifo can be
# let go (esc_release_fifo).
esc_fake_proc() { # rootfs files|fifo
	local r=$1 p=$1/proc f n
	mkdir -p "$p/sys/kernel" "$p/sys/net/ipv4" "$p/self/fd" "$p/thread-self/attr"
	for f in sys/kernel/hostname sys/kernel/domainname sys/kernel/core_pattern \
		sys/net/ipv4/ip_forward self/oom_score_adj thread-self/attr/exec keys kcore \
		sysrq-trigger; do
		echo fake >"$p/$f"
	done
	[ "$2" = fifo ] && mkfifo "$r/fifo"
	for n in $(seq 0 63); do
		if [ "$2" = fifo ]; then
			ln -s /fifo "$p/self/fd/$n"
		else
			echo fake >"$p/self/fd/$n"
		fi
	done
}

# Names, types, sizes and contents of a tree, a line per entry.
esc_digest() { # dir
	(cd "$1" && find . -printf '%p %y %s %l\n' && find . -type f -exec sha256sum {} +) | sort
}

# Fail unless DIR still has the digest it had.
esc_unchanged() { # digest dir what
	local now
	now=$(esc_digest "$2")
	[ "$now" == "$1" ] || fail "$3 changed: $(diff <(echo "$1") <(echo "$now") | grep '^[<>]')"
}

# An init that reopens its exec fifo through the fake /proc blocks on
# /fifo: read it to let it go, then start (for an init that did not).
esc_release_fifo() { # rootfs id
	timeout 1 cat "$1/fifo" >/dev/null 2>&1
	rt start "$2"
}

# The same image under a config that mounts procfs: the sysctl, the masks,
# the read-only paths and oom_score_adj all go to the real procfs, none
# into the fake files, and the container sees procfs.
t_escape_fake_proc_under_real_proc() {
	oci_setup
	local b before domain
	b=$(bundle esc-fakeproc '
c["root"]["readonly"] = False
c["process"]["oomScoreAdj"] = 123
c["linux"]["sysctl"] = {"kernel.domainname": "esc-domain", "net.ipv4.ip_forward": "1"}
c["linux"]["maskedPaths"] = ["/proc/keys", "/proc/kcore"]
c["linux"]["readonlyPaths"] = ["/proc/sys", "/proc/sysrq-trigger"]
c["process"]["args"] = ["/bin/sh", "-c", "exec >/out 2>&1; stat -f -c %T /proc /proc/sys; cat /proc/sys/kernel/domainname /proc/sys/net/ipv4/ip_forward /proc/self/oom_score_adj; cat /proc/keys | wc -c; grep -c \" /proc/sys ro,\" /proc/self/mountinfo; echo done"]')
	esc_fake_proc "$b/rootfs" files
	before=$(esc_digest "$b/rootfs/proc")
	domain=$(cat /proc/sys/kernel/domainname)
	rt_detached create --bundle "$b" esc-fakeproc
	assert_eq "$rc" 0 "create: $err"
	rt start esc-fakeproc
	assert_eq "$rc" 0 "start: $err"
	wait_for 50 grep -q '^done$' "$b/rootfs/out" || fail "no output: $(cat "$b/rootfs/out" 2>&1)"
	assert_eq "$(cat "$b/rootfs/out")" "proc
proc
esc-domain
1
123
0
1
done"
	esc_unchanged "$before" "$b/rootfs/proc" "the image's fake /proc"
	assert_eq "$(cat /proc/sys/kernel/domainname)" "$domain" "the host's domainname"
	rt delete --force esc-fakeproc
}

# A bundle NAME, in $B, whose image has a fake /proc (esc_fake_proc FDS)
# and whose config has a writable root and no procfs, masks nothing and
# makes nothing read-only, then CODE. ESC_FAKE: the fake's digest.
esc_fake_bundle() { # name files|fifo code
	B=$(bundle "$1" 'c["root"]["readonly"] = False
c["mounts"] = [m for m in c["mounts"] if m["type"] != "proc"]
c["linux"]["maskedPaths"] = []
c["linux"]["readonlyPaths"] = []
'"$3")
	esc_fake_proc "$B/rootfs" "$2"
	ESC_FAKE=$(esc_digest "$B/rootfs/proc")
}

esc_fake_unchanged() {
	esc_unchanged "$ESC_FAKE" "$B/rootfs/proc" "the image's fake /proc"
}

# No procfs in the config: a sysctl must be refused, not written into the
# image's /proc/sys.
t_escape_fake_proc_sysctl_refused() {
	oci_setup
	esc_fake_bundle esc-fakesysctl files 'c["linux"]["sysctl"] = {"kernel.domainname": "esc-domain"}'
	rt_detached create --bundle "$B" esc-fakesysctl
	[ "$rc" != 0 ] || fail "create with a sysctl and no procfs succeeded"
	assert_contains "$err" "not on procfs"
	esc_fake_unchanged
}

# No procfs in the config, the image's /proc/self/fd/N are plain files:
# the init must not take one for its exec fifo (writing into the image, and
# running the program before `start`).
t_escape_fake_proc_exec_fifo() {
	oci_setup
	esc_fake_bundle esc-fakefifo files 'c["process"]["args"] = ["/bin/sh", "-c", "echo ran > /ran"]'
	rt_detached create --bundle "$B" esc-fakefifo
	if [ "$rc" = 0 ]; then
		sleep 0.3
		esc_fake_unchanged
		[ ! -e "$B/rootfs/ran" ] || fail "the program ran before start"
		# The init may have given up on a /proc that is not procfs.
		rt start esc-fakefifo
		if [ "$rc" = 0 ]; then
			wait_for 50 test -e "$B/rootfs/ran" || fail "the program did not run after start"
		fi
	fi
	esc_fake_unchanged
}

# No procfs in the config, the image's /proc/self/fd/N lead to /fifo: a
# mask and a read-only path made through /proc/self/fd must not land there
# instead of on the sysfs paths they protect.
t_escape_fake_proc_masked_paths() {
	oci_setup
	[ -e /sys/kernel/uevent_seqnum ] || skip "no /sys/kernel/uevent_seqnum"
	esc_fake_bundle esc-fakemask fifo '
for m in c["mounts"]:
    if m["type"] == "sysfs": m["options"] = ["nosuid", "noexec", "nodev"]
c["linux"]["maskedPaths"] = ["/sys/kernel/uevent_seqnum"]
c["linux"]["readonlyPaths"] = ["/sys/kernel/mm"]
c["process"]["args"] = ["/bin/sh", "-c", "exec >/out 2>&1; cat /sys/kernel/uevent_seqnum | wc -c; touch /sys/kernel/mm/esc-probe; echo done"]'
	rt_detached create --bundle "$B" esc-fakemask
	if [ "$rc" = 0 ]; then
		esc_release_fifo "$B/rootfs" esc-fakemask
		wait_for 50 grep -q '^done$' "$B/rootfs/out" || fail "no output: $(cat "$B/rootfs/out" 2>&1)"
		[ "$(sed -n 1p "$B/rootfs/out")" = 0 ] ||
			fail "masked /sys/kernel/uevent_seqnum is readable: $(sed -n 1p "$B/rootfs/out") bytes"
		grep -q "Read-only file system" "$B/rootfs/out" ||
			fail "/sys/kernel/mm is not read-only: $(sed -n 2p "$B/rootfs/out")"
	fi
	esc_fake_unchanged
}

# No procfs in the config: oomScoreAdj must not be written into the image's
# /proc/self/oom_score_adj.
t_escape_fake_proc_oom_score_adj() {
	oci_setup
	esc_fake_bundle esc-fakeoom fifo 'c["process"]["oomScoreAdj"] = 123'
	rt_detached create --bundle "$B" esc-fakeoom
	[ "$rc" = 0 ] && esc_release_fifo "$B/rootfs" esc-fakeoom
	esc_fake_unchanged
}

# ---- cgroup escapes (CVE-2022-0492, CVE-2023-25809) ----

# The attack, in sh that busybox and the host's dash both run ($1 is an
# empty directory): mount a v1 hierarchy, directly and from new user (and,
# with util-linux's unshare, cgroup) namespaces, where only a writable
# release_agent would be an escape; then look for a writable cgroupfs: a
# mount under /sys/fs/cgroup not read-only, a child cgroup that can be
# made, a release_agent that takes a write (of the value it has). Prints
# BAD lines; removes what it managed to make.
esc_cgroup_attack() { # file
	cat >"$1" <<-'EOF'
	mnt=$1
	agent='v=$(cat "$0/release_agent" 2>/dev/null) && (printf "%s\n" "$v" >"$0/release_agent") 2>/dev/null && echo "BAD the release_agent of a new cgroup mount is writable"'
	for o in rdma memory net_cls none,name=escprobe; do
		if mount -t cgroup -o $o cgroup "$mnt" 2>/dev/null; then
			echo "BAD mounted cgroup -o $o"
			sh -c "$agent" "$mnt"
			umount "$mnt"
		fi
		for u in -UrmC -Urm; do
			unshare $u sh -c "mount -t cgroup -o $o cgroup $mnt 2>/dev/null && $agent" "$mnt" 2>/dev/null
		done
	done
	# Every reachable mount there: one that no later mount on the same
	# point covers, under a parent that is reachable too.
	awk '{ pt[$1] = $5; par[$1] = $2; opt[$1] = $6; ord[NR] = $1; top[$5] = $1 }
	END { for (i = 1; i <= NR; i++) { id = ord[i]
		hid[id] = (top[pt[id]] != id) || hid[par[id]]
		if (!hid[id] && pt[id] ~ /^\/sys\/fs\/cgroup(\/|$)/ && opt[id] !~ /^ro(,|$)/)
			print "BAD " pt[id] " is mounted " opt[id] } }' /proc/self/mountinfo
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$h" ] || continue
		if mkdir "${h}esc-probe-$$" 2>/dev/null; then
			echo "BAD made ${h}esc-probe-$$"
			rmdir "${h}esc-probe-$$"
		fi
		[ -f "${h}release_agent" ] || continue
		v=$(cat "${h}release_agent")
		if (printf "%s\n" "$v" >"${h}release_agent") 2>/dev/null; then
			echo "BAD ${h}release_agent is writable"
		fi
	done
	echo attack-done
	EOF
}

# The host side: no probe cgroup left anywhere.
esc_no_probe_cgroups() {
	local left
	left=$(find /sys/fs/cgroup -maxdepth 5 -type d -name 'esc-probe-*' 2>/dev/null)
	[ -z "$left" ] || { rmdir $left; fail "a container made cgroups on the host: $left"; }
}

# Inside a default `mydocker run` container (the host's root, Docker's
# capabilities and seccomp profile).
t_escape_cgroup_run() {
	# Global: the EXIT trap runs after the function's locals are gone.
	ESC_CG_DIR=$(mktemp -d "/tmp/esc-cg.$MD_TEST_RUN.XXXXXX")
	local d=$ESC_CG_DIR
	trap 'rm -rf "$ESC_CG_DIR"' EXIT
	mkdir "$d/mnt"
	esc_cgroup_attack "$d/attack.sh"
	md run /bin/sh "$d/attack.sh" "$d/mnt"
	esc_no_probe_cgroups
	assert_contains "$out" attack-done "$err"
	assert_not_contains "$out" BAD
}

# In a bundle with runc's cgroup mount, without and with a cgroup
# namespace, Docker's capabilities and no seccomp profile.
t_escape_cgroup_bundle() {
	oci_setup
	local b ns
	for ns in "" cgroup; do
		b=$(bundle "esc-cg$ns" '
c["process"]["args"] = ["/bin/sh", "/attack.sh", "/mnt"]
c["process"]["capabilities"] = {k: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
  "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
  for k in ("bounding", "effective", "permitted")}
c["mounts"].append({"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
  "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]})
if "'"$ns"'": c["linux"]["namespaces"].append({"type": "cgroup"})')
		mkdir -p "$b/rootfs/mnt"
		esc_cgroup_attack "$b/rootfs/attack.sh"
		esc_applets "$b" unshare umount mkdir rmdir printf awk
		rt run --bundle "$b" "esc-cg$ns" </dev/null
		esc_no_probe_cgroups
		assert_contains "$out" attack-done "${ns:-no} cgroup namespace: $err"
		assert_not_contains "$out" BAD "${ns:-no} cgroup namespace"
	done
}

# ---- state and sockets (CVE-2020-15257, CVE-2021-41103) ----

ESC_RUN_PID=""
ESC_HELD_PID=""

# Two containers alive at once: one made by `mydocker-runtime create`, whose
# init waits for start, and a `mydocker run` one (the host's root), which
# ends once $OCI_TMP/stop exists or $OCI_TMP is gone. Sets ESC_HELD_PID,
# ESC_RUN_PID (mydocker itself) and ESC_RUN_ID.
esc_start_two() {
	local b i
	b=$(bundle esc-held 'c["process"]["args"] = ["/bin/sleep", "30"]')
	rt_detached create --bundle "$b" --pid-file "$OCI_TMP/held.pid" esc-held
	assert_eq "$rc" 0 "create: $err"
	ESC_HELD_PID=$(cat "$OCI_TMP/held.pid")
	"$MYDOCKER" run /bin/sh -c "while [ -d $OCI_TMP ] && [ ! -e $OCI_TMP/stop ]; do sleep 0.05; done" \
		</dev/null >/dev/null 2>&1 &
	ESC_RUN_PID=$!
	for i in $(seq 50); do
		ESC_RUN_ID=$(sed -n 's|^[0-9]*:[^:]*:/mydocker/||p' /proc/$(pgrep -P $ESC_RUN_PID)/cgroup \
			2>/dev/null | head -n 1)
		[ -n "$ESC_RUN_ID" ] && [ -d "/run/mydocker/containers/$ESC_RUN_ID" ] && return 0
		sleep 0.1
	done
	fail "the mydocker run container did not start"
}

esc_stop_two() {
	[ -n "$ESC_RUN_PID" ] || return 0
	touch "$OCI_TMP/stop"
	wait_for 50 eval '! kill -0 $ESC_RUN_PID 2>/dev/null' || kill -9 "$ESC_RUN_PID"
	wait "$ESC_RUN_PID" 2>/dev/null
	ESC_RUN_PID=""
}

# The pids of both containers and of mydocker.
esc_our_pids() {
	echo "$ESC_RUN_PID"
	cat /sys/fs/cgroup/pids/mydocker/{"$MD_TEST_RUN-esc-held","$ESC_RUN_ID"}/cgroup.procs \
		/sys/fs/cgroup/mydocker/{"$MD_TEST_RUN-esc-held","$ESC_RUN_ID"}/cgroup.procs 2>/dev/null
}

# No abstract unix socket (a name any process of the network namespace can
# connect to, whatever its root and uid) belongs to a process of ours, in
# the host's network namespace or in the containers'.
t_escape_no_abstract_sockets() {
	oci_setup
	trap 'esc_stop_two; oci_cleanup' EXIT
	local pids inodes abstract bad p
	esc_start_two
	pids=$(esc_our_pids)
	assert_contains " $(echo $pids) " " $ESC_HELD_PID " "the created init among our pids"
	inodes=$(for p in $pids; do ls -l /proc/$p/fd/ 2>/dev/null; done |
		sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | sort -u)
	abstract=$(for p in self $pids; do cat /proc/$p/net/unix 2>/dev/null; done |
		awk 'substr($8, 1, 1) == "@" {print $7, $8}' | sort -u)
	bad=$(echo "$abstract" | awk -v list=" $(echo $inodes) " 'index(list, " " $1 " ")')
	[ -z "$bad" ] || fail "abstract sockets of our processes: $bad"
	bad=$(echo "$abstract" | grep -i -e mydocker -e "$ESC_RUN_ID" -e esc-held)
	[ -z "$bad" ] || fail "abstract sockets named after us: $bad"
	esc_stop_two
}

# The state of both kinds of container is in 0700 directories that another
# uid cannot enter: --root (made by the runtime in a directory anybody may
# enter), its container directory, and /run/mydocker's.
t_escape_state_dirs_private() {
	oci_setup
	trap 'esc_stop_two; oci_cleanup' EXIT
	local d
	command -v setpriv >/dev/null || skip "needs setpriv"
	chmod 755 "$OCI_TMP"
	mkdir -m 755 "$OCI_TMP/state"
	OCI_ROOT=$OCI_TMP/state/root
	esc_start_two
	for d in "$OCI_ROOT" "$OCI_ROOT/esc-held" /run/mydocker /run/mydocker/containers \
		"/run/mydocker/containers/$ESC_RUN_ID" /run/mydocker/seccomp-cache; do
		[ -e "$d" ] || continue
		assert_eq "$(stat -c '%a %U' "$d")" "700 root" "mode and owner of $d"
	done
	for d in "$OCI_ROOT" /run/mydocker; do
		! setpriv --reuid=65534 --regid=65534 --clear-groups -- ls "$d" >/dev/null 2>&1 ||
			fail "uid 65534 can list $d"
	done
	! setpriv --reuid=65534 --regid=65534 --clear-groups -- cat "$OCI_ROOT/esc-held/state.json" \
		>/dev/null 2>&1 || fail "uid 65534 can read the state"
	esc_stop_two
}

# ---- the runtime's process exposed to the container (CVE-2016-9962) ----

# The attack from inside on the runtime's process $1: its environment
# (which holds the secret $2), memory, fds and exe/cwd/root links. Prints
# BAD lines.
esc_ptrace_attack() { # file
	cat >"$1" <<-'EOF'
	p=$1
	grep -q "$2" /proc/$p/environ 2>/dev/null && echo "BAD the secret from /proc/$p/environ"
	cat /proc/$p/environ >/dev/null 2>&1 && echo "BAD opened /proc/$p/environ"
	cat /proc/$p/maps >/dev/null 2>&1 && echo "BAD read /proc/$p/maps"
	(exec 3</proc/$p/mem) 2>/dev/null && echo "BAD opened /proc/$p/mem"
	for l in exe cwd root; do
		readlink /proc/$p/$l >/dev/null 2>&1 && echo "BAD /proc/$p/$l: $(readlink /proc/$p/$l)"
	done
	for f in /proc/$p/fd/*; do
		readlink "$f" >/dev/null 2>&1 && echo "BAD $f: $(readlink "$f")"
		[ -e "$f" ] && echo "BAD stat through $f"
	done
	echo attack-done
	EOF
}

ESC_PTRACE_CAPS='c["process"]["capabilities"] = {k: ["CAP_CHOWN", "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
  "CAP_SYS_CHROOT"] for k in ("bounding", "effective", "permitted")}'

# The init made by create holds the runtime's environment and host fds (the
# exec fifo's) until start; a process exec'd into the container, with the
# same capabilities, must not reach them: the init is non-dumpable.
t_escape_ptrace_created_init() {
	oci_setup
	local b pid
	export ESC_SECRET=esc-secret-$RANDOM$RANDOM
	b=$(bundle esc-ptrace "$ESC_PTRACE_CAPS"'
c["process"]["args"] = ["/bin/sleep", "30"]')
	esc_ptrace_attack "$b/rootfs/attack.sh"
	rt_detached create --bundle "$b" --pid-file "$OCI_TMP/pid" esc-ptrace
	assert_eq "$rc" 0 "create: $err"
	pid=$(cat "$OCI_TMP/pid")
	grep -q "$ESC_SECRET" /proc/$pid/environ || fail "the init does not hold the runtime's environment"
	rt exec esc-ptrace /bin/sh /attack.sh 1 "$ESC_SECRET" </dev/null
	assert_eq "$rc" 0 "exec: $err"
	assert_contains "$out" attack-done
	assert_not_contains "$out" BAD
	assert_eq "$(rt_status esc-ptrace)" created "after the attack"
	rt delete --force esc-ptrace
}

# The same during `exec`: the container watches for the runtime's process
# (its cmdline is ours until it execs the program) while we exec 30 times
# with the secret in our environment, and attacks each one it sees: the
# secret must not show, nor any fd but the program's /dev/null.
t_escape_ptrace_exec_runtime_side() {
	oci_setup
	local b i
	export ESC_SECRET=esc-secret-$RANDOM$RANDOM
	b=$(bundle esc-ptexec "$ESC_PTRACE_CAPS"'
c["root"]["readonly"] = False
c["process"]["args"] = ["/bin/sh", "/watch.sh", __import__("os").environ["ESC_SECRET"]]')
	cat >"$b/rootfs/watch.sh" <<-'EOF'
	: >/seen
	: >/hits
	while :; do
		for d in /proc/[0-9]*; do
			p=${d#/proc/}
			[ $p = 1 ] || [ $p = $$ ] && continue
			c=
			read -r c <$d/cmdline 2>/dev/null # no newline: false, c set
			case $c in *mydocker*) ;; *) continue ;; esac
			echo $p >>/seen
			grep -q "$1" $d/environ 2>/dev/null && echo "BAD the secret from $d/environ" >>/hits
			for f in $d/fd/*; do
				l=$(readlink $f 2>/dev/null) || continue
				[ "$l" = /dev/null ] || echo "BAD $f: $l" >>/hits
			done
		done
	done
	EOF
	rt_detached run -d --bundle "$b" esc-ptexec
	assert_eq "$rc" 0 "run -d: $err"
	wait_for 50 test -e "$b/rootfs/hits" || fail "the watcher did not start"
	# A large environment for the program keeps execve busy copying it
	# while the process is still the runtime's, its capabilities dropped.
	python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))["process"]
p["args"] = ["/bin/true"]
p["env"] += ["PAD%d=%s" % (i, "x" * 4000) for i in range(250)]
json.dump(p, open(sys.argv[2], "w"))' "$b/config.json" "$OCI_TMP/process.json"
	for i in $(seq 30); do
		timeout -k 2 20 "$MYDOCKER_RUNTIME" --root "$OCI_ROOT" exec --process "$OCI_TMP/process.json" \
			esc-ptexec </dev/null >/dev/null 2>&1 || fail "exec $i failed"
	done
	i=$(sort -u "$b/rootfs/seen" | wc -l)
	echo "the watcher saw the runtime's process $i times"
	[ "$i" -gt 0 ] || fail "the watcher never saw the runtime's process: no attack was made"
	[ ! -s "$b/rootfs/hits" ] || fail "$(sort -u "$b/rootfs/hits")"
	rt delete --force esc-ptexec
}
