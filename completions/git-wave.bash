# bash completion for git wave (see git-wave(1))
#
# git's completion (/usr/share/bash-completion/completions/git) calls
# _git_wave for `git wave ...`. Installed as `git-wave` in bash-completion's
# completions directory (/usr/share/bash-completion/completions, or
# ~/.local/share/bash-completion/completions), git's completion loads this
# file the first time it is needed. Without bash-completion, source it from
# ~/.bashrc after git's completion.
#
# Nothing is hard-coded: the commands come from `git wave --list-cmds`, a
# command's options from `git wave <command> --git-completion-helper`, agent
# names and wave labels from `git wave plan --list=agents|waves` (for the plan
# named by --plan on the command line, else the repository's plan).

# Prints the agent names ($1 = agents) or wave labels ($1 = waves) of the plan.
__git_wave_list ()
{
	local plan=() i
	for ((i = ${__git_cmd_idx:-0} + 1; i < cword; i++)); do
		case "${words[i]}" in
		--plan=?*)
			plan=("${words[i]}")
			;;
		--plan)
			if [ $((i + 1)) -lt "$cword" ]; then
				plan=("--plan=${words[i + 1]}")
			fi
			;;
		esac
	done
	__git wave plan ${plan[@]+"${plan[@]}"} --list="$1"
}

# Prints the non-option arguments given to the command before the cursor.
# $1: the command's index in words, $2: its options (--git-completion-helper).
__git_wave_positionals ()
{
	local i=$(($1 + 1)) word dashdash=""
	while [ $i -lt "$cword" ]; do
		word="${words[i]}"
		if [ -n "$dashdash" ]; then
			printf '%s\n' "$word"
		elif [ "$word" = "--" ]; then
			dashdash=y
		elif [[ $word == -* ]]; then
			# --option value: skip the value too.
			if [[ $word != *=* && " $2 " == *" $word= "* ]]; then
				((i++))
			fi
		else
			printf '%s\n' "$word"
		fi
		((i++))
	done
}

# Completes the value $2 of option $1 of command $3.
__git_wave_complete_value ()
{
	local option="$1" value="$2" subcommand="$3"
	case "$option" in
	--agent)
		__gitcomp_nl "$(__git_wave_list agents)" "" "$value"
		;;
	--wave)
		__gitcomp_nl "$(__git_wave_list waves)" "" "$value"
		;;
	--color)
		__gitcomp "always never auto" "" "$value"
		;;
	--format)
		if [ "$subcommand" = plan ]; then
			__gitcomp "text json dot mermaid" "" "$value"
		fi
		;;
	--list)
		if [ "$subcommand" = plan ]; then
			__gitcomp "agents waves" "" "$value"
		fi
		;;
	--remote)
		__gitcomp_nl "$(__git remote)" "" "$value"
		;;
	--plan | --worktrees | --svg | --html | --junit)
		local IFS=$'\n'
		COMPREPLY=($(compgen -f -- "$value"))
		compopt -o filenames 2>/dev/null
		;;
	esac
}

_git_wave ()
{
	local subcommands subcommand_idx subcommand="" i
	subcommands="$(__git wave --list-cmds)"
	# The first command name after `git wave` (or `git-wave`).
	for ((i = ${__git_cmd_idx:-0} + 1; i < cword; i++)); do
		if [[ -n ${words[i]} && $'\n'$subcommands$'\n' == *$'\n'"${words[i]}"$'\n'* ]]; then
			subcommand_idx=$i
			subcommand=${words[i]}
			break
		fi
	done
	if [ -z "$subcommand" ]; then
		case "$cur" in
		-*)
			__gitcomp "--version --help"
			;;
		*)
			__gitcomp "$subcommands"
			;;
		esac
		return
	fi

	local options
	options="$(__git wave "$subcommand" --git-completion-helper)"

	# An option's value: --option=value (one word for git's completion) or
	# --option value.
	case "$cur" in
	--*=*)
		__git_wave_complete_value "${cur%%=*}" "${cur#*=}" "$subcommand"
		return
		;;
	esac
	if [[ $prev == --* && " $options " == *" $prev= "* ]] && ! __git_has_doubledash; then
		__git_wave_complete_value "$prev" "$cur" "$subcommand"
		return
	fi

	if [[ $cur == -* ]] && ! __git_has_doubledash; then
		__gitcomp "$options"
		return
	fi

	case "$subcommand" in
	prompt|logs|attach|repair|accept|skip|relaunch)
		# git wave prompt <agent>
		if [ -z "$(__git_wave_positionals "$subcommand_idx" "$options")" ]; then
			__gitcomp_nl "$(__git_wave_list agents)"
		fi
		;;
	commit)
		# git wave commit [<agent>...]: the agents not named yet.
		local given agents
		given="$(__git_wave_positionals "$subcommand_idx" "$options")"
		agents="$(__git_wave_list agents)"
		if [ -n "$given" ]; then
			agents="$(printf '%s\n' "$agents" | grep -vxF -e "$given")"
		fi
		__gitcomp_nl "$agents"
		;;
	hook)
		# git wave hook (pre-commit | install | uninstall)
		if [ -z "$(__git_wave_positionals "$subcommand_idx" "$options")" ]; then
			__gitcomp "pre-commit pre-receive edit install uninstall"
		fi
		;;
	audit)
		# git wave audit [<branch>...]: the agent branches here, local or fetched.
		__gitcomp_nl "$(__git for-each-ref --format='%(refname:strip=2)' refs/heads/wave/ |
			grep -vxF -e "$(__git_wave_positionals "$subcommand_idx" "$options")")"
		;;
	owner)
		# Paths: tracked and untracked files, a directory level at a time.
		__git_complete_index_file "--cached --others --directory --no-empty-directory"
		;;
	esac
}

# `git-wave <TAB>` (the command under its own name) completes the same way;
# git's completion provides the helpers, so load it first if it is not.
if ! declare -F __git_complete >/dev/null 2>&1 && declare -F __load_completion >/dev/null 2>&1; then
	__load_completion git
fi
if declare -F __git_complete >/dev/null 2>&1; then
	__git_complete git-wave _git_wave
fi
