/**
 * A small getopt for the programs Airlock understands: clustered short flags (`-rf`), long flags with
 * `=` or a separate value, `--` ending options. Rules and wrappers use it so that `rm -r -f`,
 * `rm -fr`, `rm --recursive --force` and `rm -- -rf` all mean what they mean to the program.
 */

export interface OptionSpec {
  /** Short option letters that take a value (`u` for `sudo -u root`). */
  readonly shortWithValue?: string;
  /** Long option names (without `--`) that take a value. */
  readonly longWithValue?: readonly string[];
  /** Stop at the first operand, as wrappers and POSIX programs do (the rest belongs to the inner command). */
  readonly stopAtOperand?: boolean;
  /** Single-dash long options (`find -name x`, `java -jar x`) are not clusters of letters. */
  readonly singleDashLong?: boolean;
}

export interface ParsedArgs {
  /** Every flag seen, as written without its value: `-r`, `-f`, `--force`. Clusters are split. */
  readonly flags: ReadonlySet<string>;
  /** Values of options that take one, keyed like `flags`. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly operands: readonly string[];
  /** Index (into the input) of each operand. */
  readonly operandIndexes: readonly number[];
  /** With `stopAtOperand`: index of the first operand (the inner command), or the input length. */
  readonly rest: number;
}

export function parseArgs(args: readonly string[], spec: OptionSpec = {}): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const operands: string[] = [];
  const operandIndexes: number[] = [];
  const shortWithValue = spec.shortWithValue ?? '';
  const longWithValue = new Set(spec.longWithValue ?? []);
  const addValue = (flag: string, value: string): void => {
    flags.add(flag);
    values.set(flag, [...(values.get(flag) ?? []), value]);
  };
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      if (spec.stopAtOperand) return { flags, values, operands, operandIndexes, rest: index + 1 };
      for (let rest = index + 1; rest < args.length; rest++) {
        operands.push(args[rest] ?? '');
        operandIndexes.push(rest);
      }
      index = args.length;
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) addValue(`--${name}`, arg.slice(eq + 1));
      else if (longWithValue.has(name) && index + 1 < args.length) addValue(`--${name}`, args[++index] ?? '');
      else flags.add(`--${name}`);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      if (spec.singleDashLong) {
        flags.add(arg);
        continue;
      }
      for (let at = 1; at < arg.length; at++) {
        const letter = arg[at] ?? '';
        if (shortWithValue.includes(letter)) {
          const inline = arg.slice(at + 1);
          addValue(`-${letter}`, inline !== '' ? inline : (args[++index] ?? ''));
          break;
        }
        flags.add(`-${letter}`);
      }
      continue;
    }
    if (spec.stopAtOperand) return { flags, values, operands, operandIndexes, rest: index };
    operands.push(arg);
    operandIndexes.push(index);
  }
  return { flags, values, operands, operandIndexes, rest: index };
}

/** True when any of the given flags (short like `-f` or long like `--force`) was seen. */
export function hasFlag(parsed: ParsedArgs, ...names: string[]): boolean {
  return names.some((name) => parsed.flags.has(name));
}
