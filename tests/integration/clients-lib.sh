# SPDX-License-Identifier: Apache-2.0
# Helpers for tests that let real clients (containerd + ctr, podman + conmon)
# drive an OCI runtime through the runc command line. Sourced by
# test_containerd.sh and test_podman.sh, after lib.sh.
#
# The runtime under test is $OCI_RUNTIME: by default the build's
# mydocker-runtime ($MYDOCKER_RUNTIME); tests skip while it does not exist.
# OCI_RUNTIME=$(command -v runc) checks the rig itself against runc.
#
# Each test gets a private 0700 directory ($CLIENTS_TMP) that holds the
# clients' config, storage, state and sockets. Everything a test makes is
# removed by clients_cleanup, which runs before lib_end's host check on
# success and from the EXIT trap on failure or timeout: client containers,
# daemons, shims, conmon, mounts, the cgroups that appeared under /mydocker,
# podman's bridge, firewall tables and ip_forward, and the few host paths
# the clients insist on creating (listed in clients_setup).
# No client ever contacts a registry: images come from an OCI archive that
# tests/images/make-busybox-image builds locally.
#
# Storage (both default to what production uses; the cgroup-v2 VM, whose
# root is an overlay over 9p, sets vfs and native; docs/testing-vm.md):
#   MD_PODMAN_STORAGE=vfs           podman's storage driver (default overlay,
#                                   vfs when overlay fails)
#   MD_CONTAINERD_SNAPSHOTTER=native  ctr's snapshotter (default containerd's,
#                                   overlayfs)
#   MD_PODMAN_CGROUPS=cgroupfs|systemd  podman's cgroup manager (default: systemd
#                                   on a cgroup v2 host run by systemd, as
#                                   podman's own default; cgroupfs elsewhere)

CLIENTS_IMAGE=localhost/mdtest/busybox:latest
CLIENTS_CMD_TIMEOUT=${CLIENTS_CMD_TIMEOUT:-20} # seconds for one client command
# Extra options for `podman run` (none: podman's own seccomp profile and
# capabilities go through the runtime as they would in production).
PODMAN_EXTRA=${PODMAN_EXTRA-}
# Root here cannot raise RLIMIT_NOFILE above 20000, and podman asks for
# 1048576 by default; the cgroups of every container go under
# /mydocker/<run prefix>-podman (cgroupfs), where the run's leftover check
# looks (conmon's in its conmon).
PODMAN_RUN_OPTS=(--cgroup-parent "/mydocker/$MD_TEST_RUN-podman"
	--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)

CLIENTS_TMP=""
CLIENTS_CLEANING=0
CLIENTS_HURRY=0
CTRD_PID=""
PODMAN_ON=0
declare -A CLIENTS_EXISTED=()
CLIENTS_TRACKED=()

clients_log() { echo "clients: $*" >&2; }

