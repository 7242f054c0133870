import {afterEach, describe, expect, it, vi} from 'vitest';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createKubeCluster} from '../../../source/clients/kube-cluster.js';
import {createContextsCluster} from '../../../source/clients/kube/contexts.js';
import {sourcesSummary} from '../../../source/store/feeds.js';
import {configSchema} from '../../../source/config/schema.js';
import type {Cluster, ClusterWatcher, DeploymentInfo, PodInfo} from '../../../source/ports/cluster.js';
import {startKubernetesSource} from '../../../source/kinds/pods/source.js';
import {createIncidentStore, type IncidentStore} from '../../../source/store/store.js';
import {podRows, podTone} from '../../../source/kinds/pods/rows.js';
import {RowCache} from '../../../source/store/memo.js';
import type {AppendEvent, EventData, EventType, TimelineEvent} from '../../../source/timeline/events.js';
import {startFakeKubeServer, type FakeKubeServer} from '../../support/fake-kube-server.js';
import {waitFor} from '../../support/wait.js';
import {podsData} from '../../../source/kinds/pods/data.js';

type Recorded = {type: EventType; data: EventData[EventType]};

function recordingAppend(): {append: AppendEvent; events: Recorded[]; signals: (kind?: string) => Array<EventData['signal']>} {
	const events: Recorded[] = [];
	const append = (async <T extends EventType>(type: T, data: EventData[T]): Promise<TimelineEvent<T>> => {
		events.push({type, data});
		return {v: 1, id: String(events.length), at: new Date().toISOString(), by: 'test@host', type, data};
	}) as AppendEvent;
	const signals = (kind?: string) =>
		events.filter(e => e.type === 'signal').map(e => e.data as EventData['signal']).filter(s => !kind || s.kind === kind);
	return {append, events, signals};
}

/** A Cluster whose watcher the test drives by hand. */
function drivenCluster(): {cluster: Cluster; watcher: () => ClusterWatcher; signal: () => AbortSignal} {
	let watcher: ClusterWatcher | undefined;
	let watchSignal: AbortSignal | undefined;
	const unused = () => Promise.reject(new Error('not used'));
	const cluster: Cluster = {
		context: 'test',
		namespace: 'shop',
		async watch(w, s) {
			watcher = w;
			watchSignal = s;
		},
		history: unused,
		undo: unused,
		scale: unused,
		restart: unused,
		events: unused,
		podNow: unused,
		followLog: unused,
		podLog: unused,
		autoscalerFor: unused,
	};
	return {cluster, watcher: () => watcher!, signal: () => watchSignal!};
}

function pod(name: string, extra: Partial<PodInfo> = {}): PodInfo {
	return {name, namespace: 'shop', deployment: 'api', phase: 'Running', ready: 1, containers: 1, restarts: 0, createdAt: '2026-11-22T03:00:00Z', ...extra};
}

function deployment(name: string, extra: Partial<DeploymentInfo> = {}): DeploymentInfo {
	return {
		name,
		namespace: 'shop',
		revision: 2,
		replicas: 2,
		readyReplicas: 2,
		updatedReplicas: 2,
		availableReplicas: 2,
		images: ['shop/api:1.4.0'],
		generation: 1,
		observedGeneration: 1,
		rolloutComplete: true,
		createdAt: '2026-11-20T00:00:00Z',
		...extra,
	};
}

const stops: Array<() => void> = [];
afterEach(() => {
	for (const stop of stops.splice(0)) stop();
});

function start(cluster: Cluster, config: unknown = {}): {store: IncidentStore; recorded: ReturnType<typeof recordingAppend>; stop: () => void} {
	const store = createIncidentStore();
	const recorded = recordingAppend();
	const controller = new AbortController();
	const stopSource = startKubernetesSource({config: configSchema.parse(config), store, append: recorded.append, signal: controller.signal, now: Date.now, metrics: null, cluster, runbook: null}, cluster);
	const stop = () => {
		stopSource();
		controller.abort();
	};
	stops.push(stop);
	return {store, recorded, stop};
}

