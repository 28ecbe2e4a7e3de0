import type { Invocation, Word } from '../shell/ir';
import { parseFind } from '../shell/findExpression';
import { parseArgs } from '../shell/options';
import type { Signal } from '../shell/signals';
import type { Finding, Rule, RuleInput, RulePack } from './rule';

/**
 * Tampering with Airlock itself: its workspace folder, the hook files it installs, editor settings,
 * its per-user state, and the shell guard's traps, bindings and functions. An agent that switches the
 * guard off is the first thing a guard must stop, so all of these are critical.
 */

const PROTECTED_WORKSPACE_FILES = [
  /^\.airlock(\/|$)/,
  /^\.claude\/settings(\.local)?\.json$/,
  /^\.cursor\/hooks\.json$/,
  /^\.github\/hooks(\/|$)/,
  /^\.vscode\/settings\.json$/,
  /^\.gemini\/settings\.json$/,
  /^\.codex\/(config\.toml|hooks\.json)$/,
];
// The extension's global storage holds the shell guards, the PATH shims and the guard loader's code
// cache every terminal runs: rewriting them would switch the guards off in every new terminal.
const PROTECTED_USER_PATHS = [/\/\.local\/state\/airlock(\/|$)/i, /\/library\/application support\/airlock(\/|$)/i, /\/globalStorage\/airlock\.airlock(\/|$)/i, /\/\.claude\/settings\.json$/, /\/\.cursor\/hooks\.json$/];

/** Why a path is Airlock's to protect, or undefined. */
export function protectedReason(path: string, workspaceRoot: string, home: string): string | undefined {
  const inside = path.startsWith(`${workspaceRoot}/`) ? path.slice(workspaceRoot.length + 1) : undefined;
  if (inside !== undefined && PROTECTED_WORKSPACE_FILES.some((pattern) => pattern.test(inside))) {
    return inside.startsWith('.airlock') ? `Airlock's ledger, snapshots or policy (${inside})` : `an agent hook or settings file Airlock relies on (${inside})`;
  }
  if (path.startsWith(`${home}/`) && PROTECTED_USER_PATHS.some((pattern) => pattern.test(path))) return `Airlock's or an agent's user-level configuration (${path})`;
  return undefined;
}

/** Which operands a program writes, deletes or moves. */
function writtenWords(invocation: Invocation): Word[] {
  const args = invocation.argv.slice(1);
  const operands = (): Word[] => {
    const parsed = parseArgs(args.map((word) => word.value));
    return parsed.operandIndexes.map((index) => args[index] as Word);
  };
  switch (invocation.name) {
    case 'rm': case 'rmdir': case 'unlink': case 'shred': case 'truncate': case 'chmod': case 'chown': case 'chattr': case 'mv': case 'tee': case 'rimraf': case 'trash': case 'trash-put':
      return operands();
    case 'cp': case 'ln': case 'install': case 'rsync': case 'scp':
      return operands().slice(-1);
    case 'sed': case 'perl': case 'ruby':
      return args.some((word) => /^-[A-Za-z]*i/.test(word.value) || word.value.startsWith('--in-place')) ? operands().slice(1) : [];
    case 'dd': {
      const output = args.find((word) => word.value.startsWith('of='));
      return output ? [{ ...output, value: output.value.slice(3), prefix: output.prefix.slice(3) }] : [];
    }
    case 'find': {
      const find = parseFind(args);
      return find.deletes ? [...find.starts] : [];
    }
    default:
      return [];
  }
}

const protectedFiles: Rule = {
  id: 'tamper.files',
  programs: '*',
  description: "Changing or deleting Airlock's folder, hook files, settings or state.",
  check(input: RuleInput) {
    const { invocation, context } = input;
    const words = [...writtenWords(invocation), ...invocation.redirects.filter((redirect) => redirect.op.includes('>')).map((redirect) => redirect.target)];
    const findings: Finding[] = [];
    for (const word of words) {
      const target = input.targets.resolve(word, invocation);
      if (!target.path || target.remote) continue;
      const reason = protectedReason(target.path, context.workspaceRoot, context.home);
      if (reason) findings.push({ rule: 'tamper.files', score: 95, message: `${invocation.name || 'a redirect'} changes ${reason}: that is tampering with Airlock` });
    }
    return findings;
  },
};

const GUARD_VARIABLES = /^(BASH_ENV|AIRLOCK_(?!NO_BROKER$)\w+)$/;

