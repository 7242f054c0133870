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
import {assertOk, CaFiles, httpGet} from '../http.js';
import type {Coverage, InstantSample, Labels, Metrics, RangeSeries, TargetState} from '../../ports/metrics.js';
import {startPoller} from '../poller.js';
import {promqlParts, type PromqlParts} from '../promql-parts.js';
import {Evaluator} from './evaluate.js';
import {ExpositionError} from './exposition.js';
import {children, parsePromql, selectorMatchers, type Matcher, type Parsed, type SyntaxNode} from './promql.js';
import {ScrapeRead} from './read.js';
import {instanceOf, labelsKey, nextTurn, sliceMs, type ScrapeTarget, type Series, type TargetRecord, type Value} from './series.js';

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
	/** The targets' CA files, read once by this backend (the session's), not by the module. */
	readonly #caFiles = new CaFiles();

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
			const text = this.options.fetchText ? await this.options.fetchText(target, signal) : await fetchExposition(target, signal, this.#caFiles);
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
	targets(promqls: readonly string[]): Promise<TargetState[][]> {
		// Read from the scrapes already made: nothing to wait for.
		return Promise.resolve(promqls.map(promql => {
			let selectors: Matcher[][];
			try {
				selectors = this.selectorsOf(promql);
			} catch {
				return [];
			}
			return [...this.records.values()].filter(record => selectors.some(matchers => selects(record, matchers))).map(record => this.stateOf(record));
		}));
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
		// `answered` only resolves (ScrapeMetrics.firstAnswer): nothing to catch.
		void answered.then(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		});
	});
}

/** The target's exposition text; its CA file read once per backend (`caFiles`, the session's). */
async function fetchExposition(target: ScrapeTarget, signal: AbortSignal, caFiles: CaFiles): Promise<string> {
	const res = assertOk(
		await httpGet(target.url, {
			timeoutMs: target.timeoutMs ?? 5000,
			signal,
			// Ask for the text format, not OpenMetrics or protobuf.
			headers: {accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1', ...target.headers},
			// Scraped every refresh, as Prometheus does, over a kept connection.
			keepAlive: true,
			...(target.ca ? {ca: target.ca, caFiles} : {}),
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
