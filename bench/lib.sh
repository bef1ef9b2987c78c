# SPDX-License-Identifier: Apache-2.0
# Shared bench helpers: time commands alternately, print medians and ratios.
# Uses bash's $EPOCHREALTIME, so no extra process is timed.

# time_once CMD: prints elapsed milliseconds (3 decimals); CMD is eval'ed.
time_once() {
	local t0 t1
	t0=$EPOCHREALTIME
	eval "$1" >/dev/null 2>&1 </dev/null || { echo "bench: '$1' failed" >&2; exit 1; }
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}

median() {
	sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# compare N LABEL1 CMD1 LABEL2 CMD2 [...]: run the commands in turn, N
# rounds (after 3 rounds of warm-up); print each median and its ratio to
# the first. In CMD, $i is the round number (for unique names).
compare() {
	local n=$1 i k
	shift
	local labels=() cmds=() files=() meds=()
	while [ $# -gt 0 ]; do
		labels+=("$1")
		cmds+=("$2")
		files+=("$(mktemp)")
		shift 2
	done
	for ((i = -3; i < n; i++)); do
		for k in "${!cmds[@]}"; do
			if [ $i -lt 0 ]; then
				time_once "${cmds[$k]}" >/dev/null
			else
				time_once "${cmds[$k]}" >>"${files[$k]}"
			fi
		done
	done
	for k in "${!cmds[@]}"; do
		meds[$k]=$(median <"${files[$k]}")
		rm -f "${files[$k]}"
	done
	for k in "${!cmds[@]}"; do
		printf '  %-34s median %8.3f ms' "${labels[$k]}" "${meds[$k]}"
		[ "$k" -gt 0 ] && printf '   %s / %s = %.2f' "${labels[0]%% *}" "${labels[$k]%% *}" \
			"$(awk -v a="${meds[0]}" -v b="${meds[$k]}" 'BEGIN{print a/b}')"
		printf '\n'
	done
}
