# SPDX-License-Identifier: Apache-2.0
# mydocker run --cap-add / --cap-drop: the sets the container's process
# really has (/proc/self/status), and what they allow.

DOCKER_DEFAULT_CAPS=00000000a80425fb

# "CapInh CapPrm CapEff CapBnd CapAmb" of the container's shell.
caps_in() { # run flags...
	md run "$@" /bin/sh -c 'grep ^Cap /proc/self/status'
	assert_eq "$rc" 0 "exit code ($err)"
	out=$(echo "$out" | awk '{print $2}' | tr '\n' ' ')
}

# One mask in all three sets mydocker gives, none in inheritable or ambient.
assert_caps() { # mask what
	assert_eq "$out" "0000000000000000 $1 $1 $1 0000000000000000 " "$2"
}

# What --cap-add ALL gives: every capability the kernel and our name table
# know (0..CAP_CHECKPOINT_RESTORE) that this root shell holds.
all_caps() {
	local last eff
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$last" -gt 40 ] && last=40
	eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
	printf '%016x' $((0x$eff & ((1 << (last + 1)) - 1)))
}

t_caps_default_set() {
	caps_in
	assert_caps $DOCKER_DEFAULT_CAPS "default capabilities"
}

t_caps_add_net_admin() {
	caps_in --cap-add NET_ADMIN
	assert_caps 00000000a80435fb "--cap-add NET_ADMIN"
	# NET_ADMIN changes a link of the container's own network namespace.
	md run /usr/sbin/ip link set lo mtu 1400
	[ "$rc" -ne 0 ] || fail "changed the mtu of lo without CAP_NET_ADMIN"
	md run --cap-add NET_ADMIN /bin/sh -c '/usr/sbin/ip link set lo mtu 1400 && /usr/sbin/ip -o link show lo'
	assert_eq "$rc" 0 "ip link set with CAP_NET_ADMIN: $err"
	assert_contains "$out" "mtu 1400"
}

t_caps_drop_chown() {
	local f
	caps_in --cap-drop CHOWN
	assert_caps 00000000a80425fa "--cap-drop CHOWN"
	f=$(mktemp "/tmp/mydocker-caps.$MD_TEST_RUN.XXXXXX")
	md run --cap-drop CHOWN /bin/chown nobody "$f"
	[ "$rc" -ne 0 ] || { rm -f "$f"; fail "chown worked without CAP_CHOWN"; }
	assert_contains "$err" "Operation not permitted"
	assert_eq "$(stat -c %U "$f")" root "owner after the refused chown"
	md run /bin/chown nobody "$f"
	assert_eq "$rc" 0 "chown with the default set: $err"
	assert_eq "$(stat -c %U "$f")" nobody "owner after chown"
	rm -f "$f"
}

t_caps_drop_all_add_chown() {
	local f
	caps_in --cap-drop ALL --cap-add CHOWN
	assert_caps 0000000000000001 "--cap-drop ALL --cap-add CHOWN"
	caps_in --cap-drop all
	assert_caps 0000000000000000 "--cap-drop all"
	f=$(mktemp "/tmp/mydocker-caps.$MD_TEST_RUN.XXXXXX")
	md run --cap-drop ALL /bin/chown nobody "$f"
	[ "$rc" -ne 0 ] || { rm -f "$f"; fail "chown worked with no capabilities"; }
	md run --cap-drop ALL --cap-add CHOWN /bin/chown nobody "$f"
	assert_eq "$rc" 0 "chown with CHOWN alone: $err"
	assert_eq "$(stat -c %U "$f")" nobody "owner after chown"
	rm -f "$f"
}

t_caps_add_all() {
	local all
	all=$(all_caps)
	caps_in --cap-add ALL
	assert_caps "$all" "--cap-add ALL"
	[ $((0x$all & 0x$DOCKER_DEFAULT_CAPS)) = $((0x$DOCKER_DEFAULT_CAPS)) ] && [ "$all" != $DOCKER_DEFAULT_CAPS ] ||
		fail "ALL ($all) is not more than the default set"
	# ALL less what is dropped; an ALL among the drops then drops nothing.
	caps_in --cap-add all --cap-drop SYS_ADMIN
	assert_caps "$(printf '%016x' $((0x$all & ~(1 << 21))))" "--cap-add all --cap-drop SYS_ADMIN"
	caps_in --cap-add ALL --cap-drop ALL
	assert_caps "$all" "--cap-add ALL --cap-drop ALL"
}

t_caps_names_any_case_and_prefix() {
	local n
	for n in net_admin CAP_NET_ADMIN cap_net_admin Net_Admin; do
		caps_in --cap-add "$n" --cap-drop=cap_chown
		assert_caps 00000000a80435fa "--cap-add $n --cap-drop=cap_chown"
	done
	# As dockerd: drops come off the default set, then the adds go on.
	caps_in --cap-add mknod --cap-drop MKNOD
	assert_caps $DOCKER_DEFAULT_CAPS "--cap-add mknod --cap-drop MKNOD"
}

t_caps_unknown_name_is_125() {
	local flag
	for flag in --cap-add --cap-drop; do
		md run $flag NET_ADMIN $flag bogus_cap /bin/echo ran
		assert_eq "$rc" 125 "$flag bogus_cap"
		assert_eq "$out" "" "the command must not run"
		assert_eq "$err" "mydocker: invalid $flag: unknown capability: \"CAP_BOGUS_CAP\""
	done
	md run --cap-add CAP_ALL /bin/true
	assert_eq "$rc" 125 "CAP_ALL is not ALL"
	assert_contains "$err" '"CAP_ALL"'
	# Checked as dockerd does even when --privileged ignores the flags.
	md run --privileged --cap-drop nope /bin/true
	assert_eq "$rc" 125 "--privileged --cap-drop nope"
	assert_contains "$err" '"CAP_NOPE"'
}

t_caps_not_available_here_is_125() {
	local eff last c name
	eff=$((0x$(awk '/^CapEff/ {print $2}' /proc/self/status)))
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$last" -gt 40 ] && last=40
	for c in $(seq 0 "$last"); do
		(( eff >> c & 1 )) || break
	done
	(( eff >> c & 1 )) && skip "this shell holds every capability the kernel knows"
	name=$(capsh --decode=$(printf '%x' $((1 << c))) | sed 's/.*=//')
	md run --cap-add "$name" /bin/true
	assert_eq "$rc" 125 "--cap-add $name that mydocker does not hold"
	assert_contains "$err" "not available here: \"${name^^}\""
}

t_caps_privileged_ignores_the_flags() {
	caps_in --privileged --cap-drop ALL
	assert_caps "$(awk '/^CapEff/ {print $2}' /proc/self/status)" "--privileged --cap-drop ALL"
}

t_caps_non_root_user() {
	# As with Docker (runc): the bounding set is the container's, but a
	# non-root user's execve leaves it no permitted or effective capability.
	caps_in -u nobody --cap-add NET_ADMIN
	assert_eq "$out" "0000000000000000 0000000000000000 0000000000000000 00000000a80435fb 0000000000000000 " \
		"-u nobody --cap-add NET_ADMIN"
	caps_in -u nobody --cap-drop ALL
	assert_eq "$out" "0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000 " \
		"-u nobody --cap-drop ALL"
}
