import {afterEach, beforeEach} from 'vitest';
import type {ActionContext} from '../../source/actions/types.js';
import {createKubeCluster, type KubeCluster} from '../../source/clients/kube-cluster.js';
import type {EnvInfo} from '../../source/store/types.js';
import type {AppendEvent} from '../../source/timeline/events.js';
import {startFakeKubeServer, type FakeKubeServer} from './fake-kube-server.js';

/**
 * The shared setup of the rollback/scale/restart tests: a fresh fake API server per test (seeded
 * by `seed`), a client-node cluster on it, an action context, and the server's mutating requests.
 */
export function useFakeKubeForActions(seed: (server: FakeKubeServer) => void = () => {}) {
	const handle = {} as {server: FakeKubeServer};
	beforeEach(async () => {
		handle.server = await startFakeKubeServer();
		seed(handle.server);
	});
	afterEach(async () => {
		await handle.server.close();
	});
	return {
		get server() {
			return handle.server;
		},
		env: (extra: Partial<EnvInfo> = {}): EnvInfo => ({demo: false, readonly: false, context: 'test-ctx', namespace: 'shop', production: false, ...extra}),
		cluster: (readonly = false): Promise<KubeCluster> => createKubeCluster({kubeconfig: handle.server.kubeconfigPath, readonly, fieldManager: 'incident-tui/inc-test'}),
		context: (cluster: KubeCluster, env?: EnvInfo): ActionContext => ({
			env: env ?? {demo: false, readonly: false, context: 'test-ctx', namespace: 'shop', production: false},
			cluster,
			append: (() => Promise.reject(new Error('unused'))) as unknown as AppendEvent,
			signal: new AbortController().signal,
		}),
		mutations: () => handle.server.requests.filter(r => r.method !== 'GET'),
	};
}
