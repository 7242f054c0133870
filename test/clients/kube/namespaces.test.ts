/**
 * Watching several namespaces, or all of them (-A): rows carry their namespace, actions act in the
 * row's namespace, and a user refused the cluster-scoped list is watched in the namespaces it may read.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createKubeCluster, type KubeCluster} from '../../../source/clients/kube/cluster.js';
import type {WatchScope} from '../../../source/ports/cluster.js';
import {startFakeKubeServer, type FakeKubeServer} from '../../support/fake-kube-server.js';
import {waitFor} from '../../support/wait.js';
import {listRequests, RecordingWatcher, watchRequests} from './support.js';

let server: FakeKubeServer;
let stop: AbortController;

beforeEach(async () => {
	server = await startFakeKubeServer();
	stop = new AbortController();
	server.addDeployment({name: 'api', images: ['a/api:1'], replicas: 2, namespace: 'team-a'});
	server.addDeployment({name: 'api', images: ['b/api:1'], replicas: 3, namespace: 'team-b'});
	server.addDeployment({name: 'web', images: ['c/web:1'], replicas: 1, namespace: 'team-c'});
});

afterEach(async () => {
	stop.abort();
	await server.close();
});

function clusterWatching(namespaces: 'all' | string[]): Promise<KubeCluster> {
	return createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: 'incident-tui/inc-test', backoff: {initialMs: 20, maxMs: 200}, pageSize: 2, namespaces});
}

class ScopedWatcher extends RecordingWatcher {
	scopes: WatchScope[] = [];
	scope(scope: WatchScope): void {
		this.scopes.push(scope);
	}
}

const placed = (rows: Array<{namespace: string; name: string}>) => rows.map(r => `${r.namespace}/${r.name}`).sort();

describe('KubeCluster.watch across namespaces', () => {
	it('-A: one cluster-scoped list (in pages) and watch per resource; rows carry their namespace, same names in two namespaces stay apart', async () => {
		const watcher = new ScopedWatcher();
		await (await clusterWatching('all')).watch(watcher, stop.signal);
		await waitFor(() => server.watchCount('pods') === 1 && server.watchCount('deployments') === 1 && server.watchCount('replicasets') === 1, {message: 'three watches'});
		expect(placed(watcher.resets[0]!.deployments)).toEqual(['team-a/api', 'team-b/api', 'team-c/web']);
		expect(watcher.resets[0]!.pods).toHaveLength(6);
		expect(watcher.resets[0]!.pods.filter(p => p.namespace === 'team-b').every(p => p.deployment === 'api')).toBe(true);
		expect(listRequests(server, 'pods').map(r => [r.path, r.query.limit])).toEqual([
			['/api/v1/pods', '2'],
			['/api/v1/pods', '2'],
			['/api/v1/pods', '2'],
		]);
		expect(watchRequests(server, 'pods').map(r => r.path)).toEqual(['/api/v1/pods']);
		expect(watcher.scopes).toEqual([{context: 'test-ctx', namespaces: 'all'}]);

		server.addDeployment({name: 'late', images: ['d/late:1'], replicas: 1, namespace: 'team-d'});
		await waitFor(() => watcher.podUpsert(server.list('pods').find(p => p.metadata.namespace === 'team-d')!.metadata.name)?.deployment === 'late', {message: 'pod of a new namespace'});
		const gone = server.list('pods').find(p => p.metadata.namespace === 'team-b')!;
		server.remove('pods', gone.metadata.name, 'team-b');
		await waitFor(() => watcher.changes.some(c => c.kind === 'pod' && c.type === 'delete' && c.name === gone.metadata.name && c.namespace === 'team-b'), {message: 'deletion names its namespace'});
		expect(watcher.errors).toEqual([]);
	});

	it('kubernetes.namespaces: one list and watch per resource in each; a relist of one keeps the other\'s rows', async () => {
		const watcher = new ScopedWatcher();
		await (await clusterWatching(['team-a', 'team-b'])).watch(watcher, stop.signal);
		await waitFor(() => server.watchCount('pods') === 2, {message: 'two pods watches'});
		expect(placed(watcher.resets[0]!.deployments)).toEqual(['team-a/api', 'team-b/api']);
		expect(watchRequests(server, 'pods').map(r => r.path).sort()).toEqual(['/api/v1/namespaces/team-a/pods', '/api/v1/namespaces/team-b/pods']);
		expect(watcher.scopes).toEqual([{context: 'test-ctx', namespaces: ['team-a', 'team-b']}]);
		server.expire('pods', 'event');
		await waitFor(() => watcher.resets.length >= 3, {message: 'both relisted'});
		expect(placed(watcher.resets.at(-1)!.pods).filter(p => p.startsWith('team-b/'))).toHaveLength(3);
		expect(watcher.resets.at(-1)!.pods).toHaveLength(5);
	});

	it('acts in the namespace of the row: at({namespace}) scales that deployment, not its namesake; another context is refused', async () => {
		const c = await clusterWatching('all');
		const inB = c.at({namespace: 'team-b'});
		expect(inB.namespace).toBe('team-b');
		const result = await inB.scale('api', 5);
		expect(result.summary).toBe('replicas 3 -> 5');
		expect(server.get('deployments', 'api', 'team-b')!.spec.replicas).toBe(5);
		expect(server.get('deployments', 'api', 'team-a')!.spec.replicas).toBe(2);
		const patch = server.requests.find(r => r.method === 'PATCH')!;
		expect(patch.path).toBe('/apis/apps/v1/namespaces/team-b/deployments/api/scale');
		await expect(c.at({namespace: 'team-a'}).history('api')).resolves.toHaveLength(1);
		expect(() => c.at({namespace: 'team-a', context: 'prod-us'})).toThrow(/context prod-us/);
	});

	it('403 on the cluster-scoped list: watches the namespaces the user may read, found by listing namespaces, and says so', async () => {
		server.readableNamespaces(['team-a', 'team-c'], {mayListNamespaces: true});
		const watcher = new ScopedWatcher();
		await (await clusterWatching('all')).watch(watcher, stop.signal);
		await waitFor(() => watcher.scopes.length === 1 && watcher.resets.length === 1, {message: 'narrowed and listed'});
		expect(watcher.scopes[0]!.namespaces).toEqual(['team-a', 'team-c']);
		expect(watcher.scopes[0]!.note).toMatch(/cannot list pods at cluster scope \(403 Forbidden.*watching only the 2 namespaces it may read.*team-a, team-c/);
		expect(placed(watcher.resets[0]!.deployments)).toEqual(['team-a/api', 'team-c/web']);
		expect(watcher.errors).toEqual([]);
	});

	it('403 on the cluster-scoped list, namespaces not listable: falls back to the context\'s namespace', async () => {
		server.readableNamespaces(['shop', 'team-b']);
		server.addDeployment({name: 'cart', images: ['shop/cart:1'], replicas: 1});
		const watcher = new ScopedWatcher();
		await (await clusterWatching('all')).watch(watcher, stop.signal);
		await waitFor(() => watcher.scopes.length === 1 && watcher.resets.length === 1, {message: 'narrowed and listed'});
		expect(watcher.scopes[0]!.namespaces).toEqual(['shop']);
		expect(watcher.scopes[0]!.note).toMatch(/listing namespaces is forbidden too; tried the context's namespace shop\): shop/);
		expect(placed(watcher.resets[0]!.deployments)).toEqual(['shop/cart']);
	});
});
