/** Every command id Airlock contributes; `package.json` must list the same (a unit test checks). */
export const COMMAND_IDS = {
  checkCommand: 'airlock.checkCommand',
  showLog: 'airlock.showLog',
  showApprovals: 'airlock.showApprovals',
  showLedger: 'airlock.showLedger',
  verifyLedger: 'airlock.verifyLedger',
  exportLedger: 'airlock.exportLedger',
  connectAgents: 'airlock.connectAgents',
  showAgents: 'airlock.showAgents',
  refreshAgents: 'airlock.refreshAgents',
  installAgentHooks: 'airlock.installAgentHooks',
  repairAgentHooks: 'airlock.repairAgentHooks',
  uninstallAgentHooks: 'airlock.uninstallAgentHooks',
} as const;
