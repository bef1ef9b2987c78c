# SPDX-License-Identifier: Apache-2.0
# mydocker load, save, images, tag, rmi, history, inspect: the busybox test
# image (tests/images/make-busybox-image) as an OCI archive, an OCI layout
# directory, and converted by skopeo to a docker-archive (plain and gzip'd)
# and an oci-archive; archives made by image-archives.py (three layers,
# symlinked layers, refused and evil ones); save read back by mydocker,
# podman and skopeo; two loads at once; kill -9 of load. Each test has a
# store of its own (--root) under its own temporary directory; podman and
# skopeo run in a private mount namespace with a tmpfs on /var/lib (their
# blob-info cache), with their storage under /tmp/mdc.RUN.* and file
# locks there (none in /dev/shm).

IMG_NAME=localhost/mdtest/busybox:latest
ARCHIVES=tests/integration/image-archives.py

# im_begin: $IT (the test's directory), $R (its store), $IM_OCI_TAR (the
# OCI archive), $IM_LAYOUT (the OCI layout directory), $IM_CACHE (the test
# image's cache entry, where the converted archives are kept).
im_begin() {
	IT=$(mktemp -d "/tmp/md-img.$MD_TEST_RUN.XXXXXX")
	R=$IT/root
	trap im_end EXIT
	IM_OCI_TAR=$(tests/images/make-busybox-image) || fail "make-busybox-image"
	IM_CACHE=$(dirname "$IM_OCI_TAR")
	IM_LAYOUT=$IM_CACHE/oci
}

im_end() {
	rm -rf "$IT"
	[ -n "${IM_PODMAN:-}" ] && rm -rf "$IM_PODMAN"
	return 0
}

# mdr ARGS...: mydocker with the test's store ($out, $err, $rc).
mdr() {
	md --root "$R" "$@"
}

# A command in a private mount namespace whose /var/lib is an empty tmpfs:
# skopeo and podman write their blob-info cache there, not on the host.
im_private() {
	unshare -m --propagation private bash -c 'mount -t tmpfs tmpfs /var/lib && exec "$@"' _ \
		env TMPDIR="$IT" timeout -k 2 30 "$@"
}

# The test image converted by skopeo (once; cached beside the image):
# im_converted docker|oci prints the archive's path.
im_converted() { # kind
	local f=$IM_CACHE/busybox-$1-archive.tar tmp
	if [ ! -s "$f" ]; then
		command -v skopeo >/dev/null || skip "needs skopeo"
		tmp=$(mktemp "$IM_CACHE/.convert.XXXXXX")
		rm -f "$tmp"
		im_private skopeo copy -q "oci:$IM_LAYOUT:latest" "$1-archive:$tmp:$IMG_NAME" >&2 ||
			{ rm -f "$tmp"; fail "skopeo copy to $1-archive"; }
		mv -f "$tmp" "$f"
	fi
	echo "$f"
}

# mdr load ..., which must work; $IMG_ID gets the image's id.
im_load() {
	mdr load "$@"
	[ "$rc" = 0 ] || fail "load $*: rc $rc: $err"
	mdr images -q --no-trunc
	IMG_ID=$(echo "$out" | head -n 1)
}

# A member of the first inspect object as JSON (path like RootFS.Layers).
im_inspect() { # image path
	mdr image inspect "$1"
	[ "$rc" = 0 ] || fail "image inspect $1: $err"
	python3 -c 'import json, sys
v = json.load(sys.stdin)[0]
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print(json.dumps(v, separators=(",", ":")))' "$2" <<<"$out"
}

# The store's names and contents, except its lock files (what a refused
# load must leave as it was).
im_store_state() {
	(cd "$R" && find . -name lock -prune -o -name gc.lock -prune -o -printf '%y %p\n' | sort)
}

t_images_load_formats() {
	local docker oci want f
	im_begin
	docker=$(im_converted docker)
	oci=$(im_converted oci)
	gzip -c "$docker" >"$IT/docker.tar.gz"
	im_load -i "$IM_OCI_TAR"
	assert_eq "$out" "$IMG_ID" "images -q"
	want=$IMG_ID
	mdr images
	assert_contains "$out" "localhost/mdtest/busybox   latest"
	for f in "$docker" "$IT/docker.tar.gz" "$oci" "$IM_LAYOUT"; do
		rm -rf "$R"
		im_load -i "$f"
		assert_eq "$IMG_ID" "$want" "the image id from $f"
	done
	# The layout directory has a bare tag: an image with no name.
	assert_eq "$(mdr images; echo "$out" | tail -n 1 | awk '{print $1, $2}')" "<none> <none>"
	rm -rf "$R"
	md --root "$R" load <"$IT/docker.tar.gz"
	[ "$rc" = 0 ] || fail "load from stdin: $err"
	assert_eq "$out" "Loaded image: $IMG_NAME"
	cat "$docker" | md --root "$R" load -i - -q
	assert_eq "$out" "Loaded image: $IMG_NAME" "load -i - again"
}

