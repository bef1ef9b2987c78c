# SPDX-License-Identifier: Apache-2.0
# The libFuzzer targets (tests/fuzz/fuzz_NAME.c, built by `make fuzz` into
# build-fuzz/), one test each. They fuzz once per tests/run: in the round of
# the first build (`build` under `make check`), for FUZZ_BUDGET seconds in
# all (default 60) split evenly between the targets; the other rounds only
# replay the seed corpus. A crash, sanitizer report, leak or timeout fails
# the test and prints the input in base64. The corpus is fuzzed in a
# temporary copy: the repository is never written. See docs/fuzzing.md.

FUZZ_BUILD=build-fuzz

# Build the fuzzers if needed (`make check` has built them already).
fuzz_build() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j"$(nproc)" fuzz >"$1/make.log" 2>&1 ||
		fail "make fuzz failed: $(tail -n 20 "$1/make.log")"
}

# True in the round that fuzzes: the first of BUILDS (or the only BUILD).
fuzz_this_round() {
	local first
	read -r first _ <<<"${BUILDS:-$BUILD}"
	[ "$first" = "$BUILD" ]
}

# Seconds for one target: the budget over the number of targets, at least 5
# and short enough for the test's own timeout.
fuzz_seconds() {
	local n t max
	n=$(find tests/fuzz -maxdepth 1 -name 'fuzz_*.c' | wc -l)
	t=$(( ${FUZZ_BUDGET:-60} / (n > 0 ? n : 1) ))
	max=$(( ${TEST_TIMEOUT:-60} - 20 ))
	[ "$t" -gt "$max" ] && t=$max
	[ "$t" -lt 5 ] && t=5
	echo "$t"
}

# What a failed run left: the sanitizer's or libFuzzer's verdict, the top
# of the stack, then each input it saved.
fuzz_report() { # name tmp
	local a
	echo "--- fuzz_$1 report ---"
	grep -m 3 -E 'ERROR:|runtime error:|==[0-9]+== ?WARNING' "$2/fuzz.log"
	grep -m 12 -E '^ +#[0-9]+ 0x' "$2/fuzz.log"
	grep -E '^SUMMARY:' "$2/fuzz.log"
	for a in "$2"/crash-* "$2"/leak-* "$2"/timeout-* "$2"/oom-*; do
		[ -f "$a" ] || continue
		echo "input ${a##*/} (base64; reproduce: base64 -d >x; $FUZZ_BUILD/fuzz_$1 x):"
		base64 -w 0 "$a"
		echo
	done
}

fuzz_target() { # name
	local name=$1 tmp secs rc
	local bin=$FUZZ_BUILD/fuzz_$name corpus=tests/fuzz/corpus/$name
	local opts=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1)

	[ -d "$corpus" ] || fail "no seed corpus $corpus"
	tmp=$(mktemp -d "/tmp/mydocker-fuzz.$MD_TEST_RUN.XXXXXX")
	trap "rm -rf -- '$tmp'" EXIT # expanded now: tmp is local
	fuzz_build "$tmp"
	[ -x "$bin" ] || fail "$bin was not built"
	opts+=(-artifact_prefix="$tmp/")
	if fuzz_this_round; then
		secs=$(fuzz_seconds)
		cp -r "$corpus" "$tmp/corpus"
		echo "fuzz_$name: ${secs}s from $(find "$corpus" -type f | wc -l) seeds"
		"$bin" "${opts[@]}" -max_total_time="$secs" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1
	else
		echo "fuzz_$name: replaying $corpus (fuzzing is in the first round of: ${BUILDS:-})"
		"$bin" "${opts[@]}" "$corpus"/* >"$tmp/fuzz.log" 2>&1
	fi
	rc=$?
	grep -E '^(Done|stat::number_of_executed_units)' "$tmp/fuzz.log"
	if [ $rc -ne 0 ]; then
		fuzz_report "$name" "$tmp"
		fail "fuzz_$name exited with $rc"
	fi
}

t_fuzz_spec() { fuzz_target spec; }
t_fuzz_seccomp() { fuzz_target seccomp; }
t_fuzz_users() { fuzz_target users; }
t_fuzz_units() { fuzz_target units; }
t_fuzz_oci_flags() { fuzz_target oci_flags; }
t_fuzz_run_flags() { fuzz_target run_flags; }
t_fuzz_layer() { fuzz_target layer; }
t_fuzz_reference() { fuzz_target reference; }
t_fuzz_changes() { fuzz_target changes; }
t_fuzz_manifest() { fuzz_target manifest; }
t_fuzz_mounts() { fuzz_target mounts; }
t_fuzz_load() { fuzz_target load; }
t_fuzz_www_auth() { fuzz_target www_auth; }

# Every target has its test above and a seed corpus.
t_fuzz_targets_listed() {
	local f name
	for f in tests/fuzz/fuzz_*.c; do
		name=${f##*/fuzz_}
		name=${name%.c}
		grep -q "^t_fuzz_$name() { fuzz_target $name; }" tests/integration/test_fuzz.sh ||
			fail "$f has no t_fuzz_$name in tests/integration/test_fuzz.sh"
		[ -n "$(ls -A "tests/fuzz/corpus/$name" 2>/dev/null)" ] ||
			fail "$f has no seeds in tests/fuzz/corpus/$name"
	done
}
