/**
 * The real cockpit (cli.tsx, as `incident-tui` runs it) in a real pseudo-terminal (util-linux
 * `script`), driven by key presses, as an operator drives it. What it does is read from its journal
 * and from what it wrote to the terminal; what it sent, from the servers the test started.
 */
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import xterm from '@xterm/headless';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {cliPath, repoRoot} from '../cli/run-cli.js';
import {waitFor} from './wait.js';

const tsxLoader = pathToFileURL(path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
export const scriptFound = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0;

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export interface CliTerminal {
	home: string;
	/** Everything the cockpit wrote to the terminal, escapes removed (Ink rewrites changed lines only, from where they change). */
	output(): string;
	/** What the terminal shows now, row by row (a real terminal emulator, xterm.js, reads the bytes). */
	screen(): Promise<string>;
	/**
	 * Types into the terminal. Keys written together may reach the cockpit as one chunk, which Ink
	 * takes as pasted text: wait for each key's effect before the next.
	 */
	type(keys: string): void;
	/** The journal's events so far. */
	events(): AnyTimelineEvent[];
	/** Waits until the journal holds an event that `match` accepts; returns it. */
	event(match: (event: AnyTimelineEvent) => boolean, message: string): Promise<AnyTimelineEvent>;
	/** Waits until the screen shows `text`. */
	shown(text: string | RegExp, message?: string): Promise<void>;
	/**
	 * Adds a note through the keys and waits for it in the journal: every key typed before it has
	 * been handled by then (keys are handled in order).
	 */
	barrier(text: string): Promise<void>;
	close(): Promise<void>;
}

/** Starts `incident-tui ARGS` in a 160x48 terminal, in a fresh HOME (its cwd, holding `files`) with its own state directory. */
export function startCli(args: string[], options: {env?: NodeJS.ProcessEnv; files?: Record<string, string>} = {}): CliTerminal {
	const home = mkdtempSync(path.join(tmpdir(), 'incident-tui-cli-'));
	for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(path.join(home, name), text);
	const state = path.join(home, 'state');
	const command = [process.execPath, '--import', tsxLoader, cliPath, ...args].map(quote).join(' ');
	// No CI in the environment: under CI Ink draws nothing until exit.
	const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: state, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache'), TERM: 'xterm-256color', NO_COLOR: '1', ...options.env};
	const terminal = spawn('script', ['-qfec', `stty cols 160 rows 48; exec ${command}`, '/dev/null'], {cwd: home, env, stdio: ['pipe', 'pipe', 'pipe']});
	let raw = '';
	const emulator = new xterm.Terminal({cols: 160, rows: 48, allowProposedApi: true, scrollback: 0});
	terminal.stdout.on('data', (chunk: Buffer) => {
		raw += chunk.toString();
		emulator.write(new Uint8Array(chunk));
	});
	const screen = async (): Promise<string> => {
		await new Promise<void>(resolve => emulator.write('', resolve));
		const buffer = emulator.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < emulator.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return lines.join('\n');
	};
	let exited = false;
	const exit = new Promise<void>(resolve => terminal.once('exit', () => ((exited = true), resolve())));
	const journalDir = path.join(state, 'incident-tui', 'incidents');
	const plain = () => raw.replace(/\u001B\[[0-9;?]*[A-Za-z]|\u001B\][^\u0007]*\u0007|\u001B[()][A-Z0-9]|\u001B[=>]/g, '');
	const events = (): AnyTimelineEvent[] => {
		const name = existsSync(journalDir) ? readdirSync(journalDir).find(file => file.endsWith('.jsonl')) : undefined;
		if (!name) return [];
		return readFileSync(path.join(journalDir, name), 'utf8')
			.split('\n')
			.filter(line => line.trim())
			.flatMap(line => {
				try {
					return [JSON.parse(line) as AnyTimelineEvent];
				} catch {
					return [];
				}
			});
	};
	const cli: CliTerminal = {
		home,
		output: plain,
		screen,
		type(keys) {
			terminal.stdin.write(keys);
		},
		events,
		event: (match, message) =>
			waitFor(
				() => {
					if (exited) throw new Error(`the cockpit exited:\n${plain().slice(-2000)}`);
					return events().find(match);
				},
				{timeoutMs: 30_000, message},
			),
		async shown(text, message) {
			await waitFor(
				async () => {
					if (exited) throw new Error(`the cockpit exited:\n${plain().slice(-2000)}`);
					const now = await screen();
					return typeof text === 'string' ? now.includes(text) : text.test(now);
				},
				{timeoutMs: 30_000, message: message ?? `the screen to show ${String(text)}`},
			).catch(async (error: Error) => {
				throw new Error(`${error.message}; the screen:\n${await screen()}`);
			});
		},
		async barrier(text) {
			cli.type('n');
			// Typed only once the prompt is drawn: before, its letters would be keys of the cockpit.
			await cli.shown('Add a note to the timeline', 'the note prompt');
			// Each key in a write of its own once the last one shows: a terminal's read can join keys typed
			// together, and Ink takes such a chunk as pasted text ("x\r" is not x then enter).
			cli.type(text);
			await cli.shown(text, 'the note typed');
			cli.type('\r');
			await cli.event(e => e.type === 'note.added' && (e.data as {text: string}).text === text, `note "${text}" in the journal`);
		},
		async close() {
			if (!exited) {
				terminal.stdin.write('\u0003');
				const timer = setTimeout(() => terminal.kill('SIGKILL'), 10_000);
				await exit;
				clearTimeout(timer);
			}
			emulator.dispose();
			rmSync(home, {recursive: true, force: true});
		},
	};
	return cli;
}
