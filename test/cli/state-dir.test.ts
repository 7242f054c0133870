import {chmod, mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliTestTimeoutMs, runCli, tempDir} from './run-cli.js';

/**
 * A first start where the state directory cannot be created or written: the cockpit says which
 * directory, that it is not writable, and how to choose another, before drawing anything.
 * Tests run as root, whom no permission stops: there the cockpit runs as nobody.
 */
const asNobody = process.getuid?.() === 0 ? {uid: 65534, gid: 65534} : {};

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const fn of cleanup) await fn();
	cleanup = [];
});

async function readOnlyHome(): Promise<{dir: string; home: string; config: string}> {
	const {dir, remove} = await tempDir('state-dir');
	cleanup.push(remove);
	// The temp dir is the only place the child (as nobody) may read; its home is read-only.
	await chmod(dir, 0o755);
	const home = path.join(dir, 'home');
	await mkdir(home);
	const config = path.join(dir, 'incident.yaml');
	await writeFile(config, 'title: Read-only state\n');
	await chmod(config, 0o644);
	await chmod(home, 0o555);
	return {dir, home, config};
}

describe('a state directory that cannot be written', {timeout: cliTestTimeoutMs}, () => {
	it('at first start (the XDG default under a read-only home) names the directory, says it is not writable and how to choose another', async () => {
		const {home, config} = await readOnlyHome();
		const result = await runCli(['--config', config], {home, ...asNobody});
		expect(result.code).toBe(1);
		const stateDir = path.join(home, '.local', 'state', 'incident-tui');
		expect(result.stderr).toBe(
			`incident-tui: cannot write the incident journal in ${path.join(stateDir, 'incidents')}: ${home} is not writable (permission denied); choose another state directory with --state-dir DIR or stateDir: in the config\n`,
		);
	});

	it('the same for a --state-dir that exists but is read-only', async () => {
		const {dir, home, config} = await readOnlyHome();
		const readOnly = path.join(dir, 'ro-state');
		await mkdir(readOnly);
		await chmod(readOnly, 0o555);
		const result = await runCli(['--config', config, '--state-dir', readOnly], {home, ...asNobody});
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			`incident-tui: cannot write the incident journal in ${path.join(readOnly, 'incidents')}: ${readOnly} is not writable (permission denied); choose another state directory with --state-dir DIR or stateDir: in the config\n`,
		);
	});
});
