import {describe, expect, it, vi} from 'vitest';
import {createKubeCluster, type KubeCluster} from '../../../source/clients/kube/cluster.js';
import {type LoggedRequest} from '../../support/fake-kube-server.js';
import {waitFor} from '../../support/wait.js';
import {listRequests as listRequestsOf, RecordingWatcher, watchRequests as watchRequestsOf, watching as watchingOn, serverPerTest} from './support.js';

const kube = serverPerTest();

const cluster = kube.cluster;
const watchRequests = (resource: string): LoggedRequest[] => watchRequestsOf(kube.server, resource);
const listRequests = (resource: string): LoggedRequest[] => listRequestsOf(kube.server, resource);
const watching = (c: KubeCluster): Promise<RecordingWatcher> => watchingOn(kube.server, c, kube.signal);

describe('KubeCluster.watch', () => {
	it('lists then watches, turning objects into compact rows', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0'], replicas: 2});
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

		const pod = kube.server.addPod('api', {
			name: 'api-crash',
			containerStatus: {ready: false, restartCount: 3, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {reason: 'OOMKilled', exitCode: 137}}},
		});
		const row = await waitFor(() => watcher.podUpsert('api-crash'), {message: 'pod upsert'});
		expect(row).toMatchObject({deployment: 'api', ready: 0, restarts: 3, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled'});

		kube.server.update('pods', pod.metadata.name, p => (p.metadata.deletionTimestamp = '2026-11-22T03:10:00Z'));
		await waitFor(() => watcher.podUpsert('api-crash')?.terminating, {message: 'terminating flag'});
		kube.server.remove('pods', 'api-crash');
		await waitFor(() => watcher.changes.some(c => c.kind === 'pod' && c.type === 'delete' && c.name === 'api-crash'), {message: 'pod delete'});

		kube.server.update('deployments', 'api', d => (d.metadata.generation = 2));
		await waitFor(() => watcher.changes.some(c => c.kind === 'deployment' && c.type === 'upsert' && !c.deployment.rolloutComplete), {message: 'rollout in progress'});
		expect(watcher.errors).toEqual([]);
	});

	it('lists in pages (limit/continue) and watches from the list\'s resourceVersion', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 5});
		const listedAt = String(kube.server.resourceVersion);
		const c = await createKubeCluster({kubeconfig: kube.server.kubeconfigPath, readonly: true, fieldManager: 'x', pageSize: 2});
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
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = await watching(await cluster());
		const pod = kube.server.addPod('api', {name: 'api-new'});
		await waitFor(() => watcher.podUpsert('api-new'));
		kube.server.endWatches('pods');
		await waitFor(() => watchRequests('pods').length === 2 && kube.server.watchCount('pods') === 1, {message: 'second pods watch'});
		const resumed = watchRequests('pods')[1]!;
		expect(resumed.query.resourceVersion).toBe(pod.metadata.resourceVersion);
		expect(resumed.query.allowWatchBookmarks).toBe('true');

		// Other resources change; a bookmark carries the newer resourceVersion to the pods watch.
		kube.server.addAutoscaler('unrelated', 'api');
		kube.server.bookmark('pods');
		const bookmarked = String(kube.server.resourceVersion);
		await waitFor(async () => {
			kube.server.endWatches('pods');
			return watchRequests('pods').at(-1)!.query.resourceVersion === bookmarked;
		}, {message: 'watch resumed from the bookmark'});
		expect(listRequests('pods')).toHaveLength(1);
		expect(watcher.resets).toHaveLength(1);
		expect(watcher.errors).toEqual([]);
	});

	it('passes on only the events that change a row, while a heartbeat still moves the resourceVersion on', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = await watching(await cluster());
		const name = kube.server.list('pods')[0]!.metadata.name as string;
		const podChanges = () => watcher.changes.filter(c => c.kind === 'pod');

		// A kubelet heartbeat: a status field no row keeps.
		kube.server.update('pods', name, p => (p.status.conditions = [{type: 'Ready', status: 'True', lastProbeTime: '2026-11-22T03:11:00Z'}]));
		const heartbeat = String(kube.server.resourceVersion);
		await waitFor(
			() => {
				kube.server.endWatches('pods');
				return watchRequests('pods').at(-1)!.query.resourceVersion === heartbeat;
			},
			{message: 'watch resumed after the heartbeat'},
		);
		expect(podChanges()).toEqual([]);

		kube.server.update('pods', name, p => (p.status.containerStatuses[0].ready = false));
		const flipped = await waitFor(() => watcher.podUpsert(name), {message: 'readiness flip passed on'});
		expect(flipped.ready).toBe(0);
		expect(podChanges()).toHaveLength(1);
		expect(watcher.errors).toEqual([]);
	});

	for (const mode of ['event', 'http'] as const) {
		it(`relists and resets after 410 Gone (${mode === 'event' ? 'ERROR event' : 'HTTP 410'})`, async () => {
			kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
			const watcher = await watching(await cluster());
			kube.server.expire('pods', mode);
			// Changes made while the client is relisting must not be lost.
			kube.server.addPod('api', {name: 'api-after-gone'});
			await waitFor(() => watcher.resets.length === 2, {message: 'second reset'});
			await waitFor(() => watcher.resets.at(-1)!.pods.some(p => p.name === 'api-after-gone') || watcher.podUpsert('api-after-gone'), {message: 'pod seen after relist'});
			expect(listRequests('pods')).toHaveLength(2);
			expect(watcher.resets.at(-1)!.deployments.map(d => d.name)).toEqual(['api']);
			expect(watcher.errors).toEqual([]);
		});
	}

	it('reconnects with backoff when the server drops the connection', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = await watching(await cluster());
		kube.server.dropConnections('pods', {refuseNext: 2});
		await waitFor(() => watcher.errors.length >= 2, {message: 'errors reported'});
		expect(watcher.errors[0]!.retryInMs).toBeGreaterThan(0);
		expect(watcher.errors[1]!.retryInMs).toBeGreaterThan(watcher.errors[0]!.retryInMs!);
		expect(watcher.errors[0]!.message).toMatch(/cannot reach the API server .*context test-ctx, namespace shop/);
		await waitFor(() => kube.server.watchCount('pods') === 1, {message: 'watch re-established'});
		kube.server.addPod('api', {name: 'api-later'});
		await waitFor(() => watcher.podUpsert('api-later'), {message: 'events flow again'});
	});

	it('names a garbled watch line, then watches again from where it was', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = await watching(await cluster());
		kube.server.garble('pods', '<html><body>502 Bad Gateway</body></html>');
		await waitFor(() => watcher.errors.length > 0, {message: 'garbled line reported'});
		expect(watcher.errors[0]!.message).toBe(
			'watch pods: the API server sent an event that is not JSON: "<html><body>502 Bad Gateway</body></html>" (context test-ctx, namespace shop)',
		);
		expect(watcher.errors[0]!.retryInMs).toBeGreaterThan(0);
		await waitFor(() => watchRequests('pods').length === 2 && kube.server.watchCount('pods') === 1, {message: 'watch re-established'});
		kube.server.addPod('api', {name: 'api-later'});
		await waitFor(() => watcher.podUpsert('api-later'), {message: 'events flow again'});
		expect(watcher.resets).toHaveLength(1);
	});

	it('reports a forbidden watch with verb and resource, and keeps the other resources going', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		kube.server.forbid('watch', 'pods');
		const watcher = new RecordingWatcher();
		await (await cluster()).watch(watcher, kube.signal);
		await waitFor(() => watcher.errors.length > 0, {message: 'forbidden reported'});
		expect(watcher.errors[0]).toEqual({
			message: expect.stringContaining('pods is forbidden: User "viewer" cannot watch resource "pods" in API group "" in the namespace "shop"'),
			retryInMs: null,
		});
		expect(watcher.resets[0]!.pods).toHaveLength(2);
		kube.server.update('deployments', 'api', d => (d.spec.replicas = 3));
		await waitFor(() => watcher.changes.some(c => c.kind === 'deployment'), {message: 'deployments still watched'});
	});

	it('reports a forbidden list with verb and resource', async () => {
		kube.server.forbid('list', 'pods');
		const watcher = new RecordingWatcher();
		await (await cluster()).watch(watcher, kube.signal);
		await waitFor(() => watcher.errors.length > 0);
		expect(watcher.errors[0]!.message).toContain('cannot list resource "pods"');
		expect(watcher.errors[0]!.message).toContain('context test-ctx');
		expect(watcher.errors[0]!.retryInMs).toBeNull();
	});

	it('reads its watches in batches on its own clock: one timer for its three watches, none shared with another client', async () => {
		vi.useFakeTimers({toFake: ['setInterval', 'clearInterval']});
		try {
			kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
			const other = new AbortController();
			const first = new RecordingWatcher();
			const second = new RecordingWatcher();
			await (await cluster()).watch(first, kube.signal);
			await (await cluster()).watch(second, other.signal);
			await waitFor(() => kube.server.watchCount('pods') === 2 && kube.server.watchCount('deployments') === 2 && kube.server.watchCount('replicasets') === 2, {message: 'both clients watching'});
			expect(vi.getTimerCount()).toBe(2);
			other.abort();
			await waitFor(() => kube.server.watchCount('pods') === 1, {message: 'the second client stopped'});
			expect(vi.getTimerCount()).toBe(1);
			kube.stop();
			await waitFor(() => kube.server.watchCount() === 0, {message: 'the first client stopped'});
			expect(vi.getTimerCount()).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});

	it('stops every watch when the signal aborts', async () => {
		const watcher = await watching(await cluster());
		kube.stop();
		await waitFor(() => kube.server.watchCount() === 0, {message: 'watches closed'});
		expect(watcher.errors).toEqual([]);
	});
});
