import {describe, expect, it} from 'vitest';
import type {ClusterChange, DeploymentInfo, PodInfo} from '../../../source/ports/cluster.js';
import {applyClusterChanges, clusterData, type ClusterData} from '../../../source/kinds/pods/cluster-data.js';
import {buildPodRows, podsSummary} from '../../../source/kinds/pods/rows.js';
import {RowCache} from '../../../source/store/memo.js';
import {deployment, pod} from '../../support/fixtures.js';

/** A small seeded generator (mulberry32), so a failure names a reproducible seed. */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function plain(data: ClusterData) {
	return {pods: Object.fromEntries(data.pods), podGroups: data.podGroups, deployments: data.deployments};
}

describe('the cluster slice', () => {
	const api = deployment('api');
	const web = deployment('web');

	it('groups pods by deployment, each group sorted by name, with unowned pods under ""', () => {
		const data = clusterData([pod('web-2', 'web'), pod('api-2', 'api'), pod('api-1', 'api'), {...pod('debug', 'x'), deployment: undefined}], [api, web]);
		expect(Object.keys(data.podGroups).sort()).toEqual(['', 'api', 'web']);
		expect(data.podGroups.api!.map(p => p.name)).toEqual(['api-1', 'api-2']);
		expect(data.podGroups['']!.map(p => p.name)).toEqual(['debug']);
		expect(data.pods.get('web-2')?.deployment).toBe('web');
	});

	it('watching several contexts: the same namespace and names in two contexts stay apart, grouped by context and namespace, and a deletion in one leaves the other', () => {
		const at = <T extends object>(object: T, context: string): T => ({...object, context});
		const before = clusterData([at(pod('api-1', 'api'), 'prod-eu'), at(pod('api-1', 'api'), 'prod-us')], [at(api, 'prod-eu'), at(api, 'prod-us')], true);
		expect(before.pods.size).toBe(2);
		expect(Object.keys(before.deployments).sort()).toEqual([`prod-eu/${api.namespace}/api`, `prod-us/${api.namespace}/api`]);
		const after = applyClusterChanges(before, [
			{kind: 'pod', type: 'upsert', pod: at(pod('api-1', 'api', {restarts: 3}), 'prod-us')},
			{kind: 'pod', type: 'delete', name: 'api-1', namespace: api.namespace, context: 'prod-eu'},
			{kind: 'deployment', type: 'delete', name: 'api', namespace: api.namespace, context: 'prod-eu'},
		]);
		expect([...after.pods.values()]).toEqual([expect.objectContaining({context: 'prod-us', restarts: 3})]);
		expect(Object.values(after.deployments).map(d => d.context)).toEqual(['prod-us']);
		const rows = buildPodRows(after.podGroups, after.deployments, 'name', new RowCache(), true);
		expect(rows.map(r => r.cells[0]!.text.trim())).toEqual([`▾ context prod-us · namespace ${api.namespace}`, '▾ api', 'api-1']);
		expect(rows[2]!.ref).toMatchObject({pod: 'api-1', namespace: api.namespace, context: 'prod-us'});
	});

	it('replaces only the groups a change touches', () => {
		const before = clusterData([pod('api-1', 'api'), pod('api-2', 'api'), pod('web-1', 'web')], [api, web]);
		const after = applyClusterChanges(before, [{kind: 'pod', type: 'upsert', pod: pod('api-2', 'api', {restarts: 1})}]);
		expect(after.podGroups.api).not.toBe(before.podGroups.api);
		expect(after.podGroups.web).toBe(before.podGroups.web);
		expect(after.podGroups.api!.map(p => p.restarts)).toEqual([0, 1]);
		expect(before.pods.get('api-2')?.restarts, 'the previous state is left as it was').toBe(0);
		const onlyDeployment = applyClusterChanges(after, [{kind: 'deployment', type: 'upsert', deployment: {...api, revision: 4}}]);
		expect(onlyDeployment.podGroups).toBe(after.podGroups);
		expect(onlyDeployment.pods).toBe(after.pods);
		expect(onlyDeployment.deployments.api?.revision).toBe(4);
	});

	it('moves a pod between groups and drops a group whose last pod is deleted', () => {
		const before = clusterData([pod('a', 'api'), pod('w', 'web')], [api, web]);
		const moved = applyClusterChanges(before, [{kind: 'pod', type: 'upsert', pod: pod('a', 'web')}]);
		expect(moved.podGroups.api).toBeUndefined();
		expect(moved.podGroups.web!.map(p => p.name)).toEqual(['a', 'w']);
		const deleted = applyClusterChanges(moved, [{kind: 'pod', type: 'delete', name: 'w'}]);
		expect(deleted.podGroups.web!.map(p => p.name)).toEqual(['a']);
		expect(deleted.pods.has('w')).toBe(false);
	});

	it('after any sequence of changes, equals the slice built from scratch, and so do the pods rows and summary', () => {
		// Up to 5 changes a flush, and up to 39 (the same pod changed, moved and deleted within one flush).
		for (let seed = 1; seed <= 80; seed++) {
			const most = seed <= 40 ? 6 : 40;
			const next = random(seed);
			const names = Array.from({length: 30}, (_, i) => `pod-${String(i).padStart(2, '0')}`);
			const owners = ['api', 'web', 'db', undefined];
			const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
			const makePod = (name: string): PodInfo => ({...pod(name, 'x', {restarts: Math.floor(next() * 3), ready: next() < 0.8 ? 1 : 0}), deployment: pick(owners)});
			const deployments = new Map<string, DeploymentInfo>([['api', api], ['web', web]]);
			const pods = new Map<string, PodInfo>();
			for (const name of names.slice(0, 10)) pods.set(name, makePod(name));
			let incremental = clusterData([...pods.values()], [...deployments.values()]);
			for (let flush = 0; flush < 25; flush++) {
				const changes: ClusterChange[] = [];
				for (let i = Math.floor(next() * most); i > 0; i--) {
					const roll = next();
					if (roll < 0.6) {
						const p = makePod(pick(names));
						pods.set(p.name, p);
						changes.push({kind: 'pod', type: 'upsert', pod: p});
					} else if (roll < 0.85) {
						const name = pick(names);
						pods.delete(name);
						changes.push({kind: 'pod', type: 'delete', name});
					} else {
						const name = pick(['api', 'web', 'db']);
						if (next() < 0.7) {
							const d = deployment(name, {revision: Math.floor(next() * 9)});
							deployments.set(name, d);
							changes.push({kind: 'deployment', type: 'upsert', deployment: d});
						} else {
							deployments.delete(name);
							changes.push({kind: 'deployment', type: 'delete', name});
						}
					}
				}
				incremental = applyClusterChanges(incremental, changes);
				const fresh = clusterData([...pods.values()], [...deployments.values()]);
				expect(plain(incremental), `seed ${seed}, flush ${flush}`).toEqual(plain(fresh));
				const rows = (data: ClusterData) => buildPodRows(data.podGroups, data.deployments, 'problems', new RowCache()).map(r => [r.key, r.cells.map(c => c.text).join('|')]);
				expect(rows(incremental), `rows, seed ${seed}, flush ${flush}`).toEqual(rows(fresh));
				expect(podsSummary(incremental.podGroups, incremental.deployments, new RowCache())).toEqual(podsSummary(fresh.podGroups, fresh.deployments, new RowCache()));
				for (const name of names) expect(incremental.pods.get(name), `pods.get(${name}), seed ${seed}, flush ${flush}`).toBe(pods.get(name));
			}
		}
	});
});
