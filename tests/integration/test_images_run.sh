# SPDX-License-Identifier: Apache-2.0
# mydocker run IMAGE and the container store: the image's config merged
# with the flags, the /etc files, names, ps/rm/start/inspect, --rm,
# --read-only, the sweep after a killed mydocker, shared layers, and the
# host-root mode beside it. Each test has a store of its own under a
# temporary directory, removed with everything in it (containers, mounts)
# even when the test fails.

# img_begin: $D (the test's directory), $R (its store), the trap that
# cleans up; $D/busybox.tar, the busybox image's root filesystem
# (tests/images/make-busybox-image's layout, unpacked with umoci).
img_begin() {
	local archive
	D=$(mktemp -d "/tmp/md-img.$MD_TEST_RUN.XXXXXX")
	R=$D/root
	trap img_end EXIT
	archive=$(tests/images/make-busybox-image) || fail "make-busybox-image"
	cp -a "$(dirname "$archive")/oci" "$D/oci"
	umoci unpack --image "$D/oci:latest" "$D/bundle" >/dev/null || fail "umoci unpack"
	tar --numeric-owner -C "$D/bundle/rootfs" -cf "$D/busybox.tar" . || fail "tar"
	rm -rf "$D/bundle"
}

# img_end: every container removed (killed first), every mount below $D
# undone, $D removed. Safe to call twice (the tests call it, then the trap).
img_end() {
	local ids
	[ -n "${D:-}" ] && [ -d "$D" ] || return 0
	ids=$(timeout 20 "$MYDOCKER" --root "$R" ps -aq --no-trunc 2>/dev/null)
	[ -n "$ids" ] && timeout 20 "$MYDOCKER" --root "$R" rm -f $ids >/dev/null 2>&1
	awk -v d="$D/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf "$D"
}

# mdr ARGS...: mydocker with the test's store ($out, $err, $rc as md).
mdr() {
	md --root "$R" "$@"
}

# img_import NAME [IMPORT FLAGS...]: the busybox root filesystem as NAME.
img_import() {
	local name=$1
	shift
	mdr import "$@" "$D/busybox.tar" "$name"
	assert_eq "$rc" 0 "import $name: $err"
}

# The store's containers: their directories.
containers_in_store() {
	ls "$R/containers" 2>/dev/null | grep -c '^[0-9a-f]\{64\}$'
}

t_image_run_command_env_and_exit_codes() {
	img_begin
	img_import bb -c 'CMD ["sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	mdr run --rm bb echo hello
	assert_eq "$rc" 0 "$err"
	assert_eq "$out" hello
	mdr run --rm bb sh -c 'exit 7'
	assert_eq "$rc" 7
	mdr run --rm bb /no/such/thing
	assert_eq "$rc" 127 "a missing command"
	mdr run --rm bb # the image's Cmd: sh, with stdin /dev/null
	assert_eq "$rc" 0 "the image's command: $err"
	mdr run --rm bb sh -c 'echo $$; hostname'
	assert_eq "$(echo "$out" | head -n 1)" 1 "the command is PID 1"
	[[ "$(echo "$out" | sed -n 2p)" =~ ^[0-9a-f]{12}$ ]] || fail "hostname: $out"
	mdr run --rm nosuchimage true
	assert_eq "$rc" 125
	assert_contains "$err" "Unable to find image 'nosuchimage:latest' locally"
	assert_eq "$(containers_in_store)" 0 "--rm leaves no container"
	img_end
}

# An image whose config umoci wrote (loaded as an OCI layout), else, while
# mydocker has no load, the same config through import's --change.
img_configured() { # name
	local id
	if "$MYDOCKER" load --help >/dev/null 2>&1; then
		umoci config --image "$D/oci:latest" --config.entrypoint /bin/echo \
			--config.entrypoint ep --config.cmd c1 --config.cmd c2 \
			--config.env A=image --config.env B=image \
			--config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			--config.workingdir /work/dir --config.user daemon || fail "umoci config"
		mdr load -i "$D/oci"
		assert_eq "$rc" 0 "load: $err"
		id=$(echo "$out" | sed -n 's/^Loaded image ID: //p')
		[ -n "$id" ] || id=$("$MYDOCKER" --root "$R" images -q | head -n 1)
		mdr tag "$id" "$1"
		assert_eq "$rc" 0 "tag: $err"
	else
		img_import "$1" -c 'ENTRYPOINT ["/bin/echo", "ep"]' -c 'CMD ["c1", "c2"]' \
			-c 'ENV A=image B=image' \
			-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			-c 'WORKDIR /work/dir' -c 'USER daemon'
	fi
}

