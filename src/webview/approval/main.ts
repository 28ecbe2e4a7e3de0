/// <reference lib="dom" />
import { isHostToApprovalView } from '../../protocol/approvalMessages';
import type { ApprovalItem, ApprovalViewToHost, HostToApprovalView } from '../../protocol/approvalMessages';
import { el, formatBytes, highlightCommand, renderDiff } from './render';

declare function acquireVsCodeApi(): { postMessage(message: ApprovalViewToHost): void };

/**
 * The approval view's page. Everything is built with DOM calls and `textContent`, never HTML strings,
 * so nothing an agent wrote can turn into markup. Deny is focused first and is what Escape does.
 */
const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let items: readonly ApprovalItem[] = [];
let currentId: string | undefined;
/** Host clock minus page clock, so the countdown is right even when the page runs on another machine. */
let skew = 0;
const refusals = new Map<string, string>();

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostToApprovalView(event.data)) return;
  receive(event.data);
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && currentId !== undefined) {
    event.preventDefault();
    answer(currentId, 'deny');
  }
});

setInterval(tick, 1000);
vscode.postMessage({ type: 'ready' });

function receive(message: HostToApprovalView): void {
  if (message.type === 'refused') {
    refusals.set(message.id, message.reason);
    render(false);
    return;
  }
  skew = message.now - Date.now();
  items = message.items;
  const changed = !items.some((i) => i.id === currentId);
  if (changed) currentId = items[0]?.id;
  render(changed);
}

function answer(id: string, choice: 'deny' | 'allow-once' | 'allow-similar', typed?: string): void {
  refusals.delete(id);
  vscode.postMessage({ type: 'answer', id, choice, ...(typed !== undefined ? { typed } : {}) });
}

function render(focusDeny: boolean): void {
  root.replaceChildren();
  if (items.length === 0) {
    root.append(el('p', { class: 'empty' }, 'Nothing is waiting for your approval.'));
    return;
  }
  const item = items.find((i) => i.id === currentId) ?? items[0]!;
  root.append(el('h1', {}, items.length === 1 ? 'An action waits for your approval' : `${items.length} actions wait for your approval`));
  if (items.length > 1) root.append(queue(item));
  root.append(details(item));
  if (focusDeny) (document.getElementById('deny') as HTMLButtonElement | null)?.focus();
}

function queue(current: ApprovalItem): HTMLElement {
  const list = el('ol', { class: 'queue', 'aria-label': 'Waiting requests, oldest first' });
  for (const item of items) {
    const button = el('button', { class: `queue-item level-${item.level}`, type: 'button', ...(item.id === current.id ? { 'aria-current': 'true' } : {}) },
      `${item.level} ${item.score} · ${item.text.split('\n')[0]!.slice(0, 80)}`);
    button.addEventListener('click', () => {
      currentId = item.id;
      render(true);
    });
    list.append(el('li', {}, button));
  }
  return list;
}

function details(item: ApprovalItem): HTMLElement {
  const section = el('section', { class: 'item', 'aria-labelledby': 'item-title' });
  section.append(
    el('h2', { id: 'item-title' }, el('span', { class: `badge level-${item.level}` }, item.level), ` score ${item.score} of 100`),
    el('p', { class: 'countdown', role: 'timer', id: 'countdown', 'data-deadline': String(item.deadline) }, countdownText(item.deadline)),
    el('h3', {}, item.kind === 'shell' ? 'Command, exactly as written' : 'Action, exactly as written'),
    el('pre', { class: 'action', tabindex: '0', 'aria-label': 'The action' }, item.kind === 'shell' ? highlightCommand(item.text) : el('code', {}, item.text)),
    el('dl', { class: 'facts' },
      el('dt', {}, 'Claimed source'), el('dd', {}, `${item.source}${item.agent ? ` (${item.agent})` : ''}`),
      el('dt', {}, 'Folder'), el('dd', {}, item.cwd)),
    el('h3', {}, 'Why Airlock stopped it'),
    reasons(item),
    el('h3', {}, 'Impact'),
    impact(item),
  );
  if (item.diff) section.append(el('h3', {}, 'Changes'), renderDiff(item.diff));
  section.append(controls(item));
  return section;
}