# Three layers (a whiteout, an opaque dir, a hard link), and two images in
# the old layout whose shared layer is a symlink; parallel unpacks.
t_images_load_layers() {
	local l d
	im_begin
	python3 "$ARCHIVES" docker "$IT/l3.tar" layers3 || fail "image-archives.py"
	python3 "$ARCHIVES" docker "$IT/sym.tar" symlinked || fail "image-archives.py"
	im_load -i "$IT/l3.tar"
	assert_eq "$out" "$IMG_ID"
	l=$(im_inspect mdt/evil:layers3 RootFS.Layers)
	assert_eq "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$l")" 3
	d=$R/layers/$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[2][7:])' "$l")/diff
	[ -c "$d/etc/gone" ] || fail "the whiteout is no 0/0 device"
	[ "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' \
		"$d/opq" 2>/dev/null)" = y ] ||
		fail "opq is not opaque"
	mdr load -i "$IT/sym.tar"
	assert_eq "$out" "Loaded image: mdt/evil:symlinked
Loaded image: mdt/evil:symlinked2" "load of two images"
	assert_eq "$(im_inspect mdt/evil:symlinked2 RootFS.Layers)" \
		"$(im_inspect mdt/evil:symlinked RootFS.Layers | cut -d, -f1)]" "the shared layer"
	mdr history mdt/evil:layers3
	assert_eq "$(echo "$out" | wc -l)" 4 "history rows"
}

t_images_list_tag_rmi() {
	im_begin
	im_load -i "$IM_OCI_TAR"
	mdr tag localhost/mdtest/busybox mdt/copy:v1
	[ "$rc" = 0 ] || fail "tag: $err"
	mdr tag "${IMG_ID:7:8}" other.example:5000/x/y
	[ "$rc" = 0 ] || fail "tag by id prefix: $err"
	mdr images
	assert_eq "$(echo "$out" | head -n 1 | tr -s ' ')" "REPOSITORY TAG IMAGE ID CREATED SIZE" \
		"the header"
	assert_contains "$out" "mdt/copy                   v1        ${IMG_ID:7:12}"
	assert_contains "$out" "other.example:5000/x/y     latest"
	mdr images mdt/copy
	assert_eq "$(echo "$out" | wc -l)" 2 "images REPOSITORY"
	mdr images mdt/copy:v2
	assert_eq "$(echo "$out" | wc -l)" 1 "images REPOSITORY:TAG"
	mdr images --format json
	assert_eq "$(echo "$out" | python3 -c 'import json,sys; print(sorted({json.loads(l)["Tag"] for l in sys.stdin}))')" \
		"['latest', 'v1']"
	mdr images --digests --no-trunc
	assert_contains "$out" "$IMG_ID"
	assert_contains "$out" "DIGEST"
	# By id with tags in three repositories: Docker's conflict.
	mdr rmi "${IMG_ID:7:12}"
	assert_eq "$rc" 1
	assert_contains "$err" "unable to delete ${IMG_ID:7:12} (must be forced) - image is referenced in multiple repositories"
	mdr rmi mdt/copy:v1
	assert_eq "$out" "Untagged: mdt/copy:v1"
	mdr rmi nosuch mdt/copy:v1
	assert_eq "$rc" 1
	assert_contains "$err" "No such image: nosuch"
	assert_contains "$err" "No such image: mdt/copy:v1"
	mdr rmi -f "$IMG_ID"
	assert_eq "$rc" 0 "rmi -f: $err"
	assert_eq "$out" "Untagged: localhost/mdtest/busybox:latest
Untagged: other.example:5000/x/y:latest
Deleted: $IMG_ID"
	mdr images -q
	assert_eq "$out" ""
	assert_eq "$(ls "$R/layers" "$R/blobs/sha256" | grep -c '^[0-9a-f]\{64\}$')" 0 "layers and blobs left"
}

