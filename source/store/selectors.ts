import type {DeploymentInfo, PodInfo} from '../ports/cluster.js';
import type {Runbook, RunbookStep} from '../runbook/model.js';
import type {Coverage, TargetState} from '../ports/metrics.js';
import {formatClock, formatSpan, formatValue, sparkline, toneFor, worstTone, type Tone} from '../text/format.js';
import {statusTone} from '../sources/health.js';
import type {DependencyRow, HealthRow, IncidentState, MetricRow, StepTick} from './types.js';
import {byName} from './cluster-data.js';

/**
 * Selectors: store state -> the rows each pane shows. Rows are built once per data change (memoized
 * on the identity of their inputs), never per frame, and pod rows are cached per PodInfo object so
 * a change to one pod out of 10,000 reformats one row.
 */

export interface Cell {
	text: string;
	tone?: Tone;
	/** Fixed column width; the last cell without width takes the rest. */
	width?: number;
	align?: 'left' | 'right';
	bold?: boolean;
	/**
	 * Shows what the screen clock makes of the row, computed at render for visible rows only: its
	 * age (from `createdAt`) or the time left (to `countdownTo`).
	 */
	clock?: boolean;
}

export type RowRef =
	| {kind: 'health'; service: string; deployment?: string}
	| {kind: 'metric'; id: string}
	| {kind: 'deployment'; name: string}
	| {kind: 'pod'; name: string; deployment?: string}
	| {kind: 'section'; title: string}
	| {kind: 'step'; id: string}
	| {kind: 'event'; id: string};

export interface Row {
	key: string;
	cells: Cell[];
	tone: Tone;
	ref: RowRef;
	/** Pod creation time; the pane renders its age only for visible rows. */
	createdAt?: string;
	/** When a held done-when condition will tick the step (ms since the epoch); the pane counts down to it. */
	countdownTo?: number;
	/** Text searched by `/` filters. */
	search: string;
	/** A section title (a runbook's "Triage"): shown, never selected (see selection.ts). */
	heading?: boolean;
}

/** Remembers the last result: recomputes only when an argument is a different object. */
export function memo<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
	let lastArgs: A | undefined;
	let last: R;
	return (...args: A) => {
		if (lastArgs && lastArgs.length === args.length && lastArgs.every((a, i) => Object.is(a, args[i]))) return last;
		lastArgs = args;
		last = fn(...args);
		return last;
	};
}

export function applyFilter(rows: readonly Row[], filter: string): readonly Row[] {
	const needle = filter.trim().toLowerCase();
	if (!needle) return rows;
	return rows.filter(row => row.search.includes(needle));
}

// ---- Health ----------------------------------------------------------------------------------

/** Why an answering service is not plainly healthy: a degraded dependency, or its own latency. */
function healthVerdict(service: HealthRow): string {
	if (service.tone === 'ok') return 'healthy';
	const bad = service.dependencies.filter(d => d.tone !== 'ok').map(d => d.name);
	return bad.length > 0 ? `degraded: ${bad.join(', ')}` : 'slow';
}

/** The ISO time of epoch ms, for a row's clock cell (its age, drawn by the screen's clock). */
function isoOf(ms: number): string {
	return new Date(ms).toISOString();
}

/** What a dependency's row says after its latency: its status word, and why it is graded worse ("slow: 800 ms"). */
function dependencyStatus(dep: DependencyRow): string {
	return dep.detail && statusTone(dep.status) === 'ok' ? `${dep.status}, ${dep.detail}` : dep.status;
}

