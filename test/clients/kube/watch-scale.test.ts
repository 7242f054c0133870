/**
 * The watch at scale, as client-go does it: events coalesced by object when they come faster than
 * rows are built, the server's periodic bookmarks moving the resume point on, and a relist after 410
 * Gone that keeps what is shown until the new list is complete.
 */
import {describe, expect, it} from 'vitest';
import {waitFor} from '../../support/wait.js';
import {clusterOf, listRequests, watching, watchRequests, serverPerTest} from './support.js';

const kube = serverPerTest({bookmarkEveryMs: 100});

describe('KubeCluster.watch at scale', () => {
	it('coalesces a burst of events by object: each pod is built once per read, in its latest state, and the watch resumes after the last event', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 3});
		const watcher = await watching(kube.server, await clusterOf(kube.server), kube.signal);
		const names = kube.server.list('pods').map(p => p.metadata.name as string);
		// 3 pods × 400 restarts each, written at once: far faster than one row per event is worth building.
		for (let i = 1; i <= 400; i++) {
			for (const name of names) kube.server.update('pods', name, p => (p.status.containerStatuses[0].restartCount = i));
		}
		const last = String(kube.server.resourceVersion);
		await waitFor(() => names.every(name => watcher.podUpsert(name)?.restarts === 400), {message: 'every pod in its latest state', timeoutMs: 15_000});
		const podChanges = watcher.changes.filter(c => c.kind === 'pod');
		expect(podChanges.length).toBeLessThan(120);
		expect(podChanges.length).toBeGreaterThanOrEqual(3);
		await waitFor(
			() => {
				kube.server.endWatches('pods');
				return watchRequests(kube.server, 'pods').at(-1)!.query.resourceVersion === last;
			},
			{message: 'resumed from the last event'},
		);
		expect(watcher.errors).toEqual([]);
	});

	it('resumes from the resourceVersion of the server\'s periodic bookmarks', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		await watching(kube.server, await clusterOf(kube.server), kube.signal);
		// Other resources move the resourceVersion on; only a bookmark tells the pods watch.
		kube.server.addAutoscaler('unrelated', 'api');
		const moved = String(kube.server.resourceVersion);
		const sent = kube.server.bookmarksSent;
		await waitFor(() => kube.server.bookmarksSent > sent + 3, {message: 'bookmarks sent'});
		await waitFor(
			() => {
				kube.server.endWatches('pods');
				return watchRequests(kube.server, 'pods').at(-1)!.query.resourceVersion === moved;
			},
			{message: 'watch resumed from the bookmark'},
		);
		expect(listRequests(kube.server, 'pods')).toHaveLength(1);
	});

	it('after 410 Gone keeps the rows shown until the relist is complete: no reset with part of the rows, none empty', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 5});
		const c = await clusterOf(kube.server, {pageSize: 2});
		const watcher = await watching(kube.server, c, kube.signal);
		expect(watcher.resets.at(-1)!.pods).toHaveLength(5);
		// The relist fails past its first page for a while: what is shown stays as it was.
		kube.server.failWith('list', 'pods', 500, 'etcd leader changed');
		kube.server.expire('pods', 'event');
		await waitFor(() => watcher.errors.length >= 2, {message: 'relist failing'});
		expect(watcher.resets).toHaveLength(1);
		kube.server.allowAll();
		kube.server.addPod('api', {name: 'api-late'});
		await waitFor(() => watcher.resets.length === 2, {message: 'relisted'});
		expect(watcher.resets[1]!.pods.map(p => p.name)).toContain('api-late');
		expect(watcher.resets[1]!.pods).toHaveLength(6);
		expect(watcher.resets.every(r => r.pods.length >= 5)).toBe(true);
	});
});
