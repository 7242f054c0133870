import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import type {Runbook} from '../../source/runbook/model.js';
import {describeEvent, formatDuration} from '../../source/timeline/describe.js';
import type {AnyTimelineEvent, EventData, EventType} from '../../source/timeline/events.js';
import {buildPostmortem, exportPostmortem, type PostmortemData} from '../../source/timeline/export.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = path.join(here, '..', 'fixtures', 'export', 'postmortem.md');

let seq = 0;
function ev<T extends EventType>(time: string, by: string, type: T, data: EventData[T], id = `e${String(++seq).padStart(2, '0')}`): AnyTimelineEvent {
	return {v: 1, id, at: `2026-11-22T${time}Z`, by, type, data} as AnyTimelineEvent;
}

const target = {context: 'prod-eu', namespace: 'shop', object: 'deployment/checkout'};
const alice = 'alice@bastion-1';
const bob = 'bob@bastion-1';
const cockpit = 'alice@bastion-1';

const events: AnyTimelineEvent[] = [
	ev('03:04:05.000', alice, 'incident.opened', {title: 'Checkout 5xx spike', severity: 'SEV2', context: 'prod-eu', namespace: 'shop'}),
	ev('03:04:20.000', cockpit, 'signal', {kind: 'threshold.crossed', level: 'crit', message: 'error ratio 12.0% above 5% (critical)', subject: 'error-ratio', value: 0.12}),
	ev('03:05:00.000', alice, 'runbook.selected', {id: 'checkout-5xx', title: 'Checkout 5xx', source: 'runbooks/checkout-5xx.yaml', reason: 'alert CheckoutErrors'}),
	ev('03:06:10.000', cockpit, 'signal', {kind: 'pod.oomkilled', level: 'crit', message: 'pod checkout-7d9f-abcde OOMKilled (restarts 3)', subject: 'checkout-7d9f-abcde'}),
	ev('03:07:00.000', alice, 'step.checked', {runbookId: 'checkout-5xx', stepId: 'check-deploys', title: 'Check recent deploys'}),
	ev('03:08:30.000', bob, 'note.added', {text: 'Deploy 1.4.0 went out at 02:58 | memory limit unchanged'}, 'note-deploy'),
	ev('03:09:00.000', bob, 'event.pinned', {eventId: 'note-deploy', pinned: true}),
	ev('03:09:30.000', alice, 'status.changed', {from: 'investigating', to: 'identified'}),
	ev('03:10:00.000', alice, 'severity.changed', {from: 'SEV2', to: 'SEV1'}),
	ev('03:10:30.000', alice, 'action.requested', {actionId: 'act-rb', kind: 'rollback', target, change: 'revision 7 (checkout:1.4.0) -> revision 6 (checkout:1.3.2)', kubectl: 'kubectl --context prod-eu -n shop rollout undo deployment/checkout --to-revision=6'}),
	ev('03:10:45.000', alice, 'action.confirmed', {actionId: 'act-rb', kind: 'rollback', target, change: 'revision 7 (checkout:1.4.0) -> revision 6 (checkout:1.3.2)', kubectl: 'kubectl --context prod-eu -n shop rollout undo deployment/checkout --to-revision=6'}),
	ev('03:10:46.200', alice, 'action.succeeded', {actionId: 'act-rb', kind: 'rollback', target, change: 'revision 7 (checkout:1.4.0) -> revision 6 (checkout:1.3.2)', kubectl: 'kubectl --context prod-eu -n shop rollout undo deployment/checkout --to-revision=6', durationMs: 1200}, 'rb-done'),
	ev('03:10:46.300', alice, 'step.checked', {runbookId: 'checkout-5xx', stepId: 'rollback', title: 'Roll back the bad deploy', auto: true, doneBy: 'rollback of deployment/checkout'}),
	ev('03:10:50.000', alice, 'event.pinned', {eventId: 'rb-done', pinned: true}),
	ev('03:11:00.000', bob, 'action.requested', {actionId: 'act-scale', kind: 'scale', target, change: 'replicas 4 -> 8', kubectl: 'kubectl --context prod-eu -n shop scale deployment/checkout --replicas=8'}),
	ev('03:11:05.000', bob, 'action.cancelled', {actionId: 'act-scale', kind: 'scale', target, change: 'replicas 4 -> 8'}),
	ev('03:12:00.000', bob, 'action.confirmed', {actionId: 'act-cmd', kind: 'command', target: {context: 'prod-eu', namespace: 'shop', object: 'command/top-pods'}, change: 'run kubectl -n shop top pods', kubectl: 'kubectl -n shop top pods'}),
	ev('03:12:03.500', bob, 'action.failed', {actionId: 'act-cmd', kind: 'command', target: {context: 'prod-eu', namespace: 'shop', object: 'command/top-pods'}, change: 'run kubectl -n shop top pods', kubectl: 'kubectl -n shop top pods', durationMs: 3500, exitCode: 1, error: 'exit 1', output: 'error: Metrics API not available\n```not a fence end'}),
	ev('03:14:00.000', cockpit, 'signal', {kind: 'rollout.finished', level: 'ok', message: 'rollout of deployment/checkout finished (4/4 ready)'}),
	ev('03:15:00.000', alice, 'status.changed', {from: 'identified', to: 'mitigated'}),
	ev('03:19:00.000', cockpit, 'signal', {kind: 'recovery.verified', level: 'ok', message: 'recovered: error ratio 0.2% below 1% for 5 min'}),
	ev('03:19:30.000', alice, 'step.checked', {runbookId: 'checkout-5xx', stepId: 'verify', title: 'Verify recovery', auto: true}),
	ev('03:40:00.000', alice, 'status.changed', {from: 'mitigated', to: 'resolved'}),
	ev('03:41:00.000', alice, 'incident.closed', {summary: 'Rolled back 1.4.0'}),
];

