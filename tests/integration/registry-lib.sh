# SPDX-License-Identifier: Apache-2.0
# Registries for the tests (sourced by test_registry.sh, after lib.sh):
# Debian's docker-registry (distribution 2.8, `registry:2`) with a config
# and a storage directory of the test's own, on 127.0.0.1 or, with
# --netns, on 10.99.0.1 in a network namespace the test makes; plain HTTP,
# htpasswd basic auth, token auth (token-server.py) or TLS (a CA the test
# makes); fault-proxy.py in front of it. Nothing here reaches an address
# outside loopback or the test's own namespace.
#
#   reg_begin NAME       store_begin NAME ($SD, $R) and the trap (reg_end);
#                        the auth file, certs.d and DOCKER_CONFIG under $SD
#   reg_start [--auth htpasswd|token] [--anonymous pull|none] [--tls]
#             [--netns] [--port N]
#                        a registry: $REG (HOST:PORT), $REG_PID, $REG_DIR,
#                        $REG_LOG; with auth $REG_USER/$REG_PASS
#   reg_restart          the same registry again on the same port
#   reg_proxy MODE [ARGS] fault-proxy.py before it: $PROXY (HOST:PORT)
#   rmd ARGS...          mydocker --root $R (in the namespace): $out $err $rc
#   reg_skopeo ARGS...   skopeo (in the namespace, /var/lib a tmpfs)
#   reg_push WHAT REPO:TAG [skopeo flags]   a test image into the registry
#   reg_info PATH        a digest of the test images (info.json: multi.config)
# Every process started here is killed, and $SD removed, by reg_end.

TOKEN_SERVER=$TOP/tests/integration/token-server.py
FAULT_PROXY=$TOP/tests/integration/fault-proxy.py
REG_NS_ADDR=10.99.0.1
# Debian's python3 (a python3 earlier in PATH may be a slow shim).
REG_PY=$(command -v /usr/bin/python3 || command -v python3)
REG_PIDS=()
REG_NS=()
REG_NS_PID=

reg_begin() { # name
	store_begin "$1"
	trap reg_end EXIT
	REG_DIR=$SD/reg
	mkdir -p "$REG_DIR" "$SD/certs.d" "$SD/docker" "$SD/tmp"
	# Never the user's credentials or CAs, nor theirs ours.
	export REGISTRY_AUTH_FILE=$SD/auth.json
	export DOCKER_CONFIG=$SD/docker
	export MYDOCKER_CERTS_D=$SD/certs.d
	echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$REG_DIR/policy.json"
	REG_IMAGES=$("$REG_PY" "$TOP/tests/images/make-registry-images") || fail "make-registry-images"
	# info.json flattened: "multi.layers.0 sha256:..." lines (reg_info)
	"$REG_PY" -c 'import json, sys
def walk(p, v):
    if isinstance(v, (dict, list)):
        for k, x in (v.items() if isinstance(v, dict) else enumerate(v)):
            walk(p + [str(k)], x)
    else:
        print(".".join(p), v)
walk([], json.load(open(sys.argv[1])))' "$REG_IMAGES/info.json" >"$REG_DIR/info" || fail "info.json"
}

