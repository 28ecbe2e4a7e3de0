import { argValues } from '../shell/ir';
import type { Invocation } from '../shell/ir';
import { hasFlag, parseArgs } from '../shell/options';
import { haproxyRuntime } from './haproxyRuntime';
import { invocationProductionHint, withProduction } from './production';
import type { Finding, Rule, RulePack } from './rule';

/**
 * The machine's own services and access. Stopping, disabling or masking a service takes down whatever
 * it serves (a web server, a proxy, a database) for everyone until a person starts it again; shutting
 * the machine down does that to every service, and a remote machine may not come back on its own.
 * Forgetting a host's SSH key makes the next connection trust whatever key is presented, and removing
 * the agent's identities drops keys that may live nowhere else (forwarded or hardware keys).
 * Restarts, reloads, status and start pass: they end with the service running.
 */

const STOP_SCORE = 50;
const MACHINE_SCORE = 60;

const DOWN = 'whatever it serves is down until someone starts it again';
/** What each verb does to a unit; `disable` and `mask` stop it too with `--now`. */
const SYSTEMCTL_STOPS: Readonly<Record<string, string>> = {
  stop: `the service stops, and ${DOWN}`,
  kill: `its processes are killed, and ${DOWN}`,
  disable: 'it no longer starts at boot',
  mask: 'nothing can start it until it is unmasked',
};
const SYSTEMCTL_MACHINE = new Set(['poweroff', 'reboot', 'halt', 'kexec', 'soft-reboot', 'rescue', 'emergency']);
const LAUNCHCTL_STOPS = new Set(['unload', 'bootout', 'remove', 'disable', 'stop', 'kill']);
const SERVER_STOP_SIGNALS = new Set(['stop', 'quit']);

interface Stop {
  readonly rule: string;
  readonly score: number;
  readonly message: string;
  readonly service: string;
}

function systemctl(args: readonly string[]): Stop | undefined {
  const parsed = parseArgs(args, { shortWithValue: 'tpsHMno', longWithValue: ['type', 'property', 'signal', 'host', 'machine', 'lines', 'output', 'state', 'kill-whom', 'root', 'what', 'job-mode', 'timestamp'] });
  const [verb = '', ...units] = parsed.operands;
  const services = units.join(', ') || 'the unit';
  // `isolate graphical.target` changes little; isolating a rescue or shutdown target stops every service.
  if (verb === 'isolate' && /^(rescue|emergency|poweroff|reboot|halt|runlevel[016])(\.target)?$/.test(units[0] ?? '')) {
    return { rule: 'system.systemctl.isolate', score: MACHINE_SCORE, message: `systemctl isolate ${services} stops every service on this machine`, service: 'this machine' };
  }
  if (SYSTEMCTL_MACHINE.has(verb)) return { rule: `system.systemctl.${verb}`, score: MACHINE_SCORE, message: `systemctl ${verb} takes this machine down: every service on it stops`, service: 'this machine' };
  const does = SYSTEMCTL_STOPS[verb];
  if (does === undefined || units.length === 0) return undefined;
  const now = (verb === 'disable' || verb === 'mask') && hasFlag(parsed, '--now') ? `; it also stops now, and ${DOWN}` : '';
  return { rule: `system.systemctl.${verb}`, score: STOP_SCORE, message: `systemctl ${verb} ${services}: ${does}${now}`, service: services };
}

/** `service nginx stop`, `rc-service nginx stop`, `/etc/init.d/nginx stop`. */
function sysvService(invocation: Invocation, args: readonly string[]): Stop | undefined {
  const head = invocation.argv[0]?.value ?? '';
  const [unit, verb] = /\/(init\.d|rc\.d)\//.test(head) ? [invocation.name, args[0]] : [args[0], args[1]];
  if (unit === undefined || (verb !== 'stop' && verb !== 'force-stop')) return undefined;
  return { rule: 'system.service.stop', score: STOP_SCORE, message: `service ${unit} ${verb}: the service stops, and ${DOWN}`, service: unit };
}

function launchctl(args: readonly string[]): Stop | undefined {
  const [verb = '', ...rest] = args.filter((arg) => !arg.startsWith('-'));
  if (!LAUNCHCTL_STOPS.has(verb) || rest.length === 0) return undefined;
  return { rule: `system.launchctl.${verb}`, score: STOP_SCORE, message: `launchctl ${verb} stops ${rest.join(' ')}; it does not run again until it is loaded`, service: rest.join(' ') };
}

