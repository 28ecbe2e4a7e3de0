import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { Session } from './session';

const ACTIVE_TERMINAL = '.terminal-wrapper.active';

/**
 * What a UI test does to the workbench, in a person's (or an agent's) terms: run a command from the
 * palette, open a file or a terminal, type, read a terminal, a webview or the Output panel. Every wait
 * is on a selector or on the page's own state, bounded by a timeout.
 */
export class Workbench {
  readonly page: Page;

  constructor(private readonly session: Session, readonly repoRoot: string) {
    this.page = session.page;
  }

  get workspace(): string {
    return this.session.workspace;
  }

  /**
   * Runs a command by its palette title, as typed after F1. Commands that extensions contribute reach
   * the palette only once the extension host has registered them, and an open palette does not refresh,
   * so a title not listed yet is typed again into a fresh palette until `timeoutMs` runs out.
   */
  async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
    await this.quickOpen(`>${title}`, title, timeoutMs);
  }

  /** Opens a workspace file in an editor through Go to File, and waits for its tab. */
  async openFile(relativePath: string, timeoutMs = 30_000): Promise<void> {
    const name = path.basename(relativePath);
    await this.quickOpen(relativePath, name, timeoutMs);
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  }

  /**
   * The document inside a webview (a panel, a side view or an editor), found by a selector for its
   * content. Webviews are two iframes deep: the host frame VS Code owns, then the extension's page.
   */
  webview(contentSelector: string): Locator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator(contentSelector);
  }

  /** The text of the Output panel's current channel, as its editor renders it. */
  outputPanel(): Locator {
    return this.page.locator('.part.panel .output-view .view-lines');
  }

  /** An entry of the Output panel's channel list, which updates as extensions create channels. */
  outputChannel(name: string): Locator {
    return this.page.locator('.part.panel select.monaco-select-box option', { hasText: exactly(name) }).first();
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

  /**
   * Types `text` into the quick open box and picks the row labelled exactly `rowText` (the best match
   * is not always the first row). The box closes whenever focus moves (a panel opening, a
   * notification), so each try starts afresh.
   */
  private async quickOpen(text: string, rowText: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    const label = this.page.locator('.label-name', { hasText: exactly(rowText) });
    const row = widget.locator('.quick-input-list .monaco-list-row', { has: label }).first();
    for (;;) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      await input.fill(text);
      const listed = await row.waitFor({ timeout: Math.max(1, Math.min(2_000, deadline - Date.now())) }).then(() => true, () => false);
      if (listed) break;
      if (Date.now() >= deadline) throw new Error(`quick open never listed "${rowText}" for "${text}"`);
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden' });
    }
    await row.click();
    // Done when the box closes, or when the command reuses it for a picker of its own.
    await this.page.waitForFunction(quickOpenMoved, text);
  }
}

/** A pattern that matches `text` and nothing more. */
function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
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

/** Runs in the page: whether the quick input is closed or no longer shows `typed`. */
function quickOpenMoved(typed: string): boolean {
  const document = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
  const widget = document.querySelector('.quick-input-widget') as { style: { display: string } } | null;
  const input = document.querySelector('.quick-input-widget .quick-input-box input') as { value: string } | null;
  return !widget || widget.style.display === 'none' || input?.value !== typed;
}
