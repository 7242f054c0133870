/**
 * What direct scrape mode keeps (clients/scrape/metrics.ts): a target, its series and their
 * samples in the window, and exposition text read into samples.
 */
import type {InstantSample, Labels} from '../../ports/metrics.js';
import {ExpositionError, readLine, seriesLabels} from './exposition.js';

export interface ScrapeTarget {
	/** Service name: becomes the `job` label. */
	name: string;
	url: string;
	timeoutMs?: number;
	headers?: Record<string, string>;
	ca?: string;
	insecureSkipVerify?: boolean;
}

export interface Sample {
	t: number;
	v: number;
	/** A staleness marker: the series was absent from its target's scrape at `t`. */
	stale?: true;
}

export interface Series {
	/** `labelsKey(labels)`: its key in the window. */
	key: string;
	labels: Labels;
	target: string;
	samples: Sample[];
}

export type Value = {kind: 'scalar'; value: number} | {kind: 'vector'; samples: InstantSample[]};

export const lookbackMs = 5 * 60 * 1000;

/** A canonical key for a label set. */
export function labelsKey(labels: Labels): string {
	return Object.keys(labels)
		.sort()
		.map(k => `${k}=${JSON.stringify(labels[k])}`)
		.join(',');
}

export function withoutName(labels: Labels): Labels {
	if (!('__name__' in labels)) return labels;
	const rest = {...labels};
	delete rest.__name__;
	return rest;
}

/**
 * Parses exposition text into flat samples `{labels (with __name__), value, timestampMs?}`, each
 * `_bucket`, `_sum`, `_count` and `{quantile=...}` line a series of its own, as PromQL sees them.
 * Throws, naming the line, on anything that is not the text format.
 */
export function parseExposition(text: string, source = 'scrape'): Array<{labels: Labels; value: number; timestampMs?: number}> {
	const out: Array<{labels: Labels; value: number; timestampMs?: number}> = [];
	for (const [i, raw] of text.split('\n').entries()) {
		try {
			const sample = readLine(raw);
			if (!sample) continue;
			out.push({labels: seriesLabels(sample), value: sample.value, ...(sample.timestampMs === undefined ? {} : {timestampMs: sample.timestampMs})});
		} catch (error) {
			throw new ExpositionError(`${source}: not the Prometheus text format: line ${i + 1}: ${(error as Error).message}`);
		}
	}
	return out;
}

/** A target between scrapes: its state, and the series of its latest good scrape. */
export interface TargetRecord {
	target: Pick<ScrapeTarget, 'name' | 'url' | 'timeoutMs'>;
	/** host:port of its URL: the `instance` label. */
	instance: string;
	health: 'unknown' | 'up' | 'down';
	/** Why its latest scrape failed. */
	error?: string;
	lastOkAt?: number;
	/** Its first failed scrape since the last good one. */
	downSince?: number;
	/**
	 * The series of its latest good scrape by the text naming them in its body (`name{labels}`): a
	 * line naming a known series is matched without reading its labels again. A series missing from
	 * the next scrape gets a staleness marker.
	 */
	byText: Map<string, Series>;
	/** Series of its latest good scrape left out at the series limit. */
	dropped: number;
	/** Its latest scrape was cut short by the scrapes stopping before it answered (not its failure; said by targetErrors while it has no state). */
	cutShort?: string;
}

/** How long a scrape reads its body before it lets the event loop run (keys, the screen, other scrapes). */
export const sliceMs = 8;

/** Lets the event loop run (keys, the screen, other scrapes) before a scrape reads on. */
export function nextTurn(): Promise<void> {
	return new Promise(resolve => setImmediate(resolve));
}

/** host:port of a target's URL: its `instance` label. */
export function instanceOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}
