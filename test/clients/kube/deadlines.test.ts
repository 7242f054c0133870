/**
 * The Kubernetes client never waits forever and never storms: every request has a deadline, a missed
 * one is an error with a retry and backoff; a watch answered 410 Gone right after its relist backs
 * off as for errors and says so; a 500 is reported as what the server said. Against the fake API
 * server (test/support/fake-kube-kube.server.ts).
 */
import {describe, expect, it} from 'vitest';
import {createKubeCluster, type KubeCluster} from '../../../source/clients/kube/cluster.js';
import type {ClusterWatcher, DeploymentInfo, PodInfo} from '../../../source/ports/cluster.js';
import {startKubernetesSource} from '../../../source/kinds/pods/source.js';
import {collectStatus} from '../../../source/kinds/status.js';
import {serverPerTest} from './support.js';
import {waitFor} from '../../support/wait.js';
import {makeConfig, makeContext} from '../../kinds/support.js';
import {podsData} from '../../../source/kinds/pods/data.js';

class RecordingWatcher implements ClusterWatcher {
	resets: Array<{pods: PodInfo[]; deployments: DeploymentInfo[]}> = [];
	errors: Array<{message: string; retryInMs: number | null}> = [];
	reset(pods: PodInfo[], deployments: DeploymentInfo[]): void {
		this.resets.push({pods, deployments});
	}
	change(): void {}
	error(error: Error, retryInMs: number | null): void {
		this.errors.push({message: error.message, retryInMs});
	}
}

const kube = serverPerTest();

function cluster(options: {requestTimeoutMs?: number; backoff?: {initialMs: number; maxMs: number}} = {}): Promise<KubeCluster> {
	return createKubeCluster({
		kubeconfig: kube.server.kubeconfigPath,
		readonly: true,
		fieldManager: 'incident-tui/inc-test',
		backoff: options.backoff ?? {initialMs: 20, maxMs: 200},
		requestTimeoutMs: options.requestTimeoutMs ?? 300,
	});
}

const podRequests = () => kube.server.requests.filter(r => r.path.endsWith('/pods'));

describe('KubeCluster: deadlines', () => {
	it('ends a list that is accepted and never answered at its deadline, retries with backoff, and lists once the server answers again', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		kube.server.hang('list', 'pods');
		const watcher = new RecordingWatcher();
		void (await cluster()).watch(watcher, kube.signal);
		await waitFor(() => watcher.errors.length >= 2, {message: 'the missed deadline reported, then again', timeoutMs: 10_000});
		expect(watcher.errors[0]!.message).toBe('list pods: no answer from the API server in 0.3 s (context test-ctx, namespace shop)');
		expect(watcher.errors[0]!.retryInMs).toBeGreaterThan(0);
		expect(watcher.errors[1]!.retryInMs).toBeGreaterThan(watcher.errors[0]!.retryInMs!);
		// The deployments were listed meanwhile: what is known is shown.
		expect(watcher.resets[0]?.deployments.map(d => d.name)).toEqual(['api']);
		kube.server.answerAgain();
		await waitFor(() => watcher.resets.at(-1)!.pods.length === 2, {message: 'the pods listed after the server recovered', timeoutMs: 10_000});
	});

	it('ends a watch whose answer never starts at its deadline and watches again', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		kube.server.hang('watch', 'pods');
		const watcher = new RecordingWatcher();
		await (await cluster()).watch(watcher, kube.signal);
		await waitFor(() => watcher.errors.length >= 1, {message: 'the missed deadline reported', timeoutMs: 10_000});
		expect(watcher.errors[0]!.message).toBe('watch pods: no answer from the API server in 0.3 s (context test-ctx, namespace shop)');
		kube.server.answerAgain();
		await waitFor(() => kube.server.watchCount('pods') === 1, {message: 'the watch open again', timeoutMs: 10_000});
		kube.server.addPod('api', {name: 'api-later'});
		await waitFor(() => watcher.resets.length > 1 || kube.server.watchCount('pods') === 1, {message: 'watching'});
	});

	it('turns a wedged list into a failed feed the Pods pane shows, and back to ok when the server answers', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		kube.server.hang('list', 'pods');
		const ctx = makeContext(makeConfig({refresh: {podsMs: 20}}));
		const stopSource = startKubernetesSource(ctx, await cluster());
		try {
			const feed = await waitFor(() => (ctx.store.getState().feeds.cluster?.status === 'error' ? ctx.store.getState().feeds.cluster : null), {message: 'cluster feed failed', timeoutMs: 10_000});
			expect(feed.failure).toBe('unreachable');
			expect(feed.error).toMatch(/^list pods: no answer from the API server in 0\.3 s \(context test-ctx, namespace shop\) \(retrying in \d+ ms\)$/);
			kube.server.answerAgain();
			await waitFor(() => podsData.of(ctx.store.getState()).pods.size === 2 && ctx.store.getState().feeds.cluster?.status === 'ok', {message: 'pods listed, feed ok', timeoutMs: 10_000});
		} finally {
			stopSource();
		}
	});
});

