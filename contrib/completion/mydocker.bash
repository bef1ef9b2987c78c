# SPDX-License-Identifier: Apache-2.0
# bash completion for mydocker(1) and mydocker-runtime(8): commands, flags,
# flag values, container ids (from the state directory) and files.
# Installed as bash-completion's completions/mydocker, linked as
# completions/mydocker-runtime; or source it from ~/.bashrc.
# The flag lists follow the man pages (docs/man/*.scd); the test
# tests/integration/test_docs.sh holds them to each other.

_mydocker_global_flags="--log-format --log --debug --root --insecure-registry -h --help -v --version"
_mydocker_global_args="--log-format --log --root --insecure-registry"
_mydocker_commands="run ps rm start container import export commit volume images image load pull push login logout save tag rmi history inspect stop restart kill wait attach logs cp diff pause unpause update top stats exec rename"
_mydocker_run_flags="-i --interactive -t --tty -e --env -h --hostname -w --workdir
	-m --memory --memory-swap --cpus -c --cpu-shares --cpuset-cpus --cpuset-mems
	--pids-limit --security-opt --cap-add --cap-drop --privileged --device
	--device-cgroup-rule -u --user --rm --help --env-file --name --entrypoint
	--read-only -v --volume --mount --tmpfs -d --detach --detach-keys --restart
	--stop-signal --stop-timeout --init -l --label --label-file --log-driver --log-opt
	--health-cmd --health-interval --health-timeout --health-retries
	--health-start-period --no-healthcheck --pull --platform"
_mydocker_run_args="-e --env -h --hostname -w --workdir -m --memory --memory-swap
	--cpus -c --cpu-shares --cpuset-cpus --cpuset-mems --pids-limit --security-opt
	--cap-add --cap-drop --device --device-cgroup-rule -u --user --env-file --name
	--entrypoint -v --volume --mount --tmpfs --detach-keys --restart --stop-signal
	--stop-timeout -l --label --label-file --log-driver --log-opt --health-cmd
	--health-interval --health-timeout --health-retries --health-start-period
	--pull --platform"
_mydocker_cp_flags="-a --archive -L --follow-link -q --quiet --help"
_mydocker_diff_flags="--help"
_mydocker_exec_flags="-d --detach --detach-keys -e --env --env-file -i --interactive
	--privileged -t --tty -u --user -w --workdir --help"
_mydocker_exec_args="--detach-keys -e --env --env-file -u --user -w --workdir"
_mydocker_ps_flags="-a --all -f --filter --format -n --last -l --latest --no-trunc
	-q --quiet -s --size --help"
_mydocker_ps_args="-f --filter --format -n --last"
_mydocker_rename_flags="--help"
_mydocker_prune_flags="--filter -f --force"
_mydocker_rm_flags="-f --force -v --volumes --help"
_mydocker_start_flags="-a --attach -i --interactive --detach-keys --boot --help"
_mydocker_stop_flags="-s --signal -t --time --help"
_mydocker_restart_flags="-s --signal -t --time --help"
_mydocker_kill_flags="-s --signal --help"
_mydocker_wait_flags="--help"
_mydocker_logs_flags="--details -f --follow --since -n --tail -t --timestamps
	--until --help"
_mydocker_attach_flags="--detach-keys --no-stdin --sig-proxy --help"
_mydocker_container_commands="inspect ls rm start stop restart kill wait attach logs cp diff pause unpause update top stats exec rename prune"
_mydocker_pause_flags="--help"
_mydocker_unpause_flags="--help"
_mydocker_top_flags="--help"
_mydocker_update_flags="--cpus -c --cpu-shares --cpuset-cpus --cpuset-mems -m --memory
	--memory-swap --pids-limit --restart --help"
_mydocker_update_args="--cpus -c --cpu-shares --cpuset-cpus --cpuset-mems -m --memory
	--memory-swap --pids-limit --restart"
