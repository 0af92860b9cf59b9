#!/usr/bin/env zsh
# zsh_complete.zsh FPATH_DIR LINE: prints, one per line, the matches zsh's
# completion system offers at the end of LINE in an interactive `zsh -f`
# whose $fpath starts with FPATH_DIR (where _git-wave is), after compinit.
# It types LINE and a TAB into that shell through a pseudo-terminal (zpty),
# with compadd wrapped to print what the completion functions add.
zmodload zsh/zpty || exit 2
dir=$1
line=$2

zpty z zsh -f -i
zpty -w z "PROMPT= RPROMPT= PS2=; unsetopt zle_bracketed_paste 2>/dev/null; fpath=(${(q)dir} \$fpath)"
zpty -w z 'autoload -Uz compinit && compinit -u -D'
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'bindkey "^I" complete-word'
# Every match added is printed between markers; -O/-A/-D only collect.
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __hits; builtin compadd -A __hits "$@"; local r=$?
  local h; for h in $__hits; do print -r -- "<match>${h}</match>"; done
  builtin compadd "$@"; return $r
}'
zpty -w z 'comppostfuncs=(__done); __done() { print -r -- "<done>"; compstate[insert]=""; compstate[list]="" }'
zpty -w z "print -r -- '<ready>'"
out=""
while zpty -r z chunk; do
  out+=$chunk
  [[ $out == *$'\n<ready>'* ]] && break
done
zpty -n -w z "$line"$'\t'
out=""
integer n=0
while (( n++ < 2000 )); do
  zpty -r -t z chunk || { sleep 0.01; continue }
  out+=$chunk
  [[ $out == *'<done>'* ]] && break
done
zpty -d z
print -r -- "${out//$'\r'/}" | grep -o '<match>[^<]*</match>' | sed -e 's/^<match>//' -e 's/<\/match>$//' | sort -u
