# SPDX-License-Identifier: Apache-2.0
# mydocker logs and the json-file log that a container's monitor writes
# (issue 14): stdout and stderr apart, Docker's format read back by jq,
# -t, --tail, --since/--until, -f ending with the container and following
# rotations, --log-opt max-size/max-file, --log-driver none, the errors.
# Each test has a store of its own (store_begin) with the busybox test
# image; store_end removes its containers and the store.

logs_begin() {
	store_busybox logs busybox
}

# logs_run NAME [RUN FLAGS...] -- COMMAND...: run -d, then wait until it
# exited; $id is its id, $log its log file.
logs_run() {
	local name=$1 flags=()
	shift
	while [ "$1" != -- ]; do
		flags+=("$1")
		shift
	done
	shift
	mdr run -d --name "$name" "${flags[@]}" busybox "$@"
	[ "$rc" = 0 ] || fail "run -d $name: $err"
	id=$out
	log=$R/containers/$id/$id-json.log
	mdr wait "$name"
	[ "$rc" = 0 ] || fail "wait $name: $err"
}

t_logs_streams_apart_and_docker_format() {
	local lines
	logs_begin
	logs_run c1 -- sh -c 'echo out-1; echo err-1 >&2; echo out-2; printf "tab\there <&> \"q\"\n"; printf no-newline >&2'
	mdr logs c1
	assert_eq "$rc" 0 "logs: $err"
	assert_eq "$out" $'out-1\nout-2\ntab\there <&> "q"'
	assert_eq "$err" $'err-1\nno-newline'
	# One JSON object a line, with Docker's keys in Docker's order.
	[ "$(wc -l <"$log")" = 5 ] || fail "5 entries: $(cat "$log")"
	jq -e -s 'all(.[]; keys_unsorted == ["log", "stream", "time"])' "$log" >/dev/null ||
		fail "keys: $(cat "$log")"
	jq -e -s 'all(.[]; .time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*[1-9])?Z$"))' \
		"$log" >/dev/null || fail "times: $(cat "$log")"
	lines=$(jq -c '[.stream, .log]' "$log")
	assert_contains "$lines" '["stdout","out-1\n"]'
	assert_contains "$lines" '["stderr","err-1\n"]'
	assert_contains "$lines" '["stderr","no-newline"]'
	# Go's escapes, as dockerd writes them.
	grep -qF '"log":"tab\u0009here \u003c\u0026\u003e \"q\"\n"' "$log" || fail "escapes: $(cat "$log")"
	# inspect tells where it is; `container logs` is the same command.
	mdr inspect c1
	assert_eq "$(jq -r '.[0].LogPath' <<<"$out")" "$log"
	mdr container logs c1
	assert_eq "$rc" 0 "container logs: $err"
	assert_eq "$out" $'out-1\nout-2\ntab\there <&> "q"'
	assert_eq "$err" $'err-1\nno-newline'
	# (The order across the two streams is the order the monitor read
	# its two pipes in: it is not asserted.)
	store_end
}

t_logs_tail_timestamps_since_until() {
	local t2 all
	logs_begin
	logs_run c2 -- sh -c 'for i in 1 2 3 4 5; do echo line-$i; sleep 0.2; done'
	mdr logs --tail 2 c2
	assert_eq "$out" $'line-4\nline-5'
	mdr logs -n 0 c2
	assert_eq "$out" ""
	mdr logs --tail all c2
	assert_eq "$(wc -l <<<"$out")" 5
	mdr logs -t c2
	all=$out
	[[ $(head -n 1 <<<"$all") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ line-1$ ]] ||
		fail "-t: $all"
	# --since the time of the second entry: from it on; --until it: up to it.
	t2=$(sed -n '2s/ .*//p' <<<"$all")
	mdr logs --since "$t2" c2
	assert_eq "$out" $'line-2\nline-3\nline-4\nline-5'
	mdr logs --until "$t2" c2
	assert_eq "$out" $'line-1\nline-2'
	mdr logs --since 10m c2
	assert_eq "$(wc -l <<<"$out")" 5 "--since 10m"
	mdr logs --since "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" c2
	assert_eq "$out" "" "--since in an hour"
	mdr logs --until "$(date -u -d '-1 hour' +%s)" c2
	assert_eq "$out" "" "--until unix seconds an hour ago"
	mdr logs --details --tail 1 c2
	assert_eq "$out" " line-5" "--details: no attributes, a space"
	mdr logs --since yesterday c2
	assert_eq "$rc" 1
	assert_contains "$err" 'invalid value for "since": failed to parse value as time or duration: "yesterday"'
	store_end
}

