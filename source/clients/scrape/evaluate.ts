/**
 * Evaluates the PromQL subset of direct scrape mode (clients/scrape/promql.ts) at one time over the
 * series a scrape window keeps.
 */
import type {InstantSample, Labels} from '../../ports/metrics.js';
import {parseSampleValue} from '../prometheus.js';
import {durationMs} from '../promql-parts.js';
import {binaryOps, bucketQuantile, children, drop, extrapolatedRate, groupingLabels, irate, parsePromql, pick, selectorMatchers, supportedBinary, unsupported, type SyntaxNode} from './promql.js';
import {lookbackMs, withoutName, labelsKey, type Sample, type Series, type Value} from './series.js';

/** Evaluates a parsed expression at time `t` (ms) over the kept series. */
export class Evaluator {
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
