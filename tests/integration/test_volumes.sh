# SPDX-License-Identifier: Apache-2.0
# Volumes, binds and tmpfs: `mydocker volume` (create, ls, inspect, rm,
# prune, Docker's output and errors; a volume named by a container record
# is in use) and `mydocker run` with -v, --mount and --tmpfs on a busybox
# image (binds rw and ro, a missing host directory made, named volumes
# that outlive their containers, the first-use copy of the image's
# content, anonymous volumes, tmpfs size and options, a symlink in the
# image that must not lead the copy out of the rootfs). Each test has a
# store of its own (--root) under its own temporary directory.

# vol_begin: $VT (the test's directory), $R (its store), removed with
# the containers and mounts in them (lib.sh's store_begin).
vol_begin() {
	store_begin vol
	VT=$SD
}

# mdr_ok ARGS...: mdr (lib.sh: mydocker with the store), which must work.
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

# vol_image [NAME]: the busybox image (tests/images/make-busybox-image's
# layout, unpacked with umoci) with a tree /opt/tree of owners, modes and
# a symlink, imported as NAME (default bb), with a PATH; its root
# filesystem stays in $VT/bundle/rootfs, its tar in $VT/busybox.tar.
vol_image() {
	local archive t=$VT/bundle/rootfs/opt/tree
	if [ ! -f "$VT/busybox.tar" ]; then
		archive=$(tests/images/make-busybox-image) || fail "make-busybox-image"
		umoci unpack --image "$(dirname "$archive")/oci:latest" "$VT/bundle" >/dev/null ||
			fail "umoci unpack"
		mkdir -p "$t/sub"
		echo secret >"$t/sub/f"
		echo plain >"$t/g"
		ln -s sub/f "$t/link"
		chown 1000:1001 "$t/sub/f" && chmod 0600 "$t/sub/f" && chmod 0710 "$t/sub" &&
			chown 12:34 "$t" && chmod 0750 "$t" || fail "the tree's owners"
		tar --numeric-owner -C "$VT/bundle/rootfs" -cf "$VT/busybox.tar" . || fail "tar"
	fi
	mdr import -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' "$VT/busybox.tar" "${1:-bb}"
	[ "$rc" = 0 ] || fail "import: $err"
}

# vol_run ARGS...: mdr run ARGS..., which must work.
vol_run() {
	mdr run "$@"
	[ "$rc" = 0 ] || fail "run $*: rc $rc: $err"
}

t_run_bind_rw_ro_and_made() {
	vol_begin
	vol_image
	mkdir "$VT/h"
	echo host >"$VT/h/f"
	vol_run --rm -v "$VT/h:/data" bb sh -c 'cat /data/f; echo ctr >/data/g'
	assert_eq "$out" host
	assert_eq "$(cat "$VT/h/g")" ctr "written through the bind"
	mdr run --rm -v "$VT/h:/data:ro" bb sh -c 'echo x >/data/g'
	[ "$rc" != 0 ] || fail "a write to a read-only bind worked"
	assert_contains "$err" "Read-only file system"
	assert_eq "$(cat "$VT/h/g")" ctr "unchanged"
	# -v makes a missing host directory; --mount wants it.
	vol_run --rm -v "$VT/new/sub:/x" bb sh -c 'touch /x/made'
	[ -f "$VT/new/sub/made" ] || fail "-v did not make the host directory"
	mdr run --rm --mount "type=bind,src=$VT/nosuch,dst=/x" bb true
	assert_eq "$rc" 125
	assert_contains "$err" "bind source path does not exist: $VT/nosuch"
	[ ! -e "$VT/nosuch" ] || fail "--mount made the source"
	vol_run --rm --mount "type=bind,source=$VT/h,target=/m,readonly" bb sh -c \
		'cat /m/f; grep " /m " /proc/mounts'
	assert_contains "$out" "host"
	assert_contains "$out" " ro,"
}

