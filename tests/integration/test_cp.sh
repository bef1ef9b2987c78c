# SPDX-License-Identifier: Apache-2.0
# mydocker cp and diff (issue 14): files and directories both ways with
# Docker's rules (an existing directory, a new name, "/.", "-" tar streams),
# owners (0:0, -a), a running and a stopped container, volumes; symlinks in
# the container that point at the host's files (/../../etc, /proc/1/root)
# resolve inside the container, whichever way the copy goes; diff's A/C/D.
# Each test has a store of its own (lib.sh: store_busybox) with the busybox
# test image as "bb" and a host directory $H in it; store_end (at its end,
# and from the EXIT trap when it fails) removes what is left.

cp_begin() {
	store_busybox cp
	H=$SD/host
	mkdir -p "$H"
}

# A stopped container NAME whose command made some files.
cp_stopped() { # name
	mdr_ok run --name "$1" bb sh -c 'echo hi >/root/f; mkdir -p /tmp/d/e; echo g >/tmp/d/e/g;
		chown 1234:5678 /tmp/d/e/g; chmod 640 /tmp/d/e/g'
}

# A running container NAME (run -d), with the same files, after running
# $CP_SETUP (shell commands) first.
cp_running() { # name [run flags...]
	local name=$1
	shift
	mdr_ok run -d --name "$name" "$@" bb sh -c "${CP_SETUP:-} echo hi >/root/f;
		mkdir -p /tmp/d/e; echo g >/tmp/d/e/g; exec sleep 1000"
	wait_for 50 cp_has "$name" /tmp/d/e/g || fail "$name did not make its files"
}

cp_has() { # container path
	"$MYDOCKER" --root "$R" cp "$1:$2" - >/dev/null 2>&1
}

# The content of a file of the container, through cp's tar.
cp_cat() { # container path
	"$MYDOCKER" --root "$R" cp "$1:$2" - | tar -xO
}

# "uid/gid mode" of the tar's only entry for a container's path.
cp_owner() { # container path
	"$MYDOCKER" --root "$R" cp "$1:$2" - | tar -tv --numeric-owner | awk 'NR == 1 { print $2, $1 }'
}

t_cp_out_files_and_directories() {
	cp_begin
	cp_stopped c1
	mkdir "$H/dir"
	echo old >"$H/file"
	mdr_ok cp c1:/root/f "$H/new"
	assert_eq "$(cat "$H/new")" hi "a file to a new name"
	mdr_ok cp c1:root/f "$H/dir"
	assert_eq "$(cat "$H/dir/f")" hi "a file into a directory (no leading /)"
	mdr_ok cp c1:/root/f "$H/file"
	assert_eq "$(cat "$H/file")" hi "a file over a file"
	mdr cp c1:/root/f "$H/nodir/"
	assert_eq "$rc" 1 "a file to a missing dir/"
	assert_contains "$err" "no such directory"
	mdr_ok cp c1:/tmp/d "$H/dir"
	assert_eq "$(cat "$H/dir/d/e/g")" g "a directory into a directory"
	mdr_ok cp c1:/tmp/d "$H/newdir"
	assert_eq "$(cat "$H/newdir/e/g")" g "a directory to a new name"
	mkdir "$H/contents"
	mdr_ok cp c1:/tmp/d/. "$H/contents"
	assert_eq "$(cat "$H/contents/e/g")" g "dir/. copies the contents"
	assert_eq "$(stat -c '%u:%g %a' "$H/contents/e/g")" "0:0 640" "owner (the caller's) and mode"
	mdr cp c1:/tmp/d "$H/file"
	assert_eq "$rc" 1 "a directory onto a file"
	assert_contains "$err" "cannot copy directory"
	mdr cp c1:/nope "$H"
	assert_eq "$rc" 1
	assert_contains "$err" "Could not find the file /nope in container c1"
	mdr cp nosuch:/x "$H"
	assert_eq "$rc" 1
	assert_contains "$err" "No such container: nosuch"
	mdr cp c1:/root/f "$H/no/such/dir/x"
	assert_eq "$rc" 1
	assert_contains "$err" "does not exist"
	mdr cp "$H/file" "$H/x"
	assert_contains "$err" "must specify at least one container source"
	store_end
}

