/**
 * A shell command line run in a real pseudo-terminal (util-linux `script`), as an operator types
 * it: `npm start`, `npx incident-tui demo --incident ID`, `node incident-tui.mjs demo`. The screen is
 * read through a terminal emulator (xterm.js); everything written, escapes removed, through output().
 * test/support/cli-terminal.ts does the same for cli.tsx with a fresh home; this one runs any
 * command line, in a directory and environment of the test's choosing.
 */
import {spawn, spawnSync} from 'node:child_process';
import xterm from '@xterm/headless';
import {waitFor} from './wait.js';

export const scriptFound = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0;

export interface CommandTerminal {
	/** What the terminal shows now, row by row. */
	screen(): Promise<string>;
	/** Everything written so far, escapes and carriage returns removed. */
	output(): string;
	type(keys: string): void;
	/** Waits until the screen shows `text`. */
	shown(text: string | RegExp, message?: string): Promise<string>;
	/** Resolves with the command's exit code once it has ended. */
	exited: Promise<number | null>;
	/** Ends the command if it still runs (the terminal is hung up) and waits for it. */
	close(): Promise<void>;
}

export function runInTerminal(commandLine: string, options: {cwd: string; env: NodeJS.ProcessEnv; cols?: number; rows?: number; timeoutMs?: number}): CommandTerminal {
	const cols = options.cols ?? 160;
	const rows = options.rows ?? 48;
	const timeoutMs = options.timeoutMs ?? 60_000;
	const child = spawn('script', ['-qfec', `stty cols ${cols} rows ${rows}; exec ${commandLine}`, '/dev/null'], {cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe']});
	let raw = '';
	let ended = false;
	const emulator = new xterm.Terminal({cols, rows, allowProposedApi: true, scrollback: 0});
	child.stdout.on('data', (chunk: Buffer) => {
		raw += chunk.toString();
		emulator.write(new Uint8Array(chunk));
	});
	child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString()));
	const exited = new Promise<number | null>(resolve => child.once('exit', code => ((ended = true), resolve(code))));
	const screen = async (): Promise<string> => {
		await new Promise<void>(resolve => emulator.write('', resolve));
		const buffer = emulator.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < emulator.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return lines.join('\n');
	};
	const output = () => raw.replace(/\u001B\[[0-9;?]*[A-Za-z]|\u001B\][^\u0007]*\u0007|\u001B[()][A-Z0-9]|\u001B[=>]/g, '').replaceAll('\r', '');
	return {
		screen,
		output,
		type: keys => child.stdin.write(keys),
		async shown(text, message) {
			let last = '';
			await waitFor(
				async () => {
					last = await screen();
					if (typeof text === 'string' ? last.includes(text) : text.test(last)) return true;
					if (ended) throw new Error(`\`${commandLine}\` ended:\n${output().slice(-2000)}`);
					return false;
				},
				{timeoutMs, message: message ?? `\`${commandLine}\` to show ${String(text)}`},
			).catch((error: Error) => {
				throw new Error(`${error.message}; the screen:\n${last}`);
			});
			return last;
		},
		exited,
		async close() {
			if (!ended) {
				child.kill('SIGTERM');
				const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
				await exited;
				clearTimeout(timer);
			}
			emulator.dispose();
		},
	};
}
