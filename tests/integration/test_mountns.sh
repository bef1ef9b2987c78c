# SPDX-License-Identifier: Apache-2.0
# Configs without a mount namespace of their own, and rootfsPropagation.
# Every container here is run from inside a mount namespace that the test
# makes first (unshare -m): a runtime that pivots or re-flags its caller's
# mounts then breaks only that namespace, never the machine; and the test
# compares that namespace's mount table before and after.
source tests/integration/oci-lib.sh

# What a config without a mount namespace may not ask: every mount.
NO_MOUNTS='c["mounts"] = []
c["linux"].pop("maskedPaths", None)
c["linux"].pop("readonlyPaths", None)
c["root"]["readonly"] = False
'

# The steps run inside the test's own mount namespace: create, start, wait,
# delete, each under a timeout; then the mount table is compared. Prints
# the container's output, or a line saying which step failed.
mntns_script() {
	cat >"$OCI_TMP/inside.sh" <<'EOF'
set -u
rt() { timeout -k 2 20 "$MYDOCKER_RUNTIME" --root "$OCI_ROOT" "$@"; }
id=$1 bundle=$2
before=$(cat /proc/self/mountinfo)
rt create --bundle "$bundle" "$id" </dev/null >"$OCI_TMP/$id.out" 2>"$OCI_TMP/$id.err" ||
	{ echo "create failed: $(cat "$OCI_TMP/$id.err")"; exit 1; }
rt start "$id" 2>&1 || { echo "start failed"; exit 1; }
for _ in $(seq 100); do
	rt state "$id" 2>/dev/null | grep -q '"stopped"' && break
	sleep 0.1
done
rt delete "$id" 2>&1 || { echo "delete failed"; exit 1; }
after=$(cat /proc/self/mountinfo)
[ "$before" == "$after" ] ||
	{ echo "mount table changed:"; diff <(echo "$before") <(echo "$after"); exit 1; }
cat "$OCI_TMP/$id.out"
EOF
}

# inside ID BUNDLE: the steps above in a new mount namespace; sets out, rc.
inside() {
	[ -f "$OCI_TMP/inside.sh" ] || mntns_script
	out=$(MYDOCKER_RUNTIME=$MYDOCKER_RUNTIME OCI_ROOT=$OCI_ROOT OCI_TMP=$OCI_TMP \
		timeout -k 2 60 unshare -m --propagation private bash "$OCI_TMP/inside.sh" "$1" "$2" 2>&1)
	rc=$?
}

