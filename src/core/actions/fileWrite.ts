import type { Assessment } from '../assessment';
import type { FileWriteAction } from '../action';
import type { AnalysisContext } from '../context/analysisContext';
import type { PathFacts } from '../context/probe';
import { parseJsonc } from '../jsonc';
import { placeOf } from '../rules/places';
import type { Finding } from '../rules/rule';
import { protectedReason } from '../rules/tamperPack';
import { assessmentOf } from './assess';
import { absolutePath, isSecretFile, shownPath } from './paths';

const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|Gemfile\.lock|composer\.lock|go\.sum|flake\.lock)$/;
const CI_FILE = /(^|\/)(\.github\/workflows\/[^/]+|\.gitlab-ci\.ya?ml|\.circleci\/[^/]+|azure-pipelines\.ya?ml|Jenkinsfile|\.buildkite\/[^/]+)$/;
const MIGRATION = /(^|\/)(migrations?|migrate|db\/migrate|alembic\/versions)\//i;
const SETTINGS_FILE = /(^|\/)(settings\.json|[^/]+\.code-workspace)$/;

/**
 * A file write or edit, judged by what it destroys: the content it removes that git cannot bring
 * back, where the file lies (outside the workspace, inside `.git`), and what kind of file it is
 * (keys, lockfiles, CI, migrations). Airlock's own files, settings and the agents' hook files are
 * tampering, whatever the content.
 */
export function assessFileWrite(action: FileWriteAction, context: AnalysisContext): Assessment {
  return assessmentOf(fileWriteFindings(action, context));
}

export function fileWriteFindings(action: FileWriteAction, context: AnalysisContext): Finding[] {
  const path = absolutePath(action.path, action.cwd ?? context.cwd, context);
  const shown = shownPath(path, context);
  const verb = /edit|replace|insert|patch/i.test(action.tool ?? '') || (action.tool === undefined && action.oldContent !== undefined) ? 'edits' : 'writes';
  const findings: Finding[] = [];
  const tamper = protectedReason(path, context.workspaceRoot, context.home);
  if (tamper) findings.push({ rule: 'tamper.files', score: 95, message: `${verb} ${tamper}: that is tampering with Airlock` });
  if (SETTINGS_FILE.test(path) && changesAirlockSettings(action.oldContent, action.newContent)) {
    findings.push({ rule: 'tamper.settings', score: 95, message: `${verb} Airlock's settings in ${shown}: that is tampering with Airlock` });
  }

  const place = placeOf(path, { home: context.home, workspaceRoot: context.workspaceRoot, tempDir: context.env.TMPDIR });
  switch (place) {
    case 'root': case 'device':
      findings.push({ rule: 'file.write.device', score: 95, message: `${verb} ${shown}, a disk device or the filesystem root` });
      break;
    case 'system':
      findings.push({ rule: 'file.write.system', score: 80, message: `${verb} the system file ${shown}` });
      break;
    case 'git-dir':
      findings.push({ rule: 'file.write.git-dir', score: 85, message: `${verb} ${shown} inside .git: the repository's history, refs or hooks` });
      break;
    case 'home-sensitive':
      findings.push({ rule: 'file.write.home-sensitive', score: 75, message: `${verb} ${shown} in your home directory: keys, credentials or settings no git can restore` });
      break;
    case 'home': case 'home-child': case 'outside': case 'workspace-ancestor':
      findings.push({ rule: 'file.write.outside', score: 40, message: `${verb} ${shown} outside the workspace, where git cannot restore it` });
      break;
    default:
      break;
  }

  const facts = context.probe.describe(path);
  findings.push(...lossFindings(action, facts, shown, verb));
  if (isSecretFile(path)) findings.push({ rule: 'file.write.secret', score: 50, message: `${verb} ${shown}, a file that holds keys or credentials` });
  if (CI_FILE.test(path)) findings.push({ rule: 'file.write.ci', score: 40, message: `${verb} the CI workflow ${shown}, which runs with the repository's secrets` });
  if (LOCKFILE.test(path)) findings.push({ rule: 'file.write.lockfile', score: 25, message: `${verb} the lockfile ${shown} by hand` });
  if (MIGRATION.test(path) && facts.exists) findings.push({ rule: 'file.write.migration', score: 45, message: `${verb} the existing migration ${shown}; databases that already ran it will not see the change` });
  return findings;
}

