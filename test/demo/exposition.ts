/** A minimal reader of the Prometheus text format, enough for the demo's tests to do the maths by hand. */

export interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/;
const labelPair = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Sample[] {
	const samples: Sample[] = [];
	for (const line of text.split('\n')) {
		if (line === '' || line.startsWith('#')) continue;
		const match = sampleLine.exec(line);
		if (!match) throw new Error(`not an exposition sample line: ${line}`);
		const labels: Record<string, string> = {};
		for (const [, key, value] of (match[2] ?? '').matchAll(labelPair)) labels[key!] = value!;
		samples.push({name: match[1]!, labels, value: Number(match[3])});
	}
	return samples;
}

export async function scrape(urls: readonly string[]): Promise<Sample[]> {
	const texts = await Promise.all(
		urls.map(async url => {
			const response = await fetch(url);
			if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
			return response.text();
		}),
	);
	return texts.flatMap(parseExposition);
}

/** Totals of http_requests_total: all requests and the 5xx ones. */
export function requestTotals(samples: readonly Sample[]): {total: number; errors: number} {
	let total = 0;
	let errors = 0;
	for (const s of samples) {
		if (s.name !== 'http_requests_total') continue;
		total += s.value;
		if (/^5\d\d$/.test(s.labels.status ?? '')) errors += s.value;
	}
	return {total, errors};
}

/** Cumulative bucket counts of http_request_duration_seconds summed over all series, by `le`. */
export function latencyBuckets(samples: readonly Sample[]): Map<number, number> {
	const buckets = new Map<number, number>();
	for (const s of samples) {
		if (s.name !== 'http_request_duration_seconds_bucket') continue;
		const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
		buckets.set(le, (buckets.get(le) ?? 0) + s.value);
	}
	return buckets;
}

/** The upper bound of the bucket holding the q-quantile of the requests between two scrapes. */
export function quantileBucket(q: number, before: Map<number, number>, after: Map<number, number>): number {
	const bounds = [...after.keys()].sort((a, b) => a - b);
	const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
	for (const le of bounds) {
		if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= q * total) return le;
	}
	return Number.POSITIVE_INFINITY;
}
