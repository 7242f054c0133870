/**
 * The metrics source over direct scrape mode, on a fake clock: what the pane is told while the
 * window warms up, when a target goes down, and how soon it sees the target come back.
 */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {startMetricsSource, type QueryDef} from '../../../source/kinds/metrics/source.js';
import {ScrapeMetrics} from '../../../source/clients/scrape/metrics.js';
import type {ScrapeTarget} from '../../../source/clients/scrape/series.js';
import {buildMetricRows} from '../../../source/kinds/metrics/rows.js';
import {makeConfig, makeContext} from '../support.js';
import {metricsData} from '../../../source/kinds/metrics/data.js';

beforeEach(() => {
	vi.useFakeTimers({now: Date.parse('2026-11-22T03:00:00Z')});
});
afterEach(() => {
	vi.useRealTimers();
});

const intervalMs = 5000;
const rps: QueryDef = {id: 'rps', title: 'Request rate', promql: 'sum(rate(reqs_total[5m]))', unit: 'rps'};
const errors: QueryDef = {id: 'errors', title: 'Errors over 5m', promql: 'sum(increase(errors_total[5m]))', warn: 10, critical: 100};

/** Targets that serve counters growing by `perScrape` a scrape, each up or down at will. */
function services(names: string[]) {
	const down = new Map<string, string>();
	const counts = new Map<string, number>();
	const fetchText = async (target: ScrapeTarget) => {
		const why = down.get(target.name);
		if (why) throw new Error(why);
		const n = (counts.get(target.name) ?? 0) + 1;
		counts.set(target.name, n);
		return `reqs_total ${n * 50}\nerrors_total ${n * 2}\n`;
	};
	const targets = names.map(name => ({name, url: `http://${name}.test:9100/metrics`}));
	return {targets, fetchText, down};
}

function start(names: string[], queries: QueryDef[]) {
	const svc = services(names);
	const scrape = new ScrapeMetrics({targets: svc.targets, intervalMs, fetchText: svc.fetchText});
	const ctx = makeContext(makeConfig({refresh: {metricsMs: intervalMs}}));
	const stops = [scrape.start(ctx.signal), startMetricsSource({...ctx, metrics: scrape, queries})];
	return {...svc, scrape, ctx, stop: () => stops.forEach(stop => stop())};
}

describe('direct scrape: recovery', () => {
	it('sees a target that is back at the next scrape, not after back-offs added up', async () => {
		const s = start(['app'], [rps]);
		try {
			await vi.advanceTimersByTimeAsync(30_000);
			expect(s.ctx.store.getState().feeds.metrics?.status).toBe('ok');
			s.down.set('app', 'connection refused (app.test:9100)');
			await vi.advanceTimersByTimeAsync(3 * 60_000);
			const feed = s.ctx.store.getState().feeds.metrics!;
			expect(feed.status).toBe('error');
			expect(feed.error).toMatch(/scrape of app .* failed: connection refused/);
			// The service comes back: the next scrape (within one interval) and the next evaluation
			// (within another) show it.
			s.down.delete('app');
			const back = Date.now();
			while (s.ctx.store.getState().feeds.metrics?.status !== 'ok' && Date.now() - back < 5 * 60_000) await vi.advanceTimersByTimeAsync(500);
			expect(Date.now() - back).toBeLessThanOrEqual(2 * intervalMs);
		} finally {
			s.stop();
		}
	});
});

describe('direct scrape: warming up', () => {
	it('says how much of a query’s range the window covers until it covers all of it, in the row and in a crossing it records', async () => {
		const s = start(['app'], [rps, errors]);
		try {
			await vi.advanceTimersByTimeAsync(30_000);
			const [rate, increase] = metricsData.of(s.ctx.store.getState());
			// The first scrape was at 0 s: the window holds 30 s of a 5 m range.
			expect(rate!.partial).toEqual({coveredMs: 30_000, rangeMs: 300_000});
			expect(increase!.partial).toEqual({coveredMs: 30_000, rangeMs: 300_000});
			// 10 a second over the 30 s covered (not 1 a second: the rate is not spread over 5 minutes).
			expect(rate!.series[0]!.value).toBeCloseTo(10, 6);
			const row = buildMetricRows(metricsData.of(s.ctx.store.getState())).find(r => r.key === 'm:rps')!;
			expect(row.cells.at(-1)!.text).toBe('warming up (30 s of a 5 m window)');
			// Errors crossed 10 (warning) while warming up: the timeline says over what time.
			expect(s.ctx.signals()).toEqual([expect.objectContaining({subject: 'errors', level: 'warn', message: expect.stringMatching(/^Errors over 5m above warning 10 \(\d+ over the first \d+ s of its 5 m window\)$/)})]);
			await vi.advanceTimersByTimeAsync(5 * 60_000);
			expect(metricsData.of(s.ctx.store.getState()).map(m => m.partial)).toEqual([undefined, undefined]);
			expect(buildMetricRows(metricsData.of(s.ctx.store.getState())).find(r => r.key === 'm:rps')!.cells.at(-1)!.text).toBe('');
		} finally {
			s.stop();
		}
	});

	it('a range longer than the window it keeps is never covered, and says so', async () => {
		const svc = services(['app']);
		const scrape = new ScrapeMetrics({targets: svc.targets, intervalMs, fetchText: svc.fetchText, windowMs: 10 * 60_000});
		const stop = scrape.start(new AbortController().signal);
		try {
			await vi.advanceTimersByTimeAsync(20 * 60_000);
			expect(scrape.coverage('sum(rate(reqs_total[1h]))')).toEqual({coveredMs: 10 * 60_000, rangeMs: 3_600_000, capped: true});
			expect(scrape.coverage('sum(rate(reqs_total[5m]))')).toBeUndefined();
			expect(scrape.coverage('reqs_total')).toBeUndefined();
		} finally {
			stop();
		}
	});
});

describe('direct scrape: a target down among others', () => {
	it('marks the queries it stands behind, with since when and why', async () => {
		const s = start(['app', 'web'], [rps]);
		try {
			await vi.advanceTimersByTimeAsync(10_000);
			expect(metricsData.of(s.ctx.store.getState())[0]!.targets).toEqual({up: 2, problems: []});
			s.down.set('web', 'timeout after 5000 ms (http://web.test:9100/metrics)');
			const downAt = Date.now();
			await vi.advanceTimersByTimeAsync(20_000);
			const [row] = metricsData.of(s.ctx.store.getState());
			expect(s.ctx.store.getState().feeds.metrics?.status).toBe('ok');
			expect(row!.targets!.up).toBe(1);
			expect(row!.targets!.problems).toEqual([{job: 'web', instance: 'web.test:9100', health: 'down', error: 'timeout after 5000 ms (http://web.test:9100/metrics)', downSince: expect.any(Number), lastOkAt: expect.any(Number)}]);
			expect(row!.targets!.problems[0]!.downSince! - downAt).toBeLessThanOrEqual(intervalMs);
			const since = new Date(row!.targets!.problems[0]!.downSince!).toISOString().slice(11, 19);
			const cells = buildMetricRows(metricsData.of(s.ctx.store.getState()))[0]!.cells;
			expect(cells.at(-1)).toEqual({text: `✗ 1 of 2 targets down: web web.test:9100 down since ${since} · warming up (30 s of a 5 m window)`, tone: 'crit'});
		} finally {
			s.stop();
		}
	});
});
