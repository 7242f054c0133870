import '../support/no-ci.js';
import chalk from 'chalk';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {clusterData} from '../../source/kinds/pods/cluster-data.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {createIncidentStore} from '../../source/store/store.js';
import {themeFromEnv} from '../../source/ui/theme.js';
import {deployment, pod, runbookFixture} from '../support/fixtures.js';
import {drawCockpit, type CockpitTerminal} from './cockpit-terminal.js';

/**
 * Colour off must not mean state off. Each way a terminal can be without (full) colour, NO_COLOR,
 * TERM=dumb (no escapes at all: not even inverse or bold) and a 16-colour terminal over SSH, is drawn
 * by a real terminal emulator at 80×24, and the screen must still tell a crash-looping pod from a
 * healthy one, a done step from an open one, and show which row is selected.
 */

type Ink = typeof import('ink');
let ink: Ink;
const levelBefore = chalk.level;

beforeAll(async () => {
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	ink = await import('ink');
});
afterAll(() => {
	chalk.level = levelBefore;
});

let open: CockpitTerminal | undefined;
afterEach(() => {
	open?.close();
	open = undefined;
});

/** A store with a crash-looping pod selected in the focused Pods pane, and a runbook with one step done. */
function incident() {
	const store = createIncidentStore({env: {context: 'prod', namespace: 'shop'}});
	const pods = [pod('api-1', 'api', {ready: 0, waitingReason: 'CrashLoopBackOff', restarts: 7}), pod('api-2', 'api')];
	store.getState().dataReceived(podsData, clusterData(pods, [deployment('api', {replicas: 2, readyReplicas: 1})]));
	store.getState().runbookLoaded(runbookFixture());
	store.setState(s => ({incident: {...s.incident, checkedSteps: {'confirm-errors': true}}}));
	store.getState().focusChanged('pods');
	store.setState(s => ({ui: {...s.ui, selected: {pods: {index: 1, key: 'p:api-1'}}}}));
	return store;
}

const line = (screen: string[], text: string) => screen.find(row => row.includes(text)) ?? '';

/** Every cell of the screen whose colour is not the terminal's default. */
async function colouredCells(cockpit: CockpitTerminal, screen: string[]): Promise<number> {
	let count = 0;
	for (const [y, row] of screen.entries()) for (let x = 0; x < row.length; x++) if ((await cockpit.terminal.cellAt(y, x)).foreground !== -1) count++;
	return count;
}

const offCases = [
	{name: 'NO_COLOR', env: {TERM: 'xterm-256color', NO_COLOR: '1'}, level: 2 as const},
	{name: 'TERM=dumb', env: {TERM: 'dumb'}, level: 0 as const},
	{name: 'a 16-colour terminal', env: {TERM: 'xterm'}, level: 1 as const},
];

describe('colour off still tells states apart (drawn by a terminal emulator at 80×24)', () => {
	for (const {name, env, level} of offCases) {
		it(`${name}: ✓ ! ✗ stay, an open step has no ✓, the selected row keeps a marker and its symbol`, async () => {
			chalk.level = level;
			const store = incident();
			open = await drawCockpit(ink, {store, theme: themeFromEnv(env, level)});
			const screen = await open.shown(s => s.some(row => row.includes('api-1')) && s.some(row => row.includes('Check the last rollout')), 'the pods and the runbook');
			// The step not done is not marked as fine.
			expect(screen.join('\n')).not.toMatch(/✓ \[ \]/);
			expect(line(screen, 'Check the last rollout')).toContain('[ ] 2.');
			expect(line(screen, 'Confirm the error ratio')).toMatch(/✓ \[x\] 1\./);
			// The healthy pod and the crash-looping one say which is which without colour.
			expect(line(screen, 'api-2')).toMatch(/✓ +api-2/);
			// The crash-looping pod is selected: a marker, and still its ✗.
			expect(line(screen, 'api-1')).toMatch(/^▶✗ +api-1/);
			if (level === 0) expect(await colouredCells(open, screen)).toBe(0);
		});
	}

	it('with 256 colours: colour carries the state and the selected row is drawn inverse', async () => {
		chalk.level = 2;
		const store = incident();
		open = await drawCockpit(ink, {store, theme: themeFromEnv({TERM: 'xterm-256color'}, 2)});
		const screen = await open.shown(s => s.some(row => row.includes('api-1')), 'the pods');
		const y = screen.findIndex(row => row.includes('api-1'));
		expect(screen[y]).toMatch(/^▶ +api-1/);
		expect((await open.terminal.cellAt(y, 5)).inverse).toBe(true);
		const healthy = screen.findIndex(row => row.includes('api-2'));
		const status = screen[healthy]!.indexOf('Running');
		expect((await open.terminal.cellAt(healthy, status)).foreground).toBe(2);
	});
});
