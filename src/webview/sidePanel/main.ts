/// <reference lib="dom" />
import { isHostToSidePanel } from '../../protocol/sidePanelMessages';
import type { HostToSidePanel, LedgerFilter, LedgerRow, PendingRow, RestorableFile, SidePanelToHost } from '../../protocol/sidePanelMessages';
import { el, renderDiff } from '../approval/render';

declare function acquireVsCodeApi(): { postMessage(message: SidePanelToHost): void };

/**
 * The side panel's page: waiting requests, the chain status, and the ledger a page at a time (the
 * extension filters, so 100,000 entries never reach the page). Built with DOM calls and text only.
 */
const vscode = acquireVsCodeApi();
const PAGE = 200;
const root = document.getElementById('root') as HTMLElement;
root.removeAttribute('aria-live');
let filter: LedgerFilter = {};
let offset = 0;
let openSeq: number | undefined;

const pendingBox = el('section', { class: 'pending', 'aria-label': 'Waiting for approval', 'aria-live': 'polite' });
const chainBox = el('section', { class: 'chain', 'aria-live': 'polite' });
const filters = buildFilters();
const summary = el('p', { class: 'summary', 'aria-live': 'polite' });
const list = el('ol', { class: 'entries', 'aria-label': 'Ledger, newest first' });
const pager = el('div', { class: 'pager' });
root.replaceChildren(pendingBox, chainBox, el('h2', {}, 'Ledger'), filters, summary, list, pager);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostToSidePanel(event.data)) receive(event.data);
});
vscode.postMessage({ type: 'ready' });
query();

function query(): void {
  vscode.postMessage({ type: 'query', filter, offset, limit: PAGE });
}

function receive(message: HostToSidePanel): void {
  switch (message.type) {
    case 'pending':
      renderPending(message.items);
      return;
    case 'chain':
      chainBox.replaceChildren(
        el('span', { class: `chain-${message.chain.status}` }, `Ledger chain: ${message.chain.status}`),
        ' ',
        button('Verify', () => vscode.postMessage({ type: 'verify' })),
        el('p', { class: 'help' }, message.chain.detail),
      );
      return;
    case 'page':
      renderPage(message.rows, message.matched, message.total, message.offset);
      return;
    case 'details': {
      const slot = document.getElementById(`details-${message.seq}`);
      if (!slot) return;
      slot.replaceChildren(
        ...(message.restorable?.length ? [restoreList(message.seq, message.restorable)] : []),
        ...(message.diff ? [renderDiff(message.diff)] : []),
        el('pre', { class: 'json', tabindex: '0' }, message.json),
      );
      return;
    }
  }
}

/** The files an entry kept a copy of, each with Restore; the extension asks before overwriting newer work. */
function restoreList(seq: number, files: readonly RestorableFile[]): HTMLElement {
  const items = files.slice(0, 50).map((file) => {
    const restore = button('Restore', () => vscode.postMessage({ type: 'restore', seq, path: file.path }));
    restore.setAttribute('aria-label', `Restore ${file.path}`);
    restore.classList.add('restore');
    return el('li', {}, el('code', {}, file.path), ` (${file.size} bytes) `, restore);
  });
  const more = files.length > 50 ? [el('p', { class: 'help' }, `and ${files.length - 50} more; airlock restore ${seq} brings back all of them.`)] : [];
  return el('section', { class: 'restorable', 'aria-label': 'Snapshots kept by this entry' }, el('h3', {}, 'Kept copies'), el('ul', {}, ...items), ...more);
}

function renderPending(items: readonly PendingRow[]): void {
  if (items.length === 0) {
    pendingBox.replaceChildren(el('p', { class: 'help' }, 'Nothing waits for approval.'));
    return;
  }
  pendingBox.replaceChildren(
    el('h2', {}, `${items.length} waiting for approval`),
    el('ul', {}, ...items.map((item) => el('li', { class: `level-${item.level}` }, `${item.level} ${item.score} · ${item.source} · `, el('code', {}, item.text.slice(0, 200))))),
    button('Show approvals', () => vscode.postMessage({ type: 'showApprovals' })),
  );
}

function renderPage(rows: readonly LedgerRow[], matched: number, total: number, from: number): void {
  summary.textContent = matched === 0
    ? total === 0 ? 'The ledger is empty.' : `No entry of ${total} matches.`
    : `${from + 1}–${from + rows.length} of ${matched} matching (${total} in all)`;
  list.replaceChildren(...rows.map(entryItem));
  pager.replaceChildren(
    ...(from > 0 ? [button('Newer', () => { offset = Math.max(0, offset - PAGE); query(); })] : []),
    ...(from + rows.length < matched ? [button('Older', () => { offset += PAGE; query(); })] : []),
  );
}

function entryItem(row: LedgerRow): HTMLElement {
  const expanded = openSeq === row.seq;
  const toggle = el('button', { class: 'entry', type: 'button', 'aria-expanded': String(expanded), 'aria-controls': `details-${row.seq}` },
    el('span', { class: `outcome outcome-${row.outcome}` }, row.outcome),
    el('span', { class: `level-${row.level}` }, ` ${row.level} ${row.score} `),
    el('code', {}, row.text.slice(0, 300)));
  const details = el('div', { id: `details-${row.seq}`, class: 'details', ...(expanded ? {} : { hidden: 'hidden' }) });
  const meta = el('p', { class: 'help' }, `#${row.seq} · ${new Date(row.time).toLocaleString()} · ${row.source}${row.agent ? ` (${row.agent})` : ''} · ${row.decider}`);
  toggle.addEventListener('click', () => {
    const open = details.hasAttribute('hidden');
    openSeq = open ? row.seq : undefined;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) {
      details.removeAttribute('hidden');
      details.replaceChildren(el('ul', {}, ...row.reasons.map((r) => el('li', {}, r))), el('p', { class: 'help' }, 'Loading…'));
      vscode.postMessage({ type: 'details', seq: row.seq });
    } else {
      details.setAttribute('hidden', 'hidden');
    }
  });
  return el('li', {}, toggle, meta, details);
}

function buildFilters(): HTMLElement {
  const select = (label: string, options: string[], apply: (value: string) => void): HTMLElement => {
    const id = `filter-${label.toLowerCase()}`;
    const control = el('select', { id }, el('option', { value: '' }, 'any'), ...options.map((o) => el('option', { value: o }, o))) as HTMLSelectElement;
    control.addEventListener('change', () => {
      apply(control.value);
      offset = 0;
      query();
    });
    return el('label', { for: id }, `${label} `, control);
  };
  const search = el('input', { id: 'filter-text', type: 'search', placeholder: 'Search actions and reasons', 'aria-label': 'Search the ledger' }) as HTMLInputElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      filter = { ...filter, text: search.value };
      if (!search.value) delete (filter as { text?: string }).text;
      offset = 0;
      query();
    }, 150);
  });
  const set = (key: keyof LedgerFilter) => (value: string): void => {
    const next: Record<string, string> = { ...filter };
    if (value) next[key] = value;
    else delete next[key];
    filter = next as LedgerFilter;
  };
  return el('div', { class: 'filters', role: 'search' },
    select('Decision', ['allowed', 'denied'], set('decision')),
    select('Level', ['critical', 'high', 'low', 'none'], set('level')),
    select('Source', ['agent-hook', 'shell-guard', 'shim', 'task', 'file', 'cli', 'settings'], set('source')),
    search);
}

function button(label: string, onClick: () => void): HTMLElement {
  const b = el('button', { type: 'button', class: 'secondary' }, label);
  b.addEventListener('click', onClick);
  return b;
}