function dependencyRow(service: HealthRow, dep: DependencyRow, ref: RowRef): Row {
	const key = `h:${service.name}:${dep.name}`;
	const search = `${service.name} ${dep.name} ${dep.status}`.toLowerCase();
	const latency = dep.latencyMs === undefined ? '' : formatValue(dep.latencyMs, 'ms');
	if (dep.stale) {
		// Kept from the last answer: "stale 45s" (its age, on the screen's clock), and what it said then.
		return {
			key,
			tone: 'muted',
			ref,
			search: `${search} stale`,
			...(dep.checkedAt === undefined ? {} : {createdAt: isoOf(dep.checkedAt)}),
			cells: [
				{text: `└ ${dep.name}`, width: 14},
				{text: '', width: 4},
				{text: 'stale', width: 8, align: 'right', tone: 'warn'},
				{text: '', width: 7, clock: true},
				{text: `was ${dep.status}${latency ? `, ${latency}` : ''}`, tone: 'muted'},
			],
		};
	}
	return {
		key,
		tone: dep.tone,
		ref,
		search,
		cells: [
			{text: `└ ${dep.name}`, width: 14},
			{text: '', width: 4},
			{text: latency, width: 8, align: 'right', tone: dep.tone},
			{text: dependencyStatus(dep), tone: dep.tone},
		],
	};
}

function serviceRow(service: HealthRow, ref: RowRef): Row {
	const base = {key: `h:${service.name}`, tone: service.tone, ref, search: `${service.name} ${service.url} ${service.detail ?? ''}`.toLowerCase()};
	const name: Cell = {text: service.name, width: 14, bold: true};
	const code: Cell = {text: service.status ? String(service.status) : '---', width: 4, tone: service.ok ? 'ok' : 'crit'};
	if (service.status === undefined && service.lastAnswerAt !== undefined) {
		// No answer now: how long since the last one, on the screen's clock, then why.
		return {
			...base,
			createdAt: isoOf(service.lastAnswerAt),
			cells: [name, code, {text: 'stale', width: 8, align: 'right', tone: 'warn'}, {text: '', width: 7, clock: true}, {text: service.detail ?? 'no answer', tone: 'crit'}],
		};
	}
	const latency = service.latencyMs === undefined ? '' : formatValue(service.latencyMs, 'ms');
	return {
		...base,
		cells: [name, code, {text: latency, width: 8, align: 'right', tone: service.tone}, {text: service.ok ? healthVerdict(service) : (service.detail ?? 'unhealthy'), tone: service.ok ? service.tone : 'crit'}],
	};
}

function buildHealthRows(health: readonly HealthRow[]): Row[] {
	const rows: Row[] = [];
	for (const service of health) {
		const ref: RowRef = service.deployment ? {kind: 'health', service: service.name, deployment: service.deployment} : {kind: 'health', service: service.name};
		rows.push(serviceRow(service, ref));
		for (const dep of service.dependencies) rows.push(dependencyRow(service, dep, ref));
	}
	return rows;
}

export const selectHealthRows = memo(buildHealthRows);

// ---- Metrics ---------------------------------------------------------------------------------

export function thresholdText(metric: Pick<MetricRow, 'warn' | 'critical' | 'unit' | 'direction'>): string {
	const parts: string[] = [];
	const op = metric.direction === 'below' ? '≤' : '≥';
	if (metric.warn !== undefined) parts.push(`warn${op}${formatValue(metric.warn, metric.unit)}`);
	if (metric.critical !== undefined) parts.push(`crit${op}${formatValue(metric.critical, metric.unit)}`);
	return parts.join(' ');
}

/** What a query's sparklines are drawn against: its first threshold when it alarms going up (see sparkline). */
export function sparklineCeiling(metric: Pick<MetricRow, 'direction' | 'warn' | 'critical'>): number | undefined {
	return metric.direction === 'below' ? undefined : (metric.warn ?? metric.critical);
}

/** A target in a few words: "app 127.0.0.1:9100 down since 03:04:05", "web dropped 430000 series (limit 20000)". */
export function targetText(target: TargetState): string {
	const name = target.instance ? `${target.job} ${target.instance}` : `job ${target.job}`;
	if (target.health === 'down') return `${name} down${target.downSince === undefined ? '' : ` since ${formatClock(target.downSince)}`}`;
	if (target.health === 'unknown') return `${name} ${target.error ?? 'state unknown'}`;
	return `${name} ${target.warning ?? 'up'}`;
}

/** "warming up (30 s of a 5 m window)": a query whose values cover part of its range. */
export function partialText(partial: Coverage): string {
	return partial.capped ? `${formatSpan(partial.coveredMs)} kept of a ${formatSpan(partial.rangeMs)} window` : `warming up (${formatSpan(partial.coveredMs)} of a ${formatSpan(partial.rangeMs)} window)`;
}

