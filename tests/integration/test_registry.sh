# SPDX-License-Identifier: Apache-2.0
# pull, push, login and logout against Debian's docker-registry (the
# distribution project's registry:2) that each test starts on loopback
# (registry-lib.sh): a multi-layer image and a two-platform index pushed
# by skopeo, by tag and by digest; run's --pull; layers already in the
# store; push (monolithic, chunked, cross-repository mount) read back by
# skopeo; basic auth, the token flow (token-server.py), TLS with the
# test's CA, plain HTTP refused on an address that is not loopback (a
# network namespace of the test's); faults (fault-proxy.py): a registry
# killed mid-pull, 404, a corrupted blob, more bytes than declared, a cut
# connection, endless redirects, kill -9 of pull; passwords out of ps and
# errors. Each test has its own store, registry and directory.

source "$TOP/tests/integration/registry-lib.sh"

# reg_holding WHAT REPO:TAG [reg_start flags]: a registry holding the test
# image WHAT (reg_push) as REPO:TAG, pushed with the registry's credentials
# when it has auth; $ref its full name.
reg_holding() { # what repo:tag [flags]
	local what=$1 repo=$2
	shift 2
	reg_start "$@"
	if [ -n "$REG_AUTH" ]; then
		reg_push "$what" "$repo" --dest-creds "$REG_USER:$REG_PASS"
	else
		reg_push "$what" "$repo"
	fi
	ref=$REG/$repo
}

