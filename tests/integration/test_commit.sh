# SPDX-License-Identifier: Apache-2.0
# mydocker import, export and commit: a busybox root filesystem (from
# tests/images/make-busybox-image's OCI layout, unpacked with umoci) made an
# image from a file, stdin and gzip; --change; bad archives leave the store
# as it was; a container's changes committed (added, changed, removed
# files, a directory removed and made again) and run; export of a
# container; kill -9 of import and commit at random moments. Each test has
# a store of its own (--root) under its own temporary directory.

# cm_begin: $CT (the test's directory, store_begin's), $R (its store),
# $CM_TAR (the busybox root filesystem tar, with /opt/data/{a,b}, /opt/gone
# and /opt/changed added for the commit tests).
cm_begin() {
	local layout
	store_begin commit
	CT=$SD
	layout=$(tests/images/make-busybox-image) || fail "make-busybox-image"
	umoci unpack --image "$(dirname "$layout")/oci:latest" "$CT/bundle" >/dev/null ||
		fail "umoci unpack"
	mkdir -p "$CT/bundle/rootfs/opt/data"
	echo a >"$CT/bundle/rootfs/opt/data/a"
	echo b >"$CT/bundle/rootfs/opt/data/b"
	echo gone >"$CT/bundle/rootfs/opt/gone"
	echo one >"$CT/bundle/rootfs/opt/changed"
	CM_TAR=$CT/rootfs.tar
	tar --numeric-owner -C "$CT/bundle/rootfs" -cf "$CM_TAR" . || fail "tar the rootfs"
}

