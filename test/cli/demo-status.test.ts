/**
 * `incident-tui demo status`: the demo reported as `status` reports a real config, with its exit codes;
 * with --incident ID, the demo as that incident left it.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {openJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';
import {cliTestTimeoutMs, runCli, tempDir} from './run-cli.js';

interface Report {
	metrics: Array<{id: string; level: string; series: Array<{value: number | null}>}>;
	deployments: Array<{name: string; revision: number; replicas: number; ready: number}>;
	pods: Array<{name: string; deployment: string | null}>;
	health: Array<{name: string; ok: boolean}>;
	sources: Array<{source: string; state: string}>;
}

let remove: (() => Promise<void>) | undefined;
afterEach(async () => {
	await remove?.();
	remove = undefined;
});

function errorRatio(report: Report): number {
	return report.metrics.find(m => m.id === 'error_ratio')!.series[0]!.value!;
}

describe('incident-tui demo status', {timeout: cliTestTimeoutMs}, () => {
	it('reports the demo’s bad deploy as status reports a config: critical 5xx ratio, checkout at revision 3, exit 1', async () => {
		const home = await tempDir('demo-status-');
		remove = home.remove;
		const result = await runCli(['demo', 'status', '--json', '--scrape-interval', '2s'], {home: home.dir, timeoutMs: 45_000});
		expect(result.stderr).toBe('');
		const report = JSON.parse(result.stdout) as Report;
		expect(report.health.map(h => [h.name, h.ok])).toEqual([
			['checkout', true],
			['cart', true],
			['payments', true],
		]);
		expect(report.metrics.find(m => m.id === 'error_ratio')!.level).toBe('crit');
		expect(errorRatio(report)).toBeGreaterThan(0.05);
		expect(report.deployments.find(d => d.name === 'checkout')).toMatchObject({revision: 3, replicas: 4});
		expect(result.code).toBe(1);
	});

	it('with --incident ID, reports the demo as that incident left it: rolled back, the 5xx ratio under 1%', async () => {
		const home = await tempDir('demo-status-');
		remove = home.remove;
		const id = 'inc-20261206-0300-demo';
		const journal = await openJournal({path: journalPath(home.dir, id), author: 'alice@bastion', redact: createRedactor()});
		const rollback = {actionId: 'act-1', kind: 'rollback', target: {context: 'demo', namespace: 'shop', object: 'deployment/checkout'}, change: 'revision 3 -> 2', kubectl: 'kubectl --context demo -n shop rollout undo deployment/checkout --to-revision=2'};
		await journal.append('incident.opened', {title: 'Checkout 5xx after deploy of 1.8.0', severity: 'SEV2', demo: true, context: 'demo', namespace: 'shop'});
		await journal.append('action.succeeded', {...rollback, durationMs: 90});
		await journal.close();
		const result = await runCli(['demo', 'status', '--json', '--incident', id, '--state-dir', home.dir, '--scrape-interval', '2s'], {home: home.dir, timeoutMs: 45_000});
		expect(result.stderr).toBe('');
		const report = JSON.parse(result.stdout) as Report;
		expect(report.deployments.find(d => d.name === 'checkout')).toMatchObject({revision: 4, replicas: 4, ready: 4});
		expect(errorRatio(report)).toBeLessThan(0.01);
		expect(report.metrics.find(m => m.id === 'error_ratio')!.level).toBe('ok');
		expect(result.code).toBe(0);
	});

	it('says which incident is missing, exit 2', async () => {
		const home = await tempDir('demo-status-');
		remove = home.remove;
		const result = await runCli(['demo', 'status', '--incident', 'inc-20990101-0000-none', '--state-dir', home.dir], {home: home.dir});
		expect(result.stderr).toContain(`no demo incident inc-20990101-0000-none in ${home.dir}`);
		expect(result.code).toBe(2);
	});
});
