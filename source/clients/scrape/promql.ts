/**
 * The PromQL subset of direct scrape mode (see clients/scrape/metrics.ts): parsing, label matchers,
 * and the functions Prometheus computes over samples (rates with extrapolation, bucket quantiles).
 */
import {parser} from '@prometheus-io/lezer-promql';
import type {Labels} from '../../ports/metrics.js';
import type {Sample} from './series.js';

export type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export class UnsupportedQueryError extends Error {
	constructor(construct: string) {
		super(`direct scrape mode does not support ${construct}; configure prometheus.url`);
		this.name = 'UnsupportedQueryError';
	}
}

export function unsupported(construct: string): never {
	throw new UnsupportedQueryError(construct);
}


export const binaryOps = new Set(['Pow', 'Mul', 'Div', 'Mod', 'Add', 'Sub', 'Eql', 'Gte', 'Gtr', 'Lte', 'Lss', 'Neq', 'And', 'Or', 'Unless', 'Atan2', 'TrimUpper', 'TrimLower']);
export const supportedBinary: Record<string, (a: number, b: number) => number> = {
	Add: (a, b) => a + b,
	Sub: (a, b) => a - b,
	Mul: (a, b) => a * b,
	Div: (a, b) => a / b,
};

export function children(node: SyntaxNode): SyntaxNode[] {
	const out: SyntaxNode[] = [];
	for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
	return out;
}

/** Go-style string literal to its value ("..." with escapes, '...', or `raw`). */
export function unquote(text: string): string {
	if (text.startsWith('`')) return text.slice(1, -1);
	let body = text.slice(1, -1);
	if (text.startsWith("'")) body = body.replace(/\\'/g, "'").replace(/"/g, '\\"');
	try {
		return JSON.parse(`"${body}"`) as string;
	} catch {
		return body;
	}
}

export interface Matcher {
	name: string;
	test: (value: string) => boolean;
}

export function matcherFor(name: string, op: string, value: string): Matcher {
	switch (op) {
		case '=':
			return {name, test: v => v === value};
		case '!=':
			return {name, test: v => v !== value};
		case '=~':
		case '!~': {
			let re: RegExp;
			try {
				// PromQL regexes are fully anchored.
				re = new RegExp(`^(?:${value})$`, 's');
			} catch (error) {
				throw new Error(`invalid regular expression ${JSON.stringify(value)} for label ${name}: ${(error as Error).message}`);
			}
			return op === '=~' ? {name, test: v => re.test(v)} : {name, test: v => !re.test(v)};
		}
		default:
			return unsupported(`the matcher '${op}'`);
	}
}

/** Matchers of a VectorSelector node. */
export function selectorMatchers(node: SyntaxNode, src: string): Matcher[] {
	const text = (n: SyntaxNode) => src.slice(n.from, n.to);
	const matchers: Matcher[] = [];
	for (const child of children(node)) {
		if (child.name === 'Identifier') matchers.push(matcherFor('__name__', '=', text(child)));
		else if (child.name === 'LabelMatchers') {
			for (const m of children(child)) {
				const parts = children(m);
				const op = parts.find(p => p.name === 'MatchOp');
				const literal = parts.find(p => p.name === 'StringLiteral');
				const label = parts.find(p => p.name === 'LabelName' || p.name === 'QuotedLabelName');
				if (m.name === 'QuotedLabelMatcher' && !op && literal) {
					matchers.push(matcherFor('__name__', '=', unquote(text(literal))));
					continue;
				}
				if (!op || !literal || !label) unsupported(`the matcher '${text(m)}'`);
				const name = label.name === 'QuotedLabelName' ? unquote(text(label)) : text(label);
				matchers.push(matcherFor(name, text(op), unquote(text(literal))));
			}
		} else unsupported(`'${text(child)}' in a selector`);
	}
	if (matchers.length === 0) throw new Error('a vector selector needs a metric name or a label matcher');
	return matchers;
}

