# SPDX-License-Identifier: Apache-2.0
# The man pages (docs/man/*.scd), the --help texts and the bash completion
# (contrib/completion/mydocker.bash) tell of the same commands and flags:
# every flag a --help shows is an option of its man page; every option of
# a man page is one the program takes, and one the completion offers; the
# completion offers nothing else. So none of them can drift from the others.
# The man page sections: mydocker.1's OPTIONS (mydocker --help),
# mydocker-CMD.1's OPTIONS (mydocker CMD --help) and, for a command with
# subcommands (mydocker volume), one "## SUB" section a subcommand (mydocker
# CMD SUB --help), mydocker-runtime.8's GLOBAL OPTIONS and one "## VERB"
# section a command.

MAN=docs/man
COMPLETION=contrib/completion/mydocker.bash

# The flags named in standard input (--long and -x), one a line, once each.
flags_in() {
	grep -oE -- '(^|[^a-zA-Z0-9_-])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[^-]*//' | sort -u
}

# The options a man page section defines: its lines that start with *-
# and are followed by an indented description (scdoc's list of terms). A
# "## VERB" section that "Takes the options of *OTHER*" has those too: the
# OPTIONS of the page OTHER.1 when there is one, else of its section "## OTHER".
man_section() { # page heading
	awk -v h="$2" '$0 == h { on = 1; next } on && /^#/ { exit } on' "$MAN/$1"
}
man_terms() {
	awk 'prev ~ /^\*-/ && /^\t/ { print prev } { prev = $0 }'
}
man_flags() { # page heading
	local other
	{
		man_section "$1" "$2" | man_terms
		other=$(man_section "$1" "$2" | sed -n 's/.*Takes the options of \*\([a-z-]*\)\*.*/\1/p')
		if [ -n "$other" ] && [ -f "$MAN/$other.1.scd" ]; then
			man_section "$other.1.scd" "# OPTIONS" | man_terms
		elif [ -n "$other" ]; then
			man_section "$1" "## $other" | man_terms
		fi
	} | flags_in
}

# What a --help prints, from the line that starts with FROM on (all of it
# without FROM).
help_flags() { # from program args...
	local from=$1
	shift
	timeout 10 "$@" --help 2>&1 | awk -v f="$from" 'f == "" || index($0, f) == 1 { on = 1 } on' |
		flags_in
}

# The completion's offer for the words given, the last being completed.
completion_flags() { # function words...
	local fn=$1
	shift
	bash -c 'source "$1"; fn=$2; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); "$fn"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$fn" "$@" | sort -u
}

# Whether PROGRAM takes FLAG: with a value (--flag=1, -f1) or without it,
# followed by --help, it must not answer "unknown flag". Nothing runs: a
# flag either fails to parse or --help ends the command. Run in $D, with
# --root there for mydocker-runtime, so that no probe touches anything else.
takes_flag() { # flag program args...
	local flag=$1 valued
	shift
	case $flag in
	--*) valued=$flag=1 ;;
	*) valued=${flag}1 ;;
	esac
	for f in "$valued" "$flag"; do
		(cd "$D" && timeout 10 "$@" "$f" --help 2>&1) |
			grep -qE 'unknown (or incomplete )?(global )?flag' || return 0
	done
	return 1
}

docs_begin() {
	D=$(mktemp -d /tmp/md-docs.XXXXXX)
	trap 'rm -rf "$D"' EXIT
}

# The words of a --help's "Commands:" list.
help_commands() { # program [command]
	timeout 10 "$@" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' |
		sort
}

# set_eq WHAT A B: two lists, one word a line, are the same.
set_eq() {
	local only_a only_b
	only_a=$(comm -23 <(echo "$2" | sort -u) <(echo "$3" | sort -u) | tr '\n' ' ')
	only_b=$(comm -13 <(echo "$2" | sort -u) <(echo "$3" | sort -u) | tr '\n' ' ')
	[ -z "$only_a$only_b" ] || fail "$1: only in the first: [$only_a], only in the second: [$only_b]"
}

# subset WHAT A B: every word of A is in B.
subset() {
	local missing
	missing=$(comm -23 <(echo "$2" | sort -u) <(echo "$3" | sort -u) | tr '\n' ' ')
	[ -z "$missing" ] || fail "$1: missing: $missing"
}