# OCI_RUNTIME, as an absolute path; skips the test when there is none.
clients_runtime() {
	local rt=${OCI_RUNTIME:-}
	if [ -z "$rt" ]; then
		rt=${MYDOCKER_RUNTIME:-${TOP:-.}/build/mydocker-runtime}
		[ -x "$rt" ] || skip "needs build/mydocker-runtime (or OCI_RUNTIME=\$(command -v runc) to check the rig)"
	fi
	[[ "$rt" == */* ]] || rt=$(type -P "$rt") || fail "OCI_RUNTIME=${OCI_RUNTIME:-} not found"
	[ -x "$rt" ] || fail "OCI_RUNTIME=$rt is not executable"
	OCI_RUNTIME=$(readlink -f "$rt")
}

clients_require() { # command... (skips when one is missing)
	local c
	[ "$(id -u)" = 0 ] || skip "needs root"
	for c in "$@"; do
		type -P "$c" >/dev/null || skip "needs $c (scripts/install-deps)"
	done
}

# The mount points of the cgroup hierarchies (v1 controllers, v2).
clients_cg_roots() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i+1) == "cgroup" || $(i+1) == "cgroup2") print $5; break } }' /proc/self/mountinfo
}

# Cgroup directories under the tops the clients may use.
clients_cg_list() {
	local r t
	for r in $(clients_cg_roots); do
		for t in "${CLIENTS_CG_TOPS[@]}"; do
			[ -d "$r/$t" ] && find "$r/$t" -type d 2>/dev/null
		done
	done
}

# Remember whether a host path exists now; clients_cleanup removes it if it
# did not (mode rm: the whole tree; rmdir: only if empty).
clients_track() { # rm|rmdir path...
	local mode=$1 p
	shift
	for p in "$@"; do
		[ -n "${CLIENTS_EXISTED[$p]:-}" ] && continue
		if [ -e "$p" ]; then CLIENTS_EXISTED[$p]=1; else CLIENTS_EXISTED[$p]=0; fi
		CLIENTS_TRACKED+=("$mode:$p")
	done
}

# Common setup: private dir, traps, snapshots of what cleanup must restore,
# the test image. Called by containerd_start and podman_start.
clients_setup() {
	[ -n "$CLIENTS_TMP" ] && return 0
	clients_runtime
	clients_require umoci python3
	CLIENTS_TMP=$(mktemp -d "/tmp/mdc.$MD_TEST_RUN.XXXXXX") || fail "mktemp"
	chmod 0700 "$CLIENTS_TMP"
	trap 'clients_cleanup' EXIT
	# On the harness's timeout (SIGTERM to the whole process group), clean
	# up in a hurry: no graceful client calls, SIGKILL comes 5 s later.
	trap 'CLIENTS_HURRY=1; exit 143' TERM
	trap 'CLIENTS_HURRY=1; exit 130' INT
	CLIENTS_CG_TOPS=(mydocker)
	CLIENTS_CG_MINE=()
	CLIENTS_CG_SHARED=()
	CLIENTS_CG_BEFORE=$(clients_cg_list)
	CLIENTS_CG_MYDOCKER_BEFORE=$(for r in $(clients_cg_roots); do [ -d "$r/mydocker" ] && echo "$r"; done)
	# The runtime's default state dir: podman (conmon) does not pass --root.
	clients_track rmdir /run/runc /run/mydocker-runtime
	CLIENTS_IMAGE_TAR=$(timeout 60 "$TOP/tests/images/make-busybox-image") ||
		fail "could not build the test image"
}

# A client call during cleanup: skipped in a hurry, short, and a time-out
# (a hung runtime) makes the rest of the cleanup hurry. Stdout passes.
clients_graceful() { # command...
	[ "$CLIENTS_HURRY" = 0 ] || return 1
	CLIENTS_CMD_TIMEOUT=${CLIENTS_GRACE:-5} "$@" 2>/dev/null
	local rc=$?
	[ $rc = 124 ] || [ $rc = 137 ] && CLIENTS_HURRY=1
	return $rc
}

clients_pids_mentioning() { # string: pids whose argv contains it
	local f p
	for f in $(grep -laF -- "$1" /proc/[0-9]*/cmdline 2>/dev/null); do
		p=${f#/proc/}
		p=${p%/cmdline}
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] || echo "$p"
	done
}

clients_kill_mentioning() { # string
	local pids
	pids=$(clients_pids_mentioning "$1")
	[ -z "$pids" ] && return 0
	clients_log "killing leftover processes: $(echo $pids)"
	kill -9 $pids 2>/dev/null
	return 0
}

# Mount points at or under a path, deepest first.
clients_mounts_under() { # path
	awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r -u
}

clients_umount_under() { # path
	local m n
	for n in 1 2 3; do
		m=$(clients_mounts_under "$1")
		[ -z "$m" ] && return 0
		for m in $m; do
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
		done
	done
	[ -z "$(clients_mounts_under "$1")" ] || clients_log "still mounted under $1"
}

clients_cg_exists() { # path below the hierarchies' roots
	local r
	for r in $(clients_cg_roots); do
		[ -d "$r/$1" ] && return 0
	done
	return 1
}

# The cgroups that are this test's: those that appeared since clients_setup
# and match CLIENTS_CG_MINE (extended regexps, relative to a hierarchy's root;
# containerd_start and podman_stop add to it). Other tests' cgroups under
# /mydocker are never touched, even when they appear meanwhile. Deepest first.
clients_cg_mine() {
	[ ${#CLIENTS_CG_MINE[@]} -gt 0 ] || return 0
	local re d r
	re="^($(IFS='|'; echo "${CLIENTS_CG_MINE[*]}"))(/.*)?$"
	comm -13 <(echo "$CLIENTS_CG_BEFORE" | sort) <(clients_cg_list | sort) |
		while read -r d; do
			for r in $(clients_cg_roots); do
				[[ "$d" == "$r"/* ]] && [[ "${d#"$r"/}" =~ $re ]] && echo "$d"
			done
		done | awk '{ print length($0), $0 }' | sort -rn | cut -d' ' -f2-
}

# Kill what is left in this test's cgroups, then remove them. Cgroups the
# clients share (podman's /mydocker/conmon) are only removed when empty.
clients_cg_cleanup() {
	local mine d p n left rel
	mine=$(clients_cg_mine)
	for d in $mine; do
		[ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
		[ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	done
	for n in $(seq 30); do
		left=""
		for d in $mine; do
			[ -d "$d" ] && ! rmdir "$d" 2>/dev/null && left+="$d "
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -n "$left" ] && clients_log "cannot remove cgroups: $left"
	for d in $(clients_cg_roots); do
		for rel in "${CLIENTS_CG_SHARED[@]}"; do
			[ -d "$d/$rel" ] || continue
			echo "$CLIENTS_CG_BEFORE" | grep -qxF "$d/$rel" || rmdir "$d/$rel" 2>/dev/null
		done
		# /mydocker itself, where this test made it.
		[ -d "$d/mydocker" ] || continue
		echo "$CLIENTS_CG_MYDOCKER_BEFORE" | grep -qxF "$d" || rmdir "$d/mydocker" 2>/dev/null
	done
	return 0
}

clients_paths_cleanup() {
	local i e mode p
	for ((i = ${#CLIENTS_TRACKED[@]} - 1; i >= 0; i--)); do
		e=${CLIENTS_TRACKED[$i]}
		mode=${e%%:*}
		p=${e#*:}
		[ "${CLIENTS_EXISTED[$p]}" = 0 ] && [ -e "$p" ] || continue
		if [ "$mode" = rm ]; then
			rm -rf "$p"
		else
			rmdir "$p" 2>/dev/null
		fi
	done
}

# Undo everything the test made; safe to call more than once.
clients_cleanup() {
	local rc=$?
	[ -n "$CLIENTS_TMP" ] || return $rc
	[ "$CLIENTS_CLEANING" = 1 ] && return $rc
	CLIENTS_CLEANING=1
	# A SIGTERM now (the harness's timeout) only makes the rest hurry.
	trap 'CLIENTS_HURRY=1' TERM INT
	[ "$PODMAN_ON" = 1 ] && podman_stop
	[ -n "$CTRD_PID" ] && containerd_stop
	clients_kill_mentioning "$CLIENTS_TMP"
	clients_cg_cleanup
	clients_umount_under "$CLIENTS_TMP"
	clients_net_restore
	clients_paths_cleanup
	rm -rf "$CLIENTS_TMP"
	CLIENTS_TMP=""
	CLIENTS_CLEANING=0
	return $rc
}

# lib_end checks the host's mounts: clean up first.
if declare -F lib_end >/dev/null && ! declare -F clients_lib_end_orig >/dev/null; then
	eval "clients_lib_end_orig() $(declare -f lib_end | tail -n +2)"
	lib_end() {
		clients_cleanup
		clients_lib_end_orig
	}
fi

### containerd ##############################################################

# A private containerd: own config, root, state, sockets; no CRI plugin.
containerd_start() {
	clients_require containerd ctr containerd-shim-runc-v2
	clients_setup
	local d=$CLIENTS_TMP/containerd n
	mkdir -p "$d/root" "$d/state" "$d/fifo" "$d/runc"
	CTRD_DIR=$d
	CTRD_SOCK=$d/containerd.sock
	CTRD_NS=mdtest-$$
	CTRD_CG=mydocker/$MD_TEST_RUN-ctrd-$$- # + container id: the cgroup of each task
	CTRD_IDS=()
	CTR_BIN=$(type -P ctr)
	# ctr's --snapshotter for every command (run, images import, snapshots).
	[ -n "${MD_CONTAINERD_SNAPSHOTTER:-}" ] && export CONTAINERD_SNAPSHOTTER=$MD_CONTAINERD_SNAPSHOTTER
	CTR=("$CTR_BIN" --address "$CTRD_SOCK" --namespace "$CTRD_NS")
	# Without --cgroup, tasks would go to /<namespace>/<id>.
	CLIENTS_CG_TOPS+=("$CTRD_NS")
	CLIENTS_CG_BEFORE=$(clients_cg_list)
	CLIENTS_CG_MINE+=("${CTRD_CG}[^/]+" "$CTRD_NS")
	# The shim's socket is always /run/containerd/s/<sha256>; ctr without
	# --fifo-dir uses /run/containerd/fifo.
	clients_track rm /run/containerd
	cat >"$d/config.toml" <<-EOF
		version = 2
		root = "$d/root"
		state = "$d/state"
		disabled_plugins = [
		  "io.containerd.grpc.v1.cri",
		  "io.containerd.internal.v1.opt",
		  "io.containerd.snapshotter.v1.aufs",
		  "io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.zfs",
		  "io.containerd.tracing.processor.v1.otlp",
		  "io.containerd.internal.v1.tracing",
		]
		[grpc]
		  address = "$CTRD_SOCK"
		[ttrpc]
		  address = "$CTRD_SOCK.ttrpc"
		[debug]
		  address = ""
		  level = "info"
		[metrics]
		  address = ""
		[cgroup]
		  path = ""
	EOF
	containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 </dev/null &
	CTRD_PID=$!
	for n in $(seq 100); do
		[ -S "$CTRD_SOCK" ] && timeout 5 "${CTR[@]}" version >/dev/null 2>&1 && return 0
		kill -0 "$CTRD_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$d/containerd.log" >&2
	fail "containerd did not come up"
}

# ctr on the private containerd (bounded in time). $CTR is the same as argv.
ctr() {
	timeout --foreground -k 2 "$CLIENTS_CMD_TIMEOUT" "${CTR[@]}" "$@"
}

# The `ctr run` flags that select the runtime and keep everything private:
# sets CTR_RUN_OPTS for container ID.
ctr_run_opts() { # id
	CTRD_IDS+=("$1")
	CTR_RUN_OPTS=(--runc-binary "$OCI_RUNTIME" --runc-root "$CTRD_DIR/runc"
		--fifo-dir "$CTRD_DIR/fifo" --cgroup "/$CTRD_CG$1")
}

# ctr_run ID [ctr run flags...] [-- CMD...]: ctr run ... $CLIENTS_IMAGE ID CMD
ctr_run() {
	local id=$1 flags=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		flags+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	ctr_run_opts "$id"
	ctr run "${CTR_RUN_OPTS[@]}" "${flags[@]}" "$CLIENTS_IMAGE" "$id" "$@"
}

# ctr task exec with the private fifo dir.
ctr_exec() {
	ctr task exec --fifo-dir "$CTRD_DIR/fifo" "$@"
}

containerd_import() {
	ctr images import "$CLIENTS_IMAGE_TAR" >/dev/null ||
		fail "ctr images import $CLIENTS_IMAGE_TAR failed"
}

containerd_stop() {
	[ -n "$CTRD_PID" ] || return 0
	local id ids n
	if [ "$CLIENTS_HURRY" = 0 ] && kill -0 "$CTRD_PID" 2>/dev/null; then
		ids=$(clients_graceful ctr containers ls -q)
		for id in $ids; do
			CTRD_IDS+=("$id")
			clients_graceful ctr task kill -a -s SIGKILL "$id" >/dev/null
			clients_graceful ctr task delete -f "$id" >/dev/null
			clients_graceful ctr containers rm "$id" >/dev/null
		done
		kill "$CTRD_PID" 2>/dev/null
		for n in $(seq 30); do
			kill -0 "$CTRD_PID" 2>/dev/null || break
			sleep 0.1
		done
	fi
	kill -9 "$CTRD_PID" 2>/dev/null
	wait "$CTRD_PID" 2>/dev/null
	# Shims outlive containerd; they know it by its socket. After a clean
	# task delete they exit by themselves.
	for n in $(seq 20); do
		[ "$CLIENTS_HURRY" = 0 ] && [ -n "$(clients_pids_mentioning "$CTRD_SOCK")" ] || break
		sleep 0.1
	done
	clients_kill_mentioning "$CTRD_SOCK"
	# The runtime's state of anything still there (its --root is private).
	for id in "$CTRD_DIR"/runc/*/*; do
		[ -d "$id" ] && timeout 2 "$OCI_RUNTIME" --root "${id%/*}" delete --force "${id##*/}" >/dev/null 2>&1
	done
	if [ "${CLIENTS_EXISTED[/run/containerd]}" = 1 ]; then
		for id in "${CTRD_IDS[@]}"; do
			rm -f "/run/containerd/s/$(printf '%s' "$CTRD_SOCK/$CTRD_NS/$id" | sha256sum | cut -d' ' -f1)"
		done
	fi
	CTRD_PID=""
}

### podman ##################################################################

# Podman with private storage, run dir, config, registries (none), network
# config and events; cgroupfs; the runtime under test.
podman_start() {
	clients_require podman conmon nft ip
	clients_setup
	local d=$CLIENTS_TMP/podman rt
	mkdir -p "$d"/{root,runroot,tmp,networks,hooks,volumes}
	PODMAN_DIR=$d
	PODMAN_BIN=$(type -P podman)
	# podman's default on a host run by systemd is its systemd driver,
	# which drives ours (--systemd-cgroup); cgroupfs elsewhere.
	PODMAN_CGROUPS=${MD_PODMAN_CGROUPS:-cgroupfs}
	[ -z "${MD_PODMAN_CGROUPS:-}" ] && [ -d /run/systemd/system ] &&
		[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && PODMAN_CGROUPS=systemd
	# systemd's cgroup parents are slices: ours is mydocker.slice there.
	[ "$PODMAN_CGROUPS" = systemd ] && PODMAN_RUN_OPTS[1]=mydocker.slice
	rt=${OCI_RUNTIME##*/}
	cat >"$d/containers.conf" <<-EOF
		[containers]
		log_driver = "k8s-file"
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
		[engine]
		cgroup_manager = "$PODMAN_CGROUPS"
		events_logger = "file"
		events_logfile_path = "$d/events.log"
		tmp_dir = "$d/tmp"
		image_copy_tmp_dir = "$d/tmp"
		volume_path = "$d/volumes"
		static_dir = "$d/root/libpod"
		hooks_dir = ["$d/hooks"]
		lock_type = "file"
		num_locks = 128
		pull_policy = "never"
		runtime_supports_json = ["crun", "runc", "mydocker-runtime", "$rt"]
		[network]
		network_backend = "netavark"
		network_config_dir = "$d/networks"
	EOF
	cat >"$d/registries.conf" <<-EOF
		unqualified-search-registries = []
		short-name-mode = "disabled"
	EOF
	PODMAN_DRIVER=${PODMAN_DRIVER:-${MD_PODMAN_STORAGE:-overlay}}
	cat >"$d/storage.conf" <<-EOF
		[storage]
		driver = "$PODMAN_DRIVER"
		graphroot = "$d/root"
		runroot = "$d/runroot"
	EOF
	echo '{"default":[{"type":"reject"}],"transports":{"oci-archive":{"":[{"type":"insecureAcceptAnything"}]},"containers-storage":{"":[{"type":"insecureAcceptAnything"}]}}}' >"$d/policy.json"
	export CONTAINERS_CONF=$d/containers.conf
	export CONTAINERS_REGISTRIES_CONF=$d/registries.conf
	export CONTAINERS_STORAGE_CONF=$d/storage.conf
	# Host paths podman uses whatever its config says: netavark's IPAM db
	# (/run/containers/networks), c/image's blob info cache, named netns.
	clients_track rm /run/containers /run/containers/networks \
		/var/lib/containers /var/lib/containers/cache \
		/var/lib/containers/cache/blob-info-cache-v1.boltdb
	clients_net_snapshot
	PODMAN_ON=1
	# TMPDIR: c/image's big temporary files (default /var/tmp).
	PODMAN=(/usr/bin/env "TMPDIR=$d/tmp" "$PODMAN_BIN" --root "$d/root" --runroot "$d/runroot"
		--runtime "$OCI_RUNTIME" --cgroup-manager "$PODMAN_CGROUPS" --events-backend file
		--storage-driver "$PODMAN_DRIVER" --tmpdir "$d/tmp")
	if ! podman info >/dev/null 2>&1; then
		[ "$PODMAN_DRIVER" = vfs ] && fail "podman info fails (vfs storage)"
		clients_log "podman with $PODMAN_DRIVER storage fails here; using vfs"
		PODMAN_DRIVER=vfs
		# Its database already names the first driver: start afresh.
		rm -rf "$d/root" "$d/runroot"
		mkdir -p "$d/root" "$d/runroot"
		PODMAN=("${PODMAN[@]/#overlay/vfs}")
		sed -i 's/"overlay"/"vfs"/' "$d/storage.conf"
		podman info >/dev/null || fail "podman info fails"
	fi
	podman load -q -i "$CLIENTS_IMAGE_TAR" --signature-policy "$d/policy.json" >/dev/null ||
		fail "podman load $CLIENTS_IMAGE_TAR failed"
}

# podman with the private setup (bounded in time). $PODMAN is the same as
# an argv (for ptyrun.py).
# The cgroup (relative to the hierarchy's root) of podman's container ID:
# /mydocker/<run>-podman/libpod-ID with cgroupfs, a scope in mydocker.slice
# with systemd.
podman_cg() { # id
	if [ "$PODMAN_CGROUPS" = systemd ]; then
		echo "mydocker.slice/libpod-$1.scope"
	else
		echo "mydocker/$MD_TEST_RUN-podman/libpod-$1"
	fi
}

podman() {
	timeout --foreground -k 2 "$CLIENTS_CMD_TIMEOUT" "${PODMAN[@]}" "$@"
}

# prun [run flags...] IMAGE [CMD...]: podman run with $PODMAN_RUN_OPTS,
# $PODMAN_EXTRA and --network none unless a network is given.
prun() {
	local a net=(--network none)
	for a in "$@"; do
		case $a in --network | --network=* | --net | --net=*) net=() ;; esac
	done
	# shellcheck disable=SC2086
	podman run "${PODMAN_RUN_OPTS[@]}" $PODMAN_EXTRA "${net[@]}" "$@"
}

# The ids of the containers in this podman's storage.
podman_ids() {
	local d
	for d in "$PODMAN_DIR"/root/*-containers/*/; do
		d=${d%/}
		d=${d##*/}
		[[ "$d" =~ ^[0-9a-f]{64}$ ]] && echo "$d"
	done
}

podman_stop() {
	[ "$PODMAN_ON" = 1 ] || return 0
	local n id ids
	ids=$(podman_ids)
	if [ "$CLIENTS_HURRY" = 0 ]; then
		CLIENTS_GRACE=15 clients_graceful podman rm -a -f -t 0 >/dev/null ||
			clients_log "podman rm -af failed"
		# conmon (and the `podman container cleanup` it runs) name the storage.
		for n in $(seq 50); do
			[ -z "$(clients_pids_mentioning "$PODMAN_DIR")" ] && break
			sleep 0.1
		done
	fi
	clients_kill_mentioning "$PODMAN_DIR"
	# A container podman lost: the runtime (default --root) still has it.
	for id in $ids; do
		CLIENTS_CG_MINE+=("$(podman_cg "$id")")
		clients_cg_exists "$(podman_cg "$id")" &&
			timeout 2 "$OCI_RUNTIME" delete --force "$id" >/dev/null 2>&1
	done
	# conmon's cgroup, then the parent (cgroupfs), when empty.
	CLIENTS_CG_SHARED+=("mydocker/$MD_TEST_RUN-podman/conmon" "mydocker/$MD_TEST_RUN-podman" mydocker/conmon)
	PODMAN_ON=0
}

### host network state (podman's bridge) #####################################

clients_net_snapshot() {
	[ -n "${NET_SNAPSHOT_DONE:-}" ] && return 0
	NET_SNAPSHOT_DONE=1
	NET_FWD4=$(cat /proc/sys/net/ipv4/ip_forward)
	NET_FWD6=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)
	NET_TABLES=$(nft list tables 2>/dev/null)
	NET_LINKS=$(ip -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1)
	NET_NETNS=$(ls /run/netns 2>/dev/null)
	if [ -d /run/netns ]; then NET_NETNS_DIR=1; else NET_NETNS_DIR=0; fi
	if mountpoint -q /run/netns 2>/dev/null; then NET_NETNS_MNT=1; else NET_NETNS_MNT=0; fi
}

# Chains netavark (or CNI) adds to a table that was there before: remove
# the jumps to them, then them.
clients_nft_strip() { # family table
	local fam=$1 tbl=$2 chain line h
	nft -a list table "$fam" "$tbl" 2>/dev/null | awk '
		/^\tchain / { chain = $2 }
		/jump (NETAVARK|CNI)/ && chain !~ /^(NETAVARK|CNI)/ { print chain, $NF }' |
		while read -r chain h; do
			nft delete rule "$fam" "$tbl" "$chain" handle "$h" 2>/dev/null
		done
	for chain in $(nft list table "$fam" "$tbl" 2>/dev/null | awk '/^\tchain (NETAVARK|CNI)/ { print $2 }'); do
		nft flush chain "$fam" "$tbl" "$chain" 2>/dev/null
	done
	for chain in $(nft list table "$fam" "$tbl" 2>/dev/null | awk '/^\tchain (NETAVARK|CNI)/ { print $2 }'); do
		nft delete chain "$fam" "$tbl" "$chain" 2>/dev/null
	done
}

clients_net_restore() {
	[ -n "${NET_SNAPSHOT_DONE:-}" ] || return 0
	local l t n
	# podman's bridge: podman0 (netavark) or cni-podman0 (CNI). The veth
	# pairs go with the containers' network namespaces.
	for l in podman0 cni-podman0; do
		echo "$NET_LINKS" | grep -qxF "$l" && continue
		ip link show "$l" >/dev/null 2>&1 && ip link delete "$l"
	done
	# Firewall: netavark's chains go from every table; a table that was not
	# there before goes when nothing else is left in it.
	while read -r t; do
		[ -z "$t" ] && continue
		clients_nft_strip ${t#table }
		echo "$NET_TABLES" | grep -qxF "$t" && continue
		if [ -z "$(nft list $t 2>/dev/null | grep -vE '^[[:space:]]*(table |chain |type |}|#|$)')" ]; then
			nft delete $t || clients_log "cannot delete nft $t"
		fi
	done <<<"$(nft list tables 2>/dev/null)"
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$NET_FWD4" ] ||
		echo "$NET_FWD4" >/proc/sys/net/ipv4/ip_forward
	if [ -n "$NET_FWD6" ] && [ "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" != "$NET_FWD6" ]; then
		echo "$NET_FWD6" >/proc/sys/net/ipv6/conf/all/forwarding
	fi
	# Named network namespaces podman made, and /run/netns as it was.
	for n in $(ls /run/netns 2>/dev/null); do
		echo "$NET_NETNS" | grep -qxF "$n" && continue
		[[ "$n" == netns-* ]] || continue
		umount "/run/netns/$n" 2>/dev/null || umount -l "/run/netns/$n" 2>/dev/null
		rm -f "/run/netns/$n"
	done
	if [ -z "$(ls /run/netns 2>/dev/null)" ]; then
		if [ "$NET_NETNS_MNT" = 0 ] && mountpoint -q /run/netns 2>/dev/null; then
			umount /run/netns 2>/dev/null || umount -l /run/netns
		fi
		[ "$NET_NETNS_DIR" = 0 ] && [ -d /run/netns ] && rmdir /run/netns 2>/dev/null
	fi
	NET_SNAPSHOT_DONE=""
}