const AIRLOCK_KEY = /["']airlock(\.[\w.]+)?["']\s*:/;

/**
 * Whether a settings file's `airlock.*` values change: added, edited or removed, flat
 * (`"airlock.enabled"`) or nested (`"airlock": {...}`). An edit of other settings in a file that also
 * holds Airlock's leaves them as they are and is not tampering. Without the old content, any Airlock
 * key written counts; text that is not JSON is compared line by line.
 */
function changesAirlockSettings(oldText: string | undefined, newText: string): boolean {
  if (oldText === undefined) return AIRLOCK_KEY.test(newText);
  const before = airlockValues(oldText);
  const after = airlockValues(newText);
  if (before !== undefined && after !== undefined) return before !== after;
  const lines = (text: string): string => text.split('\n').filter((line) => AIRLOCK_KEY.test(line)).map((line) => line.trim()).join('\n');
  return lines(oldText) !== lines(newText) || (AIRLOCK_KEY.test(newText) && after === undefined);
}

/** The `airlock` entries of a settings file as one comparable string, or undefined when it does not parse. */
function airlockValues(text: string): string | undefined {
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : parseJsonc(text);
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const entries = Object.entries(json as Record<string, unknown>).filter(([key]) => key === 'airlock' || key.startsWith('airlock.'));
  return JSON.stringify(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** What the write removes from an existing file, and whether git could bring it back. */
function lossFindings(action: FileWriteAction, facts: PathFacts, shown: string, verb: string): Finding[] {
  if (!facts.exists || facts.isDirectory) return [];
  const recoverable = facts.inGitRepo && facts.tracked > 0 && facts.modified === 0 && facts.untracked === 0 && facts.ignored === 0;
  const why = recoverable ? 'git can restore it' : facts.inGitRepo ? 'its current content is not committed, so git cannot restore it' : 'no git can restore it';
  const oldText = action.oldContent;
  const newText = action.newContent;
  if (newText.trim() === '' && (oldText === undefined ? facts.bytes > 0 : oldText.trim() !== '')) {
    return [{ rule: 'file.empty', score: recoverable ? 25 : 60, message: `${verb} ${shown} down to nothing (${facts.bytes} bytes now); ${why}` }];
  }
  if (oldText === undefined) {
    // A whole-file write over content Airlock could not read: the old content is gone unless git has it.
    return recoverable ? [] : [{ rule: 'file.overwrite', score: 30, message: `overwrites ${shown} (${facts.bytes} bytes); ${why}` }];
  }
  if (oldText === newText) return [];
  const oldLines = oldText.split('\n').filter((line) => line.trim() !== '');
  const kept = new Map<string, number>();
  for (const line of newText.split('\n')) kept.set(line, (kept.get(line) ?? 0) + 1);
  let removed = 0;
  for (const line of oldLines) {
    const left = kept.get(line) ?? 0;
    if (left > 0) kept.set(line, left - 1);
    else removed++;
  }
  if (oldLines.length >= 10 && removed >= oldLines.length / 2) {
    return [{ rule: 'file.shrink', score: recoverable ? 20 : 50, message: `${verb} ${shown}, removing ${removed} of its ${oldLines.length} lines; ${why}` }];
  }
  if (!recoverable && removed > 0) return [{ rule: 'file.overwrite', score: 20, message: `${verb} ${shown}, replacing ${removed} lines; ${why}` }];
  return [];
}
