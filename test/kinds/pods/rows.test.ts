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