/**
 * What a query's row says beside its value, the most pressing first: its own error (its values
 * are then its last good ones), its targets that are down, not scraped yet or dropping series,
 * that its values cover part of its range, then its thresholds.
 */
function metricNote(metric: MetricRow): Cell {
	const parts: string[] = [];
	let tone: Tone = 'muted';
	if (metric.error) {
		parts.push(`✗ stale${metric.lastOkAt === undefined ? '' : ` since ${formatClock(metric.lastOkAt)}`}: ${metric.error}`);
		tone = 'crit';
	}
	const problems = metric.targets?.problems ?? [];
	const down = problems.filter(t => t.health === 'down');
	if (down.length > 0) {
		const total = (metric.targets?.up ?? 0) + problems.filter(t => t.health !== 'up').length;
		parts.push(`✗ ${total > 1 ? `${down.length} of ${total} targets down: ` : 'target '}${down.map(targetText).join(', ')}`);
		tone = 'crit';
	}
	for (const target of problems.filter(t => t.health !== 'down')) {
		parts.push(targetText(target));
		if (tone === 'muted' && target.warning) tone = 'warn';
	}
	if (metric.partial) parts.push(partialText(metric.partial));
	const thresholds = thresholdText(metric);
	if (thresholds) parts.push(thresholds);
	return {text: parts.join(' · '), tone};
}

function buildMetricRows(metrics: readonly MetricRow[]): Row[] {
	const rows: Row[] = [];
	for (const metric of metrics) {
		const ceiling = sparklineCeiling(metric);
		const single = metric.series.length <= 1 ? metric.series[0] : undefined;
		const search = `${metric.id} ${metric.title} ${metric.promql}`.toLowerCase();
		if (metric.error && metric.series.length === 0) {
			const note = metricNote({...metric, error: undefined});
			rows.push({
				key: `m:${metric.id}`,
				tone: 'crit',
				ref: {kind: 'metric', id: metric.id},
				search,
				cells: [{text: metric.title, width: 16, bold: true}, {text: `✗ ${metric.error}${note.text && note.tone !== 'muted' ? ` · ${note.text}` : ''}`, tone: 'crit'}],
			});
			continue;
		}
		// Values kept from before an error are the last good ones: drawn muted, the note says since when.
		const stale = Boolean(metric.error);
		const valueText = metric.loading ? 'loading…' : single ? formatValue(single.value, metric.unit, metric) : metric.series.length === 0 ? 'no data' : `${metric.series.length} series`;
		rows.push({
			key: `m:${metric.id}`,
			tone: stale ? 'crit' : metric.tone,
			ref: {kind: 'metric', id: metric.id},
			search,
			cells: [
				{text: metric.title, width: 16, bold: true},
				{text: valueText, width: 9, align: 'right', tone: stale || metric.loading ? 'muted' : (single?.tone ?? metric.tone)},
				{text: single ? sparkline(single.history, 20, ceiling) : '', width: 21, tone: stale ? 'muted' : (single?.tone ?? metric.tone)},
				metricNote(metric),
			],
		});
		if (!single) {
			for (const series of metric.series) {
				rows.push({
					key: `m:${metric.id}:${series.labels}`,
					tone: stale ? 'muted' : series.tone,
					ref: {kind: 'metric', id: metric.id},
					search: `${search} ${series.labels}`.toLowerCase(),
					cells: [
						{text: `└ ${series.labels || '{}'}`, width: 16},
						{text: formatValue(series.value, metric.unit, metric), width: 9, align: 'right', tone: stale ? 'muted' : series.tone},
						{text: sparkline(series.history, 20, ceiling), width: 21, tone: stale ? 'muted' : series.tone},
						{text: ''},
					],
				});
			}
		}
	}
	return rows;
}

/**
 * The Metrics pane's title and its line under the title when its feed is fine: the queries, and
 * the scrape targets behind them that are down or warn (the first named, with why).
 */
