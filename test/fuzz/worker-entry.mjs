// The fuzz worker (test/fuzz/worker.ts) in a worker thread, which starts without the test
// runner's loaders: register tsx, then run it.
import {register} from 'tsx/esm/api';

register();
await import('./worker.ts');
