import type { Action } from './action';
import type { Assessment } from './assessment';
import type { AnalysisContext } from './context/analysisContext';

/**
 * The decision engine: pure, synchronous and fast once created. Creating one is asynchronous because
 * the shell grammar is WebAssembly (see `src/host/engineLoader.ts`).
 */
export interface Engine {
  analyze(action: Action, context: AnalysisContext): Assessment;
}

/**
 * The same engine, created without starting the shell grammar: it starts on the first action that
 * needs a parse, so analyzing is asynchronous. For one-shot processes (the agent hook deciding
 * locally), where most lines never need the grammar (src/core/shell/plainLine.ts).
 */
export interface DeferredEngine {
  analyze(action: Action, context: AnalysisContext): Promise<Assessment>;
}
