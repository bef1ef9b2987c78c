# SPDX-License-Identifier: Apache-2.0
# ps, inspect --format, labels, rename and container prune on real
# containers of the busybox test image: Docker's table and each flag,
# every filter, --format json (its keys against Docker's list) and Go
# templates, labels from --label, --label-file and the image, STATUS of
# created, running, paused, restarting, exited and health-checked
# containers, rename and its errors (two renames to one name: one wins),
# prune (the running one stays), ps while containers come and go, and
# ps -a over 200 containers (timed). Each test has a store of its own
# (lib.sh's store_begin; store_end removes everything in it, and the trap
# does when a test fails).

# ps_begin: a store ($R) with the busybox test image as busybox.
ps_begin() {
	store_begin ps
	mdr load -q -i "$(tests/images/make-busybox-image)"
	[ "$rc" = 0 ] || fail "load: $err"
	mdr_ok tag localhost/mdtest/busybox:latest busybox
}

# mdr_ok ARGS...: mdr, which must work.
mdr_ok() {
	mdr "$@"
	[ "$rc" = 0 ] || fail "mydocker $*: rc $rc: $err"
}

# mdr_rc RC ARGS...: mdr, which must end with RC.
mdr_rc() {
	local want=$1
	shift
	mdr "$@"
	[ "$rc" = "$want" ] || fail "mydocker $*: rc $rc, want $want: $err"
}

# The names ps prints for its arguments, on one line.
ps_names() {
	mdr_ok ps --format '{{.Names}}' "$@"
	echo $out
}

# The full id of a container or image.
id_of() {
	mdr_ok inspect -f '{{.Id}}' "$1"
	echo "$out"
}