function reasons(item: ApprovalItem): HTMLElement {
  const list = el('ul', { class: 'reasons' });
  for (const reason of item.reasons) {
    list.append(el('li', {}, el('code', {}, reason.rule), ` (${reason.score}) `, reason.message));
  }
  if (item.reasons.length === 0) list.append(el('li', {}, 'No rule fired.'));
  if (item.policyReason) list.append(el('li', { class: 'policy' }, `Policy: ${item.policyReason}`));
  return list;
}

function impact(item: ApprovalItem): HTMLElement {
  const { impact: i } = item;
  const box = el('div', { class: 'impact' }, el('p', {}, i.summary || 'Nothing is known to be lost.'));
  if (i.paths.length > 0) {
    const table = el('table', {},
      el('caption', {}, `${i.files} files, ${formatBytes(i.bytes)}; ${i.untracked} untracked (unrecoverable), ${i.modified} with uncommitted changes`),
      el('thead', {}, el('tr', {}, ...['Path', 'Files', 'Size', 'Untracked', 'Modified'].map((h) => el('th', { scope: 'col' }, h)))));
    const body = el('tbody', {});
    for (const p of i.paths) {
      body.append(el('tr', {},
        el('td', {}, p.path, p.exists ? '' : ' (does not exist)'),
        el('td', {}, `${p.files}${p.truncated ? '+' : ''}`),
        el('td', {}, formatBytes(p.bytes)),
        el('td', { class: p.untracked > 0 ? 'warn' : '' }, String(p.untracked)),
        el('td', { class: p.modified > 0 ? 'warn' : '' }, String(p.modified))));
    }
    table.append(body);
    box.append(table);
  }
  if (i.resources.length > 0) {
    box.append(el('ul', { class: 'resources' }, ...i.resources.map((r) =>
      el('li', {}, `${r.provider ? `${r.provider} ` : ''}${r.kind} `, el('code', {}, r.name), r.environment ? ` in ${r.environment}` : ''))));
  }
  return box;
}

function controls(item: ApprovalItem): HTMLElement {
  const form = el('form', { class: 'controls', 'aria-label': 'Your answer' });
  let input: HTMLInputElement | undefined;
  if (item.confirmation !== undefined) {
    input = el('input', { id: 'confirm', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'confirm-help' }) as HTMLInputElement;
    form.append(
      el('label', { for: 'confirm' }, 'This action is critical. To allow it, type ', el('code', {}, item.confirmation)),
      el('p', { id: 'confirm-help', class: 'help' }, 'The allow buttons stay disabled until the name matches exactly.'),
      input,
    );
  }
  const deny = el('button', { id: 'deny', type: 'button', class: 'deny' }, 'Deny (Esc)') as HTMLButtonElement;
  const once = el('button', { id: 'allow-once', type: 'button', class: 'secondary' }, 'Allow once') as HTMLButtonElement;
  const buttons = el('div', { class: 'buttons' }, deny, once);
  let similar: HTMLButtonElement | undefined;
  if (item.similar) {
    similar = el('button', { id: 'allow-similar', type: 'button', class: 'secondary', 'aria-describedby': 'similar-help' }, 'Allow similar for this session') as HTMLButtonElement;
    buttons.append(similar);
  }
  form.append(buttons);
  if (item.similar) form.append(el('p', { id: 'similar-help', class: 'help' }, item.similar));
  const refusal = refusals.get(item.id);
  form.append(el('p', { class: 'error', role: 'alert' }, refusal ?? ''));

  const typed = (): string | undefined => input?.value;
  const sync = (): void => {
    const blocked = item.confirmation !== undefined && (input?.value.trim() ?? '') !== item.confirmation;
    once.disabled = blocked;
    if (similar) similar.disabled = blocked;
  };
  input?.addEventListener('input', sync);
  sync();
  form.addEventListener('submit', (event) => event.preventDefault());
  deny.addEventListener('click', () => answer(item.id, 'deny'));
  once.addEventListener('click', () => answer(item.id, 'allow-once', typed()));
  similar?.addEventListener('click', () => answer(item.id, 'allow-similar', typed()));
  return form;
}

function countdownText(deadline: number): string {
  const left = Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  return `Denied automatically in ${minutes}:${seconds} unless you answer.`;
}

function tick(): void {
  const countdown = document.getElementById('countdown');
  if (countdown) countdown.textContent = countdownText(Number(countdown.dataset.deadline));
}
