import '../support/no-ci.js';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {createIncidentStore} from '../../source/store/store.js';
import {createTheme} from '../../source/ui/theme.js';
import {waitFor} from '../support/wait.js';
import {drawCockpit, type CockpitTerminal} from './cockpit-terminal.js';

/**
 * The cockpit turns bracketed paste on in the terminal while it takes keys, and off when it ends, so
 * that a paste arrives marked and a note keeps its line breaks; read back from the terminal
 * emulator's own mode, as a user's terminal would hold it.
 */
type Ink = typeof import('ink');
let ink: Ink;
beforeAll(async () => {
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	ink = await import('ink');
});
let open: CockpitTerminal | undefined;
afterEach(() => {
	open?.close();
	open = undefined;
});

describe('bracketed paste in the terminal', () => {
	it('is on while the cockpit runs, carries a multi-line paste into a note, and is off after it ends', async () => {
		const store = createIncidentStore();
		open = await drawCockpit(ink, {store, theme: createTheme({color: true}), input: true});
		await open.shown(s => s.some(row => row.includes(' 1 Health ')), 'the cockpit');
		expect(await open.terminal.bracketedPaste()).toBe(true);
		open.type('n');
		await open.shown(s => s.some(row => row.includes('Add a note to the timeline')), 'the note prompt');
		open.type('\u001B[200~line one\rsecond line\u001B[201~');
		open.type('\r');
		await waitFor(() => open!.controller.calls.some(([name]) => name === 'addNote'), {message: 'the note saved'});
		expect(open.controller.calls.find(([name]) => name === 'addNote')![1]).toEqual(['line one\nsecond line']);
		open.unmount();
		expect(await open.terminal.bracketedPaste()).toBe(false);
	});
});
