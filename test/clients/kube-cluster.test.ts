import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {createKubeCluster, logContainerOf, toContainerStatuses, toPodInfo, type KubeCluster, type RawPod} from '../../source/clients/kube-cluster.js';
import type {ClusterChange, ClusterWatcher, DeploymentInfo, PodInfo} from '../../source/ports/cluster.js';
import {startFakeKubeServer, type FakeKubeServer, type FakeKubeServerOptions, type LoggedRequest} from '../support/fake-kube-server.js';
import {clientCertificate, selfSignedCertificate, hasOpenssl} from '../support/tls.js';
import {waitFor} from '../support/wait.js';

class RecordingWatcher implements ClusterWatcher {
	resets: Array<{pods: PodInfo[]; deployments: DeploymentInfo[]}> = [];
	changes: ClusterChange[] = [];
	errors: Array<{message: string; retryInMs: number | null}> = [];
	reset(pods: PodInfo[], deployments: DeploymentInfo[]): void {
		this.resets.push({pods, deployments});
	}
	change(change: ClusterChange): void {
		this.changes.push(change);
	}
	error(error: Error, retryInMs: number | null): void {
		this.errors.push({message: error.message, retryInMs});
	}
	podUpsert(name: string): PodInfo | undefined {
		for (let i = this.changes.length - 1; i >= 0; i--) {
			const c = this.changes[i]!;
			if (c.kind === 'pod' && c.type === 'upsert' && c.pod.name === name) return c.pod;
		}
		return undefined;
	}
}

let server: FakeKubeServer;
let stop: AbortController;

beforeEach(async () => {
	server = await startFakeKubeServer();
	stop = new AbortController();
});

afterEach(async () => {
	stop.abort();
	await server.close();
});

function cluster(options: {readonly?: boolean; context?: string; namespace?: string} = {}): Promise<KubeCluster> {
	return createKubeCluster({
		kubeconfig: server.kubeconfigPath,
		readonly: options.readonly ?? false,
		fieldManager: 'incident-tui/inc-test',
		backoff: {initialMs: 20, maxMs: 200},
		...(options.context ? {context: options.context} : {}),
		...(options.namespace ? {namespace: options.namespace} : {}),
	});
}

const watchRequests = (resource: string): LoggedRequest[] => server.requests.filter(r => r.path.endsWith(`/${resource}`) && r.query.watch === 'true');
const listRequests = (resource: string): LoggedRequest[] => server.requests.filter(r => r.method === 'GET' && r.path.endsWith(`/${resource}`) && r.query.watch !== 'true');

async function watching(c: KubeCluster): Promise<RecordingWatcher> {
	const watcher = new RecordingWatcher();
	await c.watch(watcher, stop.signal);
	await waitFor(() => server.watchCount('pods') === 1 && server.watchCount('deployments') === 1 && server.watchCount('replicasets') === 1, {message: 'three watches open'});
	return watcher;
}

describe('createKubeCluster: kubeconfig', () => {
	it('uses the current context and its namespace, or the ones asked for', async () => {
		const a = await cluster();
		expect([a.context, a.namespace, a.server]).toEqual(['test-ctx', 'shop', server.url]);
		const b = await cluster({context: 'other'});
		expect([b.context, b.namespace]).toEqual(['other', 'other']);
		const c = await cluster({context: 'other', namespace: 'payments'});
		expect(c.namespace).toBe('payments');
	});

	it('names the available contexts when the asked one is missing', async () => {
		await expect(cluster({context: 'prod-eu'})).rejects.toThrow(/context "prod-eu" not found in .*kubeconfig \(available: test-ctx, other\)/);
	});

	it('names the file when the kubeconfig cannot be read', async () => {
		await expect(createKubeCluster({kubeconfig: '/nonexistent/kubeconfig', readonly: true, fieldManager: 'x'})).rejects.toThrow(/cannot load kubeconfig \/nonexistent\/kubeconfig/);
	});
});