/** `nginx -s stop`, `apachectl stop`, `httpd -k stop`, `pg_ctl stop`: a server told to stop. */
function serverStop(invocation: Invocation, args: readonly string[]): Stop | undefined {
  const name = invocation.name;
  const signal = name === 'nginx' || name === 'openresty' ? parseArgs(args, { shortWithValue: 'scpgeS' }).values.get('-s')?.[0] : name === 'httpd' || name === 'apache2' ? parseArgs(args, { shortWithValue: 'kCcdfeE' }).values.get('-k')?.[0] : args.find((arg) => !arg.startsWith('-'));
  if (signal === undefined) return undefined;
  const stops = SERVER_STOP_SIGNALS.has(signal) || signal === 'graceful-stop';
  if (!stops) return undefined;
  return { rule: `system.${name}.stop`, score: STOP_SCORE, message: `${name} ${signal}: the ${name} server stops, and ${DOWN}`, service: name };
}

function shutdownMachine(invocation: Invocation, args: readonly string[]): Stop | undefined {
  // `shutdown -c` cancels a scheduled shutdown; `--help`-style questions are handled by the engine.
  if (args.includes('-c') || args.includes('--show')) return undefined;
  return { rule: `system.${invocation.name}`, score: MACHINE_SCORE, message: `${invocation.name} takes this machine down: every service on it stops, and a remote machine may not come back without someone at it`, service: 'this machine' };
}

const JUDGES: Readonly<Record<string, (invocation: Invocation, args: readonly string[]) => Stop | undefined>> = {
  systemctl: (_invocation, args) => systemctl(args),
  service: sysvService,
  'rc-service': sysvService,
  launchctl: (_invocation, args) => launchctl(args),
  nginx: serverStop,
  openresty: serverStop,
  apachectl: serverStop,
  apache2ctl: serverStop,
  httpd: serverStop,
  apache2: serverStop,
  pg_ctl: serverStop,
  pg_ctlcluster: (invocation, args) => serverStop(invocation, args.slice(2)),
  shutdown: shutdownMachine,
  reboot: shutdownMachine,
  poweroff: shutdownMachine,
  halt: shutdownMachine,
};

const services: Rule = {
  id: 'system.service',
  programs: Object.keys(JUDGES),
  description: 'Stopping, killing, disabling or masking services (systemctl, service, launchctl, nginx -s stop, pg_ctl stop) and shutting the machine down.',
  check({ invocation, context }): Finding | undefined {
    const judge = JUDGES[invocation.name];
    const initScript = /\/(init\.d|rc\.d)\//.test(invocation.argv[0]?.value ?? '');
    const stop = initScript ? sysvService(invocation, argValues(invocation)) : judge?.(invocation, argValues(invocation));
    if (!stop) return undefined;
    const hint = invocationProductionHint(invocation, context);
    const scored = withProduction(stop.score, stop.message, hint);
    return { rule: stop.rule, ...scored, resources: [{ kind: 'service', name: stop.service, ...(hint ? { environment: 'production' } : {}) }] };
  },
};

const sshAccess: Rule = {
  id: 'system.ssh',
  programs: ['ssh-keygen', 'ssh-add'],
  description: '`ssh-keygen -R host` forgets a host key (the next connection trusts any key); `ssh-add -d/-D` removes identities from the agent.',
  check({ invocation }): Finding | undefined {
    const args = argValues(invocation);
    if (invocation.name === 'ssh-keygen') {
      const parsed = parseArgs(args, { shortWithValue: 'RfFbCNtZaIOnVzDEGJKMPrSTsuw' });
      const host = parsed.values.get('-R')?.[0];
      if (host === undefined) return undefined;
      return { rule: 'system.ssh.forget-host-key', score: STOP_SCORE, message: `ssh-keygen -R forgets the saved key of ${host}: the next connection accepts whatever key that host presents, so an impersonated host goes unnoticed`, resources: [{ kind: 'host key', name: host }] };
    }
    const all = args.includes('-D');
    if (!all && !args.includes('-d')) return undefined;
    return { rule: all ? 'system.ssh.agent-remove-all' : 'system.ssh.agent-remove', score: STOP_SCORE, message: `ssh-add ${all ? '-D removes every identity' : '-d removes identities'} from the SSH agent; keys held only there (forwarded or hardware keys) are gone until someone adds them again` };
  },
};

export const SYSTEM_PACK: RulePack = {
  id: 'system',
  description: "This machine's services and access: stopping or disabling services, shutting down, forgetting SSH host keys, dropping agent identities.",
  rules: [services, sshAccess, haproxyRuntime],
};
