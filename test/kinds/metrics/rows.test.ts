import {describe, expect, it} from 'vitest';
import {buildMetricRows, metricsSummary} from '../../../source/kinds/metrics/rows.js';
import {buildRunbookRows} from '../../../source/kinds/runbook/rows.js';
import type {MetricRow} from '../../../source/kinds/metrics/data.js';
import {metricRows, runbookFixture} from '../../support/fixtures.js';

/** The 5xx ratio row of the fixtures with one value, graded as the source grades it. */
function ratioAt(value: number, tone: MetricRow['tone']): MetricRow {
	const [ratio] = metricRows();
	return {...ratio!, tone, series: [{labels: '', value, history: [value], tone}]};
}

describe('metric rows', () => {
	it('show a value the way it is graded: 0.04996 is a warning against critical 5%, so it does not read 5%', () => {
		const rows = buildMetricRows([ratioAt(0.04996, 'warn')]);
		const value = rows[0]!.cells[1]!;
		expect(value.tone).toBe('warn');
		expect(value.text).toBe('4.996%');
		// The Runbook pane's value of a step watching that query reads the same.
		const steps = buildRunbookRows(runbookFixture(), {}, [ratioAt(0.04996, 'warn')]);
		const watched = steps.find(row => row.key === 'st:confirm-errors')!.cells[1]!;
		expect(watched).toMatchObject({text: '4.996% ', tone: 'warn'});
	});
});

describe('metric rows and the Metrics pane’s title say what is known', () => {
	const at = Date.parse('2026-11-22T03:04:05Z');

	it('a query not answered yet is loading, not "no data" or an error', () => {
		const [ratio] = metricRows();
		const loading: MetricRow = {...ratio!, series: [], tone: 'muted', loading: true};
		const row = buildMetricRows([loading])[0]!;
		expect(row.cells[1]).toMatchObject({text: 'loading…', tone: 'muted'});
		expect(metricsSummary([loading])).toEqual({summary: {text: '1 query · 1 loading', tone: 'muted'}, problem: null});
	});

	it('values kept past an error are drawn muted, with since when and why', () => {
		const [ratio] = metricRows();
		const stale: MetricRow = {...ratio!, error: 'Prometheus rejected the query: bad_data', lastOkAt: at};
		const row = buildMetricRows([stale])[0]!;
		expect(row.cells[1]!.tone).toBe('muted');
		expect(row.cells.at(-1)).toEqual({text: '✗ stale since 03:04:05: Prometheus rejected the query: bad_data · warn≥1% crit≥5%', tone: 'crit'});
	});

	it('names the targets down behind a query, and a target dropping series, in the row and the title', () => {
		const [ratio, p95] = metricRows();
		const down = {job: 'checkout', instance: '10.0.0.2:8080', health: 'down' as const, error: 'connection refused', downSince: at};
		const dropping = {job: 'search', instance: '10.0.0.9:8080', health: 'up' as const, warning: 'dropped 430000 series (limit 20000)'};
		const rows = [{...ratio!, targets: {up: 2, problems: [down]}}, {...p95!, targets: {up: 1, problems: [dropping]}}];
		const cells = buildMetricRows(rows).map(row => row.cells.at(-1));
		expect(cells[0]).toEqual({text: '✗ 1 of 3 targets down: checkout 10.0.0.2:8080 down since 03:04:05 · warn≥1% crit≥5%', tone: 'crit'});
		expect(cells[1]).toEqual({text: 'search 10.0.0.9:8080 dropped 430000 series (limit 20000) · warn≥300 ms crit≥1 s', tone: 'warn'});
		expect(metricsSummary(rows)).toEqual({
			summary: {text: '2 queries · 1 target down', tone: 'crit'},
			problem: {text: 'checkout 10.0.0.2:8080 down since 03:04:05: connection refused (+1 more: enter on a query lists them)', tone: 'crit'},
		});
	});
});
