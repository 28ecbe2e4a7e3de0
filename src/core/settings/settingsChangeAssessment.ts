import type { SettingsChangeAction } from '../action';
import type { Assessment } from '../assessment';
import { levelOf } from '../assessment';

/** Switching Airlock, a layer or an agent off is as serious as what it would have stopped. */
const SWITCHED_OFF = /: (Airlock switched off|switched off)$/;

/** How much a settings change weakens protection: every change is a reason. */
export function settingsChangeAssessment(action: SettingsChangeAction): Assessment {
  const reasons = action.changes
    .map((change) => ({
      rule: SWITCHED_OFF.test(change) ? 'settings.switched-off' : 'settings.weakened',
      score: SWITCHED_OFF.test(change) ? 80 : 60,
      message: `weakens protection: ${change}`,
    }))
    .sort((a, b) => b.score - a.score);
  const score = reasons[0]?.score ?? 0;
  return {
    score,
    level: levelOf(score),
    reasons,
    impact: {
      summary: reasons.length > 0 ? `Airlock's settings (${action.scope}) were weakened.` : 'Nothing weakened.',
      paths: [],
      files: 0,
      bytes: 0,
      untracked: 0,
      modified: 0,
    },
  };
}
