import {afterEach, describe, expect, it} from 'vitest';
import {createIncidentStore} from '../../source/store/store.js';
import {SessionHarness} from '../session/support.js';
import {timelineEvent} from '../support/fixtures.js';
import {recordingController, renderCockpit} from '../support/render-cockpit.js';

/**
 * Roles from the keyboard: R opens the role picker, the choice is recorded in the timeline
 * (role.assigned) and shown in the header; an observer's keys that act are disabled, and the footer,
 * the help and the key itself say why.
 */

const harness = new SessionHarness();
let cleanup: Array<() => void> = [];
afterEach(async () => {
	for (const fn of cleanup) fn();
	cleanup = [];
	await harness.cleanup();
});

describe('roles from the keyboard', () => {
	it('R picks a role: recorded as role.assigned and shown in the header', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0300-role', author: 'alice@bastion-1'});
		const ui = await renderCockpit({store: session.store, controller: recordingController(session.controller), width: 160, height: 30});
		cleanup.push(() => ui.unmount());
		await ui.press('R');
		await ui.waitForFrame(f => /Your role \(alice@bastion-1\), now responder/.test(f) && /scribe: keeps the record/.test(f), 'the role picker');
		await ui.press('2');
		await ui.waitForFrame(f => /\[no IC, you: scribe\]/.test(f.split('\n')[0]!), 'the role in the header');
		const assigned = session.store.getState().timeline.filter(e => e.type === 'role.assigned');
		expect(assigned.map(e => [e.by, e.data])).toEqual([['alice@bastion-1', {user: 'alice@bastion-1', role: 'scribe', previous: 'responder'}]]);
		await ui.press('R', '1');
		await ui.waitForFrame(f => /\[you: incident commander\]/.test(f.split('\n')[0]!), 'commander in the header');
	});

	it("an observer's keys that act are disabled, and the footer, the help and the key say why", async () => {
		const store = createIncidentStore({incidentId: 'inc-20261122-0300-obsv', env: {context: 'prod-eu', namespace: 'shop', author: 'carol@laptop-3'}});
		store.getState().eventsAppended([
			timelineEvent('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'}, new Date(Date.now() - 60_000).toISOString()),
			timelineEvent('role.assigned', {user: 'carol@laptop-3', role: 'observer', previous: 'responder'}, new Date(Date.now() - 30_000).toISOString()),
		]);
		const controller = recordingController();
		const ui = await renderCockpit({store, controller, width: 160, height: 40});
		cleanup.push(() => ui.unmount());
		// The Pods pane: u, s and r are the keys that act.
		store.getState().focusChanged('pods');
		await ui.waitForFrame(f => /u roll back\S*\s*\(observer\)|u\s+\S.*\(observer\)/.test(f.split('\n').at(-1)!), 'the footer marks u as disabled for an observer');
		expect(ui.frame().split('\n')[0]).toMatch(/\[no IC, you: observer\]/);
		await ui.press('c');
		await ui.waitForFrame(f => /you are an observer in this incident: run one of the config’s commands .* is disabled \(R takes another role\)/.test(f), 'the key says why');
		await ui.press('?');
		await ui.waitForFrame(f => /\(disabled: you are an observer; R takes another role\)/.test(f), 'the help says why');
		expect(controller.calls.filter(([name]) => name === 'requestConfigCommand')).toEqual([]);
	});
});
