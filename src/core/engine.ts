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