describe('startKubernetesSource', () => {
	it('writes the first list into the store without signalling what it already shows', async () => {
		const driven = drivenCluster();
		const {store, recorded} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		expect(store.getState().feeds.cluster?.status).toBe('loading');
		driven.watcher().reset(
			[pod('api-1', {lastTerminationReason: 'OOMKilled', restarts: 4}), pod('api-2', {waitingReason: 'CrashLoopBackOff', ready: 0})],
			[deployment('api', {rolloutComplete: false, updatedReplicas: 1})],
		);
		expect([...podsData.of(store.getState()).pods.keys()]).toEqual(['api-1', 'api-2']);
		expect(podsData.of(store.getState()).deployments.api?.revision).toBe(2);
		expect(store.getState().feeds.cluster?.status).toBe('ok');
		expect(recorded.events).toEqual([]);
	});

	it('coalesces a burst of changes into one store write', async () => {
		const driven = drivenCluster();
		const {store} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([], [deployment('api')]);
		let writes = 0;
		const unsubscribe = store.subscribe((state, previous) => {
			if (podsData.of(state) !== podsData.of(previous)) writes++;
		});
		for (let i = 0; i < 200; i++) driven.watcher().change({kind: 'pod', type: 'upsert', pod: pod(`api-${i % 50}`, {restarts: i})});
		driven.watcher().change({kind: 'pod', type: 'delete', name: 'api-49'});
		await waitFor(() => podsData.of(store.getState()).pods.size === 49, {message: 'changes flushed'});
		unsubscribe();
		expect(writes).toBe(1);
		expect(podsData.of(store.getState()).pods.get('api-0')?.restarts).toBe(150);
	});

	it('holds changes for refresh.podsMs before writing them, while signals go out at once', async () => {
		const driven = drivenCluster();
		const {store, recorded} = start(driven.cluster, {refresh: {podsMs: 5000}});
		await waitFor(() => driven.watcher());
		driven.watcher().reset([pod('api-1')], [deployment('api')]);
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
		try {
			driven.watcher().change({kind: 'pod', type: 'upsert', pod: pod('api-1', {restarts: 1, lastTerminationReason: 'OOMKilled'})});
			expect(recorded.signals().map(s => s.kind)).toEqual(['pod.oomkilled']);
			vi.advanceTimersByTime(4999);
			expect(podsData.of(store.getState()).pods.get('api-1')?.restarts).toBe(0);
			vi.advanceTimersByTime(1);
			expect(podsData.of(store.getState()).pods.get('api-1')?.restarts).toBe(1);
		} finally {
			vi.useRealTimers();
		}
	});

	it('drops watch updates that change nothing shown (status heartbeats), and writes the next real change', async () => {
		const driven = drivenCluster();
		const {store} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([pod('api-1')], [deployment('api')]);
		const before = podsData.of(store.getState());
		let writes = 0;
		const unsubscribe = store.subscribe((state, previous) => {
			if (podsData.of(state) !== podsData.of(previous)) writes++;
		});
		for (let i = 0; i < 100; i++) driven.watcher().change({kind: 'pod', type: 'upsert', pod: pod('api-1')});
		driven.watcher().change({kind: 'deployment', type: 'upsert', deployment: deployment('api')});
		driven.watcher().change({kind: 'pod', type: 'upsert', pod: pod('api-2')});
		await waitFor(() => podsData.of(store.getState()).pods.get('api-2'), {message: 'the real change flushed'});
		unsubscribe();
		expect(writes).toBe(1);
		expect(podsData.of(store.getState()).pods.get('api-1')).toBe(before.pods.get('api-1'));
	});

	it('signals a pod newly OOMKilled once, and again only when it is killed again', async () => {
		const driven = drivenCluster();
		const {recorded} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([pod('api-1')], [deployment('api')]);
		const w = driven.watcher();
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {restarts: 1, lastTerminationReason: 'OOMKilled'})});
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {restarts: 1, lastTerminationReason: 'OOMKilled', ready: 0})});
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {restarts: 1, lastTerminationReason: 'OOMKilled', ready: 1})});
		await waitFor(() => recorded.signals().length > 0);
		expect(recorded.signals()).toEqual([
			{kind: 'pod.oomkilled', level: 'crit', message: 'pod api-1 OOMKilled (deployment api, namespace shop), 1 restart', subject: 'pod/api-1', value: 1},
		]);
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {restarts: 2, lastTerminationReason: 'OOMKilled'})});
		await waitFor(() => recorded.signals('pod.oomkilled').length === 2, {message: 'second kill signalled'});
	});

	it('signals name the namespace of their pod or deployment, and its context when several contexts are watched', async () => {
		const driven = drivenCluster();
		const several: Cluster = {...driven.cluster, contexts: ['prod-eu', 'prod-us']};
		const {recorded} = start(several);
		await waitFor(() => driven.watcher());
		const eu = {namespace: 'team-a', context: 'prod-eu'};
		const us = {namespace: 'team-b', context: 'prod-us'};
		driven.watcher().reset([pod('api-1', eu), pod('api-1', us)], [deployment('api', eu), deployment('api', us)]);
		const w = driven.watcher();
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {...us, restarts: 1, lastTerminationReason: 'OOMKilled'})});
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {...eu, ready: 0, restarts: 4, waitingReason: 'CrashLoopBackOff'})});
		w.change({kind: 'deployment', type: 'upsert', deployment: deployment('api', {...us, revision: 3, generation: 2, observedGeneration: 2, images: ['shop/api:1.5.0'], rolloutComplete: false})});
		await waitFor(() => recorded.signals().length === 3, {message: 'three signals'});
		expect(recorded.signals().map(s => s.message)).toEqual([
			'pod api-1 OOMKilled (deployment api, namespace team-b, context prod-us), 1 restart',
			'pod api-1 in CrashLoopBackOff (deployment api, namespace team-a, context prod-eu), 4 restarts',
			'deployment api (namespace team-b, context prod-us) rollout started: revision 2 -> 3 (shop/api:1.5.0)',
		]);
	});

	it('signals CrashLoopBackOff once per episode, not on every restart of the loop', async () => {
		const driven = drivenCluster();
		const {recorded} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([pod('api-1')], []);
		const w = driven.watcher();
		const crashing = (restarts: number) => pod('api-1', {ready: 0, restarts, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'Error'});
		w.change({kind: 'pod', type: 'upsert', pod: crashing(1)});
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {ready: 0, restarts: 1, lastTerminationReason: 'Error'})});
		w.change({kind: 'pod', type: 'upsert', pod: crashing(2)});
		await waitFor(() => recorded.signals().length > 0);
		expect(recorded.signals()).toEqual([expect.objectContaining({kind: 'pod.crashloop', level: 'crit', subject: 'pod/api-1', message: expect.stringContaining('CrashLoopBackOff')})]);
		// Healthy again, then a new episode.
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {restarts: 2})});
		w.change({kind: 'pod', type: 'upsert', pod: crashing(3)});
		await waitFor(() => recorded.signals('pod.crashloop').length === 2, {message: 'second episode'});
		expect(recorded.signals()).toHaveLength(2);
	});

	it('signals an init container in CrashLoopBackOff too (a failing migration), once', async () => {
		const driven = drivenCluster();
		const {recorded} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([pod('api-1', {ready: 0, phase: 'Pending', waitingReason: 'Init:0/1'})], []);
		const w = driven.watcher();
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {ready: 0, phase: 'Pending', restarts: 2, waitingReason: 'Init:CrashLoopBackOff', lastTerminationReason: 'Error'})});
		w.change({kind: 'pod', type: 'upsert', pod: pod('api-1', {ready: 0, phase: 'Pending', restarts: 3, waitingReason: 'Init:CrashLoopBackOff', lastTerminationReason: 'Error'})});
		await waitFor(() => recorded.signals().length > 0);
		expect(recorded.signals()).toEqual([expect.objectContaining({kind: 'pod.crashloop', level: 'crit', subject: 'pod/api-1', message: expect.stringContaining('in Init:CrashLoopBackOff')})]);
		expect(podTone(pod('api-1', {ready: 0, waitingReason: 'Init:CrashLoopBackOff'}))).toBe('crit');
		expect(podTone(pod('api-1', {ready: 0, waitingReason: 'Init:Error'}))).toBe('crit');
		expect(podTone(pod('api-1', {ready: 0, phase: 'Pending', waitingReason: 'Init:1/2'}))).toBe('warn');
	});

	it('signals a rollout starting and finishing, once each', async () => {
		const driven = drivenCluster();
		const {recorded} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([], [deployment('api')]);
		const w = driven.watcher();
		const rolling = (updated: number) =>
			deployment('api', {revision: 3, generation: 2, observedGeneration: 2, updatedReplicas: updated, images: ['shop/api:1.5.0'], rolloutComplete: false});
		w.change({kind: 'deployment', type: 'upsert', deployment: rolling(0)});
		w.change({kind: 'deployment', type: 'upsert', deployment: rolling(1)});
		w.change({kind: 'deployment', type: 'upsert', deployment: rolling(2)});
		const done = deployment('api', {revision: 3, generation: 2, observedGeneration: 2, images: ['shop/api:1.5.0']});
		w.change({kind: 'deployment', type: 'upsert', deployment: done});
		w.change({kind: 'deployment', type: 'upsert', deployment: {...done, readyReplicas: 1}});
		w.change({kind: 'deployment', type: 'upsert', deployment: done});
		await waitFor(() => recorded.signals().length >= 2);
		expect(recorded.signals()).toEqual([
			{kind: 'rollout.started', level: 'info', message: 'deployment api (namespace shop) rollout started: revision 2 -> 3 (shop/api:1.5.0)', subject: 'deployment/api', value: 3},
			{kind: 'rollout.finished', level: 'ok', message: 'deployment api (namespace shop) rollout finished: revision 3, 2/2 available', subject: 'deployment/api', value: 3},
		]);
	});

	it('finishes a rollout that was already under way at the first list', async () => {
		const driven = drivenCluster();
		const {recorded} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([], [deployment('api', {rolloutComplete: false, updatedReplicas: 1})]);
		driven.watcher().change({kind: 'deployment', type: 'upsert', deployment: deployment('api')});
		await waitFor(() => recorded.signals().length > 0);
		expect(recorded.signals().map(s => s.kind)).toEqual(['rollout.finished']);
	});

	it('keeps a given-up error visible while other resources keep updating, and the last data', async () => {
		const driven = drivenCluster();
		const {store} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([pod('api-1')], [deployment('api')]);
		const forbidden = 'watch pods: pods is forbidden: User "viewer" cannot watch resource "pods" in API group "" in the namespace "shop" (context test, namespace shop)';
		driven.watcher().error(new Error(forbidden), null);
		expect(store.getState().feeds.cluster).toMatchObject({status: 'error', error: forbidden});
		driven.watcher().change({kind: 'deployment', type: 'upsert', deployment: deployment('api', {replicas: 3})});
		await waitFor(() => podsData.of(store.getState()).deployments.api?.replicas === 3);
		expect(store.getState().feeds.cluster).toMatchObject({status: 'error', error: forbidden});
		expect(podsData.of(store.getState()).pods.get('api-1')).toBeDefined();

		driven.watcher().error(new Error('cannot reach the API server'), 2000);
		expect(store.getState().feeds.cluster?.error).toBe(`${forbidden}; cannot reach the API server (retrying in 2 s)`);
	});

	it('says so when the cluster watches narrower than asked (403 at cluster scope), and nothing when it watches as asked', async () => {
		const driven = drivenCluster();
		const {store} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().scope?.({context: 'test', namespaces: 'all'});
		const before = store.getState().warnings.length;
		const note = 'cannot list pods at cluster scope (403 Forbidden, context test): watching only the 2 namespaces it may read (of the 5 namespaces listed): team-a, team-c';
		driven.watcher().scope?.({context: 'test', namespaces: ['team-a', 'team-c'], note});
		expect(store.getState().warnings.slice(before)).toEqual([note]);
	});

	it('stops the watch and drops pending changes when stopped', async () => {
		const driven = drivenCluster();
		const {store, stop} = start(driven.cluster);
		await waitFor(() => driven.watcher());
		driven.watcher().reset([], []);
		driven.watcher().change({kind: 'pod', type: 'upsert', pod: pod('late')});
		stop();
		expect(driven.signal().aborted).toBe(true);
		driven.watcher().change({kind: 'pod', type: 'upsert', pod: pod('later')});
		expect(podsData.of(store.getState()).pods.size).toBe(0);
		expect(podsData.of(store.getState()).podGroups).toEqual({});
	});
});

