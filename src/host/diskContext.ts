import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { AnalysisContext } from '../core/context/analysisContext';
import type { FileProbe } from '../core/context/probe';
import { createDiskProbe, findWorkTreeRoot } from './diskProbe';

export interface DiskContextOptions {
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to `os.homedir()`. */
  readonly home?: string;
  /**
   * Defaults to a new disk probe. Pass one probe to every context of a batch: its git facts are read
   * once per repository and shared, where a fresh probe per command would start git per command.
   */
  readonly probe?: FileProbe;
  /** Words that mark production, from the settings and the team policy (`airlock.productionMarkers`). */
  readonly productionMarkers?: readonly string[];
}

/**
 * The analysis context of a command run in `cwd` on this machine. Cheap: it starts no process (the
 * workspace root is found by looking for `.git` upwards; the probe starts git only when asked).
 */
export function createDiskContext(cwd: string, options: DiskContextOptions = {}): AnalysisContext {
  const absoluteCwd = resolve(cwd);
  const env = options.env ?? process.env;
  return {
    cwd: absoluteCwd,
    home: resolve(options.home ?? homedir()),
    workspaceRoot: findWorkTreeRoot(absoluteCwd) ?? absoluteCwd,
    env,
    probe: options.probe ?? createDiskProbe({ env }),
    ...(options.productionMarkers ? { productionMarkers: options.productionMarkers } : {}),
  };
}