_mydocker_stats_flags="-a --all --format --no-stream --no-trunc --help"
_mydocker_import_flags="-c --change -m --message --help"
_mydocker_import_args="-c --change -m --message"
_mydocker_export_flags="-o --output --help"
_mydocker_export_args="-o --output"
_mydocker_commit_flags="-a --author -c --change -m --message --help"
_mydocker_commit_args="-a --author -c --change -m --message"
_mydocker_volume_commands="create inspect ls list prune rm remove"
_mydocker_volume_create_flags="-d --driver --label --name"
_mydocker_volume_create_args="-d --driver --label --name"
_mydocker_volume_ls_flags="-f --filter --format -q --quiet"
_mydocker_volume_ls_args="-f --filter --format"
_mydocker_volume_prune_flags="-a --all -f --force"
_mydocker_volume_rm_flags="-f --force"
_mydocker_images_flags="-q --quiet -a --all --digests --no-trunc --format --help"
_mydocker_images_args="--format"
_mydocker_image_flags="--help"
_mydocker_image_commands="history inspect load ls rm save tag"
_mydocker_load_flags="-i --input -q --quiet --help"
_mydocker_load_args="-i --input"
_mydocker_pull_flags="--platform -q --quiet --authfile --cert-dir --help"
_mydocker_pull_args="--platform --authfile --cert-dir"
_mydocker_push_flags="-q --quiet --authfile --cert-dir --help"
_mydocker_push_args="--authfile --cert-dir"
_mydocker_login_flags="-u --username -p --password --password-stdin --authfile
	--cert-dir --help"
_mydocker_login_args="-u --username -p --password --authfile --cert-dir"
_mydocker_logout_flags="--authfile --help"
_mydocker_logout_args="--authfile"
_mydocker_save_flags="-o --output --help"
_mydocker_save_args="-o --output"
_mydocker_tag_flags="--help"
_mydocker_rmi_flags="-f --force --help"
_mydocker_history_flags="--no-trunc -q --quiet --help"
_mydocker_inspect_flags="-f --format --help"
_mydocker_inspect_args="-f --format"
_mydocker_caps="ALL AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF
	CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID IPC_LOCK
	IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE MKNOD NET_ADMIN
	NET_BIND_SERVICE NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID
	SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE SYS_NICE SYS_PACCT SYS_PTRACE
	SYS_RAWIO SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG WAKE_ALARM"

# _mydocker_in WORD LIST: whether WORD is one of LIST's words.
_mydocker_in() {
	local w
	for w in $2; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

# _mydocker_words FROM ARGS: the indexes of the plain words (neither a
# flag nor the value of a flag of ARGS) from word FROM to the one before the
# current one, into the array _mydocker_plain.
_mydocker_words() {
	local i=$1
	_mydocker_plain=()
	while [ "$i" -lt "$COMP_CWORD" ]; do
		case ${COMP_WORDS[i]} in
		--*=*) ;;
		-*) _mydocker_in "${COMP_WORDS[i]}" "$2" && i=$((i + 1)) ;;
		*) _mydocker_plain+=("$i") ;;
		esac
		i=$((i + 1))
	done
}

# _mydocker_reply WORDS...: the words that start with the current one.
_mydocker_reply() {
	local IFS=$'\n'
	COMPREPLY=($(IFS=$' \t\n' compgen -W "$*" -- "$cur"))
}

# _mydocker_files [-d]: files (or directories), names with spaces kept whole.
_mydocker_files() {
	local IFS=$'\n'
	COMPREPLY=($(compgen ${1:--f} -- "$cur"))
	compopt -o filenames 2>/dev/null
}

_mydocker() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd="" cmd_at=0 _mydocker_plain
	COMPREPLY=()

	# The command: the first word that is neither a global flag nor its value.
	_mydocker_words 1 "$_mydocker_global_args"
	if [ ${#_mydocker_plain[@]} -gt 0 ]; then
		cmd_at=${_mydocker_plain[0]}
		cmd=${COMP_WORDS[cmd_at]}
	fi

	if [ -z "$cmd" ]; then
		case $prev in
		--log-format) _mydocker_reply text json; return ;;
		--log) _mydocker_files; return ;;
		--root) _mydocker_files -d; return ;;
		esac
		case $cur in
		-*) _mydocker_reply $_mydocker_global_flags ;;
		*) _mydocker_reply $_mydocker_commands ;;
		esac
		return
	fi

	case $cmd in
	run) _mydocker_run "$cmd_at" ;;
	exec) _mydocker_exec "$cmd_at" ;;
	ps | rename | rm | start | stop | restart | kill | wait | attach | logs | diff) _mydocker_containers_cmd "$cmd" ;;
	cp) _mydocker_cp ;;
	pause | unpause | top | stats) _mydocker_containers_cmd "$cmd" ;;
	update) _mydocker_update ;;
	container) _mydocker_container "$cmd_at" ;;
	volume) _mydocker_volume "$cmd_at" ;;
	import | export | commit) _mydocker_new_image "$cmd" ;;
	login | logout) _mydocker_login "$cmd" ;;
	images | image | load | pull | push | save | tag | rmi | history | inspect)
		_mydocker_image_cmd "$cmd" "$cmd_at" ;;
	esac
}