describe('KubeCluster.watch', () => {
	it('lists then watches, turning objects into compact rows', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0'], replicas: 2});
		const watcher = await watching(await cluster());

		expect(watcher.resets).toHaveLength(1);
		const {pods, deployments} = watcher.resets[0]!;
		expect(deployments).toEqual([
			expect.objectContaining({name: 'api', namespace: 'shop', revision: 2, replicas: 2, readyReplicas: 2, images: ['shop/api:1.4.0'], rolloutComplete: true}),
		]);
		expect(pods).toHaveLength(2);
		expect(pods[0]).toMatchObject({deployment: 'api', phase: 'Running', ready: 1, containers: 1, restarts: 0, node: 'node-1'});
		expect(Object.keys(pods[0]!)).not.toContain('spec');
		expect(listRequests('pods')[0]!.query.limit).toBe('500');

		const pod = server.addPod('api', {
			name: 'api-crash',
			containerStatus: {ready: false, restartCount: 3, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {reason: 'OOMKilled', exitCode: 137}}},
		});
		const row = await waitFor(() => watcher.podUpsert('api-crash'), {message: 'pod upsert'});
		expect(row).toMatchObject({deployment: 'api', ready: 0, restarts: 3, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled'});

		server.update('pods', pod.metadata.name, p => (p.metadata.deletionTimestamp = '2026-11-22T03:10:00Z'));
		await waitFor(() => watcher.podUpsert('api-crash')?.terminating, {message: 'terminating flag'});
		server.remove('pods', 'api-crash');
		await waitFor(() => watcher.changes.some(c => c.kind === 'pod' && c.type === 'delete' && c.name === 'api-crash'), {message: 'pod delete'});

		server.update('deployments', 'api', d => (d.metadata.generation = 2));
		await waitFor(() => watcher.changes.some(c => c.kind === 'deployment' && c.type === 'upsert' && !c.deployment.rolloutComplete), {message: 'rollout in progress'});
		expect(watcher.errors).toEqual([]);
	});

	it('lists in pages (limit/continue) and watches from the list\'s resourceVersion', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 5});
		const listedAt = String(server.resourceVersion);
		const c = await createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: true, fieldManager: 'x', pageSize: 2});
		const watcher = await watching(c);
		expect(watcher.resets[0]!.pods).toHaveLength(5);
		const pages = listRequests('pods');
		expect(pages.map(p => [p.query.limit, Boolean(p.query.continue)])).toEqual([
			['2', false],
			['2', true],
			['2', true],
		]);
		expect(watchRequests('pods')[0]!.query.resourceVersion).toBe(listedAt);
	});

	it('resumes from the last resourceVersion (events and bookmarks) when the stream ends', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = await watching(await cluster());
		const pod = server.addPod('api', {name: 'api-new'});
		await waitFor(() => watcher.podUpsert('api-new'));
		server.endWatches('pods');
		await waitFor(() => watchRequests('pods').length === 2 && server.watchCount('pods') === 1, {message: 'second pods watch'});
		const resumed = watchRequests('pods')[1]!;
		expect(resumed.query.resourceVersion).toBe(pod.metadata.resourceVersion);
		expect(resumed.query.allowWatchBookmarks).toBe('true');

		// Other resources change; a bookmark carries the newer resourceVersion to the pods watch.
		server.addAutoscaler('unrelated', 'api');
		server.bookmark('pods');
		const bookmarked = String(server.resourceVersion);
		await waitFor(async () => {
			server.endWatches('pods');
			return watchRequests('pods').at(-1)!.query.resourceVersion === bookmarked;
		}, {message: 'watch resumed from the bookmark'});
		expect(listRequests('pods')).toHaveLength(1);
		expect(watcher.resets).toHaveLength(1);
		expect(watcher.errors).toEqual([]);
	});

	it('passes on only the events that change a row, while a heartbeat still moves the resourceVersion on', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = await watching(await cluster());
		const name = server.list('pods')[0]!.metadata.name as string;
		const podChanges = () => watcher.changes.filter(c => c.kind === 'pod');

		// A kubelet heartbeat: a status field no row keeps.
		server.update('pods', name, p => (p.status.conditions = [{type: 'Ready', status: 'True', lastProbeTime: '2026-11-22T03:11:00Z'}]));
		const heartbeat = String(server.resourceVersion);
		await waitFor(
			() => {
				server.endWatches('pods');
				return watchRequests('pods').at(-1)!.query.resourceVersion === heartbeat;
			},
			{message: 'watch resumed after the heartbeat'},
		);
		expect(podChanges()).toEqual([]);

		server.update('pods', name, p => (p.status.containerStatuses[0].ready = false));
		const flipped = await waitFor(() => watcher.podUpsert(name), {message: 'readiness flip passed on'});
		expect(flipped.ready).toBe(0);
		expect(podChanges()).toHaveLength(1);
		expect(watcher.errors).toEqual([]);
	});

	for (const mode of ['event', 'http'] as const) {
		it(`relists and resets after 410 Gone (${mode === 'event' ? 'ERROR event' : 'HTTP 410'})`, async () => {
			server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
			const watcher = await watching(await cluster());
			server.expire('pods', mode);
			// Changes made while the client is relisting must not be lost.
			server.addPod('api', {name: 'api-after-gone'});
			await waitFor(() => watcher.resets.length === 2, {message: 'second reset'});
			await waitFor(() => watcher.resets.at(-1)!.pods.some(p => p.name === 'api-after-gone') || watcher.podUpsert('api-after-gone'), {message: 'pod seen after relist'});
			expect(listRequests('pods')).toHaveLength(2);
			expect(watcher.resets.at(-1)!.deployments.map(d => d.name)).toEqual(['api']);
			expect(watcher.errors).toEqual([]);
		});
	}

	it('reconnects with backoff when the server drops the connection', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = await watching(await cluster());
		server.dropConnections('pods', {refuseNext: 2});
		await waitFor(() => watcher.errors.length >= 2, {message: 'errors reported'});
		expect(watcher.errors[0]!.retryInMs).toBeGreaterThan(0);
		expect(watcher.errors[1]!.retryInMs).toBeGreaterThan(watcher.errors[0]!.retryInMs!);
		expect(watcher.errors[0]!.message).toMatch(/cannot reach the API server .*context test-ctx, namespace shop/);
		await waitFor(() => server.watchCount('pods') === 1, {message: 'watch re-established'});
		server.addPod('api', {name: 'api-later'});
		await waitFor(() => watcher.podUpsert('api-later'), {message: 'events flow again'});
	});

	it('names a garbled watch line, then watches again from where it was', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = await watching(await cluster());
		server.garble('pods', '<html><body>502 Bad Gateway</body></html>');
		await waitFor(() => watcher.errors.length > 0, {message: 'garbled line reported'});
		expect(watcher.errors[0]!.message).toBe(
			'watch pods: the API server sent an event that is not JSON: "<html><body>502 Bad Gateway</body></html>" (context test-ctx, namespace shop)',
		);
		expect(watcher.errors[0]!.retryInMs).toBeGreaterThan(0);
		await waitFor(() => watchRequests('pods').length === 2 && server.watchCount('pods') === 1, {message: 'watch re-established'});
		server.addPod('api', {name: 'api-later'});
		await waitFor(() => watcher.podUpsert('api-later'), {message: 'events flow again'});
		expect(watcher.resets).toHaveLength(1);
	});

	it('reports a forbidden watch with verb and resource, and keeps the other resources going', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		server.forbid('watch', 'pods');
		const watcher = new RecordingWatcher();
		await (await cluster()).watch(watcher, stop.signal);
		await waitFor(() => watcher.errors.length > 0, {message: 'forbidden reported'});
		expect(watcher.errors[0]).toEqual({
			message: expect.stringContaining('pods is forbidden: User "viewer" cannot watch resource "pods" in API group "" in the namespace "shop"'),
			retryInMs: null,
		});
		expect(watcher.resets[0]!.pods).toHaveLength(2);
		server.update('deployments', 'api', d => (d.spec.replicas = 3));
		await waitFor(() => watcher.changes.some(c => c.kind === 'deployment'), {message: 'deployments still watched'});
	});

	it('reports a forbidden list with verb and resource', async () => {
		server.forbid('list', 'pods');
		const watcher = new RecordingWatcher();
		await (await cluster()).watch(watcher, stop.signal);
		await waitFor(() => watcher.errors.length > 0);
		expect(watcher.errors[0]!.message).toContain('cannot list resource "pods"');
		expect(watcher.errors[0]!.message).toContain('context test-ctx');
		expect(watcher.errors[0]!.retryInMs).toBeNull();
	});

	it('reads its watches in batches on its own clock: one timer for its three watches, none shared with another client', async () => {
		vi.useFakeTimers({toFake: ['setInterval', 'clearInterval']});
		try {
			server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
			const other = new AbortController();
			const first = new RecordingWatcher();
			const second = new RecordingWatcher();
			await (await cluster()).watch(first, stop.signal);
			await (await cluster()).watch(second, other.signal);
			await waitFor(() => server.watchCount('pods') === 2 && server.watchCount('deployments') === 2 && server.watchCount('replicasets') === 2, {message: 'both clients watching'});
			expect(vi.getTimerCount()).toBe(2);
			other.abort();
			await waitFor(() => server.watchCount('pods') === 1, {message: 'the second client stopped'});
			expect(vi.getTimerCount()).toBe(1);
			stop.abort();
			await waitFor(() => server.watchCount() === 0, {message: 'the first client stopped'});
			expect(vi.getTimerCount()).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});

	it('stops every watch when the signal aborts', async () => {
		const watcher = await watching(await cluster());
		stop.abort();
		await waitFor(() => server.watchCount() === 0, {message: 'watches closed'});
		expect(watcher.errors).toEqual([]);
	});
});

