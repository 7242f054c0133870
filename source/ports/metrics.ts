/**
 * The Metrics port: instant and range queries. Implemented on the Prometheus HTTP API
 * (source/clients/prometheus.ts) and by direct scraping of /metrics endpoints (source/clients/scrape/).
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
	/** `suppressed`: Alertmanager silences or inhibits it (see silencedBy, inhibitedBy). */
	/** 'firing', 'pending', 'inactive' or 'suppressed'; kept as the server says it when it says another. */
	state: string;
	labels: Labels;
	activeAt?: string;
	summary?: string;
	/** Alertmanager: the ids of the silences muting it. */
	silencedBy?: string[];
	/** Alertmanager: the fingerprints of the alerts inhibiting it. */
	inhibitedBy?: string[];
	/** Alertmanager: this alert's fingerprint (what another's inhibitedBy names). */
	fingerprint?: string;
}

/** A scrape target as the metrics backend knows it. */
export interface TargetState {
	/** Its `job` label (in direct scrape mode, the service's name). */
	job: string;
	/** host:port; '' for a job with no target at all. */
	instance: string;
	/** `unknown`: not scraped yet, or the backend cannot tell. */
	health: 'up' | 'down' | 'unknown';
	/** Why its last scrape failed (or why its state is unknown). */
	error?: string;
	/** Since when it is down (ms since the epoch): its first failed scrape after the last good one, when known. */
	downSince?: number;
	/** Its last good scrape (ms since the epoch), when known. */
	lastOkAt?: number;
	/** Something short of a failure: "dropped 430000 series (limit 20000)". */
	warning?: string;
}

/** How much of a query's longest range the data covers, when less than all of it. */
export interface Coverage {
	coveredMs: number;
	rangeMs: number;
	/** The backend keeps less history than the range: it will never cover it. */
	capped?: true;
}

export interface Metrics {
	instant(promql: string, signal: AbortSignal): Promise<InstantSample[]>;
	range(promql: string, startSec: number, endSec: number, stepSec: number, signal: AbortSignal): Promise<RangeSeries[]>;
	/** Active alerts, when the backend knows about alerts. */
	alerts?(signal: AbortSignal): Promise<AlertInfo[]>;
	/** For each query (in the same order), the scrape targets its series come from, when the backend can tell. */
	targets?(promqls: readonly string[], signal: AbortSignal): Promise<TargetState[][]>;
	/**
	 * How much of the query's longest range the backend's data covers now, when less than all of it
	 * (direct scrape mode just after start); undefined when all of it (or the backend cannot tell).
	 */
	coverage?(promql: string): Coverage | undefined;
	/**
	 * The backend answers queries from what it holds, with no request per query (direct scrape
	 * mode): a failed poll is tried again at the next interval, not backed off (the scrapes' own
	 * failures are its targets' states).
	 */
	readonly local?: boolean;
}