# mydocker run: flags and their values until the command, then files.
_mydocker_run() {
	local _mydocker_plain
	_mydocker_words $(($1 + 1)) "$_mydocker_run_args"
	if [ ${#_mydocker_plain[@]} -gt 0 ]; then
		_mydocker_files # past the command: its arguments
		return
	fi
	case $prev in
	--env-file) _mydocker_files; return ;;
	--name | --entrypoint | -v | --volume | --mount | --tmpfs) return ;;
	--restart) _mydocker_reply no on-failure always unless-stopped; return ;;
	--log-driver) _mydocker_reply json-file none; return ;;
	--pull) _mydocker_reply missing always never; return ;;
	--platform) return ;;
	--label-file) _mydocker_files; return ;;
	--security-opt) _mydocker_reply seccomp=unconfined seccomp=; compopt -o nospace 2>/dev/null; return ;;
	--cap-add | --cap-drop) _mydocker_reply $_mydocker_caps; return ;;
	-w | --workdir) _mydocker_files -d; return ;;
	--device) _mydocker_files; return ;;
	-e | --env) _mydocker_reply $(compgen -e); return ;;
	-u | --user) COMPREPLY=($(compgen -u -- "$cur")); return ;;
	-h | --hostname | -m | --memory | --memory-swap | --cpus | -c | --cpu-shares | \
		--cpuset-cpus | --cpuset-mems | --pids-limit | --device-cgroup-rule)
		return ;;
	esac
	case $cur in
	-*) _mydocker_reply $_mydocker_run_flags ;;
	/*) _mydocker_files ;;
	*) declare -F _mydocker_image_names >/dev/null && _mydocker_image_names ;;
	esac
}

# mydocker exec (and container exec): flags and their values, then the
# container; its command is the container's, not completed.
_mydocker_exec() {
	local _mydocker_plain
	_mydocker_words $(($1 + 1)) "$_mydocker_exec_args"
	[ ${#_mydocker_plain[@]} -gt 0 ] && return
	case $prev in
	--env-file) _mydocker_files; return ;;
	-e | --env) _mydocker_reply $(compgen -e); return ;;
	-u | --user | -w | --workdir | --detach-keys) return ;;
	esac
	case $cur in
	-*) _mydocker_reply $_mydocker_exec_flags ;;
	*) _mydocker_container_names ;;
	esac
}

# The store: --root DIR or --root=DIR among the global flags, else
# $MYDOCKER_ROOT, else the default.
_mydocker_store() {
	local i root=${MYDOCKER_ROOT:-/var/lib/mydocker}
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root=*) root=${COMP_WORDS[i]#--root=} ;;
		--root) root=${COMP_WORDS[i + 1]} ;;
		esac
	done
	echo "$root"
}

# The names of the store's containers (container.json: ImageRef, then Name).
_mydocker_container_names() {
	_mydocker_reply $(cat "$(_mydocker_store)"/containers/*/container.json 2>/dev/null |
		grep -o '"ImageRef":"[^"]*","Name":"[^"]*"' | sed 's/.*"Name":"//; s/"$//')
}

# mydocker ps, rm, start (and container ls, rm, start): flags, --format's
# values, container names.
_mydocker_containers_cmd() {
	local v=_mydocker_${1}_flags
	case $prev in
	--format) _mydocker_reply table json; return ;;
	esac
	if [ "$1" = ps ]; then
		case $prev in
		-f | --filter)
			_mydocker_reply status= name= id= label= ancestor= exited= health=
			compopt -o nospace 2>/dev/null
			return ;;
		-n | --last) return ;;
		esac
	fi
	case $cur in
	-*) _mydocker_reply ${!v} ;;
	*) [ "$1" != ps ] && _mydocker_container_names ;;
	esac
}

