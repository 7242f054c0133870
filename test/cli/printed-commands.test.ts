/**
 * After the README's quick start (`npm ci && npm start` in a clone), every command the cockpit
 * prints works where it is printed: the quit dialog and the exit give one resume command, and it,
 * the export and the commands errors suggest all run. `incident-tui` is not on the PATH after the
 * quick start, so inside the clone they start with `npx incident-tui`, and outside it with the
 * clone's bin through node. (The single-file build's are run in test/render/bundle.test.ts.)
 */
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {findOnPath} from '../../source/cli/invocation.js';
import {followPrintedCommands} from '../support/printed-commands.js';
import {scriptFound} from '../support/terminal-command.js';
import {repoRoot} from './run-cli.js';

let home: string;
/** A directory inside the clone (.state/ is ignored by git), where the operator's shell is. */
let inClone: string;

function env(): NodeJS.ProcessEnv {
	// No CI: under CI Ink draws nothing until exit. No npm notices about npm itself.
	return {
		PATH: process.env.PATH,
		HOME: home,
		XDG_STATE_HOME: path.join(home, 'state'),
		XDG_CONFIG_HOME: path.join(home, 'config'),
		XDG_CACHE_HOME: path.join(home, 'cache'),
		TERM: 'xterm-256color',
		NO_COLOR: '1',
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
	};
}

// Each test its own home: an incident the previous test left open would be offered for resuming
// (one launch, one incident) instead of opening the cockpit.
beforeEach(() => {
	if (home) rmSync(home, {recursive: true, force: true});
	home = mkdtempSync(path.join(tmpdir(), 'incident-tui-printed-'));
});
beforeAll(() => {
	mkdirSync(path.join(repoRoot, '.state'), {recursive: true});
	inClone = mkdtempSync(path.join(repoRoot, '.state', 'printed-'));
});
afterAll(() => {
	for (const dir of [home, inClone]) if (dir) rmSync(dir, {recursive: true, force: true});
});

describe('commands printed by the cockpit run from a clone', () => {
	it('needs util-linux script (Debian: bsdutils) and no incident-tui on the PATH', () => {
		expect(scriptFound, 'script(1) not found on PATH').toBe(true);
		// The quick start puts nothing on the PATH; a linked copy would make this test prove less.
		expect(findOnPath('incident-tui'), 'an incident-tui on the PATH').toBeUndefined();
	});

	it('after `npm start` inside the clone, each printed command works there, starting with npx incident-tui', async () => {
		await followPrintedCommands('npm start', {cwd: inClone, env: env(), invocation: 'npx incident-tui'});
	}, 240_000);

	it('run from outside the clone, each printed command works there, starting with the clone\'s bin through node', async () => {
		const outside = mkdtempSync(path.join(home, 'elsewhere-'));
		const bin = path.join(repoRoot, 'bin', 'incident-tui.js');
		await followPrintedCommands(`node ${bin} demo`, {cwd: outside, env: env(), invocation: `node ${bin}`});
	}, 240_000);
});