reg_end() {
	local p
	for p in "${REG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	for p in "${REG_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	store_end
}

# reg_spawn LOG CMD...: CMD in the background (in the namespace), its pid
# in $! and REG_PIDS.
reg_spawn() { # log cmd...
	local log=$1
	shift
	"${REG_NS[@]}" "$@" >>"$log" 2>&1 </dev/null &
	REG_PIDS+=($!)
}

# reg_netns: a network namespace (kept by a sleep) with lo up and
# 10.99.0.1 on it; what follows runs there (REG_NS).
reg_netns() {
	local i
	# named registry-netns, so that the leftover check knows it
	unshare --net bash -c 'exec -a registry-netns sleep 600' &
	REG_NS_PID=$!
	REG_PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		[ "$(readlink "/proc/$REG_NS_PID/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.02
	done
	[ $i -lt 100 ] || fail "no network namespace"
	REG_NS=(nsenter "--net=/proc/$REG_NS_PID/ns/net")
	"${REG_NS[@]}" ip link set lo up || fail "lo up"
	"${REG_NS[@]}" ip addr add "$REG_NS_ADDR/32" dev lo || fail "ip addr add"
}

# A key and a certificate: reg_cert NAME SUBJECT [CA EXTENSIONS] makes
# $REG_DIR/NAME.key and NAME.crt (EC P-256; RSA with REG_RSA=1),
# self-signed (a CA) or signed by CA.
reg_cert() { # name cn [ca ext]
	local d=$REG_DIR n=$1 cn=$2 ca=${3:-} key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
	[ -n "${REG_RSA:-}" ] && key=(-newkey rsa:2048)
	if [ -z "$ca" ]; then
		openssl req -x509 "${key[@]}" -nodes -days 2 -subj "/CN=$cn" -keyout "$d/$n.key" \
			-out "$d/$n.crt" -addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign,digitalSignature >/dev/null 2>&1 ||
			fail "openssl: $n"
		return 0
	fi
	openssl req -new "${key[@]}" -nodes -subj "/CN=$cn" -keyout "$d/$n.key" -out "$d/$n.csr" \
		>/dev/null 2>&1 || fail "openssl req: $n"
	printf '%s\n' "$4" >"$d/$n.ext"
	openssl x509 -req -in "$d/$n.csr" -CA "$d/$ca.crt" -CAkey "$d/$ca.key" -CAcreateserial \
		-days 2 -extfile "$d/$n.ext" -out "$d/$n.crt" >/dev/null 2>&1 || fail "openssl x509: $n"
}

# The port a server of ours (token-server.py, fault-proxy.py) writes to
# BASE.port once it listens (5 s at most); BASE.out is its output.
reg_port() { # base pid
	local i
	for ((i = 0; i < 250; i++)); do
		[ -s "$1.port" ] && break
		kill -0 "$2" 2>/dev/null || fail "${1##*/} server died: $(tail -n 3 "$1.out")"
		sleep 0.02
	done
	[ -s "$1.port" ] || fail "${1##*/} server: no port"
	cat "$1.port"
}

# The token server, with $REG_USER:$REG_PASS and anonymous pulls or none:
# $TOKEN_REALM, its log $TOKEN_LOG. It signs RS256: an RSA key.
reg_token_server() { # pull|none
	REG_RSA=1 reg_cert token mdtest-token
	TOKEN_LOG=$REG_DIR/token.log
	: >"$TOKEN_LOG"
	printf '%s:%s\n' "$REG_USER" "$REG_PASS" >"$REG_DIR/token.users"
	reg_spawn "$REG_DIR/token.out" "$REG_PY" "$TOKEN_SERVER" --cert "$REG_DIR/token.crt" \
		--key "$REG_DIR/token.key" --port-file "$REG_DIR/token.port" --log "$TOKEN_LOG" \
		--users "$REG_DIR/token.users" --anonymous "$1"
	local port
	port=$(reg_port "$REG_DIR/token" $!) || exit 1
	TOKEN_REALM=http://127.0.0.1:$port/token
}

# The registry's config.yml for $REG_ADDR:$1 (0: the kernel picks).
reg_config() { # port
	cat <<-EOF
		version: 0.1
		log:
		  level: info
		  accesslog:
		    disabled: true
		storage:
		  filesystem:
		    rootdirectory: $REG_DIR/data
		  delete:
		    enabled: true
		  maintenance:
		    uploadpurging:
		      enabled: false
		http:
		  addr: $REG_ADDR:$1
		  secret: mdtest-$MD_TEST_RUN
	EOF
	if [ -n "$REG_TLS" ]; then
		printf '  tls:\n    certificate: %s\n    key: %s\n' "$REG_DIR/server.crt" "$REG_DIR/server.key"
	fi
	case $REG_AUTH in
	htpasswd)
		printf 'auth:\n  htpasswd:\n    realm: mdtest\n    path: %s\n' "$REG_DIR/htpasswd" ;;
	token)
		printf 'auth:\n  token:\n    realm: %s\n    service: mdtest-registry\n' "$TOKEN_REALM"
		printf '    issuer: mdtest-token-server\n    rootcertbundle: %s\n' "$REG_DIR/token.crt" ;;
	esac
}

