# Shared bench helpers: time commands alternately, print medians and ratios.
# Uses bash's $EPOCHREALTIME, so no extra process is timed.

# time_once CMD...: prints elapsed milliseconds (3 decimals).
time_once() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 </dev/null || { echo "bench: '$*' failed" >&2; exit 1; }
	t1=$EPOCHREALTIME
	echo "$(( (${t1/./} - ${t0/./}) ))" | awk '{printf "%.3f\n", $1/1000}'
}

median() {
	sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# compare N LABEL_A "CMD A" LABEL_B "CMD B": alternate A and B N times.
compare() {
	local n=$1 la=$2 ca=$3 lb=$4 cb=$5 i fa fb ma mb
	fa=$(mktemp)
	fb=$(mktemp)
	for ((i = 0; i < 3; i++)); do eval "$ca" >/dev/null 2>&1; eval "$cb" >/dev/null 2>&1; done
	for ((i = 0; i < n; i++)); do
		time_once bash -c "$ca" >>"$fa"
		time_once bash -c "$cb" >>"$fb"
	done
	ma=$(median <"$fa")
	mb=$(median <"$fb")
	rm -f "$fa" "$fb"
	printf '%-28s median %8.3f ms\n' "$la" "$ma"
	printf '%-28s median %8.3f ms\n' "$lb" "$mb"
	printf '%-28s %.2f\n' "ratio ($la / $lb)" "$(awk -v a="$ma" -v b="$mb" 'BEGIN{print a/b}')"
}
