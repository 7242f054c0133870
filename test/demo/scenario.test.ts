import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ClusterWatcher, DeploymentInfo, PodInfo} from '../../source/ports/cluster.js';
import {badImage} from '../../source/demo/cluster.js';
import {demoQueries, startDemo, type DemoEnvironment} from '../../source/demo/index.js';
import {validateScrapeQuery} from '../../source/clients/scrape/evaluate.js';
import {waitFor} from '../support/wait.js';
import {latencyBuckets, quantileBucket, requestTotals, scrape, type Sample} from './exposition.js';

function watchInto(env: DemoEnvironment, signal: AbortSignal) {
	const pods = new Map<string, PodInfo>();
	const deployments = new Map<string, DeploymentInfo>();
	const watcher: ClusterWatcher = {
		reset(p, d) {
			pods.clear();
			deployments.clear();
			for (const pod of p) pods.set(pod.name, pod);
			for (const dep of d) deployments.set(dep.name, dep);
		},
		change(change) {
			if (change.kind === 'pod') {
				if (change.type === 'upsert') pods.set(change.pod.name, change.pod);
				else pods.delete(change.name);
			} else if (change.type === 'upsert') {
				deployments.set(change.deployment.name, change.deployment);
			}
		},
		error() {},
	};
	return {pods, deployments, started: env.cluster.watch(watcher, signal)};
}

/** Scrapes until at least `count` new requests were answered since `from`; returns the later scrape. */
async function scrapeAfter(urls: string[], from: Sample[], count: number, timeoutMs: number): Promise<Sample[]> {
	const base = requestTotals(from).total;
	return waitFor(
		async () => {
			const now = await scrape(urls);
			return requestTotals(now).total - base >= count ? now : undefined;
		},
		{timeoutMs, intervalMs: 100, message: `${count} new requests in /metrics`},
	);
}

function ratioBetween(a: Sample[], b: Sample[]): {ratio: number; total: number} {
	const before = requestTotals(a);
	const after = requestTotals(b);
	const total = after.total - before.total;
	return {ratio: (after.errors - before.errors) / total, total};
}

describe('the demo incident, end to end', () => {
	let controller = new AbortController();
	let env: DemoEnvironment | undefined;
	beforeEach(() => {
		controller = new AbortController();
	});
	afterEach(async () => {
		controller.abort();
		await env?.stop();
		env = undefined;
	});

	it('has a config the cockpit can use as it is', async () => {
		const local = new AbortController();
		const demo = await startDemo({signal: local.signal});
		try {
			const {config} = demo;
			expect(config).toMatchObject({title: 'Checkout 5xx after deploy of 1.8.0', severity: 'SEV2', runbook: 'bad-deploy'});
			expect(config.kubernetes).toMatchObject({context: 'demo', namespace: 'shop', production: false});
			expect(config.services.map(s => [s.name, s.deployment])).toEqual([
				['checkout', 'checkout'],
				['cart', 'cart'],
				['payments', 'payments'],
			]);
			expect(config.services[0]!.health).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health\/deep$/);
			for (const s of config.services) expect(s.scrape).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
			expect(config.queries.map(q => [q.id, q.unit, q.warn, q.critical])).toEqual([
				['error_ratio', 'ratio', 0.01, 0.05],
				['latency_p95', 'seconds', 0.3, 1],
				['request_rate', 'rps', undefined, undefined],
			]);
			expect(config.queries[0]!.promql).toBe(demoQueries.errorRatio);
			// Direct scrape mode (no Prometheus server in the demo) must accept every query.
			for (const q of config.queries) expect(() => validateScrapeQuery(q.promql)).not.toThrow();
			expect(config.refresh.healthMs).toBeGreaterThanOrEqual(2000);
			expect(config.refresh.metricsMs).toBeLessThanOrEqual(5000);
			expect(demo.runbookVariables).toEqual({namespace: 'shop', deployment: 'checkout'});
			const health = await fetch(config.services[0]!.health!);
			expect(((await health.json()) as {status: string}).status).toBe('degraded');
		} finally {
			local.abort();
			await demo.stop();
		}
		// Aborting stopped everything: the services refuse connections.
		await expect(fetch(demo.config.services[1]!.health!)).rejects.toThrow();
	});

	it('the bad deploy raises errors and latency; rolling back brings the 5xx ratio of new requests under 1%', async () => {
		env = await startDemo({signal: controller.signal, speed: 20, trafficRps: 150});
		const urls = env.config.services.map(s => s.scrape!);
		const view = watchInto(env, controller.signal);
		await view.started;

		// Bad revision 3: measure by hand from two scrapes, as rate() would.
		const s0 = await scrape(urls);
		const s1 = await scrapeAfter(urls, s0, 600, 15_000);
		const bad = ratioBetween(s0, s1);
		expect(bad.ratio).toBeGreaterThan(0.05);
		expect(quantileBucket(0.95, latencyBuckets(s0), latencyBuckets(s1))).toBeGreaterThanOrEqual(1);

		const result = await env.cluster.undo('checkout');
		expect(result.after).toContain('revision 4');
		const history = await env.cluster.history('checkout');
		expect(history.map(r => r.revision)).toEqual([4, 3, 1]);

		await waitFor(
			() => {
				const d = view.deployments.get('checkout');
				const checkoutPods = [...view.pods.values()].filter(p => p.deployment === 'checkout');
				return d?.revision === 4 && d.rolloutComplete && checkoutPods.length === 4 && checkoutPods.every(p => p.ready === 1 && !p.terminating);
			},
			{timeoutMs: 10_000, message: 'rollout of revision 4 complete'},
		);
		expect(env.cluster.endpoints('checkout').every(e => e.image === 'shop/checkout:1.7.4')).toBe(true);
		// Requests that the old pods were still answering drain like connections do.
		await waitFor(() => !env!.services.inFlightByImage()[badImage], {timeoutMs: 10_000, message: 'requests on bad pods drained'});

		const s2 = await scrape(urls);
		const s3 = await scrapeAfter(urls, s2, 400, 15_000);
		const good = ratioBetween(s2, s3);
		expect(good.total).toBeGreaterThanOrEqual(400);
		expect(good.ratio).toBeLessThan(0.01);
		expect(quantileBucket(0.95, latencyBuckets(s2), latencyBuckets(s3))).toBeLessThanOrEqual(0.3);

		const health = (await (await fetch(env.config.services[0]!.health!)).json()) as {status: string};
		expect(health.status).toBe('healthy');
	});
});
