import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { E2eEnvironment } from './environment';
import type { ProcessGroup, ProcessRegistry } from './processes';
import { errorMessage, withTimeout } from './results';

/** Chromium as this machine runs it: no sandbox as root, and nothing that reaches for the network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Quiet, deterministic user settings: no welcome page, no AI setup, a plain bash, persistent terminals off, no auto-save. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'terminal.integrated.defaultProfile.linux': 'bash',
  'terminal.integrated.enablePersistentSessions': false,
  'terminal.integrated.gpuAcceleration': 'off',
  'window.restoreWindows': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // Desktop VS Code's default; the web build code-server ships saves after a delay, which would save
  // unsaved work a test means to keep unsaved.
  'files.autoSave': 'off',
};

export const TIMEOUTS = { serverListening: 30_000, workbenchRestored: 90_000 } as const;

/** What every session shares within one run of the end-to-end tests. */
export interface RunContext {
  readonly environment: E2eEnvironment;
  readonly processes: ProcessRegistry;
  readonly repoRoot: string;
  /** A scratch folder of this run, deleted at its end. */
  readonly dir: string;
}

export interface SessionOptions {
  /** Names the session's folder and its logs. */
  readonly name: string;
  /** Extra workbench payload entries, such as `extensionTestsPath`. */
  readonly payload?: readonly (readonly [string, string])[];
}

/**
 * One real VS Code window: a code-server of its own on a port the system picks, with its own user
 * data, extensions folder, home folder and copy of the fixture workspace, shown in its own Chromium,
 * with the repository loaded as the extension under development.
 */
export class Session {
  private constructor(
    readonly folder: string,
    readonly workspace: string,
    readonly origin: string,
    readonly page: Page,
    /** Resolves with the exit code the workbench reports when an extension test run ends. */
    readonly automationExit: Promise<number>,
    private readonly context: BrowserContext,
    private readonly server: ProcessGroup,
  ) {}

  static async start(run: RunContext, options: SessionOptions): Promise<Session> {
    const folder = fs.mkdtempSync(path.join(run.dir, `${options.name.replace(/[^\w.-]+/g, '-').slice(0, 40)}-`));
    const home = path.join(folder, 'home');
    const userData = path.join(folder, 'user-data');
    const workspace = path.join(folder, 'workspace');
    for (const dir of [home, path.join(userData, 'User'), path.join(folder, 'extensions')]) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    fs.cpSync(path.join(run.repoRoot, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });

    const server = run.processes.start(run.environment.node24, [
      run.environment.codeServerEntry, '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry',
      '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
      '--user-data-dir', userData, '--extensions-dir', path.join(folder, 'extensions'), '--config', path.join(folder, 'config.yaml'),
      '--vscode-option', 'enable-smoke-test-driver',
    ], { cwd: workspace, env: serverEnvironment(home), logFile: path.join(folder, 'code-server.log') });
    let context: BrowserContext | undefined;
    try {
      // Port 0 lets the system pick a free port with no race; code-server reports the one it got.
      const [, origin] = await server.waitForLine(/HTTP server listening on (http:\/\/[\d.]+:\d+)/, TIMEOUTS.serverListening, 'code-server to listen');
      context = await chromium.launchPersistentContext(path.join(folder, 'browser'), {
        executablePath: run.environment.chromium, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 },
        handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(30_000);
      const browserLog = fs.createWriteStream(path.join(folder, 'browser.log'));
      page.on('console', (message) => browserLog.write(`[${message.type()}] ${message.text()}\n`));
      page.on('pageerror', (error) => browserLog.write(`[pageerror] ${error.stack ?? String(error)}\n`));
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => browserLog.write(`[automation ${type}] ${args.map(String).join(' ')}\n`));
      let reportExit: (code: number) => void = () => undefined;
      const automationExit = new Promise<number>((resolve) => { reportExit = resolve; });
      await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
      const remote = (file: string): string => `vscode-remote://${new URL(origin!).host}${file}`;
      const payload = [['extensionDevelopmentPath', remote(run.repoRoot)], ['skipWelcome', 'true'],
        ...(options.payload ?? []).map(([key, value]) => [key, key.endsWith('Path') ? remote(value) : value])];
      await page.goto(`${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      return new Session(folder, workspace, origin!, page, automationExit, context, server);
    } catch (error) {
      // No session to keep artifacts from, and the folder goes with the run: the log's end goes into the error.
      await context?.close().catch(() => undefined);
      await server.stop();
      const log = fs.readFileSync(path.join(folder, 'code-server.log'), 'utf8').split('\n').slice(-20).join('\n');
      throw new Error(`${errorMessage(error)}\nlast lines of code-server.log:\n${log}`);
    }
  }

  /** Waits until the workbench has restored its layout and contributions (the smoke-test driver's own signal). */
  async whenRestored(): Promise<void> {
    await this.page.waitForFunction(() => (globalThis as unknown as AutomationWindow).driver !== undefined, undefined,
      { timeout: TIMEOUTS.workbenchRestored });
    await withTimeout(this.page.evaluate(() => (globalThis as unknown as AutomationWindow).driver.whenWorkbenchRestored()),
      TIMEOUTS.workbenchRestored, 'the workbench to restore');
  }

  /** Keeps what helps explain a failure: a screenshot and the server and browser logs. */
  async saveArtifacts(dir: string, slug: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    await this.page.screenshot({ path: path.join(dir, `${slug}.png`), timeout: 10_000 }).catch(() => undefined);
    for (const log of ['code-server.log', 'browser.log']) {
      const file = path.join(this.folder, log);
      if (fs.existsSync(file)) fs.copyFileSync(file, path.join(dir, `${slug}.${log}`));
    }
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.server.stop();
  }
}

/** The workbench's test hooks; present because code-server runs with `enable-smoke-test-driver`. */
export interface AutomationWindow {
  driver: {
    whenWorkbenchRestored(): Promise<void>;
    getTerminalBuffer(selector: string): Promise<string[]>;
  };
}

/**
 * The server's environment: the caller's, less npm's variables (terminals should look like a user's),
 * with a home of its own so no one's dotfiles or code-server config leak into the test.
 */
function serverEnvironment(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'), SHELL: '/bin/bash' };
}