# The short id of a blob as pull and push print it.
short() { # digest
	local h=${1#sha256:}
	echo "${h:0:12}"
}

# A failed command's stderr: exit 1 (or $2), one line, no password in it.
one_line_error() { # what [rc]
	echo "$1: rc $rc: $err"
	assert_eq "$rc" "${2:-1}" "$1: exit status (stderr: $err)"
	[ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] || fail "$1: not one line on stderr: $err"
	assert_not_contains "$err" "${REG_PASS:-no password}" "$1: stderr"
	assert_not_contains "$out" "${REG_PASS:-no password}" "$1: stdout"
}

# The image ids of the store, full ("sha256:HEX").
store_ids() {
	rmd images -q --no-trunc
	[ "$rc" = 0 ] || fail "images: $err"
	echo "$out"
}

# A store with nothing in it: no image, and no blob or layer left.
store_clean() { # what
	local left
	[ -z "$(store_ids)" ] || fail "$1: images left: $(store_ids)"
	left=$(find "$R/blobs/sha256" "$R/layers" -mindepth 1 -maxdepth 1 2>/dev/null)
	[ -z "$left" ] || fail "$1: left in the store: $left"
	store_no_temps "$1"
}

# No temporary of a write left in the store (blobs/tmp, layers/tmp-*,
# *.tmp-* records).
store_no_temps() { # what
	local left
	left=$(find "$R" -path "$R/containers" -prune -o \( -name 'tmp-*' -o -name '*.tmp-*' \) -print 2>/dev/null)
	left+=$(find "$R/blobs/tmp" -mindepth 1 2>/dev/null)
	[ -z "$left" ] || fail "$1: temporaries left: $left"
}

# pull REF, which must work and say what Docker says; checks the image's id.
pull_ok() { # ref id
	rmd pull "$1"
	[ "$rc" = 0 ] || fail "pull $1: rc $rc: $err"
	assert_eq "$(echo "$out" | tail -n 1)" "$1" "pull's last line"
	store_ids | grep -qxF "$2" || fail "pull $1: id $2 not in the store: $(store_ids)"
}

# A member of image inspect's object, as text (lists and maps in JSON).
inspect_field() { # ref key
	rmd image inspect "$1"
	[ "$rc" = 0 ] || fail "image inspect $1: $err"
	"$REG_PY" -c 'import json, sys
v = json.load(sys.stdin)[0].get(sys.argv[1])
print(json.dumps(v) if isinstance(v, (list, dict)) else v)' "$2" <<<"$out"
}

# The registry log's requests for a path (docker-registry logs each one).
reg_requests() { # method uri-pattern
	grep -c "http.request.method=$1 .*http.request.uri=\"\?$2" "$REG_LOG"
}

t_reg_pull_multi_layer_by_tag() {
	local l id ref
	reg_begin reg-tag
	reg_holding multi mdtest/multi:v1
	id=$(reg_digest mdtest/multi:v1 --config)
	assert_eq "$id" "$(reg_info multi.config)" "skopeo's config digest"
	pull_ok "$ref" "$id"
	assert_contains "$out" "v1: Pulling from mdtest/multi"
	for l in 0 1 2 3; do
		assert_contains "$out" "$(short "$(reg_info multi.layers.$l)"): Pull complete"
	done
	assert_contains "$out" "Digest: $(reg_digest mdtest/multi:v1)"
	assert_contains "$out" "Status: Downloaded newer image for $ref"
	# the layers in order, the whiteout of the third hiding the second's file
	rmd run --rm "$ref" sh -c 'cat /data/a.txt /etc/mdtest-release; test -e /data/gone.txt || echo gone'
	assert_eq "$rc" 0 "run: $err"
	assert_eq "$out" $'layer two\nmdtest multi 1\ngone' "the image's files"
	rmd pull "$ref"
	assert_eq "$rc" 0 "second pull: $err"
	assert_contains "$out" "Status: Image is up to date for $ref"
	rmd pull -q "$ref"
	assert_eq "$out" "$ref" "pull -q"
	[ "$(store_ids | wc -l)" = 1 ] || fail "one image: $(store_ids)"
	store_no_temps "after the pulls"
}

t_reg_pull_by_digest() {
	local d id
	reg_begin reg-digest
	reg_holding multi mdtest/multi:latest
	d=$(reg_digest mdtest/multi:latest)
	id=$(reg_digest mdtest/multi:latest --config)
	pull_ok "$REG/mdtest/multi@$d" "$id"
	assert_contains "$out" "Digest: $d"
	assert_contains "$(inspect_field "$REG/mdtest/multi@$d" RepoDigests)" "$REG/mdtest/multi@$d" "RepoDigests"
	rmd run --rm "$REG/mdtest/multi@$d" cat /etc/mdtest-release
	assert_eq "$out" "mdtest multi 1" "run by digest: $err"
	# the same image by its tag, the default one
	rmd pull "$REG/mdtest/multi"
	assert_eq "$rc" 0 "pull by tag: $err"
	assert_contains "$out" "Using default tag: latest"
	assert_eq "$(echo "$out" | tail -n 1)" "$REG/mdtest/multi:latest" "full name"
	[ "$(store_ids)" = "$id" ] || fail "one image: $(store_ids)"
	# a digest the registry does not have
	rmd pull "$REG/mdtest/multi@sha256:$(printf '%064d' 0)"
	one_line_error "pull of an unknown digest"
}

t_reg_pull_index_platforms() {
	local ref
	reg_begin reg-index
	reg_holding index mdtest/ix:1
	assert_eq "$(reg_digest mdtest/ix:1)" "$(reg_info index.digest)" "the index as pushed"
	pull_ok "$ref" "$(reg_info multi.config)"
	assert_contains "$out" "Digest: $(reg_info index.digest)"
	rmd pull --platform linux/arm64 "$ref"
	assert_eq "$rc" 0 "pull --platform linux/arm64: $err"
	assert_contains "$out" "$(short "$(reg_info arm64.layers.0)"): Pull complete"
	store_ids | grep -qxF "$(reg_info arm64.config)" || fail "no arm64 image: $(store_ids)"
	rmd images -q --no-trunc "$ref"
	assert_eq "$out" "$(reg_info arm64.config)" "the tag names the arm64 image"
	assert_eq "$(inspect_field "$ref" Architecture)" arm64 "Architecture"
	rmd pull --platform linux/s390x "$ref"
	one_line_error "pull of a platform the index lacks"
}

t_reg_layer_already_exists() {
	local base
	reg_begin reg-exists
	reg_holding busybox mdtest/bb:1
	reg_push multi mdtest/multi:1
	base=$(reg_info multi.layers.0)
	assert_eq "$base" "$(reg_info busybox.layers.0)" "the images share busybox's layer"
	pull_ok "$REG/mdtest/bb:1" "$(reg_info busybox.config)"
	pull_ok "$REG/mdtest/multi:1" "$(reg_info multi.config)"
	assert_contains "$out" "$(short "$base"): Already exists"
	assert_contains "$out" "$(short "$(reg_info multi.layers.1)"): Pull complete"
	assert_eq "$(reg_requests GET "/v2/mdtest/multi/blobs/$base")" 0 "GETs of the shared layer from multi"
	assert_eq "$(reg_requests GET "/v2/mdtest/bb/blobs/$base")" 1 "GETs of the shared layer from bb"
	rmd run --rm "$REG/mdtest/multi:1" cat /data/a.txt
	assert_eq "$out" "layer two" "run: $err"
}

t_reg_run_pulls_missing() {
	local ref
	reg_begin reg-run
	reg_holding multi mdtest/multi:1
	rmd run --rm --pull never "$ref" true
	assert_eq "$rc" 125 "run --pull never of a missing image: $err"
	rmd run --rm "$ref" cat /etc/mdtest-release
	assert_eq "$rc" 0 "run of a missing image: $err"
	assert_eq "$out" "mdtest multi 1" "its output"
	assert_contains "$err" "Unable to find image '$ref' locally"
	assert_contains "$err" "Status: Downloaded newer image for $ref"
	# the tag moves to busybox: missing keeps the old image, always sees it
	reg_push busybox mdtest/multi:1
	rmd run --rm "$ref" cat /etc/mdtest-release
	assert_eq "$out" "mdtest multi 1" "run (missing) of a present image: $err"
	rmd run --rm --pull always "$ref" sh -c 'test -e /etc/mdtest-release || echo busybox'
	assert_eq "$rc" 0 "run --pull always: $err"
	assert_eq "$out" busybox "run --pull always ran the new image"
	rmd run --rm --pull bogus "$ref" true
	assert_eq "$rc" 125 "run --pull bogus: $err"
	rmd run --rm "$REG/mdtest/none:1" true
	assert_eq "$rc" 125 "run of an image no registry has: $err"
	assert_not_contains "$out" "mdtest multi"
}

# The multi-layer image loaded (mydocker load of make-registry-images'
# archive) and tagged with each name.
load_multi() { # name...
	local n
	rmd_ok load -i "$REG_IMAGES/multi.tar"
	for n in "$@"; do
		rmd_ok tag localhost/mdtest/multi:latest "$n"
	done
}

# Push's output as Docker's, each layer in state (Pushed, Layer already
# exists, Mounted from REPO), then the digest line.
push_ok() { # ref state
	local l
	rmd push "$1"
	[ "$rc" = 0 ] || fail "push $1: rc $rc: $err"
	assert_contains "$out" "The push refers to repository [${1%:*}]"
	for l in 0 1 2 3; do
		assert_contains "$out" "$(short "$(reg_info multi.layers.$l)"): $2"
	done
	assert_contains "$out" "${1##*:}: digest: $(reg_info multi.manifest) size: $(reg_info multi.size)"
}

t_reg_push_then_pull_back() {
	reg_begin reg-push
	reg_start
	load_multi "$REG/me/multi:v1"
	push_ok "$REG/me/multi:v1" Pushed
	assert_eq "$(reg_digest me/multi:v1)" "$(reg_info multi.manifest)" "the manifest's digest at the registry"
	assert_eq "$(reg_digest me/multi:v1 --config)" "$(reg_info multi.config)" "the config's"
	reg_skopeo copy -q --src-tls-verify=false "docker://$REG/me/multi:v1" "oci:$SD/tmp/back:v1" ||
		fail "skopeo copy back"
	push_ok "$REG/me/multi:v1" "Layer already exists"
	# and pulled back by mydocker into another store
	R=$SD/root2
	pull_ok "$REG/me/multi:v1" "$(reg_info multi.config)"
	assert_contains "$out" "Digest: $(reg_info multi.manifest)"
	rmd push "$REG/me/none:1"
	one_line_error "push of an image the store lacks"
}

t_reg_push_chunked() {
	reg_begin reg-chunk
	reg_start
	load_multi "$REG/me/chunked:1"
	MYDOCKER_PUSH_CHUNK_SIZE=65536 rmd push "$REG/me/chunked:1"
	assert_eq "$rc" 0 "chunked push: $err"
	# the 2 MiB layer in 64 KiB chunks
	[ "$(reg_requests PATCH /v2/me/chunked/blobs/uploads/)" -ge 32 ] ||
		fail "not chunked: $(reg_requests PATCH /v2/me/chunked/blobs/uploads/) PATCHes"
	assert_eq "$(reg_digest me/chunked:1)" "$(reg_info multi.manifest)" "the manifest's digest"
	R=$SD/root2
	pull_ok "$REG/me/chunked:1" "$(reg_info multi.config)"
	rmd run --rm "$REG/me/chunked:1" cat /data/a.txt
	assert_eq "$out" "layer two" "run: $err"
}

t_reg_push_cross_repo_mount() {
	reg_begin reg-mount
	reg_start
	load_multi "$REG/me/one:1" "$REG/me/two:1"
	push_ok "$REG/me/one:1" Pushed
	push_ok "$REG/me/two:1" "Mounted from me/one"
	assert_eq "$(reg_requests PUT /v2/me/two/blobs/uploads/)" 0 "uploads to two"
	assert_eq "$(reg_digest me/two:1)" "$(reg_info multi.manifest)" "the manifest's digest"
}

t_reg_basic_auth() {
	local ref auth
	reg_begin reg-basic
	reg_holding busybox mdtest/bb:1 --auth htpasswd
	rmd pull "$ref"
	one_line_error "pull without credentials"
	rmd login -u "$REG_USER" --password-stdin "$REG" <<<"wrong-$REG_PASS"
	one_line_error "login with a wrong password"
	[ ! -e "$REGISTRY_AUTH_FILE" ] || fail "a failed login wrote the auth file"
	rmd login -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
	assert_eq "$rc" 0 "login: $err"
	assert_contains "$out" "Login Succeeded"
	assert_eq "$(stat -c %a "$REGISTRY_AUTH_FILE")" 600 "the auth file's mode"
	auth=$(printf '%s' "$REG_USER:$REG_PASS" | base64 -w0)
	assert_contains "$(cat "$REGISTRY_AUTH_FILE")" "\"$REG\"" "the auth file's key"
	assert_contains "$(cat "$REGISTRY_AUTH_FILE")" "$auth" "the auth file's entry"
	pull_ok "$ref" "$(reg_info busybox.config)"
	rmd logout "$REG"
	assert_eq "$rc" 0 "logout: $err"
	assert_contains "$out" "Removing login credentials for $REG"
	assert_not_contains "$(cat "$REGISTRY_AUTH_FILE")" "$auth" "the auth file after logout"
	rmd logout "$REG"
	assert_eq "$rc" 0 "second logout: $err"
	assert_contains "$out$err" "Not logged in to $REG"
	rmd pull "$ref"
	one_line_error "pull after logout"
	# --authfile: credentials kept elsewhere
	rmd login --authfile "$SD/other.json" -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
	assert_eq "$rc" 0 "login --authfile: $err"
	R=$SD/root2
	rmd pull "$ref"
	one_line_error "pull without --authfile"
	rmd pull --authfile "$SD/other.json" "$ref"
	assert_eq "$rc" 0 "pull --authfile: $err"
}

t_reg_token_anonymous_pull() {
	local ref
	reg_begin reg-token
	reg_holding busybox mdtest/bb:1 --auth token --anonymous pull
	pull_ok "$ref" "$(reg_info busybox.config)"
	grep -q "user=anonymous scope=repository:mdtest/bb:pull" "$TOKEN_LOG" ||
		fail "no anonymous token: $(cat "$TOKEN_LOG")"
	# pushing needs credentials
	rmd_ok tag "$ref" "$REG/mdtest/mine:1"
	rmd push "$REG/mdtest/mine:1"
	one_line_error "push without credentials"
	rmd login -u "$REG_USER" --password-stdin "$REG" <<<"nope"
	one_line_error "login with a wrong password"
	rmd login -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
	assert_eq "$rc" 0 "login: $err"
	rmd push "$REG/mdtest/mine:1"
	assert_eq "$rc" 0 "push with credentials: $err"
	grep -q "user=$REG_USER .*granted=mdtest/mine:.*push" "$TOKEN_LOG" ||
		fail "no push token: $(cat "$TOKEN_LOG")"
	assert_eq "$(REG_CREDS=$REG_USER:$REG_PASS reg_digest mdtest/mine:1)" \
		"$(reg_info busybox.manifest)" "the pushed manifest"
}

t_reg_token_private() {
	local ref
	reg_begin reg-tokenp
	reg_holding multi mdtest/multi:1 --auth token --anonymous none
	rmd pull "$ref"
	one_line_error "anonymous pull of a private repository"
	store_clean "after the refused pull"
	rmd login -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
	assert_eq "$rc" 0 "login: $err"
	pull_ok "$ref" "$(reg_info multi.config)"
}

t_reg_tls_with_the_ca() {
	reg_begin reg-tls
	# not loopback (loopback is insecure: no certificate check at all)
	reg_holding busybox mdtest/bb:1 --tls --netns
	rmd pull "$REG/mdtest/bb:1"
	one_line_error "pull from a registry whose CA is unknown"
	reg_trust_ca
	pull_ok "$REG/mdtest/bb:1" "$(reg_info busybox.config)"
	# --cert-dir: the CA in a directory of the user's choice
	rm -rf "${MYDOCKER_CERTS_D:?}/$REG"
	mkdir "$SD/cd"
	cp "$REG_DIR/ca.crt" "$SD/cd/"
	R=$SD/root2
	rmd pull "$REG/mdtest/bb:1"
	one_line_error "pull without the CA"
	rmd pull --cert-dir "$SD/cd" "$REG/mdtest/bb:1"
	assert_eq "$rc" 0 "pull --cert-dir: $err"
}

t_reg_plain_http_needs_insecure_registry() {
	reg_begin reg-insecure
	reg_holding busybox mdtest/bb:1 --netns
	rmd pull "$REG/mdtest/bb:1"
	one_line_error "plain HTTP pull from $REG"
	store_clean "after the refused pull"
	rmd --insecure-registry "$REG" pull "$REG/mdtest/bb:1"
	assert_eq "$rc" 0 "pull with --insecure-registry: $err"
	assert_eq "$(echo "$out" | tail -n 1)" "$REG/mdtest/bb:1" "pulled"
}

t_reg_fault_missing_tag() {
	reg_begin reg-404
	reg_holding busybox mdtest/bb:1
	rmd pull "$REG/mdtest/bb:nope"
	one_line_error "pull of a missing tag"
	[[ "${err,,}" == *"not found"* || "${err,,}" == *"manifest unknown"* ]] ||
		fail "pull of a missing tag: '$err' says nothing of it"
	rmd pull "$REG/mdtest/none:1"
	one_line_error "pull of a missing repository"
	store_clean "after the 404s"
}

# Wait until the fault proxy starts sending a blob's body.
proxy_wait_blob() {
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q '^blob-start ' "$PROXY_LOG" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no blob through the proxy: $(cat "$PROXY_LOG" 2>/dev/null)"
}

t_reg_fault_registry_killed_mid_pull() {
	local ref pid i
	reg_begin reg-killed
	reg_holding multi mdtest/multi:1
	reg_proxy slow --rate 131072
	ref=$PROXY/mdtest/multi:1
	(
		rmd pull "$ref"
		printf '%s\n' "$rc" >"$SD/tmp/rc"
		printf '%s\n' "$err" >"$SD/tmp/err"
	) &
	pid=$!
	proxy_wait_blob
	reg_kill
	reg_proxy_kill
	for ((i = 0; i < 300; i++)); do
		[ -s "$SD/tmp/rc" ] && break
		sleep 0.05
	done
	[ -s "$SD/tmp/rc" ] || fail "pull still running 15 s after the registry died"
	wait "$pid"
	rc=$(cat "$SD/tmp/rc") err=$(cat "$SD/tmp/err") out=
	one_line_error "pull from a registry that died"
	store_clean "after the registry died"
	# both back on their ports: the same pull works
	reg_restart
	reg_proxy pass
	pull_ok "$ref" "$(reg_info multi.config)"
	rmd run --rm "$ref" cat /data/a.txt
	assert_eq "$out" "layer two" "run: $err"
}

t_reg_fault_corrupt_blob() {
	local c f
	reg_begin reg-corrupt
	reg_holding multi mdtest/multi:1
	# a layer corrupted on its way (same length)
	reg_proxy corrupt --only "$(reg_info multi.layers.1)"
	rmd pull "$PROXY/mdtest/multi:1"
	one_line_error "pull of a corrupted layer"
	store_clean "after the corrupted layer"
	# the config tampered with in the registry's storage
	c=$(reg_info multi.config)
	f=$REG_DIR/data/docker/registry/v2/blobs/sha256/${c:7:2}/${c#sha256:}/data
	cp "$f" "$SD/tmp/config"
	sed -i 's/"amd64"/"amd65"/' "$f"
	cmp -s "$f" "$SD/tmp/config" && fail "config not changed"
	rmd pull "$REG/mdtest/multi:1"
	one_line_error "pull of a tampered config"
	assert_contains "${err,,}" digest "the error"
	store_clean "after the tampered config"
	cp "$SD/tmp/config" "$f"
	pull_ok "$REG/mdtest/multi:1" "$c"
}

t_reg_fault_more_bytes_than_declared() {
	local mode
	reg_begin reg-extra
	reg_holding multi mdtest/multi:1
	for mode in extra extra-nolength; do
		reg_proxy "$mode" --only "$(reg_info multi.layers.3)"
		rmd pull "$PROXY/mdtest/multi:1"
		one_line_error "pull of a layer with more bytes ($mode)"
		store_clean "after more bytes ($mode)"
		reg_proxy_kill
		PROXY_PORT=
	done
}

t_reg_fault_connection_cut() {
	reg_begin reg-cut
	reg_holding multi mdtest/multi:1
	reg_proxy cut --only "$(reg_info multi.layers.1)"
	rmd pull "$PROXY/mdtest/multi:1"
	one_line_error "pull of a layer cut halfway"
	store_clean "after the cut"
}

t_reg_fault_endless_redirects() {
	reg_begin reg-redirect
	reg_holding busybox mdtest/bb:1
	reg_proxy redirect
	RMD_TIMEOUT=30 rmd pull "$PROXY/mdtest/bb:1"
	one_line_error "pull through endless redirects"
	[ "$(grep -c ' 307 redirect' "$PROXY_LOG")" -lt 200 ] || fail "followed $(grep -c ' 307 ' "$PROXY_LOG") redirects"
	store_clean "after the redirects"
}

# Manifests the client must refuse by name: Docker's schema 1, and one
# larger than 4 MiB (read no further).
t_reg_fault_unsupported_and_huge_manifests() {
	reg_begin reg-manifests
	reg_holding busybox mdtest/bb:1
	reg_proxy schema1
	rmd pull "$PROXY/mdtest/bb:1"
	one_line_error "pull of a schema 1 manifest"
	assert_contains "$err" "unsupported manifest media type" "schema 1"
	reg_proxy_kill
	reg_proxy big-manifest
	rmd pull "$PROXY/mdtest/bb:1"
	one_line_error "pull of a 5 MiB manifest"
	assert_contains "$err" "larger than" "a 5 MiB manifest"
	store_clean "after the refused manifests"
}

t_reg_kill9_pull_rounds() {
	local ref i pid t0 full delay ids
	reg_begin reg-kill9
	reg_holding multi mdtest/multi:1
	# how long one pull takes here: the kills fall within it
	t0=$EPOCHREALTIME
	rmd_ok pull -q "$ref"
	full=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
	rm -rf "$R"
	for ((i = 0; i < 20; i++)); do
		"$MYDOCKER" --root "$R" pull -q "$ref" >/dev/null 2>&1 &
		pid=$!
		delay=$((RANDOM % (full * 12 / 10 + 1)))
		sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		# a round that finished: the next pulls from scratch again
		if [ $((i % 4)) = 3 ]; then
			ids=$(store_ids)
			[ -z "$ids" ] || rmd_ok rmi -f $ids
		fi
	done
	pull_ok "$ref" "$(reg_info multi.config)"
	[ "$(store_ids)" = "$(reg_info multi.config)" ] || fail "images: $(store_ids)"
	rmd run --rm "$ref" cat /etc/mdtest-release
	assert_eq "$out" "mdtest multi 1" "run: $err"
	store_no_temps "after 20 kills"
}

t_reg_password_not_shown() {
	local pid i
	reg_begin reg-secret
	reg_start --auth htpasswd
	mkfifo "$SD/tmp/pw"
	"$MYDOCKER" --root "$R" login -u "$REG_USER" --password-stdin "$REG" \
		<"$SD/tmp/pw" >"$SD/tmp/login.out" 2>&1 &
	pid=$!
	exec 7>"$SD/tmp/pw"
	printf '%s\n' "$REG_PASS" >&7
	# login waits for the end of stdin: look at every process meanwhile
	for ((i = 0; i < 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		assert_not_contains "$(ps -eo args)" "$REG_PASS" "ps while login runs"
		assert_not_contains "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" "$REG_PASS" "login's command line"
		assert_not_contains "$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null)" "$REG_PASS" "login's environment"
		sleep 0.02
	done
	exec 7>&-
	wait "$pid"
	assert_eq "$?" 0 "login: $(cat "$SD/tmp/login.out")"
	assert_contains "$(cat "$SD/tmp/login.out")" "Login Succeeded"
	# errors never tell a password: a wrong one, and a stored one refused
	rmd login -u "$REG_USER" --password-stdin "$REG" <<<"Wrong-$REG_PASS"
	one_line_error "login with a wrong password"
	rmd pull "$REG/mdtest/none:1"
	one_line_error "pull of a missing image with credentials"
	htpasswd -Bbn "$REG_USER" "Other-$RANDOM" >"$REG_DIR/htpasswd"
	reg_restart
	rmd pull "$REG/mdtest/none:1"
	one_line_error "pull with stale credentials"
	assert_not_contains "$(cat "$REG_LOG")" "$REG_PASS" "the registry's log"
}

t_reg_invalid_reference() {
	local before ref
	reg_begin reg-ref
	reg_start
	before=$(grep -c 'response completed' "$REG_LOG")
	for ref in "$REG/Upper/Case:1" "$REG/a/b:bad tag" "$REG/a//b:1" "$REG/a/b@sha256:1234" "$REG/a/b:"; do
		rmd pull "$ref"
		one_line_error "pull of '$ref'"
	done
	assert_eq "$(grep -c 'response completed' "$REG_LOG")" "$before" "requests to the registry"
	store_clean "after invalid references"
}
