import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { uninstallEverything } from '../host/hooks/installer';
import { currentRuntime, launcherPath, otherInstalledCli, writeLauncher } from '../host/hooks/launcher';
import { airlockStateDir } from '../host/ledger/locations';
import { report } from './hooksCommand';

/**
 * `dist/uninstall.js`: what VS Code runs once the extension has been uninstalled (package.json
 * `vscode:uninstall`, run at the editor's next start, from the extension's folder before it is
 * deleted). It removes every agent hook entry Airlock installed for this user, wherever it was
 * written, and the launcher: left behind, a hook would call a launcher that blocks every action once
 * Airlock is gone. When Airlock is still installed in another editor (VS Code and Cursor share one
 * launcher), the hooks stay and the launcher is pointed at that copy instead.
 *
 * An entry of its own, not `cli.js hooks uninstall --everywhere`: VS Code accepts only `node <script>`,
 * forks it with `--type=extension-post-uninstall` as its first argument (which the CLI would read as
 * an unknown command) and kills it after 5 seconds. It reads no argument and loads no engine.
 */
function main(): number {
  const env = process.env;
  const home = env.HOME || homedir();
  const stateRoot = airlockStateDir(env);
  const ownExtension = path.dirname(__dirname);
  const other = otherInstalledCli(home, ownExtension);
  if (other && existsSync(launcherPath(stateRoot))) {
    writeLauncher(stateRoot, { cliPath: other, ...currentRuntime(env) });
    process.stdout.write(`Airlock is still installed at ${path.dirname(path.dirname(other))}; its agent hooks stay and now run that copy.\n`);
    return 0;
  }
  const states = uninstallEverything(stateRoot, home);
  process.stdout.write(states.length > 0 ? `Airlock removed its agent hooks:\n${report(states)}` : 'Airlock had no agent hooks installed.\n');
  const left = states.filter((state) => state.state !== 'not-installed');
  if (left.length > 0) {
    process.stderr.write(`Airlock could not remove its hooks from ${left.map((state) => `${state.file} (${state.detail ?? state.state})`).join(', ')}; they do nothing without the launcher, and can be removed by hand (the entries naming airlock-hook).\n`);
  }
  return left.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`Airlock could not remove its agent hooks: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
