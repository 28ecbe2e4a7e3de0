import type { AnalysisContext } from '../context/analysisContext';
import type { Signal } from '../shell/signals';
import { gitTransportProgram } from './gitTransport';
import { productionHint, withProduction } from './production';
import type { Finding, Rule, RulePack } from './rule';

/**
 * Code that cannot be known before it runs: downloaded or decoded scripts piped into shells, `eval` of
 * variables, programs named by variables, and lines that do not parse or exceed Airlock's limits.
 * Airlock does not guess what such code does; it scores the not-knowing.
 */

const ORIGIN_SCORES = {
  network: { score: 85, what: 'code downloaded from the network, unseen and unreviewed' },
  decoder: { score: 85, what: 'encoded code that is decoded only as it runs, hiding what it does' },
  variable: { score: 60, what: 'code held in a variable, known only when it runs' },
  program: { score: 55, what: 'code another program prints, unseen' },
  command: { score: 30, what: 'code printed by another program' },
  file: { score: 30, what: 'a script file' },
  unknown: { score: 60, what: 'code that is known only when it runs' },
} as const;

const LIMIT_SCORES = { nesting: 70, size: 70, nodes: 70, binary: 60 } as const;

/** Scores what the extractor noticed that is not a program run. */
export function signalFindings(signals: readonly Signal[], context?: Pick<AnalysisContext, 'productionMarkers'>): Finding[] {
  const findings: Finding[] = [];
  for (const signal of signals) {
    switch (signal.kind) {
      case 'unknown-payload': {
        const origin = ORIGIN_SCORES[signal.origin];
        findings.push({ rule: `dynamic.payload.${signal.origin}`, score: origin.score, message: `${signal.runner} runs ${origin.what}: ${signal.detail}` });
        break;
      }
      case 'unparsed':
        findings.push({ rule: 'dynamic.unparsed', score: 30, message: `part of the line is not valid shell, so Airlock cannot tell what it does: ${signal.text.slice(0, 80)}` });
        break;
      case 'limit':
        findings.push({ rule: `dynamic.limit.${signal.what}`, score: LIMIT_SCORES[signal.what], message: `too complex to analyze fully (${signal.detail}); Airlock does not guess` });
        break;
      case 'function-defined':
        break;
      case 'remote-shell':
        findings.push({ rule: 'dynamic.remote-shell', score: 85, message: `${signal.runner} hands a shell to whoever is at the other end of a network connection (${signal.detail})` });
        break;
      case 'client-delete': {
        // What it deletes lives on a service Airlock cannot look at; its name is all there is to go on.
        const hint = productionHint(signal.target ?? signal.call, context);
        const scored = withProduction(60, `${signal.runner} code calls ${signal.call}, a client library method that deletes${signal.target ? ` ${signal.target}` : ''} on its service`, hint);
        findings.push({ rule: 'dynamic.client-delete', ...scored, ...(signal.target ? { resources: [{ kind: 'resource', name: signal.target, ...(hint ? { environment: 'production' } : {}) }] } : {}) });
        break;
      }
      case 'hidden-command':
        findings.push({ rule: 'dynamic.hidden', score: 50, message: `${signal.runner} hides its command in base64; decoded, it is: ${signal.text.slice(0, 120)}` });
        break;
      case 'spawn-loop':
        findings.push({ rule: 'dynamic.fork-bomb.loop', score: 60, message: `an endless loop starts a new background job each time round until the machine runs out of processes: ${signal.text.slice(0, 80)}` });
        break;
      case 'recursion':
        if (signal.background) findings.push({ rule: 'dynamic.fork-bomb', score: 70, message: `the function ${signal.name} starts copies of itself in pipes or the background: a fork bomb that stops the machine` });
        break;
    }
  }
  return findings;
}

const CRITICAL_PLACES = new Set(['root', 'system', 'device', 'home', 'workspace-root', 'workspace-ancestor', 'git-dir', 'home-sensitive']);

const dynamicProgram: Rule = {
  id: 'dynamic.program',
  programs: '*',
  description: 'A program named only at run time (`$CMD args`, `$(which x) args`), worst when pointed at critical paths.',
  check({ invocation, targets }) {
    if (!invocation.nameDynamic) return undefined;
    const head = invocation.argv[0];
    const network = head?.sources?.some((name) => ['curl', 'wget'].includes(name));
    if (network) return { rule: 'dynamic.program.network', score: 85, message: `runs a program whose name is downloaded at run time (${head?.value})` };
    // `$EDITOR file` and kin name the user's own tools, by convention.
    if (/^\$\{?(EDITOR|VISUAL|PAGER|BROWSER|GIT_EDITOR)\}?$/.test(head?.value ?? '')) return undefined;
    // Whatever `$TOOL` turns out to be, `$TOOL -rf /` is pointed at the whole filesystem.
    const critical = invocation.argv.slice(1).filter((word) => !word.value.startsWith('-') || word.value === '-').map((word) => targets.resolve(word, invocation)).find((target) => CRITICAL_PLACES.has(target.place));
    if (critical) {
      return { rule: 'dynamic.program.critical-target', score: 70, message: `runs a program named only at run time (${head?.value ?? '?'}) on ${critical.word.value} (${critical.place.replace('-', ' ')})` };
    }
    return { rule: 'dynamic.program', score: 25, message: `runs a program named only at run time (${head?.value ?? '?'})` };
  },
};

const sourceUnknown: Rule = {
  id: 'dynamic.source',
  programs: ['source', '.'],
  description: '`source <(curl ...)` runs downloaded code in the current shell.',
  check({ invocation }) {
    const file = invocation.argv[1];
    const stdin = invocation.stdin;
    if (file && /^(\/dev\/stdin|\/dev\/fd\/0|-)$/.test(file.value) && stdin) {
      // `source /dev/stdin < /dev/tcp/host/port` runs whatever arrives on standard input.
      const network = stdin.kind === 'text' ? /^<\/dev\/(tcp|udp)\//.test(stdin.text) : ['curl', 'wget', 'nc', 'ncat', 'socat'].includes(stdin.producer.name);
      return network
        ? { rule: 'dynamic.source.network', score: 85, message: `sources ${ORIGIN_SCORES.network.what}` }
        : { rule: 'dynamic.source.stdin', score: 55, message: 'sources whatever arrives on standard input' };
    }
    if (!file?.dynamic || !file.sources) return undefined;
    const network = file.sources.some((name) => ['curl', 'wget', 'http', 'xh', 'nc'].includes(name));
    if (!network) return { rule: 'dynamic.source.command', score: 30, message: `sources code printed by ${file.sources.join(', ')}` };
    return { rule: 'dynamic.source.network', score: 85, message: `sources ${ORIGIN_SCORES.network.what}` };
  },
};

export const DYNAMIC_CODE_PACK: RulePack = {
  id: 'dynamic',
  description: 'Code whose text is only known at run time, and input Airlock cannot fully analyze.',
  rules: [dynamicProgram, sourceUnknown, gitTransportProgram],
};
