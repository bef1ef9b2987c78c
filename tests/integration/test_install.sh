# SPDX-License-Identifier: Apache-2.0
# `make install` and `make uninstall` (the Makefile's PREFIX and DESTDIR)
# into a temporary DESTDIR: every file lands where it should and works (the
# programs run, the man pages are man pages, the completion completes),
# and uninstall leaves no file behind. Installs the programs of $BUILD.

inst_begin() {
	command -v scdoc >/dev/null || skip "scdoc is not installed (the man pages need it)"
	D=$(mktemp -d /tmp/md-install.XXXXXX)
	trap 'rm -rf "$D"' EXIT
}

# inst_make ARGS...: make in the tree, outside any make that runs the tests.
# The programs are installed as $BUILD has them (-o: never relinked here,
# where make would not know the build's flags, e.g. the sanitizers').
inst_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s BUILD="$BUILD" DESTDIR="$D" \
		-o "$BUILD/mydocker" -o "$BUILD/mydocker-runtime" -o "$BUILD/mydocker-monitor" \
		-o "$BUILD/mydocker-init" "$@" >"$D.log" 2>&1
	local rc=$?
	[ $rc = 0 ] || fail "make $*: $(tail -n 20 "$D.log")"
	rm -f "$D.log"
}

# The files an install under PREFIX brings, relative to DESTDIR.
inst_files() { # prefix
	echo "$1/bin/mydocker"
	echo "$1/bin/mydocker-runtime"
	local f
	for f in docs/man/*.scd; do
		f=${f##*/}
		f=${f%.scd}
		echo "$1/share/man/man${f##*.}/$f"
	done
	echo "$1/share/bash-completion/completions/mydocker"
	echo "$1/share/bash-completion/completions/mydocker-runtime"
	echo "$1/libexec/mydocker/mydocker-monitor"
	echo "$1/libexec/mydocker/mydocker-init"
	echo "$1/lib/systemd/system/mydocker-restart.service"
}

# Every file is there and works; nothing else was installed.
inst_check() { # prefix
	local p=$1 f want got out
	want=$(inst_files "$p" | sort)
	got=$(cd "$D" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort)
	assert_eq "$got" "$want" "installed files"
	for f in mydocker mydocker-runtime; do
		[ -x "$D$p/bin/$f" ] || fail "$p/bin/$f is not executable"
	done
	for f in mydocker-monitor mydocker-init; do
		[ -x "$D$p/libexec/mydocker/$f" ] || fail "$p/libexec/mydocker/$f is not executable"
	done
	# The boot unit names the installed programs.
	f=$D$p/lib/systemd/system/mydocker-restart.service
	grep -qx "ExecStart=$p/bin/mydocker start --boot" "$f" || fail "$f: $(grep ExecStart "$f")"
	# The man pages: one for each page in docs/man, each a man page.
	for f in docs/man/*.scd; do
		f=${f##*/}
		f=${f%.scd}
		[ -f "$D$p/share/man/man${f##*.}/$f" ] || fail "man page $f not installed"
		grep -q "^\\.TH \"${f%.*}\" \"${f##*.}\"" "$D$p/share/man/man${f##*.}/$f" ||
			fail "$f is not a man page"
	done
	# The programs run from where they were installed: a container.
	out=$(timeout 10 "$D$p/bin/mydocker" --version) || fail "mydocker --version"
	assert_contains "$out" "mydocker version"
	out=$(timeout 10 "$D$p/bin/mydocker-runtime" --version) || fail "mydocker-runtime --version"
	assert_contains "$out" "spec:"
	out=$(timeout 30 "$D$p/bin/mydocker" run /bin/echo installed-ok 2>&1) ||
		fail "installed mydocker run: $out"
	assert_eq "$out" "installed-ok" "installed mydocker run"
	# The completion, as bash-completion would load it (by the command's name).
	out=$(bash -c 'source "$1"; COMP_WORDS=(mydocker run --mem); COMP_CWORD=2; _mydocker
		echo "${COMPREPLY[*]}"' _ "$D$p/share/bash-completion/completions/mydocker-runtime")
	assert_contains "$out" "--memory-swap" "installed completion"
}

inst_uninstall_check() { # prefix
	local left
	inst_make PREFIX="$1" uninstall
	left=$(cd "$D" && find . \( -type f -o -type l \))
	assert_eq "$left" "" "files left by uninstall"
}

t_install_default_prefix() {
	inst_begin
	inst_make install
	inst_check /usr/local
	inst_uninstall_check /usr/local
}

t_install_prefix_usr() {
	inst_begin
	inst_make PREFIX=/usr install
	inst_check /usr
	inst_uninstall_check /usr
}

# Installing twice (an upgrade) replaces the files; uninstall still clears.
t_install_twice() {
	inst_begin
	inst_make install
	inst_make install
	inst_check /usr/local
	inst_uninstall_check /usr/local
}