t_cp_in_files_owners_and_stdin() {
	cp_begin
	CP_SETUP='mkdir /srv;' cp_running c1
	echo host >"$H/f"
	chown 1234:5678 "$H/f"
	chmod 4750 "$H/f"
	mkdir -p "$H/d/sub"
	echo s >"$H/d/sub/s"
	chown -R 1234:5678 "$H/d"
	mdr_ok cp "$H/f" c1:/root/
	assert_eq "$(cp_cat c1 /root/f)" host "a file into a directory"
	assert_eq "$(cp_owner c1 /root/f)" "0/0 -rwsr-x---" "root's by default, mode kept"
	mdr_ok cp -a "$H/f" c1:/root/kept
	assert_eq "$(cp_owner c1 /root/kept)" "1234/5678 -rwsr-x---" "-a keeps uid/gid"
	mdr_ok cp "$H/d" c1:/opt
	assert_eq "$(cp_cat c1 /opt/sub/s)" s "a directory to a new name"
	assert_eq "$(cp_owner c1 /opt/sub/s | cut -d' ' -f1)" "0/0"
	mdr_ok cp -a "$H/d/." c1:/tmp/d
	assert_eq "$(cp_cat c1 /tmp/d/sub/s)" s "dir/. into an existing directory"
	assert_eq "$(cp_owner c1 /tmp/d/sub/s | cut -d' ' -f1)" "1234/5678"
	assert_eq "$(cp_cat c1 /tmp/d/e/g)" g "what was there stays"
	# - : a tar from stdin into a directory
	(cd "$H" && tar -cf - f d) | "$MYDOCKER" --root "$R" cp - c1:/nodir 2>"$SD/err"
	assert_contains "$(cat "$SD/err")" "must be a directory" "- into a missing directory"
	(cd "$H" && tar -cf - f d) | "$MYDOCKER" --root "$R" cp - c1:/srv ||
		fail "cp - c1:/srv: rc $?"
	assert_eq "$(cp_cat c1 /srv/d/sub/s)" s "the tar's tree"
	assert_eq "$(cp_owner c1 /srv/f | cut -d' ' -f1)" "0/0" "- is root's too"
	mdr cp "$H/f" c1:/nonexist/x
	assert_eq "$rc" 1
	assert_contains "$err" "Could not find the file /nonexist in container c1"
	mdr cp "$H/nope" c1:/root
	assert_eq "$rc" 1
	assert_contains "$err" "no such file or directory"
	store_end
}

t_cp_tar_streams() {
	local list
	cp_begin
	cp_running c1
	list=$("$MYDOCKER" --root "$R" cp c1:/tmp/d - | tar -t)
	assert_eq "$(echo $list)" "d/ d/e/ d/e/g" "a directory's tar"
	list=$("$MYDOCKER" --root "$R" cp c1:/tmp/d/. - | tar -t)
	assert_eq "$(echo $list)" "./ ./e/ ./e/g" "dir/.'s tar"
	list=$("$MYDOCKER" --root "$R" cp c1:/etc/hostname - | tar -t)
	assert_eq "$list" hostname "a file's tar"
	assert_eq "$(cp_cat c1 /etc/hostname)" "$(mdr inspect c1 && jq -r '.[0].Config.Hostname' <<<"$out")" \
		"the container's /etc/hostname (bound over its own)"
	store_end
}

# Symlinks inside the container that aim at the host: they resolve inside
# the container's root, and nothing on the host is read or written.
t_cp_symlinks_stay_inside_the_container() {
	canary=INJECTED.$MD_TEST_RUN
	cp_begin
	trap 'rm -f "/etc/$canary" "/etc/$canary.2" "/etc/$canary.3"; store_end' EXIT
	CP_SETUP='ln -s /../../../../etc /evil; ln -s /proc/1/root /p1;
		ln -s ../../../../../etc/hostname /hn; mkdir /e2;' cp_running c1
	echo canary >"$H/$canary"
	mdr_ok cp "$H/$canary" c1:/evil/
	[ ! -e "/etc/$canary" ] || fail "cp through /evil wrote the host's /etc"
	assert_eq "$(cp_cat c1 "/etc/$canary")" canary "it went to the container's /etc"
	mdr_ok cp "$H/$canary" "c1:/evil/$canary.2"
	[ ! -e "/etc/$canary.2" ] || fail "cp to /evil/NAME wrote the host's /etc"
	(cd "$H" && cp "$canary" "$canary.3" && tar -cf - "$canary.3") |
		"$MYDOCKER" --root "$R" cp - c1:/evil || fail "cp - into /evil"
	[ ! -e "/etc/$canary.3" ] || fail "cp - through /evil wrote the host's /etc"
	# Out: the container's files, never the host's.
	mdr_ok cp c1:/hn "$H/hn-link"
	[ -L "$H/hn-link" ] || fail "a symlink is copied as a symlink without -L"
	mdr_ok cp -L c1:/hn "$H/hn"
	assert_eq "$(cat "$H/hn")" "$(cp_cat c1 /etc/hostname)" "-L: the container's /etc/hostname"
	mdr_ok cp -L c1:/evil "$H/etc"
	cmp -s "$H/etc/passwd" /etc/passwd && fail "-L /evil copied the host's /etc"
	assert_eq "$(cat "$H/etc/passwd")" "$(cp_cat c1 /etc/passwd)" "the container's /etc"
	mdr cp c1:/p1/etc/shadow "$H/shadow"
	[ "$rc" != 0 ] || fail "cp through /proc/1/root worked"
	[ ! -e "$H/shadow" ] || fail "cp through /proc/1/root wrote a file"
	mdr cp "$H/$canary" c1:/p1/
	[ "$rc" != 0 ] || fail "cp into /proc/1/root worked"
	# A tar whose own symlink aims out: its entries land in the container.
	ln -s / "$H/out"
	mkdir -p "$H/evil-tar/etc"
	echo x >"$H/evil-tar/etc/$canary.3"
	(cd "$H" && tar -cf - out && tar -C evil-tar -cf - --transform 's|^etc|out/etc|' etc) |
		"$MYDOCKER" --root "$R" cp - c1:/e2 2>/dev/null
	[ ! -e "/etc/$canary.3" ] || fail "a tar's symlink led to the host's /etc"
	store_end
}

