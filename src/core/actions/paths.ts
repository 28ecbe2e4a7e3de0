import * as posixPath from 'node:path/posix';
import type { AnalysisContext } from '../context/analysisContext';

/** An agent's path made absolute against where the action runs (`~` is the user's home). */
export function absolutePath(path: string, cwd: string, context: AnalysisContext): string {
  const unixy = path.replace(/\\/g, '/');
  if (unixy === '~' || unixy.startsWith('~/')) return posixPath.join(context.home, unixy.slice(1));
  if (unixy.startsWith('/') || /^[A-Za-z]:\//.test(unixy)) return posixPath.normalize(unixy).replace(/(.)\/$/, '$1');
  return posixPath.resolve(cwd, unixy);
}

/** The path relative to the workspace when inside it, for messages. */
export function shownPath(path: string, context: AnalysisContext): string {
  return path.startsWith(`${context.workspaceRoot}/`) ? path.slice(context.workspaceRoot.length + 1) : path;
}

const SECRET_NAME = /(^|\/)(\.env(\.[\w.-]+)?|\.netrc|\.npmrc|\.pypirc|credentials(\.json)?|secrets?\.(json|ya?ml|toml)|id_(rsa|dsa|ecdsa|ed25519)(\.pub)?|[^/]+\.(pem|key|p12|pfx|keystore|jks))$/i;
const SECRET_DIR = /(^|\/)(\.ssh|\.aws|\.gnupg|\.kube|\.docker)\//i;

/** Files that usually hold credentials or keys (`.env`, `*.pem`, `~/.ssh/*`...). */
export function isSecretFile(path: string): boolean {
  if (/(^|\/)\.env\.(example|sample|template|dist)$/i.test(path) || /\.pub$/i.test(path)) return false;
  return SECRET_NAME.test(path) || SECRET_DIR.test(path);
}
