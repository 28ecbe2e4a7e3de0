import type { Page } from 'playwright-core';
import type { Session } from './session';

const ACTIVE_TERMINAL = '.terminal-wrapper.active';

/**
 * What a UI test does to the workbench, in a person's (or an agent's) terms: run a command from the
 * palette, open a terminal, type into it, read it. Every wait is on a selector or on the page's own
 * state, bounded by Playwright's timeout.
 */
export class Workbench {
  readonly page: Page;

  constructor(private readonly session: Session, readonly repoRoot: string) {
    this.page = session.page;
  }

  get workspace(): string {
    return this.session.workspace;
  }

  /** Runs a command by its palette title, as typed after F1. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Opens a new terminal and waits until it has focus and its shell has printed a prompt. */
  async openTerminal(): Promise<void> {
    await this.runCommand('Terminal: Create New Terminal');
    await this.page.locator(`${ACTIVE_TERMINAL} .xterm.focus`).waitFor();
    await this.waitForTerminalText(/\S/);
  }

  /** Types a line into the focused terminal key by key, then presses Enter. */
  async typeInTerminal(line: string): Promise<void> {
    await this.page.keyboard.type(line);
    await this.page.keyboard.press('Enter');
  }

  /** The active terminal's text, one string per logical line (wrapped rows joined back together). */
  async terminalLines(): Promise<string[]> {
    return this.page.evaluate(readTerminal, ACTIVE_TERMINAL);
  }

  /** Waits until the active terminal's text matches `pattern`, and returns the match. */
  async waitForTerminalText(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    // An expression rather than a function: the predicate must carry the reader's source with it.
    const predicate = `${pattern.toString()}.test((${readTerminal.toString()})(${JSON.stringify(ACTIVE_TERMINAL)}).join('\\n'))`;
    await this.page.waitForFunction(predicate, undefined, { timeout: timeoutMs }).catch(async (error: unknown) => {
      throw new Error(`terminal never matched ${pattern} (${String(error)}); it shows:\n${(await this.terminalLines()).join('\n')}`);
    });
    return (await this.terminalLines()).join('\n').match(pattern) as RegExpMatchArray;
  }
}

/**
 * Runs in the page: reads the xterm buffer the workbench hangs on the terminal's wrapper element (the
 * smoke-test driver reads the same object). Self-contained, because Playwright sends its source text.
 */
function readTerminal(selector: string): string[] {
  interface BufferLine { isWrapped: boolean; translateToString(trimRight: boolean): string }
  const element = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(selector) as
    { xterm?: { buffer: { active: { length: number; getLine(i: number): BufferLine | undefined } } } } | null;
  const buffer = element?.xterm?.buffer.active;
  if (!buffer) return [];
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    if (!line) continue;
    const text = line.translateToString(true);
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text; else lines.push(text);
  }
  return lines;
}
