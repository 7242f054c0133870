import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';
import {createIncidentStore} from '../../source/store/store.js';
import {commandChoice} from '../../source/store/types.js';
import type {ActionParams, ActionRequest} from '../../source/actions/types.js';
import {fullState, clusterFixture, pod, timelineEvent, timelineFixture} from '../support/fixtures.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {helpLines} from '../../source/ui/help-overlay.js';
import {wrapLines} from '../../source/ui/dialogs/details-dialog.js';
import {focusedKind, rowsFor} from '../../source/kinds/panes.js';
import {kindById, kinds} from '../../source/kinds/registry.js';
import {keys, recordingController, renderCockpit} from '../support/render-cockpit.js';
import {alertsData} from '../../source/kinds/alerts/data.js';
import {applyClusterChanges, clusterData} from '../../source/kinds/pods/cluster-data.js';
import {healthData} from '../../source/kinds/health/data.js';
import {metricsData} from '../../source/kinds/metrics/data.js';
import {podsData} from '../../source/kinds/pods/data.js';

/** What a key asked the controller for (requestAction): the action, and the deployment of the row it acts on. */
const asked = (args: unknown[] | undefined) => [args?.[0], (args?.[1] as {deployment?: string} | undefined)?.deployment];

/** `byName`: the Pods pane ordered by name, as kubectl lists pods (its default is problems first). */
function prefilled(options: {readonly?: boolean; production?: boolean; byName?: boolean} = {}) {
	const store = createIncidentStore({incidentId: 'inc-20261122-0300-test', env: {context: 'prod-eu', namespace: 'shop', readonly: options.readonly ?? false, production: options.production ?? false}});
	const state = fullState();
	store.getState().dataReceived(healthData, state.health);
	store.getState().dataReceived(metricsData, state.metrics);
	store.getState().dataReceived(podsData, clusterData(state.cluster.pods, state.cluster.deployments));
	store.getState().runbookLoaded(state.runbook);
	store.getState().eventsAppended(state.timeline);
	if (options.byName) store.getState().sortChanged('pods', 'name');
	return store;
}

let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const fn of cleanup) fn();
	cleanup = [];
});

async function open(options: Parameters<typeof renderCockpit>[0] & {readonly?: boolean; production?: boolean; byName?: boolean} = {}) {
	const ui = await renderCockpit({store: prefilled(options), ...options});
	cleanup.push(() => ui.unmount());
	return ui;
}

/** The text inside a dialog's border, its lines joined by single spaces. */
function dialogText(frame: string): string {
	return frame
		.split('\n')
		.filter(line => line.includes('│'))
		.map(line => line.slice(line.indexOf('│') + 1, line.lastIndexOf('│')).trim())
		.join(' ')
		.replace(/\s+/g, ' ');
}

function rowOf(frame: string, text: string): string {
	return frame.split('\n').find(line => line.includes(text)) ?? '';
}

