# SPDX-License-Identifier: Apache-2.0
# The code's form, checked like its behaviour: every C file follows
# .clang-format (clang-format from Debian, scripts/install-deps), and every
# source file says its license in an SPDX line (LICENSE: Apache-2.0).

# The C sources of the repository: src/, tests/, bench/.
c_sources() {
	git -C "$TOP" ls-files -- 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c'
}

t_code_follows_clang_format() {
	local out bad=()
	command -v clang-format >/dev/null || fail "clang-format missing (scripts/install-deps)"
	[ -d "$TOP/.git" ] || skip "not a git checkout"
	cd "$TOP" || fail "cd $TOP"
	# One clang-format for every file (one a file took half a minute).
	out=$(clang-format --style=file --dry-run --Werror $(c_sources) 2>&1) && return 0
	bad=($(grep -oE '^[^: ]+\.[ch]:[0-9]+:[0-9]+: error' <<<"$out" | cut -d: -f1 | sort -u))
	[ ${#bad[@]} -gt 0 ] || fail "clang-format failed: $(head -5 <<<"$out")"
	fail "not formatted (clang-format -i ${bad[*]}): $(clang-format --style=file "${bad[0]}" | diff "${bad[0]}" - | head -20)"
}

t_sources_carry_an_spdx_line() {
	local f bad=()
	[ -d "$TOP/.git" ] || skip "not a git checkout"
	cd "$TOP" || fail "cd $TOP"
	# every file of ours but documents, data and the license itself
	for f in $(git ls-files | grep -v -E '\.(md|json|scd)$|/data/|/corpus/|^LICENSE$|^\.'); do
		head -n 3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' || bad+=("$f")
	done
	[ ${#bad[@]} = 0 ] || fail "no SPDX line in its first 3 lines: ${bad[*]}"
}
