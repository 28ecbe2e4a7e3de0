/**
 * The in-process API bundled as `dist/engine.js` for the benchmarks, the corpus evaluation and anyone
 * embedding Airlock's engine: load once, then analyze synchronously.
 */
export { loadEngine } from './engineLoader';
export { createDiskContext } from './diskContext';
export { decide } from '../core/policy/decide';