# mydocker update: its flags, --restart's policies, container names.
_mydocker_update() {
	case $prev in
	--restart) _mydocker_reply no on-failure always unless-stopped; return ;;
	esac
	_mydocker_in "$prev" "$_mydocker_update_args" && return
	case $cur in
	-*) _mydocker_reply $_mydocker_update_flags ;;
	*) _mydocker_container_names ;;
	esac
}

# mydocker container: its commands, then as the command they name.
_mydocker_container() {
	local _mydocker_plain sub
	_mydocker_words $(($1 + 1)) "--format"
	if [ ${#_mydocker_plain[@]} -eq 0 ]; then
		case $cur in
		-*) _mydocker_reply --help ;;
		*) _mydocker_reply $_mydocker_container_commands ;;
		esac
		return
	fi
	sub=${COMP_WORDS[_mydocker_plain[0]]}
	case $sub in
	ls) _mydocker_containers_cmd ps ;;
	exec) _mydocker_exec "${_mydocker_plain[0]}" ;;
	rm | start | stop | restart | kill | wait | attach | logs | diff) _mydocker_containers_cmd "$sub" ;;
	cp) _mydocker_cp ;;
	pause | unpause | top | stats) _mydocker_containers_cmd "$sub" ;;
	update) _mydocker_update ;;
	inspect)
		case $prev in
		-f | --format) return ;;
		esac
		case $cur in
		-*) _mydocker_reply $_mydocker_inspect_flags ;;
		*) _mydocker_container_names ;;
		esac ;;
	rename) _mydocker_containers_cmd rename ;;
	prune)
		case $prev in
		--filter) _mydocker_reply label= label!= until=; compopt -o nospace 2>/dev/null; return ;;
		esac
		case $cur in
		-*) _mydocker_reply $_mydocker_prune_flags ;;
		esac ;;
	esac
}

# mydocker cp: its flags; host files, and the store's containers as
# NAME: (the path in a container is not completed).
_mydocker_cp() {
	case $cur in
	-*) _mydocker_reply $_mydocker_cp_flags ;;
	*)
		_mydocker_container_names
		COMPREPLY=("${COMPREPLY[@]/%/:}")
		COMPREPLY+=($(compgen -f -- "$cur"))
		compopt -o nospace 2>/dev/null ;;
	esac
}

# mydocker import, export, commit: their flags; files for import's FILE and
# export's --output; nothing to offer for the other values.
_mydocker_new_image() {
	local flags=_mydocker_${1}_flags args=_mydocker_${1}_args
	case $prev in
	-o | --output) _mydocker_files; return ;;
	esac
	_mydocker_in "$prev" "${!args}" && return
	case $cur in
	-*) _mydocker_reply ${!flags} ;;
	*) [ "$1" = import ] && _mydocker_files ;;
	esac
}

# mydocker login and logout: flags and their values (the auth file, the
# certificates' directory); the server is the user's to type.
_mydocker_login() {
	local flags=_mydocker_${1}_flags args=_mydocker_${1}_args
	case $prev in
	--authfile) _mydocker_files; return ;;
	--cert-dir) _mydocker_files -d; return ;;
	esac
	_mydocker_in "$prev" "${!args}" && return
	case $cur in
	-*) _mydocker_reply ${!flags} ;;
	esac
}

# The store (--root DIR, --root=DIR, else $MYDOCKER_ROOT, else the default)
# from the global flags before word $1.
_mydocker_root() {
	local i root=${MYDOCKER_ROOT:-/var/lib/mydocker}
	for ((i = 1; i < $1; i++)); do
		case ${COMP_WORDS[i]} in
		--root=*) root=${COMP_WORDS[i]#--root=} ;;
		--root) root=${COMP_WORDS[i + 1]} ;;
		esac
	done
	echo "$root"
}

