import type { Action } from './action';
import { assessFileDelete, assessFileRead } from './actions/fileDelete';
import { assessFileWrite } from './actions/fileWrite';
import { fileEventAssessment } from './files/fileEvents';
import { assessMcp, assessTool } from './actions/mcp';
import type { Assessment } from './assessment';
import type { AnalysisContext } from './context/analysisContext';
import type { DeferredEngine, Engine } from './engine';
import { DEFAULT_PACKS, RuleIndex } from './rules/packs';
import type { RulePack } from './rules/rule';
import { BashParser, DeferredBashParser, ParserNotLoaded } from './shell/bashParser';
import type { BashGrammarBinaries, ShellParser } from './shell/bashParser';
import { ShellAnalyzer } from './shellAnalyzer';
import { settingsChangeAssessment } from './settings/settingsChangeAssessment';

/** Builds the engine from the grammar binaries (the host reads them from disk). */
export async function createEngine(binaries: BashGrammarBinaries, packs: readonly RulePack[] = DEFAULT_PACKS): Promise<Engine> {
  return engineWith(await BashParser.create(binaries), packs);
}

/**
 * Builds the engine without starting the grammar; `binaries` is called the first time an action needs
 * a parse. An analysis that reaches a parse before then is abandoned (it has no effects: the engine
 * only reads) and run again from the start once the parser is up, so its result is the eager engine's.
 * A grammar that cannot start rejects the analysis, as createEngine would have rejected.
 */
export function createDeferredEngine(binaries: () => BashGrammarBinaries | Promise<BashGrammarBinaries>, packs: readonly RulePack[] = DEFAULT_PACKS): DeferredEngine {
  const parser = new DeferredBashParser(binaries);
  const engine = engineWith(parser, packs);
  return {
    async analyze(action: Action, context: AnalysisContext): Promise<Assessment> {
      try {
        return engine.analyze(action, context);
      } catch (error) {
        if (!(error instanceof ParserNotLoaded)) throw error;
      }
      await parser.load();
      return engine.analyze(action, context);
    },
  };
}

function engineWith(parser: ShellParser, packs: readonly RulePack[]): Engine {
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
