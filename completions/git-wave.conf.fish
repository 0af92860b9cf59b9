# fish: complete `git wave ...` (see git-wave(1)). Installed into
# vendor_conf.d, which fish runs at start-up: fish autoloads git-wave.fish
# only for the command `git-wave`, and the git completion of fish 3.6 and
# earlier does not hand `git wave ...` on to it (it offers file names). This
# registers the completion for `git`, loading git-wave.fish on first use.
function __git_wave_load_completion
    if not functions -q __git_wave_complete
        complete -C 'git-wave ' >/dev/null # autoloads git-wave.fish
    end
    functions -q __git_wave_after_git; and __git_wave_after_git
end
complete -c git -f -n __git_wave_load_completion -a '(__git_wave_complete)'
