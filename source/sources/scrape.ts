/**
 * Direct scrape mode: the Metrics port without a Prometheus server.
 *
 * Scrapes each service's `scrape:` URL (Prometheus text exposition format) every interval, keeps a
 * bounded window of samples per series (15 minutes by default), and evaluates a small subset of
 * PromQL over that window. Every scraped series gets `job` (the service name) and `instance`
 * (host:port of the URL) labels, as Prometheus would add.
 *
 * SUPPORTED PromQL (anything else is rejected with "direct scrape mode does not support '...';
 * configure prometheus.url"):
 *   - number literals, unary minus, parentheses;
 *   - instant selectors `metric{label="v", label!="v", label=~"re", label!~"re"}`, looking back at
 *     most 5 minutes for the latest sample (a series missing from its target's latest scrape is
 *     stale and gone, as in Prometheus);
 *   - `rate(m[w])`, `irate(m[w])`, `increase(m[w])` on a range selector, with Prometheus's
 *     extrapolation and counter-reset handling;
 *   - `sum`, `avg`, `min`, `max`, `count`, each optionally with `by (...)` or `without (...)`;
 *   - binary `+ - * /` between two such expressions (one-to-one matching on all labels but the
 *     metric name, or `on (...)` / `ignoring (...)`) and with number literals;
 *   - `histogram_quantile(q, <expression over *_bucket series with an le label>)`, typically
 *     `histogram_quantile(0.95, sum by (le) (rate(m_bucket[5m])))`, with Prometheus's bucket interpolation.
 * NOT supported: offset, @, subqueries, comparison and set operators (> == and or unless), bool,
 * group_left/group_right, ^ and %, topk/bottomk/quantile/count_values/stddev/stdvar and every
 * other function.
 * One deliberate difference: just after start, while the window holds less history than a rate()
 * range, rate() divides by the time the samples actually cover instead of the full range, so a
 * fresh cockpit (or `incident-tui status` with two scrapes a second apart) shows the real
 * per-second rate rather than a ramp up from zero. With a full window it equals Prometheus.
 */
import {parser} from '@prometheus-io/lezer-promql';
import {assertOk, httpGet} from '../clients/http.js';
import type {Coverage, InstantSample, Labels, Metrics, RangeSeries, TargetState} from '../ports/metrics.js';
import {ExpositionError, readLine, seriesLabels, type SampleLine} from './exposition.js';
import {startPoller} from './poller.js';
import {parseSampleValue} from './prometheus.js';
import {durationMs, promqlParts, type PromqlParts} from './promql-parts.js';

export interface ScrapeTarget {
	/** Service name: becomes the `job` label. */
	name: string;
	url: string;
	timeoutMs?: number;
	headers?: Record<string, string>;
	ca?: string;
	insecureSkipVerify?: boolean;
}

export interface ScrapeOptions {
	targets: ScrapeTarget[];
	/** Scrape interval (default 5 s). */
	intervalMs?: number;
	/** How much history to keep (default 15 minutes). */
	windowMs?: number;
	/** Bound on the number of series kept (default 20 000); new series beyond it are dropped. */
	maxSeries?: number;
	now?: () => number;
	/** Replaces the HTTP fetch (tests). Resolves with the exposition text. */
	fetchText?: (target: ScrapeTarget, signal: AbortSignal) => Promise<string>;
	onError?: (error: Error) => void;
}

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

interface Sample {
	t: number;
	v: number;
	/** A staleness marker: the series was absent from its target's scrape at `t`. */
	stale?: true;
}

interface Series {
	/** `labelsKey(labels)`: its key in the window. */
	key: string;
	labels: Labels;
	target: string;
	samples: Sample[];
}

type Value = {kind: 'scalar'; value: number} | {kind: 'vector'; samples: InstantSample[]};

const lookbackMs = 5 * 60 * 1000;

export class UnsupportedQueryError extends Error {
	constructor(construct: string) {
		super(`direct scrape mode does not support ${construct}; configure prometheus.url`);
		this.name = 'UnsupportedQueryError';
	}
}

function unsupported(construct: string): never {
	throw new UnsupportedQueryError(construct);
}

/** A canonical key for a label set. */
export function labelsKey(labels: Labels): string {
	return Object.keys(labels)
		.sort()
		.map(k => `${k}=${JSON.stringify(labels[k])}`)
		.join(',');
}

