# SPDX-License-Identifier: Apache-2.0
# podman (private storage and config) + conmon drive the runtime under test
# through the runc command line. --network none everywhere except
# t_podman_bridge_network. See tests/integration/clients-lib.sh and
# docs/testing-clients.md.
source "$TOP/tests/integration/clients-lib.sh"

podman_logs_contain() { # name text
	podman logs "$1" 2>&1 | grep -q "$2"
}

podman_status_is() { # name status
	[ "$(podman inspect -f '{{.State.Status}}' "$1")" = "$2" ]
}

t_podman_run_echo() {
	podman_start
	out=$(prun --rm "$CLIENTS_IMAGE" echo hello 2>&1)
	assert_eq "$?" 0 "exit code of podman run ($out)"
	assert_eq "$out" hello
	# Own namespaces, the cgroup under the run's podman parent, the image's config.
	out=$(prun --rm "$CLIENTS_IMAGE" sh -c 'echo $$; cat /proc/self/cgroup; echo "PATH=$PATH"; ulimit -n; pwd' 2>&1)
	assert_eq "$?" 0 "exit code ($out)"
	assert_eq "$(echo "$out" | head -n 1)" 1 "pid of the shell"
	if cg_v1 memory; then
		assert_contains "$out" ":/$(podman_cg X | sed 's/X.*//')" "cgroup"
	else
		# cgroup v2: podman gives the container its own cgroup namespace.
		assert_eq "$(echo "$out" | sed -n 2p)" "0::/" "cgroup (own namespace)"
		local cg
		cg=$(prun --rm --cgroupns host "$CLIENTS_IMAGE" cat /proc/self/cgroup 2>&1)
		assert_contains "$cg" "0::/$(podman_cg X | sed 's/X.*//')" "cgroup (host's namespace)"
	fi
	assert_contains "$out" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	assert_contains "$out" $'\n20000\n' "RLIMIT_NOFILE"
	out=$(prun --rm "$CLIENTS_IMAGE" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "' 2>&1)
	assert_eq "$out" lo "network devices with --network none"
	local ns
	for ns in pid mnt uts ipc net; do
		out=$(prun --rm "$CLIENTS_IMAGE" readlink /proc/self/ns/$ns 2>&1)
		[ "$out" != "$(readlink /proc/self/ns/$ns)" ] || fail "$ns namespace is the host's"
	done
	out=$(prun --rm --hostname box1 "$CLIENTS_IMAGE" hostname 2>&1)
	assert_eq "$out" box1 "hostname"
	out=$(prun --rm -e A=1 "$CLIENTS_IMAGE" env 2>&1)
	assert_contains "$out" "A=1" "environment"
	assert_eq "$(podman ps -aq)" "" "containers left after --rm"
}

t_podman_exit_code() {
	podman_start
	prun --rm "$CLIENTS_IMAGE" sh -c 'exit 3' >/dev/null 2>&1
	assert_eq "$?" 3 "exit code of sh -c 'exit 3'"
	prun --rm "$CLIENTS_IMAGE" false >/dev/null 2>&1
	assert_eq "$?" 1 "exit code of false"
	out=$(prun --rm "$CLIENTS_IMAGE" sh -c 'echo out; echo err >&2; exit 42' 2>&1)
	assert_eq "$?" 42 "exit code with output"
	assert_contains "$out" out
	assert_contains "$out" err
	# podman maps the runtime's error text to 127 / 126.
	out=$(prun --rm "$CLIENTS_IMAGE" /no/such/binary 2>&1)
	assert_eq "$?" 127 "missing executable ($out)"
	out=$(prun --rm "$CLIENTS_IMAGE" /etc/passwd 2>&1)
	assert_eq "$?" 126 "not executable ($out)"
	# A failed create leaves nothing behind once removed.
	podman rm -af >/dev/null 2>&1
	assert_eq "$(podman ps -aq)" "" "containers left"
}

t_podman_detached_exec_logs_stop() {
	podman_start
	local id
	id=$(prun -d --name d1 "$CLIENTS_IMAGE" \
		sh -c 'trap "echo stopping; exit 0" TERM; echo started; while true; do sleep 0.2; done' 2>&1)
	assert_eq "$?" 0 "podman run -d ($id)"
	[[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "podman run -d printed '$id'"
	clients_cg_exists "$(podman_cg "$id")" || fail "no cgroup $(podman_cg "$id")"
	assert_eq "$(podman inspect -f '{{.State.Status}}' d1)" running "state"
	out=$(podman exec d1 sh -c 'echo hi; id -u; echo $$' 2>&1)
	assert_eq "$?" 0 "exit code of exec ($out)"
	assert_eq "$(echo "$out" | head -n 2 | tr '\n' ' ')" "hi 0 " "exec output"
	[ "$(echo "$out" | tail -n 1)" != 1 ] || fail "exec ran as pid 1"
	podman exec d1 sh -c 'exit 9' >/dev/null 2>&1
	assert_eq "$?" 9 "exit code through exec"
	out=$(podman exec d1 sh -c 'cat /proc/1/cmdline | tr "\0" " "' 2>&1)
	assert_contains "$out" "sh -c trap" "pid 1 seen from the exec"
	out=$(podman top d1 pid args 2>&1)
	assert_contains "$out" "sleep" "podman top"
	wait_for 50 podman_logs_contain d1 started ||
		fail "logs: $(podman logs d1 2>&1)"
	out=$(podman stop -t 10 d1 2>&1)
	assert_eq "$?" 0 "podman stop ($out)"
	assert_eq "$(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' d1)" "exited 0" "state after stop"
	out=$(podman logs d1 2>&1)
	assert_contains "$out" started "logs"
	assert_contains "$out" stopping "logs: the TERM trap ran"
	# Start again, then kill.
	podman start d1 >/dev/null || fail "podman start"
	assert_eq "$(podman inspect -f '{{.State.Status}}' d1)" running "state after start"
	podman kill -s KILL d1 >/dev/null || fail "podman kill"
	wait_for 50 podman_status_is d1 exited ||
		fail "not exited after kill"
	assert_eq "$(podman inspect -f '{{.State.ExitCode}}' d1)" 137 "exit code after SIGKILL"
	podman rm d1 >/dev/null || fail "podman rm"
	assert_eq "$(podman ps -aq)" "" "containers left"
	! clients_cg_exists "$(podman_cg "$id")" || fail "cgroup $(podman_cg "$id") left after rm"
}

t_podman_tty() {
	podman_start
	out=$(timeout --foreground -k 2 40 python3 tests/integration/ptyrun.py --rows 33 --cols 101 -- \
		"${PODMAN[@]}" run -t --rm "${PODMAN_RUN_OPTS[@]}" $PODMAN_EXTRA --network none \
		"$CLIENTS_IMAGE" sh -c 'tty; for i in $(seq 50); do stty size 2>/dev/null | grep -q "[1-9]" && break; sleep 0.1; done
			stty size; exit 5')
	assert_eq "$?" 5 "exit code through the terminal ($out)"
	[[ "$out" =~ /dev/pts/[0-9]+ ]] || fail "tty printed '$out'"
	assert_contains "$out" "33 101" "window size"
	out=$(timeout --foreground -k 2 40 python3 tests/integration/ptyrun.py \
		--send 'echo hello-$((6*7))\n' --send 'exit 4\n' -- \
		"${PODMAN[@]}" run -ti --rm "${PODMAN_RUN_OPTS[@]}" $PODMAN_EXTRA --network none \
		"$CLIENTS_IMAGE" sh)
	assert_eq "$?" 4 "exit code of the interactive shell ($out)"
	assert_contains "$out" "hello-42"
}

# podman's default bridge network (netavark): the container gets an address
# the host can reach; afterwards the bridge, the firewall tables and
# ip_forward are as before. Traffic only between the host and the container.
t_podman_bridge_network() {
	podman_start
	local fwd tables links ip
	fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	tables=$(nft list tables)
	links=$(ip -o link show | awk -F': ' '{ print $2 }' | sort)
	out=$(prun -d --name n1 --network bridge "$CLIENTS_IMAGE" \
		sh -c 'trap "exit 0" TERM; while true; do sleep 0.2; done' 2>&1)
	assert_eq "$?" 0 "podman run -d on the bridge ($out)"
	ip=$(podman inspect -f '{{.NetworkSettings.IPAddress}}' n1)
	[[ "$ip" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "no address: '$ip'"
	out=$(podman exec n1 ip -4 -o addr show eth0 2>&1)
	assert_contains "$out" "inet $ip/" "address inside"
	ip link show podman0 >/dev/null 2>&1 || ip link show cni-podman0 >/dev/null 2>&1 ||
		fail "no podman bridge on the host"
	# The host reaches the container (and nothing else is contacted).
	/bin/busybox ping -c 1 -W 2 "$ip" >/dev/null || fail "ping $ip from the host"
	podman stop -t 5 n1 >/dev/null || fail "podman stop"
	podman rm n1 >/dev/null || fail "podman rm"
	clients_cleanup
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$fwd" "ip_forward restored"
	assert_eq "$(nft list tables)" "$tables" "nft tables restored"
	assert_eq "$(ip -o link show | awk -F': ' '{ print $2 }' | sort)" "$links" "links restored"
	[ "$NET_NETNS_DIR" = 1 ] || [ ! -e /run/netns ] || fail "/run/netns left"
	[ "$NET_NETNS_MNT" = 1 ] || ! mountpoint -q /run/netns || fail "/run/netns still a mount point"
}

# A user namespace through a real client: podman --uidmap hands us
# linux.uidMappings/gidMappings and a rootfs it chowned to the range.
t_podman_user_namespace() {
	podman_start
	out=$(prun --rm --uidmap 0:200000:65536 --gidmap 0:200000:65536 "$CLIENTS_IMAGE" \
		sh -c 'id -u; cat /proc/self/uid_map; touch /tmp/f && stat -c %u /tmp/f' 2>&1)
	assert_eq "$?" 0 "podman run --uidmap ($out)"
	assert_eq "$(echo "$out" | sed -n 1p)" 0 "uid inside"
	assert_eq "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 200000 65536" "uid_map"
	assert_eq "$(echo "$out" | sed -n 3p)" 0 "owner of a new file, inside"
}
