#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lists what this run's tests may have left on the machine, one item a line:
#   cgroup DIR | state DIR | mount POINT | process PID ARGS
# Only this run's items: tests/run exports the run's prefix MD_TEST_RUN,
# which the tests put into every cgroup name, OCI state dir, temporary
# directory (hence mount point and client command line) they make. The
# engine's containers (`mydocker run`) have random ids, so one of them is
# this run's when a process with MD_TEST_RUN in its environment (its
# `mydocker`) holds its /run/mydocker/containers/ID/lock open; those ids are
# remembered in MD_TEST_LEDGER, so that what such a container leaves after
# its mydocker died is still this run's. Another run's containers, and
# anybody else's, are never listed, hence never reported nor removed.
# tests/run takes a list before and after each test and reports (and with
# `--clean LISTFILE`, removes) only the items that the test added.
set -u
R=${MD_TEST_RUN:?leftovers.sh: MD_TEST_RUN (the run prefix tests/run sets) is not set}
LEDGER=${MD_TEST_LEDGER:-}

# Few processes: under a VM's emulated CPU each fork costs ~10 ms, and
# tests/run lists twice per test.

# The engine ids of this run: live ones (whose lock a process of the run
# holds), added to the ledger, and those of the ledger.
engine_ids() {
	local envs live
	envs=$(grep -lzx "MD_TEST_RUN=$R" /proc/[0-9]*/environ 2>/dev/null)
	[ -n "$envs" ] && live=$(find ${envs//environ/fd} -maxdepth 1 \
		-lname '/run/mydocker/containers/*/lock' -printf '%l\n' 2>/dev/null)
	live=${live//\/run\/mydocker\/containers\//}
	live=${live//\/lock/}
	if [ -n "$LEDGER" ]; then
		[ -n "$live" ] && echo "$live" >>"$LEDGER"
		[ -s "$LEDGER" ] && live="$live $(<"$LEDGER")"
	fi
	echo $live
}

# Whether NAME (a top cgroup under /mydocker, a state entry) is this run's.
ours() { # name
	[[ "$1" == *"$R"* ]] || [[ " $IDS " == *" $1 "* ]]
}

list() {
	local c s pid args tops=()
	IDS=$(engine_ids)
	for c in /sys/fs/cgroup/*/mydocker/*/ /sys/fs/cgroup/mydocker/*/; do
		c=${c%/}
		[ -d "$c" ] && ours "${c##*/}" && tops+=("$c")
	done
	[ ${#tops[@]} -gt 0 ] && find "${tops[@]}" -type d 2>/dev/null | sort -r | sed 's/^/cgroup /'
	for s in /run/mydocker/containers/*; do
		[ -e "$s" ] && ours "${s##*/}" && echo "state $s"
	done
	# The runtime's default root: ours by id, or by the bundle or cgroup
	# its state names (podman's containers: 64-hex ids, bundles in the
	# test's directory).
	for s in /run/mydocker-runtime/*; do
		[ -e "$s" ] || continue
		if ours "${s##*/}" || grep -qF "$R" "$s/state.json" 2>/dev/null; then
			echo "state $s"
		fi
	done
	# mounts and processes in one awk: mount points that carry the prefix
	# or an engine id of the run; mydocker and core-drive processes, and the
	# registry tests' servers (docker-registry, token-server.py,
	# fault-proxy.py, the network namespace's registry-netns), whose
	# arguments carry the prefix or whose environment is the run's
	ps -eo pid=,args= | awk -v r="$R" -v ids=" $IDS " -v self=$$ '
		FILENAME == "/proc/self/mountinfo" {
			n = split($5, p, "/")
			if (index($5, r) || ($5 ~ /^\/run\/mydocker\/containers\// && index(ids, " " p[5] " ")))
				print "mount " $5
			next
		}
		$0 ~ /mydocker(-runtime|-monitor)? |core-drive |docker-registry |token-server\.py|fault-proxy\.py|registry-netns / &&
		    $0 !~ /leftovers\.sh|tests\/run/ &&
		    $1 != self && $2 !~ /(^|\/)awk$/ {
			pid = $1; sub(/^ +/, "")
			if (index($0, r)) { print "process " $0; next }
			RS_old = RS; RS = "\0"; env = "/proc/" pid "/environ"
			while ((getline e < env) > 0)
				if (e == "MD_TEST_RUN=" r) { print "process " $0; break }
			close(env); RS = RS_old
		}' /proc/self/mountinfo -
}

clean() { # file with items
	local kind rest pid
	while read -r kind rest; do
		case $kind in
		process) pid=${rest%% *}; kill -9 "$pid" 2>/dev/null ;;
		esac
	done <"$1"
	sleep 0.2
	while read -r kind rest; do
		case $kind in
		cgroup)
			for pid in $(cat "$rest/cgroup.procs" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
			sleep 0.1
			rmdir "$rest" 2>/dev/null ;;
		state) rm -rf "$rest" ;;
		mount) umount -l "$rest" 2>/dev/null ;;
		esac
	done < <(sort -r "$1") # a cgroup's children before it
}

if [ "${1:-}" = --clean ]; then
	clean "$2"
else
	list
fi
