import '../support/no-ci.js';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {clusterData} from '../../source/kinds/pods/cluster-data.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {createIncidentStore} from '../../source/store/store.js';
import {themeFromEnv} from '../../source/ui/theme.js';
import {fullState, deployment, pod} from '../support/fixtures.js';
import {renderCockpit} from '../support/render-cockpit.js';
import {helpLines} from '../../source/ui/kind-keys.js';
import {drawCockpit, type CockpitTerminal} from './cockpit-terminal.js';
import {healthData} from '../../source/kinds/health/data.js';
import {metricsData} from '../../source/kinds/metrics/data.js';

/**
 * The Pods pane read at 80×24, as a responder over SSH sees it: column headers, the pods in trouble
 * above the fold (a deployment sorted by name came first with its healthy pods), and a deployment
 * whose pods crash-loop says so before it says it is rolling.
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

/** Three deployments: two healthy ones around `api`, whose new revision crash-loops in two of its four pods. */
function shop() {
	const healthy = (name: string) => Array.from({length: 4}, (_, i) => pod(`${name}-6c9d-${i}${i}${i}${i}${i}`, name));
	const pods = [
		...healthy('alpha'),
		pod('api-7f8b-aaaaa', 'api'),
		pod('api-7f8b-bbbbb', 'api', {ready: 0, waitingReason: 'CrashLoopBackOff', restarts: 21, lastTerminationReason: 'OOMKilled'}),
		pod('api-7f8b-ccccc', 'api'),
		pod('api-7f8b-ddddd', 'api', {ready: 0, waitingReason: 'CrashLoopBackOff', restarts: 19, lastTerminationReason: 'OOMKilled'}),
		...healthy('web'),
	];
	const deployments = [deployment('alpha'), deployment('api', {revision: 4, readyReplicas: 2, rolloutComplete: false}), deployment('web')];
	const store = createIncidentStore({env: {context: 'prod', namespace: 'shop'}});
	const state = fullState();
	store.getState().dataReceived(healthData, state.health);
	store.getState().dataReceived(metricsData, state.metrics);
	store.getState().dataReceived(podsData, clusterData(pods, deployments));
	store.getState().runbookLoaded(state.runbook);
	store.getState().eventsAppended(state.timeline);
	return store;
}

describe('the Pods pane at 80×24', () => {
	it('has column headers, shows the crash-looping pods first, and says "2 crash-looping" before "rolling"', async () => {
		open = await drawCockpit(ink, {store: shop(), theme: themeFromEnv({TERM: 'xterm-256color'}, 2)});
		const screen = await open.shown(s => s.some(row => row.includes(' Pods ')), 'the Pods pane');
		const top = screen.findIndex(row => row.includes(' Pods '));
		const next = screen.findIndex(row => row.includes(' 4 Runbook '));
		const pane = screen.slice(top, next).join('\n');
		expect(pane).toMatch(/NAME +READY +STATUS +RESTARTS/);
		expect(pane).toContain('api-7f8b-bbbbb');
		expect(pane).toContain('api-7f8b-ddddd');
		const api = screen.find(row => /▾ api\b/.test(row))!;
		expect(api).toMatch(/2 crash-looping.*rolling 4\/4 updated/);
		// The deployment in trouble leads the pane; its crash-looping pods lead it.
		const order = screen.map(row => /▾ (\w+)|(api-7f8b-\w+)/.exec(row)).filter(Boolean).map(m => m![1] ?? m![2]);
		expect(order.slice(0, 3)).toEqual(['api', 'api-7f8b-bbbbb', 'api-7f8b-ddddd']);
	});

	it('o sorts by name instead (a key in the keymap, with its help line), and back', async () => {
		const ui = await renderCockpit({width: 80, height: 24, store: shop()});
		await ui.press('3');
		await ui.waitForFrame(f => f.includes('problems first'), 'the sort named in the title');
		await ui.press('o');
		await ui.waitForFrame(f => f.includes('by name'), 'sorted by name');
		const rows = ui.frame().split('\n').map(row => /▾ (\w+)/.exec(row)?.[1]).filter(Boolean);
		expect(rows[0]).toBe('alpha');
		await ui.press('o');
		await ui.waitForFrame(f => f.includes('problems first'), 'problems first again');
		// The help overlay and the footer are generated from the same keymap.
		expect(helpLines(false)).toContainEqual(expect.objectContaining({label: 'o', help: expect.stringMatching(/^Sort the pods: problems first/)}));
		expect(ui.frame().split('\n').at(-1)).toContain('o sort');
	});
});
