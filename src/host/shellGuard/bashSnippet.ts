import type { GuardSnippetOptions } from './snippetText';
import { pathShimsFunction } from './pathShimsCheck';
import { posixQuote, shellText } from './snippetText';

/**
 * The bash guard (DESIGN.md "shell guard"; mechanics verified in ../shared/research/vscode_api.md 1.4).
 *
 * Interactive: Enter runs a readline handler first that copies the physical line, so the whole
 * command (every line of a multi-line one) is known before bash parses it; PS0, expanded once a
 * complete command has been read, arms the check; the first DEBUG trap of that command decides the
 * whole text once, and with extdebug a non-zero trap skips every simple command up to the next prompt,
 * inside lists, pipelines, loops, functions and subshells alike. The prompt hook then returns 126, so
 * $? and VS Code's shell integration (which reads $? next) both see it.
 *
 * Non-interactive (bash -c, shell tasks, via BASH_ENV): the -c string is decided once before it runs;
 * a blocked one exits 126. A child bash -c of a line already decided is decided again: no environment
 * marker may skip it, since an agent can set any (DESIGN.md "Broker"). When a person just approved the
 * line that starts it, the broker answers the child's check from that one-time approval, without asking.
 *
 * Decisions go to a long-lived coprocess (airlock guard --serve) started with the guard, which keeps a
 * session with the window's broker (a line that needs a person waits for the approval view, and says
 * so); when it is gone, each line falls back to a one-shot airlock guard call. Every path that gets no
 * exact "allow" blocks the line.
 */