const runbook: Runbook = {
	id: 'checkout-5xx',
	title: 'Checkout 5xx',
	source: 'runbooks/checkout-5xx.yaml',
	format: 'yaml',
	alerts: [],
	variables: [],
	queries: [],
	sections: [],
	escalation: [],
	steps: [
		{id: 'check-deploys', title: 'Check recent deploys', depth: 0, text: [], queries: [], commands: []},
		{id: 'check-oom', title: 'Look for OOMKilled pods', depth: 1, text: [], queries: [], commands: []},
		{id: 'rollback', title: 'Roll back the bad deploy', depth: 0, text: [], queries: [], commands: []},
		{id: 'verify', title: 'Verify recovery', depth: 0, text: [], queries: [], commands: []},
	],
};

const now = new Date('2026-11-22T09:00:00Z');

describe('exportPostmortem', () => {
	it('matches the golden Markdown draft', async () => {
		const markdown = exportPostmortem(events, {format: 'md', incidentId: 'inc-20261122-0304-ab12', runbook, now});
		if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(golden, markdown);
		expect(markdown).toBe(await readFile(golden, 'utf8'));
	});

	it('counts an incident taken straight to resolved as mitigated then', () => {
		const straight = events.filter(e => !(e.type === 'status.changed' && (e.data as {to: string}).to === 'mitigated'));
		const data = JSON.parse(exportPostmortem(straight, {format: 'json', incidentId: 'inc-1', runbook, now})) as PostmortemData;
		expect(data.timeTo.mitigateMs).toBe(data.timeTo.resolveMs);
	});

	it('gives the same facts as structured JSON', () => {
		const data = JSON.parse(exportPostmortem(events, {format: 'json', incidentId: 'inc-1', runbook, now})) as PostmortemData;
		expect(data.incident).toEqual({
			id: 'inc-1',
			title: 'Checkout 5xx spike',
			severity: 'SEV1',
			status: 'resolved',
			openedAt: '2026-11-22T03:04:05.000Z',
			closedAt: '2026-11-22T03:41:00.000Z',
			durationMs: 36 * 60_000 + 55_000,
			stillOpen: false,
			demo: false,
		});
		expect(data.detection.at).toBe('2026-11-22T03:04:05.000Z');
		expect(data.timeTo).toEqual({identifyMs: 5 * 60_000 + 25_000, mitigateMs: 10 * 60_000 + 55_000, resolveMs: 35 * 60_000 + 55_000});
		expect(data.actions.map(a => [a.actionId, a.result])).toEqual([
			['act-rb', 'succeeded'],
			['act-scale', 'cancelled'],
			['act-cmd', 'failed'],
		]);
		expect(data.checklist.map(c => [c.stepId, c.checked])).toEqual([
			['check-deploys', true],
			['check-oom', false],
			['rollback', true],
			['verify', true],
		]);
		expect(data.timeline.filter(row => row.pinned).map(row => row.id)).toEqual(['note-deploy', 'rb-done']);
		expect(data.timeline.some(row => row.type === 'event.pinned')).toBe(false);
		expect(data.sections.actionItems).toEqual([]);
		expect(data.runbook).toEqual({id: 'checkout-5xx', title: 'Checkout 5xx', source: 'runbooks/checkout-5xx.yaml'});
	});

	it('measures from an alert recorded before the opening, and an open incident up to now', () => {
		const early = ev('03:00:00.000', 'x@y', 'signal', {kind: 'alert.firing', level: 'crit', message: 'CheckoutErrors firing'});
		const opened = events[0]!;
		const data = buildPostmortem([opened, early], {incidentId: 'i', now: new Date('2026-11-22T04:04:05Z')});
		expect(data.detection).toMatchObject({at: '2026-11-22T03:00:00.000Z', source: 'first signal: CheckoutErrors firing'});
		expect(data.milestones.map(m => [m.name, m.sinceDetectionMs])).toEqual([
			['detected', 0],
			['opened', 4 * 60_000 + 5000],
		]);
		expect(data.incident).toMatchObject({stillOpen: true, durationMs: 3_600_000});
		expect(data.runbook).toBeUndefined();
		expect(data.checklist).toEqual([]);
	});

	it('lists checklist steps from the journal when no runbook is given', () => {
		const data = buildPostmortem(events, {incidentId: 'i', now});
		expect(data.runbook).toEqual({id: 'checkout-5xx', title: 'Checkout 5xx', source: 'runbooks/checkout-5xx.yaml'});
		expect(data.checklist.map(c => [c.title, c.checked, c.auto ?? false])).toEqual([
			['Check recent deploys', true, false],
			['Roll back the bad deploy', true, true],
			['Verify recovery', true, true],
		]);
	});
});