describe('cockpit panes', () => {
	it('says the terminal is too small instead of drawing a frame that cannot fit, and draws the panes from the minimum up', async () => {
		const narrow = await open({width: 30, height: 20});
		// Wrapped to the 30 columns there are.
		expect(narrow.frame().split('\n').map(line => line.trim()).join(' ')).toBe('incident-tui needs 40×11; this terminal is 30×21');
		const short = await open({width: 100, height: 8});
		expect(short.frame()).toContain('needs 40×11; this terminal is 100×9');
		const smallest = await open({width: 40, height: 10});
		for (const title of ['1 Health', '2 Metrics', '3 Pods', '4 Runbook', '5 Timeline']) expect(smallest.frame()).toContain(title);
	});

	it('shows five numbered, titled panes, the header and the footer', async () => {
		const ui = await open({width: 100, height: 40});
		const frame = ui.frame();
		for (const title of ['1 Health', '2 Metrics', '3 Pods', '4 Runbook', '5 Timeline']) expect(frame).toContain(title);
		expect(frame).toContain('SEV2');
		expect(frame).toContain('Checkout 5xx after deploy');
		expect(frame).toContain('investigating');
		expect(frame).toContain('prod-eu/shop');
		expect(frame).toMatch(/\? help/);
	});

	it('counts the timeline rows, shows a pin as the ★ on its row, not a row of its own, and says its times are UTC', async () => {
		const store = prefilled();
		const note = store.getState().timeline.find(e => e.type === 'note.added')!;
		store.getState().eventsAppended([
			timelineEvent('command.output', {actionId: 'a1', stream: 'stdout', text: 'ok'}, '2026-11-22T03:06:00.000Z'),
			timelineEvent('event.pinned', {eventId: note.id, pinned: true}, '2026-11-22T03:07:00.000Z'),
		]);
		const ui = await renderCockpit({store, width: 100, height: 40});
		cleanup.push(() => ui.unmount());
		expect(ui.frame()).toContain('5 Timeline  3 events · UTC');
		expect(ui.frame()).toMatch(/★03:05:00 .*Note: paging payments team/);
		expect(ui.frame()).not.toContain('Pinned event');
	});

	it('names the others who wrote to the incident in the last 15 minutes in the header', async () => {
		const store = createIncidentStore({incidentId: 'inc-20261122-0300-test', env: {context: 'prod-eu', namespace: 'shop', author: 'alice@bastion-1'}});
		store.getState().eventsAppended(timelineFixture());
		const ui = await renderCockpit({store, width: 150, height: 40});
		cleanup.push(() => ui.unmount());
		expect(ui.frame().split('\n')[0]).not.toContain(' with ');
		store.getState().eventsAppended([{...timelineEvent('note.added', {text: 'I have the rollback'}, new Date().toISOString()), by: 'bob@bastion-2'} as AnyTimelineEvent]);
		await ui.waitForFrame(f => f.split('\n')[0]!.includes('with bob@bastion-2'), 'bob in the header');
	});

	it('renders health with per-dependency sub-rows', async () => {
		const ui = await open({width: 100, height: 40});
		expect(rowOf(ui.frame(), 'checkout ')).toMatch(/503/);
		expect(ui.frame()).toMatch(/└ payments\s+1\.2 s\s+degraded/);
		expect(ui.frame()).toContain('1/2 down');
	});

	it('renders metrics with unit, sparkline and thresholds', async () => {
		const ui = await open({width: 100, height: 40});
		const row = rowOf(ui.frame(), '5xx ratio');
		expect(row).toContain('12.4%');
		expect(row).toMatch(/[▁▂▃▄▅▆▇█]{3,}/);
		expect(row).toContain('warn≥1%');
		expect(row).toContain('crit≥5%');
		expect(rowOf(ui.frame(), 'p95 latency')).toContain('450 ms');
	});

	it('gives a short pods list only the lines it fills, so the metrics above it are not cut off', async () => {
		const store = prefilled();
		const metrics = metricsData.of(store.getState());
		store.getState().dataReceived(metricsData, [0, 1, 2, 3].flatMap(i => metrics.map(m => ({...m, id: `${m.id}-${i}`, title: `${m.title} ${i}`}))));
		const ui = await renderCockpit({store, width: 160, height: 34});
		cleanup.push(() => ui.unmount());
		await ui.press('3');
		await ui.waitForFrame(() => ui.store.getState().ui.focus === 'pods');
		const lines = ui.frame().split('\n');
		const at = (title: string) => lines.findIndex(line => line.includes(title));
		expect(at('3 Pods') - at('2 Metrics') - 1, 'every metric row is shown').toBe(rowsFor(ui.store.getState(), kindById('metrics')!, ui.store.cache).length);
		expect(at('2 Metrics') - at('1 Health') - 1, 'every health row is shown').toBe(rowsFor(ui.store.getState(), kindById('health')!, ui.store.cache).length);
	});

	it('groups pods under their deployment with revision, readiness and reasons', async () => {
		const ui = await open({width: 120, height: 40});
		const frame = ui.frame();
		expect(rowOf(frame, '▾ checkout')).toMatch(/3\/4\s+1 crash-looping · 1 OOMKilled · rolled out · rev 3/);
		expect(rowOf(frame, 'checkout-7d9f8-bbbbb')).toMatch(/0\/1\s+CrashLoopBackOff\s+5\s+OOMKilled/);
		// Problems first: the deployment with a crash-looping pod before the healthy one.
		expect(frame.indexOf('▾ checkout')).toBeLessThan(frame.indexOf('▾ cart'));
		expect(frame).toContain('6 pods · 1 failing');
	});

	it('renders the runbook as a numbered checklist with live values', async () => {
		const ui = await open({width: 120, height: 40});
		const frame = ui.frame();
		expect(frame).toContain('[ ] 1. Confirm the error ratio is above 5%');
		expect(rowOf(frame, 'Roll back to the previous revision')).toContain('⟲ rollback');
		expect(rowOf(frame, 'Confirm the error ratio')).toContain('12.4%');
		expect(frame).toContain('0/4 done');
	});

	it('counts down to the tick of a step whose done-when condition holds, and says auto again when it breaks', async () => {
		const ui = await open({width: 120, height: 40});
		expect(rowOf(ui.frame(), 'Watch the error ratio fall')).toMatch(/ auto$/);
		ui.store.getState().doneWhenChanged('roll-back-verify', Date.now());
		await ui.waitForFrame(f => / [01]:\d\d$/.test(rowOf(f, 'Watch the error ratio fall')), 'a countdown from 1:00');
		ui.store.getState().doneWhenChanged('roll-back-verify', null);
		await ui.waitForFrame(f => / auto$/.test(rowOf(f, 'Watch the error ratio fall')), 'auto again');
	});

	it('marks states with symbols when colour is off', async () => {
		const ui = await open({width: 100, height: 40, color: false});
		expect(rowOf(ui.frame(), 'checkout-7d9f8-bbbbb')).toMatch(/✗/);
		expect(rowOf(ui.frame(), 'cart-5c6b7-eeeee')).toMatch(/✓/);
		expect(ui.frame()).toMatch(/▶ 1 Health/);
	});

	it('keeps last good data and shows a stale marker with the error', async () => {
		const store = prefilled();
		store.getState().feedFailed('health', 'timeout after 2000 ms (http://127.0.0.1:8080/health/deep)', Date.now());
		const ui = await renderCockpit({store, width: 100, height: 40});
		cleanup.push(() => ui.unmount());
		expect(ui.frame()).toMatch(/✗ stale \d+s · timeout after 2000 ms/);
		expect(ui.frame()).toContain('└ postgres');
	});
});

