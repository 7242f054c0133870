/**
 * A demo incident is a drill: its post-mortem scores the run (time to detect, to act, to recover,
 * steps followed), from the journal alone.
 */
import {describe, expect, it} from 'vitest';
import {drillInput} from '../../source/demo/resume.js';
import {loadRunbook} from '../../source/runbook/library.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {exportPostmortem, type PostmortemData} from '../../source/timeline/export.js';

const t0 = Date.parse('2026-12-06T03:00:00.000Z');
let n = 0;
function event(seconds: number, type: string, data: object, by = 'alice@bastion'): AnyTimelineEvent {
	return {v: 1, id: `e${++n}`, at: new Date(t0 + seconds * 1000).toISOString(), by, type, data} as AnyTimelineEvent;
}

const target = {context: 'demo', namespace: 'shop', object: 'deployment/checkout'};
const rollback = {actionId: 'act-1', kind: 'rollback', target, change: 'revision 3 -> 2', kubectl: 'kubectl --context demo -n shop rollout undo deployment/checkout --to-revision=2'};

/** A drill run: opened, alerted, the responder reacts at 45 s, runs history, rolls back at 2 min, recovery verified at 3 min 30 s. */
function drillRun(demo = true): AnyTimelineEvent[] {
	return [
		event(0, 'incident.opened', {title: 'Checkout 5xx after deploy of 1.8.0', severity: 'SEV2', ...(demo ? {demo: true} : {}), context: 'demo', namespace: 'shop'}),
		event(0, 'runbook.selected', {id: 'bad-deploy', title: 'Bad deploy', source: 'builtin:bad-deploy', reason: 'configured', variables: {namespace: 'shop', deployment: 'checkout'}}),
		event(3, 'signal', {kind: 'threshold.crossed', level: 'crit', message: '5xx ratio above critical 5%', subject: 'error_ratio', value: 0.09}),
		event(45, 'step.checked', {runbookId: 'bad-deploy', stepId: 'take-command-and-open-the-incident-channel', title: 'Take command and open the incident channel'}),
		event(60, 'action.succeeded', {actionId: 'cmd-1', kind: 'command', target: {...target, object: 'command/history'}, change: 'run', kubectl: 'kubectl rollout history deployment/checkout --namespace shop', durationMs: 300, exitCode: 0}),
		event(110, 'action.requested', rollback),
		event(118, 'action.confirmed', rollback),
		event(120, 'action.succeeded', {...rollback, durationMs: 90, outcome: 'rolled back'}),
		event(120, 'step.checked', {runbookId: 'bad-deploy', stepId: 'roll-back-to-the-previous-revision', title: 'Roll back to the previous revision', auto: true, doneBy: 'rollback of deployment/checkout'}),
		event(160, 'signal', {kind: 'threshold.crossed', level: 'ok', message: '5xx ratio back under 1%', subject: 'error_ratio', value: 0.004}),
		event(210, 'signal', {kind: 'recovery.verified', level: 'ok', message: 'recovery verified: 5xx ratio stayed under 1% for 90 s after the rollback', subject: 'deployment/checkout'}),
		event(215, 'status.changed', {from: 'investigating', to: 'mitigated'}),
	];
}

describe('the drill score in a demo incident’s post-mortem', () => {
	it('gives the times to detect, to act and to recover, and the steps followed, in Markdown and JSON', async () => {
		const events = drillRun();
		const runbook = await loadRunbook('bad-deploy');
		const options = {incidentId: 'inc-20261206-0300-demo', runbook, drill: drillInput(events)!, now: new Date(t0 + 600_000)};
		const md = exportPostmortem(events, {...options, format: 'md'});
		expect(md).toContain('## Drill score');
		expect(md).toContain('| Time to detect | 45 s | step checked: Take command and open the incident channel |');
		expect(md).toContain('| Time to act | 2 min | rollback of deployment/checkout (kubectl --context demo -n shop rollout undo deployment/checkout --to-revision=2) |');
		expect(md).toContain('| Time to recover | 2 min 40 s | 5xx ratio back under 1% |');
		expect(md).toMatch(/\| Steps followed \| 2 of 9 \| not done: Confirm errors started with the rollout; Check the new pods; /);
		const json = JSON.parse(exportPostmortem(events, {...options, format: 'json'})) as PostmortemData;
		expect(json.drill).toMatchObject({
			startedAt: '2026-12-06T03:00:00.000Z',
			detected: {sinceStartMs: 45_000},
			acted: {sinceStartMs: 120_000},
			recovered: {sinceStartMs: 160_000},
			steps: {followed: 2, total: 9},
		});
	});

	it('counts a runbook command that changed the cluster as acting, and says what did not happen', () => {
		const events = [
			event(0, 'incident.opened', {title: 'drill', severity: 'SEV2', demo: true}),
			event(30, 'note.added', {text: 'errors since the 1.8.0 deploy'}),
			event(90, 'action.succeeded', {actionId: 'cmd-2', kind: 'command', target: {...target, object: 'command/scale'}, change: 'run', kubectl: 'kubectl scale deployment/checkout --replicas=6', durationMs: 300, exitCode: 0}),
		];
		const md = exportPostmortem(events, {format: 'md', incidentId: 'inc-1', drill: drillInput(events)!});
		expect(md).toContain('| Time to detect | 30 s | note: errors since the 1.8.0 deploy |');
		expect(md).toContain('| Time to act | 1 min 30 s | runbook command: kubectl scale deployment/checkout --replicas=6 |');
		expect(md).toContain('| Time to recover | - | no recovery was recorded after the change |');
		const idle = [event(0, 'incident.opened', {title: 'drill', severity: 'SEV2', demo: true})];
		const none = exportPostmortem(idle, {format: 'md', incidentId: 'inc-2', drill: drillInput(idle)!});
		expect(none).toContain('| Time to detect | - | no reaction was recorded |');
		expect(none).toContain('| Time to act | - | no change was made to the cluster |');
	});

	it('scores no real incident', () => {
		const events = drillRun(false);
		expect(drillInput(events)).toBeUndefined();
		expect(exportPostmortem(events, {format: 'md', incidentId: 'inc-3'})).not.toContain('Drill score');
	});
});
