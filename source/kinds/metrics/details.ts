/** enter on a query: what it is and what is known of it now (live), and its last 30 minutes, read once. */
import type {Metrics, RangeSeries} from '../../ports/metrics.js';
import type {DetailPart} from '../../store/types.js';
import {formatValue, shortLabels, sparkline} from '../../text/format.js';
import {readDeadline, withLines} from '../details.js';
import type {Details, DetailsContext, RowRef} from '../types.js';
import {metricsData, type MetricRow} from './data.js';
import {metricLines} from './live.js';
import {sparklineCeiling} from './rows.js';

/** A query's details: its values and state follow the store while the dialog is open; its history is read now, and says to when. */
export async function metricDetails(ref: RowRef, ctx: DetailsContext): Promise<Details> {
	const metric = metricsData.of(ctx.state).find(m => m.id === ref.key);
	if (!metric) return {title: ref.key, lines: ['(gone)']};
	const parts: DetailPart[] = [{kind: 'metrics', live: 'query', id: metric.id}, {lines: ctx.metrics ? await metricHistory(metric, ctx.metrics, ctx) : []}];
	return withLines({title: `Query: ${metric.title}`, parts}, () => metricLines(metric));
}

/** How far back a query's details look, and the step: "when did it start?" is asked minutes into an incident. */
const historyWindowSec = 30 * 60;
const historyStepSec = 60;
/** Series shown in a query's history; a query by status code has a handful, one by pod could have hundreds. */
const historySeries = 6;

/**
 * A query's last 30 minutes, a line per series: a sparkline of one-minute steps, and for a query
 * with thresholds when it went past its warning (or came back under it) and its peak. That answers
 * "when did it start?", which the Metrics pane's 20 recent samples cannot once an incident is old.
 */
async function metricHistory(metric: MetricRow, metrics: Metrics, options: DetailsContext): Promise<string[]> {
	const endSec = Math.floor(options.now() / 1000);
	const lines = ['', `last 30 minutes (1-minute steps, to ${clock(endSec)} UTC):`];
	let series: RangeSeries[];
	try {
		series = await readDeadline(options.timeoutMs).run(signal => metrics.range(metric.promql, endSec - historyWindowSec, endSec, historyStepSec, signal));
	} catch (error) {
		return [...lines, `  unavailable: ${(error as Error).message}`];
	}
	const shown = series.filter(s => s.points.length > 0).slice(0, historySeries);
	if (shown.length === 0) return [...lines, '  no data in that window'];
	const ceiling = sparklineCeiling(metric);
	for (const s of shown) {
		const labels = shortLabels(s.labels);
		lines.push(`  ${sparkline(s.points.map(([, v]) => v), historyWindowSec / historyStepSec + 1, ceiling)}  ${clock(s.points[0]![0])}–${clock(s.points.at(-1)![0])}${labels ? `  ${labels}` : ''}`);
		const peak = s.points.reduce((best, point) => (point[1] > best[1] ? point : best));
		const crossing = warnCrossing(s.points, metric);
		lines.push(`    ${crossing ? `${crossing}; ` : ''}peak ${formatValue(peak[1], metric.unit)} at ${clock(peak[0])}`);
	}
	if (series.length > shown.length) lines.push(`  (${series.length - shown.length} more series)`);
	return lines;
}

/** When the series last went past the query's warning threshold (or came back), in words; undefined without one. */
function warnCrossing(points: ReadonlyArray<[number, number]>, metric: MetricRow): string | undefined {
	const warn = metric.warn ?? metric.critical;
	if (warn === undefined) return undefined;
	const past = (value: number) => (metric.direction === 'below' ? value < warn : value > warn);
	const bound = formatValue(warn, metric.unit);
	const nowPast = past(points.at(-1)![1]);
	let i = points.length - 1;
	while (i > 0 && past(points[i - 1]![1]) === nowPast) i--;
	if (i === 0) return nowPast ? `past ${bound} the whole window` : `within ${bound} the whole window`;
	return nowPast ? `past ${bound} since ${clock(points[i]![0])}` : `back within ${bound} since ${clock(points[i]![0])}`;
}

/** "03:04", UTC, from unix seconds: the timeline's and the export's clock. */
function clock(sec: number): string {
	return new Date(sec * 1000).toISOString().slice(11, 16);
}
