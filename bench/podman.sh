# SPDX-License-Identifier: Apache-2.0
# A private podman for the benches: its own storage, run dir, config and
# events under DIR, cgroupfs, runc (podman's default, crun, refuses this
# machine's hybrid cgroup layout while the v2 hierarchy has controllers),
# no registries, no network config. Sourced after lib.sh.
#   podman_bench_setup DIR   sets PODMAN (an argv) and the environment
#   podman_bench_cleanup     removes its containers, storage and cgroups

podman_bench_setup() { # dir
	local d=$1
	mkdir -p "$d"/{root,runroot,tmp,networks,volumes}
	PODMAN_BENCH_DIR=$d
	cat >"$d/containers.conf" <<-EOF2
		[containers]
		log_driver = "k8s-file"
		# Root here cannot raise RLIMIT_NOFILE above 20000 (podman asks more).
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$d/events.log"
		tmp_dir = "$d/tmp"
		image_copy_tmp_dir = "$d/tmp"
		volume_path = "$d/volumes"
		static_dir = "$d/root/libpod"
		# File locks in its own directory, not /dev/shm/libpod_lock.
		lock_type = "file"
		num_locks = 128
		pull_policy = "never"
		[network]
		network_backend = "netavark"
		network_config_dir = "$d/networks"
	EOF2
	cat >"$d/registries.conf" <<-EOF2
		unqualified-search-registries = []
		short-name-mode = "disabled"
	EOF2
	cat >"$d/storage.conf" <<-EOF2
		[storage]
		driver = "overlay"
		graphroot = "$d/root"
		runroot = "$d/runroot"
	EOF2
	echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$d/policy.json"
	export CONTAINERS_CONF=$d/containers.conf
	export CONTAINERS_REGISTRIES_CONF=$d/registries.conf
	export CONTAINERS_STORAGE_CONF=$d/storage.conf
	PODMAN=(env "TMPDIR=$d/tmp" podman --root "$d/root" --runroot "$d/runroot"
		--runtime runc --cgroup-manager cgroupfs --events-backend file --storage-driver overlay
		--tmpdir "$d/tmp")
}

podman_bench_cleanup() {
	[ -n "${PODMAN_BENCH_DIR:-}" ] || return 0
	"${PODMAN[@]}" rm -af >/dev/null 2>&1 || true
	grep -F " $PODMAN_BENCH_DIR/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done || true # grep finds none: fine
	rm -rf "$PODMAN_BENCH_DIR"
	PODMAN_BENCH_DIR=
}