describe('focus and keys', () => {
	it('moves focus with tab, shift+tab and the number keys', async () => {
		const ui = await open({width: 100, height: 40});
		expect(focusedKind(ui.store.getState()).id).toBe('health');
		await ui.press(keys.tab);
		await ui.waitForFrame(() => ui.store.getState().ui.focus === 'metrics');
		// Back past the first pane to the registry's last.
		await ui.press(keys.shiftTab, keys.shiftTab);
		await ui.waitForFrame(() => ui.store.getState().ui.focus === kinds.at(-1)!.id);
		await ui.press('3');
		await ui.waitForFrame(f => ui.store.getState().ui.focus === 'pods' && /3 Pods/.test(f));
		expect(ui.frame()).toMatch(/u rollback/);
	});

	it('moves the selection with j/k and arrows, and u asks the controller for the selected deployment', async () => {
		const ui = await open({width: 120, height: 40});
		await ui.press('3', 'j', 'j', 'j', keys.down, keys.up);
		await ui.waitForFrame(() => ui.store.getState().ui.selected.pods?.index === 3);
		// rows: ▾ cart, cart-…e, cart-…f, ▾ checkout → index 3 is the checkout deployment
		await ui.press('u');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'requestAction'));
		const call = (ui.controller as ReturnType<typeof recordingController>).calls.find(([name]) => name === 'requestAction');
		expect(asked(call?.[1])).toEqual(['rollback', 'checkout']);
	});

	it('follows the selected pod’s log with l, and on a deployment the pod kubectl logs would pick', async () => {
		const ui = await open({width: 120, height: 40, byName: true});
		await ui.press('l');
		await ui.waitForFrame(f => f.includes('l: follow the pod’s log (logs -f), or one pod’s of the deployment, in the Pods pane (press 3)'), 'a hint that l works in the Pods pane');
		// rows: ▾ cart, cart-…e, cart-…f, ▾ checkout, checkout-…aaaaa, checkout-…bbbbb
		await ui.press('3', 'j', 'j', 'j');
		await ui.waitForFrame(() => ui.store.getState().ui.selected.pods?.index === 3);
		await ui.press('l', 'j', 'j', 'l');
		await ui.waitForFrame(() => ui.controller.calls.filter(([name]) => name === 'followLog').length === 2);
		// On checkout: of its running pods on a node, ready ones first, then the most restarts (aaaaa: 2; bbbbb is not ready).
		expect(ui.controller.calls.filter(([name]) => name === 'followLog').map(([, args]) => args)).toEqual([['checkout-7d9f8-aaaaa'], ['checkout-7d9f8-bbbbb']]);
	});

	it('shows a followed log as it comes, says how it ended, and stops it when the dialog closes', async () => {
		const ui = await open({width: 120, height: 40});
		ui.store.getState().logFollowed(1, 'checkout-7d9f8-bbbbb', 100);
		ui.store.getState().dialogOpened({kind: 'log'});
		await ui.waitForFrame(f => f.includes('logs -f checkout-7d9f8-bbbbb --tail=100') && f.includes('(opening the log…)'));
		ui.store.getState().logOpened(1, 'checkout');
		ui.store.getState().logLines(1, ['listening on :8080', 'heap 508 MiB of 512 MiB']);
		await ui.waitForFrame(f => f.includes('logs -f checkout-7d9f8-bbbbb -c checkout --tail=100') && f.includes('heap 508 MiB of 512 MiB'));
		ui.store.getState().logLines(2, ['a line of an earlier follow']);
		ui.store.getState().logEnded(1, 'the log ended: the container stopped or restarted');
		await ui.waitForFrame(f => f.includes('(the log ended: the container stopped or restarted)'));
		expect(ui.frame()).not.toContain('an earlier follow');
		await ui.press(keys.escape);
		await ui.waitForFrame(f => !f.includes('logs -f'));
		expect(ui.controller.calls.map(([name]) => name)).toContain('stopLog');
	});

	it('keeps the selection on its row while rows above it come and go, so u acts on the deployment the operator selected', async () => {
		const ui = await open({width: 120, height: 40, byName: true});
		await ui.press('3', 'j', 'j', 'j');
		await ui.waitForFrame(f => ui.store.getState().ui.selected.pods?.index === 3 && /▶ ▾ checkout/.test(f));
		// cart rolls: a new pod above checkout pushes its row down one.
		ui.store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'pod', type: 'upsert', pod: pod('cart-5c6b7-ggggg', 'cart')}]));
		await ui.waitForFrame(f => f.includes('cart-5c6b7-ggggg'));
		expect(ui.frame()).toMatch(/▶ ▾ checkout/);
		// k then j: the moves start from where the row is now.
		await ui.press('k');
		await ui.waitForFrame(f => /▶ +cart-5c6b7-ggggg/.test(f));
		await ui.press('j');
		await ui.waitForFrame(f => /▶ ▾ checkout/.test(f));
		// An old cart pod goes: checkout moves up, and the selection with it.
		ui.store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'pod', type: 'delete', name: 'cart-5c6b7-eeeee'}]));
		await ui.waitForFrame(f => !f.includes('cart-5c6b7-eeeee'));
		expect(ui.frame()).toMatch(/▶ ▾ checkout/);
		await ui.press('u');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'requestAction'));
		expect(asked(ui.controller.calls.find(([name]) => name === 'requestAction')?.[1])).toEqual(['rollback', 'checkout']);
	});

	it('when the selected row goes, selects the row now in its place', async () => {
		const ui = await open({width: 120, height: 40, byName: true});
		await ui.press('3', 'j');
		await ui.waitForFrame(f => /▶ +cart-5c6b7-eeeee/.test(f));
		ui.store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'pod', type: 'delete', name: 'cart-5c6b7-eeeee'}]));
		await ui.waitForFrame(f => /▶ +cart-5c6b7-fffff/.test(f));
	});

	it('handles a burst of keys delivered as one chunk (held-down j) key by key', async () => {
		const ui = await open({width: 120, height: 40});
		await ui.press('3', 'jjjj');
		await ui.waitForFrame(() => ui.store.getState().ui.selected.pods?.index === 4);
		await ui.press('u');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'requestAction'));
		expect(asked(ui.controller.calls.find(([name]) => name === 'requestAction')?.[1])).toEqual(['rollback', 'checkout']);
	});

	it('opens and closes the help overlay generated from the keymap', async () => {
		const ui = await open({width: 100, height: 40});
		await ui.press('?');
		await ui.waitForFrame(f => f.includes('Keys — ? or esc closes'));
		expect(ui.frame()).toContain('Roll back the deployment (rollout undo)');
		expect(ui.frame()).not.toContain('3 Pods');
		await ui.press('?');
		await ui.waitForFrame(f => f.includes('3 Pods'));
	});

	it('toggles a runbook step with space', async () => {
		const ui = await open({width: 120, height: 40});
		// The runbook opens with its first step selected, not the section heading above it.
		await ui.press('4');
		await ui.waitForFrame(f => /▶ \[ \] 1\. Confirm the error ratio/.test(f), 'first step selected');
		await ui.press(' ');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'toggleStep'));
		expect(ui.controller.calls.find(([name]) => name === 'toggleStep')?.[1]).toEqual(['confirm-errors']);
	});

	it('moves between runbook steps over the section headings, which are never selected', async () => {
		const ui = await open({width: 120, height: 40});
		await ui.press('4', 'j');
		await ui.waitForFrame(f => /▶ \[ \] 2\. Check the last rollout/.test(f), 'step 2');
		// One j from the last step of "Confirm" lands on the first step of "Mitigate".
		await ui.press('j');
		await ui.waitForFrame(f => /▶ \[ \] 3\. Roll back/.test(f), 'step 3, past the heading');
		await ui.press('k');
		await ui.waitForFrame(f => /▶ \[ \] 2\. Check the last rollout/.test(f), 'back to step 2');
		// k on the first step stays there rather than selecting the heading.
		await ui.press('k', 'k');
		await ui.waitForFrame(f => /▶ \[ \] 1\. Confirm/.test(f), 'step 1');
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'showDetails'), 'details asked for');
		expect(ui.controller.calls.find(([name]) => name === 'showDetails')?.[1]).toEqual([{kind: 'runbook', key: 'confirm-errors'}]);
	});

	it('filters the pods list with / as you type, in the footer, with the pane in view', async () => {
		const ui = await open({width: 120, height: 40});
		await ui.press('3', '/');
		await ui.waitForFrame(f => f.includes('filter pods · enter keep'));
		expect(ui.frame()).toContain('3 Pods');
		await ui.press('crash');
		// Narrowed live, before enter.
		await ui.waitForFrame(f => f.includes('/crash') && !f.includes('checkout-7d9f8-ccccc'), 'live filter');
		expect(ui.frame()).toContain('checkout-7d9f8-bbbbb');
		expect(ui.frame()).toContain('▾ checkout');
		expect(ui.frame()).not.toContain('▾ cart');
		await ui.press(keys.enter);
		await ui.waitForFrame(f => !f.includes('filter pods · enter keep') && f.includes('? help'), 'footer back');
		expect(ui.frame()).not.toContain('checkout-7d9f8-ccccc');
		// esc in the filter restores the previous filter.
		await ui.press('/');
		await ui.waitForFrame(f => f.includes('filter pods · enter keep'));
		await ui.press(keys.backspace, keys.backspace, keys.backspace, keys.backspace, keys.backspace);
		await ui.waitForFrame(f => f.includes('checkout-7d9f8-ccccc'), 'filter cleared while typing');
		await ui.press(keys.escape);
		await ui.waitForFrame(f => !f.includes('checkout-7d9f8-ccccc') && f.includes('? help'), 'filter restored by esc');
	});

	it('disables dangerous keys in read-only mode and says so', async () => {
		const ui = await open({width: 120, height: 40, readonly: true});
		expect(ui.frame()).toContain('READ-ONLY');
		await ui.press('3', 'j', 'u');
		await ui.waitForFrame(f => f.includes('read-only mode'));
		expect(ui.controller.calls.some(([name]) => name === 'requestAction')).toBe(false);
	});

	it('says in which pane a key works when it is pressed in another, and does nothing else', async () => {
		const ui = await open({width: 160, height: 40});
		await ui.press('2');
		await ui.waitForFrame(() => ui.store.getState().ui.focus === 'metrics');
		await ui.press('u');
		// Pods, not Health (where u works too, on services that name their deployment): Pods always has one.
		await ui.waitForFrame(f => f.includes('u: roll back the deployment (rollout undo), in the Pods pane (press 3)'));
		await ui.press('p');
		await ui.waitForFrame(f => f.includes('p: pin or unpin the selected timeline event, in the Timeline pane (press 5)'));
		expect(ui.controller.calls.some(([name]) => name === 'requestAction')).toBe(false);
		expect(ui.store.getState().ui.focus).toBe('metrics');
	});

	it('rolls back, scales or restarts the deployment a Health row’s service names, and says so when it names none', async () => {
		const ui = await open({width: 160, height: 40});
		expect(focusedKind(ui.store.getState()).id).toBe('health');
		const requests = () => ui.controller.calls.filter(([name]) => name === 'requestAction').map(([, args]) => asked(args));
		// checkout (deployment: checkout), then its postgres dependency row, which belongs to checkout too.
		await ui.press('u');
		await ui.waitForFrame(() => requests().length === 1);
		await ui.press('j');
		await ui.waitForFrame(() => ui.store.getState().ui.selected.health?.index === 1);
		await ui.press('s');
		await ui.waitForFrame(() => requests().length === 2);
		expect(requests()).toEqual([
			['rollback', 'checkout'],
			['scale', 'checkout'],
		]);
		// cart names no deployment: nothing is requested, and the flash says how to give it one.
		await ui.press('G');
		await ui.waitForFrame(() => ui.store.getState().ui.selected.health?.index === 3);
		await ui.press('r');
		await ui.waitForFrame(f => f.includes('cart names no deployment: add `deployment:` to it under services in the config'));
		expect(requests()).toHaveLength(2);
	});

	it('asks before quitting an open incident', async () => {
		const ui = await open({width: 100, height: 30});
		await ui.press('q');
		await ui.waitForFrame(f => f.includes('Quit incident-tui?'));
		expect(ui.frame()).toContain('incident-tui --incident inc-20261122-0300-test');
		await ui.press('n');
		await ui.waitForFrame(f => !f.includes('Quit incident-tui?'));
		expect(ui.controller.calls.some(([name]) => name === 'quit')).toBe(false);
		await ui.press('q');
		await ui.waitForFrame(f => f.includes('Quit incident-tui?'));
		await ui.press('y');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'quit'));
	});
});