export function metricsSummary(metrics: readonly MetricRow[]): {summary: {text: string; tone: Tone}; problem: {text: string; tone: Tone} | null} {
	if (metrics.length === 0) return {summary: {text: 'no queries', tone: 'muted'}, problem: null};
	const seen = new Map<string, TargetState>();
	for (const metric of metrics) for (const target of metric.targets?.problems ?? []) seen.set(`${target.job}\u0000${target.instance}`, target);
	const down = [...seen.values()].filter(t => t.health === 'down');
	const warned = [...seen.values()].filter(t => t.health === 'up' && t.warning);
	const loading = metrics.filter(m => m.loading).length;
	const parts = [`${metrics.length} quer${metrics.length === 1 ? 'y' : 'ies'}`];
	if (loading > 0) parts.push(`${loading} loading`);
	if (down.length > 0) parts.push(`${down.length} target${down.length > 1 ? 's' : ''} down`);
	const tone = down.length > 0 ? 'crit' : worstTone(metrics.map(m => m.tone));
	const first = down[0] ?? warned[0];
	const problem = first
		? {text: `${targetText(first)}${first.health === 'down' && first.error ? `: ${first.error}` : ''}${down.length + warned.length > 1 ? ` (+${down.length + warned.length - 1} more: enter on a query lists them)` : ''}`, tone: (first.health === 'down' ? 'crit' : 'warn') as Tone}
		: null;
	return {summary: {text: parts.join(' · '), tone}, problem};
}

export const selectMetricRows = memo(buildMetricRows);

export const selectMetricsSummary = memo(metricsSummary);

// ---- Pods ------------------------------------------------------------------------------------

const failingReasons = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull']);

export function podTone(pod: PodInfo): Tone {
	// An init container's state reads "Init:CrashLoopBackOff" (kubectl's STATUS); a failed one "Init:Error" or "Init:ExitCode:N".
	const init = pod.waitingReason?.startsWith('Init:') ? pod.waitingReason.slice(5) : undefined;
	if (failingReasons.has(init ?? pod.waitingReason ?? '') || init === 'Error' || init?.startsWith('ExitCode:') || pod.phase === 'Failed') return 'crit';
	if (pod.lastTerminationReason === 'OOMKilled' || pod.terminating || pod.phase === 'Pending' || pod.ready < pod.containers) return 'warn';
	return pod.phase === 'Succeeded' ? 'muted' : 'ok';
}

export function podStatus(pod: PodInfo): string {
	if (pod.terminating) return 'Terminating';
	if (pod.waitingReason) return pod.waitingReason;
	return pod.phase;
}

/**
 * A pod's row. Its key, cells and search text are made when read: a pane reads cells only for the
 * rows on screen and search text only while filtering. So the 10,000 rows of a big namespace hold
 * little beyond their pod, and a row replaced when its pod changes leaves little garbage in the old
 * generation (at rest it grew ~365 KB/s with whole rows, ~210 KB/s with these: bench/README.md).
 */
class PodRow implements Row {
	readonly tone: Tone;
	readonly ref: RowRef;
	readonly createdAt: string;
	private madeKey: string | undefined = undefined;
	private madeSearch: string | undefined = undefined;

	constructor(private readonly pod: PodInfo) {
		this.tone = podTone(pod);
		this.ref = {kind: 'pod', name: pod.name, deployment: pod.deployment};
		this.createdAt = pod.createdAt;
	}

	get key(): string {
		return (this.madeKey ??= `p:${this.pod.name}`);
	}

	/** Kept once made: filtering reads every row at each key typed. */
	get search(): string {
		const pod = this.pod;
		return (this.madeSearch ??= `${pod.name} ${pod.deployment ?? ''} ${podStatus(pod)} ${pod.lastTerminationReason ?? ''} ${pod.node ?? ''}`.toLowerCase());
	}

	/** Made afresh at each read: only rows on screen are drawn, and their text is cached by row-line. */
	get cells(): Cell[] {
		const pod = this.pod;
		const tone = this.tone;
		const last = pod.lastTerminationReason ?? '';
		return [
			{text: `  ${pod.name}`, width: 30},
			{text: `${pod.ready}/${pod.containers}`, width: 5, tone: pod.ready < pod.containers ? 'warn' : 'ok'},
			{text: podStatus(pod), width: 16, tone},
			{text: String(pod.restarts), width: 4, align: 'right', tone: pod.restarts > 0 ? 'warn' : 'muted'},
			{text: last, width: 10, tone: last === 'OOMKilled' ? 'crit' : last ? 'warn' : 'muted'},
			{text: '', width: 7, align: 'right', clock: true},
			{text: pod.node ?? '', tone: 'muted'},
		];
	}
}

