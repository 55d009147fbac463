# bash completion for torch-keycheck (installed as
# share/bash-completion/completions/torch-keycheck). The options and check
# names come from the tool itself (--help-list, --list-checks), so they are
# always those of the installed version.
_torch_keycheck() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local tool=${COMP_WORDS[0]} i
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    mapfile -t COMPREPLY < <(compgen -W "keys check golden manifest migrate lsp --help --version" -- "$cur")
    return
  fi
  local cmd=${COMP_WORDS[1]}
  # After "--": compiler flags and files.
  for ((i = 2; i < COMP_CWORD; i++)); do
    if [ "${COMP_WORDS[i]}" = "--" ]; then
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return
    fi
  done
  # "--opt=value": bash splits the word at '='.
  if [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  elif [ "$cur" = "=" ]; then
    cur=""
  fi
  local words=""
  case "$prev" in
    --format)
      words="text json"
      [ "$cmd" = check ] && words="$words sarif"
      [ "$cmd" = manifest ] && words="text json"
      [ "$cmd" = migrate ] && words="libtorch"
      ;;
    --optimizer) words="sgd adam adamw adagrad rmsprop lbfgs" ;;
    --use-color) words="true false" ;;
    --checks | --warnings-as-errors)
      words=$("$tool" check --list-checks --checks='*' 2>/dev/null |
        sed -n 's/^ *\(torch-[a-z-]*\).*/\1/p')
      ;;
    -p | --cache-dir | --checkpoint-root)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return
      ;;
    --checkpoint | --optimizer-checkpoint | --project | --configurations | \
      --export-fixes | -o | --mapping | --mapping-out)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return
      ;;
    --class | --function | --define | --entry | -j | --max-iterations | \
      --max-steps | --max-seconds | --header-filter | --exclude-header-filter | \
      --line-filter | --extra-arg | --extra-arg-before)
      return
      ;;
  esac
  if [ -n "$words" ]; then
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return
  fi
  if [[ $cur == -* ]]; then
    if [ "$cmd" = manifest ]; then
      words="--entry --format --help --version"
    elif [ "$cmd" = lsp ]; then
      words="--compile-commands-dir= --cache-dir= --no-cache --debounce-ms= --inlay-hints --log= --max-seconds= --help"
    else
      words=$("$tool" "$cmd" --help-list 2>/dev/null |
        sed -n 's/^ *\(-[^ =<[]*\).*/\1/p')
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return
  fi
  mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -o filenames -F _torch_keycheck torch-keycheck