describe('the checklist of an incident that switched runbooks', () => {
	const latency: Runbook = {...runbook, id: 'latency', title: 'High latency', source: 'builtin:high-latency', steps: [{id: 'rollback', title: 'Roll back if a deploy slowed it', depth: 0, text: [], queries: [], commands: []}]};
	const switched: AnyTimelineEvent[] = [
		...events.slice(0, 6),
		ev('03:08:40.000', alice, 'runbook.selected', {id: 'latency', title: 'High latency', source: 'builtin:high-latency', reason: 'chosen by operator'}),
		ev('03:08:50.000', alice, 'step.checked', {runbookId: 'latency', stepId: 'rollback', title: 'Roll back if a deploy slowed it'}),
	];

	it('keeps the steps ticked in the runbook used first, with the runbook now active', () => {
		const data = buildPostmortem(switched, {incidentId: 'i', runbook: latency, now});
		expect(data.checklist.map(c => [c.runbookId, c.stepId, c.checked])).toEqual([
			['checkout-5xx', 'check-deploys', true],
			['latency', 'rollback', true],
		]);
		expect(data.runbooks).toEqual([
			{id: 'checkout-5xx', title: 'Checkout 5xx', source: 'runbooks/checkout-5xx.yaml', selectedAt: '2026-11-22T03:05:00.000Z'},
			{id: 'latency', title: 'High latency', source: 'builtin:high-latency', selectedAt: '2026-11-22T03:08:40.000Z'},
		]);
		// With every runbook's model at hand, each lists all its steps, touched or not.
		const full = buildPostmortem(switched, {incidentId: 'i', runbook: latency, runbooks: [runbook, latency], now});
		expect(full.checklist.map(c => [c.runbookId, c.stepId, c.checked])).toEqual([
			['checkout-5xx', 'check-deploys', true],
			['checkout-5xx', 'check-oom', false],
			['checkout-5xx', 'rollback', false],
			['checkout-5xx', 'verify', false],
			['latency', 'rollback', true],
		]);
		const markdown = exportPostmortem(switched, {format: 'md', incidentId: 'i', runbook: latency, runbooks: [runbook, latency], now});
		const checklist = markdown.slice(markdown.indexOf('## Runbook checklist'), markdown.indexOf('## Root cause'));
		expect(checklist).toBe(
			[
				'## Runbook checklist',
				'',
				'### Checkout 5xx (`runbooks/checkout-5xx.yaml`), from 03:05:00',
				'',
				'- [x] Check recent deploys (alice@bastion-1, 03:07:00)',
				'  - [ ] Look for OOMKilled pods',
				'- [ ] Roll back the bad deploy',
				'- [ ] Verify recovery',
				'',
				'### High latency (`builtin:high-latency`), from 03:08:40',
				'',
				'- [x] Roll back if a deploy slowed it (alice@bastion-1, 03:08:50)',
				'',
				'',
			].join('\n'),
		);
	});
});

describe('describeEvent', () => {
	it('describes each event type in one line with a tone', () => {
		const rows = events.map(event => describeEvent(event));
		for (const row of rows) expect(row.text).not.toMatch(/\n/);
		expect(rows[0]).toEqual({text: 'Incident opened: Checkout 5xx spike (SEV2)', tone: 'info'});
		expect(rows[8]).toEqual({text: 'Severity raised: SEV2 -> SEV1', tone: 'warn'});
		expect(rows[11]).toEqual({text: 'Done rollback deployment/checkout: revision 7 (checkout:1.4.0) -> revision 6 (checkout:1.3.2) (1.2 s)', tone: 'ok'});
		expect(rows[12]).toEqual({text: 'Step done: Roll back the bad deploy (by the rollback of deployment/checkout)', tone: 'ok'});
		expect(rows[17]).toEqual({text: 'Failed command/top-pods: exit 1 (3.5 s)', tone: 'crit'});
		expect(rows[1]!.tone).toBe('crit');
	});
	it('shows unknown event types instead of hiding them', () => {
		const future = {v: 1, id: 'f', at: '2026-11-22T03:00:00Z', by: 'a@b', type: 'page.sent', data: {to: 'sre'}} as unknown as AnyTimelineEvent;
		expect(describeEvent(future)).toEqual({text: 'page.sent {"to":"sre"}', tone: 'muted'});
	});
	it('formats durations', () => {
		expect([0, 999, 1200, 42_000, 125_000, 3_600_000, 7_440_000].map(formatDuration)).toEqual(['0 ms', '999 ms', '1.2 s', '42 s', '2 min 5 s', '1 h', '2 h 4 min']);
	});
});
