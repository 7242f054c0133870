import {describe, expect, it} from 'vitest';
import {eventDetails} from '../../../source/kinds/timeline/details.js';
import {timelineRows} from '../../../source/kinds/timeline/rows.js';
import {createIncidentStore} from '../../../source/store/store.js';
import type {DetailsContext} from '../../../source/kinds/types.js';
import {timelineEvent} from '../../support/fixtures.js';

describe('late events in the Timeline', () => {
	it('marks an event that reached the others late, on its row and in its details, at the time it happened', () => {
		const store = createIncidentStore({incidentId: 'inc-20261122-0300-late', env: {context: 'prod-eu', namespace: 'shop'}});
		const opened = timelineEvent('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'}, '2026-11-22T03:00:00.000Z');
		const late = timelineEvent('note.added', {text: 'restarted the consumer'}, '2026-11-22T03:04:05.000Z');
		const onTime = timelineEvent('note.added', {text: 'errors falling'}, '2026-11-22T03:10:00.000Z');
		store.getState().eventsAppended([opened, onTime]);
		// It arrives last (from a host that was offline), and is placed where it happened.
		store.getState().eventsAppended([late]);
		const text = () => timelineRows(store.getState(), store.cache).map(row => row.cells.at(-1)!.text);
		expect(text()).toEqual(['Incident opened: Checkout 5xx (SEV2)', 'Note: restarted the consumer', 'Note: errors falling']);
		store.getState().syncReported({state: 'online', since: '2026-11-22T03:12:44.000Z', database: 'postgres://app@db/incidents', waiting: 0, refused: 0, present: [], late: {[late.id]: '2026-11-22T03:12:44.120Z'}});
		// Still at the time it happened (second), marked with when it reached the others.
		expect(text()).toEqual(['Incident opened: Checkout 5xx (SEV2)', 'Note: restarted the consumer (reached others 03:12:44)', 'Note: errors falling']);
		const details = eventDetails({kind: 'timeline', key: late.id}, {state: store.getState()} as unknown as DetailsContext);
		expect(details.lines).toContain('reached   2026-11-22 03:12:44.120 UTC (reached others 03:12:44, 8m39s after it happened: its host was offline)');
		expect(eventDetails({kind: 'timeline', key: onTime.id}, {state: store.getState()} as unknown as DetailsContext).lines.join('\n')).not.toMatch(/reached/);
	});
});