t_image_config_meets_the_flags() {
	img_begin
	img_configured conf
	mdr run --rm conf
	assert_eq "$out" "ep c1 c2" "Entrypoint then Cmd: $err"
	mdr run --rm conf x y
	assert_eq "$out" "ep x y" "COMMAND replaces Cmd"
	mdr run --rm --entrypoint /bin/sh conf -c 'echo $A $B $C; pwd; id -u'
	assert_eq "$(echo $out)" "image image /work/dir 1" "--entrypoint drops Cmd; Env, WorkingDir (made), User"
	mdr run --rm --entrypoint /bin/pwd conf
	assert_eq "$out" /work/dir "--entrypoint alone: no Cmd left"
	printf '# comment\n\n  B=file value  \nC=file\nHOSTVAL\n' >"$D/env"
	HOSTVAL=fromhost mdr run --rm -e C=flag --env-file "$D/env" --entrypoint /bin/sh conf \
		-c 'echo "[$A][$B][$C][$HOSTVAL]"'
	assert_eq "$out" "[image][file value  ][flag][fromhost]" "--env-file, then -e, over the image's Env"
	mdr run --rm -w /other -u 0:0 --entrypoint "" conf sh -c 'pwd; id -u'
	assert_eq "$(echo $out)" "/other 0" "--entrypoint '' clears it; -w and -u win"
	mdr run --rm --entrypoint "" conf
	assert_eq "$rc" 125
	assert_contains "$err" "no command specified"
	mdr run --rm -w /etc/passwd conf
	assert_eq "$rc" 125 "a working directory that is a file"
	printf 'bad name=1\n' >"$D/env2"
	mdr run --rm --env-file "$D/env2" conf
	assert_eq "$rc" 125
	assert_contains "$err" "contains whitespaces"
	img_end
}

t_image_user_from_the_images_passwd() {
	img_begin
	mkdir "$D/layer"
	tar -C "$D/layer" -xf "$D/busybox.tar"
	echo 'imguser:x:4242:4343::/home/imguser:/bin/sh' >>"$D/layer/etc/passwd"
	echo 'imggroup:x:4343:' >>"$D/layer/etc/group"
	echo 'extra:x:5000:imguser' >>"$D/layer/etc/group"
	tar --numeric-owner -C "$D/layer" -cf "$D/busybox.tar" .
	img_import users
	mdr run --rm -u imguser users sh -c 'id -u; id -g; id -G; echo $HOME'
	assert_eq "$(echo $out)" "4242 4343 4343 5000 /home/imguser" "$err"
	mdr run --rm -u daemon:extra users id
	assert_eq "$out" "uid=1(daemon) gid=5000(extra)" "-u NAME:GROUP: no group lists daemon"
	mdr run --rm -u nosuchuser users true
	assert_eq "$rc" 125 "a user the image does not have"
	# /etc/passwd a symlink out of the rootfs: read inside it, so the
	# host's users are never seen.
	ln -sf ../../../../../../etc/passwd.real "$D/layer/etc/passwd"
	echo 'linked:x:777:777::/:/bin/sh' >"$D/layer/etc/passwd.real"
	tar --numeric-owner -C "$D/layer" -cf "$D/busybox.tar" .
	img_import linked
	mdr run --rm -u linked linked id -u
	assert_eq "$out" 777 "passwd through a symlink, inside the rootfs: $err"
	img_end
}

t_image_etc_files() {
	local host_ns
	img_begin
	img_import bb
	mdr run --rm -h box1 bb sh -c 'cat /etc/hostname; cat /etc/hosts; echo ---; cat /etc/resolv.conf'
	assert_eq "$rc" 0 "$err"
	assert_eq "$(echo "$out" | head -n 1)" box1
	assert_contains "$out" $'127.0.0.1\tlocalhost\n'
	assert_contains "$out" $'::1\tlocalhost ip6-localhost ip6-loopback\n'
	assert_contains "$out" $'\tbox1\n'
	host_ns=$(grep -E '^[[:space:]]*nameserver' /etc/resolv.conf | awk '$2 !~ /^127\.|^::1$/ { print $2 }')
	if [ -n "$host_ns" ]; then
		assert_contains "$out" "nameserver $(echo "$host_ns" | head -n 1)"
	else
		assert_contains "$out" "nameserver 8.8.8.8"
	fi
	assert_not_contains "$(echo "$out" | sed -n '/---/,$p')" "nameserver 127." "loopback nameservers"
	img_end
}

