import type { Assessment, PathImpact, Reason } from '../assessment';
import { levelOf } from '../assessment';
import type { Finding } from '../rules/rule';

const MAX_REASONS = 20;
const MAX_MESSAGE = 300;

/** Runs a shell command line through the shell analyzer (used for shell text found inside tool input). */
export type ShellAssess = (command: string, cwd: string) => Assessment;

/**
 * Sums findings up the way the shell analyzer does: the worst finding sets the score, every distinct
 * reason is kept (highest first), and paths of findings that matter make the impact.
 */
export function assessmentOf(findings: readonly Finding[]): Assessment {
  const seen = new Set<string>();
  const reasons: Reason[] = [];
  const paths = new Map<string, PathImpact>();
  const sorted = [...findings].sort((a, b) => b.score - a.score);
  for (const finding of sorted) {
    const key = `${finding.rule}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const message = finding.message.length > MAX_MESSAGE ? `${finding.message.slice(0, MAX_MESSAGE - 1)}…` : finding.message;
    if (reasons.length < MAX_REASONS && finding.score > 0) reasons.push({ rule: finding.rule, score: finding.score, message });
    if (finding.score >= 20) for (const path of finding.paths ?? []) if (!paths.has(path.path)) paths.set(path.path, path);
  }
  const score = Math.max(0, Math.min(100, sorted[0]?.score ?? 0));
  const impactPaths = [...paths.values()];
  const total = (pick: (path: PathImpact) => number): number => impactPaths.reduce((sum, path) => sum + pick(path), 0);
  const top = reasons[0]?.message ?? '';
  return {
    score,
    level: levelOf(score),
    reasons,
    impact: {
      summary: score >= 20 && top ? top.charAt(0).toUpperCase() + top.slice(1) : 'Nothing destructive found.',
      paths: impactPaths,
      files: total((path) => path.files),
      bytes: total((path) => path.bytes),
      untracked: total((path) => path.untracked),
      modified: total((path) => path.modified),
    },
  };
}

/** A shell assessment as findings, each message saying where the command came from. */
export function shellFindings(assessment: Assessment, origin: string): Finding[] {
  return assessment.reasons.map((reason, index) => ({
    rule: reason.rule,
    score: reason.score,
    message: `${origin}: ${reason.message}`,
    ...(index === 0 ? { paths: assessment.impact.paths } : {}),
  }));
}
