import {execFile, spawn} from 'node:child_process';
import {copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {waitFor} from '../support/wait.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {followPrintedCommands, openAndQuit, runPrinted} from '../support/printed-commands.js';
import {scriptFound} from '../support/terminal-command.js';
import {gitCommit} from '../../source/cli/build-info.js';
// @ts-expect-error -- a JavaScript module without types
import {buildCommit} from '../../scripts/build.mjs';

/**
 * The single-file build: `node scripts/build.mjs` makes one .mjs that runs from a directory with no
 * node_modules anywhere above it, with the built-in runbooks embedded and the Kubernetes client
 * (embedded separately, loaded by import()) working against a Kubernetes wire-format server.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string}).version;

let buildDir: string;
let aloneDir: string;
let bundle: string;

/** A clean environment (no kubeconfig, no CI) in the bundle's lonely directory, plus `extra`. */
function aloneEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {PATH: process.env.PATH, HOME: aloneDir, XDG_STATE_HOME: path.join(aloneDir, 'state'), NO_COLOR: '1', ...extra};
}

/** Runs the bundle from its lonely directory with a clean environment. */
async function cockpit(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	const env = aloneEnv();
	try {
		const {stdout, stderr} = await run(process.execPath, [bundle, ...args], {cwd: aloneDir, env, timeout: 60_000});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failed = error as {code?: number; stdout?: string; stderr?: string};
		return {code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error)};
	}
}

beforeAll(async () => {
	buildDir = mkdtempSync(path.join(tmpdir(), 'incident-tui-build-'));
	aloneDir = mkdtempSync(path.join(tmpdir(), 'incident-tui-alone-'));
	const built = path.join(buildDir, 'incident-tui.mjs');
	await run(process.execPath, [path.join(root, 'scripts/build.mjs'), '--outfile', built], {cwd: root, timeout: 170_000});
	bundle = path.join(aloneDir, 'incident-tui.mjs');
	copyFileSync(built, bundle);
}, 180_000);

afterAll(() => {
	for (const dir of [buildDir, aloneDir]) if (dir) rmSync(dir, {recursive: true, force: true});
});

