/**
 * The cockpit drawn by real Ink into a real terminal emulator (virtual-terminal.ts), at a fixed size,
 * with a prefilled store and the theme a given environment chooses: what an operator's terminal
 * shows, cell by cell, colours included.
 */
import {PassThrough} from 'node:stream';
import React from 'react';
import type {IncidentStore} from '../../source/store/store.js';
import type {Theme} from '../../source/ui/theme.js';
import {recordingController, type RecordingController} from '../support/render-cockpit.js';
import {waitFor} from '../support/wait.js';
import {createVirtualTerminal, type VirtualTerminal} from './virtual-terminal.js';

type Ink = typeof import('ink');

export interface CockpitTerminal {
	terminal: VirtualTerminal;
	controller: RecordingController;
	/** With `input`: what the operator's terminal sends (keys, a paste). */
	type(text: string): void;
	/** Waits until a row of the screen satisfies `match`; returns the screen. */
	shown(match: (screen: string[]) => boolean, message: string): Promise<string[]>;
	/** Ends the cockpit, the terminal still there to read. */
	unmount(): void;
	close(): void;
}

/**
 * Ink must be imported after CI is removed from the environment (it decides at import whether to
 * draw): pass the module the test imported in its beforeAll.
 */
export async function drawCockpit(ink: Ink, options: {store: IncidentStore; theme: Theme; columns?: number; rows?: number; input?: boolean}): Promise<CockpitTerminal> {
	const [{App}, {CockpitProvider}] = await Promise.all([import('../../source/ui/app.js'), import('../../source/ui/context.js')]);
	const columns = options.columns ?? 80;
	const rows = options.rows ?? 24;
	const terminal = createVirtualTerminal(columns, rows);
	const controller = recordingController();
	// With `input`, stdin is a TTY the cockpit takes keys from, as from the operator's terminal.
	const stdin = options.input ? Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin}) : terminal.stdin;
	const instance = ink.render(
		<CockpitProvider store={options.store} controller={controller} theme={options.theme}>
			<App inputActive={Boolean(options.input)} />
		</CockpitProvider>,
		{stdout: terminal.stdout, stdin: stdin as unknown as NodeJS.ReadStream, stderr: terminal.stdout, incrementalRendering: true, patchConsole: false, exitOnCtrlC: false, maxFps: 30},
	);
	const shown = async (match: (screen: string[]) => boolean, message: string) => {
		let last: string[] = [];
		await waitFor(
			async () => {
				last = await terminal.screen();
				return match(last);
			},
			{timeoutMs: 5000, message},
		).catch((error: Error) => {
			throw new Error(`${error.message}; the screen:\n${last.join('\n')}`);
		});
		return last;
	};
	return {
		terminal,
		controller,
		type: text => void (stdin as unknown as PassThrough).write(text),
		shown,
		unmount: () => instance.unmount(),
		close() {
			instance.unmount();
			terminal.dispose();
		},
	};
}
