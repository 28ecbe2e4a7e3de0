import { argValues } from '../shell/ir';
import { knownStdinText } from '../shell/literalOutput';
import { invocationProductionHint, withProduction } from './production';
import type { Finding, Rule, RulePack } from './rule';

/**
 * DNS: `nsupdate` (and Knot's `knsupdate`) changes records on a live name server; it has no mode that
 * only looks. A deleted record takes a name off the internet for everyone until it is added back, and
 * caches keep the absence for the record's lifetime. Other DNS providers' CLIs go through the cloud table.
 */


const nsupdate: Rule = {
  id: 'dns.nsupdate',
  programs: ['nsupdate', 'knsupdate'],
  description: '`nsupdate` changes records on a live name server; `update delete` removes them.',
  check({ invocation, context }): Finding | undefined {
    const args = argValues(invocation);
    if (args.includes('-V') || args.includes('-h')) return undefined;
    // The update commands it reads, when the line shows them.
    const text = knownStdinText(invocation);
    const deletes = text !== undefined && /^\s*(update\s+)?(delete|del)\b/im.test(text);
    const record = text === undefined ? undefined : /^\s*(?:update\s+)?(?:delete|del|add)\s+(\S+)/im.exec(text)?.[1];
    const base = deletes
      ? { score: 60, message: `${invocation.name} deletes the DNS records of ${record ?? 'a name'}: the name stops resolving for everyone until it is added back` }
      : { score: 50, message: `${invocation.name} changes DNS records on a live name server${text === undefined ? ' (the updates are read at run time)' : ''}` };
    const hint = invocationProductionHint(invocation, context);
    return { rule: deletes ? 'dns.nsupdate.delete' : 'dns.nsupdate', ...withProduction(base.score, base.message, hint), resources: [{ kind: 'DNS record', name: record ?? 'records on the server', ...(hint ? { environment: 'production' } : {}) }] };
  },
};

export const DNS_PACK: RulePack = {
  id: 'dns',
  description: 'DNS record changes through nsupdate.',
  rules: [nsupdate],
};
