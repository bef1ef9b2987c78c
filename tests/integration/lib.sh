# SPDX-License-Identifier: Apache-2.0
# Helpers for integration tests. Each test is a function t_NAME in a
# tests/integration/test_*.sh file; it fails by returning non-zero or
# calling fail; `skip REASON` exits 77. Every test runs in its own bash.
set -u
set -o pipefail

# The run's prefix (tests/run sets one per run; docs/testing.md): every
# cgroup, container id and temporary directory a test makes carries it, so
# that the run's leftover check finds them and nothing of another run.
# TCG: the prefix of the tests' cgroups (an OCI bundle NAME gets $TCG-NAME).
: "${MD_TEST_RUN:=mdt$$x00000}"
export MD_TEST_RUN
TCG=/mydocker/$MD_TEST_RUN

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

assert_eq() { # actual expected [what]
	[ "$1" == "$2" ] || fail "${3:-value}: got '$1', want '$2'"
}

assert_contains() { # haystack needle [what]
	[[ "$1" == *"$2"* ]] || fail "${3:-output}: '$1' does not contain '$2'"
}

assert_not_contains() {
	[[ "$1" != *"$2"* ]] || fail "${3:-output}: '$1' contains '$2'"
}

# md ARGS...: run mydocker with a timeout; sets $out, $err, $rc.
md() {
	local ef
	ef=$(mktemp)
	out=$(timeout -k 2 30 "$MYDOCKER" "$@" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
	rm -f "$ef"
	return 0
}

# The host's view that no container may change. Mounts below another run's
# directories (another prefix, or the unprefixed ones of older suites), and
# podman's named network namespaces (/run/netns, shared by every run's
# podman; clients_net_restore puts back ours), are not this test's.
host_snapshot() {
	{
		awk -v r="$MD_TEST_RUN" '
			$5 ~ /mdt[0-9]+x[0-9][0-9][0-9][0-9][0-9]/ && !index($5, r) { next }
			$5 ~ /^\/tmp\/(mydocker-clients|md-oci)\.[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9](\/|$)/ { next }
			$5 ~ /^\/run\/netns(\/|$)/ { next }
			{ print $4, $5, $9, $10 }' /proc/self/mountinfo | sort
		readlink /proc/self/exe
		hostname
	}
}

lib_begin() {
	cd "$TOP" || exit 1
	LIB_SNAPSHOT=$(host_snapshot)
}

lib_end() {
	local now
	now=$(host_snapshot)
	[ "$now" == "$LIB_SNAPSHOT" ] || fail "host mounts or hostname changed: $(diff <(echo "$LIB_SNAPSHOT") <(echo "$now"))"
}

# A cgroup file of the single container now running (v1 or v2 layout).
cg_file() { # controller file
	local f
	for f in /sys/fs/cgroup/"$1"/mydocker/*/"$2" /sys/fs/cgroup/mydocker/*/"$2"; do
		[ -e "$f" ] && { cat "$f"; return 0; }
	done
	return 1
}

# Whether CONTROLLER is a v1 hierarchy here (v1 or hybrid layout).
cg_v1() { # controller
	[ ! -e /sys/fs/cgroup/cgroup.controllers ] && [ -e "/sys/fs/cgroup/$1/cgroup.procs" ]
}

# The directory of cgroup REL (relative to the hierarchies' roots, e.g.
# mydocker/ID) that holds CONTROLLER, in any layout: its v1 hierarchy, the
# cgroup2 root (v2), or /sys/fs/cgroup/unified (hybrid, v2 controller).
cg_dir_of() { # controller rel
	if cg_v1 "$1"; then
		echo "/sys/fs/cgroup/$1/$2"
	elif [ -e /sys/fs/cgroup/cgroup.controllers ]; then
		echo "/sys/fs/cgroup/$2"
	else
		echo "/sys/fs/cgroup/unified/$2"
	fi
}

# Wait until a command succeeds (bounded).
wait_for() { # tries command...
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# store_begin NAME: a directory of the test's own, $SD
# (/tmp/md-NAME.$MD_TEST_RUN.XXXXXX), with a store $R in it for mydocker's
# --root, and the trap that undoes both (store_end).
store_begin() {
	SD=$(mktemp -d "/tmp/md-$1.$MD_TEST_RUN.XXXXXX")
	R=$SD/root
	trap store_end EXIT
}

# store_end: the store's containers removed (killed first), every mount
# below $SD undone, $SD removed.
store_end() {
	local id m
	[ -n "${SD:-}" ] && [ -d "$SD" ] || return 0
	for id in $(ls "$R/containers" 2>/dev/null); do
		timeout 20 "$MYDOCKER" --root "$R" rm -f "$id" >/dev/null 2>&1
	done
	for m in $(awk -v d="$SD/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$SD"
}

# mdr ARGS...: md with the store of store_begin.
mdr() {
	md --root "$R" "$@"
}

# mdr_ok ARGS...: mdr, which must work.
mdr_ok() {
	mdr "$@"
	[ "$rc" = 0 ] || fail "mydocker $*: rc $rc: $err"
}

# store_busybox NAME [TAG]: store_begin NAME, with the busybox test image
# (tests/images/make-busybox-image) loaded in the store and tagged TAG
# (default "bb").
store_busybox() {
	local archive
	store_begin "$1"
	archive=$(tests/images/make-busybox-image) || fail "make-busybox-image"
	mdr load -i "$archive"
	[ "$rc" = 0 ] || fail "load: $err"
	mdr tag localhost/mdtest/busybox:latest "${2:-bb}"
	[ "$rc" = 0 ] || fail "tag: $err"
}
