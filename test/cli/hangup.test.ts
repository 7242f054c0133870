/**
 * The terminal going away under a running cockpit: an SSH connection to the bastion drops, or the
 * tmux session is killed. The cockpit runs in a real pseudo-terminal (util-linux `script`), and the
 * test kills `script`, which closes the terminal's master side: the kernel hangs the terminal up
 * and sends SIGHUP. The cockpit must close its journal and exit 129. It used to crash: Ink's unmount
 * wrote to the dead terminal (an uncaught EIO), and node then aborted restoring its settings.
 */
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../support/wait.js';
import {cliPath, cliTestTimeoutMs, repoRoot} from './run-cli.js';

const tsxLoader = pathToFileURL(path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const scriptFound = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0;

/**
 * Runs its command with the terminal it is given and reports how the command ended, in a file. It
 * ignores SIGHUP itself, to outlive the hangup it reports on.
 */
const harness = `
import {spawn} from 'node:child_process';
import {openSync, writeFileSync} from 'node:fs';
const [statusFile, errFile, file, ...args] = process.argv.slice(2);
process.on('SIGHUP', () => {});
const child = spawn(file, args, {stdio: ['inherit', 'inherit', openSync(errFile, 'w')]});
child.on('exit', (code, signal) => writeFileSync(statusFile, JSON.stringify({code, signal})));
`;

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

let home: string | undefined;
afterEach(() => {
	if (home) rmSync(home, {recursive: true, force: true});
	home = undefined;
});

describe('a hangup of the terminal', () => {
	it('needs util-linux script (Debian: bsdutils, always installed)', () => {
		expect(scriptFound, 'script(1) not found on PATH').toBe(true);
	});

	/** Starts `cli.tsx demo` in a pseudo-terminal; `hangUp()` kills `script`, which hangs the terminal up. */
	function startInTerminal() {
		home = mkdtempSync(path.join(tmpdir(), 'incident-tui-hangup-'));
		const harnessFile = path.join(home, 'harness.mjs');
		writeFileSync(harnessFile, harness);
		const statusFile = path.join(home, 'status.json');
		const errFile = path.join(home, 'stderr.txt');
		const state = path.join(home, 'state');
		const command = [process.execPath, harnessFile, statusFile, errFile, process.execPath, '--import', tsxLoader, cliPath, 'demo'].map(quote).join(' ');
		const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: state, XDG_CACHE_HOME: path.join(home, 'cache'), TERM: 'xterm-256color', NO_COLOR: '1'};
		// No CI in the environment: under CI Ink draws nothing until exit, and these tests wait for output.
		const terminal = spawn('script', ['-qfec', `stty cols 150 rows 45; exec ${command}`, '/dev/null'], {cwd: home, env, stdio: ['pipe', 'pipe', 'pipe']});
		let screen = '';
		terminal.stdout.on('data', (chunk: Buffer) => {
			screen += chunk.toString();
		});
		const journalDir = path.join(state, 'incident-tui', 'incidents');
		return {
			screen: () => screen,
			journal: () => {
				const name = existsSync(journalDir) ? readdirSync(journalDir).find(file => file.endsWith('.jsonl')) : undefined;
				return name && path.join(journalDir, name);
			},
			hangUp: () => terminal.kill('SIGKILL'),
			/** How the cockpit ended, once it has. */
			ended: () =>
				waitFor(() => existsSync(statusFile) && (JSON.parse(readFileSync(statusFile, 'utf8')) as {code: number | null; signal: string | null}), {
					timeoutMs: 20_000,
					message: 'the cockpit to exit after the hangup',
				}),
			stderr: () => readFileSync(errFile, 'utf8'),
		};
	}

	it.runIf(scriptFound)(
		'closes the journal and exits 129, without a crash',
		async () => {
			const cockpit = startInTerminal();
			try {
				await waitFor(() => cockpit.screen().includes('Health') && cockpit.screen().includes('Timeline'), {timeoutMs: 30_000, message: 'the cockpit to draw its first frame'});
				const journalFile = await waitFor(cockpit.journal, {timeoutMs: 10_000, message: 'the demo incident journal'});

				cockpit.hangUp();
				const status = await cockpit.ended();
				expect(cockpit.stderr()).not.toMatch(/Unhandled 'error'|EIO|Assertion failed/);
				expect(status).toEqual({code: 129, signal: null});

				// Every line of the journal is whole: it was closed, not cut off.
				const text = readFileSync(journalFile, 'utf8');
				expect(text.endsWith('\n')).toBe(true);
				const events = text.trimEnd().split('\n').map(line => JSON.parse(line) as {type: string});
				expect(events[0]?.type).toBe('incident.opened');
			} finally {
				cockpit.hangUp();
			}
		},
		cliTestTimeoutMs,
	);

	it.runIf(scriptFound)(
		'ends cleanly when it comes while the first frame is drawn',
		async () => {
			// The first bytes the cockpit writes come just before its first frame; the hangup lands
			// somewhere in drawing it, or in the start-up around it. Wherever it lands, no crash: exit
			// 129 once the cockpit watches the terminal, killed by SIGHUP before.
			const cockpit = startInTerminal();
			try {
				await waitFor(() => cockpit.screen().length > 0, {timeoutMs: 30_000, message: 'the cockpit to write anything'});
				cockpit.hangUp();
				const status = await cockpit.ended();
				expect(cockpit.stderr()).not.toMatch(/Unhandled 'error'|EIO|Assertion failed/);
				expect([JSON.stringify({code: 129, signal: null}), JSON.stringify({code: null, signal: 'SIGHUP'})]).toContain(JSON.stringify(status));
			} finally {
				cockpit.hangUp();
			}
		},
		cliTestTimeoutMs,
	);
});
