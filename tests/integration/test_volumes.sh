# SPDX-License-Identifier: Apache-2.0
# Volumes, binds and tmpfs: `mydocker volume` (create, ls, inspect, rm,
# prune, Docker's output and errors; a volume named by a container record
# is in use) and `mydocker run` with -v, --mount and --tmpfs on a busybox
# image (binds rw and ro, a missing host directory made, named volumes
# that outlive their containers, the first-use copy of the image's
# content, anonymous volumes, tmpfs size and options, a symlink in the
# image that must not lead the copy out of the rootfs). Each test has a
# store of its own (--root) under its own temporary directory.

# vol_begin: $VT (the test's directory), $R (its store).
vol_begin() {
	VT=$(mktemp -d "/tmp/md-vol.$MD_TEST_RUN.XXXXXX")
	R=$VT/root
	trap vol_end EXIT
}

# Everything the test made: its containers, what is mounted below $VT,
# $VT.
vol_end() {
	local id m
	if [ -d "$R/containers" ]; then
		for id in $(ls "$R/containers"); do
			timeout 20 "$MYDOCKER" --root "$R" rm -f "$id" >/dev/null 2>&1
		done
	fi
	for m in $(awk -v d="$VT" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$VT"
}

# mdr ARGS...: mydocker with the test's store.
mdr() {
	md --root "$R" "$@"
}

# mdr_ok ARGS...: the same, which must work.
mdr_ok() {
	mdr "$@"
	[ "$rc" = 0 ] || fail "mydocker $*: rc $rc: $err"
}

# A container record that mounts the volume, as containers/records.c
# writes them (the volume store reads its Mounts).
vol_fake_record() { # id volume
	mkdir -p "$R/containers/$1"
	printf '{"Id":"%s","Mounts":[{"Type":"volume","Name":"%s","Destination":"/d"}]}\n' \
		"$1" "$2" >"$R/containers/$1/container.json"
}

t_volume_create_ls_inspect() {
	local anon names
	vol_begin
	mdr_ok volume create
	anon=$out
	[[ "$anon" =~ ^[0-9a-f]{64}$ ]] || fail "an anonymous name: '$anon'"
	mdr_ok volume create --label a=b --label c data1
	assert_eq "$out" data1
	mdr_ok volume create --name data2 -d local
	assert_eq "$out" data2
	mdr_ok volume create data1
	assert_eq "$out" data1 "create again"
	[ -d "$R/volumes/data1/_data" ] || fail "no _data"

	names=$(printf '%s\n' "$anon" data1 data2 | LC_ALL=C sort)
	mdr_ok volume ls
	assert_eq "$out" "DRIVER    VOLUME NAME
$(sed 's/^/local     /' <<<"$names")"
	mdr_ok volume list -q
	assert_eq "$out" "$names"
	mdr_ok volume ls -q --filter name=a2$
	assert_eq "$out" data2 "name filter"
	mdr_ok volume ls -q -f label=a=b
	assert_eq "$out" data1 "label filter"
	mdr_ok volume ls --format json -f name=data1
	assert_eq "$(jq -c '[.Name, .Driver, .Labels, .Scope]' <<<"$out")" \
		'["data1","local","a=b,c=","local"]'

	mdr_ok volume inspect data1 data2
	assert_eq "$(jq -c '[.[] | .Name]' <<<"$out")" '["data1","data2"]'
	assert_eq "$(jq -c '.[0].Labels' <<<"$out")" '{"a":"b","c":""}'
	assert_eq "$(jq -r '.[0].Mountpoint' <<<"$out")" "$R/volumes/data1/_data"
	assert_eq "$(jq -c '.[0] | [.Driver, .Scope, .Options]' <<<"$out")" '["local","local",{}]'
	assert_eq "$(jq -c '.[1].Labels' <<<"$out")" '{}' "no labels: {}, as Docker's volume create"
	[[ "$(jq -r '.[0].CreatedAt' <<<"$out")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]] ||
		fail "CreatedAt"
	assert_contains "$out" $'[\n    {\n        "CreatedAt"' "Docker's indents"
}

t_volume_errors() {
	vol_begin
	mdr volume create a
	assert_eq "$rc" 1
	assert_contains "$err" "create a: volume name is too short"
	mdr volume create 'a/b'
	assert_eq "$rc" 1
	assert_contains "$err" 'includes invalid characters for a local volume name'
	mdr volume create --name x1 x2
	assert_contains "$err" "conflicting options"
	mdr volume create -d nfs v1
	assert_contains "$err" 'plugin "nfs" not found'
	mdr_ok volume create v1
	mdr volume inspect v1 nosuch
	assert_eq "$rc" 1
	assert_eq "$(jq -c '[.[] | .Name]' <<<"$out")" '["v1"]' "the ones found"
	assert_contains "$err" "get nosuch: no such volume"
	assert_not_contains "$err" "no such file" "no strerror"
	mdr volume ls --bogus
	assert_eq "$rc" 125
	mdr volume ls -f foo=bar
	assert_contains "$err" "invalid filter 'foo'"
	mdr volume rm
	assert_eq "$rc" 125 "rm without a name"
	mdr volume frob
	assert_eq "$rc" 1
	assert_contains "$err" 'unknown command "frob" for "mydocker volume"'
}

t_volume_rm_and_in_use() {
	vol_begin
	mdr_ok volume create used
	mdr_ok volume create free
	echo data >"$R/volumes/free/_data/f"
	vol_fake_record "c$MD_TEST_RUN" used
	mdr volume rm used free nosuch
	assert_eq "$rc" 1
	assert_eq "$out" free "removed"
	assert_contains "$err" "remove used: volume is in use - [c$MD_TEST_RUN]"
	assert_contains "$err" "get nosuch: no such volume"
	[ ! -e "$R/volumes/free" ] || fail "free is still there"
	mdr_ok volume rm -f nosuch
	mdr volume ls -q -f dangling=false
	assert_eq "$out" used "in use"
	mdr volume ls -q -f dangling=true
	assert_eq "$out" "" "dangling"
	rm -rf "$R/containers/c$MD_TEST_RUN"
	mdr_ok volume remove used
	mdr_ok volume ls -q
	assert_eq "$out" ""
}

t_volume_prune() {
	local anon used
	vol_begin
	mdr_ok volume create
	anon=$out
	mdr_ok volume create
	used=$out
	mdr_ok volume create named
	vol_fake_record "c$MD_TEST_RUN" "$used"
	head -c 1500 /dev/zero >"$R/volumes/$anon/_data/f"
	ln "$R/volumes/$anon/_data/f" "$R/volumes/$anon/_data/g"
	# Asked first; no is no.
	out=$(echo n | timeout 10 "$MYDOCKER" --root "$R" volume prune)
	assert_contains "$out" "WARNING! This will remove anonymous local volumes"
	[ -d "$R/volumes/$anon" ] || fail "pruned without a yes"
	out=$(echo y | timeout 10 "$MYDOCKER" --root "$R" volume prune)
	assert_contains "$out" "Deleted Volumes:
$anon

Total reclaimed space: 1.5kB"
	mdr_ok volume prune -f
	assert_eq "$out" "Total reclaimed space: 0B" "nothing more without --all"
	mdr_ok volume prune -af
	assert_eq "$out" "Deleted Volumes:
named

Total reclaimed space: 0B"
	mdr_ok volume ls -q
	assert_eq "$out" "$used" "the one in use stays"
}
