import {describe, expect, it} from 'vitest';
import {startEscalation} from '../../../source/kinds/runbook/escalation.js';
import {createIncidentStore} from '../../../source/store/store.js';
import type {AnyTimelineEvent, AppendEvent} from '../../../source/timeline/events.js';
import {runbookFixture} from '../../support/fixtures.js';
import {waitFor} from '../../support/wait.js';

function setup(openedAt: string) {
	const store = createIncidentStore();
	let n = 0;
	const append: AppendEvent = async (type, data) => {
		const event = {v: 1 as const, id: `e${++n}`, at: new Date().toISOString(), by: 't@h', type, data};
		store.getState().eventsAppended([event as AnyTimelineEvent]);
		return event;
	};
	store.getState().eventsAppended([{v: 1, id: 'open', at: openedAt, by: 't@h', type: 'incident.opened', data: {title: 't', severity: 'SEV2'}}]);
	const runbook = {...runbookFixture(), escalation: [{afterMinutes: 15, to: 'payments lead'}, {afterMinutes: 30, to: 'manager on call'}]};
	return {store, append, runbook};
}

const escalations = (events: readonly AnyTimelineEvent[]) => events.filter(e => e.type === 'signal' && e.data.kind === 'escalation.due');

describe('escalation', () => {
	it('writes each due escalation once, naming whom to call', async () => {
		const {store, append, runbook} = setup('2026-11-22T03:00:00.000Z');
		let clock = Date.parse('2026-11-22T03:16:00.000Z');
		const abort = new AbortController();
		startEscalation({store, append, runbook, signal: abort.signal, now: () => clock, tickMs: 10_000});
		await Promise.resolve();
		expect(escalations(store.getState().timeline).map(e => (e.data as {message: string}).message)).toEqual(['escalate to payments lead: open 15 min without mitigation']);
		// A second cockpit on the same incident does not write it again.
		startEscalation({store, append, runbook, signal: abort.signal, now: () => clock, tickMs: 10_000});
		await Promise.resolve();
		expect(escalations(store.getState().timeline)).toHaveLength(1);
		clock = Date.parse('2026-11-22T03:31:00.000Z');
		startEscalation({store, append, runbook, signal: abort.signal, now: () => clock, tickMs: 10_000});
		await Promise.resolve();
		expect(escalations(store.getState().timeline)).toHaveLength(2);
		abort.abort();
	});

	it('does not escalate a mitigated incident', async () => {
		const {store, append, runbook} = setup('2026-11-22T03:00:00.000Z');
		store.getState().eventsAppended([{v: 1, id: 'm', at: '2026-11-22T03:10:00.000Z', by: 't@h', type: 'status.changed', data: {from: 'investigating', to: 'mitigated'}}]);
		const abort = new AbortController();
		startEscalation({store, append, runbook, signal: abort.signal, now: () => Date.parse('2026-11-22T04:00:00.000Z')});
		await Promise.resolve();
		expect(escalations(store.getState().timeline)).toHaveLength(0);
		abort.abort();
	});

	it('says so when a due escalation cannot be written to the journal, and writes it at the next check', async () => {
		const {store, append, runbook} = setup('2026-11-22T03:00:00.000Z');
		let full = true;
		const failing: AppendEvent = (type, data) => (full ? Promise.reject(new Error('ENOSPC: no space left on device')) : append(type, data));
		const abort = new AbortController();
		startEscalation({store, append: failing, runbook: {...runbook, escalation: [runbook.escalation[0]!]}, signal: abort.signal, now: () => Date.parse('2026-11-22T03:16:00.000Z'), tickMs: 20});
		await waitFor(() => store.getState().ui.flash?.text.includes('not written to the journal'), {message: 'the failed write said'});
		expect(store.getState().ui.flash).toMatchObject({tone: 'crit', text: 'escalation due (escalate to payments lead: open 15 min without mitigation) not written to the journal: ENOSPC: no space left on device'});
		expect(store.getState().warnings).toContain(store.getState().ui.flash!.text);
		full = false;
		await waitFor(() => escalations(store.getState().timeline).length === 1, {message: 'written at a later check'});
		abort.abort();
	});
});
