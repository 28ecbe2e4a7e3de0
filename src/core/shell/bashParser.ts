import { Language, Parser } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';

export type SyntaxNode = Node;

/** Progress callbacks allowed per parse: about 1,500 covers 30,000 words, parsed in ~0.5 s on one core. */
const PARSE_OPERATION_BUDGET = 1_500;
const DEFAULT_PARSE_BUDGET_MS = 3_000;

/** Parsing took longer than its budget: the line is too large to judge. */
export class ParseBudgetExceeded extends Error {
  readonly reason = 'parse-budget';
  constructor(readonly budgetMs: number) {
    super(`parsing took longer than ${budgetMs} ms`);
  }
}

/**
 * Parsing was needed before the parser was started (DeferredBashParser). Not a verdict on the line:
 * the caller starts the parser and analyzes again; the analyzer never turns this into a finding.
 */
export class ParserNotLoaded extends Error {
  readonly reason = 'parser-not-loaded';
  constructor() {
    super('the shell parser has not been started');
  }
}

/** What the walker needs from a parser: BashParser itself, or a DeferredBashParser in front of one. */
export interface ShellParser {
  withTree<T>(source: string, use: (root: SyntaxNode) => T, budgetMs?: number): T;
}

/** The two WebAssembly binaries tree-sitter needs; the host reads them from disk. */
export interface BashGrammarBinaries {
  readonly runtime: Uint8Array;
  readonly bash: Uint8Array;
}

/**
 * A bash parser backed by tree-sitter-bash, the grammar VS Code's own terminal tool uses.
 * Chosen over sh-syntax, mvdan-sh and bash-parser by measurement (README, "Why tree-sitter"): it
 * accepts every corpus command without throwing, recovers around syntax errors instead of failing the
 * whole line, and parses a typical command in about 10 microseconds.
 */
export class BashParser implements ShellParser {
  private constructor(private readonly parser: Parser) {}

  static async create(binaries: BashGrammarBinaries): Promise<BashParser> {
    await Parser.init({ wasmBinary: binaries.runtime });
    const language = await Language.load(binaries.bash);
    const parser = new Parser();
    parser.setLanguage(language);
    return new BashParser(parser);
  }

  /**
   * Parses and hands the tree to `use`; the tree is freed afterwards, so nodes must not escape.
   * Parsing stops after a budget of work (tens of thousands of words take seconds), and a stopped parse
   * throws ParseBudgetExceeded, which the analyzer turns into a fail-closed finding.
   */
  withTree<T>(source: string, use: (root: SyntaxNode) => T, budgetMs = DEFAULT_PARSE_BUDGET_MS): T {
    // tree-sitter calls back every hundred or so parse operations, so counting calls is a budget that
    // does not depend on how busy the machine is; the clock is only a backstop.
    const deadline = performance.now() + budgetMs;
    let progress = 0;
    const tree: Tree | null = this.parser.parse(source, null, { progressCallback: () => ++progress > PARSE_OPERATION_BUDGET || performance.now() > deadline });
    if (!tree) {
      // A cancelled parse would otherwise resume on the next call, with the next command's text.
      this.parser.reset();
      throw new ParseBudgetExceeded(budgetMs);
    }
    try {
      return use(tree.rootNode);
    } finally {
      tree.delete();
    }
  }
}

/**
 * A parser started only when a line first needs one: a hook call that decides locally on a plain
 * line (shell/plainLine.ts) then never instantiates tree-sitter, about 16 ms of a 60 ms call.
 * Parsing is synchronous and starting is not (WebAssembly), so before `load()` has finished,
 * `withTree` throws ParserNotLoaded and the caller (createDeferredEngine) loads and asks again.
 */
export class DeferredBashParser implements ShellParser {
  private parser: BashParser | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly binaries: () => BashGrammarBinaries | Promise<BashGrammarBinaries>) {}

  /** Starts the parser once; a failure is kept, so every later call fails the same way. */
  load(): Promise<void> {
    this.loading ??= (async () => {
      this.parser = await BashParser.create(await this.binaries());
    })();
    return this.loading;
  }

  withTree<T>(source: string, use: (root: SyntaxNode) => T, budgetMs?: number): T {
    if (!this.parser) throw new ParserNotLoaded();
    return this.parser.withTree(source, use, budgetMs);
  }
}