t_logs_follow_ends_with_the_container() {
	local t0 t1
	logs_begin
	mdr run -d --name fo busybox sh -c 'echo first; sleep 1; echo second >&2; sleep 1; echo third'
	[ "$rc" = 0 ] || fail "run -d: $err"
	t0=$(date +%s)
	mdr logs -f fo
	t1=$(date +%s)
	assert_eq "$rc" 0 "logs -f: $err"
	assert_eq "$out" $'first\nthird'
	assert_eq "$err" "second"
	[ $((t1 - t0)) -lt 10 ] || fail "logs -f took $((t1 - t0)) s"
	# A stopped container: -f prints and returns.
	mdr logs -f --tail 1 fo
	assert_eq "$out" "third"
	store_end
}

# -f from the start while the log rotates under it: every line, once, in
# order; and the files as max-size and max-file say.
t_logs_rotation_and_follow_across_it() {
	local n f size
	logs_begin
	mdr run -d --name ro --log-opt max-size=1k --log-opt max-file=3 busybox sh -c \
		'sleep 0.5; i=0; while [ $i -lt 300 ]; do echo "line $i"; i=$((i + 1)); [ $((i % 5)) = 0 ] && usleep 30000; done'
	[ "$rc" = 0 ] || fail "run -d: $err"
	id=$out
	mdr logs -f ro
	assert_eq "$rc" 0 "logs -f: $err"
	assert_eq "$out" "$(seq 0 299 | sed 's/^/line /')" "every line once, in order"
	n=$(ls "$R/containers/$id" | grep -c -- '-json\.log')
	assert_eq "$n" 3 "files"
	for f in "$R/containers/$id/$id"-json.log*; do
		size=$(stat -c %s "$f")
		[ "$size" -le 1024 ] && [ "$size" -gt 0 ] || fail "$f: $size bytes"
		jq -e . "$f" >/dev/null || fail "$f is not JSON lines"
	done
	mdr logs --tail 3 ro
	assert_eq "$out" $'line 297\nline 298\nline 299'
	# What the files hold, oldest first, is what logs prints.
	mdr logs ro
	assert_eq "$out" "$(cat "$R/containers/$id/$id"-json.log.2 "$R/containers/$id/$id"-json.log.1 \
		"$R/containers/$id/$id"-json.log | jq -j .log)"
	store_end
}

t_logs_long_line_in_parts() {
	logs_begin
	logs_run ll -- sh -c 'head -c 40000 /dev/zero | tr "\0" x; echo'
	assert_eq "$(wc -l <"$log")" 3 "entries of 16 KiB"
	assert_eq "$(jq -c -s 'map(.log | length)' "$log")" "[16384,16384,7233]" \
		"16 KiB, 16 KiB, the rest and its newline"
	jq -e -s '(.[0].log | endswith("x")) and (.[1].log | endswith("x")) and (.[2].log | endswith("x\n"))' \
		"$log" >/dev/null || fail "a newline only at the end"
	mdr logs ll
	assert_eq "$out" "$(head -c 40000 /dev/zero | tr '\0' x)"
	store_end
}

t_logs_driver_none_and_errors() {
	logs_begin
	logs_run nn --log-driver none -- echo hello
	[ ! -e "$log" ] || fail "a log with the none driver"
	mdr logs nn
	assert_eq "$rc" 1
	assert_eq "$err" "mydocker: configured logging driver does not support reading"
	mdr inspect nn
	assert_eq "$(jq -r '.[0].LogPath' <<<"$out")" ""
	mdr logs nosuch
	assert_eq "$rc" 1
	assert_eq "$err" "mydocker: No such container: nosuch"
	mdr logs
	assert_eq "$rc" 1
	assert_contains "$err" '"mydocker logs" requires exactly 1 argument.'
	mdr run --log-driver syslog busybox true
	assert_eq "$rc" 125
	assert_contains "$err" "logger: no log driver named 'syslog' is registered"
	mdr run --log-opt max-size=0 busybox true
	assert_eq "$rc" 125
	assert_contains "$err" "max-size must be a positive number"
	mdr run --log-opt max-file=0 --log-opt max-size=1k busybox true
	assert_contains "$err" "max-file cannot be less than 1"
	mdr run --log-opt compress=true busybox true
	assert_contains "$err" "unknown log opt 'compress' for json-file log driver"
	mdr run --log-driver none --log-opt max-size=1k busybox true
	assert_contains "$err" "unknown log opt 'max-size' for none log driver"
	store_end
}
