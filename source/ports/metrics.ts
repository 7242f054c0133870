/**
 * The Metrics port: instant and range queries. Implemented on the Prometheus HTTP API
 * (source/sources/prometheus.ts) and by direct scraping of /metrics endpoints (source/sources/scrape.ts).
 */

export type Labels = Record<string, string>;

export interface InstantSample {
	labels: Labels;
	value: number;
}

export interface RangeSeries {
	labels: Labels;
	/** [unix seconds, value] */
	points: Array<[number, number]>;
}

export interface AlertInfo {
	name: string;
	state: 'firing' | 'pending' | 'inactive' | string;
	labels: Labels;
	activeAt?: string;
	summary?: string;
}

export interface Metrics {
	instant(promql: string, signal: AbortSignal): Promise<InstantSample[]>;
	range(promql: string, startSec: number, endSec: number, stepSec: number, signal: AbortSignal): Promise<RangeSeries[]>;
	/** Active alerts, when the backend knows about alerts. */
	alerts?(signal: AbortSignal): Promise<AlertInfo[]>;
}
