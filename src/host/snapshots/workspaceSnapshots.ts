import { LedgerStore } from '../ledger/ledgerStore';
import { airlockStateDir, findWorkspaceRoot } from '../ledger/locations';
import { loadWorkspacePolicy } from '../policyLoader';
import { SnapshotStore } from './snapshotStore';

/**
 * The snapshot store and ledger of the workspace that contains `dir`, with the limits in force there
 * (the user's settings as the extension last saved them, tightened by the team policy). What the CLI
 * uses; the extension builds its store from the settings it already holds.
 */
export function openWorkspaceSnapshots(dir: string, stateRoot: string = airlockStateDir()): { store: SnapshotStore; ledger: LedgerStore; workspaceRoot: string } {
  const workspaceRoot = findWorkspaceRoot(dir);
  const { snapshots } = loadWorkspacePolicy(workspaceRoot, { stateRoot }).settings;
  const ledger = new LedgerStore(workspaceRoot, { stateRoot });
  const store = new SnapshotStore(workspaceRoot, { ...snapshots, ledger });
  return { store, ledger, workspaceRoot: store.workspaceRoot };
}
