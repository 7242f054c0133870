import {describe, expect, it} from 'vitest';
import {detailsFor} from '../../source/session/details.js';
import type {Cluster, PodEventInfo, PodLogTail} from '../../source/ports/cluster.js';
import {createIncidentStore} from '../../source/store/store.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {deployment, pod} from '../support/fixtures.js';

const now = Date.parse('2026-11-22T03:10:00Z');

function stateWithPod() {
	const store = createIncidentStore({env: {context: 'prod-eu', namespace: 'shop'}});
	store.getState().clusterReset([pod('checkout-7d9f8-aaaaa', 'checkout', {restarts: 3, lastTerminationReason: 'OOMKilled'})], [deployment('checkout')]);
	return store.getState();
}

/** A Cluster whose pod reads are the given functions; everything else is not used here. */
function readsOnly(reads: {podEvents: Cluster['podEvents']; podLog: Cluster['podLog']}): Cluster {
	const unused = () => Promise.reject(new Error('not used'));
	return {context: 'prod-eu', namespace: 'shop', watch: unused, history: unused, undo: unused, scale: unused, restart: unused, autoscalerFor: unused, ...reads};
}

const ref = {kind: 'pod', name: 'checkout-7d9f8-aaaaa', deployment: 'checkout'} as const;

describe('pod details', () => {
	it('show the pod’s events and the end of its log from before the restart, secrets masked', async () => {
		const events: PodEventInfo[] = [
			{type: 'Normal', reason: 'Pulled', message: 'Container image "shop/checkout:1.8.0" already present on machine', count: 4, lastSeen: '2026-11-22T03:07:00Z'},
			{type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container checkout', count: 2, lastSeen: '2026-11-22T03:09:30Z'},
		];
		const log: PodLogTail = {container: 'checkout', previous: true, lines: ['starting', 'connecting to postgres://app:hunter2@db:5432/shop', 'heap 508 MiB of 512 MiB']};
		const asked: Array<[string, number]> = [];
		const cluster = readsOnly({
			podEvents: async () => events,
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
		expect(text).not.toContain('hunter2');
		expect(text).toContain('kubectl --context prod-eu -n shop describe pod checkout-7d9f8-aaaaa');
	});

	it('say in its place what could not be read, and wait for a silent API server no longer than the deadline', async () => {
		const forbidden = readsOnly({
			podEvents: async () => {
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
		const quiet = readsOnly({podEvents: async () => [], podLog: async () => ({container: 'checkout', previous: false, lines: []})});
		const lines = (await detailsFor(ref, stateWithPod(), quiet, {now: () => now})).lines;
		expect(lines).toContain('  none in the last hour (the API server keeps events about an hour)');
		expect(lines).toContain('log of checkout (kubectl logs checkout-7d9f8-aaaaa -c checkout --tail=20):');
		expect(lines).toContain('  (empty)');
	});
});
