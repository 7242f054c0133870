/** The Metrics kind's data: one row per query, with its series, thresholds and what is known of it. */
import type {Coverage, TargetState} from '../../ports/metrics.js';
import {DataSlot, type Scrub} from '../../store/data.js';
import type {Tone} from '../../text/format.js';

export interface SeriesRow {
	/** Shortened label set, e.g. `route=/checkout` ("" for a single unlabelled series). */
	labels: string;
	value: number | null;
	/** Recent values, oldest first, for the sparkline (bounded). */
	history: number[];
	tone: Tone;
}

/** How a value is shown: 'ratio', 'percent', 'seconds', 'ms', 'bytes', 'rps', 'count' are formatted (text/format.ts formatValue); any other unit is printed after the number. */
export type Unit = string;

export interface MetricRow {
	id: string;
	title: string;
	promql: string;
	unit: Unit;
	warn?: number;
	critical?: number;
	/** Whether higher values are worse (default) or lower values are. */
	direction: 'above' | 'below';
	series: SeriesRow[];
	tone: Tone;
	/** Error for this query alone (bad PromQL, unsupported in direct mode); its series, if any, are its last good ones. */
	error?: string;
	/** No answer yet: its first is on its way (not an error, not "no data"). */
	loading?: true;
	/** When its series were last answered (ms since the epoch). */
	lastOkAt?: number;
	/** Its values cover only part of its range: direct scrape mode's window is younger than the range. */
	partial?: Coverage;
	/** How many scrape targets behind it are up, and those that are not (down, not scraped yet) or warn (at most `metricLimits.targetsPerRow`). */
	targets?: {up: number; problems: TargetState[]};
}

/** A query's free text scrubbed (its error, its series' labels as shown); the same rows where nothing changed. */
function scrubMetrics(rows: MetricRow[], scrub: Scrub): MetricRow[] {
	return rows.map(row => {
		const error = scrub.optional(row.error);
		const series = row.series.map(s => {
			const labels = scrub.text(s.labels);
			return labels === s.labels ? s : {...s, labels};
		});
		return error === row.error && series.every((s, i) => s === row.series[i]) ? row : {...row, error, series};
	});
}

/** The queries' rows (kinds/metrics/source.ts). */
export const metricsData = new DataSlot<MetricRow[]>('metrics', [], 'metrics', scrubMetrics);