const shellGuard: Rule = {
  id: 'tamper.shell-guard',
  programs: ['unset', 'trap', 'shopt', 'set', 'bind', 'zle', 'bindkey', 'unfunction', 'functions', 'export', 'declare', 'typeset', 'readonly', 'add-zle-hook-widget', 'code', 'cursor', 'code-insiders', 'codium'],
  description: "Switching off the shell guard: clearing its DEBUG trap, unsetting BASH_ENV, rebinding Enter, removing its functions, or disabling the extension.",
  check({ invocation }) {
    const args = invocation.argv.slice(1).map((word) => word.value);
    const found = (what: string): Finding => ({ rule: 'tamper.shell-guard', score: 95, message: `${what}: that switches off Airlock's shell guard` });
    switch (invocation.name) {
      case 'unset':
        return args.some((arg) => GUARD_VARIABLES.test(arg) || /airlock/i.test(arg)) ? found(`unset ${args.join(' ')}`) : undefined;
      case 'trap':
        if (args[0] === '-p' || args[0] === '-l' || args.length === 0) return undefined;
        return args.some((arg) => /^(DEBUG|SIGDEBUG)$/i.test(arg)) ? found(`trap ${args.join(' ')} replaces the DEBUG trap`) : undefined;
      case 'shopt':
        return args.includes('-u') && args.includes('extdebug') ? found('shopt -u extdebug') : undefined;
      case 'set':
        return args.some((arg) => arg === '+T' || (arg === '+o' && args.includes('functrace'))) ? found(`set ${args.join(' ')}`) : undefined;
      case 'bind':
      case 'bindkey':
        // Only bindings of Enter (^M, ^J, \r, \n) or of the accept-line widget touch the guard.
        return args.some((arg, index) => /^(\\C-m|\\r|\^M|\\n|\^J|\\C-j|"\\C-m"|"\\r")$|^"?(\\C-m|\\r|\\C-j|\\n)"?:|accept-line/.test(arg) && !(index > 0 && args[index - 1] === '-s' && !/accept-line/.test(arg)))
          ? found(`${invocation.name} ${args.join(' ')} rebinds the Enter key`)
          : undefined;
      case 'zle':
      case 'add-zle-hook-widget':
        return args.some((arg) => /accept-line|airlock/i.test(arg)) ? found(`${invocation.name} ${args.join(' ')}`) : undefined;
      case 'unfunction':
      case 'functions':
        return args.some((arg) => /airlock|fish_preexec|fish_postexec/i.test(arg)) && (invocation.name === 'unfunction' || args.some((arg) => arg === '-e' || arg === '--erase')) ? found(`${invocation.name} ${args.join(' ')}`) : undefined;
      case 'code':
      case 'cursor':
      case 'code-insiders':
      case 'codium':
        return args.some((arg) => /^--(disable|uninstall)-extension/.test(arg)) && args.some((arg) => /airlock/i.test(arg)) ? found(`${invocation.name} ${args.join(' ')} turns the Airlock extension off`) : args.includes('--disable-extensions') ? found(`${invocation.name} --disable-extensions`) : undefined;
      default:
        return args.some((arg) => GUARD_VARIABLES.test(arg.split('=')[0] ?? '')) ? found(`${invocation.name} ${args.join(' ')} changes a variable the guard depends on`) : undefined;
    }
  },
};

const guardAssignments: Rule = {
  id: 'tamper.guard-variable',
  programs: '*',
  description: 'Setting BASH_ENV or AIRLOCK_* for a command changes how the guard runs.',
  check({ invocation }) {
    const names = [...invocation.assignments.keys()].filter((name) => GUARD_VARIABLES.test(name));
    if (names.length === 0) return undefined;
    return { rule: 'tamper.guard-variable', score: 90, message: `sets ${names.join(', ')}, which the shell guard depends on` };
  },
};

/** Function definitions that replace the guard's own functions or the builtins it relies on. */
export function tamperSignals(signals: readonly Signal[]): Finding[] {
  return signals.flatMap((signal): Finding[] => {
    if (signal.kind !== 'function-defined') return [];
    if (/airlock/i.test(signal.name)) return [{ rule: 'tamper.function', score: 95, message: `redefines ${signal.name}, one of Airlock's shell guard functions` }];
    if (/^(trap|shopt|bind|builtin|command|zle|bindkey|source|\.)$/.test(signal.name)) return [{ rule: 'tamper.function', score: 80, message: `redefines the builtin ${signal.name}, which the shell guard relies on` }];
    return [];
  });
}

export const TAMPER_PACK: RulePack = {
  id: 'tamper',
  description: "Attempts to change or switch off Airlock's own files, settings and shell guard.",
  rules: [protectedFiles, shellGuard, guardAssignments],
};
