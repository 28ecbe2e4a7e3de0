import { shellText } from './snippetText';

/**
 * The bash and zsh guards' PATH shim check, one text for both (`(pattern)` case items are valid in
 * each). Sets __airlock_shims to on while the shim folder still comes before the system program folders
 * on PATH, off once it was removed or moved behind them (PathShimState in brokerMessages.ts; zsh's
 * path=(...) edits PATH too), nothing without a shim folder. Builtins only, no fork: it runs for every
 * line. `localOptions` is a first line for the function body (zsh: `emulate -L zsh`).
 */
export function pathShimsFunction(localOptions = ''): string {
  return shellText`__airlock_path_shims() {${localOptions ? `\n  ${localOptions}` : ''}
  __airlock_shims=
  [[ -n $__airlock_shim_dir ]] || return 0
  local p=":$PATH:" before
  p=$\{p//\/:/:}
  before=$\{p%%":$__airlock_shim_dir:"*}
  __airlock_shims=off
  [[ $before == "$p" ]] && return 0
  case $before: in
    (*:/usr/local/sbin:*|*:/usr/local/bin:*|*:/usr/sbin:*|*:/usr/bin:*|*:/sbin:*|*:/bin:*) ;;
    (*) __airlock_shims=on ;;
  esac
}`;
}
