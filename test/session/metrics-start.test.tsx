import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {Cluster} from '../../source/ports/cluster.js';
import {CockpitProvider} from '../../source/ui/context.js';
import {KindPane} from '../../source/ui/panes/pane.js';
import {kindById} from '../../source/kinds/registry.js';
import {createTheme} from '../../source/ui/theme.js';
import type {IncidentStore} from '../../source/store/store.js';
import {startServer, type LocalServer} from '../clients/local-server.js';
import {waitFor} from '../support/wait.js';
import {SessionHarness} from './support.js';
import {metricsData} from '../../source/kinds/metrics/data.js';

const harness = new SessionHarness();
let servers: LocalServer[] = [];
afterEach(async () => {
	await harness.cleanup();
	await Promise.all(servers.map(s => s.close()));
	servers = [];
});

/** A cluster that connects after `ms`, in another namespace than the session's: the sources restart then. */
function lateCluster(ms: number): Promise<Cluster> {
	const cluster = {context: 'kind-late', namespace: 'other', watch: async () => new Promise(() => {})} as unknown as Cluster;
	return new Promise(resolve => setTimeout(() => resolve(cluster), ms));
}

/** Everything the Metrics pane is seen to say while the session runs: every frame, as drawn. */
function watchPane(store: IncidentStore) {
	const frames: string[] = [];
	const ui = render(
		<CockpitProvider store={store} theme={createTheme({color: false})}>
			<KindPane kind={kindById('metrics')!} width={100} height={8} focused={false} />
		</CockpitProvider>,
	);
	const stop = store.subscribe(() => {
		// Ink draws on its own schedule: read its last frame after each store change.
		setImmediate(() => frames.push(ui.lastFrame() ?? ''));
	});
	harness.onCleanup(() => {
		stop();
		ui.unmount();
	});
	return frames;
}

const queries = [
	{id: 'rps', title: 'Request rate', promql: 'sum(rate(reqs_total[1m]))', unit: 'rps'},
	{id: 'total', title: 'Requests', promql: 'reqs_total'},
];

describe('session: the Metrics pane while the first answers are on their way', () => {
	it('direct scrape: lists the queries as loading, and a scrape cut short by the sources restarting (the cluster connected) is no failure', async () => {
		let counter = 0;
		const app = await startServer((_req, res) => {
			counter += 10;
			// Slower than the cluster's arrival: the first scrape is in flight when the sources restart.
			setTimeout(() => res.end(`reqs_total ${counter}\n`), 300);
		});
		servers.push(app);
		const config = harness.config({services: [{name: 'app', scrape: `${app.url}/metrics`}], queries, refresh: {metricsMs: 100}});
		const session = await harness.open({stateDir: harness.tempDir(), config, cluster: lateCluster(100)});
		const frames = watchPane(session.store);
		session.start();
		const atStart = metricsData.of(session.store.getState()).map(m => [m.id, m.loading]);
		await waitFor(() => session.store.getState().env.context === 'kind-late', {message: 'the cluster connected (sources restarted)'});
		await waitFor(() => metricsData.of(session.store.getState()).find(m => m.id === 'total')?.series[0]?.value, {message: 'a value', timeoutMs: 10_000});
		await waitFor(() => frames.some(f => /Requests\s+\d+/.test(f)), {message: 'the value on screen'});
		const said = frames.join('\n');
		expect(said).not.toMatch(/cancelled|failed|no data yet|no queries/);
		expect(said).toContain('loading…');
		expect(atStart).toEqual([
			['rps', true],
			['total', true],
		]);
	});

	it('Prometheus: lists the queries as loading until the first answer, with no error', async () => {
		const prometheus = await startServer((_req, res) => {
			setTimeout(() => {
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({status: 'success', data: {resultType: 'vector', result: [{metric: {}, value: [1, '5']}]}}));
			}, 300);
		});
		servers.push(prometheus);
		const config = harness.config({prometheus: {url: prometheus.url}, queries, refresh: {metricsMs: 100}});
		const session = await harness.open({stateDir: harness.tempDir(), config, cluster: lateCluster(100)});
		const frames = watchPane(session.store);
		session.start();
		expect(metricsData.of(session.store.getState()).every(m => m.loading)).toBe(true);
		await waitFor(() => metricsData.of(session.store.getState()).find(m => m.id === 'total')?.series[0]?.value, {message: 'a value', timeoutMs: 10_000});
		await waitFor(() => frames.some(f => /Requests\s+5/.test(f)), {message: 'the value on screen'});
		const said = frames.join('\n');
		expect(said).toContain('loading…');
		expect(said).not.toMatch(/cancelled|failed|no data yet|no queries/);
	});
});
