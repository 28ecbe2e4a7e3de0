import type { Assessment } from '../assessment';
import type { FileDeleteAction, FileReadAction } from '../action';
import type { AnalysisContext } from '../context/analysisContext';
import { deletionFinding } from '../rules/deletion';
import { placeOf } from '../rules/places';
import { isIdentityCredential } from '../rules/secretFiles';
import type { Finding } from '../rules/rule';
import { protectedReason } from '../rules/tamperPack';
import type { Target } from '../rules/targets';
import { literalWord } from '../shell/ir';
import { assessmentOf } from './assess';
import { absolutePath, isSecretFile, shownPath } from './paths';

/** A delete by an agent's tool scores exactly as `rm` (or `rm -r` for a folder) of that path would. */
export function assessFileDelete(action: FileDeleteAction, context: AnalysisContext): Assessment {
  return assessmentOf(fileDeleteFindings(action.path, action.cwd ?? context.cwd, context));
}

export function fileDeleteFindings(written: string, cwd: string, context: AnalysisContext): Finding[] {
  const path = absolutePath(written, cwd, context);
  const facts = context.probe.describe(path);
  const target: Target = {
    word: literalWord(written),
    path,
    place: placeOf(path, { home: context.home, workspaceRoot: context.workspaceRoot, tempDir: context.env.TMPDIR }),
    dynamic: false,
    remote: undefined,
    facts,
    matches: undefined,
  };
  const findings = [deletionFinding(target, { recursive: facts.isDirectory, rule: 'file.delete', verb: 'deletes' })];
  const tamper = protectedReason(path, context.workspaceRoot, context.home);
  if (tamper) findings.push({ rule: 'tamper.files', score: 95, message: `deletes ${tamper}: that is tampering with Airlock` });
  return findings;
}

/**
 * Reads change nothing, so they stay below any threshold; a read of a file that holds secrets is
 * still scored, so that the ledger shows it (redacted) and a policy rule on `secret.read` can ask.
 * A user's own credentials (private keys, password hashes, cloud logins) are asked about, as they are
 * when read through the shell: no routine task needs their text, and what the agent reads can leave
 * the machine with its transcript.
 */
export function assessFileRead(action: FileReadAction, context: AnalysisContext): Assessment {
  const path = absolutePath(action.file, action.cwd ?? context.cwd, context);
  if (!isSecretFile(path)) return assessmentOf([]);
  if (isIdentityCredential(path)) return assessmentOf([{ rule: 'secret.read.credential', score: 50, message: `reads ${shownPath(path, context)}, a private credential: no routine task needs its text` }]);
  return assessmentOf([{ rule: 'secret.read', score: 30, message: `reads ${shownPath(path, context)}, which may hold keys or credentials` }]);
}