function rollbackRequest(extra: Partial<ActionRequest> = {}): ActionRequest {
	return {
		id: 'act1',
		kind: 'rollback',
		title: 'Roll back deployment/checkout',
		dangerous: true,
		target: {context: 'prod-eu', namespace: 'shop', object: 'deployment/checkout'},
		change: 'revision 3 (shop/checkout:1.8.0) -> revision 2 (shop/checkout:1.7.4)',
		kubectl: 'kubectl --context prod-eu -n shop rollout undo deployment/checkout',
		details: ['rev 3 created 2026-11-22 02:55', 'rev 2 created 2026-11-19 14:02'],
		warnings: [],
		timeoutMs: 30_000,
		params: rollbackParams,
		...extra,
	};
}

/** What a rollback of checkout read: revisions 3 (running), 2 and 1, for ← and → to switch between. */
const rollbackParams: ActionParams = {
	kind: 'rollback',
	deployment: 'checkout',
	where: {context: 'prod-eu', namespace: 'shop'},
	production: false,
	toRevision: 2,
	now: Date.parse('2026-11-22T03:20:00Z'),
	history: [
		{revision: 3, replicaSet: 'checkout-7d9f8', images: ['shop/checkout:1.8.0'], createdAt: '2026-11-22T02:55:00Z'},
		{revision: 2, replicaSet: 'checkout-6c8e7', images: ['shop/checkout:1.7.4'], createdAt: '2026-11-19T14:02:00Z'},
		{revision: 1, replicaSet: 'checkout-5b7d6', images: ['shop/checkout:1.7.0'], createdAt: '2026-11-10T09:00:00Z'},
	],
};