describe('startKubernetesSource on the API server', () => {
	let server: FakeKubeServer | undefined;
	afterEach(async () => {
		for (const stop of stops.splice(0)) stop();
		await server?.close();
	});

	it('shows pods and signals an OOMKill seen through the watch exactly once', async () => {
		server = await startFakeKubeServer();
		server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 2});
		const cluster = await createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: true, fieldManager: 'incident-tui/test'});
		const {store, recorded} = start(cluster);
		await waitFor(() => podsData.of(store.getState()).pods.size === 2 && server!.watchCount('pods') === 1, {message: 'pods listed'});
		const name = [...podsData.of(store.getState()).pods.keys()][0]!;
		server.update('pods', name, p => {
			p.status.containerStatuses[0] = {...p.status.containerStatuses[0], ready: false, restartCount: 1, lastState: {terminated: {reason: 'OOMKilled', exitCode: 137}}};
		});
		await waitFor(() => podsData.of(store.getState()).pods.get(name)?.lastTerminationReason === 'OOMKilled', {message: 'pod row updated'});
		server.update('pods', name, p => (p.status.containerStatuses[0].ready = true));
		await waitFor(() => podsData.of(store.getState()).pods.get(name)?.ready === 1);
		expect(recorded.signals()).toEqual([expect.objectContaining({kind: 'pod.oomkilled', subject: `pod/${name}`})]);
	});

	it('-A: a deployment and its pods named alike in two namespaces both show, grouped by namespace; a deletion in one leaves the other', async () => {
		server = await startFakeKubeServer();
		server.addNamespace('team-a');
		server.addNamespace('team-b');
		server.addDeployment({name: 'api', images: ['a/api:1'], replicas: 1, pods: 0, namespace: 'team-a'});
		server.addDeployment({name: 'api', images: ['b/api:2'], replicas: 1, pods: 0, namespace: 'team-b'});
		server.addPod('api', {name: 'api-0', namespace: 'team-a'});
		server.addPod('api', {name: 'api-0', namespace: 'team-b'});
		const cluster = await createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: true, fieldManager: 'incident-tui/test', namespaces: 'all'});
		const {store} = start(cluster);
		const data = () => podsData.of(store.getState());
		const inNamespace = (namespace: string) => [...data().pods.values()].filter(p => p.namespace === namespace && p.name === 'api-0');
		await waitFor(() => inNamespace('team-a').length === 1 && inNamespace('team-b').length === 1 && server!.watchCount('pods') === 1, {message: 'api-0 of both namespaces listed'});
		expect(Object.values(data().deployments).map(d => `${d.namespace}/${d.name} ${d.images.join()}`).sort()).toEqual(['team-a/api a/api:1', 'team-b/api b/api:2']);
		const cache = new RowCache();
		const text = () => podRows(store.getState(), cache).map(r => r.cells.map(c => c.text).join(' ').trim());
		const headings = text().filter(t => t.includes('namespace'));
		expect(headings).toEqual([expect.stringContaining('team-a'), expect.stringContaining('team-b')]);
		const shown = text();
		expect(shown.filter(t => t.startsWith('api-0')).length).toBe(2);
		server.update('pods', 'api-0', p => (p.status.containerStatuses[0].restartCount = 7), 'team-b');
		await waitFor(() => inNamespace('team-b')[0]?.restarts === 7, {message: 'team-b api-0 updated'});
		expect(inNamespace('team-a')[0]?.restarts).toBe(0);
		server.remove('pods', 'api-0', 'team-a');
		await waitFor(() => inNamespace('team-a').length === 0, {message: 'team-a api-0 deleted'});
		expect(inNamespace('team-b')).toEqual([expect.objectContaining({restarts: 7})]);
		server.remove('deployments', 'api', 'team-b');
		await waitFor(() => Object.values(data().deployments).length === 1, {message: 'team-b api deleted'});
		expect(Object.values(data().deployments)[0]?.namespace).toBe('team-a');
	});
});