describe('dist/incident-tui.mjs, copied alone', () => {
	it('is a node script with a shebang, away from any node_modules', () => {
		const text = readFileSync(bundle, 'utf8');
		expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
		let dir = aloneDir;
		for (;;) {
			expect(existsSync(path.join(dir, 'node_modules')), `${dir}/node_modules must not exist for this test`).toBe(false);
			const parent = path.dirname(dir);
			if (parent === dir) break;
			dir = parent;
		}
		expect(statSync(bundle).mode & 0o111).not.toBe(0);
		// The React reconciler's development build (~40 MB more RSS, more CPU) must not be in the file:
		// without NODE_ENV defined as "production" esbuild would bundle both builds, and this warning with them.
		expect(text).not.toContain('Each child in a list should have a unique');
		// One character outside ASCII (e.g. in a regular expression, which esbuild does not escape)
		// makes V8 hold the whole 1.7 MB source two bytes per character, for the life of the process.
		const outside = [...text.matchAll(/[^\x00-\x7F]/g)].map(m => JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 10)));
		expect(outside, 'non-ASCII characters in the bundle').toEqual([]);
	});

	it('prints its version and the commit it was built from', async () => {
		const result = await cockpit(['--version']);
		expect(result, result.stderr).toMatchObject({code: 0});
		const commit = gitCommit(root);
		expect(commit, 'the tests run in a git checkout').toMatch(/^[0-9a-f]{12}(-dirty)?$/);
		expect(result.stdout).toBe(`${version} (commit ${commit})\n`);
		// Built outside a git checkout (an unpacked source tarball), the commit is unknown.
		const notACheckout = mkdtempSync(path.join(tmpdir(), 'incident-tui-no-git-'));
		try {
			expect(buildCommit(notACheckout)).toBe('unknown');
		} finally {
			rmSync(notACheckout, {recursive: true, force: true});
		}
	});

	it('writes the post-mortem draft with `export ID -o file.md`, as printed at quit (it crashed: "A dynamic import callback was not specified.")', async () => {
		const {id} = await openAndQuit(`node ${bundle} demo`, {cwd: aloneDir, env: aloneEnv({TERM: 'xterm-256color'})});
		const draft = path.join(aloneDir, 'draft.md');
		const result = await cockpit(['export', id, '-o', draft]);
		expect(result, result.stderr).toMatchObject({code: 0});
		expect(result.stderr).toBe(`wrote ${draft}\n`);
		expect(readFileSync(draft, 'utf8')).toContain(id);
	}, 120_000);

	describe('every command it prints works where it is printed', () => {
		it('needs util-linux script (Debian: bsdutils)', () => {
			expect(scriptFound, 'script(1) not found on PATH').toBe(true);
		});

		it('started as `node incident-tui.mjs` in its directory: the commands start the same way', async () => {
			const state = mkdtempSync(path.join(aloneDir, 'state-'));
			await followPrintedCommands('node incident-tui.mjs demo', {cwd: aloneDir, env: aloneEnv({TERM: 'xterm-256color', XDG_STATE_HOME: state}), invocation: 'node incident-tui.mjs'});
		}, 240_000);

		it('started from another directory: the commands name the file by its full path', async () => {
			const elsewhere = mkdtempSync(path.join(tmpdir(), 'incident-tui-elsewhere-'));
			try {
				await followPrintedCommands(`node ${bundle} demo`, {cwd: elsewhere, env: aloneEnv({TERM: 'xterm-256color', XDG_STATE_HOME: path.join(elsewhere, 'state')}), invocation: `node ${bundle}`});
			} finally {
				rmSync(elsewhere, {recursive: true, force: true});
			}
		}, 240_000);

		it('on the PATH as incident-tui (a link to the file): the commands are plain incident-tui', async () => {
			const bin = mkdtempSync(path.join(tmpdir(), 'incident-tui-bin-'));
			const work = mkdtempSync(path.join(tmpdir(), 'incident-tui-work-'));
			try {
				symlinkSync(bundle, path.join(bin, 'incident-tui'));
				const env = aloneEnv({TERM: 'xterm-256color', PATH: `${bin}${path.delimiter}${process.env.PATH}`, XDG_STATE_HOME: path.join(work, 'state')});
				await followPrintedCommands('incident-tui demo', {cwd: work, env, invocation: 'incident-tui'});
				// A --state-dir given is repeated, so the commands find the journal.
				const custom = path.join(work, 'my journals');
				const quit = await openAndQuit(`incident-tui demo --state-dir '${custom}'`, {cwd: work, env});
				expect(quit.resume).toBe(`incident-tui demo --incident ${quit.id} --state-dir '${custom}'`);
				const exported = await runPrinted(quit.export, {cwd: work, env});
				expect(exported, exported.stderr).toMatchObject({code: 0});
			} finally {
				for (const dir of [bin, work]) rmSync(dir, {recursive: true, force: true});
			}
		}, 300_000);
	});

	it('carries the built-in runbooks', async () => {
		const result = await cockpit(['runbook', 'inspect', 'bad-deploy']);
		expect(result.code, result.stderr).toBe(0);
		const inspected = JSON.parse(result.stdout) as {title?: string; steps?: unknown[]};
		expect(inspected.title).toBeTruthy();
	});

	it('lints a runbook file', async () => {
		const file = path.join(aloneDir, 'high-error-rate.yaml');
		copyFileSync(path.join(root, 'runbooks/high-error-rate.yaml'), file);
		const good = await cockpit(['runbook', 'lint', file]);
		expect(good.code, good.stdout + good.stderr).toBe(0);
		const broken = path.join(aloneDir, 'broken.yaml');
		writeFileSync(broken, 'title: [unclosed\n');
		const bad = await cockpit(['runbook', 'lint', broken]);
		expect(bad.code).toBe(1);
		expect(bad.stdout).toContain('broken.yaml');
	});

	it('parses a runbook file in its embedded worker thread, and refuses one past the limits with its line', async () => {
		const file = path.join(aloneDir, 'named.md');
		writeFileSync(file, '---\nid: named\n---\n# Named\n\n1. Check the pods\n   ```bash\n   kubectl get pods\n   ```\n');
		const good = await cockpit(['runbook', 'inspect', file]);
		expect(good.code, good.stderr).toBe(0);
		expect(JSON.parse(good.stdout)).toMatchObject({title: 'Named', steps: [{title: 'Check the pods', commands: ['kubectl get pods']}]});
		const deep = path.join(aloneDir, 'deep.md');
		writeFileSync(deep, `# Deep\n\n${'>'.repeat(5000)} a\n`);
		const bad = await cockpit(['runbook', 'inspect', deep]);
		expect(bad.code).not.toBe(0);
		expect(bad.stderr).toBe(`incident-tui: ${deep}:3: quotes and lists nested more than 16 levels deep on this line\n`);
	});

	describe('its V8 code cache', () => {
		/**
		 * Starts the demo cockpit (stdin and stdout pipes: view only) with the code cache verbose,
		 * waits until stderr or stdout shows `until`, then stops it. Returns what the cache said.
		 */
		async function demo(cacheHome: string, until: RegExp, extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
			const env = aloneEnv({XDG_CACHE_HOME: cacheHome, INCIDENT_TUI_CODE_CACHE: 'verbose', ...extraEnv});
			const child = spawn(process.execPath, [bundle, 'demo'], {cwd: aloneDir, env, stdio: ['pipe', 'pipe', 'pipe']});
			let stderr = '';
			let stdout = '';
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			const exited = new Promise(resolve => child.once('exit', resolve));
			try {
				await waitFor(() => until.test(stderr) || until.test(stdout), {timeoutMs: 60_000, message: `output matching ${until} (stderr: ${stderr})`});
			} finally {
				child.kill('SIGTERM');
				await exited;
			}
			return stderr.split('\n').filter(line => line.startsWith('incident-tui: code cache')).join('\n');
		}
		const cacheFiles = (cacheHome: string) => {
			const dir = path.join(cacheHome, 'incident-tui');
			return existsSync(dir) ? readdirSync(dir).map(name => path.join(dir, name)) : [];
		};

		it('is written after the first start\'s first frame and used by the next start', async () => {
			const cacheHome = mkdtempSync(path.join(tmpdir(), 'incident-tui-cache-'));
			try {
				expect(await demo(cacheHome, /code cache saved/)).toMatch(/code cache none: .*\n.*code cache saved: /);
				const [file, ...others] = cacheFiles(cacheHome);
				expect(others).toEqual([]);
				expect(path.basename(file!)).toMatch(new RegExp(`^[0-9a-f]{16}-${process.version}-${process.arch}\\.v8cache$`));
				const written = statSync(file!).mtimeMs;
				expect(await demo(cacheHome, /code cache used/)).toBe(`incident-tui: code cache used: ${file}`);
				// A cache that was used is not written again.
				expect(statSync(file!).mtimeMs).toBe(written);
				// Every command uses it, not only the cockpit.
				const printed = await run(process.execPath, [bundle, '--version'], {env: aloneEnv({XDG_CACHE_HOME: cacheHome, INCIDENT_TUI_CODE_CACHE: 'verbose'})});
				expect(printed.stdout.startsWith(`${version} (commit `)).toBe(true);
				expect(printed.stderr).toContain('code cache used');
			} finally {
				rmSync(cacheHome, {recursive: true, force: true});
			}
		}, 150_000);

		it('replaces a cache V8 refuses, runs on when it cannot write one, and does nothing when turned off', async () => {
			const cacheHome = mkdtempSync(path.join(tmpdir(), 'incident-tui-cache-'));
			try {
				await demo(cacheHome, /code cache saved/);
				const [file] = cacheFiles(cacheHome);
				writeFileSync(file!, 'not a code cache');
				expect(await demo(cacheHome, /code cache saved/)).toMatch(/code cache rejected: .*\n.*code cache saved: /);
				expect(readFileSync(file!, 'latin1')).not.toBe('not a code cache');

				// A cache directory that cannot be made (its parent is a file): the cockpit runs on.
				const notADirectory = path.join(cacheHome, 'a-file');
				writeFileSync(notADirectory, '');
				// (Pods are listed after the save: seeing one proves the cockpit went on.)
				expect(await demo(notADirectory, /Running/)).toMatch(/code cache none: .*\n.*code cache not saved: ENOTDIR/);

				const offHome = mkdtempSync(path.join(tmpdir(), 'incident-tui-cache-off-'));
				try {
					// Off: no cache is read or written; the cockpit still starts and draws its first frame.
					expect(await demo(offHome, /1 Health/, {INCIDENT_TUI_CODE_CACHE: 'off'})).toBe('');
					expect(cacheFiles(offHome)).toEqual([]);
				} finally {
					rmSync(offHome, {recursive: true, force: true});
				}
			} finally {
				rmSync(cacheHome, {recursive: true, force: true});
			}
		}, 150_000);
	});

	describe('with a Kubernetes API server', () => {
		let kube: FakeKubeServer;
		beforeAll(async () => {
			kube = await startFakeKubeServer({namespace: 'shop'});
			kube.seed({deployments: 3, podsPerDeployment: 2});
		});
		afterAll(async () => kube?.close());

		it('loads the embedded Kubernetes client and lists deployments', async () => {
			const config = path.join(aloneDir, 'incident.yaml');
			writeFileSync(config, `kubernetes:\n  kubeconfig: ${JSON.stringify(kube.kubeconfigPath)}\n  namespace: shop\n`);
			const result = await cockpit(['status', '--json', '--config', config, '--timeout', '20000']);
			const report = JSON.parse(result.stdout) as {deployments: Array<{name: string}>; errors: unknown[]};
			expect(report.errors).toEqual([]);
			expect(report.deployments.map(d => d.name).sort()).toEqual(['d-000', 'd-001', 'd-002']);
			expect(kube.requests.some(r => r.path.includes('/deployments'))).toBe(true);
		});
	});
});
