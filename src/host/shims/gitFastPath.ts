/**
 * The part of the git shim that lets read-only queries through without asking. Shell prompts run a
 * few of them before every prompt (fish's default prompt, bash's __git_ps1, oh-my-zsh): asking would
 * start a node process for each, about 0.1 s apiece, on every prompt of every terminal, to be told
 * what the engine always says about them (allow) and to fill the ledger with noise.
 *
 * What passes is narrow: a known read-only subcommand, after nothing but harmless global options
 * (never `-c`, which can set a pager, an alias or fsmonitor to any program), with no option that
 * writes a file (`--output`). Everything else asks, as before. The real git is the next `git` on
 * PATH that is not a shim (by its marker line, as `findRealProgram` does); `__AIRLOCK_SHIM_FAST=1`
 * is set for it all the same, so whatever it is, a shim reached that way asks rather than loops.
 * Setting that variable yourself only turns this shortcut off: it can never let anything more through.
 */
export function gitFastPath(shimMarker: string): string {
  return String.raw`# Read-only git queries (prompts run them before every prompt) skip the question; see gitFastPath.ts.
__airlock_git_reads() {
  while [ $# -gt 0 ]; do
    case $1 in
      -C) [ $# -ge 2 ] || return 1; shift 2 ;;
      --no-optional-locks|--no-pager|--literal-pathspecs|--git-dir=*|--work-tree=*) shift ;;
      *) break ;;
    esac
  done
  [ $# -gt 0 ] || return 1
  __airlock_sub=$1; shift
  for __airlock_arg in "$@"; do
    case $__airlock_arg in --output*|--ext-diff|--exec*|--upload-pack*|--receive-pack*) return 1 ;; esac
  done
  case $__airlock_sub in
    rev-parse|status|ls-files|diff-index|diff-files|show-ref|for-each-ref|rev-list|merge-base|describe|cat-file|var|version|--version|name-rev|check-ignore|count-objects) return 0 ;;
    diff) for __airlock_arg in "$@"; do [ "$__airlock_arg" = --quiet ] && return 0; done; return 1 ;;
    stash) [ "$#" -eq 1 ] && [ "$1" = list ] ;;
    branch) [ "$#" -eq 1 ] && [ "$1" = --show-current ] ;;
    symbolic-ref)
      __airlock_refs=0
      for __airlock_arg in "$@"; do case $__airlock_arg in -*) ;; *) __airlock_refs=$((__airlock_refs + 1)) ;; esac; done
      [ "$__airlock_refs" -le 1 ] ;;
    config)
      __airlock_get=1
      for __airlock_arg in "$@"; do
        case $__airlock_arg in
          --get|--get-all|--get-regexp|--get-urlmatch|-l|--list) __airlock_get=0 ;;
          --unset*|--add|--replace-all|--rename-section|--remove-section|-e|--edit) return 1 ;;
        esac
      done
      return $__airlock_get ;;
    *) return 1 ;;
  esac
}
if [ -z "$\{__AIRLOCK_SHIM_FAST-}" ] && __airlock_git_reads "$@"; then
  __airlock_self=$\{0%/*}
  __airlock_ifs=$IFS; IFS=:
  for __airlock_dir in $PATH; do
    [ -n "$__airlock_dir" ] && [ "$__airlock_dir" != "$__airlock_self" ] && [ -x "$__airlock_dir/git" ] && [ ! -d "$__airlock_dir/git" ] || continue
    # Another copy of this shim (its second line is the marker) is not git.
    __airlock_second=
    { IFS= read -r __airlock_second && IFS= read -r __airlock_second; } < "$__airlock_dir/git" 2>/dev/null
    [ "$__airlock_second" = '${shimMarker}' ] && continue
    IFS=$__airlock_ifs
    export __AIRLOCK_SHIM_FAST=1
    exec "$__airlock_dir/git" "$@"
  done
  IFS=$__airlock_ifs
fi
`.replaceAll('$\\{', '${');
}