# Nothing of the container is left: no state, no cgroup.
assert_gone() { # id
	[ ! -e "$OCI_ROOT/$1" ] || fail "state of $1 left behind"
	local d
	for d in /sys/fs/cgroup/*$TCG-"$1" /sys/fs/cgroup$TCG-"$1"; do
		[ ! -e "$d" ] || fail "cgroup $d left behind"
	done
}

# run_with_namespaces ID TYPES... ("" for none): a busybox bundle with just
# those namespaces; without "mount", none of the mounts either.
run_with_namespaces() {
	local id=$1 code b
	shift
	code="c['linux']['namespaces'] = [{'type': t} for t in '$*'.split()]
c['process']['args'] = ['/bin/sh', '-c', 'echo hello from \$(pwd); ls /bin/busybox']
"
	[[ " $* " == *" mount "* ]] || code+=$NO_MOUNTS
	[[ " $* " == *" uts "* ]] || code+='c.pop("hostname", None)
'
	if [[ " $* " == *" user "* ]]; then
		# Identity maps: the mapped root reaches the bundle as root does.
		code+='c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
'
	fi
	b=$(bundle "$id" "$code")
	inside "$id" "$b"
	[ "$rc" = 0 ] || fail "namespaces '$*': exit $rc: $out"
	assert_eq "$out" $'hello from /\n/bin/busybox' "namespaces '$*'"
	assert_gone "$id"
}

t_mountns_none_at_all() {
	oci_setup
	run_with_namespaces nons
}

t_mountns_each_namespace_alone() {
	oci_setup
	local t
	for t in pid network ipc uts mount cgroup user; do
		run_with_namespaces "only-$t" "$t"
	done
	if [ -e /proc/self/ns/time ]; then
		run_with_namespaces only-time time
	fi
}

t_mountns_all_but_mount() {
	oci_setup
	run_with_namespaces allbutmnt pid network ipc uts cgroup
}

# The container is chrooted into its rootfs: the host's files are not
# there, and its /proc is the image's empty directory.
t_mountns_none_sees_only_rootfs() {
	oci_setup
	local b
	b=$(bundle chrooted "c['linux']['namespaces'] = [{'type': 'pid'}]
c.pop('hostname', None)
$NO_MOUNTS
c['process']['args'] = ['/bin/sh', '-c', 'ls /; ls -A /proc | wc -l; cat /etc/os-release 2>&1']")
	inside chrooted "$b"
	[ "$rc" = 0 ] || fail "exit $rc: $out"
	assert_contains "$out" "bin"$'\n'"dev"
	assert_contains "$out" $'\n0\n'
	assert_contains "$out" "No such file"
	assert_gone chrooted
}

# Each part of a config that needs a mount is refused, with the field
# named, and nothing is left behind or mounted.
t_mountns_none_refuses_mounts() {
	oci_setup
	local b field code n=0
	while IFS='|' read -r field code; do
		n=$((n + 1))
		b=$(bundle "refuse$n" "c['linux']['namespaces'] = [{'type': 'pid'}]
c.pop('hostname', None)
$NO_MOUNTS
$code")
		inside "refuse$n" "$b"
		[ "$rc" != 0 ] || fail "$field without a mount namespace was not refused"
		assert_contains "$out" "create failed"
		assert_contains "$out" "$field: needs a mount namespace"
		assert_not_contains "$out" "mount table changed"
		assert_gone "refuse$n"
	done <<-'EOF'
	mounts|c['mounts'] = [{'destination': '/proc', 'type': 'proc', 'source': 'proc'}]
	linux.maskedPaths|c['linux']['maskedPaths'] = ['/proc/kcore']
	linux.readonlyPaths|c['linux']['readonlyPaths'] = ['/proc/sys']
	root.readonly|c['root']['readonly'] = True
	linux.rootfsPropagation|c['linux']['rootfsPropagation'] = 'rshared'
	linux.devices|c['linux']['devices'] = [{'path': '/dev/mynull', 'type': 'c', 'major': 1, 'minor': 3}]
	EOF
}

other_mntns() { # pid
	[ "$(readlink "/proc/$1/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
}

# A mount namespace joined by path is the container's to set up: it gets
# its mounts and pivot_root there, and the test's own stays as it was.
t_mountns_joined_by_path() {
	oci_setup
	local b pid
	# Global: the EXIT trap runs after the function's locals are gone.
	unshare -m --propagation private sleep 30 &
	MNT_HOLDER=$!
	trap 'kill $MNT_HOLDER 2>/dev/null; wait $MNT_HOLDER 2>/dev/null; oci_cleanup' EXIT
	wait_for 50 other_mntns "$MNT_HOLDER" || fail "no mount namespace to join"
	pid=$MNT_HOLDER
	b=$(bundle joined "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'mount'] + [{'type': 'mount', 'path': '/proc/$pid/ns/mnt'}]
c['process']['args'] = ['/bin/sh', '-c', 'echo hello; [ -e /proc/self/status ] && echo proc']")
	inside joined "$b"
	[ "$rc" = 0 ] || fail "exit $rc: $out"
	assert_eq "$out" $'hello\nproc'
	assert_gone joined
}

# ---- rootfsPropagation ----

# In the test's namespace, made shared (after --propagation private, so
# that its peer groups are its own, not the host's): then the container's
# root can be a slave of it.
prop_inside() { # id bundle
	[ -f "$OCI_TMP/inside.sh" ] || mntns_script
	out=$(MYDOCKER_RUNTIME=$MYDOCKER_RUNTIME OCI_ROOT=$OCI_ROOT OCI_TMP=$OCI_TMP \
		timeout -k 2 60 unshare -m --propagation private \
		bash -c 'mount --make-rshared / && exec bash "$@"' - "$OCI_TMP/inside.sh" "$1" "$2" 2>&1)
	rc=$?
}

# The optional fields of the container's "/" for rootfsPropagation VALUE.
root_fields() { # value
	local b
	b=$(bundle "prop-$1" "c['linux']['rootfsPropagation'] = '$1'
c['process']['args'] = ['/bin/sh', '-c', 'while read -r a b c d e f g; do [ \"\$e\" = / ] && echo \"\$g\"; done </proc/self/mountinfo']")
	prop_inside "prop-$1" "$b"
	[ "$rc" = 0 ] || fail "rootfsPropagation $1: exit $rc: $out"
	assert_gone "prop-$1"
}

t_mountns_propagation_shared() {
	oci_setup
	local v
	for v in shared rshared; do
		root_fields "$v"
		assert_contains "$out" "shared:" "$v"
	done
}

t_mountns_propagation_slave() {
	oci_setup
	local v
	for v in slave rslave; do
		root_fields "$v"
		assert_contains "$out" "master:" "$v"
		assert_not_contains "$out" "shared:" "$v"
	done
}

t_mountns_propagation_private() {
	oci_setup
	local v
	for v in private rprivate; do
		root_fields "$v"
		assert_not_contains "$out" "shared:" "$v"
		assert_not_contains "$out" "master:" "$v"
		assert_not_contains "$out" "unbindable" "$v"
	done
}

# runc's validator does not refuse it; masked and read-only paths (binds
# of /dev/null and of the paths themselves) must still be made.
t_mountns_propagation_unbindable() {
	oci_setup
	local v
	for v in unbindable runbindable; do
		root_fields "$v"
		assert_contains "$out" "unbindable" "$v"
	done
}

# shared: a mount made on the host side under the rootfs shows up inside,
# and the container's own mounts stay in its own peer group.
t_mountns_propagation_shared_receives_host_mounts() {
	oci_setup
	local b
	mkdir -p "$OCI_TMP/vol"
	echo from-host >"$OCI_TMP/vol/file"
	b=$(bundle propin "c['linux']['rootfsPropagation'] = 'shared'
c['root']['readonly'] = False
c['process']['args'] = ['/bin/sh', '-c', 'for i in \$(seq 100); do [ -e /mnt/file ] && break; sleep 0.1; done; cat /mnt/file']")
	mkdir "$b/rootfs/mnt"
	cat >"$OCI_TMP/propin.sh" <<'EOF'
set -u
mount --make-rshared / || exit 1
bash "$OCI_TMP/inside.sh" propin "$1" &
for _ in $(seq 100); do
	[ -n "$(timeout 5 "$MYDOCKER_RUNTIME" --root "$OCI_ROOT" state propin 2>/dev/null |
		grep '"running"')" ] && break
	sleep 0.1
done
mount --bind "$OCI_TMP/vol" "$1/rootfs/mnt"
wait $!
rc=$?
umount "$1/rootfs/mnt"
exit $rc
EOF
	mntns_script
	out=$(MYDOCKER_RUNTIME=$MYDOCKER_RUNTIME OCI_ROOT=$OCI_ROOT OCI_TMP=$OCI_TMP \
		timeout -k 2 60 unshare -m --propagation private bash "$OCI_TMP/propin.sh" "$b" 2>&1)
	rc=$?
	# inside.sh compares the mount table across the run: the bind made
	# meanwhile shows as a change, which is ours; its output is kept aside.
	assert_contains "$out" "> " "the bind made meanwhile"
	assert_eq "$(cat "$OCI_TMP/propin.out")" from-host "the host's mount inside the container"
	assert_gone propin
}

# exec into a container without a mount namespace lands in its (chrooted)
# root, not the host's.
t_mountns_none_exec_is_inside() {
	oci_setup
	local b
	b=$(bundle chexec "c['linux']['namespaces'] = [{'type': 'pid'}]
c.pop('hostname', None)
$NO_MOUNTS
c['process']['args'] = ['/bin/sleep', '30']")
	out=$(MYDOCKER_RUNTIME=$MYDOCKER_RUNTIME OCI_ROOT=$OCI_ROOT b=$b \
		timeout -k 2 60 unshare -m --propagation private bash -c '
rt() { timeout -k 2 20 "$MYDOCKER_RUNTIME" --root "$OCI_ROOT" "$@"; }
rt run -d --bundle "$b" chexec </dev/null >/dev/null 2>&1 || { echo "run -d failed"; exit 1; }
rt exec chexec /bin/sh -c "ls /; pwd"
rt delete --force chexec' 2>&1)
	rc=$?
	[ "$rc" = 0 ] || fail "exit $rc: $out"
	assert_contains "$out" "bin"$'\n'"dev"
	assert_not_contains "$out" "work"
	assert_not_contains "$out" "usr"
	assert_gone chexec
}
