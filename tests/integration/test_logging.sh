# SPDX-License-Identifier: Apache-2.0
# Global logging flags: --log, --log-format, --debug.

t_errors_only_on_stderr_by_default() {
	md run /bin/echo hello
	assert_eq "$out" hello
	assert_eq "$err" "" "nothing of ours on stderr"
}

t_json_log_file() {
	local f
	f=$(mktemp)
	md --log "$f" --log-format json run /no/such/cmd
	assert_eq "$rc" 127
	assert_eq "$(wc -l <"$f")" 1 "one record"
	/usr/bin/python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["level"] == "error", r
assert "/no/such/cmd" in r["msg"], r
assert r["time"].endswith("Z") and "T" in r["time"], r
' "$f" || fail "bad record: $(cat "$f")"
	assert_contains "$err" "/no/such/cmd" "error still on stderr"
	rm -f "$f"
}

t_debug_records() {
	local f
	f=$(mktemp)
	md --debug --log-format=json --log="$f" run /bin/true
	assert_eq "$rc" 0
	grep -q '"level":"debug"' "$f" || fail "no debug record: $(cat "$f")"
	rm -f "$f"
	md --log-format yaml run /bin/true
	assert_eq "$rc" 125
}