describe('the Pods pane after a watch broke and came back', () => {
	it('says ok again once the watch is open again, with no change to the pods needed', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const ctx = makeContext(makeConfig({refresh: {podsMs: 20}}));
		const stopSource = startKubernetesSource(ctx, await cluster());
		try {
			await waitFor(() => ctx.store.getState().feeds.cluster?.status === 'ok' && kube.server.watchCount('pods') === 1, {message: 'watching'});
			kube.server.dropConnections('pods', {refuseNext: 1});
			const feed = await waitFor(() => (ctx.store.getState().feeds.cluster?.status === 'error' ? ctx.store.getState().feeds.cluster : null), {message: 'the break shown'});
			expect(feed).toMatchObject({failure: 'unreachable'});
			// Reconnected from its resourceVersion: no relist, no event; the data is current all the same.
			await waitFor(() => ctx.store.getState().feeds.cluster?.status === 'ok', {message: 'ok again', timeoutMs: 10_000});
			expect(kube.server.requests.filter(r => r.path.endsWith('/pods') && r.query.watch !== 'true')).toHaveLength(1);
		} finally {
			stopSource();
		}
	});
});

describe('KubeCluster: 410 Gone right after a relist', () => {
	it('backs off as for errors and says so, instead of relisting in a tight loop', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = new RecordingWatcher();
		await (await cluster({backoff: {initialMs: 20, maxMs: 160}})).watch(watcher, kube.signal);
		await waitFor(() => kube.server.watchCount('pods') === 1, {message: 'watching pods'});
		const before = podRequests().length;
		kube.server.goneAlways('pods', 'http');
		kube.server.endWatches('pods');
		// Bounded by count, not time: five reported cycles, or 400 requests, whichever comes first.
		await waitFor(() => watcher.errors.length >= 5 || podRequests().length - before > 400, {message: 'five cycles', timeoutMs: 20_000});
		const requests = podRequests().length - before;
		// Each cycle is one list and one watch; the first 410 relists at once, unreported.
		expect(requests).toBeLessThanOrEqual(2 * (watcher.errors.length + 2));
		expect(watcher.errors.map(e => e.retryInMs)).toEqual([20, 40, 80, 160, 160].slice(0, watcher.errors.length));
		expect(watcher.errors[0]!.message).toMatch(/^watch pods: 410 Gone again right after relisting \(2 times in a row\)/);
		expect(watcher.errors[1]!.message).toMatch(/\(3 times in a row\)/);
		// Once the server's watches work again, the backoff and the count start over.
		kube.server.allowAll();
		await waitFor(() => kube.server.watchCount('pods') === 1, {message: 'watching pods again', timeoutMs: 5000});
	});

	it('does the same for 410 sent as an ERROR event', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const watcher = new RecordingWatcher();
		await (await cluster({backoff: {initialMs: 20, maxMs: 160}})).watch(watcher, kube.signal);
		await waitFor(() => kube.server.watchCount('pods') === 1, {message: 'watching pods'});
		const before = podRequests().length;
		kube.server.goneAlways('pods', 'event');
		kube.server.endWatches('pods');
		await waitFor(() => watcher.errors.length >= 3 || podRequests().length - before > 400, {message: 'three cycles', timeoutMs: 20_000});
		expect(podRequests().length - before).toBeLessThanOrEqual(2 * (watcher.errors.length + 2));
		expect(watcher.errors[0]!.retryInMs).toBe(20);
	});
});

describe('KubeCluster: a 500', () => {
	it('reports what the server said, with its status, not a missing answer', async () => {
		kube.server.failWith('list', 'pods', 500, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
		const watcher = new RecordingWatcher();
		void (await cluster()).watch(watcher, kube.signal);
		await waitFor(() => watcher.errors.length >= 1, {message: 'the 500 reported'});
		expect(watcher.errors[0]!.message).toBe(
			'list pods: HTTP 500 Internal Server Error: upstream connect error or disconnect/reset before headers. reset reason: overflow (context test-ctx, namespace shop)',
		);
		expect(watcher.errors[0]!.retryInMs).toBeGreaterThan(0);
	});

	it('is what `status` reports when the cluster gave no list in time, not "no answer in time"', async () => {
		kube.server.failWith('list', 'pods', 500, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
		const report = await collectStatus({config: makeConfig({}), cluster: await cluster(), timeoutMs: 1000});
		expect(report.errors).toEqual([
			{
				source: 'kubernetes',
				message: 'list pods: HTTP 500 Internal Server Error: upstream connect error or disconnect/reset before headers. reset reason: overflow (context test-ctx, namespace shop)',
			},
		]);
	});
});