describe('KubeCluster mutations', () => {
	it('rolls back to the previous revision with a JSON patch of the template, like kubectl rollout undo', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0'], changeCauses: ['deploy 1.3.2', 'deploy 1.4.0']});
		const c = await cluster();
		const result = await c.undo('api');
		expect(result).toEqual({summary: 'revision 2 -> 1', before: 'revision 2', after: 'revision 1'});

		const patch = server.requests.find(r => r.method === 'PATCH')!;
		expect(patch.path).toBe('/apis/apps/v1/namespaces/shop/deployments/api');
		expect(patch.contentType).toBe('application/json-patch+json');
		expect(patch.query.fieldManager).toBe('incident-tui/inc-test');
		const ops = patch.body as Array<{op: string; path: string; value: any}>;
		expect(ops[0]).toEqual({op: 'test', path: '/metadata/generation', value: 1});
		const template = ops.find(o => o.path === '/spec/template')!;
		expect(template.op).toBe('replace');
		expect(template.value.spec.containers[0].image).toBe('shop/api:1.3.2');
		expect(template.value.metadata.labels).toEqual({app: 'api'});
		const annotations = ops.find(o => o.path === '/metadata/annotations')!.value;
		expect(annotations).toEqual({'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'deploy 1.3.2'});

		// The (simulated) controller gives the restored ReplicaSet the next revision.
		expect(server.get('deployments', 'api')!.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
		expect(server.get('deployments', 'api')!.metadata.managedFields).toEqual([expect.objectContaining({manager: 'incident-tui/inc-test'})]);
		const history = await c.history('api');
		expect(history.map(h => [h.revision, h.images[0], h.changeCause])).toEqual([
			[3, 'shop/api:1.3.2', 'deploy 1.3.2'],
			[2, 'shop/api:1.4.0', 'deploy 1.4.0'],
		]);
	});

	it('rolls back to a chosen revision, and names a missing one', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.2.0', 'shop/api:1.3.2', 'shop/api:1.4.0']});
		const c = await cluster();
		await expect(c.undo('api', 7)).rejects.toThrow('unable to find specified revision 7 in history');
		expect((await c.undo('api', 1)).summary).toBe('revision 3 -> 1');
		const template = (server.requests.find(r => r.method === 'PATCH')!.body as any[]).find(o => o.path === '/spec/template');
		expect(template.value.spec.containers[0].image).toBe('shop/api:1.2.0');
		expect(server.get('deployments', 'api')!.spec.template.spec.containers[0].image).toBe('shop/api:1.2.0');
	});

	it('refuses without a previous revision, and skips when the template already matches', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		server.addDeployment({name: 'web', images: ['shop/web:1', 'shop/web:2']});
		const c = await cluster();
		await expect(c.undo('api')).rejects.toThrow(/no rollout history found for deployment\/api/);
		expect((await c.undo('web', 2)).summary).toBe('skipped rollback (current template already matches revision 2)');
		expect(server.requests.filter(r => r.method !== 'GET')).toEqual([]);
	});

	it('fails with the server message when the deployment is missing', async () => {
		const c = await cluster();
		await expect(c.undo('nope')).rejects.toThrow(/deployments.apps "nope" not found \(context test-ctx, namespace shop\)/);
	});

	it('scales through the scale subresource with a merge patch', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 4});
		const result = await (await cluster()).scale('api', 6);
		expect(result).toEqual({summary: 'replicas 4 -> 6', before: '4', after: '6'});
		const patch = server.requests.find(r => r.method === 'PATCH')!;
		expect(patch).toMatchObject({
			path: '/apis/apps/v1/namespaces/shop/deployments/api/scale',
			contentType: 'application/merge-patch+json',
			query: {fieldManager: 'incident-tui/inc-test'},
			body: {spec: {replicas: 6}},
		});
		expect(server.get('deployments', 'api')!.spec.replicas).toBe(6);
	});

	it('reports a forbidden scale with verb, resource, context and namespace', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		server.forbid('patch', 'deployments/scale');
		await expect((await cluster()).scale('api', 1)).rejects.toThrow(
			'deployments.apps "api" is forbidden: User "viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop" (context test-ctx, namespace shop)',
		);
	});

	it('restarts with a strategic merge patch of the restartedAt template annotation', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const result = await (await cluster()).restart('api');
		const patch = server.requests.find(r => r.method === 'PATCH')!;
		expect(patch.path).toBe('/apis/apps/v1/namespaces/shop/deployments/api');
		expect(patch.contentType).toBe('application/strategic-merge-patch+json');
		expect(patch.query.fieldManager).toBe('incident-tui/inc-test');
		const at = (patch.body as any).spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
		expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(result.after).toBe(`restartedAt ${at}`);
		const stored = server.get('deployments', 'api')!;
		expect(stored.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(at);
		expect(stored.spec.template.spec.containers[0].image).toBe('shop/api:1.4.0');
	});

	it('finds the autoscaler targeting a deployment, and treats a forbidden list as none', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		server.addAutoscaler('api-hpa', 'api');
		const c = await cluster();
		expect(await c.autoscalerFor('api')).toBe('api-hpa');
		expect(await c.autoscalerFor('web')).toBeNull();
		server.forbid('list', 'horizontalpodautoscalers');
		expect(await c.autoscalerFor('api')).toBeNull();
	});

	it('sends no mutating request at all in read-only mode', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0']});
		const c = await cluster({readonly: true});
		await expect(c.undo('api')).rejects.toThrow('read-only mode: rollback of deployment/api not sent');
		await expect(c.undo('api', 1)).rejects.toThrow('read-only mode: rollback of deployment/api not sent');
		await expect(c.scale('api', 5)).rejects.toThrow('read-only mode: scale of deployment/api not sent');
		await expect(c.restart('api')).rejects.toThrow('read-only mode: restart of deployment/api not sent');
		// Reads still work.
		expect((await c.history('api')).map(h => h.revision)).toEqual([2, 1]);
		expect(server.requests.filter(r => r.method !== 'GET')).toEqual([]);
		expect(server.get('deployments', 'api')!.spec.template.spec.containers[0].image).toBe('shop/api:1.4.0');
	});
});

