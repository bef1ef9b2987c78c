#!/usr/bin/env bash
# Lists what tests may leave on the machine, one item a line:
#   cgroup DIR | state DIR | mount POINT | process PID ARGS
# tests/run takes a list before and after each test and reports (and with
# `--clean LISTFILE`, removes) only the items that the test added, so that
# other work on the machine is neither blamed nor touched.
set -u

list() {
	local d c s
	for d in /sys/fs/cgroup/*/mydocker /sys/fs/cgroup/mydocker; do
		[ -d "$d" ] || continue
		find "$d" -mindepth 1 -type d 2>/dev/null | sort -r | sed 's/^/cgroup /'
	done
	for s in /run/mydocker/containers/* /run/mydocker-runtime/*; do
		[ -e "$s" ] && echo "state $s"
	done
	awk '$5 ~ /mydocker/ {print "mount " $5}' /proc/self/mountinfo
	ps -eo pid=,args= | grep -E '[m]ydocker(-runtime)? |[c]ore-drive ' |
		grep -v -e leftovers.sh -e tests/run | sed 's/^ */process /'
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