# Whether the registry answers (any HTTP status: 401 with auth).
reg_answers() {
	local code
	code=$("${REG_NS[@]}" curl -sk -o /dev/null -m 2 -w '%{http_code}' "$REG_URL/v2/") || true
	[ -n "$code" ] && [ "$code" != 000 ]
}

# Start the registry of $SD/reg/config.yml on port (0: pick one), wait
# until it listens and answers (5 s at most).
reg_launch() { # port
	local i addr
	reg_config "$1" >"$REG_DIR/config.yml"
	: >"$REG_DIR/log"
	REG_LOG=$REG_DIR/log
	# REGISTRY_* variables are config overrides to it (REGISTRY_AUTH_FILE
	# would be auth.file): none.
	reg_spawn "$REG_LOG" env $(compgen -e | sed -n 's/^REGISTRY_.*/-u &/p') \
		/usr/bin/docker-registry serve "$REG_DIR/config.yml"
	REG_PID=$!
	for ((i = 0; i < 250; i++)); do
		addr=$(sed -n 's/.*msg="listening on \([^",]*\)[",].*/\1/p' "$REG_LOG" | tail -n 1)
		[ -n "$addr" ] && break
		kill -0 "$REG_PID" 2>/dev/null || fail "docker-registry died: $(tail -n 3 "$REG_LOG")"
		sleep 0.02
	done
	[ -n "$addr" ] || fail "docker-registry does not listen: $(tail -n 3 "$REG_LOG")"
	REG=$addr
	REG_PORT=${addr##*:}
	REG_URL=http${REG_TLS:+s}://$REG
	for ((i = 0; i < 100; i++)); do
		reg_answers && return 0
		sleep 0.05
	done
	fail "docker-registry at $REG does not answer"
}

reg_start() {
	local port=0
	REG_AUTH='' REG_TLS='' REG_ADDR=127.0.0.1
	local anonymous=pull
	while [ $# -gt 0 ]; do
		case $1 in
		--auth) REG_AUTH=$2; shift ;;
		--anonymous) anonymous=$2; shift ;;
		--tls) REG_TLS=1 ;;
		--netns) reg_netns; REG_ADDR=$REG_NS_ADDR ;;
		--port) port=$2; shift ;;
		*) fail "reg_start: $1?" ;;
		esac
		shift
	done
	REG_USER=mdtest-user
	REG_PASS=Secret-$MD_TEST_RUN-$RANDOM$RANDOM
	case $REG_AUTH in
	htpasswd) htpasswd -Bbn "$REG_USER" "$REG_PASS" >"$REG_DIR/htpasswd" 2>/dev/null || fail "htpasswd" ;;
	token) reg_token_server "$anonymous" ;;
	"") ;;
	*) fail "reg_start: auth $REG_AUTH?" ;;
	esac
	if [ -n "$REG_TLS" ]; then
		reg_cert ca mdtest-ca
		reg_cert server "$REG_ADDR" ca "$(printf '%s\n' \
			"subjectAltName=IP:127.0.0.1,IP:$REG_NS_ADDR,DNS:localhost" \
			extendedKeyUsage=serverAuth keyUsage=critical,digitalSignature basicConstraints=CA:FALSE)"
	fi
	reg_launch "$port"
}

# The registry killed (-9) and started again on its port, with its data.
reg_kill() {
	kill -9 "$REG_PID" 2>/dev/null
	wait "$REG_PID" 2>/dev/null
	return 0
}