export function bashGuardSnippet(options: GuardSnippetOptions): string {
  const command = options.command.map(posixQuote).join(' ');
  const fast = (options.oneShot?.command ?? []).map(posixQuote).join(' ');
  const fastNeeds = (options.oneShot?.requires ?? []).map(posixQuote).join(' ');
  return shellText`# Airlock shell guard for bash (airlock shell-init bash). A second layer, not a sandbox:
# whoever types into this shell can switch it off; Airlock records when a guard goes missing.
# Loaded once per shell. A value from the environment (exported) is not this shell's: someone set it
# to keep the guard out (__airlock_guard_loaded=1 bash -c ...), so the guard loads all the same.
if [[ -z $\{__airlock_guard_loaded-} || $\{__airlock_guard_loaded@a} == *x* ]]; then
builtin unset __airlock_guard_loaded
__airlock_guard_loaded=1 __airlock_seq=0
__airlock_cmd=(${command})
# The faster start for one-shot calls (guardLoader.ts), used while the files it needs exist.
__airlock_fast=(${fast}) __airlock_fast_needs=(${fastNeeds})
# The folder of PATH shims the extension put first on PATH (AIRLOCK_SHIM_DIR), as it was when the
# guard loaded: unsetting the variable later does not make the guard forget it. Kept when the guard
# loads again in the same shell (assigning a readonly variable would end a non-interactive one).
if [[ $\{__airlock_shim_dir@a} != *r* ]]; then
  __airlock_shim_dir=$\{AIRLOCK_SHIM_DIR%/}
  builtin readonly __airlock_shim_dir
fi

# The PATH shim check (pathShimsCheck.ts): on, off, or nothing, for each line the guard sends.
${pathShimsFunction()}

# Sets __airlock_reply to the answer line for $1 (decided in $PWD). While a person is asked, the
# coprocess says so and the shell prints it. Answers carry the request's number: a late answer to a
# line the shell stopped waiting for (Ctrl-C) is skipped, never taken for this line's.
__airlock_ask() {
  __airlock_reply=
  __airlock_path_shims
  if [[ -n $\{__airlock_srv_pid-} && -n $\{__AIRLOCK_SRV[1]-} ]] && builtin kill -0 "$__airlock_srv_pid" 2>/dev/null; then
    (( __airlock_seq += 1 ))
    local seq=$__airlock_seq$'\t' line
    if builtin printf '%s\0%s\0%s\0%s\0' "$__airlock_seq" "$PWD" "$__airlock_shims" "$1" 2>/dev/null >&"$\{__AIRLOCK_SRV[1]}"; then
      while IFS= builtin read -r line <&"$\{__AIRLOCK_SRV[0]}"; do
        [[ $line == "$seq"* ]] || continue
        line=$\{line#"$seq"}
        if [[ $line == wait$'\t'* ]]; then
          builtin printf '%s\n' "$\{line#wait$'\t'}" >&2
          continue
        fi
        __airlock_reply=$line
        return 0
      done
    fi
    # The coprocess died or broke mid-answer: stop using it and decide this line the slow way.
    builtin kill "$__airlock_srv_pid" 2>/dev/null
    __airlock_srv_pid= __airlock_reply=
  fi
  # The fast start first; when it gives no answer (a broken loader, not a signal), the plain one.
  local file fast=$\{#__airlock_fast[@]} code=0
  for file in "$\{__airlock_fast_needs[@]}"; do [[ -f $file ]] || fast=0; done
  if (( fast )); then
    __airlock_reply=$("$\{__airlock_fast[@]}" guard --shell bash --cwd "$PWD" --path-shims "$__airlock_shims" -- "$1" </dev/null) || code=$?
    [[ $__airlock_reply == allow || $__airlock_reply == deny$'\t'* ]] || (( code >= 128 )) && return 0
  fi
  __airlock_reply=$("$\{__airlock_cmd[@]}" guard --shell bash --cwd "$PWD" --path-shims "$__airlock_shims" -- "$1" </dev/null)
}

# Sets __airlock_full to $1 preceded by the definitions of the aliases and functions it names that
# were defined on earlier lines, a few levels deep, so the engine judges what they run (an alias
# zap='rm -rf' looks harmless where it is defined). Only a function body costs a fork.
__airlock_with_definitions() {
  local - text=$1 defs= next word body seen=' ' round
  local -a words
  set -f
  for round in 1 2 3; do
    next=
    words=($\{text//[^[:alnum:]_.:+@%,-]/ })
    for word in "$\{words[@]}"; do
      [[ $seen == *" $word "* ]] && continue
      seen+="$word "
      if [[ -n $\{BASH_ALIASES[$word]+x} ]]; then
        builtin printf -v body 'alias %s=%q' "$word" "$\{BASH_ALIASES[$word]}"
        defs+=$body$'\n' next+=" $\{BASH_ALIASES[$word]}"
      elif [[ $word != __airlock_* ]] && builtin declare -F -- "$word" >/dev/null 2>&1; then
        body=$(builtin declare -f -- "$word")
        defs+=$body$'\n' next+=" $body"
      fi
    done
    [[ -z $next ]] && break
    text=$next
  done
  __airlock_full=$defs$1
}

# Returns 0 to run the line; otherwise 1, with the reason in __airlock_message.
__airlock_check() {
  __airlock_with_definitions "$1"
  __airlock_ask "$__airlock_full"
  case $__airlock_reply in
    allow) return 0 ;;
    deny$'\t'*) __airlock_message=$\{__airlock_reply#deny$'\t'} ;;
    *) __airlock_message='airlock: blocked because Airlock gave no answer; the line did not run.' ;;
  esac
  return 1
}

if [[ $- != *i* ]]; then
  if [[ -n $\{BASH_EXECUTION_STRING-} ]]; then
    __airlock_line=$BASH_EXECUTION_STRING
    # Cursor's agent shell hands the command to an eval wrapper as an argument: check those too.
    if [[ $__airlock_line == *eval* ]]; then
      for __airlock_arg in "$@"; do __airlock_line+=$'\n'$__airlock_arg; done
    fi
    if ! __airlock_check "$__airlock_line"; then
      builtin printf '%s\n' "$__airlock_message" >&2
      builtin exit 126
    fi
    builtin unset __airlock_line __airlock_arg
  fi
else
  __airlock_buffer= __airlock_armed=0 __airlock_verdict=0 __airlock_blocked=0 __airlock_busy=0 __airlock_percmd=0 __airlock_chain= __airlock_srv_pid= __airlock_decided= __airlock_message= __airlock_restarts=0

  __airlock_start_server() {
    # A coprocess has its own fds, closed in every command it starts; job-control noise is hidden.
    { coproc __AIRLOCK_SRV { "$\{__airlock_cmd[@]}" guard --serve --shell bash --shell-pid "$$"; } } 2>/dev/null
    __airlock_srv_pid=$__AIRLOCK_SRV_PID
    # Out of the job table: jobs and fg must not show it, and exit must not wait for it.
    builtin disown "$__airlock_srv_pid" 2>/dev/null
  }

  # Readline calls this on Enter, before accept-line, so every physical line of a command is kept.
  # The first line is decided here already: when it is blocked it is replaced by a call that prints
  # why and returns 126, so nothing of it runs and $? is 126. Continuation lines of a multi-line command
  # are decided as a whole by the DEBUG trap, which skips everything if needed.
  __airlock_capture() {
    if [[ -z $__airlock_buffer && -n $\{READLINE_LINE//[[:space:]]/} ]]; then
      __airlock_busy=1
      if ! __airlock_check "$READLINE_LINE"; then
        READLINE_LINE=__airlock_blocked
        READLINE_POINT=$\{#READLINE_LINE}
      fi
      __airlock_decided=$READLINE_LINE$'\n'
      __airlock_busy=0
    fi
    __airlock_buffer+=$READLINE_LINE$'\n'
  }

  __airlock_blocked() {
    builtin printf '%s\n' "$__airlock_message" >&2
    return 126
  }

  __airlock_decide_line() {
    __airlock_busy=1
    if __airlock_check "$1"; then
      __airlock_verdict=0
    else
      builtin printf '%s\n' "$__airlock_message" >&2
      __airlock_verdict=1 __airlock_blocked=1
    fi
    __airlock_busy=0
  }

  __airlock_debug() {
    [[ $BASH_COMMAND == __airlock_capture* ]] && return 0
    (( __airlock_busy )) && return 0
    # Our prompt hook ends a line: it must run even after a blocked line. The nonce keeps a typed
    # "__airlock_prompt; rm -rf ~" from passing as the prompt.
    if [[ $BASH_COMMAND == "__airlock_prompt $__airlock_nonce" ]] && (( $\{#FUNCNAME[@]} == 1 && !__airlock_armed )); then
      __airlock_verdict=0
      return 0
    fi
    # The trap that was there before (VS Code's shell integration) still sees each top-level command;
    # inside functions it would misreport the command line, so only at the top.
    if [[ -n $__airlock_chain ]] && (( $\{#FUNCNAME[@]} == 1 )); then
      __airlock_busy=1
      : "$1"
      builtin eval "$__airlock_chain"
      __airlock_busy=0
    fi
    if (( __airlock_armed )); then
      __airlock_armed=0
      if [[ $__airlock_buffer == "$__airlock_decided" ]]; then
        __airlock_verdict=0
      elif [[ -n $\{__airlock_buffer//[[:space:]]/} ]]; then
        __airlock_decide_line "$__airlock_buffer"
      elif [[ -z $__airlock_buffer ]]; then
        # No line from readline (line editing off): check each command as it comes instead.
        __airlock_percmd=1
      fi
      __airlock_buffer=
    fi
    if (( __airlock_percmd && !__airlock_verdict && $\{#FUNCNAME[@]} == 1 )) && [[ $BASH_COMMAND != "__airlock_prompt $__airlock_nonce" ]]; then
      __airlock_decide_line "$BASH_COMMAND"
    fi
    return $__airlock_verdict
  }

  __airlock_install() {
    builtin shopt -s extdebug
    if [[ -z $__airlock_chain ]]; then
      # Loaded from inside VS Code's prompt function, where trap -p shows nothing: rebuild its trap
      # (the _all form when VS Code found a trap before its own, such as this guard from an rc file).
      if [[ -n $\{__vsc_dbg_trap-} ]] && declare -F __vsc_preexec_all >/dev/null; then
        __airlock_chain='__vsc_preexec_all "$_"'
      elif declare -F __vsc_preexec_only >/dev/null; then
        __airlock_chain='__vsc_preexec_only "$_"'
      elif declare -F __bp_preexec_invoke_exec >/dev/null; then
        __airlock_chain='__bp_preexec_invoke_exec "$_"'
      fi
    fi
    builtin trap '__airlock_debug "$_"' DEBUG
    [[ $PS0 == *__airlock_armed=1* ]] || PS0='$\{__airlock_ps0[__airlock_armed=1]-}'$PS0
  }

  __airlock_prompt() {
    local rc=$?
    (( __airlock_blocked )) && rc=126
    __airlock_blocked=0 __airlock_verdict=0 __airlock_armed=0 __airlock_buffer= __airlock_percmd=0 __airlock_busy=0 __airlock_decided=
    # Without line editing there is no Enter to hook and PS0 is not shown: check each command instead.
    [[ -o emacs || -o vi ]] || __airlock_percmd=1
    # A coprocess that died is started again, a few times at most (each line falls back meanwhile).
    if ! { [[ -n $__airlock_srv_pid ]] && builtin kill -0 "$__airlock_srv_pid" 2>/dev/null; } && (( __airlock_restarts < 3 )); then
      (( __airlock_restarts += 1 ))
      __airlock_start_server
    fi
    __airlock_install
    return $rc
  }

  for __airlock_map in emacs vi-insert vi-command; do
    builtin bind -m "$__airlock_map" -x '"\C-x\C-_g": __airlock_capture' 2>/dev/null
    builtin bind -m "$__airlock_map" '"\C-x\C-_a": accept-line' 2>/dev/null
    builtin bind -m "$__airlock_map" '"\C-m": "\C-x\C-_g\C-x\C-_a"' 2>/dev/null
    builtin bind -m "$__airlock_map" '"\C-j": "\C-x\C-_g\C-x\C-_a"' 2>/dev/null
  done
  builtin unset __airlock_map
  # A DEBUG trap set before this one (not VS Code's, handled above) keeps running, inside ours.
  __airlock_chain=$(builtin trap -p DEBUG)
  __airlock_chain=$\{__airlock_chain#"trap -- '"}
  __airlock_chain=$\{__airlock_chain%"' DEBUG"}
  __airlock_chain=$\{__airlock_chain//"'\''"/"'"}
  [[ $__airlock_chain == '__airlock_debug "$_"' ]] && __airlock_chain=
  __airlock_nonce=$RANDOM$RANDOM$RANDOM
  PROMPT_COMMAND="__airlock_prompt $__airlock_nonce$\{PROMPT_COMMAND:+; $PROMPT_COMMAND}"
  # An interactive bash dies of SIGPIPE when it writes to a pipe nobody reads: a coprocess that ends
  # between the liveness check and the write would close the terminal. With a handler (not an ignore,
  # which every program started from the shell would inherit) the write fails instead, and the line
  # falls back to a one-shot check. A PIPE trap of the person's own is left as it is.
  [[ -z $(builtin trap -p PIPE) ]] && builtin trap ':' PIPE
  __airlock_start_server
  __airlock_install
  # Redefining or unsetting the guard's functions would switch it off quietly.
  builtin readonly -f __airlock_ask __airlock_path_shims __airlock_with_definitions __airlock_check __airlock_debug __airlock_decide_line __airlock_install __airlock_prompt __airlock_capture __airlock_blocked __airlock_start_server
fi
fi
`;
}
