import {describe, expect, it} from 'vitest';
import type {DeploymentInfo, PodInfo} from '../../../source/ports/cluster.js';
import {clusterData} from '../../../source/kinds/pods/cluster-data.js';
import {buildPodRows, filterPodRows} from '../../../source/kinds/pods/rows.js';
import {RowCache} from '../../../source/store/memo.js';
import {deployment, pod} from '../../support/fixtures.js';

/** The Pods pane's rows for `pods` and `deployments`, by name, watching `wide` or one namespace. */
function rowsOf(pods: PodInfo[], deployments: DeploymentInfo[], wide = false) {
	const data = clusterData(pods, deployments, wide);
	return buildPodRows(data.podGroups, data.deployments, 'name', new RowCache(), wide);
}

describe('filtering the Pods pane', () => {
	it('keeps a deployment header once, right before its first matching pod, and every matching pod, across many deployments', () => {
		const deployments: DeploymentInfo[] = [];
		const pods: PodInfo[] = [];
		for (let d = 0; d < 300; d++) {
			const name = `svc-${String(d).padStart(3, '0')}`;
			deployments.push(deployment(name, {images: ['shop/app:1']}));
			for (let p = 0; p < 20; p++) pods.push(pod(`${name}-${p % 3 === 0 ? 'blue' : 'green'}-${p}`, name));
		}
		const shown = filterPodRows(rowsOf(pods, deployments), 'blue');
		const keys = shown.map(row => row.key);
		// Each deployment's header once, then its 7 "blue" pods (p = 0, 3, ..., 18), nothing else.
		expect(keys.filter(key => key.startsWith('d:'))).toHaveLength(300);
		expect(new Set(keys).size).toBe(keys.length);
		expect(keys.filter(key => key.startsWith('p:'))).toHaveLength(300 * 7);
		expect(shown.filter(row => row.ref.pod).every(row => row.ref.pod!.includes('-blue-'))).toBe(true);
		let header: string | undefined;
		for (const [i, row] of shown.entries()) {
			if (!row.ref.pod) {
				header = row.ref.deployment;
				expect(shown[i + 1]?.ref.deployment).toBe(header);
			} else {
				expect(row.ref.deployment).toBe(header);
			}
		}
	});

	it('keeps every pod of a deployment whose header matches, and no header without a matching row', () => {
		const rows = rowsOf([pod('api-1', 'api'), pod('api-2', 'api'), pod('web-1', 'web'), pod('web-api-probe', 'web')], [deployment('api'), deployment('web')]);
		expect(filterPodRows(rows, 'api').map(row => row.key)).toEqual(['d:api', 'p:api-1', 'p:api-2', 'd:web', 'p:web-api-probe']);
		expect(filterPodRows(rows, 'nothing-like-it')).toEqual([]);
		expect(filterPodRows(rows, '  ')).toBe(rows);
	});
});

describe('the Pods pane, problems first', () => {
	it('orders a deployment’s pods most urgent first, then by name within each problem, as sorting by problem then name does', () => {
		const reasons: Array<Partial<PodInfo>> = [{}, {waitingReason: 'CrashLoopBackOff', ready: 0}, {lastTerminationReason: 'OOMKilled'}, {ready: 0}, {phase: 'Pending', ready: 0}, {terminating: true}, {waitingReason: 'ImagePullBackOff', ready: 0}];
		const pods = Array.from({length: 60}, (_, i) => pod(`api-${String((i * 37) % 60).padStart(2, '0')}`, 'api', reasons[(i * 5) % reasons.length]));
		const data = clusterData(pods, [deployment('api')]);
		const shown = buildPodRows(data.podGroups, data.deployments, 'problems', new RowCache()).filter(row => row.ref.pod).map(row => row.ref.pod!);
		const rank = (name: string) => {
			const p = pods.find(candidate => candidate.name === name)!;
			return p.waitingReason === 'CrashLoopBackOff' ? 0 : p.waitingReason === 'ImagePullBackOff' ? 1 : p.lastTerminationReason === 'OOMKilled' ? 2 : p.terminating ? 5 : p.phase === 'Pending' ? 4 : p.ready < p.containers ? 3 : 9;
		};
		const expected = pods.map(p => p.name).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
		expect(shown).toEqual(expected);
		expect(rank(shown[0]!)).toBe(0);
	});
});
