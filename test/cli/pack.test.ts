/**
 * `npm pack` makes a tarball that installs with `npm install -g ./incident-tui-*.tgz` on a machine
 * with nothing of the clone: it holds the single-file build (every dependency inside it), so the
 * install fetches nothing. Checked by packing the clone, installing into a fresh prefix with an
 * empty npm cache and --offline (any fetch would fail with ENOTCACHED), and running the installed
 * command from the PATH: --version, and the demo with every command it prints.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {gitCommit} from '../../source/cli/build-info.js';
import {followPrintedCommands, runPrinted} from '../support/printed-commands.js';
import {scriptFound} from '../support/terminal-command.js';
import {repoRoot} from './run-cli.js';
import pkg from '../../package.json' with {type: 'json'};

let dir: string;
let tarball: string;
let prefix: string;

function env(): NodeJS.ProcessEnv {
	// The installed bin first on the PATH, as `npm install -g` leaves it; no CI (Ink draws nothing until exit under CI).
	return {
		PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`,
		HOME: path.join(dir, 'home'),
		XDG_STATE_HOME: path.join(dir, 'home', 'state'),
		XDG_CONFIG_HOME: path.join(dir, 'home', 'config'),
		XDG_CACHE_HOME: path.join(dir, 'home', 'cache'),
		TERM: 'xterm-256color',
		NO_COLOR: '1',
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
}

beforeAll(async () => {
	dir = mkdtempSync(path.join(tmpdir(), 'incident-tui-pack-'));
	prefix = path.join(dir, 'prefix');
	// prepack builds dist/incident-tui.mjs first.
	const packed = await execa('npm', ['pack', '--pack-destination', dir], {cwd: repoRoot, reject: false, timeout: 300_000, env: {npm_config_update_notifier: 'false'}});
	expect(packed.exitCode, `${packed.stdout}\n${packed.stderr}`).toBe(0);
	tarball = path.join(dir, `${pkg.name}-${pkg.version}.tgz`);
}, 320_000);
afterAll(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
});

describe('the npm tarball', () => {
	it('holds the bin, the single-file build, the README and a package.json that needs no dependency', async () => {
		const listed = await execa('tar', ['-tzf', tarball]);
		expect(listed.stdout.split('\n').sort()).toEqual(['package/README.md', 'package/bin/incident-tui.js', 'package/dist/incident-tui.mjs', 'package/package.json']);
		await execa('tar', ['-xzf', tarball, '-C', dir, 'package/package.json']);
		const manifest = JSON.parse(await readFile(path.join(dir, 'package', 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(manifest.dependencies).toBeUndefined();
		expect(manifest.bin).toEqual({'incident-tui': 'bin/incident-tui.js'});
		// No install-time script: nothing runs, and nothing can fail, when it is installed.
		const scripts = (manifest.scripts ?? {}) as Record<string, string>;
		for (const hook of ['preinstall', 'install', 'postinstall']) expect(scripts[hook], hook).toBeUndefined();
	});

	it('installs with npm install -g into a fresh prefix offline, with an empty cache, and runs from the PATH', async () => {
		const installed = await execa('npm', ['install', '-g', tarball, '--prefix', prefix, '--cache', path.join(dir, 'npm-cache'), '--offline'], {cwd: dir, env: env(), extendEnv: false, reject: false, timeout: 120_000});
		expect(installed.exitCode, `${installed.stdout}\n${installed.stderr}`).toBe(0);
		expect(installed.stdout).toMatch(/added 1 package/);

		const outside = mkdtempSync(path.join(dir, 'elsewhere-'));
		const version = await runPrinted('incident-tui --version', {cwd: outside, env: env()});
		expect(version.stderr).toBe('');
		expect(version.stdout.trim()).toMatch(new RegExp(`^${pkg.version.replaceAll('.', '\\.')} \\(commit ${gitCommit(repoRoot)!.replace(/-dirty$/, '')}(-dirty)?\\)$`));
		expect(version.code).toBe(0);

		const help = await runPrinted('incident-tui --help', {cwd: outside, env: env()});
		expect(help.stdout).toMatch(/^ {2}check\b/m);
		const completion = await runPrinted('incident-tui completion bash', {cwd: outside, env: env()});
		expect(completion.stdout).toContain('complete -o filenames -F _incident_tui incident-tui');
	}, 180_000);

	it.skipIf(!scriptFound)('the installed demo starts, and every command it prints works, starting with incident-tui', async () => {
		const outside = mkdtempSync(path.join(dir, 'demo-'));
		await followPrintedCommands('incident-tui demo', {cwd: outside, env: env(), invocation: 'incident-tui'});
	}, 240_000);
});