describe('confirmation dialog', () => {
	it('titles the dialog with the action and its object once', async () => {
		const {confirmTitle} = await import('../../source/ui/dialogs/confirm-dialog.js');
		const target = {context: 'demo', namespace: 'shop', object: 'deployment/checkout'};
		expect(confirmTitle({title: 'Scale deployment', target})).toBe('Scale deployment/checkout?');
		expect(confirmTitle({title: 'Roll back deployment/checkout', target})).toBe('Roll back deployment/checkout?');
		expect(confirmTitle({title: 'Run logs', target: {...target, object: 'command/logs'}})).toBe('Run logs?');
	});

	it('names context, namespace, object, the change and the kubectl equivalent; esc cancels', async () => {
		const ui = await open({width: 100, height: 30});
		ui.store.getState().dialogOpened({kind: 'confirm', request: rollbackRequest()});
		await ui.waitForFrame(f => f.includes('Roll back deployment/checkout?'));
		const frame = ui.frame();
		expect(rowOf(frame, 'context')).toContain('prod-eu');
		expect(rowOf(frame, 'namespace')).toContain('shop');
		expect(rowOf(frame, 'object')).toContain('deployment/checkout');
		expect(rowOf(frame, 'change')).toContain('revision 3 (shop/checkout:1.8.0) -> revision 2 (shop/checkout:1.7.4)');
		expect(rowOf(frame, 'kubectl')).toContain('rollout undo deployment/checkout');
		await ui.press(keys.escape);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'cancel'));
		expect(ui.controller.calls.some(([name]) => name === 'confirm')).toBe(false);
	});

	it('cuts nothing it names short in a narrow terminal: the change, the kubectl line and the warnings wrap under their labels', async () => {
		const ui = await open({width: 50, height: 30});
		const warning = 'HorizontalPodAutoscaler checkout manages deployment/checkout: it will set the replica count back within 15 s';
		ui.store.getState().dialogOpened({kind: 'confirm', request: rollbackRequest({warnings: [warning]})});
		await ui.waitForFrame(f => f.includes('Roll back deployment/checkout?'));
		const text = dialogText(ui.frame());
		expect(text).toContain('change revision 3 (shop/checkout:1.8.0) -> revision 2 (shop/checkout:1.7.4)');
		expect(text).toContain('kubectl kubectl --context prod-eu -n shop rollout undo deployment/checkout');
		expect(text).toContain(`! warning ${warning}`);
		// Wrapped lines continue under the text, not under the label.
		const changeRow = ui.frame().split('\n').findIndex(line => line.includes('change'));
		expect(ui.frame().split('\n')[changeRow + 1]).toMatch(/│ {11}\S/);
	});

	it('starts every wrapped line of a warning under its text, also after a line that filled the width', async () => {
		const ui = await open({width: 50, height: 30});
		// The dialog's text is 36 columns wide here: the first 36 characters end just before a space.
		const warning = 'revision 3 is newer than the running revision 4 (created 7m ago; revision 4 6d0h ago): this goes forward again';
		ui.store.getState().dialogOpened({kind: 'confirm', request: rollbackRequest({warnings: [warning]})});
		await ui.waitForFrame(f => f.includes('Roll back deployment/checkout?'));
		const rows = ui.frame().split('\n');
		const first = rows.findIndex(line => line.includes('! warning'));
		expect(rows[first]).toContain('! warning revision 3 is newer than the running │');
		const rest = rows.slice(first + 1, first + 4);
		for (const row of rest) expect(row).toMatch(/│ {11}\S/);
		expect(dialogText(ui.frame())).toContain(`! warning ${warning}`);
	});

	it('keeps the replica field and the warnings in view when a short terminal clips the details', async () => {
		const ui = await open({width: 100, height: 16});
		const details = Array.from({length: 12}, (_, i) => `detail line ${i + 1}`);
		ui.store.getState().dialogOpened({
			kind: 'confirm',
			request: rollbackRequest({kind: 'scale', title: 'Scale deployment/checkout', change: 'replicas 4 -> 4', details, warnings: ['an HPA manages this deployment'], input: {label: 'replicas', value: '4'}}),
		});
		await ui.waitForFrame(f => f.includes('Scale deployment/checkout?'));
		const frame = ui.frame();
		expect(frame).toContain('replicas: 4');
		expect(frame).toContain('an HPA manages this deployment');
		expect(frame).toContain('detail line 1');
		expect(frame).not.toContain('detail line 12');
		expect(frame).toContain('enter confirm · esc cancel');
	});

	it('takes no answer from a paste: text that arrives as one chunk neither confirms nor cancels', async () => {
		const ui = await open({width: 100, height: 30});
		ui.store.getState().dialogOpened({kind: 'confirm', request: rollbackRequest()});
		await ui.waitForFrame(f => f.includes('Roll back deployment/checkout?'));
		await ui.press('yes, undo it');
		await ui.press('ny');
		// The dialog is still open and waits for one key: y confirms.
		expect(ui.store.getState().ui.dialog?.kind).toBe('confirm');
		expect(ui.controller.calls.filter(([name]) => name === 'confirm' || name === 'cancel')).toEqual([]);
		await ui.press('y');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'confirm'));
	});

	it('confirms with y', async () => {
		const ui = await open({width: 100, height: 30});
		ui.store.getState().dialogOpened({kind: 'confirm', request: rollbackRequest()});
		await ui.waitForFrame(f => f.includes('Roll back deployment/checkout?'));
		await ui.press('y');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'confirm'));
	});

	it('switches a rollback to an older or newer revision with ← and →, and confirms the one shown', async () => {
		const ui = await open({width: 100, height: 30});
		// The registry's rollback describes the other revisions from the history the request read.
		const previous = rollbackRequest({alternatives: {older: true, newer: false}});
		ui.store.getState().dialogOpened({kind: 'confirm', request: previous});
		await ui.waitForFrame(f => f.includes('-> revision 2'));
		await ui.press(keys.right);
		await ui.press(keys.left);
		await ui.waitForFrame(f => f.includes('-> revision 1'));
		await ui.press(keys.left);
		await ui.press('y');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'confirm'));
		const [request] = ui.controller.calls.find(([name]) => name === 'confirm')![1] as [ActionRequest];
		expect(request.change).toBe('revision 3 (shop/checkout:1.8.0) -> revision 1 (shop/checkout:1.7.0)');
	});

	it('requires typing the deployment name in production', async () => {
		const ui = await open({width: 100, height: 30});
		ui.store.getState().dialogOpened({kind: 'confirm', request: rollbackRequest({typeToConfirm: 'checkout'})});
		await ui.waitForFrame(f => f.includes('type “checkout” to confirm'));
		await ui.press('y', keys.enter);
		await ui.waitForFrame(f => f.includes('exactly to confirm'));
		expect(ui.controller.calls.some(([name]) => name === 'confirm')).toBe(false);
		await ui.press(keys.backspace, ...'checkout', keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'confirm'));
	});

	it('edits and validates the replica count for scale', async () => {
		const ui = await open({width: 100, height: 30});
		const scale = (value: string): ActionRequest =>
			rollbackRequest({
				kind: 'scale',
				title: 'Scale deployment/checkout',
				change: `replicas 4 -> ${value}`,
				input: {label: 'replicas', value},
				// The registry's scale validates the count and describes the change from these.
				params: {kind: 'scale', deployment: 'checkout', where: {context: 'prod-eu', namespace: 'shop'}, production: false, current: 4, value, autoscaler: null},
			});
		ui.store.getState().dialogOpened({kind: 'confirm', request: scale('4')});
		await ui.waitForFrame(f => f.includes('replicas 4 -> 4'));
		await ui.press(keys.backspace, 'x', keys.enter);
		await ui.waitForFrame(f => f.includes('whole number'));
		await ui.press(keys.backspace, '6');
		await ui.waitForFrame(f => f.includes('replicas 4 -> 6'));
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'confirm'));
		const [request, input] = ui.controller.calls.find(([name]) => name === 'confirm')![1] as [ActionRequest, string];
		expect(input).toBe('6');
		expect(request.change).toBe('replicas 4 -> 6');
	});
});