reg_restart() {
	reg_kill
	reg_launch "$REG_PORT"
}

# mydocker's certs.d entry for the registry: its CA.
reg_trust_ca() {
	mkdir -p "$MYDOCKER_CERTS_D/$REG"
	cp "$REG_DIR/ca.crt" "$MYDOCKER_CERTS_D/$REG/ca.crt"
}

# reg_proxy MODE [fault-proxy flags]: the fault proxy before the registry
# ($PROXY, its pid $PROXY_PID, its log $PROXY_LOG); again after a kill
# with PROXY_PORT set (the same port).
reg_proxy() { # mode [flags]
	PROXY_LOG=$REG_DIR/proxy.log
	rm -f "$REG_DIR/proxy.port"
	reg_spawn "$REG_DIR/proxy.out" "$REG_PY" "$FAULT_PROXY" --upstream "$REG" \
		--port-file "$REG_DIR/proxy.port" --log "$PROXY_LOG" --port "${PROXY_PORT:-0}" "${@:2}" "$1"
	PROXY_PID=$!
	PROXY_PORT=$(reg_port "$REG_DIR/proxy" "$PROXY_PID") || exit 1
	PROXY=127.0.0.1:$PROXY_PORT
}

reg_proxy_kill() {
	kill -9 "$PROXY_PID" 2>/dev/null
	wait "$PROXY_PID" 2>/dev/null
	return 0
}

# rmd ARGS...: mydocker --root $R ARGS in the registry's namespace, with a
# timeout; sets $out, $err, $rc.
rmd() {
	local ef=$SD/tmp/err.$BASHPID
	out=$("${REG_NS[@]}" timeout -k 2 "${RMD_TIMEOUT:-60}" "$MYDOCKER" --root "$R" "$@" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
	rm -f "$ef"
	return 0
}

rmd_ok() {
	rmd "$@"
	[ "$rc" = 0 ] || fail "mydocker $*: rc $rc: $err"
}

# skopeo in the registry's namespace and a mount namespace whose /var/lib
# is an empty tmpfs (its blob-info cache stays off the host).
reg_skopeo() {
	"${REG_NS[@]}" unshare -m --propagation private bash -c 'mount -t tmpfs tmpfs /var/lib && exec "$@"' _ \
		env TMPDIR="$SD/tmp" timeout -k 2 60 skopeo --policy "$REG_DIR/policy.json" "$@"
}

# reg_push multi|index|busybox REPO:TAG [skopeo copy flags]: a test image
# (tests/images/make-registry-images; busybox: make-busybox-image's) into
# the registry by skopeo, an index with all its images.
reg_push() { # what repo:tag [flags]
	local src all=()
	case $1 in
	busybox) src=$(dirname "$("$TOP/tests/images/make-busybox-image")")/oci ;;
	index) src=$REG_IMAGES/index all=(--all) ;;
	*) src=$REG_IMAGES/$1 ;;
	esac
	reg_skopeo copy -q "${all[@]}" --dest-tls-verify=false "${@:3}" \
		"oci:$src:latest" "docker://$REG/$2" >"$SD/tmp/skopeo.out" 2>&1 ||
		fail "skopeo copy $1 to $REG/$2: $(cat "$SD/tmp/skopeo.out")"
}

# reg_info PATH: a member of the test images' info.json (multi.manifest,
# multi.config, multi.layers.0, arm64.config, index.digest, ...).
reg_info() { # path
	awk -v k="$1" '$1 == k { print $2; f = 1 } END { exit !f }' "$REG_DIR/info"
}

# The sha256 of what the registry serves for REPO:REF (the raw manifest,
# or with --config the config), as skopeo reads it.
reg_digest() { # repo:ref [--config]
	reg_skopeo inspect --raw ${2:+"$2"} --tls-verify=false ${REG_CREDS:+--creds "$REG_CREDS"} \
		"docker://$REG/$1" | sha256sum | sed 's/^/sha256:/; s/ .*//'
}
