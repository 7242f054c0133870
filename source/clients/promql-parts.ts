/**
 * What a query reads, found in its syntax tree (@prometheus-io/lezer-promql): the series selectors
 * it names, and the longest range it looks back over. The metrics source uses them to say which
 * scrape targets stand behind a query, and whether the data covers its range yet.
 */
import {parser} from '@prometheus-io/lezer-promql';


export interface PromqlParts {
	/** The text of each series selector, as written: `http_requests_total{status=~"5.."}`. */
	selectors: string[];
	/** The longest range of a range selector (`rate(x[5m])`: 300 000), in ms; 0 when it has none. */
	longestRangeMs: number;
}

const units: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000};

/** A PromQL duration ("5m", "1h30m", "90s", or seconds as a number) in ms. */
export function durationMs(text: string): number {
	const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
	let total = 0;
	let consumed = 0;
	for (let m = re.exec(text); m; m = re.exec(text)) {
		consumed += m[0].length;
		total += Number(m[1]) * units[m[2]!]!;
	}
	if (consumed !== text.length || total <= 0) {
		if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
		throw new Error(`cannot read the duration '${text}'`);
	}
	return total;
}

/** The selectors and longest range of `promql`, or null when it does not parse. */
export function promqlParts(promql: string): PromqlParts | null {
	const tree = parser.parse(promql);
	const parts: PromqlParts = {selectors: [], longestRangeMs: 0};
	let broken = false;
	tree.iterate({
		enter: ref => {
			if (ref.type.isError) broken = true;
			if (broken) return false;
			if (ref.name === 'VectorSelector') parts.selectors.push(promql.slice(ref.from, ref.to));
			if (ref.name === 'MatrixSelector') {
				const duration = (ref.node).getChild('DurationExpr');
				if (duration) {
					try {
						parts.longestRangeMs = Math.max(parts.longestRangeMs, durationMs(promql.slice(duration.from, duration.to)));
					} catch {
						// A range written as an expression (newer PromQL): not a fixed length.
					}
				}
			}
			return undefined;
		},
	});
	return broken ? null : parts;
}
