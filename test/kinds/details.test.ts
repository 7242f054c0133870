import {describe, expect, it} from 'vitest';
import {detailsFor} from '../../source/kinds/panes.js';
import type {Cluster, EventInfo, PodLogTail, RevisionInfo} from '../../source/ports/cluster.js';
import type {Metrics, RangeSeries} from '../../source/ports/metrics.js';
import {createIncidentStore} from '../../source/store/store.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {deployment, fullState, pod, runbookFixture, timelineEvent} from '../support/fixtures.js';
import {clusterData} from '../../source/kinds/pods/cluster-data.js';
import {healthData} from '../../source/kinds/health/data.js';
import {podsData} from '../../source/kinds/pods/data.js';

const now = Date.parse('2026-11-22T03:10:00Z');

function stateWithPod() {
	const store = createIncidentStore({env: {context: 'prod-eu', namespace: 'shop'}});
	store.getState().dataReceived(podsData, clusterData([pod('checkout-7d9f8-aaaaa', 'checkout', {restarts: 3, lastTerminationReason: 'OOMKilled'})], [deployment('checkout')]));
	return store.getState();
}

/** A Cluster whose pod reads are the given functions; everything else is not used here. */
function readsOnly(reads: Partial<Pick<Cluster, 'events' | 'podLog' | 'history' | 'podNow'>>): Cluster {
	const unused = () => Promise.reject(new Error('not used'));
	return {context: 'prod-eu', namespace: 'shop', watch: unused, history: unused, undo: unused, scale: unused, restart: unused, autoscalerFor: unused, events: unused, podLog: unused, podNow: unused, followLog: unused, ...reads};
}

const ref = {kind: 'pods', key: 'pod/checkout-7d9f8-aaaaa', pod: 'checkout-7d9f8-aaaaa', deployment: 'checkout'};

