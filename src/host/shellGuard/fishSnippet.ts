import type { GuardSnippetOptions } from './snippetText';
import { fishQuote, shellText } from './snippetText';

/**
 * The fish guard: Enter (and the vi insert mode's Enter) decides the whole command line before fish
 * parses it; a blocked line is replaced by a call that prints why and returns 126, so nothing of it
 * runs and VS Code still sees a command with its exit code. fish_preexec cannot cancel, so it is not
 * used. fish has no coprocesses, so each line is a one-shot airlock guard call.
 *
 * fish -c and -C (shell tasks whose shell is fish, agents running fish -c): fish reads its config,
 * this file included, before it runs them, so they are decided here first and a blocked one ends fish
 * with 126, as bash's BASH_ENV guard does. fish does not tell its config what it was given: the guard
 * reads its argv from /proc (Linux). Where no /proc shows it, a fish given -c or -C fails closed.
 */
export function fishGuardSnippet(options: GuardSnippetOptions): string {
  const command = options.command.map(fishQuote).join(' ');
  const fast = (options.oneShot?.command ?? []).map(fishQuote).join(' ');
  const fastNeeds = (options.oneShot?.requires ?? []).map(fishQuote).join(' ');
  return shellText`# Airlock shell guard for fish (airlock shell-init fish). A second layer, not a sandbox:
# whoever types into this shell can switch it off; Airlock records when a guard goes missing.
# Loaded once per shell. An exported or universal value is not this shell's: someone set it to keep
# the guard out (__airlock_guard_loaded=1 fish -c ...), so the guard loads all the same.
if not set -qg __airlock_guard_loaded; or set -qx __airlock_guard_loaded
    set -eg __airlock_guard_loaded
    set -g __airlock_guard_loaded 1
    set -g __airlock_cmd ${command}
    # The faster start for one-shot calls (guardLoader.ts), used while the files it needs exist.
    set -g __airlock_fast ${fast}
    set -g __airlock_fast_needs ${fastNeeds}
    set -g __airlock_message
    # The folder of PATH shims the extension put first on PATH (AIRLOCK_SHIM_DIR), as it was when the
    # guard loaded: erasing the variable later does not make the guard forget it.
    set -g __airlock_shim_dir (string replace -r -- '/+$' '' "$AIRLOCK_SHIM_DIR")
    set -g __airlock_shims

    # Sets __airlock_shims to on while that folder still comes before the system program folders on
    # PATH, off once it was removed or moved behind them (set -gx PATH ..., fish_add_path --move;
    # PathShimState in brokerMessages.ts), nothing without a shim folder. Builtins only: every line.
    function __airlock_path_shims
        set -g __airlock_shims
        test -n "$__airlock_shim_dir"; or return 0
        set -g __airlock_shims off
        # PATH as :a:b:c: without trailing slashes, split once at the shim folder: what comes before it
        # must hold no system folder. One substitution, not one per folder: fish's are slow.
        set -l before (string replace -ra -- '/+(?=:)' '' :(string join : -- $PATH): | string split -m1 -- :$__airlock_shim_dir:)
        set -q before[2]; or return 0
        string match -qr -- ':(/usr/local/sbin|/usr/local/bin|/usr/sbin|/usr/bin|/sbin|/bin):' $before[1]:; and return 0
        set -g __airlock_shims on
    end

    # Prints the line preceded by the definitions of the functions it names that were defined on
    # earlier lines (an alias is one too), so the engine judges what they run: alias zap='rm -rf'
    # looks harmless where it is defined. fish's own functions live in files and are left out.
    function __airlock_with_definitions --argument-names line
        set -l defs
        for word in (string split -n ' ' -- (string replace -ra -- '[^[:alnum:]_.:+@%,-]' ' ' $line))
            if not string match -q -- '__airlock_*' $word; and functions -q -- $word
                switch (functions --details -- $word)
                    case stdin -
                        set -a defs (functions --no-details -- $word | string collect)
                end
            end
        end
        string join \n -- $defs $line
    end

    # Returns 0 to run the line; otherwise 1, with the reason in __airlock_message.
    function __airlock_check --argument-names line
        set -l full (__airlock_with_definitions $line | string collect)
        __airlock_path_shims
        set -l reply
        set -l code 0
        # The fast start first; when it gives no answer (a broken loader, not a signal), the plain one.
        set -l fast (count $__airlock_fast)
        for file in $__airlock_fast_needs
            test -f $file; or set fast 0
        end
        if test $fast -gt 0
            set reply ($__airlock_fast guard --shell fish --cwd $PWD --path-shims "$__airlock_shims" -- $full </dev/null | string collect)
            set code $pipestatus[1]
        end
        if test "$reply" != allow; and not string match -q -r -- '^deny\t' "$reply"; and test $code -lt 128
            set reply ($__airlock_cmd guard --shell fish --cwd $PWD --path-shims "$__airlock_shims" -- $full </dev/null | string collect)
        end
        if test "$reply" = allow
            return 0
        end
        if string match -q -r -- '^deny\t' "$reply"
            set -g __airlock_message (string replace -r -- '^deny\t' '' "$reply")
        else
            set -g __airlock_message 'airlock: blocked because Airlock gave no answer; the line did not run.'
        end
        return 1
    end

    function __airlock_blocked
        echo $__airlock_message >&2
        return 126
    end

    function __airlock_enter
        set -l line (commandline | string collect)
        if string length -q -- (string trim -- "$line" | string collect)
            if not __airlock_check "$line"
                commandline -r -- __airlock_blocked
            end
        end
        commandline -f execute
    end

    # Before every prompt, as switching key bindings (fish_vi_key_bindings in config.fish, which
    # runs after this file when it comes from vendor_conf.d) starts from a clean set.
    function __airlock_bind --on-event fish_prompt
        for mode in default insert
            bind -M $mode \r __airlock_enter 2>/dev/null
            bind -M $mode \n __airlock_enter 2>/dev/null
        end
    end
    status is-interactive; and __airlock_bind

    # Sets __airlock_startup to the -C and then the -c commands this fish was started with, in the
    # order it runs them; returns 1 when it cannot tell whether there are any. getopt rules: the rest
    # of an option cluster is the option's value, the first word that is not an option ends them.
    function __airlock_startup_commands
        set -g __airlock_startup
        if not test -r /proc/$fish_pid/cmdline
            # ps joins the words with spaces: enough to see whether one is -c or -C, not to read it.
            set -l joined (ps -ww -o args= -p $fish_pid 2>/dev/null | string collect)
            test -n "$joined"; or return 1
            not string match -qr -- '\s(-[ilnNP]*[cC]|--command|--init-command)' $joined
            return
        end
        set -l init
        set -l args (string split0 </proc/$fish_pid/cmdline)
        set -e args[1]
        while set -q args[1]
            set -l word $args[1]
            set -e args[1]
            set -l short (string match -r -- '^-[ilnNP]*([cC])(.*)$' $word)
            if set -q short[1]
                set -l value $short[3]
                if test -z "$value"
                    set -q args[1]; or break
                    set value $args[1]
                    set -e args[1]
                end
                if test $short[2] = C
                    set -a init $value
                else
                    set -a __airlock_startup $value
                end
                continue
            end
            # Options that take the next word as their value: it is no command, skip it.
            if string match -qr -- '^(-[ilnNPhv]*[dfoDp]|--(features|debug|debug-output|debug-stack-frames|profile|profile-startup))$' $word
                set -e args[1]
                continue
            end
            switch $word
                case '--command=*'
                    set -a __airlock_startup (string replace -- --command= '' $word)
                case '--init-command=*'
                    set -a init (string replace -- --init-command= '' $word)
                case --command
                    set -q args[1]; and set -a __airlock_startup $args[1]; and set -e args[1]
                case --init-command
                    set -q args[1]; and set -a init $args[1]; and set -e args[1]
                case '--'
                    break
                case '-*'
                case '*'
                    break
            end
        end
        set -g __airlock_startup $init $__airlock_startup
    end

    # exit in a config file ends only the file; exec ends fish, with the status bash's guard gives.
    if not __airlock_startup_commands
        echo 'airlock: blocked because this system does not show the guard what fish -c was given (no /proc); run it from bash or zsh instead.' >&2
        exec /bin/sh -c 'exit 126'
    else if set -q __airlock_startup[1]; and string length -q -- (string trim -- $__airlock_startup | string collect)
        if not __airlock_check (string join \n -- $__airlock_startup | string collect)
            echo $__airlock_message >&2
            exec /bin/sh -c 'exit 126'
        end
    end
    set -e __airlock_startup
end
`;
}