t_images_history_inspect() {
	im_begin
	im_load -i "$IM_OCI_TAR"
	mdr history localhost/mdtest/busybox
	assert_eq "$rc" 0 "history: $err"
	assert_eq "$(echo "$out" | head -n 1 | tr -s ' ')" "IMAGE CREATED CREATED BY SIZE COMMENT"
	assert_contains "$(echo "$out" | sed -n 2p)" "${IMG_ID:7:12}   "
	assert_contains "$(echo "$out" | sed -n 2p)" "make-busybox-image (busybox-static 1:1.35.0-…"
	assert_contains "$(echo "$out" | sed -n 3p)" "<missing>"
	mdr history -q --no-trunc localhost/mdtest/busybox
	assert_eq "$out" "$IMG_ID
<missing>"
	assert_eq "$(im_inspect "$IMG_NAME" Id)" "\"$IMG_ID\""
	assert_eq "$(im_inspect "$IMG_NAME" RepoTags)" "[\"$IMG_NAME\"]"
	assert_eq "$(im_inspect "$IMG_NAME" Config.Cmd)" '["sh"]'
	assert_eq "$(im_inspect "$IMG_NAME" Author)" '"mydocker-tests"'
	assert_eq "$(im_inspect "$IMG_NAME" RootFS.Type)" '"layers"'
	[ "$(im_inspect "$IMG_NAME" Size)" -gt 1000000 ] || fail "Size"
	mdr inspect "${IMG_ID:7:5}" nosuch
	assert_eq "$rc" 1
	assert_eq "$err" "mydocker: No such object: nosuch"
	assert_eq "$(echo "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1
	mdr image inspect nosuch
	assert_eq "$rc" 1
	assert_eq "$out" "[]"
	assert_eq "$err" "mydocker: No such image: nosuch"
	mdr history nosuch
	assert_eq "$rc" 1
	assert_contains "$err" "No such image: nosuch"
}

t_images_cli_errors() {
	im_begin
	mdr tag a
	assert_eq "$rc" 1
	assert_contains "$err" "\"mydocker tag\" requires exactly 2 arguments."
	mdr rmi
	assert_eq "$rc" 1
	assert_contains "$err" "\"mydocker rmi\" requires at least 1 argument."
	mdr images a b
	assert_contains "$err" "\"mydocker images\" accepts at most 1 argument."
	mdr load x
	assert_contains "$err" "\"mydocker load\" accepts no arguments."
	mdr images --bogus
	assert_eq "$rc" 125
	mdr load -i "$IT/nothere.tar"
	assert_eq "$rc" 1
	assert_contains "$err" "no such file or directory"
	mdr image nosuch
	assert_eq "$rc" 1
	mdr tag nosuch x
	assert_eq "$rc" 1
	assert_contains "$err" "No such image: nosuch"
}

# save, loaded back: the same image; saving twice gives the same bytes;
# two images in one archive.
t_images_save_roundtrip() {
	local id
	im_begin
	python3 "$ARCHIVES" docker "$IT/l3.tar" layers3 || fail "image-archives.py"
	im_load -i "$IM_OCI_TAR"
	id=$IMG_ID
	mdr load -i "$IT/l3.tar"
	mdr save -o "$IT/one.tar" "$IMG_NAME"
	assert_eq "$rc" 0 "save: $err"
	"$MYDOCKER" --root "$R" save "$IMG_NAME" >"$IT/two.tar" || fail "save to stdout"
	cmp "$IT/one.tar" "$IT/two.tar" || fail "two saves differ"
	tar tf "$IT/one.tar" >"$IT/list" || fail "tar tf"
	grep -qx manifest.json "$IT/list" || fail "no manifest.json"
	grep -qx oci-layout "$IT/list" || fail "no oci-layout"
	mdr save -o "$IT/both.tar" "$IMG_NAME" mdt/evil:layers3
	[ "$rc" = 0 ] || fail "save two: $err"
	rm -rf "$R"
	mdr load -i "$IT/one.tar"
	assert_eq "$out" "Loaded image: $IMG_NAME"
	mdr images -q --no-trunc
	assert_eq "$out" "$id" "the id after save and load"
	rm -rf "$R"
	mdr load -i "$IT/both.tar"
	assert_eq "$(echo "$out" | sort)" "Loaded image: $IMG_NAME
Loaded image: mdt/evil:layers3"
	mdr save -o "$IT/none.tar" nosuch
	assert_eq "$rc" 1
	[ ! -e "$IT/none.tar" ] || fail "a failed save left its file"
	[ -z "$(ls -A "$IT" | grep mydocker_temp)" ] || fail "a temporary file left"
}

