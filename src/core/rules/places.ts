import * as posixPath from 'node:path/posix';

/**
 * Where a path lies, in the terms that decide how bad deleting it is. Ordered from worst to mildest
 * by `PLACE_SEVERITY`.
 */
export type Place =
  | 'root'
  | 'system'
  | 'device'
  | 'home'
  | 'workspace-ancestor'
  | 'workspace-root'
  | 'git-dir'
  | 'home-sensitive'
  | 'outside'
  | 'home-child'
  | 'unknown'
  | 'workspace'
  | 'temp-root'
  | 'temp'
  | 'home-cache'
  | 'build-output'
  | 'null-device';

export const PLACE_SEVERITY: readonly Place[] = [
  'root', 'system', 'device', 'home', 'workspace-ancestor', 'workspace-root', 'git-dir', 'home-sensitive',
  'outside', 'home-child', 'unknown', 'workspace', 'temp-root', 'temp', 'home-cache', 'build-output', 'null-device',
];

export function worsePlace(a: Place, b: Place): Place {
  return PLACE_SEVERITY.indexOf(a) <= PLACE_SEVERITY.indexOf(b) ? a : b;
}

const SYSTEM_ROOTS = new Set([
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/opt', '/proc', '/root', '/sbin', '/srv', '/sys',
  '/usr', '/var', '/home', '/users', '/system', '/library', '/applications', '/private', '/snap', '/mnt', '/media', '/nix', '/volumes',
]);
const TEMP_ROOTS = ['/tmp', '/var/tmp', '/private/tmp', '/dev/shm', '/private/var/folders'];
const NULL_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty', '/dev/zero']);
const BLOCK_DEVICE = /^\/proc\/sysrq-trigger$|^\/dev\/(mem|kmem|port|sd[a-z]|nvme\d|hd[a-z]|vd[a-z]|xvd[a-z]|mmcblk\d|disk\d|rdisk\d|md\d|dm-\d|mapper\/|loop\d|sr\d)/;

/** Directory names whose contents a build or install recreates. */
const BUILD_OUTPUTS = new Set([
  'node_modules', 'dist', 'build', 'out', 'target', 'coverage', '.nyc_output', '.next', '.nuxt', '.svelte-kit', '.turbo',
  '.cache', '.parcel-cache', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.nox', '.gradle',
  '.venv', 'venv', '.angular', 'storybook-static', '.eslintcache', 'tmp', '.tmp', 'temp', '.terraform', 'bin', 'obj',
  '.dart_tool', '.expo', 'deriveddata', '.vite', '.webpack', 'bower_components', 'vendor', '.pnpm-store', '.yarn',
  'htmlcov', '.docusaurus', '.serverless', '.aws-sam', 'cdk.out', 'pkg', '.build', 'lib-cov', '.sass-cache', 'logs',
]);
const BUILD_FILE = /\.(pyc|pyo|o|obj|class|log|tmp|swp|orig|rej|tsbuildinfo)$|^\.ds_store$/i;

/** A name builds and tools recreate: a build-output folder (`node_modules`) or file (`x.pyc`). */
export function isGeneratedName(name: string): boolean {
  return BUILD_OUTPUTS.has(name.toLowerCase()) || BUILD_FILE.test(name);
}

/** Folders in home that hold what people cannot recreate: keys, credentials, documents, settings. */
const HOME_SENSITIVE = new Set([
  '.ssh', '.aws', '.gnupg', '.config', '.kube', '.docker', '.azure', '.gcloud', '.local', '.password-store', '.netrc',
  '.bashrc', '.zshrc', '.profile', '.bash_profile', '.zprofile', '.gitconfig', '.git-credentials', '.npmrc', '.pypirc',
  'documents', 'desktop', 'pictures', 'photos', 'music', 'movies', 'videos', 'downloads', 'library', 'projects', 'src',
  'code', 'work', 'dev', 'repos', 'git', 'workspace', '.vscode', '.cursor', '.claude', '.mozilla', '.thunderbird', 'mail',
]);
const HOME_CACHES = new Set(['.cache', '.npm', '.yarn', '.pnpm-store', '.gradle', '.m2', '.cargo', '.rustup', '.bun', '.deno', '.nvm', '.pyenv', '.conda', '.expo', '.node-gyp', 'go', '.trash', '.local/share/trash']);