describe('startKubernetesSource on two contexts', () => {
	const servers: FakeKubeServer[] = [];
	let dir: string | undefined;
	afterEach(async () => {
		for (const stop of stops.splice(0)) stop();
		await Promise.all(servers.splice(0).map(s => s.close()));
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	it('a feed per context in the header (cluster prod-eu, cluster prod-us): one failing says so with its error while the other stays ok; the same names in both stay apart', async () => {
		const [eu, us] = await Promise.all([startFakeKubeServer(), startFakeKubeServer()]);
		servers.push(eu, us);
		eu.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 1, pods: 0});
		us.addDeployment({name: 'api', images: ['shop/api:1.5.0'], replicas: 1, pods: 0});
		eu.addPod('api', {name: 'api-0'});
		us.addPod('api', {name: 'api-0'});
		dir = mkdtempSync(join(tmpdir(), 'pods-contexts-'));
		const kubeconfig = join(dir, 'kubeconfig');
		const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
		for (const [name, server] of [['prod-eu', eu], ['prod-us', us]] as const) lines.push(`- name: ${name}`, '  cluster:', `    server: ${server.url}`, '    insecure-skip-tls-verify: true');
		lines.push('users:', '- name: viewer', '  user:', '    token: fake-token', 'contexts:');
		for (const name of ['prod-eu', 'prod-us']) lines.push(`- name: ${name}`, '  context:', `    cluster: ${name}`, '    user: viewer', '    namespace: shop');
		lines.push('current-context: prod-eu', '');
		writeFileSync(kubeconfig, lines.join('\n'));
		const cluster = await createContextsCluster({kubeconfig, readonly: true, fieldManager: 'incident-tui/test', backoff: {initialMs: 50, maxMs: 200}}, ['prod-eu', 'prod-us']);
		const {store} = start(cluster);
		const feeds = () => store.getState().feeds;
		await waitFor(() => feeds()['cluster prod-eu']?.status === 'ok' && feeds()['cluster prod-us']?.status === 'ok' && us.watchCount('pods') === 1, {message: 'both contexts ok'});
		const pods = [...podsData.of(store.getState()).pods.values()];
		expect(pods.map(p => `${p.context} ${p.name}`).sort()).toEqual(['prod-eu api-0', 'prod-us api-0']);
		expect(sourcesSummary(feeds(), Date.now())).toEqual([{text: '3 sources ok', tone: 'ok'}]);

		us.dropConnections('pods', {refuseNext: 3});
		await waitFor(() => feeds()['cluster prod-us']?.status === 'error', {message: 'prod-us failing'});
		expect(feeds()['cluster prod-us']?.error).toMatch(/retrying in/);
		expect(feeds()['cluster prod-eu']?.status).toBe('ok');
		expect(sourcesSummary(feeds(), Date.now()).map(p => p.text)).toContainEqual(expect.stringMatching(/^cluster prod-us: stale/));
		await waitFor(() => feeds()['cluster prod-us']?.status === 'ok', {message: 'prod-us back'});
	});
});