t_run_named_volume_persists_and_in_use() {
	local id
	vol_begin
	vol_image
	vol_run --rm -v v1:/data bb sh -c 'echo kept >/data/f'
	vol_run --rm -v v1:/data bb cat /data/f
	assert_eq "$out" kept "across two containers"
	mdr_ok volume ls -q
	assert_eq "$out" v1
	# A container kept (no --rm) uses it, running or not.
	vol_run --name keep -v v1:/data bb true
	mdr container inspect keep
	assert_eq "$(jq -c '.[0].Mounts[] | [.Type, .Name, .Destination, .Driver, .RW]' <<<"$out")" \
		'["volume","v1","/data","local",true]'
	assert_eq "$(jq -r '.[0].Mounts[0].Source' <<<"$out")" "$R/volumes/v1/_data"
	id=$(jq -r '.[0].Id' <<<"$out")
	mdr volume rm v1
	assert_eq "$rc" 1
	assert_contains "$err" "remove v1: volume is in use - [$id]"
	mdr_ok volume prune -af
	assert_eq "$out" "Total reclaimed space: 0B" "prune keeps it"
	mdr_ok rm keep
	mdr_ok volume rm v1
	[ ! -e "$R/volumes/v1" ] || fail "v1 is still there"
}

t_run_volume_first_use_copy() {
	local want
	vol_begin
	vol_image
	# The image's tree goes into the new volume, owners and modes kept.
	vol_run --rm -v tree:/opt/tree bb cat /opt/tree/link
	assert_eq "$out" secret
	want=$(cd "$VT/bundle/rootfs/opt/tree" && find . -printf '%P %y %m %U:%G %l\n' | sort)
	assert_eq "$(cd "$R/volumes/tree/_data" && find . -printf '%P %y %m %U:%G %l\n' | sort)" \
		"$want" "the volume's tree"
	assert_eq "$(stat -c '%a %u:%g' "$R/volumes/tree/_data")" "750 12:34" "the top"
	vol_run --rm -v etc:/etc bb true
	assert_eq "$(ls "$R/volumes/etc/_data" | tr '\n' ' ')" "group passwd " "the image's /etc"
	# Once it has content, it is not filled again.
	vol_run --rm -v etc:/etc bb sh -c 'rm /etc/passwd; echo mine >/etc/new'
	vol_run --rm -v etc:/etc bb sh -c 'ls /etc/passwd 2>&1; cat /etc/new'
	assert_contains "$out" "No such file"
	assert_contains "$out" "mine"
	# nocopy, and a target the image does not have: empty.
	vol_run --rm -v empty:/etc:nocopy bb true
	assert_eq "$(ls -A "$R/volumes/empty/_data")" "" "nocopy"
	vol_run --rm --mount type=volume,src=none,dst=/not/there bb true
	assert_eq "$(ls -A "$R/volumes/none/_data")" "" "no such path in the image"
}

t_run_anonymous_volume() {
	local name
	vol_begin
	vol_image
	vol_run --name anon -v /data bb sh -c 'echo a >/data/f'
	mdr_ok volume ls -q
	name=$out
	[[ "$name" =~ ^[0-9a-f]{64}$ ]] || fail "anonymous name '$name'"
	mdr_ok volume inspect "$name"
	assert_eq "$(jq -c '.[0].Labels' <<<"$out")" '{"com.docker.volume.anonymous":""}'
	mdr container inspect anon
	assert_eq "$(jq -r '.[0].Mounts[0].Name' <<<"$out")" "$name"
	mdr_ok rm anon
	mdr_ok volume prune -f
	assert_contains "$out" "$name"
	assert_contains "$out" "Total reclaimed space: 2B"
	# --rm takes its anonymous volumes with it, not the named ones.
	vol_run --rm -v /data -v named:/n bb true
	mdr_ok volume ls -q
	assert_eq "$out" named "after --rm"
}