describe('KubeCluster pod diagnosis (reads only, allowed in read-only mode)', () => {
	it('lists the events about one pod, oldest first, through a field selector, as kubectl describe does', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = server.addPod('api', {name: 'api-abc-11111'}).metadata.name;
		server.addPod('api', {name: 'api-abc-22222'});
		server.addEvent('Pod', pod, {type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container api', count: 7, lastTimestamp: '2026-11-22T03:10:00Z'});
		server.addEvent('Pod', pod, {reason: 'Scheduled', message: 'Successfully assigned shop/api-abc-11111 to node-1', lastTimestamp: '2026-11-22T03:00:00Z'});
		server.addEvent('Pod', 'api-abc-22222', {reason: 'Scheduled', message: 'not this pod', lastTimestamp: '2026-11-22T03:05:00Z'});
		const events = await (await cluster({readonly: true})).events('Pod', pod);
		expect(events).toEqual([
			{type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned shop/api-abc-11111 to node-1', count: 1, lastSeen: '2026-11-22T03:00:00Z'},
			{type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container api', count: 7, lastSeen: '2026-11-22T03:10:00Z'},
		]);
		const request = server.requests.find(r => r.path === '/api/v1/namespaces/shop/events')!;
		expect(request.query.fieldSelector).toBe(`involvedObject.kind=Pod,involvedObject.name=${pod}`);
	});

	it('lists the events of a deployment and of a ReplicaSet by kind, not those of a pod of the same name', async () => {
		server.addEvent('ReplicaSet', 'api-abc', {type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "api-abc-x" is forbidden: exceeded quota: compute', count: 12, lastTimestamp: '2026-11-22T03:10:00Z'});
		server.addEvent('Pod', 'api-abc', {reason: 'Scheduled', message: 'a pod that happens to share the name', lastTimestamp: '2026-11-22T03:00:00Z'});
		server.addEvent('Deployment', 'api', {reason: 'ScalingReplicaSet', message: 'Scaled up replica set api-abc from 0 to 2', lastTimestamp: '2026-11-22T03:09:00Z'});
		const c = await cluster({readonly: true});
		expect((await c.events('ReplicaSet', 'api-abc')).map(e => [e.reason, e.count])).toEqual([['FailedCreate', 12]]);
		expect((await c.events('Deployment', 'api')).map(e => e.message)).toEqual(['Scaled up replica set api-abc from 0 to 2']);
	});

	it('reads the log of the container that restarted last, from before the restart, and the tail only', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = server.addPod('api', {name: 'api-abc-11111'});
		server.update('pods', pod.metadata.name, p => {
			p.spec.containers = [{name: 'api', image: 'shop/api:1.4.0'}, {name: 'sidecar', image: 'envoy'}];
			p.status.containerStatuses = [
				{name: 'api', ready: true, restartCount: 1, lastState: {terminated: {reason: 'Error', finishedAt: '2026-11-22T02:00:00Z'}}},
				{name: 'sidecar', ready: false, restartCount: 3, lastState: {terminated: {reason: 'OOMKilled', finishedAt: '2026-11-22T03:00:00Z'}}},
			];
		});
		server.setLog(pod.metadata.name, 'sidecar', Array.from({length: 30}, (_, i) => `line ${i + 1}`).join('\n'), {previous: true});
		server.setLog(pod.metadata.name, 'sidecar', 'the new run');
		const log = await (await cluster({readonly: true})).podLog(pod.metadata.name, 20);
		expect(log).toEqual({container: 'sidecar', previous: true, lines: Array.from({length: 20}, (_, i) => `line ${i + 11}`)});
		const request = server.requests.find(r => r.path.endsWith('/log'))!;
		expect(request.path).toBe('/api/v1/namespaces/shop/pods/api-abc-11111/log');
		expect(request.query).toMatchObject({container: 'sidecar', previous: 'true', tailLines: '20'});
	});

	it('reads a pod as it is now: its row, and each container’s state, restarts and how its last run ended', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = server.addPod('api', {name: 'api-abc-11111'});
		server.update('pods', pod.metadata.name, p => {
			p.status.containerStatuses = [
				{name: 'api', ready: false, restartCount: 4, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-22T03:00:00Z'}}},
				{name: 'sidecar', ready: true, restartCount: 0, state: {running: {startedAt: '2026-11-22T02:00:00Z'}}},
				{name: 'migrate', ready: false, restartCount: 1, state: {terminated: {reason: 'Error', exitCode: 1}}, lastState: {terminated: {reason: 'Error', exitCode: 1, message: 'panic: no such table\n'}}},
			];
		});
		const now = await (await cluster({readonly: true})).podNow(pod.metadata.name);
		// The row from the same read: what the pane will show after its next flush.
		expect(now.pod).toMatchObject({name: pod.metadata.name, deployment: 'api', ready: 1, restarts: 5, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled'});
		expect(now.containers).toEqual([
			{name: 'api', ready: false, restarts: 4, state: 'waiting: CrashLoopBackOff', lastTermination: {reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-22T03:00:00Z'}},
			{name: 'sidecar', ready: true, restarts: 0, state: 'running'},
			{name: 'migrate', ready: false, restarts: 1, state: 'terminated: Error (exit 1)', lastTermination: {reason: 'Error', exitCode: 1, message: 'panic: no such table'}},
		]);
	});

	it('looks at init containers too: a failing migration is why the pod never starts', () => {
		const crashing: RawPod = {
			spec: {containers: [{name: 'api'}]},
			status: {
				initContainerStatuses: [{name: 'migrate', ready: false, restartCount: 3, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {reason: 'Error', exitCode: 1, finishedAt: '2026-11-22T03:00:00Z'}}}],
				containerStatuses: [{name: 'api', ready: false, restartCount: 0, state: {waiting: {reason: 'PodInitializing'}}}],
			},
		};
		expect(logContainerOf(crashing)).toEqual({container: 'migrate', previous: true});
		expect(toContainerStatuses(crashing).map(c => [c.name, c.init ?? false, c.state])).toEqual([
			['migrate', true, 'waiting: CrashLoopBackOff'],
			['api', false, 'waiting: PodInitializing'],
		]);
		// Failed once, not restarted yet: its own log, which a terminated container keeps.
		const failedOnce: RawPod = {spec: {containers: [{name: 'api'}]}, status: {initContainerStatuses: [{name: 'migrate', restartCount: 0, state: {terminated: {reason: 'Error', exitCode: 1}}}]}};
		expect(logContainerOf(failedOnce)).toEqual({container: 'migrate', previous: false});
		// A completed init container does not take the log from the app.
		const started: RawPod = {spec: {containers: [{name: 'api'}]}, status: {initContainerStatuses: [{name: 'migrate', restartCount: 0, state: {terminated: {reason: 'Completed', exitCode: 0}}}]}};
		expect(logContainerOf(started)).toEqual({container: 'api', previous: false});

		// The Pods pane's status says so, as kubectl's STATUS column does, and counts the init restarts.
		const row = (raw: RawPod) => toPodInfo({metadata: {name: 'api-1'}, ...raw}, new Map());
		expect(row(crashing)).toMatchObject({waitingReason: 'Init:CrashLoopBackOff', restarts: 3, lastTerminationReason: 'Error'});
		expect(row(failedOnce)).toMatchObject({waitingReason: 'Init:Error', restarts: 0});
		const secondOfTwo: RawPod = {
			spec: {containers: [{name: 'api'}]},
			status: {initContainerStatuses: [{name: 'migrate', state: {terminated: {reason: 'Completed', exitCode: 0}}}, {name: 'warm', state: {running: {}}}], containerStatuses: [{name: 'api', state: {waiting: {reason: 'PodInitializing'}}}]},
		};
		expect(row(secondOfTwo).waitingReason).toBe('Init:1/2');
		expect(row(started).waitingReason).toBeUndefined();
	});

	it('makes a row of the right shape from a pod of the wrong shape (a proxy can send any JSON)', () => {
		// Found by the fuzz suite (FUZZ_SEED=3, case 62): a name that is a list reached the Pods pane's rows.
		const hostile = {
			metadata: {name: ['api-1'], namespace: 7, creationTimestamp: 5},
			spec: {containers: {}, nodeName: {}},
			status: {phase: 1, containerStatuses: [{name: 'api', ready: 'yes', restartCount: '3', state: {waiting: {reason: ['CrashLoopBackOff']}}, lastState: {terminated: {reason: 9}}}]},
		} as unknown as RawPod;
		const row = toPodInfo(hostile, new Map());
		expect(row).toEqual({name: '', namespace: '', phase: 'Pending', ready: 0, containers: 1, restarts: 0, createdAt: ''});
	});

	it('reads the running log of a pod that never restarted, and names a forbidden pods/log read', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = server.addPod('api', {name: 'api-abc-11111'}).metadata.name;
		server.setLog(pod, 'api', 'listening on :8080\nGET /health 200\n');
		const c = await cluster({readonly: true});
		expect(await c.podLog(pod, 20)).toEqual({container: 'api', previous: false, lines: ['listening on :8080', 'GET /health 200']});
		server.forbid('get', 'pods/log');
		await expect(c.podLog(pod, 20)).rejects.toThrow('pods "api-abc-11111" is forbidden: User "viewer" cannot get resource "pods/log"');
		server.forbid('list', 'events');
		await expect(c.events('Pod', pod)).rejects.toThrow('events is forbidden: User "viewer" cannot list resource "events"');
		expect(server.requests.filter(r => r.method !== 'GET')).toEqual([]);
	});

	it('follows a container’s log: its tail, then each line as it is written, until the container stops; an abort stops it quietly', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = server.addPod('api', {name: 'api-abc-11111'}).metadata.name;
		server.setLog(pod, 'api', 'listening on :8080\nGET /health 200\nGET /health 200 again\n');
		const c = await cluster({readonly: true});
		const lines: string[] = [];
		let ended: Error | null | undefined;
		expect(await c.followLog(pod, 2, {line: text => lines.push(text), done: error => (ended = error)}, new AbortController().signal)).toBe('api');
		await waitFor(() => lines.length === 2, {message: 'the tail'});
		expect(lines).toEqual(['GET /health 200', 'GET /health 200 again']);
		expect(server.requests.find(r => r.path.endsWith('/log'))!.query).toMatchObject({container: 'api', follow: 'true', tailLines: '2'});
		server.appendLog(pod, 'api', ['panic: runtime error', '\tat main.go:42']);
		await waitFor(() => lines.length === 4, {message: 'the lines written after it opened'});
		expect(lines.slice(2)).toEqual(['panic: runtime error', '\tat main.go:42']);
		server.endLog(pod, 'api');
		await waitFor(() => ended !== undefined, {message: 'the end of the log'});
		expect(ended).toBeNull();

		const abort = new AbortController();
		let called = false;
		await c.followLog(pod, 10, {line() {}, done: () => (called = true)}, abort.signal);
		await waitFor(() => server.logFollowerCount(pod, 'api') === 1, {message: 'a second follower'});
		abort.abort();
		await waitFor(() => server.logFollowerCount(pod, 'api') === 0, {message: 'the follow closed'});
		expect(called).toBe(false);
		expect(server.requests.filter(r => r.method !== 'GET')).toEqual([]);
	});

	it('names the permission a forbidden log follow lacks', async () => {
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = server.addPod('api', {name: 'api-abc-11111'}).metadata.name;
		server.forbid('get', 'pods/log');
		let refused: Error | null | undefined;
		await (await cluster({readonly: true})).followLog(pod, 10, {line() {}, done: error => (refused = error)}, new AbortController().signal);
		await waitFor(() => refused !== undefined, {message: 'the refusal'});
		expect(refused?.message).toContain('pods "api-abc-11111" is forbidden: User "viewer" cannot get resource "pods/log"');
		expect(refused?.message).toContain('follow the log of pod/api-abc-11111 -c api');
	});
});

describe.skipIf(!hasOpenssl)('KubeCluster over TLS', () => {
	/** Runs `body` against a fake API server over TLS made with `options(dir)`, then cleans up. */
	async function overTls(options: (dir: string) => FakeKubeServerOptions, body: (server: FakeKubeServer) => Promise<void>): Promise<void> {
		const dir = await mkdtemp(join(tmpdir(), 'kube-tls-'));
		try {
			const tlsServer = await startFakeKubeServer(options(dir));
			try {
				expect(tlsServer.url).toMatch(/^https:/);
				await body(tlsServer);
			} finally {
				stop.abort();
				await tlsServer.close();
			}
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	}

	/** Lists `server` (one deployment, one pod) and watches it until a new pod `podName` arrives. */
	async function listAndWatch(tlsServer: FakeKubeServer, readonly: boolean, podName: string): Promise<KubeCluster> {
		tlsServer.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 1});
		const watcher = new RecordingWatcher();
		const c = await createKubeCluster({kubeconfig: tlsServer.kubeconfigPath, readonly, fieldManager: 'incident-tui/inc-test'});
		await c.watch(watcher, stop.signal);
		await waitFor(() => tlsServer.watchCount('pods') === 1, {message: 'pods watched over TLS'});
		expect(watcher.resets[0]!.pods).toHaveLength(1);
		tlsServer.addPod('api', {name: podName});
		await waitFor(() => watcher.podUpsert(podName), {message: `${podName} seen over TLS`});
		expect(watcher.errors).toEqual([]);
		return c;
	}

	it('lists and watches an https API server trusted through the kubeconfig\'s CA, with its token', async () => {
		// The kubeconfig names the server's self-signed certificate as the CA.
		await overTls(
			dir => ({tls: selfSignedCertificate(dir)}),
			async tlsServer => {
				expect(tlsServer.kubeconfig()).toContain('token: fake-token');
				await listAndWatch(tlsServer, true, 'api-tls');
			},
		);
	});

	it('authenticates with the kubeconfig\'s client certificate for lists, watches and patches', async () => {
		await overTls(
			dir => ({tls: selfSignedCertificate(dir), clientCertificate: clientCertificate(dir, 'oncall')}),
			async tlsServer => {
				expect(tlsServer.kubeconfig()).toContain('client-certificate-data:');
				expect(tlsServer.kubeconfig()).not.toContain('token:');
				const c = await listAndWatch(tlsServer, false, 'api-mtls');
				await expect(c.scale('api', 3)).resolves.toMatchObject({after: '3'});
				expect(tlsServer.get('deployments', 'api')!.spec.replicas).toBe(3);

				// Without the certificate the server refuses the handshake: an error, not a hang.
				const anonymous = join(tlsServer.kubeconfigPath, '..', 'anonymous');
				await writeFile(anonymous, tlsServer.kubeconfig().replace(/^ {4}client-(certificate|key)-data: .*\n/gm, ''));
				const refused = await createKubeCluster({kubeconfig: anonymous, readonly: true, fieldManager: 'incident-tui/inc-test'});
				await expect(refused.history('api')).rejects.toThrow();
			},
		);
	});
});
