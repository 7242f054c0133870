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
