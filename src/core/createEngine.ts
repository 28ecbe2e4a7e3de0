import type { Action } from './action';
import { assessFileDelete, assessFileRead } from './actions/fileDelete';
import { assessFileWrite } from './actions/fileWrite';
import { fileEventAssessment } from './files/fileEvents';
import { assessMcp, assessTool } from './actions/mcp';
import type { Assessment } from './assessment';
import type { AnalysisContext } from './context/analysisContext';
import type { Engine } from './engine';
import { DEFAULT_PACKS, RuleIndex } from './rules/packs';
import type { RulePack } from './rules/rule';
import { BashParser } from './shell/bashParser';
import type { BashGrammarBinaries } from './shell/bashParser';
import { ShellAnalyzer } from './shellAnalyzer';
import { settingsChangeAssessment } from './settings/settingsChangeAssessment';

/** Builds the engine from the grammar binaries (the host reads them from disk). */
export async function createEngine(binaries: BashGrammarBinaries, packs: readonly RulePack[] = DEFAULT_PACKS): Promise<Engine> {
  const parser = await BashParser.create(binaries);
  const shell = new ShellAnalyzer(parser, new RuleIndex(packs));
  return {
    analyze(action: Action, context: AnalysisContext): Assessment {
      const shellText = (command: string, cwd: string): Assessment => shell.analyze(command, cwd, context);
      switch (action.kind) {
        case 'shell':
          return shell.analyze(action.command, action.cwd ?? context.cwd, context);
        case 'fileWrite':
          return assessFileWrite(action, context);
        case 'fileDelete':
          return assessFileDelete(action, context);
        case 'fileRead':
          return assessFileRead(action, context);
        case 'mcp':
          return assessMcp(action, context, shellText);
        case 'tool':
          return assessTool(action, context, shellText);
        case 'settings':
          return settingsChangeAssessment(action);
        case 'fileEvent':
          return fileEventAssessment(action);
      }
    },
  };
}