# mydocker volume: the subcommand, its flags and values, volume names.
_mydocker_volume() {
	local _mydocker_plain sub="" v flags args names
	_mydocker_words $(($1 + 1)) ""
	if [ ${#_mydocker_plain[@]} -gt 0 ]; then
		sub=${COMP_WORDS[${_mydocker_plain[0]}]}
	fi
	if [ -z "$sub" ]; then
		case $cur in
		-*) _mydocker_reply --help ;;
		*) _mydocker_reply $_mydocker_volume_commands ;;
		esac
		return
	fi
	case $sub in
	list) sub=ls ;;
	remove) sub=rm ;;
	esac
	v=_mydocker_volume_${sub}_flags
	flags="${!v:-} --help"
	v=_mydocker_volume_${sub}_args
	args=${!v:-}
	if _mydocker_in "$prev" "$args"; then
		case $prev in
		-d | --driver) _mydocker_reply local ;;
		--format) _mydocker_reply table json ;;
		-f | --filter)
			_mydocker_reply dangling=true dangling=false name= driver= label=
			compopt -o nospace 2>/dev/null ;;
		esac
		return
	fi
	case $cur in
	-*) _mydocker_reply $flags; return ;;
	esac
	case $sub in
	inspect | rm)
		names=$(cd "$(_mydocker_root "$1")/volumes" 2>/dev/null && ls -d -- */volume.json 2>/dev/null)
		_mydocker_reply ${names//\/volume.json/} ;;
	esac
}

# The images of the store (--root, else $MYDOCKER_ROOT, else the default),
# by name as Docker shows them: the keys of its repositories.json.
_mydocker_image_names() {
	local root=${MYDOCKER_ROOT:-/var/lib/mydocker} i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root=*) root=${COMP_WORDS[i]#--root=} ;;
		--root) root=${COMP_WORDS[i + 1]} ;;
		esac
	done
	_mydocker_reply $(grep -o '"[^"]*"[[:space:]]*:' "$root/repositories.json" 2>/dev/null |
		sed -e 's/^"//' -e 's/"[[:space:]]*:$//' -e 's|^docker\.io/library/||' -e 's|^docker\.io/||')
}

# mydocker images, image, load, pull, push, save, tag, rmi, history, inspect: flags,
# their values (files, formats), image names; image's own commands first.
_mydocker_image_cmd() {
	local cmd=$1 flags args _mydocker_plain
	if [ "$cmd" = image ]; then
		_mydocker_words $(($2 + 1)) ""
		if [ ${#_mydocker_plain[@]} -eq 0 ]; then
			case $cur in
			-*) _mydocker_reply $_mydocker_image_flags ;;
			*) _mydocker_reply $_mydocker_image_commands ;;
			esac
			return
		fi
		cmd=${COMP_WORDS[_mydocker_plain[0]]}
		case $cmd in
		ls) cmd=images ;;
		rm) cmd=rmi ;;
		esac
		_mydocker_in "$cmd" "$_mydocker_image_commands images rmi" || return
	fi
	flags=_mydocker_${cmd}_flags
	args=_mydocker_${cmd}_args
	case $prev in
	-i | --input | -o | --output) _mydocker_files; return ;;
	--format) _mydocker_reply table json; return ;;
	esac
	_mydocker_in "$prev" "${!args:-}" && return
	case $cur in
	-*) _mydocker_reply ${!flags} ;;
	*) [ "$cmd" != load ] && _mydocker_image_names ;;
	esac
}

_mydocker_runtime_global_flags="--root --log --log-format --debug --systemd-cgroup
	--rootless --criu -v --version -h --help"
_mydocker_runtime_global_args="--root --log --log-format --rootless --criu"
_mydocker_runtime_commands="create start run state kill delete exec ps list pause
	resume update events features spec"
# Each command's flags (-h, --help everywhere) and those that take a value.
_mydocker_runtime_create_flags="-b --bundle --console-socket --pid-file --no-pivot
	--no-new-keyring --preserve-fds"
