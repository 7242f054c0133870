/**
 * While the Kubernetes client is still loading (after the first frame), the Pods pane says loading,
 * not "no cluster configured"; when it turns out none is configured, it says so.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {Cluster} from '../../source/ports/cluster.js';
import {feedVerdict} from '../../source/store/feeds.js';
import {waitFor} from '../support/wait.js';
import {SessionHarness} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

describe('session: the cluster while its client loads', () => {
	it('is loading until the client is known, and not configured when there turns out to be none', async () => {
		let resolve: (cluster: Cluster | null) => void = () => {};
		const cluster = new Promise<Cluster | null>(r => (resolve = r));
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-clld', cluster});
		session.start();
		expect(feedVerdict(session.store.getState().feeds.cluster, Date.now())?.state).toBe('loading');
		resolve(null);
		await waitFor(() => feedVerdict(session.store.getState().feeds.cluster, Date.now()) === null, {message: 'no cluster: not configured'});
	});
});