export interface PlaceContext {
  readonly home: string;
  readonly workspaceRoot: string;
  readonly tempDir: string | undefined;
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** Classifies an absolute, normalized path. */
export function placeOf(path: string, context: PlaceContext): Place {
  const lower = path.toLowerCase();
  if (path === '/' || /^[a-z]:\/?$/i.test(path)) return 'root';
  if (NULL_DEVICES.has(path) || /^\/dev\/(fd\/|tty|pts\/|console$|ptmx$|random$|urandom$|full$)/.test(path)) return 'null-device';
  if (BLOCK_DEVICE.test(path)) return 'device';
  const segments = path.split('/').filter(Boolean);
  const lowerSegments = segments.map((segment) => segment.toLowerCase());
  const { home, workspaceRoot } = context;
  // A bare repository's internals (`backup.git/objects`) are as precious as `.git`.
  if (lowerSegments.some((segment, index) => segment.endsWith('.git') && /^(objects|refs|hooks|head|packed-refs|config)$/.test(lowerSegments[index + 1] ?? ''))) return 'git-dir';
  if (isInside(path, workspaceRoot)) {
    if (path === workspaceRoot) return 'workspace-root';
    const inner = posixPath.relative(workspaceRoot, path).split('/');
    if (inner.includes('.git')) return 'git-dir';
    if (inner.some((segment) => BUILD_OUTPUTS.has(segment.toLowerCase())) || BUILD_FILE.test(inner[inner.length - 1] ?? '')) return 'build-output';
    return 'workspace';
  }
  if (isInside(workspaceRoot, path)) return path === home ? 'home' : 'workspace-ancestor';
  const temps = context.tempDir ? [...TEMP_ROOTS, context.tempDir.replace(/\/+$/, '')] : TEMP_ROOTS;
  // A home inside a temporary directory (test machines, containers) is still a home: the deeper root wins.
  const homeIsDeeper = temps.some((temp) => isInside(home, temp));
  if (!homeIsDeeper || !isInside(path, home)) {
    for (const temp of temps) {
      if (path === temp) return 'temp-root';
      if (isInside(path, temp)) return 'temp';
    }
  }
  if (path === home) return 'home';
  if (isInside(path, home)) {
    const inner = posixPath.relative(home, path).toLowerCase();
    const first = inner.split('/')[0] ?? '';
    if (HOME_CACHES.has(first) || HOME_CACHES.has(inner) || inner.startsWith('library/caches')) return 'home-cache';
    if (lowerSegments.includes('.git')) return 'git-dir';
    if (inner.split('/').some((segment) => BUILD_OUTPUTS.has(segment))) return 'build-output';
    if (HOME_SENSITIVE.has(first)) return 'home-sensitive';
    return 'home-child';
  }
  if (segments.length === 1 && SYSTEM_ROOTS.has(lower)) return 'system';
  if (segments.length >= 1 && SYSTEM_ROOTS.has(`/${lowerSegments[0]}`)) {
    if (lowerSegments.includes('.git')) return 'git-dir';
    if (lowerSegments.some((segment) => BUILD_OUTPUTS.has(segment)) && lowerSegments[0] !== 'usr' && lowerSegments[0] !== 'etc') return 'build-output';
    // Everything under a system root that is not a known throwaway is part of the system.
    return lowerSegments[0] === 'home' || lowerSegments[0] === 'users' ? (segments.length === 2 ? 'home' : 'home-child') : 'system';
  }
  if (lowerSegments.includes('.git')) return 'git-dir';
  if (lowerSegments.some((segment) => BUILD_OUTPUTS.has(segment))) return 'build-output';
  return 'outside';
}