const podRowCache = new WeakMap<PodInfo, Row>();

function podRow(pod: PodInfo): Row {
	let row = podRowCache.get(pod);
	if (!row) podRowCache.set(pod, (row = new PodRow(pod)));
	return row;
}

export function deploymentTone(d: DeploymentInfo): Tone {
	if (d.replicas > 0 && d.readyReplicas === 0) return 'crit';
	if (!d.rolloutComplete || d.readyReplicas < d.replicas) return 'warn';
	return 'ok';
}

export function rolloutText(d: DeploymentInfo): string {
	if (d.rolloutComplete) return 'rolled out';
	return `rolling ${d.updatedReplicas}/${d.replicas} updated`;
}

/** A deployment's header row; like PodRow, its text is made when read. */
class DeploymentRow implements Row {
	readonly tone: Tone;
	readonly ref: RowRef;
	readonly key: string;

	constructor(private readonly deployment: DeploymentInfo, members: readonly PodInfo[]) {
		this.tone = groupCounts(members).crit > 0 ? 'crit' : deploymentTone(deployment);
		this.ref = {kind: 'deployment', name: deployment.name};
		this.key = `d:${deployment.name}`;
	}

	get search(): string {
		return `${this.deployment.name} ${this.deployment.images.join(' ')}`.toLowerCase();
	}

	get cells(): Cell[] {
		const d = this.deployment;
		return [
			{text: `▾ ${d.name}`, width: 30, bold: true},
			{text: `${d.readyReplicas}/${d.replicas}`, width: 5, tone: d.readyReplicas < d.replicas ? 'warn' : 'ok'},
			{text: `rev ${d.revision}`, width: 16},
			{text: '', width: 4},
			{text: rolloutText(d), tone: d.rolloutComplete ? 'muted' : 'warn'},
		];
	}
}

/** Each group's rows, kept while neither the group nor its deployment changes (see cluster-data.ts). */
const groupRowsCache = new WeakMap<readonly PodInfo[], {deployment: DeploymentInfo; rows: Row[]}>();

function groupRows(d: DeploymentInfo, members: readonly PodInfo[]): Row[] {
	const cached = groupRowsCache.get(members);
	if (cached?.deployment === d) return cached.rows;
	const rows: Row[] = [new DeploymentRow(d, members)];
	for (const pod of members) rows.push(podRow(pod));
	groupRowsCache.set(members, {deployment: d, rows});
	return rows;
}

const noPods: readonly PodInfo[] = Object.freeze([]);

function buildPodRows(podGroups: Readonly<Record<string, readonly PodInfo[]>>, deployments: Record<string, DeploymentInfo>): Row[] {
	const rows: Row[] = [];
	for (const d of Object.values(deployments).sort(byName)) {
		for (const row of groupRows(d, podGroups[d.name] ?? noPods)) rows.push(row);
	}
	// Pods no listed deployment owns: none, or one that is gone or not yet seen.
	const loose = Object.entries(podGroups).flatMap(([key, members]) => (key && deployments[key] ? [] : members));
	if (loose.length > 0) {
		rows.push({key: 'd:', tone: 'muted', heading: true, ref: {kind: 'section', title: 'other pods'}, search: '', cells: [{text: '▾ (no deployment)', bold: true}]});
		for (const pod of loose.sort(byName)) rows.push(podRow(pod));
	}
	return rows;
}

export const selectPodRows = memo(buildPodRows);

/** Filter that keeps a deployment's header row when any of its pods matches. */
export function filterPodRows(rows: readonly Row[], filter: string): readonly Row[] {
	const needle = filter.trim().toLowerCase();
	if (!needle) return rows;
	const out: Row[] = [];
	let header: Row | undefined;
	let headerMatched = false;
	for (const row of rows) {
		if (row.ref.kind === 'deployment' || row.ref.kind === 'section') {
			header = row;
			headerMatched = row.search.includes(needle);
			if (headerMatched) out.push(row);
			continue;
		}
		if (headerMatched || row.search.includes(needle)) {
			if (header && !headerMatched && out.at(-1) !== header && !out.includes(header)) out.push(header);
			out.push(row);
		}
	}
	return out;
}

