import {describe, expect, it} from 'vitest';
import {createIncidentStore, limits} from '../../source/store/store.js';
import {focusedKind, paneLines} from '../../source/kinds/panes.js';
import {kindById} from '../../source/kinds/registry.js';
import {deployment, pod} from '../support/fixtures.js';
import {replay} from '../../source/timeline/incident.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {clusterData} from '../../source/kinds/pods/cluster-data.js';
import {healthData} from '../../source/kinds/health/data.js';
import {podsData} from '../../source/kinds/pods/data.js';

let seq = 0;
function event(type: AnyTimelineEvent['type'], data: unknown, at = `2026-11-22T03:00:${String(seq % 60).padStart(2, '0')}.000Z`): AnyTimelineEvent {
	return {v: 1, id: `e${++seq}`, at, by: 'alice@bastion', type, data} as AnyTimelineEvent;
}

describe('incident store', () => {
	it('is a fresh store per call', () => {
		const a = createIncidentStore();
		const b = createIncidentStore();
		a.getState().focusChanged('pods');
		expect(focusedKind(b.getState()).id).toBe('health');
	});

	it('replays the journal into incident state', () => {
		const events = [
			event('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'}, '2026-11-22T03:00:00.000Z'),
			event('status.changed', {from: 'investigating', to: 'identified'}, '2026-11-22T03:05:00.000Z'),
			event('severity.changed', {from: 'SEV2', to: 'SEV1'}, '2026-11-22T03:06:00.000Z'),
			event('step.checked', {runbookId: 'r', stepId: 's1', title: 'x'}, '2026-11-22T03:07:00.000Z'),
			event('step.checked', {runbookId: 'r', stepId: 's2', title: 'y'}, '2026-11-22T03:07:30.000Z'),
			event('step.unchecked', {runbookId: 'r', stepId: 's1', title: 'x'}, '2026-11-22T03:08:00.000Z'),
		];
		const incident = replay('inc-1', events);
		expect(incident).toMatchObject({title: 'Checkout 5xx', severity: 'SEV1', status: 'identified', checkedSteps: {s2: true}});
		expect(incident.milestones).toEqual({investigating: '2026-11-22T03:00:00.000Z', identified: '2026-11-22T03:05:00.000Z'});

		const store = createIncidentStore({incidentId: 'inc-1'});
		store.getState().eventsAppended(events.slice(0, 3));
		store.getState().eventsAppended(events); // duplicates from following the journal are ignored
		expect(store.getState().timeline).toHaveLength(events.length);
		expect(store.getState().incident).toEqual(incident);
	});

	it('keeps interleaved events from two operators in time order', () => {
		const store = createIncidentStore();
		store.getState().eventsAppended([event('note.added', {text: 'b'}, '2026-11-22T03:00:02.000Z')]);
		store.getState().eventsAppended([event('note.added', {text: 'a'}, '2026-11-22T03:00:01.000Z')]);
		expect(store.getState().timeline.map(e => (e.data as {text: string}).text)).toEqual(['a', 'b']);
	});

	it('bounds the timeline and streamed output', () => {
		const store = createIncidentStore();
		const many = Array.from({length: limits.timelineEvents + 10}, (_, i) => event('note.added', {text: String(i)}, `2026-11-22T03:00:00.${String(i % 1000).padStart(3, '0')}Z`));
		store.getState().eventsAppended(many);
		expect(store.getState().timeline.length).toBe(limits.timelineEvents);
		store.getState().actionStarted('a1', 'cmd');
		for (let i = 0; i < limits.outputLines + 5; i++) store.getState().actionOutput('a1', `line ${i}`);
		expect(store.getState().activity.running?.output).toHaveLength(limits.outputLines);
		expect(store.getState().activity.running?.output.at(-1)).toBe(`line ${limits.outputLines + 4}`);
	});

	it('marks a failed feed as error and keeps its last good data', () => {
		const store = createIncidentStore({now: () => 1000});
		store.getState().dataReceived(healthData, [{name: 'api', url: 'http://x', ok: true, tone: 'ok', dependencies: [], checkedAt: 1000}], 1000);
		store.getState().feedFailed('health', 'timeout after 2000 ms', 5000);
		const state = store.getState();
		expect(healthData.of(state)).toHaveLength(1);
		expect(state.feeds.health).toMatchObject({status: 'error', error: 'timeout after 2000 ms', lastOkAt: 1000});
	});

	it('clamps selection to the list, and keeps the key of the row it is on', () => {
		const store = createIncidentStore();
		const rows = [{key: 'a'}, {key: 'b'}, {key: 'c'}];
		store.getState().selectionMoved('pods', 5, rows);
		expect(store.getState().ui.selected.pods).toEqual({index: 2, key: 'c'});
		store.getState().selectionMoved('pods', -10, rows);
		expect(store.getState().ui.selected.pods).toEqual({index: 0, key: 'a'});
		store.getState().selectionSet('pods', 1, rows);
		expect(store.getState().ui.selected.pods).toEqual({index: 1, key: 'b'});
		// Moving starts from where its row is now: 'b' moved to the end, so one up is 'c'.
		store.getState().selectionMoved('pods', -1, [{key: 'a'}, {key: 'c'}, {key: 'b'}]);
		expect(store.getState().ui.selected.pods).toEqual({index: 1, key: 'c'});
		store.getState().selectionMoved('pods', 1, []);
		expect(store.getState().ui.selected.pods).toEqual({index: 0});
	});
});

