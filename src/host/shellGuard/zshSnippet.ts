import type { GuardSnippetOptions } from './snippetText';
import { pathShimsFunction } from './pathShimsCheck';
import { posixQuote, shellText } from './snippetText';

/**
 * The zsh guard. Interactive: the accept-line widget (and its siblings) decides the whole buffer,
 * continuation lines included, before zsh parses it; a blocked buffer is replaced by a call that
 * prints why and returns 126, so nothing of it runs and VS Code still sees a command with its exit
 * code. preexec cannot cancel, so it is not used. Non-interactive (zsh -c, when sourced from .zshenv):
 * ZSH_EXECUTION_STRING is decided once, in every such shell (no environment marker skips it, as in
 * bash: a child of an approved line is answered from the broker's one-time approval); a blocked one
 * exits 126. VS Code's own zsh integration swaps ZDOTDIR, so this never touches it. Decisions go to
 * a coprocess that keeps a session with the window's broker (a line that needs a person waits for the
 * approval view, and says so), falling back to one-shot calls.
 */
export function zshGuardSnippet(options: GuardSnippetOptions): string {
  const command = options.command.map(posixQuote).join(' ');
  const fast = (options.oneShot?.command ?? []).map(posixQuote).join(' ');
  const fastNeeds = (options.oneShot?.requires ?? []).map(posixQuote).join(' ');
  return shellText`# Airlock shell guard for zsh (airlock shell-init zsh). A second layer, not a sandbox:
# whoever types into this shell can switch it off; Airlock records when a guard goes missing.
# Loaded once per shell. A value from the environment (exported) is not this shell's: someone set it
# to keep the guard out (__airlock_guard_loaded=1 zsh -c ...), so the guard loads all the same.
if [[ -z $\{__airlock_guard_loaded-} || $\{(t)__airlock_guard_loaded} == *export* ]]; then
builtin unset __airlock_guard_loaded
typeset -g __airlock_guard_loaded=1 __airlock_seq=0 __airlock_reply= __airlock_message= __airlock_srv_pid= __airlock_srv_in= __airlock_srv_out=
typeset -ga __airlock_cmd
__airlock_cmd=(${command})
# The faster start for one-shot calls (guardLoader.ts), used while the files it needs exist.
typeset -ga __airlock_fast __airlock_fast_needs
__airlock_fast=(${fast}) __airlock_fast_needs=(${fastNeeds})
# The folder of PATH shims the extension put first on PATH (AIRLOCK_SHIM_DIR), as it was when the
# guard loaded: unsetting the variable later does not make the guard forget it. Kept when the guard
# loads again in the same shell.
[[ $\{(t)__airlock_shim_dir} == *readonly* ]] || typeset -gr __airlock_shim_dir=$\{AIRLOCK_SHIM_DIR%/}
typeset -g __airlock_shims=

# The PATH shim check (pathShimsCheck.ts): on, off, or nothing, for each line the guard sends.
${pathShimsFunction('emulate -L zsh')}

# Sets __airlock_reply to the answer line for $1 (decided in $PWD). While a person is asked, the
# coprocess says so and the shell prints it. Answers carry the request's number: a late answer to a
# line the shell stopped waiting for (Ctrl-C) is skipped, never taken for this line's.
__airlock_ask() {
  __airlock_reply=
  __airlock_path_shims
  if [[ -n $__airlock_srv_pid ]] && builtin kill -0 $__airlock_srv_pid 2>/dev/null; then
    (( __airlock_seq += 1 ))
    local seq="$__airlock_seq"$'\t' line
    if builtin print -rn -- "$__airlock_seq"$'\0'"$PWD"$'\0'"$__airlock_shims"$'\0'"$1"$'\0' >&$__airlock_srv_in; then
      while IFS= builtin read -r -u $__airlock_srv_out line; do
        [[ $line == "$seq"* ]] || continue
        line=$\{line#"$seq"}
        if [[ $line == wait$'\t'* ]]; then
          # Inside the accept-line widget the editor owns the screen: let it make room first.
          zle && zle -I
          builtin print -ru2 -- "$\{line#wait$'\t'}"
          continue
        fi
        __airlock_reply=$line
        return 0
      done
    fi
    # The coprocess died or broke mid-answer: stop using it and decide this line the slow way.
    builtin kill $__airlock_srv_pid 2>/dev/null
    __airlock_srv_pid= __airlock_reply=
  fi
  # The fast start first; when it gives no answer (a broken loader, not a signal), the plain one.
  local file fast=$\{#__airlock_fast} code=0
  for file in "$\{__airlock_fast_needs[@]}"; do [[ -f $file ]] || fast=0; done
  if (( fast )); then
    __airlock_reply=$("$\{__airlock_fast[@]}" guard --shell zsh --cwd "$PWD" --path-shims "$__airlock_shims" -- "$1" </dev/null) || code=$?
    [[ $__airlock_reply == allow || $__airlock_reply == deny$'\t'* ]] || (( code >= 128 )) && return 0
  fi
  __airlock_reply=$("$\{__airlock_cmd[@]}" guard --shell zsh --cwd "$PWD" --path-shims "$__airlock_shims" -- "$1" </dev/null)
}

# Sets __airlock_full to $1 preceded by the definitions of the aliases and functions it names that
# were defined on earlier lines, a few levels deep, so the engine judges what they run.
__airlock_with_definitions() {
  emulate -L zsh
  local text=$1 defs= next word round
  local -A seen
  for round in 1 2 3; do
    next=
    for word in $\{=$\{text//[^[:alnum:]_.:+@%,-]/ }}; do
      (( $\{+seen[$word]} )) && continue
      seen[$word]=1
      if (( $\{+aliases[$word]} )); then
        defs+="alias $\{word}=$\{(q)aliases[$word]}"$'\n' next+=" $aliases[$word]"
      elif [[ $word != __airlock_* ]] && (( $\{+functions[$word]} )); then
        defs+="$word() {"$'\n'"$functions[$word]"$'\n'"}"$'\n' next+=" $functions[$word]"
      fi
    done
    [[ -z $next ]] && break
    text=$next
  done
  typeset -g __airlock_full=$defs$1
}

# Returns 0 to run the line; otherwise 1, with the reason in __airlock_message.
__airlock_check() {
  __airlock_with_definitions "$1"
  __airlock_ask "$__airlock_full"
  case $__airlock_reply in
    (allow) return 0 ;;
    (deny$'\t'*) __airlock_message=$\{__airlock_reply#deny$'\t'} ;;
    (*) __airlock_message='airlock: blocked because Airlock gave no answer; the line did not run.' ;;
  esac
  return 1
}

if [[ ! -o interactive ]]; then
  if [[ -n $\{ZSH_EXECUTION_STRING-} ]]; then
    if ! __airlock_check "$ZSH_EXECUTION_STRING"; then
      builtin print -ru2 -- "$__airlock_message"
      builtin exit 126
    fi
  fi
else
  __airlock_start_server() {
    builtin emulate -L zsh
    builtin setopt no_monitor no_notify
    [[ -n $__airlock_srv_in ]] && builtin exec {__airlock_srv_in}>&- {__airlock_srv_out}<&- 2>/dev/null
    coproc "$\{__airlock_cmd[@]}" guard --serve --shell zsh --shell-pid $$
    __airlock_srv_pid=$!
    # Own copies of the pipe ends, so a coproc the user starts later does not take over ours.
    builtin exec {__airlock_srv_in}>&p {__airlock_srv_out}<&p
    # Out of the job table (it is the current job): jobs must not show it, exit must not refuse.
    builtin disown %% 2>/dev/null
  }

  __airlock_blocked() {
    builtin print -ru2 -- "$__airlock_message"
    return 126
  }

  # Decides the whole buffer before zsh parses it; $1 is the widget to run afterwards.
  __airlock_accept() {
    local line=$PREBUFFER$BUFFER
    if [[ -n $\{line//[[:space:]]/} ]] && ! __airlock_check "$line"; then
      if [[ -n $PREBUFFER ]]; then
        # Earlier lines of this command are already with the parser: abandon the whole command.
        zle -I
        builtin print -ru2 -- "$__airlock_message"
        zle send-break
        return 126
      fi
      BUFFER=__airlock_blocked
    fi
    zle ".$1"
  }
  __airlock_accept_line() { __airlock_accept accept-line; }
  __airlock_accept_and_hold() { __airlock_accept accept-and-hold; }
  __airlock_accept_line_and_down_history() { __airlock_accept accept-line-and-down-history; }
  __airlock_accept_and_infer_next_history() { __airlock_accept accept-and-infer-next-history; }
  zle -N accept-line __airlock_accept_line
  zle -N accept-and-hold __airlock_accept_and_hold
  zle -N accept-line-and-down-history __airlock_accept_line_and_down_history
  zle -N accept-and-infer-next-history __airlock_accept_and_infer_next_history
  # A coprocess that died is started again before a prompt, a few times at most (lines fall back meanwhile).
  typeset -gi __airlock_restarts=0
  __airlock_precmd() {
    if ! { [[ -n $__airlock_srv_pid ]] && builtin kill -0 $__airlock_srv_pid 2>/dev/null } && (( __airlock_restarts < 3 )); then
      (( __airlock_restarts += 1 ))
      __airlock_start_server
    fi
  }
  typeset -ga precmd_functions
  precmd_functions+=(__airlock_precmd)
  __airlock_start_server
fi
fi
`;
}