describe('details dialog', () => {
	it('is as tall as its lines, and no taller than the screen', async () => {
		const ui = await open({width: 100, height: 30});
		ui.store.getState().dialogOpened({kind: 'details', title: 'kubectl rollout status (exit 0)', lines: ['deployment "checkout" successfully rolled out'], output: true});
		await ui.waitForFrame(f => f.includes('kubectl rollout status (exit 0)'));
		const lines = ui.frame().split('\n');
		const top = lines.findIndex(line => line.includes('╭'));
		// Border, title, the one line, footer, border.
		expect(lines.findIndex(line => line.includes('╰'))).toBe(top + 4);
		ui.store.getState().dialogClosed();
		await ui.waitForFrame(f => !f.includes('rollout status'));
		ui.store.getState().dialogOpened({kind: 'details', title: 'Pod: x', lines: Array.from({length: 100}, (_, i) => `line ${i + 1}`)});
		await ui.waitForFrame(f => f.includes('Pod: x'));
		const tall = ui.frame().split('\n');
		expect(tall.length).toBeLessThanOrEqual(30);
		expect(tall.some(line => line.includes('╰'))).toBe(true);
	});

	it('is drawn over the panes, which stay live around it', async () => {
		const ui = await open({width: 150, height: 45});
		ui.store.getState().dialogOpened({kind: 'details', title: 'kubectl rollout status (exit 0)', lines: ['deployment "checkout" successfully rolled out'], output: true});
		await ui.waitForFrame(f => f.includes('kubectl rollout status (exit 0)'));
		expect(ui.frame()).toContain('1 Health');
		expect(ui.frame()).toContain('12.4%');
		const metrics = fullState().metrics;
		metrics[0]!.series[0]!.value = 0.031;
		ui.store.getState().dataReceived(metricsData, metrics);
		await ui.waitForFrame(f => f.includes('3.1%') && f.includes('kubectl rollout status (exit 0)'), 'the new error ratio under the open dialog');
	});

	it('hides what the panes drew under it: their text never shows in its empty cells', async () => {
		const ui = await open({width: 150, height: 45});
		ui.store.getState().dialogOpened({kind: 'details', title: 'Pod: x', lines: Array.from({length: 100}, (_, i) => `line ${i + 1}`)});
		await ui.waitForFrame(f => f.includes('Pod: x'));
		const inside = ui
			.frame()
			.split('\n')
			.filter(line => line.includes('│'))
			.map(line => line.slice(line.indexOf('│') + 1, line.lastIndexOf('│')).trim());
		expect(inside.length).toBeGreaterThan(30);
		for (const text of inside) expect(text).toMatch(/^(Pod: x|line \d+|↑\/↓ scroll · enter\/esc close)$/);
	});

	it('keeps the blank lines between sections', async () => {
		const ui = await open({width: 100, height: 30});
		ui.store.getState().dialogOpened({kind: 'details', title: 'Pod: x', lines: ['status      Running', '', 'events (newest last):', '  none']});
		await ui.waitForFrame(f => f.includes('Pod: x'));
		const lines = ui.frame().split('\n');
		const status = lines.findIndex(line => line.includes('status      Running'));
		expect(lines[status + 1]).toMatch(/^\s*│\s+│\s*$/);
		expect(lines[status + 2]).toContain('events (newest last):');
	});

	it('opens details at their first line, and a finished command’s output at its end, one line per line', async () => {
		const ui = await open({width: 60, height: 30});
		const lines = Array.from({length: 60}, (_, i) => `line ${i + 1}`);
		ui.store.getState().dialogOpened({kind: 'details', title: 'Pod: x', lines});
		await ui.waitForFrame(f => f.includes('Pod: x'));
		expect(ui.frame()).toMatch(/│ line 1 /);
		expect(ui.frame()).not.toMatch(/│ line 60 /);
		const wide = `NAME${' '.repeat(40)}READY   STATUS    RESTARTS   AGE`;
		ui.store.getState().dialogClosed();
		await ui.waitForFrame(f => !f.includes('Pod: x'));
		ui.store.getState().dialogOpened({kind: 'details', title: 'kubectl get pods (exit 0)', lines: [wide, ...lines], output: true});
		await ui.waitForFrame(f => f.includes('kubectl get pods (exit 0)'));
		expect(ui.frame()).toMatch(/│ line 60 /);
		expect(ui.frame()).not.toMatch(/│ line 1 /);
		ui.store.getState().dialogClosed();
		await ui.waitForFrame(f => !f.includes('kubectl get pods (exit 0)'));
		ui.store.getState().dialogOpened({kind: 'details', title: 'kubectl get pods (exit 1)', lines: [wide, 'x'], output: true});
		await ui.waitForFrame(f => f.includes('kubectl get pods (exit 1)'));
		// The table's header is cut, not wrapped onto a second line.
		expect(ui.frame()).toMatch(/│ NAME +READY +STA… │/);
		expect(ui.frame()).not.toMatch(/│ +(TUS|RESTARTS|AGE)/);
	});

	it('wraps a command’s long output lines with w, and cuts them again with w', async () => {
		const ui = await open({width: 60, height: 30});
		const error = 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?';
		ui.store.getState().dialogOpened({kind: 'details', title: 'kubectl get pods (exit 1)', lines: [error], output: true});
		await ui.waitForFrame(f => f.includes('w wrap long lines'));
		expect(ui.frame()).not.toContain('right host or port?');
		await ui.press('w');
		await ui.waitForFrame(f => f.includes('w cut long lines'));
		expect(dialogText(ui.frame())).toContain('did you specify the right host or port?');
		await ui.press('w');
		await ui.waitForFrame(f => f.includes('w wrap long lines'));
		expect(ui.frame()).not.toContain('right host or port?');
	});

	it('starts each wrapped continuation at a word, under its line’s text', () => {
		expect(wrapLines(['Undo the rollout; it restores the previous', '    ReplicaSet template'], 20)).toEqual([
			'Undo the rollout;',
			'  it restores the',
			'  previous',
			'    ReplicaSet',
			'      template',
		]);
	});

	it('wraps a long line under its text instead of cutting its end off', async () => {
		const ui = await open({width: 60, height: 30});
		const message = '0/5 nodes are available: 3 Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';
		ui.store.getState().dialogOpened({kind: 'details', title: 'Pod: x', lines: ['events (newest last):', `     10s  Warning FailedScheduling: ${message}`]});
		await ui.waitForFrame(f => f.includes('Pod: x'));
		expect(dialogText(ui.frame())).toContain(`Warning FailedScheduling: ${message}`);
		const lines = ui.frame().split('\n');
		const first = lines.findIndex(line => line.includes('FailedScheduling'));
		// The continuation starts two columns in from the line's own indent (5), inside the border and padding.
		expect(lines[first + 1]).toMatch(/^\s*│ {8}\S/);
	});
});

