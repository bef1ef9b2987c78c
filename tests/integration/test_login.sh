# SPDX-License-Identifier: Apache-2.0
# login and logout without a registry (tests/integration/test_registry.sh
# logs in to real ones): logout's messages, the auth file kept 0600 with
# its other keys, REGISTRY_AUTH_FILE, DOCKER_CONFIG and --authfile, the
# flags' checks, a password never in an error nor in ps, nothing saved
# when the registry cannot be reached (127.0.0.1 only).

# login_begin: $SD of the test's own, the auth file variables pointing
# into it (never the user's file).
login_begin() {
	store_begin login
	export REGISTRY_AUTH_FILE=$SD/auth.json
	export DOCKER_CONFIG=$SD/docker
}

# mdin INPUT ARGS...: md with INPUT on stdin.
mdin() {
	local input=$1 ef
	shift
	ef=$SD/stderr
	out=$(printf '%s' "$input" | timeout -k 2 30 "$MYDOCKER" "$@" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
}

# A Docker config.json with keys and entries of other tools.
write_config() { # file
	cat >"$1" <<'EOF'
{
	"auths": {
		"http://localhost:5000/v2/": {"auth": "dTE6cDE="},
		"localhost:5000": {"auth": "dTI6cDI="},
		"ghcr.io": {"auth": "Z2g6dG9r"},
		"https://index.docker.io/v1/": {"auth": "aHViOnB3"}
	},
	"credsStore": "desktop",
	"HttpHeaders": {"User-Agent": "me/1.0"}
}
EOF
	chmod 0644 "$1"
}

t_logout_not_logged_in() {
	login_begin
	md logout localhost:5000
	assert_eq "$rc" 0 "rc"
	assert_eq "$out" "Not logged in to localhost:5000"
	md logout
	assert_eq "$out" "Not logged in to https://index.docker.io/v1/"
	[ ! -e "$REGISTRY_AUTH_FILE" ] || fail "logout made the auth file"
	echo '{"auths": {"ghcr.io": {"auth": "Z2g6dG9r"}}}' >"$REGISTRY_AUTH_FILE"
	md logout https://localhost:5000/
	assert_eq "$rc" 0 "rc"
	assert_eq "$out" "Not logged in to localhost:5000"
}

t_logout_keeps_other_keys() {
	local f
	login_begin
	f=$REGISTRY_AUTH_FILE
	write_config "$f"
	md logout localhost:5000
	assert_eq "$rc" 0 "rc: $err"
	assert_eq "$out" "Removing login credentials for localhost:5000"
	assert_eq "$(stat -c %a "$f")" 600 "mode"
	# Both of the host's entries go (the URL one too), nothing else.
	assert_eq "$(jq -r '.auths | keys | join(" ")' "$f")" "ghcr.io https://index.docker.io/v1/"
	assert_eq "$(jq -r '.credsStore' "$f")" desktop
	assert_eq "$(jq -r '.HttpHeaders."User-Agent"' "$f")" me/1.0
	md logout index.docker.io
	assert_eq "$out" "Removing login credentials for https://index.docker.io/v1/"
	assert_eq "$(jq -r '.auths | keys | join(" ")' "$f")" "ghcr.io"
	# A file that is not Docker's is an error, and left alone.
	echo '["x"]' >"$f"
	md logout ghcr.io
	assert_eq "$rc" 1 "rc"
	assert_contains "$err" "not a JSON object"
	assert_eq "$(cat "$f")" '["x"]'
}

# Which file: --authfile, else REGISTRY_AUTH_FILE, else
# DOCKER_CONFIG/config.json; a symlink is followed, not replaced.
t_login_auth_file_choice() {
	login_begin
	mkdir -p "$DOCKER_CONFIG" "$SD/other"
	write_config "$DOCKER_CONFIG/config.json"
	write_config "$REGISTRY_AUTH_FILE"
	write_config "$SD/other/real.json"
	ln -s "$SD/other/real.json" "$SD/link.json"
	md logout --authfile "$SD/link.json" ghcr.io
	assert_eq "$out" "Removing login credentials for ghcr.io"
	[ -L "$SD/link.json" ] || fail "the symlink was replaced"
	assert_eq "$(jq -r '.auths."ghcr.io" // "gone"' "$SD/other/real.json")" gone
	assert_eq "$(jq -r '.auths."ghcr.io".auth' "$REGISTRY_AUTH_FILE")" Z2g6dG9r
	md logout ghcr.io
	assert_eq "$(jq -r '.auths."ghcr.io" // "gone"' "$REGISTRY_AUTH_FILE")" gone
	assert_eq "$(jq -r '.auths."ghcr.io".auth' "$DOCKER_CONFIG/config.json")" Z2g6dG9r
	unset REGISTRY_AUTH_FILE
	md logout ghcr.io
	assert_eq "$out" "Removing login credentials for ghcr.io"
	assert_eq "$(jq -r '.auths."ghcr.io" // "gone"' "$DOCKER_CONFIG/config.json")" gone
}

t_login_flag_checks() {
	login_begin
	mdin "pw" login --password-stdin localhost:5000
	assert_eq "$rc" 1 "rc"
	assert_eq "$err" "mydocker: Must provide --username with --password-stdin"
	mdin "pw" login -u me -p pw2 --password-stdin localhost:5000
	assert_eq "$rc" 1 "rc"
	assert_contains "$err" "--password and --password-stdin are mutually exclusive"
	mdin "" login -u me --password-stdin localhost:5000
	assert_eq "$rc" 1 "rc"
	assert_contains "$err" "Password Required"
	mdin "" login -u me localhost:5000
	assert_eq "$rc" 1 "rc"
	assert_contains "$err" "Cannot perform an interactive login from a non TTY device"
	mdin "" login "bad host"
	assert_eq "$rc" 1 "rc"
	mdin "" login --bogus
	assert_eq "$rc" 125 "rc"
	mdin "" login a b
	assert_eq "$rc" 1 "rc"
	[ ! -e "$REGISTRY_AUTH_FILE" ] || fail "a failed login wrote the auth file"
}

# A registry that cannot be reached: exit 1, the password in no message
# (nor "\r" of a CRLF line), nothing saved; -p warns.
t_login_unreachable_saves_nothing() {
	login_begin
	mdin $'Sekr1t-pw\r\n' login -u me --password-stdin 127.0.0.1:1
	assert_eq "$rc" 1 "rc"
	assert_eq "$out" ""
	assert_not_contains "$err" "Sekr1t"
	assert_eq "$(echo "$err" | wc -l)" 1 "lines of stderr"
	mdin "" login -u me -p Sekr1t-pw 127.0.0.1:1
	assert_eq "$rc" 1 "rc"
	assert_contains "$err" "WARNING! Using --password via the CLI is insecure. Use --password-stdin."
	assert_not_contains "$err" "Sekr1t"
	[ ! -e "$REGISTRY_AUTH_FILE" ] || fail "a failed login wrote the auth file"
}

# -p's value leaves mydocker's argv (ps) once read: a login held by a
# server that accepts the connection and never answers.
t_login_password_not_in_ps() {
	local port cmdline
	LOGIN_PIDS=
	login_begin
	trap 'kill $LOGIN_PIDS 2>/dev/null; wait; store_end' EXIT
	python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4); s.settimeout(30)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); open(sys.argv[1], "w").close(); time.sleep(30)' "$SD/accepted" >"$SD/port" &
	LOGIN_PIDS=$!
	wait_for 50 test -s "$SD/port" || fail "no listener"
	port=$(cat "$SD/port")
	"$MYDOCKER" login -u me -p Sekr1t-pw "127.0.0.1:$port" </dev/null >/dev/null 2>&1 &
	LOGIN_PIDS="$LOGIN_PIDS $!"
	wait_for 100 test -e "$SD/accepted" || fail "login did not connect"
	cmdline=$(tr '\0' ' ' <"/proc/$!/cmdline")
	assert_contains "$cmdline" "login -u me -p"
	assert_not_contains "$cmdline" "Sekr1t"
}
