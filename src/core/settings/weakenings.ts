import type { PolicyRule } from '../policy/rules';
import { AGENT_NAMES, GUARD_NAMES } from './settings';
import type { AirlockSettings } from './settings';

/**
 * What a settings change takes away from protection, one line each: Airlock or a layer switched off,
 * a higher threshold, a longer wait, no typed confirmation, fewer protected paths or production
 * markers, new allow rules, removed ask or deny rules, smaller snapshot limits, a less sensitive
 * mass-loss alarm, a shorter edit review. Tightening changes are not listed. The
 * extension records these in the ledger, because an agent can edit settings files too.
 */
export function weakenings(before: AirlockSettings, after: AirlockSettings): string[] {
  const found: string[] = [];
  if (before.enabled && !after.enabled) found.push('airlock.enabled: Airlock switched off');
  if (after.approval.threshold > before.approval.threshold) {
    found.push(`airlock.approval.threshold: raised from ${before.approval.threshold} to ${after.approval.threshold}`);
  }
  if (after.approval.timeoutSeconds > before.approval.timeoutSeconds) {
    found.push(`airlock.approval.timeoutSeconds: lengthened from ${before.approval.timeoutSeconds} to ${after.approval.timeoutSeconds}`);
  }
  if (before.approval.typedConfirmation && !after.approval.typedConfirmation) {
    found.push('airlock.approval.typedConfirmation: critical actions no longer need the typed name');
  }
  const removed = (key: string, was: readonly string[], now: readonly string[]): void => {
    const gone = was.filter((item) => !now.includes(item));
    if (gone.length > 0) found.push(`airlock.${key}: removed ${gone.join(', ')}`);
  };
  removed('protectedPaths', before.protectedPaths, after.protectedPaths);
  removed('productionMarkers', before.productionMarkers, after.productionMarkers);
  // Rules are compared by content: ids may be positional, and an edited rule is a new rule.
  const describe = (rule: PolicyRule): string => JSON.stringify({ ...rule, origin: undefined });
  const addedAllow = after.rules.allow.filter((rule) => !before.rules.allow.map(describe).includes(describe(rule)));
  if (addedAllow.length > 0) found.push(`airlock.rules: new allow rule${addedAllow.length === 1 ? '' : 's'} ${addedAllow.map(describe).join(', ')}`);
  removed('rules (ask)', before.rules.ask.map(describe), after.rules.ask.map(describe));
  removed('rules (deny)', before.rules.deny.map(describe), after.rules.deny.map(describe));
  const lowered = (key: string, was: number, now: number): void => {
    if (now < was) found.push(`airlock.${key}: lowered from ${was} to ${now}`);
  };
  const raised = (key: string, was: number, now: number): void => {
    if (now > was) found.push(`airlock.${key}: raised from ${was} to ${now}`);
  };
  // Smaller snapshots, shorter retention and a shorter review keep less; a bigger count or a shorter
  // window makes the mass-loss alarm slower to fire.
  lowered('snapshots.maxFileBytes', before.snapshots.maxFileBytes, after.snapshots.maxFileBytes);
  lowered('snapshots.maxTotalBytes', before.snapshots.maxTotalBytes, after.snapshots.maxTotalBytes);
  lowered('snapshots.maxAgeDays', before.snapshots.maxAgeDays, after.snapshots.maxAgeDays);
  raised('massLoss.fileCount', before.massLoss.fileCount, after.massLoss.fileCount);
  lowered('massLoss.windowSeconds', before.massLoss.windowSeconds, after.massLoss.windowSeconds);
  lowered('editReview.activeMinutes', before.editReview.activeMinutes, after.editReview.activeMinutes);
  for (const name of GUARD_NAMES) if (before.guards[name] && !after.guards[name]) found.push(`airlock.guards.${name}: switched off`);
  for (const name of AGENT_NAMES) if (before.agents[name] && !after.agents[name]) found.push(`airlock.agents.${name}: switched off`);
  return found;
}