describe('pickers', () => {
	it('chooses the active runbook with b', async () => {
		const store = prefilled();
		const other = {...fullState().runbook, id: 'high-latency', title: 'High latency'};
		store.getState().runbooksAvailable([fullState().runbook, other]);
		const ui = await renderCockpit({store, width: 100, height: 30});
		cleanup.push(() => ui.unmount());
		await ui.press('b');
		await ui.waitForFrame(f => f.includes('Active runbook') && /❯ Bad deploy/.test(f));
		// As tall as its two items: title, the items, the keys, and the border under them.
		const lines = ui.frame().split('\n');
		const title = lines.findIndex(line => line.includes('Active runbook'));
		expect(lines.slice(title + 1, title + 5).map(line => line.replace(/[│ ]+/g, ' ').trim())).toEqual(['❯ Bad deploy (bad-deploy)', 'High latency (high-latency)', '↑/↓ choose · enter select · esc cancel', expect.stringMatching(/^╰─+╯$/)]);
		await ui.press(keys.down);
		await ui.waitForFrame(f => /❯ High latency/.test(f));
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'selectRunbook'));
		expect(ui.controller.calls.find(([name]) => name === 'selectRunbook')?.[1]).toEqual(['high-latency']);
	});

	it('lists the runbooks a firing alert chooses first, in its order, with why', async () => {
		const store = prefilled();
		const base = fullState().runbook;
		const badDeploy = {...base, alerts: [{name: 'HighErrorRate'}]};
		const highErrors = {...base, id: 'high-error-rate', title: 'High 5xx error rate', alerts: [{name: 'HighErrorRate'}], priority: 10};
		const latency = {...base, id: 'high-latency', title: 'High latency', alerts: [{name: 'HighLatency'}]};
		store.getState().runbooksAvailable([badDeploy, highErrors, latency]);
		store.getState().dataReceived(alertsData, [{name: 'HighErrorRate', state: 'firing', labels: {severity: 'critical'}}]);
		const ui = await renderCockpit({store, width: 120, height: 30});
		cleanup.push(() => ui.unmount());
		await ui.press('b');
		await ui.waitForFrame(f => f.includes('Active runbook · those answering a firing alert first, best first') && f.includes('High latency'));
		const lines = ui.frame().split('\n');
		const title = lines.findIndex(line => line.includes('Active runbook'));
		// What is inside the dialog's border (the panes stay drawn around it).
		const inside = (line: string) => line.slice(line.indexOf('│') + 1, line.lastIndexOf('│')).trim();
		expect(lines.slice(title + 1, title + 4).map(inside)).toEqual([
			'High 5xx error rate  (high-error-rate)  · HighErrorRate: name only, priority 10',
			'❯ Bad deploy  (bad-deploy)  · HighErrorRate: name only',
			'High latency  (high-latency)',
		]);
	});

	it('offers the active runbook before the directories are listed, and an empty list says so and survives enter', async () => {
		const store = prefilled();
		expect(store.getState().runbooks.map(r => r.id)).toEqual([fullState().runbook.id]);
		const ui = await renderCockpit({store, width: 100, height: 30});
		cleanup.push(() => ui.unmount());
		await ui.press('b');
		await ui.waitForFrame(f => f.includes('Active runbook') && /❯ Bad deploy/.test(f));
		await ui.press(keys.escape);
		await ui.waitForFrame(f => !f.includes('Active runbook'));

		const bare = createIncidentStore({incidentId: 'inc-20261122-0300-bare'});
		const empty = await renderCockpit({store: bare, width: 100, height: 30});
		cleanup.push(() => empty.unmount());
		await empty.press('b');
		await empty.waitForFrame(f => f.includes('Active runbook') && f.includes('No runbooks yet'));
		await empty.press(keys.enter);
		await empty.press('1');
		expect(bare.getState().ui.dialog?.kind).toBe('pick');
		expect(empty.controller.calls.some(([name]) => name === 'selectRunbook')).toBe(false);
		await empty.press(keys.escape);
		await empty.waitForFrame(f => !f.includes('Active runbook'));
	});

	it('moves a picker one row per key when the keys come in one chunk (jjj typed faster than a frame)', async () => {
		const ui = await open({width: 100, height: 30});
		await ui.press('T');
		await ui.waitForFrame(f => f.includes('Status (now investigating)') && /❯ investigating/.test(f));
		await ui.press('jjj');
		await ui.waitForFrame(f => /❯ resolved/.test(f));
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'setStatus'));
		expect(ui.controller.calls.find(([name]) => name === 'setStatus')?.[1]).toEqual(['resolved']);
	});

	it("c asks for the config's commands; a command picker hands the chosen one to the controller", async () => {
		const ui = await open({width: 100, height: 30});
		await ui.press('c');
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'requestConfigCommand'));
		expect(ui.controller.calls.find(([name]) => name === 'requestConfigCommand')?.[1]).toEqual([]);
		ui.store.getState().dialogOpened({
			kind: 'pick',
			purpose: 'command',
			title: 'Run which command of "Look around"?',
			items: [
				{label: 'echo first', value: commandChoice.step('look', 0)},
				{label: 'echo second', value: commandChoice.step('look', 1)},
			],
		});
		await ui.waitForFrame(f => /❯ echo first/.test(f));
		await ui.press('j', keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'requestStep'));
		expect(ui.controller.calls.find(([name]) => name === 'requestStep')?.[1]).toEqual(['look', 1]);
	});

	it('changes the severity with S', async () => {
		const ui = await open({width: 100, height: 30});
		await ui.press('S');
		await ui.waitForFrame(f => f.includes('Severity (now SEV2)') && /❯ SEV2/.test(f));
		await ui.press(keys.up);
		await ui.waitForFrame(f => /❯ SEV1/.test(f));
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'setSeverity'));
		expect(ui.controller.calls.find(([name]) => name === 'setSeverity')?.[1]).toEqual(['SEV1']);
	});

	it("S shows the active runbook's own guidance beside each level: its criteria and response time", async () => {
		const store = prefilled();
		const file = fileURLToPath(new URL('../fixtures/runbooks/priority-scale.md', import.meta.url));
		store.getState().runbookLoaded(parseMarkdownRunbook(readFileSync(file, 'utf8'), file));
		const ui = await renderCockpit({store, width: 160, height: 30});
		cleanup.push(() => ui.unmount());
		await ui.press('S');
		await ui.waitForFrame(f => f.includes('Severity (now SEV2)'));
		// The dialog's rows only (the header names the current severity too).
		const frame = ui.frame().split('\n').filter(line => line.includes('│')).join('\n');
		expect(rowOf(frame, 'SEV1 ')).toMatch(/[❯ ] SEV1\s+P0 Critical · respond < 5 minutes · Complete outage of payments/);
		expect(rowOf(frame, 'SEV2 ')).toMatch(/[❯ ] SEV2\s+P1 High · respond < 15 minutes · Checkout fails for some regions/);
		expect(rowOf(frame, 'SEV3 ')).toMatch(/[❯ ] SEV3\s+P2 Medium · respond < 1 hour · Refunds delayed/);
		expect(rowOf(frame, 'SEV4 ')).toMatch(/[❯ ] SEV4\s+P3 Low · respond next business day · Cosmetic errors in receipts/);
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'setSeverity'));
		expect(ui.controller.calls.find(([name]) => name === 'setSeverity')?.[1]).toEqual(['SEV2']);
	});
});

