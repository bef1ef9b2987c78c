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

# The engine ids of this run: live ones (whose lock a process of the run
# holds), added to the ledger, and those of the ledger.
engine_ids() {
	local f live
	live=$(for f in $(grep -lzx "MD_TEST_RUN=$R" /proc/[0-9]*/environ 2>/dev/null); do
		readlink "${f%/environ}"/fd/* 2>/dev/null
	done | sed -n 's|^/run/mydocker/containers/\([^/]*\)/lock$|\1|p' | sort -u)
	if [ -n "$LEDGER" ]; then
		[ -n "$live" ] && echo "$live" >>"$LEDGER"
		sort -u "$LEDGER" 2>/dev/null
	else
		echo "$live"
	fi | grep -v '^$'
}

# Whether NAME (a top cgroup under /mydocker, a state entry) is this run's.
ours() { # name
	[[ "$1" == *"$R"* ]] || [[ " $IDS " == *" $1 "* ]]
}

list() {
	local d c s id pid args
	IDS=$(echo $(engine_ids))
	for d in /sys/fs/cgroup/*/mydocker /sys/fs/cgroup/mydocker; do
		[ -d "$d" ] || continue
		for c in "$d"/*/; do
			c=${c%/}
			[ -d "$c" ] && ours "${c##*/}" || continue
			find "$c" -type d 2>/dev/null
		done | sort -r | sed 's/^/cgroup /'
	done
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
	awk -v r="$R" -v ids=" $IDS " '{
		n = split($5, p, "/")
		if (index($5, r) || ($5 ~ /^\/run\/mydocker\/containers\// && index(ids, " " p[5] " ")))
			print "mount " $5
	}' /proc/self/mountinfo
	ps -eo pid=,args= | grep -E '[m]ydocker(-runtime)? |[c]ore-drive ' |
		grep -v -e leftovers.sh -e tests/run |
		while read -r pid args; do
			[ "$pid" = $$ ] && continue
			if [[ "$args" == *"$R"* ]] || grep -qzx "MD_TEST_RUN=$R" "/proc/$pid/environ" 2>/dev/null; then
				echo "process $pid $args"
			fi
		done
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
	done <"$1"
}

if [ "${1:-}" = --clean ]; then
	clean "$2"
else
	list
fi