_mydocker_runtime_create_args="-b --bundle --console-socket --pid-file --preserve-fds"
_mydocker_runtime_run_flags="$_mydocker_runtime_create_flags -d --detach --keep"
_mydocker_runtime_run_args=$_mydocker_runtime_create_args
_mydocker_runtime_kill_flags="-a --all"
_mydocker_runtime_delete_flags="-f --force"
_mydocker_runtime_exec_flags="-p --process -d --detach -t --tty --console-socket
	--pid-file --cwd -e --env -u --user -g --additional-gids -c --cap --no-new-privs
	--apparmor --process-label --preserve-fds --ignore-paused --cgroup"
_mydocker_runtime_exec_args="-p --process --console-socket --pid-file --cwd -e --env
	-u --user -g --additional-gids -c --cap --apparmor --process-label
	--preserve-fds --cgroup"
_mydocker_runtime_ps_flags="-f --format"
_mydocker_runtime_ps_args="-f --format"
_mydocker_runtime_list_flags="-q --quiet -f --format"
_mydocker_runtime_list_args="-f --format"
_mydocker_runtime_update_flags="-r --resources --memory --memory-swap
	--memory-reservation --kernel-memory --cpu-shares --cpu-quota --cpu-period
	--cpuset-cpus --cpuset-mems --pids-limit --blkio-weight"
_mydocker_runtime_update_args=$_mydocker_runtime_update_flags
_mydocker_runtime_events_flags="--stats --interval"
_mydocker_runtime_events_args="--interval"
_mydocker_runtime_spec_flags="-b --bundle --rootless"
_mydocker_runtime_spec_args="-b --bundle"

_mydocker_runtime() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i cmd="" cmd_at=$COMP_CWORD root=/run/mydocker-runtime flags args nargs v
	local _mydocker_plain
	COMPREPLY=()
	[ "$(id -u 2>/dev/null)" != 0 ] && [ -n "${XDG_RUNTIME_DIR:-}" ] &&
		root=$XDG_RUNTIME_DIR/mydocker-runtime

	_mydocker_words 1 "$_mydocker_runtime_global_args"
	if [ ${#_mydocker_plain[@]} -gt 0 ]; then
		cmd_at=${_mydocker_plain[0]}
		cmd=${COMP_WORDS[cmd_at]}
	fi
	# The state directory, for the ids: --root DIR or --root=DIR.
	for ((i = 1; i < cmd_at; i++)); do
		case ${COMP_WORDS[i]} in
		--root=*) root=${COMP_WORDS[i]#--root=} ;;
		--root) root=${COMP_WORDS[i + 1]} ;;
		esac
	done

	if [ -z "$cmd" ]; then
		case $prev in
		--root) _mydocker_files -d; return ;;
		--log | --criu) _mydocker_files; return ;;
		--log-format) _mydocker_reply text json; return ;;
		--rootless) _mydocker_reply true false auto; return ;;
		esac
		case $cur in
		-*) _mydocker_reply $_mydocker_runtime_global_flags ;;
		*) _mydocker_reply $_mydocker_runtime_commands ;;
		esac
		return
	fi
	_mydocker_in "$cmd" "$_mydocker_runtime_commands" || return

	v=_mydocker_runtime_${cmd}_flags
	flags="${!v:-} -h --help"
	v=_mydocker_runtime_${cmd}_args
	args=${!v:-}

	# How many plain arguments (the id, then kill's signal) come before.
	_mydocker_words $((cmd_at + 1)) "$args"
	nargs=${#_mydocker_plain[@]}

	if _mydocker_in "$prev" "$args"; then
		case $prev in
		-b | --bundle | --cwd) _mydocker_files -d ;;
		--console-socket | --pid-file | -p | --process | -r | --resources) _mydocker_files ;;
		-f | --format) _mydocker_reply table json ;;
		esac
		return
	fi
	case $cur in
	-*) _mydocker_reply $flags; return ;;
	esac
	case $cmd in
	list | features | spec) return ;;
	esac
	if [ $nargs = 0 ]; then
		_mydocker_reply $(ls "$root" 2>/dev/null)
	elif [ "$cmd" = kill ] && [ $nargs = 1 ]; then
		_mydocker_reply $(compgen -A signal | sed -n 's/^SIG//p')
	elif [ "$cmd" = exec ]; then
		_mydocker_files
	fi
}

complete -F _mydocker mydocker
complete -F _mydocker_runtime mydocker-runtime
