/**
 * When the kube context is not known at start (no --context, and the kubeconfig's current-context
 * could not be read), its per-context settings apply once the cluster names it, and until then no
 * command is prepared: nothing runs under settings that may not be the context's.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import type {Cluster} from '../../source/ports/cluster.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, SessionHarness} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());
let server: FakeKubeServer;
beforeAll(async () => {
	server = await startFakeKubeServer();
});
afterAll(async () => {
	await server.close();
});

describe('session: per-context settings learnt from the cluster', () => {
	it('holds commands back until the cluster names its context, then applies that context’s readonly', async () => {
		let connect: (cluster: Cluster) => void = () => {};
		const cluster = new Promise<Cluster>(resolve => (connect = resolve));
		const session = await harness.open({
			stateDir: harness.tempDir(),
			context: '',
			config: harness.config({commands: [{id: 'pods', argv: ['echo', 'pods']}]}),
			cluster,
			settingsForContext: context => ({readonly: context === 'test-ctx', production: false}),
		});
		const {store, controller} = session;
		session.start();
		controller.requestConfigCommand('pods');
		await waitFor(() => store.getState().ui.flash?.text.includes('the kube context is not known yet'), {message: 'held back'});
		expect(store.getState().env.readonly).toBe(false);

		connect(await createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: 'incident-tui/test'}));
		await waitFor(() => store.getState().env.context === 'test-ctx', {message: 'the context named'});
		expect(store.getState().env.readonly).toBe(true);
		controller.requestConfigCommand('pods');
		await waitFor(() => store.getState().ui.flash?.text === 'read-only mode: running commands is disabled', {message: 'read-only now'});
		expect(eventsOf(store.getState().timeline, 'action.requested')).toEqual([]);
	});
});
