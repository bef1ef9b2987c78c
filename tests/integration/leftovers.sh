#!/usr/bin/env bash
# Prints what the tests left on the machine (nothing when clean). With
# --clean, also removes it: container processes, cgroups, state.
clean=${1:-}
out=""
for d in /sys/fs/cgroup/*/mydocker /sys/fs/cgroup/mydocker; do
	[ -d "$d" ] || continue
	for c in $(find "$d" -mindepth 1 -type d 2>/dev/null | sort -r); do
		out+="cgroup $c"$'\n'
		if [ "$clean" = --clean ]; then
			for p in $(cat "$c/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
			sleep 0.1
			rmdir "$c" 2>/dev/null
		fi
	done
done
for s in /run/mydocker/containers/*; do
	[ -e "$s" ] || continue
	out+="state $s"$'\n'
	[ "$clean" = --clean ] && rm -rf "$s"
done
m=$(grep -E 'mydocker' /proc/self/mountinfo | awk '{print $5}')
[ -n "$m" ] && out+="mounts: $m"$'\n'
p=$(ps -eo pid=,args= | grep -E '[m]ydocker(-runtime)? ' | grep -v -e leftovers.sh -e tests/run)
if [ -n "$p" ]; then
	out+="processes: $p"$'\n'
	[ "$clean" = --clean ] && echo "$p" | awk '{print $1}' | xargs -r kill -9
fi
printf '%s' "$out"
