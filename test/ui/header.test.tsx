import {afterEach, describe, expect, it} from 'vitest';
import {createIncidentStore} from '../../source/store/store.js';
import {timelineEvent} from '../support/fixtures.js';
import {renderCockpit} from '../support/render-cockpit.js';

let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const fn of cleanup) fn();
	cleanup = [];
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('the header’s elapsed clock', () => {
	it('stops at the resolve and says so, and runs again from the opening when the incident is reopened', async () => {
		const store = createIncidentStore({incidentId: 'inc-20261122-0300-clok', env: {context: 'prod-eu', namespace: 'shop'}});
		// Opened an hour ago, resolved 42 minutes in.
		store.getState().eventsAppended([
			timelineEvent('incident.opened', {title: 'Checkout 5xx after deploy', severity: 'SEV2'}, minutesAgo(60)),
			timelineEvent('status.changed', {from: 'investigating', to: 'mitigated'}, minutesAgo(30)),
			timelineEvent('status.changed', {from: 'mitigated', to: 'resolved'}, minutesAgo(18)),
		]);
		const ui = await renderCockpit({store, width: 150, height: 40});
		cleanup.push(() => ui.unmount());
		const header = () => ui.frame().split('\n')[0]!;
		expect(header()).toMatch(/ resolved in 42m /);
		expect(header()).not.toMatch(/1h00m|59m/);

		// Reopened now: the clock runs again, counting from the opening.
		store.getState().eventsAppended([timelineEvent('status.changed', {from: 'resolved', to: 'investigating'}, minutesAgo(0))]);
		await ui.waitForFrame(f => / investigating (59m|1h00m) /.test(f.split('\n')[0]!), 'the clock running again');
		// Resolved again: it stops at the latest resolve, not the first.
		store.getState().eventsAppended([timelineEvent('status.changed', {from: 'investigating', to: 'resolved'}, new Date(Date.now() + 1000).toISOString())]);
		await ui.waitForFrame(f => / resolved in (59m|1h00m) /.test(f.split('\n')[0]!), 'stopped at the second resolve');
	});
});

describe('the header’s sync state', () => {
	it('says offline and how many events wait, and nothing without sync', async () => {
		const store = createIncidentStore({incidentId: 'inc-20261122-0300-sync', env: {context: 'prod-eu', namespace: 'shop'}});
		store.getState().eventsAppended([timelineEvent('incident.opened', {title: 'Checkout 5xx after deploy', severity: 'SEV2'}, minutesAgo(5))]);
		const ui = await renderCockpit({store, width: 150, height: 40});
		cleanup.push(() => ui.unmount());
		const header = () => ui.frame().split('\n')[0]!;
		expect(header()).not.toMatch(/sync:/);
		store.getState().syncReported({state: 'offline', since: minutesAgo(1), database: 'postgres://app@db:5432/incidents', waiting: 12, refused: 0, present: []});
		await ui.waitForFrame(f => /\[sync: offline, 12 events waiting\] /.test(f.split('\n')[0]!), 'the sync state in the header');
		store.getState().syncReported({state: 'online', since: minutesAgo(0), database: 'postgres://app@db:5432/incidents', waiting: 0, refused: 0, present: []});
		await ui.waitForFrame(f => /\[sync: online\] /.test(f.split('\n')[0]!), 'online in the header');
	});
});

describe('the header’s people in a shared incident', () => {
	const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
	const status = (present: Array<{user: string; lastSeen: string; present: boolean; why?: 'left' | 'silent' | 'never joined'}>) =>
		({state: 'online', since: minutesAgo(1), database: 'postgres://app@db:5432/incidents', waiting: 0, refused: 0, present}) as const;

	it('names who else is in the incident and when each was last seen; those who left or went silent drop off', async () => {
		const store = createIncidentStore({incidentId: 'inc-20261122-0300-pres', env: {context: 'prod-eu', namespace: 'shop', author: 'alice@bastion-1'}});
		store.getState().eventsAppended([timelineEvent('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'}, minutesAgo(5))]);
		const ui = await renderCockpit({store, width: 200, height: 40});
		cleanup.push(() => ui.unmount());
		const header = () => ui.frame().split('\n')[0]!;
		store.getState().syncReported(
			status([
				{user: 'alice@bastion-1', lastSeen: secondsAgo(1), present: true},
				{user: 'bob@bastion-2', lastSeen: secondsAgo(12), present: true},
				{user: 'carol@laptop-3', lastSeen: secondsAgo(30), present: false, why: 'left'},
				// Present when the sync last said so, but not seen for 4 minutes: its cockpit died.
				{user: 'dave@laptop-4', lastSeen: minutesAgo(4), present: true},
			]),
		);
		await ui.waitForFrame(f => /with bob@bastion-2 \(seen 1\ds ago\)/.test(f.split('\n')[0]!), 'bob in the header, with when he was last seen');
		expect(header()).not.toMatch(/carol|dave|with alice/);
		store.getState().syncReported(status([{user: 'alice@bastion-1', lastSeen: secondsAgo(1), present: true}, {user: 'bob@bastion-2', lastSeen: secondsAgo(2), present: false, why: 'left'}]));
		await ui.waitForFrame(f => !/bob@bastion-2/.test(f.split('\n')[0]!), 'bob gone from the header once he left');
	});
});
