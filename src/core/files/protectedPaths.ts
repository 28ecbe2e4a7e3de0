import { Minimatch } from 'minimatch';
import { pathForms, pathGlobOptions } from '../policy/rules';

/**
 * The protected-path globs (`airlock.protectedPaths`, tightened by the team policy), compiled once.
 * The file guards ask about every file of a deleted folder and every watcher event, so compiling each
 * glob per path (as `globMatchesPath` does for the few paths of one decision) would cost thousands of
 * compilations; this matches exactly as `globMatchesPath` does, with the same options.
 */
export class ProtectedPaths {
  private readonly compiled: readonly { readonly glob: string; readonly matcher: Minimatch }[];

  constructor(
    readonly globs: readonly string[],
    private readonly workspaceRoot: string | undefined,
  ) {
    this.compiled = globs.map((glob) => ({ glob, matcher: new Minimatch(glob, pathGlobOptions(glob)) }));
  }

  /** The first glob that covers `path` (absolute, or relative to the workspace), if any. */
  match(path: string): string | undefined {
    const forms = pathForms(path, this.workspaceRoot);
    return this.compiled.find(({ matcher }) => forms.some((form) => matcher.match(form)))?.glob;
  }

  isProtected(path: string): boolean {
    return this.match(path) !== undefined;
  }
}