t_docs_mydocker_help_is_its_man_page() {
	local man f
	docs_begin
	man=$(man_flags mydocker.1.scd "# OPTIONS")
	[ -n "$man" ] || fail "mydocker.1 defines no option"
	set_eq "mydocker --help vs mydocker.1" "$(help_flags "" "$MYDOCKER")" "$man"
	for f in $man; do
		takes_flag "$f" "$MYDOCKER" || fail "mydocker.1 documents $f, which mydocker does not take"
	done
	set_eq "completion of 'mydocker -' vs mydocker.1" \
		"$(completion_flags _mydocker mydocker -)" "$man"
}

# Every command has its page, and mydocker.1 lists them all.
t_docs_every_mydocker_command_has_a_man_page() {
	local cmd cmds listed
	cmds=$(help_commands "$MYDOCKER")
	[ -n "$cmds" ] || fail "no command in mydocker --help"
	listed=$(man_section mydocker.1.scd "# COMMANDS" | sed -n 's/^\*\([a-z-]*\)\*$/\1/p' | sort)
	set_eq "mydocker --help's commands vs mydocker.1's" "$cmds" "$listed"
	set_eq "mydocker --help's commands vs the completion's" "$cmds" \
		"$(completion_flags _mydocker mydocker "")"
	for cmd in $cmds; do
		[ -f "$MAN/mydocker-$cmd.1.scd" ] || fail "no man page $MAN/mydocker-$cmd.1.scd"
	done
}

# Each command's --help and its page: the same flags both ways (the help
# lists every flag); the program takes them; the completion offers them.
t_docs_mydocker_command_help_is_its_man_page() {
	local cmd man f
	docs_begin
	for cmd in $(help_commands "$MYDOCKER"); do
		man=$(man_flags "mydocker-$cmd.1.scd" "# OPTIONS")
		[ -n "$man" ] || fail "mydocker-$cmd.1 defines no option"
		set_eq "mydocker $cmd --help vs mydocker-$cmd.1" \
			"$(help_flags "" "$MYDOCKER" "$cmd")" "$man"
		for f in $man; do
			takes_flag "$f" "$MYDOCKER" "$cmd" ||
				fail "mydocker-$cmd.1 documents $f, which mydocker $cmd does not take"
		done
		set_eq "completion of 'mydocker $cmd -' vs mydocker-$cmd.1" \
			"$(completion_flags _mydocker mydocker "$cmd" -)" "$man"
	done
}

# A command with subcommands (a "Commands:" list in its --help): each has
# its "## SUB" section in the command's page and no other section is
# there; the flags its --help shows (but --help) are options there, and
# the other way round; each is taken and completed; the completion offers
# the subcommands.
t_docs_mydocker_subcommands() {
	local cmd subs sub page man f
	docs_begin
	for cmd in $(help_commands "$MYDOCKER"); do
		subs=$(help_commands "$MYDOCKER" "$cmd")
		[ -n "$subs" ] || continue
		page=mydocker-$cmd.1.scd
		set_eq "mydocker $cmd --help's commands vs $page's sections" "$subs" \
			"$(sed -n 's/^## \([a-z-]*\)$/\1/p' "$MAN/$page")"
		subset "mydocker $cmd's commands missing from the completion" "$subs" \
			"$(completion_flags _mydocker mydocker "$cmd" "")"
		for sub in $subs; do
			man=$(man_flags "$page" "## $sub" | grep -vx -e --help)
			set_eq "mydocker $cmd $sub --help vs $page's $sub" \
				"$(help_flags "" "$MYDOCKER" "$cmd" "$sub" | grep -vx -e --help)" "$man"
			for f in $man; do
				takes_flag "$f" "$MYDOCKER" "$cmd" "$sub" ||
					fail "$page documents $sub $f, which mydocker $cmd $sub does not take"
			done
			set_eq "completion of 'mydocker $cmd $sub -' vs $page's $sub" \
				"$(completion_flags _mydocker mydocker "$cmd" "$sub" - | grep -vx -e --help)" \
				"$man"
		done
	done
}

t_docs_runtime_global_options() {
	local man f
	docs_begin
	man=$(man_flags mydocker-runtime.8.scd "# GLOBAL OPTIONS")
	subset "mydocker-runtime --help's global options missing from mydocker-runtime.8" \
		"$(help_flags "Global options:" "$MYDOCKER_RUNTIME")" "$man"
	for f in $man; do
		takes_flag "$f" "$MYDOCKER_RUNTIME" ||
			fail "mydocker-runtime.8 documents $f, which mydocker-runtime does not take"
	done
	set_eq "completion of 'mydocker-runtime -' vs mydocker-runtime.8" \
		"$(completion_flags _mydocker_runtime mydocker-runtime -)" "$man"
}

