/**
 * Several contexts watched together (kubernetes.contexts): one client per context behind one Cluster,
 * rows carrying their context, each context's connection reported on its own, actions sent to the
 * row's context.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createContextsCluster, type ContextsCluster} from '../../../source/clients/kube/contexts.js';
import type {ContextState} from '../../../source/ports/cluster.js';
import {startFakeKubeServer, type FakeKubeServer} from '../../support/fake-kube-server.js';
import {waitFor} from '../../support/wait.js';
import {RecordingWatcher} from './support.js';

let eu: FakeKubeServer;
let us: FakeKubeServer;
let dir: string;
let kubeconfig: string;
let stop: AbortController;

/** One kubeconfig naming both servers: context prod-eu and prod-us. */
function kubeconfigOf(servers: Record<string, FakeKubeServer>): string {
	const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
	for (const [name, server] of Object.entries(servers)) lines.push(`- name: ${name}`, '  cluster:', `    server: ${server.url}`, '    insecure-skip-tls-verify: true');
	lines.push('users:', '- name: viewer', '  user:', '    token: fake-token', 'contexts:');
	for (const name of Object.keys(servers)) lines.push(`- name: ${name}`, '  context:', `    cluster: ${name}`, '    user: viewer', '    namespace: shop');
	lines.push(`current-context: ${Object.keys(servers)[0]}`, '');
	return lines.join('\n');
}

beforeEach(async () => {
	[eu, us] = await Promise.all([startFakeKubeServer(), startFakeKubeServer()]);
	eu.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 2});
	us.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 3});
	dir = mkdtempSync(join(tmpdir(), 'contexts-'));
	kubeconfig = join(dir, 'kubeconfig');
	writeFileSync(kubeconfig, kubeconfigOf({'prod-eu': eu, 'prod-us': us}));
	stop = new AbortController();
});

afterEach(async () => {
	stop.abort();
	await Promise.all([eu.close(), us.close()]);
	rmSync(dir, {recursive: true, force: true});
});

class ContextsWatcher extends RecordingWatcher {
	states: ContextState[] = [];
	contextState(state: ContextState): void {
		this.states.push(state);
	}
	last(context: string): ContextState | undefined {
		return this.states.filter(s => s.context === context).at(-1);
	}
}

function contexts(readonlyOf?: (context: string) => boolean): Promise<ContextsCluster> {
	return createContextsCluster({kubeconfig, readonly: false, fieldManager: 'incident-tui/inc-test', backoff: {initialMs: 20, maxMs: 200}}, ['prod-eu', 'prod-us'], readonlyOf);
}

const placed = (rows: Array<{context?: string; name: string}>) => rows.map(r => `${r.context}:${r.name}`).sort();

describe('several contexts watched together', () => {
	it('merges both contexts\' rows, each naming its context; a relist of one keeps the other\'s rows as they are now', async () => {
		const c = await contexts();
		expect(c.contexts).toEqual(['prod-eu', 'prod-us']);
		const watcher = new ContextsWatcher();
		await c.watch(watcher, stop.signal);
		await waitFor(() => watcher.resets.at(-1)?.pods.length === 5, {message: 'both contexts listed'});
		expect(placed(watcher.resets.at(-1)!.deployments)).toEqual(['prod-eu:api', 'prod-us:api']);
		await waitFor(() => eu.watchCount('pods') === 1 && us.watchCount('pods') === 1, {message: 'both watching'});

		const euPod = eu.list('pods')[0]!.metadata.name as string;
		eu.update('pods', euPod, p => (p.status.containerStatuses[0].restartCount = 7));
		await waitFor(() => watcher.podUpsert(euPod)?.restarts === 7, {message: 'eu change'});
		expect(watcher.podUpsert(euPod)!.context).toBe('prod-eu');
		const resets = watcher.resets.length;
		us.expire('pods', 'event');
		await waitFor(() => watcher.resets.length > resets, {message: 'us relisted'});
		const merged = watcher.resets.at(-1)!;
		expect(merged.pods).toHaveLength(5);
		expect(merged.pods.find(p => p.name === euPod)).toMatchObject({context: 'prod-eu', restarts: 7});
		expect(watcher.errors).toEqual([]);
	});

	it('reports each context\'s connection: loading, ok, and failing with its error while the other stays ok', async () => {
		const watcher = new ContextsWatcher();
		await (await contexts()).watch(watcher, stop.signal);
		expect(watcher.states.slice(0, 2)).toEqual([
			{context: 'prod-eu', status: 'loading'},
			{context: 'prod-us', status: 'loading'},
		]);
		await waitFor(() => watcher.last('prod-eu')?.status === 'ok' && watcher.last('prod-us')?.status === 'ok', {message: 'both ok'});
		await waitFor(() => us.watchCount('pods') === 1, {message: 'us watching'});
		us.dropConnections('pods', {refuseNext: 2});
		await waitFor(() => watcher.last('prod-us')?.status === 'failing', {message: 'us failing'});
		expect(watcher.last('prod-us')!.retryInMs).toBeGreaterThan(0);
		expect(watcher.last('prod-eu')!.status).toBe('ok');
		expect(watcher.errors.at(-1)!.message).toMatch(/context prod-us/);
		await waitFor(() => watcher.last('prod-us')?.status === 'ok', {message: 'us back'});
	});

	it('sends an action to the row\'s context and namespace, and refuses a context it does not watch', async () => {
		const c = await contexts(context => context === 'prod-eu');
		const inUs = c.at({context: 'prod-us', namespace: 'shop'});
		expect([inUs.context, inUs.namespace]).toEqual(['prod-us', 'shop']);
		await expect(inUs.scale('api', 6)).resolves.toMatchObject({summary: 'replicas 3 -> 6'});
		expect(us.get('deployments', 'api')!.spec.replicas).toBe(6);
		expect(eu.get('deployments', 'api')!.spec.replicas).toBe(2);
		// prod-eu is read-only here: nothing is sent to it.
		await expect(c.at({context: 'prod-eu'}).scale('api', 6)).rejects.toThrow(/read-only/);
		expect(eu.requests.some(r => r.method === 'PATCH')).toBe(false);
		expect(() => c.at({context: 'prod-ap'})).toThrow(/context prod-ap is not watched \(watched: prod-eu, prod-us\)/);
	});
});
