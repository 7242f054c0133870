import {afterEach, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import {keys, renderCockpit} from '../support/render-cockpit.js';

/**
 * Below 40×11 the cockpit draws a notice instead of a frame that cannot fit. A dialog that was open
 * (or opens meanwhile, as `q` does) still owns its keys there: a confirmation can be cancelled and a
 * quit confirmed without first enlarging the window.
 */

let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const fn of cleanup) fn();
	cleanup = [];
});

async function small() {
	const ui = await renderCockpit({width: 36, height: 8, storeOptions: {incidentId: 'inc-20261122-0300-small'}});
	cleanup.push(() => ui.unmount());
	return ui;
}

function rollback(extra: Partial<ActionRequest> = {}): ActionRequest {
	return {
		id: 'act1',
		kind: 'rollback',
		title: 'Roll back deployment/checkout',
		dangerous: true,
		target: {context: 'prod-eu', namespace: 'shop', object: 'deployment/checkout'},
		change: 'revision 3 -> revision 2',
		kubectl: 'kubectl --context prod-eu -n shop rollout undo deployment/checkout',
		details: [],
		warnings: [],
		timeoutMs: 30_000,
		params: {kind: 'restart', deployment: 'checkout', where: {context: 'prod-eu', namespace: 'shop'}, production: false},
		...extra,
	};
}

const called = (ui: Awaited<ReturnType<typeof small>>, name: string) => ui.controller.calls.some(([call]) => call === name);

describe('a terminal smaller than 40×11 with a dialog open', () => {
	it('q then y quits: the quit dialog owns its keys although it is not drawn', async () => {
		const ui = await small();
		expect(ui.frame()).toContain('needs 40×11');
		await ui.press('q');
		await ui.waitForFrame(() => ui.store.getState().ui.dialog?.kind === 'quit');
		await ui.waitForFrame(f => f.includes('Quit incident-tui?'), 'the notice names the open dialog');
		await ui.press('y');
		await ui.waitForFrame(() => called(ui, 'quit'), 'quit after y');
	});

	it('n and esc close the quit dialog, and the cockpit stays', async () => {
		const ui = await small();
		await ui.press('q');
		await ui.waitForFrame(() => ui.store.getState().ui.dialog?.kind === 'quit');
		await ui.press('n');
		await ui.waitForFrame(() => ui.store.getState().ui.dialog === null, 'n closes the dialog');
		await ui.press('q');
		await ui.waitForFrame(() => ui.store.getState().ui.dialog?.kind === 'quit');
		await ui.press(keys.escape);
		await ui.waitForFrame(() => ui.store.getState().ui.dialog === null, 'esc closes the dialog');
		expect(called(ui, 'quit')).toBe(false);
	});

	it('esc cancels a confirmation opened before the window shrank, and says what is open', async () => {
		const ui = await small();
		ui.store.getState().dialogOpened({kind: 'confirm', request: rollback()});
		await ui.waitForFrame(f => f.includes('Roll back deployment/checkout?'), 'the notice names the confirmation');
		await ui.press(keys.escape);
		await ui.waitForFrame(() => called(ui, 'cancel'), 'cancel after esc');
		expect(called(ui, 'confirm')).toBe(false);
	});

	it('y and enter still confirm', async () => {
		for (const key of ['y', keys.enter]) {
			const ui = await small();
			ui.store.getState().dialogOpened({kind: 'confirm', request: rollback()});
			await ui.waitForFrame(f => f.includes('Roll back'));
			await ui.press(key);
			await ui.waitForFrame(() => called(ui, 'confirm'), `confirm after ${JSON.stringify(key)}`);
		}
	});
});