function withoutName(labels: Labels): Labels {
	if (!('__name__' in labels)) return labels;
	const {__name__: _, ...rest} = labels;
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

// ---- PromQL over the window -------------------------------------------------------------------

const binaryOps = new Set(['Pow', 'Mul', 'Div', 'Mod', 'Add', 'Sub', 'Eql', 'Gte', 'Gtr', 'Lte', 'Lss', 'Neq', 'And', 'Or', 'Unless', 'Atan2', 'TrimUpper', 'TrimLower']);
const supportedBinary: Record<string, (a: number, b: number) => number> = {
	Add: (a, b) => a + b,
	Sub: (a, b) => a - b,
	Mul: (a, b) => a * b,
	Div: (a, b) => a / b,
};

function children(node: SyntaxNode): SyntaxNode[] {
	const out: SyntaxNode[] = [];
	for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
	return out;
}

/** Go-style string literal to its value ("..." with escapes, '...', or `raw`). */
function unquote(text: string): string {
	if (text.startsWith('`')) return text.slice(1, -1);
	let body = text.slice(1, -1);
	if (text.startsWith("'")) body = body.replace(/\\'/g, "'").replace(/"/g, '\\"');
	try {
		return JSON.parse(`"${body}"`) as string;
	} catch {
		return body;
	}
}

interface Matcher {
	name: string;
	test: (value: string) => boolean;
}

function matcherFor(name: string, op: string, value: string): Matcher {
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
function selectorMatchers(node: SyntaxNode, src: string): Matcher[] {
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

function irate(samples: readonly Sample[], t: number, rangeMs: number): number | undefined {
	const inRange = samples.filter(s => !s.stale && s.t >= t - rangeMs && s.t <= t);
	if (inRange.length < 2) return undefined;
	const last = inRange.at(-1)!;
	const prev = inRange.at(-2)!;
	const delta = last.v < prev.v ? last.v : last.v - prev.v;
	const seconds = (last.t - prev.t) / 1000;
	return seconds === 0 ? undefined : delta / seconds;
}

/** Label names a `by`/`without`/`on`/`ignoring` clause lists. */
function groupingLabels(node: SyntaxNode, src: string): string[] {
	const labels = node.getChild('GroupingLabels');
	if (!labels) return [];
	return children(labels).map(n => (n.name === 'QuotedLabelName' ? unquote(src.slice(n.from, n.to)) : src.slice(n.from, n.to)));
}

function pick(labels: Labels, names: readonly string[]): Labels {
	const out: Labels = {};
	for (const n of names) if (labels[n] !== undefined) out[n] = labels[n]!;
	return out;
}

function drop(labels: Labels, names: readonly string[]): Labels {
	const out: Labels = {};
	for (const [k, v] of Object.entries(labels)) if (!names.includes(k)) out[k] = v;
	return out;
}

/** A parsed expression: the tree plus its text. */
interface Parsed {
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

/** Evaluates a parsed expression at time `t` (ms) over the kept series. */
class Evaluator {
	constructor(
		private readonly src: string,
		private readonly series: () => Iterable<Series>,
		private readonly coveredFrom: number | undefined,
	) {}

	private text(node: SyntaxNode): string {
		return this.src.slice(node.from, node.to);
	}

	private select(node: SyntaxNode): Series[] {
		const matchers = selectorMatchers(node, this.src);
		const out: Series[] = [];
		for (const s of this.series()) if (matchers.every(m => m.test(s.labels[m.name] ?? ''))) out.push(s);
		return out;
	}

	eval(node: SyntaxNode, t: number): Value {
		switch (node.name) {
			case 'NumberDurationLiteral': {
				const value = parseSampleValue(this.text(node).replace(/^inf$/i, '+Inf').replace(/^nan$/i, 'NaN'));
				if (Number.isNaN(value) && !/^nan$/i.test(this.text(node))) unsupported(`the literal '${this.text(node)}'`);
				return {kind: 'scalar', value};
			}
			case 'ParenExpr':
				return this.eval(node.firstChild ?? unsupported('empty parentheses'), t);
			case 'UnaryExpr': {
				const op = node.getChild('UnaryOp');
				const operand = children(node).find(c => c.name !== 'UnaryOp');
				if (!operand) unsupported(`'${this.text(node)}'`);
				const value = this.eval(operand, t);
				if (!op || this.text(op) === '+') return value;
				if (value.kind === 'scalar') return {kind: 'scalar', value: -value.value};
				return {kind: 'vector', samples: value.samples.map(s => ({labels: withoutName(s.labels), value: -s.value}))};
			}
			case 'VectorSelector': {
				const samples: InstantSample[] = [];
				for (const s of this.select(node)) {
					const latest = latestAt(s.samples, t);
					if (latest && !latest.stale && latest.t >= t - lookbackMs) samples.push({labels: s.labels, value: latest.v});
				}
				return {kind: 'vector', samples};
			}
			case 'FunctionCall':
				return this.call(node, t);
			case 'AggregateExpr':
				return this.aggregate(node, t);
			case 'BinaryExpr':
				return this.binary(node, t);
			case 'MatrixSelector':
				return unsupported(`a bare range selector '${this.text(node)}' (wrap it in rate(), irate() or increase())`);
			case 'OffsetExpr':
				return unsupported("'offset'");
			case 'SubqueryExpr':
				return unsupported('subqueries');
			case 'StepInvariantExpr':
				return unsupported("the '@' modifier");
			case 'StringLiteral':
				return unsupported('string literals');
			default:
				return unsupported(`'${this.text(node)}'`);
		}
	}

	private call(node: SyntaxNode, t: number): Value {
		const name = this.text(node.getChild('FunctionIdentifier') ?? node);
		const args = children(node.getChild('FunctionCallBody') ?? node);
		switch (name) {
			case 'rate':
			case 'irate':
			case 'increase': {
				const arg = args[0];
				if (args.length !== 1 || !arg) throw new Error(`${name}() takes one range selector`);
				if (arg.name !== 'MatrixSelector') {
					if (arg.name === 'SubqueryExpr') unsupported('subqueries');
					if (arg.name === 'OffsetExpr') unsupported("'offset'");
					throw new Error(`${name}() needs a range selector like metric[5m], got '${this.text(arg)}'`);
				}
				const selector = arg.getChild('VectorSelector');
				const duration = arg.getChild('DurationExpr');
				if (!selector || !duration) unsupported(`the range '${this.text(arg)}'`);
				const rangeMs = durationMs(this.text(duration));
				const samples: InstantSample[] = [];
				for (const s of this.select(selector)) {
					const value =
						name === 'irate'
							? irate(s.samples, t, rangeMs)
							: extrapolatedRate(s.samples, t, rangeMs, name === 'rate', name === 'rate' ? this.coveredFrom : undefined);
					if (value !== undefined) samples.push({labels: withoutName(s.labels), value});
				}
				return {kind: 'vector', samples};
			}
			case 'histogram_quantile': {
				if (args.length !== 2) throw new Error('histogram_quantile() takes two arguments');
				const q = this.eval(args[0]!, t);
				if (q.kind !== 'scalar') throw new Error('histogram_quantile(): the first argument must be a number');
				const v = this.eval(args[1]!, t);
				if (v.kind !== 'vector') throw new Error('histogram_quantile(): the second argument must be a vector of buckets');
				const groups = new Map<string, {labels: Labels; buckets: Array<{upper: number; count: number}>}>();
				for (const s of v.samples) {
					const le = s.labels.le;
					if (le === undefined) continue;
					const labels = drop(s.labels, ['le', '__name__']);
					const key = labelsKey(labels);
					let group = groups.get(key);
					if (!group) groups.set(key, (group = {labels, buckets: []}));
					group.buckets.push({upper: parseSampleValue(le), count: s.value});
				}
				return {kind: 'vector', samples: [...groups.values()].map(g => ({labels: g.labels, value: bucketQuantile(q.value, g.buckets)}))};
			}
			default:
				return unsupported(`'${name}'`);
		}
	}

	private aggregate(node: SyntaxNode, t: number): Value {
		const op = this.text(node.getChild('AggregateOp') ?? node);
		if (!['sum', 'avg', 'min', 'max', 'count'].includes(op)) unsupported(`'${op}'`);
		const modifier = node.getChild('AggregateModifier');
		const by = modifier?.getChild('By') ? groupingLabels(modifier, this.src) : undefined;
		const without = modifier?.getChild('Without') ? groupingLabels(modifier, this.src) : undefined;
		const args = children(node.getChild('FunctionCallBody') ?? node);
		if (args.length !== 1) throw new Error(`${op}() takes one expression`);
		const inner = this.eval(args[0]!, t);
		if (inner.kind !== 'vector') throw new Error(`${op}() needs a vector, got a number`);
		const groups = new Map<string, {labels: Labels; values: number[]}>();
		for (const s of inner.samples) {
			const labels = by ? pick(s.labels, by) : without ? drop(s.labels, [...without, '__name__']) : {};
			const key = labelsKey(labels);
			let group = groups.get(key);
			if (!group) groups.set(key, (group = {labels, values: []}));
			group.values.push(s.value);
		}
		const reduce = (values: number[]): number => {
			switch (op) {
				case 'sum':
					return values.reduce((a, b) => a + b, 0);
				case 'avg':
					return values.reduce((a, b) => a + b, 0) / values.length;
				case 'count':
					return values.length;
				case 'min':
				case 'max': {
					const finite = values.filter(v => !Number.isNaN(v));
					if (finite.length === 0) return Number.NaN;
					return op === 'min' ? Math.min(...finite) : Math.max(...finite);
				}
				default:
					return unsupported(`'${op}'`);
			}
		};
		return {kind: 'vector', samples: [...groups.values()].map(g => ({labels: g.labels, value: reduce(g.values)}))};
	}

	private binary(node: SyntaxNode, t: number): Value {
		const parts = children(node);
		const opNode = parts.find(p => binaryOps.has(p.name));
		if (!opNode) unsupported(`'${this.text(node)}'`);
		const fn = supportedBinary[opNode.name];
		if (!fn) unsupported(`the '${this.text(opNode)}' operator`);
		if (parts.some(p => p.name === 'BoolModifier')) unsupported("'bool'");
		const matching = parts.find(p => p.name === 'MatchingModifierClause');
		if (matching && (matching.getChild('GroupLeft') || matching.getChild('GroupRight'))) unsupported('group_left/group_right');
		if (parts.some(p => p.name === 'FillModifier')) unsupported("'fill'");
		const operands = parts.filter(p => p !== opNode && p !== matching && !binaryOps.has(p.name));
		if (operands.length !== 2) unsupported(`'${this.text(node)}'`);
		const lhs = this.eval(operands[0]!, t);
		const rhs = this.eval(operands[1]!, t);
		if (lhs.kind === 'scalar' && rhs.kind === 'scalar') return {kind: 'scalar', value: fn(lhs.value, rhs.value)};
		if (lhs.kind === 'vector' && rhs.kind === 'scalar') return {kind: 'vector', samples: lhs.samples.map(s => ({labels: withoutName(s.labels), value: fn(s.value, rhs.value)}))};
		if (lhs.kind === 'scalar' && rhs.kind === 'vector') return {kind: 'vector', samples: rhs.samples.map(s => ({labels: withoutName(s.labels), value: fn(lhs.value, s.value)}))};
		if (lhs.kind !== 'vector' || rhs.kind !== 'vector') throw new Error('unreachable');
		const on = matching?.getChild('On') ? groupingLabels(matching, this.src) : undefined;
		const ignoring = matching?.getChild('Ignoring') ? groupingLabels(matching, this.src) : [];
		const signature = (labels: Labels) => labelsKey(on ? pick(labels, on) : drop(labels, ['__name__', ...ignoring]));
		const right = new Map<string, InstantSample>();
		for (const s of rhs.samples) {
			const key = signature(s.labels);
			if (right.has(key)) throw new Error(`many-to-many matching: several series on the right side of '${this.text(opNode)}' share the labels {${key}}; aggregate them first`);
			right.set(key, s);
		}
		const out: InstantSample[] = [];
		const seen = new Set<string>();
		for (const s of lhs.samples) {
			const key = signature(s.labels);
			const match = right.get(key);
			if (!match) continue;
			if (seen.has(key)) throw new Error(`many-to-many matching: several series on the left side of '${this.text(opNode)}' share the labels {${key}}; aggregate them first`);
			seen.add(key);
			const labels = on ? pick(s.labels, on) : drop(s.labels, ['__name__', ...ignoring]);
			out.push({labels, value: fn(s.value, match.value)});
		}
		return {kind: 'vector', samples: out};
	}
}

function latestAt(samples: readonly Sample[], t: number): Sample | undefined {
	for (let i = samples.length - 1; i >= 0; i--) if (samples[i]!.t <= t) return samples[i];
	return undefined;
}

/** Checks that an expression is in the supported subset, without data. Throws like a query would. */
export function validateScrapeQuery(promql: string): void {
	const parsed = parsePromql(promql);
	new Evaluator(parsed.src, () => [], undefined).eval(parsed.root, 0);
}

// ---- The scraper ------------------------------------------------------------------------------

/** A target between scrapes: its state, and the series of its latest good scrape. */
interface TargetRecord {
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
const sliceMs = 8;

function nextTurn(): Promise<void> {
	return new Promise(resolve => setImmediate(resolve));
}

function instanceOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

/**
 * One scrape's body read into the window, a slice at a time: nothing changes in the window until
 * `commit`, so a scrape cut short (its deadline, the cockpit stopping) leaves no half of itself.
 */
class ScrapeRead {
	private pos = 0;
	/** Lines read so far. */
	lines = 0;
	// This scrape's samples, in the order read, as three lists (one object a sample was most of the garbage).
	private readonly read: Series[] = [];
	private readonly times: number[] = [];
	private readonly values: number[] = [];
	/** This scrape's series by their text (the record's next `byText`). */
	readonly byText = new Map<string, Series>();
	/** Series this scrape brings that the window does not have yet, by key. */
	readonly fresh = new Map<string, Series>();
	dropped = 0;

	constructor(
		private readonly record: TargetRecord,
		private readonly text: string,
		private readonly atMs: number,
		private readonly window: ReadonlyMap<string, Series>,
		private readonly maxSeries: number,
	) {}

	/** Reads lines for about `budgetMs`; true once the whole body is read. */
	step(budgetMs: number): boolean {
		const until = performance.now() + budgetMs;
		const text = this.text;
		while (this.pos < text.length) {
			let end = text.indexOf('\n', this.pos);
			if (end < 0) end = text.length;
			const raw = text.slice(this.pos, end);
			this.pos = end + 1;
			this.lines++;
			try {
				const sample = readLine(raw);
				const series = sample && this.seriesFor(sample);
				if (series) {
					this.read.push(series);
					this.times.push(sample.timestampMs ?? this.atMs);
					this.values.push(sample.value);
				}
			} catch (error) {
				if (!(error instanceof ExpositionError)) throw error;
				throw new ExpositionError(`not the Prometheus text format: line ${this.lines}: ${error.message}`);
			}
			if ((this.lines & 511) === 0 && performance.now() >= until) return this.pos >= text.length;
		}
		return true;
	}

	private seriesFor(sample: SampleLine): Series | undefined {
		const known = this.byText.get(sample.series) ?? this.record.byText.get(sample.series);
		if (known) {
			this.byText.set(sample.series, known);
			return known;
		}
		// A series new to this target. Past the limit it is counted, not read: reading the labels of
		// 400 000 lines a scrape only to drop them is what froze the screen.
		if (this.window.size + this.fresh.size >= this.maxSeries) {
			this.dropped++;
			return undefined;
		}
		const labels = seriesLabels(sample);
		labels.job ??= this.record.target.name;
		labels.instance ??= this.record.instance;
		const key = labelsKey(labels);
		let series = this.window.get(key) ?? this.fresh.get(key);
		if (!series) {
			series = {key, labels, target: this.record.target.name, samples: []};
			this.fresh.set(key, series);
		}
		this.byText.set(sample.series, series);
		return series;
	}

	/** The samples, in the order read, for the window. */
	each(fn: (series: Series, t: number, v: number) => void): void {
		for (let i = 0; i < this.read.length; i++) fn(this.read[i]!, this.times[i]!, this.values[i]!);
	}
}

export class ScrapeMetrics implements Metrics {
	readonly local = true;
	/** Every series in the window, by key. */
	private readonly series = new Map<string, Series>();
	private readonly records = new Map<string, TargetRecord>();
	private readonly parsed = new Map<string, Parsed>();
	private readonly parts = new Map<string, PromqlParts | null>();
	/** When the window's history starts: the first good scrape, or the window's far end once it is full. */
	private firstScrapeAt: number | undefined;
	/** Scrape rounds started, and whether one has finished (not cut short by the scrapes stopping). */
	private rounds = 0;
	private answered = false;
	private readonly firstAnswer: {promise: Promise<void>; resolve: () => void};
	readonly intervalMs: number;
	readonly windowMs: number;
	readonly maxSeries: number;
	private readonly now: () => number;

	constructor(readonly options: ScrapeOptions) {
		this.intervalMs = options.intervalMs ?? 5000;
		this.windowMs = options.windowMs ?? 15 * 60 * 1000;
		this.maxSeries = options.maxSeries ?? 20_000;
		this.now = options.now ?? Date.now;
		let resolve!: () => void;
		this.firstAnswer = {promise: new Promise<void>(r => (resolve = r)), resolve};
		for (const target of options.targets) this.record(target);
	}

	private record(target: Pick<ScrapeTarget, 'name' | 'url' | 'timeoutMs'>): TargetRecord {
		let record = this.records.get(target.name);
		if (!record) this.records.set(target.name, (record = {target, instance: instanceOf(target.url), health: 'unknown', byText: new Map(), dropped: 0}));
		return record;
	}

	/**
	 * Scrapes every interval until the signal aborts or the returned function is called. A failed
	 * scrape is tried again at the next interval, as Prometheus does, never later: a target that
	 * comes back is seen at the next scrape (its failure is its state, see `targets`).
	 */
	start(signal: AbortSignal): () => void {
		return startPoller({
			name: 'scrape',
			intervalMs: this.intervalMs,
			maxBackoffMs: this.intervalMs,
			signal,
			run: s => this.scrapeOnce(s),
			onError: error => this.options.onError?.(error),
		});
	}

	/**
	 * Scrapes all targets once. Rejects when every target failed. A scrape cut short by `signal`
	 * (the scrapes stopping, or restarting with the sources) changes no target's state.
	 */
	async scrapeOnce(signal: AbortSignal): Promise<void> {
		this.rounds++;
		const results = await Promise.allSettled([...this.records.values()].map(record => this.scrapeTarget(record, signal)));
		if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('scrape stopped');
		this.answered = true;
		this.firstAnswer.resolve();
		const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
		if (failures.length > 0 && failures.length === results.length) throw new Error(failures.map(f => (f.reason as Error).message).join('; '));
	}

	private async scrapeTarget(record: TargetRecord, signal: AbortSignal): Promise<void> {
		const at = this.now();
		const started = performance.now();
		const timeoutMs = record.target.timeoutMs ?? 5000;
		try {
			const target = this.options.targets.find(t => t.name === record.target.name) ?? {...record.target};
			const text = this.options.fetchText ? await this.options.fetchText(target, signal) : await fetchExposition(target, signal);
			const read = new ScrapeRead(record, text, at, this.series, this.maxSeries);
			while (!read.step(sliceMs)) {
				if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('scrape stopped');
				// The scrape's deadline covers reading the body too, as Prometheus's scrape_timeout does.
				if (performance.now() - started > timeoutMs) {
					throw new Error(`took longer than its ${timeoutMs} ms deadline: ${read.lines} lines of its ${Math.round(text.length / 1024)} KiB body read`);
				}
				await nextTurn();
			}
			if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('scrape stopped');
			this.commit(record, read, at);
		} catch (error) {
			if (signal.aborted) {
				record.cutShort = `cut short before its scrape finished (${(error as Error).message})`;
				throw error;
			}
			this.failed(record, (error as Error).message, at);
			throw new Error(this.failureText(record));
		}
	}

	/** Adds one scrape's exposition text for `target`, taken at `atMs` (all at once: tests and small bodies). */
	ingest(target: Pick<ScrapeTarget, 'name' | 'url'>, text: string, atMs: number = this.now()): void {
		const record = this.record(target);
		const read = new ScrapeRead(record, text, atMs, this.series, this.maxSeries);
		try {
			read.step(Number.POSITIVE_INFINITY);
		} catch (error) {
			throw new ExpositionError(`${target.name} (${target.url}): ${(error as Error).message}`);
		}
		this.commit(record, read, atMs);
		this.answered = true;
		this.firstAnswer.resolve();
	}

	private commit(record: TargetRecord, read: ScrapeRead, atMs: number): void {
		for (const [key, series] of read.fresh) this.series.set(key, series);
		read.each((series, t, v) => {
			const last = series.samples.at(-1);
			if (last && last.t >= t) return;
			series.samples.push({t, v});
			// A series trimmed from the window while its target still sends it comes back.
			if (!this.series.has(series.key) && this.series.size < this.maxSeries) this.series.set(series.key, series);
		});
		const current = new Set(read.byText.values());
		// Series that vanished from this target get a staleness marker, as in Prometheus.
		for (const series of record.byText.values()) if (!current.has(series)) markStale(series, atMs);
		record.byText = read.byText;
		record.dropped = read.dropped;
		record.health = 'up';
		record.error = undefined;
		record.cutShort = undefined;
		record.downSince = undefined;
		record.lastOkAt = atMs;
		this.firstScrapeAt ??= atMs;
		this.trim(atMs);
	}

	/** A failed scrape: the target is down, and its series are stale from now on, as in Prometheus. */
	private failed(record: TargetRecord, error: string, atMs: number): void {
		record.health = 'down';
		record.error = error;
		record.cutShort = undefined;
		record.downSince ??= atMs;
		for (const series of record.byText.values()) markStale(series, atMs);
	}

	private failureText(record: TargetRecord): string {
		return `scrape of ${record.target.name} (${record.target.url}) failed: ${record.error ?? 'unknown error'}`;
	}

	/** Drops samples older than the window, and series left empty. */
	private trim(nowMs: number): void {
		const oldest = nowMs - this.windowMs;
		for (const [key, series] of this.series) {
			let cut = 0;
			while (cut < series.samples.length && series.samples[cut]!.t < oldest) cut++;
			if (cut > 0) series.samples.splice(0, cut);
			if (series.samples.length === 0 || (series.samples.length === 1 && series.samples[0]!.stale)) this.series.delete(key);
		}
		if (this.firstScrapeAt !== undefined && this.firstScrapeAt < oldest) this.firstScrapeAt = oldest;
	}

	/**
	 * Errors of targets whose latest scrape failed, and of those never scraped whose scrape was cut
	 * short (`status` stops at its deadline: a target that had not answered by then is not fine).
	 */
	targetErrors(): string[] {
		return [...this.records.values()].flatMap(record => {
			if (record.health === 'down') return [this.failureText(record)];
			if (record.health === 'unknown' && record.cutShort) return [`scrape of ${record.target.name} (${record.target.url}) failed: ${record.cutShort}`];
			return [];
		});
	}

	/** Each target's state: up, down (since when, why), or not scraped yet; with what its last scrape left out. */
	targetStates(): TargetState[] {
		return [...this.records.values()].map(record => this.stateOf(record));
	}

	private stateOf(record: TargetRecord): TargetState {
		const state: TargetState = {job: record.target.name, instance: record.instance, health: record.health};
		if (record.health === 'unknown') state.error = 'not scraped yet';
		if (record.error) state.error = record.error;
		if (record.downSince !== undefined) state.downSince = record.downSince;
		if (record.lastOkAt !== undefined) state.lastOkAt = record.lastOkAt;
		if (record.dropped > 0) state.warning = `dropped ${record.dropped} series (limit ${this.maxSeries})`;
		return state;
	}

	/**
	 * For each query, the targets whose series it selects: those whose series in their latest good
	 * scrape match one of its selectors, and those with no good scrape yet that its `job` and
	 * `instance` matchers do not rule out (what they would send is not known).
	 */
	async targets(promqls: readonly string[]): Promise<TargetState[][]> {
		return promqls.map(promql => {
			let selectors: Matcher[][];
			try {
				selectors = this.selectorsOf(promql);
			} catch {
				return [];
			}
			return [...this.records.values()].filter(record => selectors.some(matchers => selects(record, matchers))).map(record => this.stateOf(record));
		});
	}

	private selectorsOf(promql: string): Matcher[][] {
		const parsed = this.parse(promql);
		const out: Matcher[][] = [];
		const walk = (node: SyntaxNode) => {
			if (node.name === 'VectorSelector') out.push(selectorMatchers(node, parsed.src));
			for (const child of children(node)) walk(child);
		};
		walk(parsed.root);
		return out;
	}

	/**
	 * While the window holds less history than the query's longest range (just after start), how
	 * much it holds: its rates are then over that time, not over the whole range.
	 */
	coverage(promql: string): Coverage | undefined {
		let parts = this.parts.get(promql);
		if (parts === undefined) {
			parts = promqlParts(promql);
			if (this.parts.size > 500) this.parts.clear();
			this.parts.set(promql, parts);
		}
		if (!parts || parts.longestRangeMs === 0 || this.firstScrapeAt === undefined) return undefined;
		const coveredMs = Math.max(0, this.now() - this.firstScrapeAt);
		if (coveredMs >= parts.longestRangeMs) return undefined;
		return {coveredMs, rangeMs: parts.longestRangeMs, ...(this.windowMs < parts.longestRangeMs ? {capped: true as const} : {})};
	}

	get seriesCount(): number {
		return this.series.size;
	}

	private parse(promql: string): Parsed {
		let parsed = this.parsed.get(promql);
		if (!parsed) {
			parsed = parsePromql(promql);
			if (this.parsed.size > 500) this.parsed.clear();
			this.parsed.set(promql, parsed);
		}
		return parsed;
	}

	private evaluate(promql: string, t: number): Value {
		const parsed = this.parse(promql);
		return new Evaluator(parsed.src, () => this.series.values(), this.firstScrapeAt).eval(parsed.root, t);
	}

	/**
	 * Waits for the first round of scrapes to finish (queries made at start are answered, not failed
	 * with "no data yet"); fails when no target answers, so the caller shows why instead of an empty pane.
	 */
	private async ready(signal?: AbortSignal): Promise<void> {
		if (!this.answered) {
			if (this.rounds === 0) throw new Error('no scrape has completed yet');
			await untilAnswered(this.firstAnswer.promise, signal);
		}
		const records = [...this.records.values()];
		if (records.length > 0 && !records.some(r => r.health === 'up')) throw new Error(this.targetErrors().join('; ') || 'no scrape target has answered yet');
	}

	async instant(promql: string, signal?: AbortSignal, timeSec?: number): Promise<InstantSample[]> {
		const parsed = this.parse(promql);
		await this.ready(signal);
		const t = timeSec === undefined ? this.now() : timeSec * 1000;
		const value = new Evaluator(parsed.src, () => this.series.values(), this.firstScrapeAt).eval(parsed.root, t);
		return value.kind === 'scalar' ? [{labels: {}, value: value.value}] : value.samples;
	}

	/** Evaluates at each step; steps before the window's history yield nothing. */
	async range(promql: string, startSec: number, endSec: number, stepSec: number, signal?: AbortSignal): Promise<RangeSeries[]> {
		this.parse(promql);
		await this.ready(signal);
		if (stepSec <= 0) throw new Error('range query step must be positive');
		const stepMs = stepSec * 1000;
		let start = startSec * 1000;
		const end = endSec * 1000;
		const firstSample = this.firstScrapeAt ?? end;
		if (start < firstSample) start += Math.ceil((firstSample - start) / stepMs) * stepMs;
		if ((end - start) / stepMs > 11_000) throw new Error('range query has more than 11000 steps; raise the step');
		const out = new Map<string, RangeSeries>();
		for (let t = start; t <= end; t += stepMs) {
			const value = this.evaluate(promql, t);
			const samples = value.kind === 'scalar' ? [{labels: {}, value: value.value}] : value.samples;
			for (const s of samples) {
				const key = labelsKey(s.labels);
				let series = out.get(key);
				if (!series) out.set(key, (series = {labels: s.labels, points: []}));
				series.points.push([t / 1000, s.value]);
			}
		}
		return [...out.values()];
	}
}

function markStale(series: Series, atMs: number): void {
	const last = series.samples.at(-1);
	if (last && (last.stale || last.t >= atMs)) return;
	series.samples.push({t: atMs, v: Number.NaN, stale: true});
}

/** Whether a selector (its matchers) reads from `record`: see ScrapeMetrics.targets. */
function selects(record: TargetRecord, matchers: readonly Matcher[]): boolean {
	const identity: Labels = {job: record.target.name, instance: record.instance};
	if (!matchers.every(m => (m.name === 'job' || m.name === 'instance' ? m.test(identity[m.name]!) : true))) return false;
	if (record.byText.size === 0) return record.health !== 'up';
	for (const series of record.byText.values()) if (matchers.every(m => m.test(series.labels[m.name] ?? ''))) return true;
	return false;
}

/** Resolves when `answered` does; rejects when `signal` aborts first. */
function untilAnswered(answered: Promise<void>, signal?: AbortSignal): Promise<void> {
	if (!signal) return answered;
	if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('query cancelled'));
	return new Promise((resolve, reject) => {
		const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('query cancelled'));
		signal.addEventListener('abort', onAbort, {once: true});
		void answered.then(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		});
	});
}

async function fetchExposition(target: ScrapeTarget, signal: AbortSignal): Promise<string> {
	const res = assertOk(
		await httpGet(target.url, {
			timeoutMs: target.timeoutMs ?? 5000,
			signal,
			// Ask for the text format, not OpenMetrics or protobuf.
			headers: {accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1', ...target.headers},
			// Scraped every refresh, as Prometheus does, over a kept connection.
			keepAlive: true,
			...(target.ca ? {ca: target.ca} : {}),
			insecureSkipVerify: target.insecureSkipVerify ?? false,
		}),
		target.url,
	);
	const type = res.contentType ?? '';
	if (/text\/html/i.test(type)) throw new Error(`got an HTML page, not metrics; is ${target.url} the /metrics URL?`);
	if (/[/+]json/i.test(type)) throw new Error(`got JSON (${type.split(';')[0]}), not metrics; is ${target.url} the /metrics URL?`);
	return res.body;
}

/** Scrape targets from the services with a `scrape:` URL. */
export function scrapeTargets(services: ReadonlyArray<{name: string; scrape?: string; timeoutMs?: number; headers?: Record<string, string>; ca?: string; insecureSkipVerify?: boolean}>): ScrapeTarget[] {
	return services.flatMap(s => {
		if (!s.scrape) return [];
		const target: ScrapeTarget = {name: s.name, url: s.scrape, insecureSkipVerify: s.insecureSkipVerify ?? false};
		if (s.timeoutMs !== undefined) target.timeoutMs = s.timeoutMs;
		if (s.headers) target.headers = s.headers;
		if (s.ca) target.ca = s.ca;
		return [target];
	});
}
