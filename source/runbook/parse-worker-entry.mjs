// The runbook parser's worker when the cockpit runs from its TypeScript sources (tsx, vitest): a
// worker thread starts without the parent's loaders, so it registers tsx itself. The single-file
// build carries the worker bundled instead (scripts/build.mjs).
import {register} from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
