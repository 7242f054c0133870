#!/usr/bin/env node
// Runs the TypeScript sources through tsx. `npm run build` makes dist/incident-tui.mjs, a single
// file that runs with plain node and no node_modules (for copying onto a bastion host).
import {register} from 'tsx/esm/api';

register();
await import('../cli.tsx');