# A private podman (vfs storage) loads what save wrote; skopeo reads it as
# both a docker-archive and an oci-archive.
t_images_save_podman_skopeo() {
	local p c pod shm_lock
	command -v podman >/dev/null || skip "needs podman"
	command -v skopeo >/dev/null || skip "needs skopeo"
	im_begin
	shm_lock=0
	[ -e /dev/shm/libpod_lock ] && shm_lock=1
	IM_PODMAN=$(mktemp -d "/tmp/mdc.$MD_TEST_RUN.XXXXXX")
	p=$IM_PODMAN
	mkdir -p "$p"/{root,runroot,tmp}
	printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/root"\nrunroot = "%s/runroot"\n' "$p" "$p" \
		>"$p/storage.conf"
	# lock_type file: the default shm lock would be /dev/shm/libpod_lock.
	printf '[engine]\nevents_logger = "file"\nevents_logfile_path = "%s/events.log"\nlock_type = "file"\nnum_locks = 128\n' \
		"$p" >"$p/containers.conf"
	printf 'unqualified-search-registries = []\nshort-name-mode = "disabled"\n' >"$p/registries.conf"
	pod=(env CONTAINERS_CONF="$p/containers.conf" CONTAINERS_STORAGE_CONF="$p/storage.conf"
		CONTAINERS_REGISTRIES_CONF="$p/registries.conf" podman --root "$p/root"
		--runroot "$p/runroot" --storage-driver vfs --tmpdir "$p/tmp" --events-backend file)
	python3 "$ARCHIVES" docker "$IT/l3.tar" layers3 || fail "image-archives.py"
	im_load -i "$IM_OCI_TAR"
	mdr load -i "$IT/l3.tar"
	mdr save -o "$IT/one.tar" "$IMG_NAME"
	mdr save -o "$IT/both.tar" "$IMG_NAME" mdt/evil:layers3
	c=$(im_private skopeo inspect --raw "docker-archive:$IT/one.tar" 2>&1) || fail "skopeo docker-archive: $c"
	assert_contains "$c" "application/vnd.docker.distribution.manifest.v2+json"
	c=$(im_private skopeo inspect --config "docker-archive:$IT/one.tar" 2>&1) || fail "skopeo: $c"
	assert_contains "$c" '"author": "mydocker-tests"'
	c=$(im_private skopeo inspect "oci-archive:$IT/one.tar" 2>&1) || fail "skopeo oci-archive: $c"
	assert_contains "$c" "\"Digest\": \"$(im_inspect "$IMG_NAME" RepoDigests | sed 's/.*@\(sha256:[0-9a-f]*\).*/\1/')\""
	c=$(im_private "${pod[@]}" load -q -i "$IT/one.tar" 2>&1) || fail "podman load: $c"
	assert_contains "$c" "Loaded image: $IMG_NAME"
	c=$(im_private "${pod[@]}" load -q -i "$IT/both.tar" 2>&1) || fail "podman load of two: $c"
	assert_contains "$c" "mdt/evil:layers3"
	c=$(im_private "${pod[@]}" images --format '{{.Repository}}:{{.Tag}} {{.ID}}' 2>&1)
	assert_contains "$c" "$IMG_NAME ${IMG_ID:7:12}"
	assert_contains "$c" "localhost/mdt/evil:layers3"
	[ -e /dev/shm/libpod_lock ] && [ "$shm_lock" = 0 ] && fail "podman made /dev/shm/libpod_lock"
	return 0
}

t_images_load_twice_at_once() {
	local docker p1 p2
	im_begin
	docker=$(im_converted docker)
	mdr images # the store exists: both loads open it as it is
	"$MYDOCKER" --root "$R" load -i "$docker" >"$IT/o1" 2>&1 &
	p1=$!
	"$MYDOCKER" --root "$R" load -i "$IM_OCI_TAR" >"$IT/o2" 2>&1 &
	p2=$!
	wait $p1 || fail "the first load: $(cat "$IT/o1")"
	wait $p2 || fail "the second load: $(cat "$IT/o2")"
	mdr images -q
	assert_eq "$(echo "$out" | wc -l)" 1 "one image"
	mdr history "$IMG_NAME"
	assert_eq "$rc" 0
}