/** Prometheus's bucketQuantile: linear interpolation inside the bucket holding the rank. */
export function bucketQuantile(q: number, buckets: Array<{upper: number; count: number}>): number {
	if (Number.isNaN(q)) return Number.NaN;
	if (q < 0) return Number.NEGATIVE_INFINITY;
	if (q > 1) return Number.POSITIVE_INFINITY;
	const sorted = [...buckets].sort((a, b) => a.upper - b.upper);
	if (sorted.length < 2 || sorted.at(-1)!.upper !== Number.POSITIVE_INFINITY) return Number.NaN;
	// Coalesce equal bounds and force counts to be monotonic (they can drift with rate()).
	const merged: Array<{upper: number; count: number}> = [];
	for (const b of sorted) {
		const last = merged.at(-1);
		if (last && last.upper === b.upper) last.count += b.count;
		else merged.push({...b});
	}
	let max = Number.NEGATIVE_INFINITY;
	for (const b of merged) {
		if (b.count > max) max = b.count;
		else b.count = max;
	}
	if (merged.length < 2) return Number.NaN;
	const observations = merged.at(-1)!.count;
	if (observations === 0 || Number.isNaN(observations)) return Number.NaN;
	let rank = q * observations;
	let b = merged.findIndex(x => x.count >= rank);
	if (b === -1) b = merged.length - 1;
	if (b === merged.length - 1) return merged[merged.length - 2]!.upper;
	if (b === 0 && merged[0]!.upper <= 0) return merged[0]!.upper;
	let start = 0;
	const end = merged[b]!.upper;
	let count = merged[b]!.count;
	if (b > 0) {
		start = merged[b - 1]!.upper;
		count -= merged[b - 1]!.count;
		rank -= merged[b - 1]!.count;
	}
	return start + (end - start) * (rank / count);
}

/**
 * Prometheus's extrapolated rate/increase over the samples in [t - range, t].
 * `coveredFrom`: when the window's history starts after t - range, divide by the covered time.
 */
export function extrapolatedRate(samples: readonly Sample[], t: number, rangeMs: number, isRate: boolean, coveredFrom?: number): number | undefined {
	const start = t - rangeMs;
	const inRange = samples.filter(s => !s.stale && s.t >= start && s.t <= t);
	if (inRange.length < 2) return undefined;
	const first = inRange[0]!;
	const last = inRange.at(-1)!;
	let result = last.v - first.v;
	for (let i = 1; i < inRange.length; i++) if (inRange[i]!.v < inRange[i - 1]!.v) result += inRange[i - 1]!.v;
	let durationToStart = (first.t - start) / 1000;
	const durationToEnd = (t - last.t) / 1000;
	const sampled = (last.t - first.t) / 1000;
	const average = sampled / (inRange.length - 1);
	if (result > 0 && first.v >= 0) {
		const durationToZero = sampled * (first.v / result);
		if (durationToZero < durationToStart) durationToStart = durationToZero;
	}
	const threshold = average * 1.1;
	let interval = sampled;
	interval += durationToStart < threshold ? durationToStart : average / 2;
	interval += durationToEnd < threshold ? durationToEnd : average / 2;
	result *= interval / sampled;
	if (!isRate) return result;
	if (coveredFrom !== undefined && coveredFrom > start) return result / interval;
	return result / (rangeMs / 1000);
}

export function irate(samples: readonly Sample[], t: number, rangeMs: number): number | undefined {
	const inRange = samples.filter(s => !s.stale && s.t >= t - rangeMs && s.t <= t);
	if (inRange.length < 2) return undefined;
	const last = inRange.at(-1)!;
	const prev = inRange.at(-2)!;
	const delta = last.v < prev.v ? last.v : last.v - prev.v;
	const seconds = (last.t - prev.t) / 1000;
	return seconds === 0 ? undefined : delta / seconds;
}

/** Label names a `by`/`without`/`on`/`ignoring` clause lists. */
export function groupingLabels(node: SyntaxNode, src: string): string[] {
	const labels = node.getChild('GroupingLabels');
	if (!labels) return [];
	return children(labels).map(n => (n.name === 'QuotedLabelName' ? unquote(src.slice(n.from, n.to)) : src.slice(n.from, n.to)));
}

export function pick(labels: Labels, names: readonly string[]): Labels {
	const out: Labels = {};
	for (const n of names) if (labels[n] !== undefined) out[n] = labels[n]!;
	return out;
}

export function drop(labels: Labels, names: readonly string[]): Labels {
	const out: Labels = {};
	for (const [k, v] of Object.entries(labels)) if (!names.includes(k)) out[k] = v;
	return out;
}

/** A parsed expression: the tree plus its text. */
export interface Parsed {
	root: SyntaxNode;
	src: string;
}

export function parsePromql(promql: string): Parsed {
	const tree = parser.parse(promql);
	let error: SyntaxNode | undefined;
	tree.iterate({
		enter: n => {
			if (!error && n.type.isError) error = n.node;
			return !error;
		},
	});
	if (error) {
		const at = error.from;
		const near = promql.slice(Math.max(0, at - 10), at + 10);
		throw new Error(`cannot parse PromQL at character ${at + 1} (near "${near}"): ${promql}`);
	}
	const root = tree.topNode.firstChild;
	if (!root) throw new Error('empty PromQL expression');
	return {root, src: promql};
}