describe('80x24', () => {
	it('fits the terminal: no line wider than 80, no more lines than rows', async () => {
		for (const focus of ['1', '3', '5']) {
			const ui = await open({width: 80, height: 23});
			await ui.press(focus);
			await ui.waitForFrame(f => f.length > 0);
			const lines = ui.frame().split('\n');
			expect(lines.length).toBeLessThanOrEqual(23);
			for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
			for (const title of ['1 Health', '2 Metrics', '3 Pods', '4 Runbook', '5 Timeline']) expect(ui.frame()).toContain(title);
			ui.unmount();
		}
	});

	/** The help's key entries in `lines` (one column), each with its wrapped continuation lines joined. */
	function helpEntries(lines: string[]): string[] {
		const entries: string[] = [];
		for (const line of lines) {
			if (/^ {10}\S/.test(line) && entries.length > 0) entries[entries.length - 1] = `${entries.at(-1)!.trimEnd()} ${line.trim()}`;
			else if (/^ {2}\S/.test(line) && !line.includes('Journal:')) entries.push(line.trim());
		}
		return entries.map(entry => entry.trimEnd());
	}

	it('shows the help as intact lines that scroll, never overprinted', async () => {
		const expected = new Set(helpLines(false).map(l => `${l.label.padEnd(7)} ${l.help}`));
		const ui = await open({width: 80, height: 23});
		await ui.press('?');
		await ui.waitForFrame(f => f.includes('Keys — ? or esc closes'));
		const check = (frame: string) => {
			const entries = helpEntries(frame.split('\n'));
			expect(entries.length).toBeGreaterThan(8);
			for (const entry of entries) expect(expected.has(entry), `overprinted or garbled help line: "${entry}"`).toBe(true);
		};
		check(ui.frame());
		expect(ui.frame()).toContain('j/k scroll');
		const last = helpLines(false).at(-1)!.help.slice(0, 30);
		expect(ui.frame()).not.toContain(last);
		// One burst, as a held key or tmux send-keys delivers it.
		await ui.press('j'.repeat(60));
		await ui.waitForFrame(f => f.includes(last), 'scrolled to the last binding');
		check(ui.frame());
	});

	it('shows every key of the help whole at 120 columns, in two columns of whole groups', async () => {
		// 42 rows: with the keys of the Alerts pane, switching (C, N) and the variables view (v), two
		// columns of whole groups no longer fit 40 rows, though the pane numbers share one line.
		const ui = await open({width: 120, height: 42});
		await ui.press('?');
		await ui.waitForFrame(f => f.includes('Keys — ? or esc closes'));
		const body = ui.frame().split('\n').slice(2, -2);
		const columns = [body.map(line => line.slice(0, 60)), body.map(line => line.slice(60))];
		// Every binding, its description whole: nothing cut with an ellipsis, nothing left out.
		const shown = columns.flatMap(helpEntries);
		expect(shown).toEqual(helpLines(false).map(l => `${l.label.padEnd(7)} ${l.help}`));
		expect(ui.frame()).not.toContain('…');
		// A group's heading is in the column of its keys: no column ends on a heading.
		for (const column of columns) {
			const last = column.filter(line => line.trim() !== '').at(-1)!;
			expect(last, 'a column ends on a heading').toMatch(/^ {2}/);
		}
		expect(ui.frame()).not.toContain('j/k scroll');
	});

	it('still shows 10,000 pods as a list that scrolls', async () => {
		const store = prefilled();
		const {deployments} = clusterFixture();
		const pods = Array.from({length: 10_000}, (_, i) => ({...clusterFixture().pods[2]!, name: `checkout-7d9f8-${String(i).padStart(5, '0')}`}));
		store.getState().dataReceived(podsData, clusterData(pods, deployments));
		const ui = await renderCockpit({store, width: 80, height: 23});
		cleanup.push(() => ui.unmount());
		await ui.press('3', 'G');
		await ui.waitForFrame(f => f.includes('checkout-7d9f8-09999'));
		expect(ui.frame()).toContain('10000 pods');
	});
});

describe('moving the focus between the two columns', () => {
	it('leaves the other column where it is: only the titles and the selected rows change', async () => {
		const ui = await open({width: 200, height: 40, byName: true});
		// Every pane of the left column wants more lines than it has, so their shares depend on the weights.
		const state = fullState();
		const many = <T extends {name: string}>(rows: readonly T[], count: number) => Array.from({length: count}, (_, i) => ({...rows[i % rows.length]!, name: `${rows[i % rows.length]!.name}-${i}`}));
		ui.store.getState().dataReceived(healthData, many(state.health, 40));
		ui.store.getState().dataReceived(podsData, clusterData(many(state.cluster.pods, 300), state.cluster.deployments));
		await ui.press('3');
		await ui.waitForFrame(f => rowOf(f, '3 Pods').includes('▶') || f.includes('3 Pods'));
		// The left column's lines: up to where the right column starts, without the footer (it lists the focused pane's keys).
		const rightStart = rowOf(ui.frame(), '5 Timeline').indexOf('5 Timeline') - 1;
		const left = (frame: string) => frame.split('\n').slice(0, -1).map(line => line.slice(0, rightStart));
		const onPods = left(ui.frame());
		await ui.press('5');
		await ui.waitForFrame(() => focusedKind(ui.store.getState()).id === 'timeline');
		const onTimeline = left(ui.frame());
		const changed = onTimeline.map((line, i) => (line === onPods[i] ? null : i)).filter(i => i !== null);
		// The Pods title (its focus marker) and the selected row's marker: two lines, not the column.
		expect(changed.length, `${changed.length} lines of the left column changed:\n${changed.map(i => `${onPods[i!]}\n${onTimeline[i!]}`).join('\n')}`).toBeLessThanOrEqual(2);
	});
});