t_run_tmpfs_and_mount_variants() {
	vol_begin
	vol_image
	vol_run --rm --tmpfs /t:size=2m bb sh -c 'grep " /t " /proc/mounts'
	assert_contains "$out" "tmpfs /t tmpfs rw,nosuid,nodev,noexec"
	assert_contains "$out" "size=2048k"
	mdr run --rm --tmpfs /t:size=1m bb sh -c 'dd if=/dev/zero of=/t/big bs=1k count=2048'
	[ "$rc" != 0 ] || fail "wrote 2 MiB into a 1 MiB tmpfs"
	vol_run --rm --tmpfs /t:exec,mode=700 bb sh -c 'grep " /t " /proc/mounts; stat -c %a /t'
	assert_not_contains "$out" "noexec"
	assert_contains "$out" "700"
	vol_run --rm --mount type=tmpfs,dst=/m,tmpfs-size=64k,tmpfs-mode=1770 bb \
		sh -c 'grep " /m " /proc/mounts; stat -c %a /m'
	assert_contains "$out" "size=64k"
	assert_contains "$out" "1770"
	vol_run --rm --mount type=volume,source=mv,target=/v,volume-nocopy bb sh -c 'echo 1 >/v/f'
	[ -f "$R/volumes/mv/_data/f" ] || fail "--mount type=volume"
	mdr run --rm --tmpfs /t:bogus bb true
	assert_eq "$rc" 125
	assert_contains "$err" 'invalid tmpfs option ["bogus"]'
	mdr run --rm -v /a:/x -v vv:/x bb true
	assert_contains "$err" "Duplicate mount point: /x"
	mdr run --rm -v 'foo:bar' bb true
	assert_contains "$err" "invalid volume specification: 'foo:bar'"
}

# An image whose /data and /rel are symlinks to /etc (absolute, and
# relative with too many ..) and /evil one to a host directory: the
# first-use copy looks each up inside the rootfs (the image's /etc, never
# the host's), and the host's directory is neither read nor written.
t_run_volume_symlink_stays_in_rootfs() {
	vol_begin
	mkdir -p "$VT/secret" "$VT/extra"
	echo key >"$VT/secret/key"
	vol_image
	ln -s /etc "$VT/extra/data"
	ln -s ../../../../../../../../../etc "$VT/extra/rel"
	ln -s "$VT/secret" "$VT/extra/evil"
	tar --numeric-owner -C "$VT/extra" -rf "$VT/busybox.tar" data rel evil || fail "tar"
	mdr import -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' "$VT/busybox.tar" evil
	assert_eq "$rc" 0 "import: $err"
	vol_run --rm -v abs:/data -v rel:/rel evil true
	assert_eq "$(ls "$R/volumes/abs/_data" | tr '\n' ' ')" "group passwd " "abs: the image's /etc"
	assert_eq "$(ls "$R/volumes/rel/_data" | tr '\n' ' ')" "group passwd " "rel: the image's /etc"
	# A symlink that names a host path: nothing to copy inside the rootfs;
	# the container sees its volume, or the mount is refused, but the
	# host's directory is not touched.
	mdr run --rm -v ev:/evil evil sh -c 'ls -A /evil; echo in >/evil/in'
	assert_not_contains "$out" key "the host's file in the container"
	assert_eq "$(ls -A "$VT/secret")" "key" "the host's directory"
	if [ "$rc" = 0 ]; then
		assert_eq "$(ls -A "$R/volumes/ev/_data")" "in" "the volume"
	else
		assert_eq "$(ls -A "$R/volumes/ev/_data" 2>/dev/null)" "" "the volume"
	fi
}

# A host command's root is the host's: a mount over an existing path
# works, one whose target the host lacks is refused before anything is
# made (it would appear on the host's root).
t_run_host_command_mount_targets() {
	local target=/md-vol-$MD_TEST_RUN
	store_begin vol-host
	mkdir -p "$SD/src"
	echo hello >"$SD/src/f"
	mdr run -v "$SD/src:/mnt:ro" /bin/cat /mnt/f
	assert_eq "$rc" 0 "bind over /mnt: $err"
	assert_eq "$out" hello "the bound file"
	mdr run -v "$SD/src:$target" /bin/true
	assert_eq "$rc" 125 "a missing target"
	assert_contains "$err" "does not exist" "the refusal"
	[ ! -e "$target" ] || { rmdir "$target"; fail "$target was made on the host"; }
}