t_ps_table_and_flags() {
	local up
	ps_begin
	mdr_ok run -d --name up busybox sleep 1000
	up=$out
	mdr_rc 3 run --name ex busybox sh -c 'echo x > /f; exit 3'
	mdr_rc 127 run --name cr busybox /nonexistent

	mdr_ok ps
	assert_eq "$(echo "$out" | wc -l)" 2 "ps: the header and the running one"
	[[ "$(echo "$out" | head -n 1)" =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +CREATED\ +STATUS\ +PORTS\ +NAMES$ ]] ||
		fail "header: $out"
	[[ "$(echo "$out" | tail -n 1)" =~ ^${up:0:12}\ +busybox\ +\"sleep\ 1000\"\ +.*\ ago\ +Up\ .*\ +up$ ]] ||
		fail "row: $out"
	mdr_ok ps -a
	assert_eq "$(echo "$out" | awk '{ print $NF }' | tr '\n' ' ')" "NAMES cr ex up " "newest first"
	assert_contains "$out" "Exited (3) "
	assert_contains "$out" "Created "
	assert_contains "$out" "\"sh -c 'echo x > /f;…\"" "COMMAND: Docker's quotes, cut to 20"
	mdr_ok container ls -a
	assert_eq "$(echo "$out" | wc -l)" 4 "container ls -a"

	mdr_ok ps -q
	assert_eq "$out" "${up:0:12}"
	mdr_ok ps -aq --no-trunc
	assert_eq "$(echo "$out" | grep -cE '^[0-9a-f]{64}$')" 3 "--no-trunc ids"
	mdr_ok ps --no-trunc --format '{{.ID}} {{.Command}}'
	assert_eq "$out" "$up \"sleep 1000\""
	assert_eq "$(ps_names -n 2)" "cr ex" "-n 2: the last two, any state"
	assert_eq "$(ps_names -l)" "cr" "-l"
	assert_eq "$(ps_names --last=1 -a)" "cr"

	mdr_ok ps -a -s
	[[ "$(echo "$out" | head -n 1)" =~ NAMES\ +SIZE$ ]] || fail "-s header: $out"
	[[ "$(echo "$out" | grep ' ex ')" =~ \ 2B\ \(virtual\ [0-9.]+[kM]B\)$ ]] ||
		fail "SIZE of ex (2 bytes written): $out"
	mdr_ok ps -a --format '{{.Names}}={{.Size}}'
	assert_contains "$out" "ex=2B (virtual " "a template with .Size asks for sizes"

	mdr_ok ps -a --format 'table {{.ID}}\t{{.Names}}'
	assert_eq "$(echo "$out" | head -n 1)" "CONTAINER ID   NAMES"
	assert_eq "$(echo "$out" | sed -n 2p)" "$(printf '%-15s%s' "$(echo "$out" | sed -n 2p | cut -c1-12)" cr)"
	mdr_ok ps -q --format '{{.Names}}'
	assert_eq "$out" "${up:0:12}" "-q wins over --format"
	assert_contains "$err" "WARNING: Ignoring custom format, because both --format and --quiet are set."

	mdr_rc 125 ps --nope
	assert_contains "$err" "unknown flag"
	mdr_rc 125 ps -n x
	assert_contains "$err" 'invalid argument "x" for "-n, --last" flag'
	mdr_rc 125 ps extra
	assert_contains "$err" '"mydocker ps" accepts no arguments.'
	mdr_rc 1 ps --format '{{.Nope'
	assert_contains "$err" "template parsing error"
	store_end
}

t_ps_filters() {
	local web1 other
	ps_begin
	mdr_ok run -d --name web1 --label tier=web busybox sleep 1000
	web1=$out
	mdr_rc 0 run --name db1 --label tier=db busybox true
	mdr_rc 3 run --name web2 busybox sh -c 'exit 3'
	mdr_rc 127 run --name cr busybox /nonexistent

	assert_eq "$(ps_names -f status=running)" "web1"
	assert_eq "$(ps_names -f status=exited)" "web2 db1" "status= shows stopped ones without -a"
	assert_eq "$(ps_names -f status=exited -f status=running)" "web2 db1 web1" "one key: OR"
	assert_eq "$(ps_names -f status=created)" "cr"
	assert_eq "$(ps_names -f status=paused)" ""
	assert_eq "$(ps_names -f name=web)" "web1" "without -a: running only"
	assert_eq "$(ps_names -a -f name=web)" "web2 web1"
	assert_eq "$(ps_names -a -f name=^/web1$)" "web1" "the name with its /"
	assert_eq "$(ps_names -a -f name=^web1$)" "web1" "the name without its /"
	assert_eq "$(ps_names -a -f name=db -f name=cr)" "cr db1"
	assert_eq "$(ps_names -a -f id="${web1:0:6}")" "web1"
	assert_eq "$(ps_names -a -f label=tier)" "db1 web1"
	assert_eq "$(ps_names -a -f label=tier=db)" "db1"
	assert_eq "$(ps_names -a -f label=tier=db -f label=tier=web)" "" "label: every value must match"
	assert_eq "$(ps_names -a -f status=exited -f name=web)" "web2" "two keys: AND"
	assert_eq "$(ps_names -f exited=3)" "" "exited= without -a: running ones only"
	assert_eq "$(ps_names -a -f exited=3)" "web2"
	assert_eq "$(ps_names -a -f exited=0)" "db1" "a created container has not exited"
	assert_eq "$(ps_names -a -f health=none -f status=running)" "web1"

	mdr_ok commit db1 other:1
	mdr_ok run --name fromother other:1 true
	other=$(id_of other:1)
	assert_eq "$(ps_names -a -f ancestor=other:1)" "fromother"
	assert_eq "$(ps_names -a -f ancestor="${other#sha256:}")" "fromother" "an image id"
	assert_eq "$(ps_names -a -f ancestor="${other:7:8}")" "fromother" "an image id prefix"
	assert_eq "$(ps_names -a -f ancestor=busybox)" "cr web2 db1 web1"
	assert_eq "$(ps_names -a -f ancestor=localhost/mdtest/busybox -f ancestor=other:1)" \
		"fromother cr web2 db1 web1"
	assert_eq "$(ps_names -a -f ancestor=nosuchimage)" ""

	mdr_rc 1 ps -f color=red
	assert_contains "$err" "invalid filter 'color'"
	mdr_rc 1 ps -f status=sleeping
	assert_contains "$err" "invalid filter 'status=sleeping'"
	mdr_rc 1 ps -f exited=x
	assert_contains "$err" 'strconv.Atoi: parsing "x": invalid syntax'
	mdr_rc 125 ps -f status
	assert_contains "$err" "bad format of filter (expected name=value)"
	store_end
}

t_ps_format_json() {
	local line keys
	ps_begin
	mdr_ok run -d --name j1 --label b=2 --label a=1 -v jvol:/data busybox sleep 1000
	mdr_ok run --name j2 busybox sh -c 'echo "a<b" >/dev/null'
	mdr_ok ps -a --format json
	assert_eq "$(echo "$out" | wc -l)" 2 "one object a line"
	# Docker's `ps --format json` keys (formatter.ContainerContext, as
	# json.Marshal sorts them). podman's `ps --format json` is another
	# shape (one array; Id, Names as a list, Command as a list, Created as
	# a number, ...): we follow Docker's.
	keys='["Command","CreatedAt","ID","Image","Labels","LocalVolumes","Mounts","Names","Networks","Ports","RunningFor","Size","State","Status"]'
	while read -r line; do
		assert_eq "$(jq -c keys <<<"$line")" "$keys" "keys"
		assert_eq "$(jq -c '[.[] | type] | unique' <<<"$line")" '["string"]' "every value a string"
		[[ "$(jq -r .CreatedAt <<<"$line")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ [+-][0-9]{4}\ [A-Z]+$ ]] ||
			fail "CreatedAt: $line"
		[[ "$(jq -r .RunningFor <<<"$line")" == *" ago" ]] || fail "RunningFor: $line"
		[[ "$(jq -r .ID <<<"$line")" =~ ^[0-9a-f]{12}$ ]] || fail "ID: $line"
	done <<<"$out"
	line=$(echo "$out" | grep '"Names":"j1"')
	assert_eq "$(jq -c '[.Command, .Image, .Labels, .LocalVolumes, .Mounts, .Networks, .Ports, .Size, .State]' <<<"$line")" \
		'["\"sleep 1000\"","busybox","a=1,b=2","1","jvol","none","","0B","running"]'
	[[ "$(jq -r .Status <<<"$line")" == Up\ * ]] || fail "Status: $line"
	line=$(echo "$out" | grep '"Names":"j2"')
	assert_contains "$line" '\u003cb\\\" \u003e' "Docker's json.Marshal escapes < > &"
	assert_eq "$(jq -r .Command <<<"$line")" "\"sh -c 'echo \\\"a<b\\\" >…\""
	assert_eq "$(jq -r .State <<<"$line")" exited
	mdr_ok ps -a -s --no-trunc --format json
	[[ "$(echo "$out" | head -n 1 | jq -r .Size)" =~ ^[0-9.]+[kM]?B\ \(virtual\ [0-9.]+[kM]B\)$ ]] ||
		fail "Size with -s: $out"
	[[ "$(echo "$out" | head -n 1 | jq -r .ID)" =~ ^[0-9a-f]{64}$ ]] || fail "--no-trunc ID"
	mdr_ok ps -a --format '{{json .}}'
	assert_eq "$(echo "$out" | head -n 1 | jq -c keys)" "$keys" "{{json .}}"
	mdr_ok ps -a --format '{{.Names}}: {{.State | upper}} {{len .Labels}}'
	assert_eq "$out" "j2: EXITED 0
j1: RUNNING 7"
	store_end
}

t_ps_labels() {
	ps_begin
	mdr_ok run --name base busybox true
	mdr_ok commit -c 'LABEL img=1 shared=image' base labelled:1
	printf 'file=1\n# a comment\n\nempty=\nshared=file\n' >"$SD/labels"
	mdr_ok run -d --name l1 --label-file "$SD/labels" --label run=1 --label shared=run \
		labelled:1 sleep 1000
	mdr_ok inspect -f '{{json .Config.Labels}}' l1
	assert_eq "$(jq -cS . <<<"$out")" '{"empty":"","file":"1","img":"1","run":"1","shared":"run"}' \
		"the image's, then --label-file's, then --label's"
	mdr_ok ps --format '{{.Labels}}'
	assert_eq "$out" "empty=,file=1,img=1,run=1,shared=run"
	mdr_ok ps --format '{{.Label "shared"}}|{{.Label "none"}}|{{.Label "img"}}'
	assert_eq "$out" "run||1"
	mdr_ok ps --format 'table {{.Names}}\t{{.Label "com.example.my-key"}}'
	assert_eq "$(echo "$out" | head -n 1)" "NAMES     MY KEY" "a label's header: its last part"
	assert_eq "$(ps_names -f label=img=1 -f label=empty)" "l1"
	assert_eq "$(ps_names -a -f label=img=1)" "l1" "base has no label"
	mdr_ok inspect -f '{{index .Config.Labels "file"}}' l1
	assert_eq "$out" 1
	store_end
}

t_ps_status_paused_restarting_health() {
	ps_begin
	mdr_ok run -d --name p1 busybox sleep 1000
	mdr_ok pause p1
	mdr_ok ps --format '{{.Status}}|{{.State}}'
	[[ "$out" =~ ^Up\ .*\ \(Paused\)\|paused$ ]] || fail "paused: $out"
	assert_eq "$(ps_names -f status=paused)" "p1"
	assert_eq "$(ps_names -f status=running)" ""
	mdr_ok inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' p1
	assert_eq "$out" "paused true true"
	mdr_ok unpause p1
	mdr_ok ps --format '{{.Status}}|{{.State}}'
	[[ "$out" =~ ^Up\ [^\(]*\|running$ ]] || fail "unpaused: $out"

	mdr_ok run --name e0 busybox true
	mdr_ok ps -a -f name=e0 --format '{{.Status}}'
	[[ "$out" =~ ^Exited\ \(0\)\ .*\ ago$ ]] || fail "exited: $out"

	mdr_ok run -d --name rs --restart always busybox false
	wait_for 100 eval '"$MYDOCKER" --root "$R" ps -f name=rs --format "{{.Status}}" | grep -q "^Restarting (1) "' ||
		fail "never restarting: $("$MYDOCKER" --root "$R" ps -a -f name=rs)"
	# Restarting lasts the policy's delay (100 ms, doubling), so each look
	# waits for one.
	wait_for 100 eval '[ "$(ps_names -f status=restarting)" = rs ]' ||
		fail "status=restarting: $(ps_names -f status=restarting)"
	# Restarting lasts the policy's delay (100 ms, doubling): look again
	# until inspect sees one too.
	wait_for 100 eval '"$MYDOCKER" --root "$R" inspect -f "{{.State.Restarting}}" rs | grep -q true' ||
		fail "inspect never showed Restarting true"
	mdr_ok rm -f rs

	mdr_ok run -d --name hu --health-cmd 'exit 1' --health-interval 1s --health-retries 1 \
		busybox sleep 1000
	mdr_ok run -d --name hh --health-cmd true --health-interval 1s busybox sleep 1000
	wait_for 100 eval '"$MYDOCKER" --root "$R" ps -f name=hu --format "{{.Status}}" | grep -q "(unhealthy)$"' ||
		fail "never unhealthy"
	wait_for 100 eval '"$MYDOCKER" --root "$R" ps -f name=hh --format "{{.Status}}" | grep -q "(healthy)$"' ||
		fail "never healthy"
	assert_eq "$(ps_names -f health=unhealthy)" "hu"
	assert_eq "$(ps_names -f health=healthy)" "hh"
	mdr_ok inspect -f '{{.State.Health.Status}}' hu
	assert_eq "$out" unhealthy
	store_end
}

t_rename() {
	local id host other
	ps_begin
	mdr_ok run -d --name r1 busybox sleep 1000
	id=$out
	host=$(cat "$R/containers/$id/hostname")
	mdr_ok rename r1 r2
	assert_eq "$out" "" "rename prints nothing"
	assert_eq "$(ps_names)" "r2"
	mdr_ok inspect -f '{{.Name}} {{.Config.Hostname}}' r2
	assert_eq "$out" "/r2 $host" "the hostname stays"
	assert_eq "$(cat "$R/containers/$id/hostname")" "$host"
	mdr_rc 1 inspect r1
	assert_contains "$err" "No such object: r1"
	mdr_ok container rename "${id:0:8}" /r3
	assert_eq "$(ps_names)" "r3" "by id prefix, a leading / taken off"

	mdr_ok run --name other busybox true
	other=$(id_of other)
	mdr_rc 1 rename r3 other
	assert_contains "$err" "Error when allocating new name: Conflict. The container name \"/other\" is already in use by container \"$other\". You have to remove (or rename) that container to be able to reuse that name."
	assert_contains "$err" "Error: failed to rename container named r3"
	mdr_rc 1 rename r3 r3
	assert_contains "$err" "Renaming a container with the same name as its current name"
	mdr_rc 1 rename r3 'bad name'
	assert_contains "$err" "Error when allocating new name: Invalid container name (/bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
	mdr_rc 1 rename r3 ''
	assert_contains "$err" "Neither old nor new names may be empty"
	mdr_rc 1 rename nosuch x1
	assert_contains "$err" "No such container: nosuch"
	mdr_rc 125 rename r3
	assert_contains "$err" '"mydocker rename" requires exactly 2 arguments.'
	assert_eq "$(ps_names -a)" "other r3" "nothing changed"
	store_end
}

# Two renames to one name at once: the store's lock lets one win.
t_rename_race() {
	local i a b wins
	ps_begin
	for i in 1 2 3 4 5; do
		mdr_ok run --name "a$i" busybox true
		mdr_ok run --name "b$i" busybox true
		"$MYDOCKER" --root "$R" rename "a$i" "x$i" 2>/dev/null &
		a=$!
		"$MYDOCKER" --root "$R" rename "b$i" "x$i" 2>/dev/null &
		b=$!
		wins=0
		wait $a && wins=$((wins + 1))
		wait $b && wins=$((wins + 1))
		assert_eq "$wins" 1 "round $i: one rename wins"
		mdr_ok ps -a -f "name=^x$i$" -q
		assert_eq "$(echo "$out" | wc -l)" 1 "round $i: one x$i"
	done
	store_end
}

t_container_prune() {
	local keep ex1 ex2 cr
	ps_begin
	mdr_ok run -d --name keep busybox sleep 1000
	keep=$out
	mdr_ok run -d --name paused busybox sleep 1000
	mdr_ok pause paused
	mdr_ok run --name ex1 --label gc=yes busybox sh -c 'echo 12345 > /f'
	ex1=$(id_of ex1)
	mdr_rc 1 run --name ex2 busybox false
	ex2=$(id_of ex2)
	mdr_rc 127 run --name cr busybox /nonexistent
	cr=$(id_of cr)

	out=$(echo n | timeout 20 "$MYDOCKER" --root "$R" container prune)
	assert_eq "$out" "WARNING! This will remove all stopped containers.
Are you sure you want to continue? [y/N] " "the question, and no"
	assert_eq "$(ps_names -a)" "cr ex2 ex1 paused keep" "nothing removed"

	mdr_ok container prune -f --filter until=1h
	assert_eq "$out" "Total reclaimed space: 0B" "until=1h: all are newer"
	mdr_ok container prune -f --filter label=gc=yes
	assert_eq "$out" "Deleted Containers:
$ex1

Total reclaimed space: 6B"
	mdr_ok container prune --force --filter 'label!=gc'
	assert_eq "$(echo "$out" | sed -n '2,3p' | sort)" "$(printf '%s\n' "$cr" "$ex2" | sort)"
	assert_eq "$(ps_names -a)" "paused keep" "running and paused ones stay"
	[ -d "$R/containers/$ex2" ] && fail "ex2's directory is left"
	out=$(echo y | timeout 20 "$MYDOCKER" --root "$R" container prune)
	assert_contains "$out" "Total reclaimed space: 0B"
	mdr_ok ps -q --no-trunc -f name=keep
	assert_eq "$out" "$keep"

	mdr_rc 1 container prune -f --filter color=red
	assert_contains "$err" "invalid filter 'color'"
	mdr_rc 1 container prune -f --filter until=yesterday
	assert_contains "$err" 'failed to parse value as time or duration: "yesterday"'
	mdr_rc 1 container prune -f --filter until=1h --filter until=2h
	assert_contains "$err" "more than one until filter specified"
	mdr_ok unpause paused
	store_end
}

t_inspect_format() {
	ps_begin
	mdr_ok run -d --name i1 --label k=v busybox sleep 1000
	mdr_rc 3 run --name i2 busybox sh -c 'exit 3'
	mdr_ok inspect -f '{{.State.Status}}' i1
	assert_eq "$out" running
	mdr_ok inspect --format '{{.Name}} {{.State.ExitCode}} {{.RestartCount}}' i1 i2
	assert_eq "$out" "/i1 0 0
/i2 3 0"
	mdr_ok inspect -f '{{json .State}}' i1
	assert_eq "$(jq -r '.Status, .Running' <<<"$out" | tr '\n' ' ')" "running true "
	mdr_ok container inspect -f '{{index .Config.Labels "k"}}|{{index .Config.Labels "none"}}' i1
	assert_eq "$out" "v|"
	mdr_ok inspect -f '{{.Os}} {{len .RootFS.Layers}}' busybox
	assert_eq "$out" "linux 1" "an image"
	mdr_ok image inspect --format '{{json .RepoTags}}' busybox
	assert_contains "$out" '"busybox:latest"'
	mdr_ok inspect --format json i1
	assert_eq "$(jq -r '.[0].Name' <<<"$out")" /i1
	mdr_rc 1 inspect -f '{{.Name' i1
	assert_contains "$err" "template parsing error"
	mdr_rc 1 container inspect -f '{{.Name.Bad}}' i1
	assert_contains "$err" "can't evaluate field Bad in type string"
	mdr_rc 1 inspect -f '{{.Name}}' i1 nosuch
	assert_eq "$out" "/i1" "the one found is printed"
	assert_contains "$err" "No such object: nosuch"
	store_end
}

# ps_watch FILE: ps -a --format json again and again until FILE is gone;
# then "RUNS FAILURES" into FILE.done. A failure: ps failed, or printed a
# line that is not a whole record.
ps_watch() {
	local n=0 bad=0 out
	while [ -e "$1" ]; do
		out=$(timeout 10 "$MYDOCKER" --root "$R" ps -a --format json 2>&1) || bad=$((bad + 1))
		jq -e -s 'all(.[]; (.ID | test("^[0-9a-f]{12}$")) and (.Names | length > 0) and
			(.State | length > 0))' <<<"$out" >/dev/null 2>&1 || bad=$((bad + 1))
		n=$((n + 1))
	done
	echo "$n $bad" >"$1.done"
}

# ps while 20 run -d and then 20 rm -f go on at once (three rounds): it
# never fails and never prints half a record.
t_ps_while_containers_come_and_go() {
	local round i pids watch result
	ps_begin
	watch=$SD/watching
	touch "$watch"
	ps_watch "$watch" &
	for round in 1 2 3; do
		pids=()
		for i in $(seq 20); do
			"$MYDOCKER" --root "$R" run -d --name "cc$i" busybox sleep 1000 >/dev/null 2>"$SD/run$i.err" &
			pids+=($!)
		done
		for i in "${!pids[@]}"; do
			wait "${pids[i]}" || fail "round $round: a run -d failed: $(cat "$SD/run$((i + 1)).err")"
		done
		mdr_ok ps -q
		assert_eq "$(echo "$out" | wc -l)" 20 "round $round: 20 running"
		pids=()
		for i in $(seq 20); do
			"$MYDOCKER" --root "$R" rm -f "cc$i" >/dev/null 2>&1 &
			pids+=($!)
		done
		for i in "${pids[@]}"; do wait "$i" || fail "round $round: an rm -f failed"; done
		mdr_ok ps -aq
		assert_eq "$out" "" "round $round: all removed"
	done
	rm -f "$watch"
	wait_for 200 test -e "$watch.done" || fail "the watcher did not stop"
	result=$(cat "$watch.done")
	echo "ps ran ${result% *} times meanwhile; ${result#* } failures"
	assert_eq "${result#* }" 0 "ps failed or printed a bad line"
	[ "${result% *}" -ge 6 ] || fail "ps ran only ${result% *} times"
	store_end
}

# ps -a over 200 containers (100 exited, 100 created): every one listed,
# each once, in the right state. Its speed (issue 14: 20 ms) is measured by
# bench/ps-200, not here: a timed test fails on a busy or sanitizer build.
t_ps_200_containers() {
	local i half n=200 first
	# 200 as bench/ps-200 has them in the first round; about a quarter in the
	# sanitizer round, where each run is slower and the code the same.
	read -r first _ <<<"${BUILDS:-$BUILD}"
	[ "$BUILD" = "$first" ] || n=48
	ps_begin
	for half in 0 1; do
		(
			for ((i = half; i < n; i += 2)); do
				if ((i % 4 < 2)); then
					"$MYDOCKER" --root "$R" run --name "m$i" busybox true >/dev/null 2>&1
				else
					"$MYDOCKER" --root "$R" run --name "m$i" busybox /none >/dev/null 2>&1
				fi
			done
		) &
	done
	wait
	mdr_ok ps -aq
	assert_eq "$(echo "$out" | wc -l)" "$n" "$n containers"
	assert_eq "$(echo "$out" | sort -u | wc -l)" "$n" "$n distinct ids"
	mdr_ok ps -a --format '{{.State}}'
	assert_eq "$(grep -c exited <<<"$out")" $((n / 2)) "exited"
	assert_eq "$(grep -c created <<<"$out")" $((n / 2)) "created"
	store_end
}