describe('pod details', () => {
	it('show the pod’s events and the end of its log from before the restart, secrets masked', async () => {
		const events: EventInfo[] = [
			{type: 'Normal', reason: 'Pulled', message: 'Container image "shop/checkout:1.8.0" already present on machine', count: 4, lastSeen: '2026-11-22T03:07:00Z'},
			{type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container checkout', count: 2, lastSeen: '2026-11-22T03:09:30Z'},
		];
		const log: PodLogTail = {container: 'checkout', previous: true, lines: ['starting', 'connecting to postgres://app:hunter2@db:5432/shop', 'heap 508 MiB of 512 MiB']};
		const asked: Array<[string, number]> = [];
		const cluster = readsOnly({
			podNow: async () => ({
				pod: pod('checkout-7d9f8-aaaaa', 'checkout', {restarts: 3, lastTerminationReason: 'Error', waitingReason: 'CrashLoopBackOff', ready: 0}),
				containers: [
					{name: 'migrate', init: true, ready: false, restarts: 0, state: 'terminated: Completed (exit 0)'},
					{name: 'checkout', ready: false, restarts: 3, state: 'waiting: CrashLoopBackOff', lastTermination: {reason: 'Error', exitCode: 1, finishedAt: '2026-11-22T03:08:00Z', message: 'fatal: cannot reach postgres://app:hunter2@db:5432/shop\nexiting'}},
				],
			}),
			events: async (kind, name) => (kind === 'Pod' && name === 'checkout-7d9f8-aaaaa' ? events : []),
			podLog: async (name, tail) => {
				asked.push([name, tail]);
				return log;
			},
		});
		const details = await detailsFor(ref, stateWithPod(), cluster, {redact: createRedactor(), now: () => now});
		expect(details.title).toBe('Pod: checkout-7d9f8-aaaaa');
		expect(asked).toEqual([['checkout-7d9f8-aaaaa', 20]]);
		const text = details.lines.join('\n');
		expect(details.lines).toContain('   3m00s  Normal  Pulled ×4: Container image "shop/checkout:1.8.0" already present on machine');
		expect(details.lines).toContain('     30s  Warning BackOff ×2: Back-off restarting failed container checkout');
		expect(text).toContain('log of checkout, before its last restart (kubectl logs checkout-7d9f8-aaaaa -c checkout --previous --tail=20):');
		expect(text).toContain('  heap 508 MiB of 512 MiB');
		const containers = details.lines.slice(details.lines.indexOf('containers:') + 1, details.lines.indexOf('containers:') + 6);
		expect(containers[0]).toBe('  init migrate  0 restarts, terminated: Completed (exit 0)');
		expect(containers[1]).toBe('  checkout  not ready, 3 restarts, waiting: CrashLoopBackOff');
		expect(containers[2]).toBe('    last run ended: Error (exit 1), 2m00s ago');
		expect(containers[3]).toMatch(/^ {4}fatal: cannot reach postgres:\/\/app:.*@db:5432\/shop$/);
		expect(containers[4]).toBe('    exiting');
		expect(text).not.toContain('hunter2');
		expect(text).toContain('kubectl --context prod-eu -n shop describe pod checkout-7d9f8-aaaaa');
	});

	it('sum the pod up as read just now, not as the pane last showed it, so the summary agrees with its containers', async () => {
		const store = createIncidentStore({env: {context: 'prod-eu', namespace: 'shop'}});
		store.getState().dataReceived(podsData, clusterData([pod('checkout-7d9f8-aaaaa', 'checkout')], [deployment('checkout')]));
		const killed = readsOnly({
			podNow: async () => ({
				pod: pod('checkout-7d9f8-aaaaa', 'checkout', {ready: 0, restarts: 1, lastTerminationReason: 'OOMKilled'}),
				containers: [{name: 'checkout', ready: false, restarts: 1, state: 'running', lastTermination: {reason: 'OOMKilled', exitCode: 137}}],
			}),
			events: async () => [],
			podLog: async () => ({container: 'checkout', previous: true, lines: []}),
		});
		const fresh = await detailsFor(ref, store.getState(), killed, {now: () => now});
		expect(fresh.lines).toEqual(expect.arrayContaining(['ready       0/1', 'restarts    1', 'last exit   OOMKilled', '  checkout  not ready, 1 restart, running']));
		// When the read fails, the pane's row is what there is, and the details say so.
		const refused = readsOnly({
			podNow: async () => {
				throw new Error('pods "checkout-7d9f8-aaaaa" is forbidden');
			},
			events: async () => [],
			podLog: async () => ({container: 'checkout', previous: false, lines: []}),
		});
		const stale = await detailsFor(ref, store.getState(), refused, {now: () => now});
		expect(stale.lines).toEqual(expect.arrayContaining(['ready       1/1', 'restarts    0', `  unavailable: pods "checkout-7d9f8-aaaaa" is forbidden (the summary above is the pane's)`]));
	});

	it('say in its place what could not be read, and wait for a silent API server no longer than the deadline', async () => {
		const forbidden = readsOnly({
			events: async () => {
				throw new Error('events is forbidden: User "viewer" cannot list resource "events"');
			},
			podLog: (_name, _tail, signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
		});
		const details = await detailsFor(ref, stateWithPod(), forbidden, {now: () => now, timeoutMs: 50});
		expect(details.lines).toContain('  unavailable: events is forbidden: User "viewer" cannot list resource "events"');
		expect(details.lines).toContain('log unavailable: no answer within 0.05 s');
		// The rows the cockpit already has are still there.
		expect(details.lines).toContain('restarts    3');
	});

	it('say when the API server has no events left (it keeps them about an hour)', async () => {
		const quiet = readsOnly({events: async () => [], podLog: async () => ({container: 'checkout', previous: false, lines: []})});
		const lines = (await detailsFor(ref, stateWithPod(), quiet, {now: () => now})).lines;
		expect(lines).toContain('  none in the last hour (the API server keeps events about an hour)');
		expect(lines).toContain('log of checkout (kubectl logs checkout-7d9f8-aaaaa -c checkout --tail=20):');
		expect(lines).toContain('  (empty)');
	});

	it('of a deployment, show its rollout history and why a rollout is stuck: the events of the deployment and its newest ReplicaSet', async () => {
		const history: RevisionInfo[] = [
			{revision: 4, replicaSet: 'checkout-9f8e7', images: ['shop/checkout:1.8.1'], createdAt: '2026-11-22T03:05:00Z'},
			{revision: 3, replicaSet: 'checkout-7d9f8', images: ['shop/checkout:1.8.0'], createdAt: '2026-11-22T02:00:00Z'},
		];
		const asked: string[] = [];
		const cluster = readsOnly({
			history: async () => history,
			events: async (kind, name) => {
				asked.push(`${kind}/${name}`);
				if (kind === 'Deployment') return [{type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set checkout-9f8e7 from 0 to 1', count: 1, lastSeen: '2026-11-22T03:05:00Z'}];
				return [{type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "checkout-9f8e7-x" is forbidden: exceeded quota: compute', count: 9, lastSeen: '2026-11-22T03:09:00Z'}];
			},
		});
		const details = await detailsFor({kind: 'pods', key: 'deployment/checkout', deployment: 'checkout'}, stateWithPod(), cluster, {now: () => now});
		expect(asked.sort()).toEqual(['Deployment/checkout', 'ReplicaSet/checkout-9f8e7']);
		const events = details.lines.slice(details.lines.indexOf('events (newest last):') + 1);
		expect(events).toEqual([
			'   5m00s  Normal  ScalingReplicaSet: Scaled up replica set checkout-9f8e7 from 0 to 1',
			'   1m00s  Warning FailedCreate ×9: Error creating: pods "checkout-9f8e7-x" is forbidden: exceeded quota: compute',
		]);
		expect(details.lines).toContain('rollout history (newest first):');
	});

	it('of a health check, name the deployment u, s and r act on, or how to give it one', async () => {
		const store = createIncidentStore();
		store.getState().dataReceived(healthData, [
			{name: 'checkout', url: 'http://127.0.0.1:8080/health', deployment: 'checkout', ok: true, status: 200, tone: 'ok', dependencies: [], checkedAt: now},
			{name: 'cart', url: 'http://127.0.0.1:8081/health', ok: true, status: 200, tone: 'ok', dependencies: [], checkedAt: now},
		]);
		const named = await detailsFor({kind: 'health', key: 'checkout', name: 'checkout', deployment: 'checkout'}, store.getState(), null);
		expect(named.lines).toContain('deploys   deployment/checkout (u, s and r act on it)');
		const unnamed = await detailsFor({kind: 'health', key: 'cart', name: 'cart'}, store.getState(), null);
		expect(unnamed.lines).toContain('deploys   — (name one with `deployment:` in the config for u, s and r)');
	});
});

describe('query details', () => {
	const end = Date.parse('2026-11-22T03:50:00Z') / 1000;
	/** A 5xx ratio under 1% until 03:41, then past it, peaking at 15.4% at 03:47. */
	const state = () => createIncidentStore({initial: {data: {metrics: fullState().metrics}}}).getState();
	function history(): RangeSeries[] {
		const points: Array<[number, number]> = [];
		for (let t = end - 1800; t <= end; t += 60) {
			const minute = (t - (end - 1800)) / 60;
			points.push([t, minute < 21 ? 0.002 : minute === 27 ? 0.154 : 0.09]);
		}
		return [{labels: {}, points}];
	}

	it('show the last 30 minutes: a sparkline, when it went past its warning, and its peak', async () => {
		const asked: number[][] = [];
		const metrics: Metrics = {
			instant: () => Promise.reject(new Error('not used')),
			range: async (_promql, start, stop, step) => {
				asked.push([start, stop, step]);
				return history();
			},
		};
		const details = await detailsFor({kind: 'metrics', key: 'error_ratio'}, state(), null, {metrics, now: () => end * 1000});
		expect(asked).toEqual([[end - 1800, end, 60]]);
		const at = details.lines.indexOf('last 30 minutes (1-minute steps, to 03:50 UTC):');
		expect(at).toBeGreaterThan(0);
		expect(details.lines[at + 1]).toMatch(/^ {2}[▁▂▃▄▅▆▇█]{31} {2}03:20–03:50$/);
		expect(details.lines[at + 2]).toBe('    past 1% since 03:41; peak 15.4% at 03:47');
	});

	it('say in their place why the history could not be read', async () => {
		const metrics: Metrics = {instant: () => Promise.reject(new Error('not used')), range: () => Promise.reject(new Error('HTTP 503 from prometheus'))};
		const details = await detailsFor({kind: 'metrics', key: 'error_ratio'}, state(), null, {metrics, now: () => end * 1000});
		expect(details.lines.slice(-2)).toEqual(['last 30 minutes (1-minute steps, to 03:50 UTC):', '  unavailable: HTTP 503 from prometheus']);
	});
});

describe('runbook step details', () => {
	function stateWith(runbook = runbookFixture()) {
		const store = createIncidentStore({initial: {data: {metrics: fullState().metrics}}});
		store.getState().runbookLoaded(runbook);
		return store.getState();
	}

	it('show the command and the action as x would run them, with the incident’s values, secrets masked', async () => {
		const runbook = runbookFixture();
		runbook.variables.push({name: 'token', secret: true});
		runbook.steps[1]!.commands.push({id: 'probe', argv: ['curl', '-H', 'Authorization: Bearer {{token}}', 'https://{{host}}/health'], lang: 'argv'});
		const options = {variables: {deployment: 'checkout', token: 's3cr3t-value'}, secretVariables: ['token']};
		const check = await detailsFor({kind: 'runbook', key: 'check-rollout'}, stateWith(runbook), null, options);
		expect(check.lines).toContain('$ kubectl rollout history deployment/checkout');
		// A secret is masked; a variable with no value keeps its placeholder rather than failing.
		const probe = check.lines.find(line => line.startsWith('$ curl'));
		expect(probe).toContain('Authorization: Bearer');
		expect(probe).not.toContain('s3cr3t-value');
		expect(probe).toContain('{{host}}');
		const rollBack = await detailsFor({kind: 'runbook', key: 'roll-back'}, stateWith(runbook), null, options);
		expect(rollBack.lines).toContain('action: rollback deployment/checkout (x to run)');
	});

	it('show the query as the Metrics pane runs it with its value now, and the done-when condition in words', async () => {
		const details = await detailsFor({kind: 'runbook', key: 'roll-back-verify'}, stateWith(), null);
		expect(details.lines).toContain(`query 5xx ratio: ${fullState().metrics[0]!.promql}`);
		expect(details.lines).toContain('  now 12.4%');
		expect(details.lines).toContain('done when: 5xx ratio stays below 1% for 1m00s (ticks itself)');
		expect(details.lines.join('\n')).not.toContain('{"query"');
	});

	it('say how long a held done-when condition has held and when it ticks, as the pane counts down', async () => {
		const store = createIncidentStore({initial: {data: {metrics: fullState().metrics}}});
		store.getState().runbookLoaded(runbookFixture());
		store.getState().doneWhenChanged('roll-back-verify', now - 20_000);
		const details = await detailsFor({kind: 'runbook', key: 'roll-back-verify'}, store.getState(), null, {now: () => now});
		expect(details.lines).toContain('  held for 20s; ticks in 0:40');
	});

	it('of a heading left alone by a filter, list the steps under it', async () => {
		const details = await detailsFor({kind: 'runbook', key: 'section/Mitigate', name: 'Mitigate'}, stateWith(), null);
		expect(details.lines).toEqual(['[ ] Roll back to the previous revision', '[ ] Watch the error ratio fall']);
	});
});

describe('timeline event details', () => {
	const target = {context: 'prod-eu', namespace: 'shop', object: 'command'};

	it('show the line the pane shows, whole, when and by whom, and the data as YAML, not JSON', async () => {
		const store = createIncidentStore();
		const text = `Paged at 03:02; ${'the checkout queue is backing up and '.repeat(10)}nothing else yet`;
		const note = timelineEvent('note.added', {text}, '2026-11-22T03:04:05.678Z');
		store.getState().eventsAppended([note]);
		const details = await detailsFor({kind: 'timeline', key: note.id}, store.getState(), null);
		expect(details.title).toBe('Event at 03:04:05 UTC');
		expect(details.lines).toContain(`Note: ${text}`);
		expect(details.lines).toContain('time      2026-11-22 03:04:05.678 UTC');
		expect(details.lines).toContain('by        alice@bastion-1');
		expect(details.lines).toContain(`  text: ${text}`);
		expect(details.lines.join('\n')).not.toContain('{');
	});

	it('of an action, show what its command printed, a line per line', async () => {
		const store = createIncidentStore();
		const action = {actionId: 'a1', kind: 'command', target, change: 'run: kubectl get pods'};
		const done = timelineEvent('action.succeeded', {...action, durationMs: 1500, exitCode: 0, output: 'NAME         READY\ncheckout-1   1/1\n'}, '2026-11-22T03:04:06.500Z');
		store.getState().eventsAppended([done]);
		const details = await detailsFor({kind: 'timeline', key: done.id}, store.getState(), null);
		expect(details.lines[0]).toBe('Done command: run: kubectl get pods (1.5 s, exit 0)');
		expect(details.lines).toContain('  exitCode: 0');
		expect(details.lines.slice(-3)).toEqual(['output:', '  NAME         READY', '  checkout-1   1/1']);
		expect(details.lines.filter(line => line.includes('checkout-1'))).toHaveLength(1);
	});
});