# A corrupt blob, a truncated archive, a wrong diff id, a missing path:
# one error line each, and the store as it was.
t_images_load_refused() {
	local before f
	im_begin
	python3 "$ARCHIVES" corrupt "$IM_OCI_TAR" "$IT/corrupt.tar" || fail "corrupt"
	head -c $(($(stat -c %s "$IM_OCI_TAR") / 2)) "$IM_OCI_TAR" >"$IT/truncated.tar"
	python3 "$ARCHIVES" docker "$IT/wrong-diff-id.tar" wrong-diff-id || fail "image-archives.py"
	python3 "$ARCHIVES" docker "$IT/missing-path.tar" missing-path || fail "image-archives.py"
	im_load -i "$IM_OCI_TAR"
	mdr images
	local images=$out
	before=$(im_store_state)
	for f in corrupt truncated wrong-diff-id missing-path; do
		mdr load -i "$IT/$f.tar"
		assert_eq "$rc" 1 "load $f"
		assert_eq "$(echo "$err" | wc -l)" 1 "one error line for $f: $err"
		mdr images
		assert_eq "$out" "$images" "images after $f"
		assert_eq "$(im_store_state)" "$before" "the store after $f"
	done
	mdr load -i "$IT/corrupt.tar"
	assert_contains "$err" "digest mismatch"
	mdr load -i "$IT/truncated.tar"
	assert_contains "$err" "runcated"
	mdr load -i "$IT/wrong-diff-id.tar"
	assert_contains "$err" "but its config says"
	mdr load -i "$IT/missing-path.tar"
	assert_contains "$err" "\`9/layer.tar\` is not in the archive"
}

# Archives that try to write outside the store: each refused (or, for a
# symlink in the archive itself, harmless), and the canary directory
# outside the store the same, byte for byte.
t_images_load_evil() {
	local canary m before
	im_begin
	canary=$IT/canary
	mkdir -p "$canary/sub"
	echo "the canary" >"$canary/file"
	before=$(cd "$IT" && find canary -printf '%y %m %s %p %l\n' | sort; cat canary/file)
	for m in name-dotdot name-absolute manifest-dotdot outer-symlink layer-dotdot \
		layer-absolute layer-symlink layer-symlink-rel layer-hardlink layer-whiteout; do
		python3 "$ARCHIVES" docker "$IT/$m.tar" "$m" "$canary" || fail "image-archives.py $m"
		mdr load -i "$IT/$m.tar"
		if [ "$m" = outer-symlink ]; then
			[ "$rc" = 0 ] || fail "outer-symlink: $err"
		else
			assert_eq "$rc" 1 "load $m: $out"
			assert_eq "$(echo "$err" | wc -l)" 1 "one error line for $m: $err"
		fi
		assert_eq "$(cd "$IT" && find canary -printf '%y %m %s %p %l\n' | sort; cat canary/file)" \
			"$before" "the canary after $m"
		[ ! -e "$IT/evil" ] && [ ! -e "$R/evil" ] && [ ! -e "$R/../evil" ] || fail "$m wrote evil"
	done
	mdr images
	assert_eq "$(echo "$out" | wc -l)" 2 "only outer-symlink's image"
}

# kill -9 of load at random moments: the store stays usable, a new load
# works, nothing is left in its temporary places.
t_images_load_kill9() {
	local docker i pid id
	im_begin
	docker=$(im_converted docker)
	for i in $(seq 1 20); do
		"$MYDOCKER" --root "$R" load -i "$( ((i % 2)) && echo "$docker" || echo "$IM_OCI_TAR")" \
			>/dev/null 2>&1 &
		pid=$!
		sleep "0.$(printf '%03d' $((RANDOM % 250)))"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		mdr images -q
		[ "$rc" = 0 ] || fail "images after kill $i: $err"
		id=$out
		[ -n "$id" ] || continue
		mdr inspect "$id"
		[ "$rc" = 0 ] || fail "inspect after kill $i: $err"
		mdr rmi -f "$id"
		[ "$rc" = 0 ] || fail "rmi after kill $i: $err"
	done
	im_load -i "$docker"
	mdr images
	assert_contains "$out" "localhost/mdtest/busybox"
	# The next open swept what the killed loads left.
	assert_eq "$(ls -A "$R/blobs/tmp" | wc -l)" 0 "blobs/tmp"
	assert_eq "$(ls "$R/layers" | grep -c '^tmp-')" 0 "layers/tmp-*"
}

t_images_terminal_refused() {
	local o
	im_begin
	im_load -i "$IM_OCI_TAR"
	o=$(python3 tests/integration/ptyrun.py -- "$MYDOCKER" --root "$R" save "$IMG_NAME" 2>&1)
	assert_contains "$o" "cowardly refusing to save to a terminal. Use the -o flag or redirect"
	o=$(python3 tests/integration/ptyrun.py -- "$MYDOCKER" --root "$R" load 2>&1)
	assert_contains "$o" "requested load from stdin, but stdin is empty"
}
