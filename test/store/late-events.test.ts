import {describe, expect, it} from 'vitest';
import {createIncidentStore} from '../../source/store/store.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';

/**
 * Another host's event that happened before the newest one shown (pulled late by the sync, or written
 * by an offline host): what is derived from the timeline (severity, status, ticks, pins) is replayed in
 * time order, as on every other host, not left as the events happened to arrive.
 */

function event(id: string, at: string, type: string, data: unknown, by = 'alice@a'): AnyTimelineEvent {
	return {v: 1, id, at: `2026-11-22T03:${at}.000Z`, by, type, data} as AnyTimelineEvent;
}

const opened = event('e1', '00:00', 'incident.opened', {title: 'Checkout 5xx', severity: 'SEV3'});
const bobSev1 = event('e2', '01:00', 'severity.changed', {from: 'SEV3', to: 'SEV1'}, 'bob@b');
const aliceSev2 = event('e3', '02:00', 'severity.changed', {from: 'SEV3', to: 'SEV2'});
const aliceMitigated = event('e4', '03:00', 'status.changed', {from: 'investigating', to: 'mitigated'});
const bobIdentified = event('e5', '01:30', 'status.changed', {from: 'investigating', to: 'identified'}, 'bob@b');

describe('events that arrive after later ones', () => {
	it('give the same severity and status on every host, whatever the order they arrived in', () => {
		const here = createIncidentStore({incidentId: 'inc-20261122-0300-late'});
		here.getState().eventsAppended([opened, aliceSev2, aliceMitigated]);
		// Bob's, from before alice's, arrive now.
		here.getState().eventsAppended([bobSev1, bobIdentified]);
		const there = createIncidentStore({incidentId: 'inc-20261122-0300-late'});
		there.getState().eventsAppended([opened, bobSev1, bobIdentified, aliceSev2, aliceMitigated]);
		for (const store of [here, there]) {
			const {incident, timeline} = store.getState();
			expect(incident.severity).toBe('SEV2');
			expect(incident.status).toBe('mitigated');
			expect(incident.milestones).toMatchObject({identified: bobIdentified.at, mitigated: aliceMitigated.at});
			expect(timeline.map(e => e.id)).toEqual(['e1', 'e2', 'e5', 'e3', 'e4']);
		}
	});
});
