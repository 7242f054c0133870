#!/usr/bin/env node
// In a clone: runs the TypeScript sources through tsx. Installed from the npm tarball (`npm pack`,
// then `npm install -g ./incident-tui-*.tgz`), which holds no sources and no node_modules: runs
// dist/incident-tui.mjs, the single file `npm run build` makes with every dependency inside it.
import {existsSync} from 'node:fs';

if (existsSync(new URL('../cli.tsx', import.meta.url))) {
	const {register} = await import('tsx/esm/api');
	register();
	await import('../cli.tsx');
} else {
	await import('../dist/incident-tui.mjs');
}
