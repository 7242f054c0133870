import {afterEach, describe, expect, it} from 'vitest';
import {startDemo} from '../../source/demo/index.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, SessionHarness} from './support.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {healthData} from '../../source/kinds/health/data.js';
import {metricsData} from '../../source/kinds/metrics/data.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

describe('session: the demo, wired as cli.tsx wires it', () => {
	it('after start() the store gets health rows, scraped metric rows and pods', async () => {
		const abort = new AbortController();
		const demo = await startDemo({signal: abort.signal, speed: 20});
		harness.onCleanup(async () => {
			abort.abort();
			await demo.stop();
		});
		const session = await harness.open({
			config: demo.config,
			stateDir: harness.tempDir(),
			incidentId: 'inc-20261122-0304-demo',
			demo: true,
			readonly: false,
			context: demo.config.kubernetes?.context ?? 'demo',
			namespace: demo.config.kubernetes?.namespace ?? 'default',
			production: false,
			cluster: demo.cluster,
			variables: demo.runbookVariables,
		});
		const {store} = session;
		expect(store.getState().env.demo).toBe(true);
		expect(store.getState().runbook?.id).toBe('bad-deploy');
		expect(eventsOf(store.getState().timeline, 'incident.opened')[0]?.data).toMatchObject({title: demo.config.title, severity: 'SEV2', demo: true});
		session.start();

		const serviceNames = demo.config.services.map(s => s.name).sort();
		await waitFor(() => healthData.of(store.getState()).map(h => h.name).sort().join() === serviceNames.join(), {timeoutMs: 10_000, message: 'a health row per demo service'});
		expect(healthData.of(store.getState()).find(h => h.name === 'checkout')?.dependencies.length).toBeGreaterThan(0);

		await waitFor(() => podsData.of(store.getState()).pods.size > 0 && podsData.of(store.getState()).deployments['checkout'], {timeoutMs: 10_000, message: 'pods and the checkout deployment'});
		expect([...podsData.of(store.getState()).pods.values()].some(p => p.deployment === 'checkout')).toBe(true);

		// Direct scrape mode (no Prometheus): rates need two scrapes, so wait for a number, not just the row.
		const row = await waitFor(
			() => {
				const m = metricsData.of(store.getState()).find(r => r.id === 'error_ratio');
				return m && !m.error && typeof m.series[0]?.value === 'number' ? m : undefined;
			},
			{timeoutMs: 15_000, message: `error_ratio with a value (metrics: ${JSON.stringify(metricsData.of(store.getState()).map(m => [m.id, m.error, m.series[0]?.value]))})`},
		);
		expect(row.promql).toContain('http_requests_total');
		expect(metricsData.of(store.getState()).map(m => m.id)).toEqual(expect.arrayContaining(['error_ratio', 'latency_p95', 'request_rate']));
		expect(store.getState().feeds['metrics']?.status).toBe('ok');

		// A query's details read its history from the same backend the Metrics pane polls, in whole
		// seconds: once a value has been polled twice, the last whole second holds two scrapes for rate().
		await waitFor(() => (metricsData.of(store.getState()).find(r => r.id === 'error_ratio')?.series[0]?.history.length ?? 0) >= 2, {timeoutMs: 15_000, message: 'a second value of error_ratio'});
		session.controller.showDetails({kind: 'metrics', key: 'error_ratio'});
		const details = await waitFor(
			() => {
				const dialog = store.getState().ui.dialog;
				return dialog?.kind === 'details' ? dialog : undefined;
			},
			{timeoutMs: 10_000, message: 'the query details'},
		);
		const at = details.lines.findIndex(line => line.startsWith('last 30 minutes'));
		expect(at).toBeGreaterThan(0);
		expect(details.lines[at + 1]).toMatch(/^ {2}[▁▂▃▄▅▆▇█]+ /);
	});
});
