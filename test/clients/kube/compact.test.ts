/**
 * Rows that scale: a pod's row keeps only what the panes show, and one copy of each string rows
 * repeat (namespace, node, deployment, phase, reasons, images), however many rows hold it.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import {describe, expect, it} from 'vitest';
import {toDeploymentInfo, toPodInfo, type RawPod} from '../../../source/clients/kube/convert.js';
import {Interner} from '../../../source/clients/kube/intern.js';
import type {PodInfo} from '../../../source/ports/cluster.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A pod as a watch event brings it, parsed from its own JSON text (as each event is), with long repeated strings. */
function wirePod(i: number): RawPod {
	const long = (what: string) => `${what}-${'x'.repeat(1000)}`;
	return JSON.parse(
		JSON.stringify({
			metadata: {
				name: `api-${i}`,
				namespace: long('ns'),
				creationTimestamp: '2026-11-22T03:00:00Z',
				managedFields: [{manager: 'kubelet', fieldsV1: {'f:status': {}}}],
				ownerReferences: [{kind: 'ReplicaSet', name: 'api-abc', controller: true}],
				labels: {'pod-template-hash': 'abc'},
			},
			spec: {nodeName: long('node'), containers: [{name: 'api', image: long('image')}]},
			status: {phase: 'Running', containerStatuses: [{name: 'api', ready: true, restartCount: 1, lastState: {terminated: {reason: long('reason')}}}]},
		}),
	) as RawPod;
}

/** Bytes the heap keeps for `count` rows made by `make`. */
function retainedBytes(count: number, make: (raw: RawPod) => PodInfo): {bytes: number; rows: PodInfo[]} {
	gc();
	const before = process.memoryUsage().heapUsed;
	const rows: PodInfo[] = [];
	for (let i = 0; i < count; i++) rows.push(make(wirePod(i)));
	gc();
	return {bytes: process.memoryUsage().heapUsed - before, rows};
}

describe('compact rows', () => {
	it('keep only what is shown (no managedFields, labels, spec) and share one copy of each repeated string', () => {
		const owners = new Map([['ns-' + 'x'.repeat(1000) + '/api-abc', 'api']]);
		const plain = retainedBytes(4000, raw => toPodInfo(raw, owners));
		const strings = new Interner();
		const interned = retainedBytes(4000, raw => toPodInfo(raw, owners, undefined, strings));
		expect(Object.keys(interned.rows[0]!).sort()).toEqual(['containers', 'createdAt', 'deployment', 'lastTerminationReason', 'name', 'namespace', 'node', 'phase', 'ready', 'restarts']);
		expect(interned.rows[0]).toEqual(plain.rows[0]);
		// Each plain row holds its own ~3 KB of namespace, node and reason; interned rows share one.
		expect(plain.bytes / plain.rows.length).toBeGreaterThan(2500);
		expect(interned.bytes / interned.rows.length).toBeLessThan(500);
	});

	it('a deployment row shares its images and namespace', () => {
		const strings = new Interner();
		const raw = () => JSON.parse(JSON.stringify({metadata: {name: 'api', namespace: 'shop'}, spec: {template: {spec: {containers: [{image: 'registry.local/api:1.0.0'}]}}}})) as Parameters<typeof toDeploymentInfo>[0];
		const a = toDeploymentInfo(raw(), undefined, strings);
		expect(a.images).toEqual(['registry.local/api:1.0.0']);
		expect(toDeploymentInfo(raw(), 'prod-eu', strings)).toMatchObject({context: 'prod-eu', namespace: 'shop'});
	});

	it('the interner starts again past its bound instead of growing without one', () => {
		const strings = new Interner(3);
		for (const s of ['a', 'b', 'c', 'd', 'e']) expect(strings.get(s)).toBe(s);
		expect((strings as unknown as {strings: Map<string, string>}).strings.size).toBeLessThanOrEqual(3);
	});
});