# Every command of mydocker-runtime has its section; each flag its usage
# shows is an option there; each option there is taken and completed.
# (The usage lines are short: options they leave out are checked against
# the program itself.)
t_docs_runtime_commands() {
	local cmd cmds sections man f
	docs_begin
	cmds=$(help_commands "$MYDOCKER_RUNTIME")
	[ -n "$cmds" ] || fail "no command in mydocker-runtime --help"
	sections=$(sed -n 's/^## \([a-z-]*\)$/\1/p' "$MAN/mydocker-runtime.8.scd" | sort)
	set_eq "mydocker-runtime --help's commands vs mydocker-runtime.8's sections" "$cmds" "$sections"
	set_eq "mydocker-runtime --help's commands vs the completion's" "$cmds" \
		"$(completion_flags _mydocker_runtime mydocker-runtime "")"
	for cmd in $cmds; do
		man=$(man_flags mydocker-runtime.8.scd "## $cmd")
		# features prints JSON, no usage: it has no options.
		[ "$cmd" = features ] ||
			subset "mydocker-runtime $cmd --help's flags missing from mydocker-runtime.8" \
				"$(help_flags "" "$MYDOCKER_RUNTIME" --root "$D/state" "$cmd" | grep -vx -e -h -e --help)" \
				"$man"
		for f in $man; do
			takes_flag "$f" "$MYDOCKER_RUNTIME" --root "$D/state" "$cmd" ||
				fail "mydocker-runtime.8 documents $cmd $f, which mydocker-runtime $cmd does not take"
		done
		set_eq "completion of 'mydocker-runtime $cmd -' vs mydocker-runtime.8" \
			"$(completion_flags _mydocker_runtime mydocker-runtime "$cmd" - | grep -vx -e -h -e --help)" \
			"$man"
	done
}

# The completion in use: `mydocker run --` offers run's flags, values of a
# flag, then files once the command is there.
t_docs_completion_mydocker_run() {
	local out
	out=$(completion_flags _mydocker mydocker run --)
	assert_contains "$out" "--memory"
	assert_contains "$out" "--cap-add"
	assert_contains "$out" "--interactive"
	assert_not_contains "$out" "--version" "run's flags"
	out=$(completion_flags _mydocker mydocker --debug run --cap-add NET_)
	assert_eq "$(echo $out)" "NET_ADMIN NET_BIND_SERVICE NET_BROADCAST NET_RAW" "capabilities"
	out=$(completion_flags _mydocker mydocker run -m 64m /bin/ech)
	assert_eq "$out" "/bin/echo" "the command"
	out=$(completion_flags _mydocker mydocker run /bin/sh -)
	assert_not_contains "$out" "--memory" "after the command"
	out=$(completion_flags _mydocker mydocker --log-format "")
	assert_eq "$(echo $out)" "json text"
}

t_docs_completion_runtime_ids() {
	local out
	docs_begin
	mkdir -p "$D/state/box1" "$D/state/box2"
	out=$(completion_flags _mydocker_runtime mydocker-runtime --root "$D/state" kill "")
	assert_eq "$(echo $out)" "box1 box2" "ids"
	out=$(completion_flags _mydocker_runtime mydocker-runtime --root "$D/state" kill box1 K)
	assert_eq "$out" "KILL" "signals"
	out=$(completion_flags _mydocker_runtime mydocker-runtime list --format "")
	assert_eq "$(echo $out)" "json table"
}

# The pages build with scdoc (as make does) and render with man.
t_docs_man_pages_render() {
	local f page out
	command -v scdoc >/dev/null || skip "scdoc is not installed"
	docs_begin
	for f in "$MAN"/*.scd; do
		page=${f##*/}
		page=${page%.scd}
		scdoc <"$f" >"$D/$page" 2>"$D/err" || fail "scdoc $f: $(cat "$D/err")"
		grep -q "^\\.TH \"${page%.*}\" \"${page##*.}\"" "$D/$page" || fail "$page: no .TH line"
		if command -v man >/dev/null; then
			out=$(MANWIDTH=80 man -l "$D/$page" 2>&1) || fail "man $page: $out"
			assert_contains "$out" "NAME" "man $page"
			assert_not_contains "$out" "warning" "man $page"
		fi
	done
}