describe('paneLines: what a pane fills when it has room', () => {
	it('counts the title, the feed line while loading or failing, and the rows the filter leaves', () => {
		const store = createIncidentStore();
		const lines = () => paneLines(store.getState(), kindById('pods')!, store.cache);
		// Title and the line that says there are no pods.
		expect(lines()).toBe(2);
		store.getState().feedLoading('cluster');
		expect(lines()).toBe(3);
		store.getState().dataReceived(podsData, clusterData([pod('api-1', 'api'), pod('api-2', 'api'), pod('web-1', 'web')], [deployment('api'), deployment('web')]));
		// Title, column headers, two deployment rows and three pods; the feed is fresh again.
		expect(lines()).toBe(7);
		store.getState().filterChanged('pods', 'web');
		expect(lines()).toBe(4);
		store.getState().feedFailed('cluster', 'watch refused');
		expect(lines()).toBe(5);
	});
});

describe('text from outside in the store', () => {
	it('keeps messages, bodies, labels, output, log lines and dialogs with controls shown and secrets masked, names as they are', () => {
		const store = createIncidentStore();
		const state = store.getState();
		state.feedFailed('health', 'HTTP 401: {"authorization":"Bearer abcdefgh12345678"}\u001B]52;c;eA==\u0007');
		state.actionOutput('nothing', 'dropped: no action runs');
		state.actionStarted('a1', 'Run');
		state.actionOutput('a1', 'line\twith tab and \u001B[2J and password=hunter2');
		state.dialogOpened({kind: 'details', title: 'Pod: x\u0007', lines: ['event: first\nsecond\r\nthird', '-----BEGIN PRIVATE KEY-----', 'QUJDREVGR0g=', '-----END PRIVATE KEY-----']});
		state.dataReceived(podsData, clusterData([{name: 'pod-\u001B]0;x\u0007', namespace: 'shop', phase: 'Running', ready: 1, containers: 1, restarts: 0, createdAt: '2026-12-19T00:00:00Z'}], []));
		const after = store.getState();
		expect(after.feeds['health']?.error).toBe('HTTP 401: {"authorization":"Bearer [REDACTED]"}␛]52;c;eA==␇');
		expect(after.activity.running?.output).toEqual(['line    with tab and ␛[2J and password=[REDACTED]']);
		expect(after.ui.dialog).toEqual({kind: 'details', title: 'Pod: x␇', lines: ['event: first', 'second', 'third', '-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----', '[REDACTED]', '[REDACTED]-----END PRIVATE KEY-----']});
		// A pod's name identifies it to the API: kept, and made safe where it is drawn.
		expect([...podsData.of(after).pods.keys()]).toEqual(['pod-\u001B]0;x\u0007']);
	});
});