t_image_names() {
	img_begin
	img_import bb
	mdr run --name web1 bb true
	assert_eq "$rc" 0 "$err"
	mdr run --name web1 bb true
	assert_eq "$rc" 125 "a name in use"
	assert_contains "$err" 'The container name "/web1" is already in use by container'
	for bad in a _x -x 'a b' 'a/b' 'é1'; do
		mdr run --name "$bad" bb true
		assert_eq "$rc" 125 "name '$bad'"
	done
	assert_contains "$err" "Invalid container name"
	mdr run bb true
	mdr ps -a --format json
	assert_eq "$(echo "$out" | wc -l)" 2 "two containers"
	[[ "$(echo "$out" | head -n 1)" =~ \"Names\":\"[a-z]+_[a-z]+[0-9]*\" ]] || fail "random name: $out"
	mdr rm web1
	assert_eq "$out" web1
	mdr run --name web1 bb true
	assert_eq "$rc" 0 "a name free again: $err"
	img_end
}

t_image_ps_rm_start_inspect() {
	local id
	img_begin
	img_import bb
	mdr run --name first bb sh -c 'echo kept > /data; exit 3'
	assert_eq "$rc" 3
	mdr ps
	assert_eq "$(echo "$out" | wc -l)" 1 "ps without -a: only the header"
	assert_contains "$out" "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES"
	mdr ps -a
	assert_contains "$out" "Exited (3) "
	assert_contains "$out" "\"sh -c 'echo kept > …\"" "COMMAND: an argument with a space in '...' (Docker's), cut to 20"
	assert_contains "$out" first
	mdr ps -aq
	id=$out
	[[ "$id" =~ ^[0-9a-f]{12}$ ]] || fail "ps -q: '$id'"
	mdr container inspect first
	assert_eq "$rc" 0 "$err"
	assert_contains "$out" '"Name": "/first"'
	assert_contains "$out" '"Status": "exited"'
	assert_contains "$out" '"ExitCode": 3'
	assert_contains "$out" '"Path": "sh"'
	mdr start -a first
	assert_eq "$rc" 3 "start: the same command again"
	mdr start -a "$id" # by id prefix
	assert_eq "$rc" 3
	mdr container inspect first nosuch
	assert_eq "$rc" 1
	assert_contains "$err" "No such container: nosuch"
	mdr run --name second bb cat /data
	assert_eq "$rc" 1 "another container does not see the file"
	# start sees the files the first run wrote: run a container whose
	# command reads them.
	mdr run --name reader bb sh -c 'test -e /mark && cat /mark || echo once > /mark'
	assert_eq "$out" "" "first run"
	mdr start -a reader
	assert_eq "$out" once "start sees what the first run wrote: $err"
	mdr rm first second reader nosuch
	assert_eq "$rc" 1
	assert_eq "$(echo $out)" "first second reader"
	assert_eq "$(containers_in_store)" 0
	img_end
}

t_image_read_only() {
	img_begin
	img_import bb
	mdr run --rm --read-only bb sh -c 'touch /x 2>&1; echo > /etc/hosts 2>&1; cat /etc/hostname >/dev/null && echo readable'
	assert_contains "$out" "Read-only file system"
	assert_contains "$out" readable
	mdr run --rm bb sh -c 'touch /x && echo writable'
	assert_eq "$out" writable
	img_end
}

t_image_rm_running_and_force() {
	local pid
	img_begin
	img_import bb
	"$MYDOCKER" --root "$R" run --name long bb sleep 300 &
	pid=$!
	wait_for 50 eval '"$MYDOCKER" --root "$R" ps | grep -q long' || fail "not running"
	mdr ps
	assert_contains "$out" "Up "
	mdr rm long
	assert_eq "$rc" 1
	assert_contains "$err" "container is running"
	mdr rm -f long
	assert_eq "$rc" 0 "$err"
	wait $pid
	assert_eq "$?" 137 "mydocker run of a killed container"
	assert_eq "$(containers_in_store)" 0
	grep -q " $D/" /proc/self/mountinfo && fail "a mount left: $(grep " $D/" /proc/self/mountinfo)"
	img_end
}

t_image_kill9_of_run_is_swept() {
	local pid
	img_begin
	img_import bb
	for name in kept gone; do
		if [ $name = gone ]; then
			"$MYDOCKER" --root "$R" run --rm --name $name bb sleep 300 &
		else
			"$MYDOCKER" --root "$R" run --name $name bb sleep 300 &
		fi
		pid=$!
		wait_for 50 eval '"$MYDOCKER" --root "$R" ps | grep -q $name' || fail "$name not running"
		kill -9 $pid
		wait $pid 2>/dev/null
		grep -q " $D/root/containers/.*/rootfs " /proc/self/mountinfo ||
			fail "no mount left by the killed run (the test tests nothing)"
		mdr ps -a # the next command sweeps
		assert_eq "$rc" 0 "$err"
		grep -q " $D/" /proc/self/mountinfo && fail "mount not swept: $(grep " $D/" /proc/self/mountinfo)"
	done
	assert_contains "$out" "Exited (137)"
	assert_contains "$out" kept
	assert_not_contains "$out" gone "--rm honoured by the sweep"
	mdr start kept & # the record still runs
	pid=$!
	wait_for 50 eval '"$MYDOCKER" --root "$R" ps | grep -q kept' || fail "start after the sweep"
	mdr rm -f kept
	assert_eq "$rc" 0 "$err"
	wait $pid
	img_end
}

t_image_host_root_mode_unchanged() {
	img_begin
	img_import bb
	mdr run /bin/sh -c 'test -e /usr/bin/dpkg && echo host'
	assert_eq "$out" host "a command starting with / runs from the host's root"
	mdr run --rm /bin/true
	assert_eq "$rc" 0
	assert_eq "$(containers_in_store)" 0 "no record for a host command"
	mdr run --name x1 /bin/true
	assert_eq "$rc" 125 "--name with a host command"
	img_end
}

t_image_containers_share_layers() {
	local before after per
	img_begin
	img_import bb
	before=$(du -sk "$R" | cut -f1)
	for i in $(seq 10); do
		mdr run --name "c$i" bb true
		assert_eq "$rc" 0 "$err"
	done
	after=$(du -sk "$R" | cut -f1)
	per=$(((after - before) / 10))
	# The image is ~2 MB: a copy a container would be 2000 KiB each.
	[ "$per" -lt 200 ] || fail "each container takes $per KiB (store $before -> $after KiB)"
	assert_eq "$(ls "$R/layers" | grep -c '^[0-9a-f]\{64\}$')" 1 "one layer for all"
	img_end
}

# -v, --mount and --tmpfs reach the container (engine/containers/mounts.c
# makes them; test_volumes.sh tests them further); the record names its
# volumes; --rm removes an anonymous volume, not a named one.
t_image_run_mounts() {
	img_begin
	img_import bb
	mkdir "$D/host"
	echo from-host >"$D/host/f"
	mdr run --rm -v "$D/host:/mnt" --mount "type=bind,src=$D/host,dst=/ro,readonly" \
		--tmpfs /scratch:size=1m bb sh -c 'cat /mnt/f; echo new > /mnt/g; touch /ro/x 2>&1;
			grep " /scratch " /proc/mounts | cut -d" " -f3'
	assert_eq "$rc" 0 "$err"
	assert_contains "$out" from-host
	assert_contains "$out" "Read-only file system"
	assert_contains "$out" tmpfs
	assert_eq "$(cat "$D/host/g")" new "written through the bind"
	mdr run --name withvol -v named1:/etc bb true # first use: the image's /etc copied
	assert_eq "$rc" 0 "$err"
	mdr run --rm -v named1:/data bb cat /data/passwd
	assert_contains "$out" "root:x:0:0" "the volume kept the copy"
	mdr container inspect withvol
	assert_contains "$out" '"Name": "named1"'
	mdr volume rm named1
	assert_eq "$rc" 1 "a volume a container names"
	mdr rm withvol
	mdr run --rm -v /anon bb true
	mdr volume ls -q
	assert_eq "$out" named1 "--rm removed the anonymous volume only"
	mdr volume rm named1
	mdr run -v "$D/host:/mnt" /bin/cat /mnt/f
	assert_eq "$out" from-host "a bind with a host command"
	img_end
}