# cm_import [ARGS...]: mdr import ARGS..., which must work; $IMG is the id.
cm_import() {
	mdr import "$@"
	[ "$rc" = 0 ] || fail "import $*: rc $rc: $err"
	[[ "$out" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "import printed '$out'"
	IMG=$out
}

# A member of `image inspect`'s object as compact JSON (PATH like
# Config.Cmd; null when absent).
cm_inspect() { # image path
	mdr image inspect "$1"
	[ "$rc" = 0 ] || fail "image inspect $1: $err"
	jq -c ".[0].$2" <<<"$out"
}

# The store's files, for "nothing changed" checks.
cm_store_listing() {
	(cd "$R" && find . -path ./lock -prune -o -print | sort)
}

t_import_file_and_run() {
	cm_begin
	cm_import -m "from a file" "$CM_TAR" mdt/bb:1
	mdr images
	assert_contains "$out" "mdt/bb"
	mdr run --rm mdt/bb:1 cat /opt/data/a
	assert_eq "$rc" 0 "run rc ($err)"
	assert_eq "$out" "a" "a file of the image"
	assert_eq "$(cm_inspect mdt/bb:1 RootFS.Layers | tr -cd , | wc -c)" 0 "one layer"
	assert_eq "$(cm_inspect "$IMG" Config.Cmd)" "null" "no Cmd"
	# The layer is the tar as given: its diff id is the tar's sha256.
	assert_eq "$(cm_inspect "$IMG" RootFS.Layers)" "[\"sha256:$(sha256sum <"$CM_TAR" | cut -c1-64)\"]"
	mdr history "$IMG"
	assert_contains "$out" "from a file"
}

t_import_stdin_gzip_zstd() {
	local plain
	cm_begin
	cm_import "$CM_TAR"
	plain=$IMG
	gzip -c "$CM_TAR" >"$CT/rootfs.tar.gz"
	md --root "$R" import - mdt/gz <"$CT/rootfs.tar.gz"
	assert_eq "$rc" 0 "import - (gzip): $err"
	zstd -q -c "$CM_TAR" >"$CT/rootfs.tar.zst" || skip "no zstd"
	cm_import "$CT/rootfs.tar.zst" mdt/zst
	# The same layer each time: one unpacked copy.
	assert_eq "$(ls "$R/layers" | grep -c '^[0-9a-f]\{64\}$')" 1 "layers in the store"
	assert_eq "$(cm_inspect mdt/gz RootFS.Layers)" "$(cm_inspect "$plain" RootFS.Layers)"
	mdr run --rm mdt/zst cat /opt/changed
	assert_eq "$out" "one" "run the zstd import"
}

t_import_changes() {
	cm_begin
	cm_import -c 'CMD ["echo","hi"]' -c 'ENV A=1' -c 'WORKDIR /opt' -c 'LABEL k=v' \
		-c 'EXPOSE 80' "$CM_TAR" mdt/ch
	assert_eq "$(cm_inspect mdt/ch Config.Cmd)" '["echo","hi"]'
	assert_contains "$(cm_inspect mdt/ch Config.Env)" '"A=1"'
	assert_eq "$(cm_inspect mdt/ch Config.WorkingDir)" '"/opt"'
	assert_eq "$(cm_inspect mdt/ch Config.Labels)" '{"k":"v"}'
	assert_eq "$(cm_inspect mdt/ch Config.ExposedPorts)" '{"80/tcp":{}}'
	mdr run --rm mdt/ch
	assert_eq "$out" "hi" "the image's CMD"
	mdr run --rm mdt/ch sh -c 'echo $A $(pwd)'
	assert_eq "$out" "1 /opt" "the image's ENV and WORKDIR"
	# shell form, and ENTRYPOINT that clears the CMD before it
	cm_import -c 'ENTRYPOINT echo from sh' "$CM_TAR" mdt/ep
	assert_eq "$(cm_inspect mdt/ep Config.Entrypoint)" '["/bin/sh","-c","echo from sh"]'
	mdr import -c 'RUN true' "$CM_TAR"
	assert_eq "$rc" 1 "a change that is not one"
	assert_contains "$err" "run is not a valid change command"
}

# A python-made tar: ../escape, a truncated tar, a symlink then a file
# through it. Each import fails with one line and the store stays as it was.
t_import_bad_archives() {
	local before f
	cm_begin
	cm_import "$CM_TAR" mdt/ok
	before=$(cm_store_listing)
	python3 - "$CT" <<-'PY'
		import io, sys, tarfile
		d = sys.argv[1]
		def tar(name, entries):
		    with tarfile.open(f"{d}/{name}", "w") as t:
		        for n, kind, arg in entries:
		            i = tarfile.TarInfo(n)
		            if kind == "sym":
		                i.type, i.linkname = tarfile.SYMTYPE, arg
		                t.addfile(i)
		            else:
		                i.size = len(arg)
		                t.addfile(i, io.BytesIO(arg))
		tar("dotdot.tar", [("ok", "file", b"x"), ("../escape", "file", b"evil")])
		tar("abs.tar", [("/abs", "file", b"evil")])
		tar("link.tar", [("l", "sym", "/tmp"), ("l/evil", "file", b"evil")])
	PY
	head -c 20000 "$CM_TAR" >"$CT/truncated.tar"
	gzip -c "$CM_TAR" | head -c 30000 >"$CT/truncated.tar.gz"
	echo "not a tar" >"$CT/garbage.tar"
	for f in dotdot abs link truncated garbage; do
		mdr import "$CT/$f.tar" mdt/bad
		assert_eq "$rc" 1 "import $f.tar"
		assert_eq "$(echo "$err" | wc -l)" 1 "one error line for $f.tar: $err"
	done
	mdr import - mdt/bad <"$CT/truncated.tar.gz"
	assert_eq "$rc" 1 "import of a truncated gzip"
	assert_eq "$(cm_store_listing)" "$before" "the store after the bad imports"
	[ ! -e "$CT/escape" ] && [ ! -e /abs ] && [ ! -e /tmp/evil ] || fail "written outside"
	mdr images
	assert_not_contains "$out" "mdt/bad"
}

# The changes the commit tests make in a container of mdt/base.
CM_CHANGES='echo new >/added && echo two >>/opt/changed && rm /opt/gone &&
	rm -rf /opt/data && mkdir /opt/data && echo c >/opt/data/c && echo host >/etc/hostname'

t_commit_layers_and_changes() {
	local base_layers new_layers last
	cm_begin
	cm_import -c 'ENV BASE=1' "$CM_TAR" mdt/base
	mdr run --name mdt-c1 -e EXTRA=2 mdt/base sh -c "$CM_CHANGES"
	assert_eq "$rc" 0 "the changes ($err)"
	mdr commit -m "my change" -a "Tester <t@example.com>" -c 'CMD ["cat","/added"]' mdt-c1 mdt/new:2
	assert_eq "$rc" 0 "commit: $err"
	[[ "$out" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "commit printed '$out'"
	mdr run --rm mdt/new:2
	assert_eq "$out" "new" "the CMD given to commit"
	mdr run --rm mdt/new:2 sh -c 'cat /opt/changed; ls /opt/data; ls /opt; echo $BASE $EXTRA'
	assert_eq "$out" "$(printf 'one\ntwo\nc\nchanged\ndata\n1 2')" "the committed image"
	# the base image is as it was
	mdr run --rm mdt/base sh -c 'ls /opt/data; ls /opt; test ! -e /added && echo none'
	assert_eq "$out" "$(printf 'a\nb\nchanged\ndata\ngone\nnone')" "the base image"
	# layered: the base's layers plus one
	base_layers=$(cm_inspect mdt/base RootFS.Layers)
	new_layers=$(cm_inspect mdt/new:2 RootFS.Layers)
	assert_eq "${new_layers%,*}]" "$base_layers" "the base's layers first"
	assert_eq "$(echo "$new_layers" | tr -cd , | wc -c)" 1 "one layer more"
	assert_eq "$(cm_inspect mdt/new:2 Author)" '"Tester <t@example.com>"'
	mdr history mdt/new:2
	assert_contains "$out" "my change"
	# the new layer: a whiteout, an opaque directory, no /etc/hostname
	last=$(echo "$new_layers" | sed 's/.*sha256:\([0-9a-f]*\).*/\1/')
	[ -c "$R/layers/$last/diff/opt/gone" ] || fail "no whiteout for /opt/gone"
	assert_eq "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' \
		"$R/layers/$last/diff/opt/data")" y "/opt/data opaque"
	[ ! -e "$R/layers/$last/diff/etc/hostname" ] || fail "/etc/hostname in the layer"
}

# A tree's names, modes and owners, without the /etc files mydocker
# mounts.
cm_tree() { # dir
	(cd "$1" && find . -printf '%p %M %U:%G\n' | grep -v -e '^./etc/hostname ' -e '^./etc/hosts ' \
		-e '^./etc/resolv.conf ' | sort)
}

t_export_container() {
	local want got
	cm_begin
	cm_import "$CM_TAR" mdt/base
	mdr run --name mdt-e1 mdt/base sh -c "$CM_CHANGES"
	assert_eq "$rc" 0 "the changes ($err)"
	timeout 30 "$MYDOCKER" --root "$R" export mdt-e1 >"$CT/out.tar" || fail "export"
	mdr export -o "$CT/out2.tar" mdt-e1
	assert_eq "$rc" 0 "export -o: $err"
	cmp -s "$CT/out.tar" "$CT/out2.tar" || fail "export and export -o differ"
	mkdir "$CT/x"
	tar -C "$CT/x" -xf "$CT/out.tar" || fail "tar -x of the export"
	# The image's files with the container's changes, nothing else (the
	# files mydocker mounts on /etc are the mount points run made, or not).
	chroot "$CT/bundle/rootfs" /bin/sh -c "$CM_CHANGES" || fail "the changes on the copy"
	want=$(cm_tree "$CT/bundle/rootfs")
	got=$(cm_tree "$CT/x")
	assert_eq "$got" "$want" "the exported tree"
	assert_eq "$(cat "$CT/x/opt/data/c" "$CT/x/opt/changed")" "$(printf 'c\none\ntwo')"
	assert_eq "$(tar -tvf "$CT/out.tar" bin/busybox | cut -c1-10)" "-rwxr-xr-x" "a file's mode"
	# not to a terminal
	out=$(python3 tests/integration/ptyrun.py -- "$MYDOCKER" --root "$R" export mdt-e1 2>&1)
	assert_contains "$out" "cowardly refusing to save to a terminal"
	mdr export nosuch
	assert_eq "$rc" 1 "export of no container"
	assert_contains "$err" "No such container"
}

# kill -9 of import and commit at random moments, 20 rounds each: the
# images still list and inspect, their layers are there, and both commands
# work afterwards. Each round's tar and upper dir differ from the last, so
# that every import and commit has a new layer to unpack.
t_commit_import_killed() {
	local i pid id l upper
	cm_begin
	cm_import "$CM_TAR" mdt/base
	mdr run --name mdt-k1 mdt/base sh -c "$CM_CHANGES"
	upper=$(echo "$R"/containers/*/upper)
	[ -d "$upper" ] || fail "no upper dir"
	for i in $(seq 20); do
		cp "$CM_TAR" "$CT/k.tar"
		echo "$i" >"$CT/round"
		tar -C "$CT" -rf "$CT/k.tar" round
		"$MYDOCKER" --root "$R" import "$CT/k.tar" "mdt/k:$i" >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		echo "$i" >"$upper/round"
		"$MYDOCKER" --root "$R" commit mdt-k1 "mdt/kc:$i" >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	mdr images -q --no-trunc
	assert_eq "$rc" 0 "images after the kills: $err"
	for id in $out; do
		cm_inspect "$id" RootFS.Layers >/dev/null
		for l in $(cm_inspect "$id" RootFS.Layers | tr -d '[]"' | tr , ' '); do
			[ -d "$R/layers/${l#sha256:}/diff" ] || fail "image $id: layer $l missing"
		done
	done
	[ -z "$(ls "$R/layers" | grep -v '^[0-9a-f]\{64\}$' | grep -v '^tmp-')" ] ||
		fail "odd names in layers: $(ls "$R/layers")"
	cm_import "$CM_TAR" mdt/after
	mdr commit mdt-k1 mdt/after-commit
	assert_eq "$rc" 0 "commit after the kills: $err"
	mdr run --rm mdt/after-commit cat /added
	assert_eq "$out" "new" "the commit after the kills"
}
