/**
 * What the Kubernetes client's tests share: a watcher that records what it hears, and a client of
 * the fake API server (test/support/fake-kube-server.ts) with short backoffs.
 */
import {afterEach, beforeEach} from 'vitest';
import {createKubeCluster, type KubeCluster} from '../../../source/clients/kube/cluster.js';
import type {ClusterChange, ClusterWatcher, DeploymentInfo, PodInfo} from '../../../source/ports/cluster.js';
import {startFakeKubeServer, type FakeKubeServer, type FakeKubeServerOptions, type LoggedRequest} from '../../support/fake-kube-server.js';
import {waitFor} from '../../support/wait.js';

export class RecordingWatcher implements ClusterWatcher {
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

export interface ClusterOptions {
	readonly?: boolean;
	context?: string;
	namespace?: string;
	pageSize?: number;
}

/** A client of `server`'s kubeconfig, with a backoff short enough for tests. */
export function clusterOf(server: FakeKubeServer, options: ClusterOptions = {}): Promise<KubeCluster> {
	return createKubeCluster({
		kubeconfig: server.kubeconfigPath,
		readonly: options.readonly ?? false,
		fieldManager: 'incident-tui/inc-test',
		backoff: {initialMs: 20, maxMs: 200},
		...(options.context ? {context: options.context} : {}),
		...(options.namespace ? {namespace: options.namespace} : {}),
		...(options.pageSize ? {pageSize: options.pageSize} : {}),
	});
}

export const watchRequests = (server: FakeKubeServer, resource: string): LoggedRequest[] => server.requests.filter(r => r.path.endsWith(`/${resource}`) && r.query.watch === 'true');
export const listRequests = (server: FakeKubeServer, resource: string): LoggedRequest[] =>
	server.requests.filter(r => r.method === 'GET' && r.path.endsWith(`/${resource}`) && r.query.watch !== 'true');

/** Watches with `c` until its three watches are open on `server`. */
export async function watching(server: FakeKubeServer, c: KubeCluster, signal: AbortSignal): Promise<RecordingWatcher> {
	const watcher = new RecordingWatcher();
	await c.watch(watcher, signal);
	await waitFor(() => server.watchCount('pods') === 1 && server.watchCount('deployments') === 1 && server.watchCount('replicasets') === 1, {message: 'three watches open'});
	return watcher;
}

/** A fake API server of each test's own, started before it and closed after it, with the signal that ends the test's watches. */
export interface ServerPerTest {
	readonly server: FakeKubeServer;
	/** Aborted after each test: what a test's watches stop on. */
	readonly signal: AbortSignal;
	/** Ends the test's watches before the test does. */
	stop(): void;
	/** A client of this test's server (see clusterOf). */
	cluster(options?: ClusterOptions): Promise<KubeCluster>;
}

/** Registers the hooks that give each test of the file its own fake API server (`options` as startFakeKubeServer takes them). */
export function serverPerTest(options?: FakeKubeServerOptions): ServerPerTest {
	let server: FakeKubeServer | undefined;
	let stop = new AbortController();
	beforeEach(async () => {
		server = await startFakeKubeServer(options);
		stop = new AbortController();
	});
	afterEach(async () => {
		stop.abort();
		await server?.close();
		server = undefined;
	});
	const current = (): FakeKubeServer => {
		if (!server) throw new Error('the fake API server runs only during a test');
		return server;
	};
	return {
		get server() {
			return current();
		},
		get signal() {
			return stop.signal;
		},
		stop: () => stop.abort(),
		cluster: (clusterOptions = {}) => clusterOf(current(), clusterOptions),
	};
}
