# fish completion for git wave (see git-wave(1))
#
# fish loads this file for the command `git-wave`; fish's git completion
# hands `git wave ...` to it. Nothing is hard-coded: the commands come from
# `git wave --list-cmds`, a command's options from
# `git wave <command> --git-completion-helper`, agent names and wave labels
# from `git wave plan --list=agents|waves`.

# The tokens after `git-wave` (or `git wave`) before the cursor.
function __git_wave_args
    set -l tokens (commandline -opc)
    if test "$tokens[1]" = git
        set -e tokens[1]
    end
    set -e tokens[1]
    string join \n -- $tokens
end

# The subcommand on the command line, if any.
function __git_wave_subcommand
    set -l cmds (git wave --list-cmds 2>/dev/null)
    for t in (__git_wave_args)
        if contains -- $t $cmds
            echo $t
            return 0
        end
    end
    return 1
end

# Agent names ($argv[1] = agents) or wave labels (waves) of the plan named by
# --plan on the command line, else of the repository's plan.
function __git_wave_list
    set -l plan
    set -l args (__git_wave_args)
    for i in (seq (count $args))
        switch $args[$i]
            case '--plan=?*'
                set plan $args[$i]
            case --plan
                if test $i -lt (count $args)
                    set plan --plan=$args[(math $i + 1)]
                end
        end
    end
    git wave plan $plan --list=$argv[1] 2>/dev/null
end

# Completions for the value $argv[2] of option $argv[1] of command $argv[3],
# each prefixed with $argv[4].
function __git_wave_values
    set -l option $argv[1]
    set -l sub $argv[3]
    set -l prefix $argv[4]
    set -l values
    switch $option
        case --agent
            set values (__git_wave_list agents)
        case --wave
            set values (__git_wave_list waves)
        case --color
            set values always never auto
        case --format
            test "$sub" = plan; and set values text json dot mermaid
        case --list
            test "$sub" = plan; and set values agents waves
        case --remote
            set values (git remote 2>/dev/null)
        case --plan --worktrees --svg --html --junit
            set values (__fish_complete_path $argv[2])
    end
    for v in $values
        echo $prefix$v
    end
end

function __git_wave_complete
    set -l cur (commandline -ct)
    set -l sub (__git_wave_subcommand)
    if test -z "$sub"
        if string match -q -- '-*' $cur
            printf '%s\n' --version --help
        else
            git wave --list-cmds 2>/dev/null
        end
        return
    end

    set -l options (string split ' ' -- (git wave $sub --git-completion-helper 2>/dev/null))
    set -l args (__git_wave_args)
    set -l prev $args[-1]
    set -l dashdash (contains -- -- $args; and echo y)

    # --option=value, or --option value.
    if string match -q -- '--*=*' $cur
        set -l parts (string split -m 1 = -- $cur)
        __git_wave_values $parts[1] $parts[2] $sub $parts[1]=
        return
    end
    if test -z "$dashdash"; and string match -q -- '--*' $prev; and contains -- $prev= $options
        __git_wave_values $prev $cur $sub ''
        return
    end

    if test -z "$dashdash"; and string match -q -- '-*' $cur
        string match -v -- '' $options
        return
    end

    # The non-option arguments given so far.
    set -l positionals
    set -l skip
    set -l seen_sub
    set -l after_dashdash
    for t in $args
        if test -z "$seen_sub"
            test "$t" = $sub; and set seen_sub y
            continue
        end
        if test -n "$skip"
            set skip
        else if test -n "$after_dashdash"
            set -a positionals $t
        else if test "$t" = --
            set after_dashdash y
        else if string match -q -- '-*' $t
            if not string match -q -- '*=*' $t; and contains -- $t= $options
                set skip y
            end
        else
            set -a positionals $t
        end
    end

    switch $sub
        case prompt logs attach repair accept skip relaunch
            test (count $positionals) -eq 0; and __git_wave_list agents
        case commit
            for agent in (__git_wave_list agents)
                contains -- $agent $positionals; or echo $agent
            end
        case hook
            test (count $positionals) -eq 0; and printf '%s\n' pre-commit pre-receive edit install uninstall
        case audit
            for branch in (git for-each-ref --format='%(refname:strip=2)' refs/heads/wave/ 2>/dev/null)
                contains -- $branch $positionals; or echo $branch
            end
        case owner
            __fish_complete_path $cur
    end
end

complete -c git-wave -f -a '(__git_wave_complete)'

# Is the command line `git [<git options>] wave ...`?
function __git_wave_after_git
    set -l tokens (commandline -opc)
    test "$tokens[1]" = git; or return 1
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case -C -c --git-dir --work-tree --namespace
                set i (math $i + 2)
            case '-*'
                set i (math $i + 1)
            case wave
                return 0
            case '*'
                return 1
        end
    end
    return 1
end

# `git wave ...`: fish's git completion forwards it to `git-wave` (fish 3.7
# and later); fish 3.6's looks for a command named `git-git-wave` and offers
# file names. The start-up snippet git-wave.conf.fish (installed into
# vendor_conf.d) registers this completion for `git`, loading this file on
# first use; once loaded, this file registers it too.
complete -c git -f -n __git_wave_after_git -a '(__git_wave_complete)'