export const selectFilteredPodRows = memo((rows: readonly Row[], filter: string) => filterPodRows(rows, filter));

// ---- Runbook ---------------------------------------------------------------------------------

/**
 * What a step has: an action, commands, watched queries ("⟲ rollback $ cmd ◷"); `auto` is a column of
 * its own. `actionNotTaken`: the step was ticked by its condition and its action was not taken
 * ("⟲ no rollback"), so the tick does not read as a rollback done.
 */
export function stepMarks(step: RunbookStep, actionNotTaken = false): string {
	const marks: string[] = [];
	if (step.action) marks.push(`⟲ ${actionNotTaken ? 'no ' : ''}${step.action.kind}`);
	if (step.commands.length > 0) marks.push(`$ ${step.commands.length > 1 ? `×${step.commands.length}` : 'cmd'}`);
	if (step.queries.length > 0) marks.push('◷');
	return marks.join(' ');
}

/** The time left to a done-when tick, "1:05" (minutes, then seconds; never below 0:00). */
export function formatCountdown(ms: number): string {
	const seconds = Math.max(0, Math.ceil(ms / 1000));
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** How long a step's done-when condition must hold, in ms (0 for a health check: it ticks at once). */
export function doneWhenHoldMs(step: RunbookStep): number {
	const cond = step.doneWhen;
	return cond && 'query' in cond ? (cond.forSeconds ?? 0) * 1000 : 0;
}

/** How a ticked step was ticked, as its row says it: by its condition, and whether its action was then not taken. */
function tickedBy(tick: StepTick | undefined): {condition: boolean; actionNotTaken: boolean} {
	const cause = tick?.data.cause;
	if (cause?.type === 'condition') return {condition: true, actionNotTaken: Boolean(cause.stepAction && !cause.stepAction.actionId)};
	// A journal from before causes were recorded: an automatic tick without an action was its condition's.
	return {condition: Boolean(tick && !cause && tick.data.auto && !tick.data.doneBy), actionNotTaken: false};
}

/**
 * `ticks`: the runbook's ticked steps (IncidentInfo.stepTicks of its id): a step ticked by its
 * condition says so in the last column (`held`), and its action's mark says when that action was
 * not taken (`⟲ no rollback`).
 */
function buildRunbookRows(
	runbook: Runbook | null,
	checked: Record<string, true>,
	metrics: readonly MetricRow[],
	held: Record<string, number> = {},
	ticks: Record<string, StepTick> = {},
): Row[] {
	if (!runbook) return [];
	const byId = new Map(metrics.map(m => [m.id, m]));
	const rows: Row[] = [];
	let section: string | undefined;
	let number = 0;
	const how = new Map(runbook.steps.map(step => [step.id, checked[step.id] ? tickedBy(ticks[step.id]) : {condition: false, actionNotTaken: false}]));
	// The marks column is as wide as its widest entry ("⟲ rollback $ cmd"), so no mark is cut; a step
	// that can tick itself counts with its "no" already, so the column keeps its width when it ticks.
	const marks = new Map(runbook.steps.map(step => [step.id, stepMarks(step, how.get(step.id)!.actionNotTaken)]));
	const marksWidth = Math.max(0, ...runbook.steps.map(step => [...stepMarks(step, Boolean(step.doneWhen))].length));
	// A step that ticks itself says `auto`, and while its condition holds, the time left ("1:05"):
	// the column is as wide as the longest of those, so it never changes width as a count starts.
	const autoWidth = Math.max(0, ...runbook.steps.filter(step => step.doneWhen).map(step => Math.max(4, formatCountdown(doneWhenHoldMs(step)).length)));
	for (const step of runbook.steps) {
		if (step.section && step.section !== section) {
			section = step.section;
			rows.push({key: `s:${section}:${rows.length}`, tone: 'info', heading: true, ref: {kind: 'section', title: section}, search: section.toLowerCase(), cells: [{text: section, bold: true, tone: 'info'}]});
		}
		if (step.depth === 0) number++;
		const done = Boolean(checked[step.id]);
		const watched = step.queries.map(id => byId.get(id)).find(Boolean);
		const watchedValue = watched?.series[0];
		const since = done || !step.doneWhen ? undefined : held[step.id];
		rows.push({
			key: `st:${step.id}`,
			tone: done ? 'muted' : 'ok',
			ref: {kind: 'step', id: step.id},
			search: `${step.title} ${step.text.join(' ')}`.toLowerCase(),
			...(since === undefined ? {} : {countdownTo: since + doneWhenHoldMs(step)}),
			cells: [
				{text: `${'  '.repeat(step.depth)}${done ? '[x]' : '[ ]'} ${step.depth === 0 ? `${number}. ` : ''}${step.title}`, tone: done ? 'muted' : undefined},
				{
					text: watched && watchedValue ? `${formatValue(watchedValue.value, watched.unit, watched)} ` : '',
					tone: watched ? toneFor(watchedValue?.value, watched) : undefined,
					// A step that watches no query gives the room to its title.
					width: watched ? 8 : 0,
					align: 'right',
				},
				{text: marks.get(step.id)!, tone: 'muted', width: marksWidth, align: 'right'},
				since !== undefined
					? {text: 'auto', tone: 'ok', width: autoWidth, align: 'right', clock: true}
					: how.get(step.id)!.condition
						? {text: 'held', tone: 'muted', width: autoWidth, align: 'right'}
						: {text: step.doneWhen ? 'auto' : '', tone: 'muted', width: autoWidth, align: 'right'},
			],
		});
	}
	return rows;
}

export const selectRunbookRows = memo(buildRunbookRows);

// ---- Summaries for pane titles -------------------------------------------------------------

export function healthSummary(health: readonly HealthRow[]): {text: string; tone: Tone} {
	if (health.length === 0) return {text: 'no services', tone: 'muted'};
	const bad = health.filter(h => !h.ok).length;
	const degraded = health.filter(h => h.ok && h.tone !== 'ok').length;
	if (bad > 0) return {text: `${bad}/${health.length} down`, tone: 'crit'};
	if (degraded > 0) return {text: `${health.length}/${health.length} up · ${degraded} degraded`, tone: 'warn'};
	return {text: `${health.length}/${health.length} up`, tone: 'ok'};
}

/** Failing and degraded pods in one group, kept per group array (see cluster-data.ts). */
const groupCountsCache = new WeakMap<readonly PodInfo[], {crit: number; warn: number}>();

function groupCounts(members: readonly PodInfo[]): {crit: number; warn: number} {
	let counts = groupCountsCache.get(members);
	if (counts) return counts;
	counts = {crit: 0, warn: 0};
	for (const pod of members) {
		const tone = podTone(pod);
		if (tone === 'crit') counts.crit++;
		else if (tone === 'warn') counts.warn++;
	}
	groupCountsCache.set(members, counts);
	return counts;
}

export function podsSummary(podGroups: Readonly<Record<string, readonly PodInfo[]>>, deployments: Record<string, DeploymentInfo>): {text: string; tone: Tone} {
	let total = 0;
	let crit = 0;
	let warn = 0;
	for (const members of Object.values(podGroups)) {
		const counts = groupCounts(members);
		total += members.length;
		crit += counts.crit;
		warn += counts.warn;
	}
	const rolling = Object.values(deployments).filter(d => !d.rolloutComplete).length;
	const parts = [`${total} pods`];
	if (crit) parts.push(`${crit} failing`);
	if (warn) parts.push(`${warn} degraded`);
	if (rolling) parts.push(`${rolling} rolling`);
	return {text: parts.join(' · '), tone: crit ? 'crit' : warn || rolling ? 'warn' : total ? 'ok' : 'muted'};
}

export const selectPodsSummary = memo(podsSummary);

export function runbookProgress(runbook: Runbook | null, checked: Record<string, true>): {done: number; total: number} {
	if (!runbook) return {done: 0, total: 0};
	return {done: runbook.steps.filter(s => checked[s.id]).length, total: runbook.steps.length};
}
