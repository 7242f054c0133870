/**
 * `incident-tui demo status`: the demo reported as `status` reports a real config, with its exit codes;
 * with --incident ID, the demo as that incident left it.
 */
import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {openJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {scriptFound, startCli, type CliTerminal} from '../support/cli-terminal.js';
import {waitFor} from '../support/wait.js';
import {cliTestTimeoutMs, runCli, tempDir} from './run-cli.js';

interface Report {
	metrics: Array<{id: string; level: string; series: Array<{value: number | null}>}>;
	deployments: Array<{name: string; revision: number; replicas: number; ready: number}>;
	pods: Array<{name: string; deployment: string | null}>;
	health: Array<{name: string; ok: boolean}>;
	sources: Array<{source: string; state: string}>;
}

let remove: (() => Promise<void>) | undefined;
let cockpit: CliTerminal | undefined;
afterEach(async () => {
	await cockpit?.close();
	cockpit = undefined;
	await remove?.();
	remove = undefined;
});

function errorRatio(report: Report): number {
	return report.metrics.find(m => m.id === 'error_ratio')!.series[0]!.value!;
}

describe('incident-tui demo status', {timeout: cliTestTimeoutMs}, () => {
	it('reports the demo’s bad deploy as status reports a config: the bad deploy\'s 5xx ratio, checkout at revision 3, exit 1 when critical', async () => {
		const home = await tempDir('demo-status-');
		remove = home.remove;
		const result = await runCli(['demo', 'status', '--json', '--scrape-interval', '5s'], {home: home.dir, timeoutMs: 45_000});
		expect(result.stderr).toBe('');
		const report = JSON.parse(result.stdout) as Report;
		expect(report.health.map(h => [h.name, h.ok])).toEqual([
			['checkout', true],
			['cart', true],
			['payments', true],
		]);
		// About 10% of requests fail (checkout's bad release, 18% of its own); over a 5 s scrape (about 80
		// requests) that is critical most of the time and at least a warning always.
		const level = report.metrics.find(m => m.id === 'error_ratio')!.level;
		expect(['warn', 'crit']).toContain(level);
		expect(errorRatio(report)).toBeGreaterThan(0.01);
		expect(report.deployments.find(d => d.name === 'checkout')).toMatchObject({revision: 3, replicas: 4});
		if (level === 'crit') expect(result.code).toBe(1);
	});

	it('with --incident ID, reports the demo as that incident left it: rolled back, the 5xx ratio not critical, exit 0', async () => {
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
		// The good release fails one request in a thousand: over a 2 s scrape (about 30 requests) that is
		// mostly none, at most a warning, never the bad deploy's critical ~10%.
		expect(errorRatio(report)).toBeLessThan(0.05);
		expect(report.metrics.find(m => m.id === 'error_ratio')!.level).not.toBe('crit');
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

/** Types `key` every 2 s until the journal holds an event `match` accepts. */
async function pressUntil(cli: CliTerminal, key: string, match: (event: AnyTimelineEvent) => boolean, message: string): Promise<void> {
	let typedAt = 0;
	await waitFor(
		() => {
			if (cli.events().some(match)) return true;
			if (Date.now() - typedAt > 2000) {
				cli.type(key);
				typedAt = Date.now();
			}
			return false;
		},
		{timeoutMs: 30_000, intervalMs: 100, message},
	);
}

describe.skipIf(!scriptFound)('status pointed at a running demo', () => {
	it('demo status and status --config report on the demo the cockpit runs, as it is now (rolled back from the keys)', {timeout: 150_000}, async () => {
		cockpit = startCli(['demo']);
		const home = cockpit.home;
		const env = {XDG_STATE_HOME: path.join(home, 'state')};
		await cockpit.shown(/checkout\s+\d+\/\d+\s.*rev 3\b/, 'checkout at revision 3');
		const running = path.join(home, 'state', 'incident-tui', 'demo-running');
		expect(readdirSync(running)).toHaveLength(1);
		const file = path.join(running, readdirSync(running)[0]!);
		// Rolled back in the cockpit: u, then y in the confirmation. A key typed before the cockpit reads
		// its input is lost, so u is typed again until the confirmation is journaled.
		await pressUntil(cockpit, 'u', e => e.type === 'action.requested', 'the rollback confirmation');
		cockpit.type('y');
		await cockpit.event(e => e.type === 'action.succeeded', 'the rollback');
		await cockpit.shown(/checkout\s+\d+\/\d+\s.*rev 4\b/, 'checkout at revision 4');

		const result = await runCli(['demo', 'status', '--json', '--scrape-interval', '1s'], {home, env, timeoutMs: 45_000});
		expect(result.stderr).toMatch(/reporting on the running demo inc-\S+ \(process \d+; status --config \S+ does the same\)/);
		const report = JSON.parse(result.stdout) as Report;
		expect(report.deployments.find(d => d.name === 'checkout')).toMatchObject({revision: 4});
		expect(report.sources.every(s => s.state === 'ok')).toBe(true);
		// status itself, pointed at the file the running demo wrote: the same cluster, through the Kubernetes client.
		const direct = await runCli(['status', '--json', '--config', file, '--scrape-interval', '1s'], {home, env, timeoutMs: 45_000});
		expect((JSON.parse(direct.stdout) as Report).deployments.find(d => d.name === 'checkout')).toMatchObject({revision: 4});

		cockpit.type('q');
		await cockpit.close();
		cockpit = undefined;
		expect(existsSync(file)).toBe(false);
	});
});