t_cp_stopped_container() {
	local mounts
	cp_begin
	mdr run --name c1 bb cat /root/in
	assert_eq "$rc" 1 "no /root/in yet"
	mounts=$(grep -c "$SD" /proc/self/mountinfo)
	echo copied >"$H/in"
	mdr_ok cp "$H/in" c1:/root/in
	mdr_ok cp c1:/root/in "$H/back"
	assert_eq "$(cat "$H/back")" copied "copied out of a stopped container"
	assert_eq "$(grep -c "$SD" /proc/self/mountinfo)" "$mounts" "nothing stays mounted"
	mdr start -a c1
	assert_eq "$rc" 0 "start: $err"
	assert_eq "$out" copied "the container sees the file"
	mdr_ok diff c1
	assert_contains "$out" "A /root/in"
	store_end
}

t_cp_volumes_and_binds() {
	cp_begin
	mkdir -p "$H/vol"
	echo in-volume >"$H/vol/v"
	cp_running c1 -v "$H/vol:/data" -v "$H/vol:/ro:ro"
	assert_eq "$(cp_cat c1 /data/v)" in-volume "a bind's file"
	echo new >"$H/n"
	mdr_ok cp "$H/n" c1:/data/
	assert_eq "$(cat "$H/vol/n")" new "copied into the bind's host directory"
	mdr cp "$H/n" c1:/ro/
	assert_eq "$rc" 1 "into a read-only bind"
	assert_contains "$err" "mounted volume is marked read-only"
	mdr_ok stop -t 1 c1
	assert_eq "$(cp_cat c1 /data/v)" in-volume "a stopped container's bind"
	store_end
}

t_cp_read_only_rootfs() {
	cp_begin
	echo x >"$H/x"
	mdr_ok run --read-only --name ro bb true
	mdr cp "$H/x" ro:/tmp/
	assert_eq "$rc" 1
	assert_contains "$err" "container rootfs is marked read-only"
	store_end
}

t_diff_lists_changes() {
	local want
	cp_begin
	mdr_ok run --name c1 bb sh -c 'echo x >/root/new; echo y >>/etc/passwd; rm /etc/group;
		mkdir -p /opt/a/b; ln -s /etc /opt/a/l'
	mdr_ok diff c1
	want="C /etc
D /etc/group
C /etc/passwd
A /opt
A /opt/a
A /opt/a/b
A /opt/a/l
C /root
A /root/new"
	assert_eq "$out" "$want" "diff"
	mdr diff nosuch
	assert_eq "$rc" 1
	assert_contains "$err" "No such container: nosuch"
	mdr_ok run --name clean --init bb true
	mdr_ok diff clean
	assert_eq "$out" "" "the engine's /etc files and docker-init are not changes"
	mdr_ok container diff c1
	assert_eq "$out" "$want" "container diff"
	store_end
}

# A directory removed and made again is opaque: C, its new entries A; a
# running container's changes show as they happen.
t_diff_opaque_and_running() {
	cp_begin
	mdr_ok run --name base bb sh -c 'mkdir -p /opt/data && echo a >/opt/data/a'
	mdr_ok commit base based
	mdr_ok run -d --name c1 based sh -c 'rm -rf /opt/data; mkdir /opt/data; echo n >/opt/data/n;
		exec sleep 1000'
	wait_for 50 cp_has c1 /opt/data/n || fail "c1 did not run"
	mdr_ok diff c1
	assert_eq "$out" "C /opt
C /opt/data
A /opt/data/n" "an opaque directory"
	store_end
}
