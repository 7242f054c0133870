/**
 * The Pods pane's rows: grouped by namespace (and context) when several are watched, then by deployment with revision, ready/desired and rollout progress; each
 * pod with its status as kubectl shows it, restarts, last termination, age and node.
 */
import type {DeploymentInfo, PodInfo} from '../../ports/cluster.js';
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import type {Tone} from '../../text/format.js';
import type {Cell, Row, RowRef, Toned} from '../types.js';
import {byName, objectKey, placeOf} from './cluster-data.js';
import {podsData} from './data.js';

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

/** How the Pods pane orders its rows: the pods in trouble first (the default), or by name as kubectl lists them. */
export type PodSort = 'problems' | 'name';

/** The Pods pane's order now (IncidentState.ui.sort). */
export function podSortOf(state: Pick<IncidentState, 'ui'>): PodSort {
	return state.ui.sort?.pods === 'name' ? 'name' : 'problems';
}

/** Where a healthy pod ranks: after every problem. */
const healthyRank = 9;

/**
 * What is wrong with a pod, in the order a responder looks at it: crash-looping, otherwise failing
 * (an image that will not pull, a failed init container), OOMKilled, not ready, pending, terminating;
 * null when nothing is. `label` is what a deployment's row counts it as ("2 crash-looping").
 */
export function podProblem(pod: PodInfo): {rank: number; label: string} | null {
	if (pod.waitingReason === 'CrashLoopBackOff' || pod.waitingReason === 'Init:CrashLoopBackOff') return {rank: 0, label: 'crash-looping'};
	if (podTone(pod) === 'crit') return {rank: 1, label: podStatus(pod)};
	if (pod.lastTerminationReason === 'OOMKilled') return {rank: 2, label: 'OOMKilled'};
	if (pod.terminating) return {rank: 5, label: 'terminating'};
	if (pod.phase === 'Pending') return {rank: 4, label: 'pending'};
	if (pod.ready < pod.containers) return {rank: 3, label: 'not ready'};
	return null;
}

function podRank(pod: PodInfo): number {
	return podProblem(pod)?.rank ?? healthyRank;
}

/** Pods in trouble first, most urgent first, then by name. */
function byProblem(a: PodInfo, b: PodInfo): number {
	return podRank(a) - podRank(b) || byName(a, b);
}

/** The Pods pane's column headers, over the pods' cells (a deployment's row spans STATUS onwards with its summary). */
export const podColumns: readonly Cell[] = [
	{text: 'NAME', width: 28},
	{text: 'READY', width: 5},
	{text: 'STATUS', width: 16},
	{text: 'RESTARTS', width: 8, align: 'right'},
	{text: 'LAST EXIT', width: 10},
	{text: 'AGE', width: 6, align: 'right'},
	{text: 'NODE'},
];

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

	constructor(
		private readonly pod: PodInfo,
		private readonly wide: boolean | undefined,
	) {
		this.tone = podTone(pod);
		this.ref = {kind: 'pods', key: `pod/${objectKey(wide, pod)}`, pod: pod.name, ...(pod.deployment ? {deployment: pod.deployment} : {}), ...(wide ? placeRef(pod) : {})};
		this.createdAt = pod.createdAt;
	}

	get key(): string {
		return (this.madeKey ??= `p:${objectKey(this.wide, this.pod)}`);
	}

	/** Kept once made: filtering reads every row at each key typed. */
	get search(): string {
		const pod = this.pod;
		const place = this.wide ? ` ${placeOf(pod)}` : '';
		return (this.madeSearch ??= `${pod.name} ${pod.deployment ?? ''} ${podStatus(pod)} ${pod.lastTerminationReason ?? ''} ${pod.node ?? ''}${place}`.toLowerCase());
	}

	/** Made afresh at each read: only rows on screen are drawn, and their text is cached by row-line. */
	get cells(): Cell[] {
		const pod = this.pod;
		const tone = this.tone;
		const last = pod.lastTerminationReason ?? '';
		return [
			{text: `  ${pod.name}`, width: 28},
			{text: `${pod.ready}/${pod.containers}`, width: 5, tone: pod.ready < pod.containers ? 'warn' : 'ok'},
			{text: podStatus(pod), width: 16, tone},
			{text: String(pod.restarts), width: 8, align: 'right', tone: pod.restarts > 0 ? 'warn' : 'muted'},
			{text: last, width: 10, tone: last === 'OOMKilled' ? 'crit' : last ? 'warn' : 'muted'},
			{text: '', width: 6, align: 'right', clock: true},
			{text: pod.node ?? '', tone: 'muted'},
		];
	}
}

/** The namespace and context of a row's object, for actions to act there (RowRef). */
function placeRef(object: {namespace: string; context?: string}): {namespace: string; context?: string} {
	return object.context === undefined ? {namespace: object.namespace} : {namespace: object.namespace, context: object.context};
}

/** A pod's row, kept per PodInfo object in the store's cache: a change to one pod of 10,000 makes one row. */
function podRow(pod: PodInfo, cache: RowCache, wide?: boolean): Row {
	const rows = cache.weak<PodInfo, Row>(podRow);
	let row = rows.get(pod);
	if (!row) rows.set(pod, (row = new PodRow(pod, wide)));
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

/**
 * A deployment's summary: what is wrong with its pods, most urgent first, before its revision and
 * rollout ("2 crash-looping · 1 not ready · rolling 4/4 updated · rev 4"): a rollout whose new pods
 * crash-loop is not simply "rolling".
 */
export function deploymentSummary(d: DeploymentInfo, problems: GroupProblems): string {
	return [...problems.counts.map(([label, count]) => `${count} ${label}`), rolloutText(d), `rev ${d.revision}`].join(' · ');
}

/** A deployment's header row; like PodRow, its text is made when read. */
class DeploymentRow implements Row {
	readonly tone: Tone;
	readonly ref: RowRef;
	readonly key: string;
	private readonly problems: GroupProblems;

	constructor(
		private readonly deployment: DeploymentInfo,
		members: readonly PodInfo[],
		cache: RowCache,
		private readonly wide?: boolean,
	) {
		this.problems = groupProblems(members, cache);
		this.tone = groupCounts(members, cache).crit > 0 ? 'crit' : deploymentTone(deployment);
		this.ref = {kind: 'pods', key: `deployment/${objectKey(wide, deployment)}`, deployment: deployment.name, ...(wide ? placeRef(deployment) : {})};
		this.key = `d:${objectKey(wide, deployment)}`;
	}

	get search(): string {
		return `${this.deployment.name} ${this.deployment.images.join(' ')}${this.wide ? ` ${placeOf(this.deployment)}` : ''}`.toLowerCase();
	}

	get cells(): Cell[] {
		const d = this.deployment;
		const worst = this.problems.rank;
		return [
			{text: `▾ ${d.name}`, width: 28, bold: true},
			{text: `${d.readyReplicas}/${d.replicas}`, width: 5, tone: d.readyReplicas < d.replicas ? 'warn' : 'ok'},
			{text: deploymentSummary(d, this.problems), tone: worst <= 1 ? 'crit' : worst < healthyRank || !d.rolloutComplete ? 'warn' : 'muted'},
		];
	}
}

/** Each group's rows, kept in the store's cache while neither the group, its deployment nor the order changes (see cluster-data.ts). */
function groupRows(d: DeploymentInfo, members: readonly PodInfo[], sort: PodSort, cache: RowCache, wide?: boolean): Row[] {
	const groups = cache.weak<readonly PodInfo[], {deployment: DeploymentInfo; sort: PodSort; rows: Row[]}>(groupRows);
	const cached = groups.get(members);
	if (cached?.deployment === d && cached.sort === sort) return cached.rows;
	const rows: Row[] = [new DeploymentRow(d, members, cache, wide)];
	for (const pod of sortedPods(members, sort)) rows.push(podRow(pod, cache, wide));
	groups.set(members, {deployment: d, sort, rows});
	return rows;
}

/**
 * A group's pods in the pane's order. Problems first: the members are sorted by name already (see
 * cluster-data.ts), so one pass into a bucket per rank keeps the names' order within each rank and
 * asks each pod its problem once; a sort by byProblem asked it at every comparison, twice (at 50,000
 * pods and 1,000 updates a second, the groups rebuilt at each flush spent ~40 ms in 30 s there).
 */
function sortedPods(members: readonly PodInfo[], sort: PodSort): readonly PodInfo[] {
	if (sort !== 'problems') return members;
	const byRank: PodInfo[][] = [];
	for (const pod of members) (byRank[podRank(pod)] ??= []).push(pod);
	// flat() skips the ranks no pod has.
	return byRank.flat();
}

const noPods: readonly PodInfo[] = Object.freeze([]);

/**
 * Each deployment's header row then its pods, then the pods no deployment owns. Problems first: the
 * deployments whose pods are worst off first (then by name), and in each its pods in trouble first;
 * by name: as kubectl lists them.
 */
export function buildPodRows(podGroups: Readonly<Record<string, readonly PodInfo[]>>, deployments: Record<string, DeploymentInfo>, sort: PodSort, cache: RowCache, wide?: boolean): Row[] {
	if (wide) return buildWidePodRows(podGroups, deployments, sort, cache);
	const rows: Row[] = [];
	const rank = (d: DeploymentInfo) => groupProblems(podGroups[d.name] ?? noPods, cache).rank;
	const ordered = Object.values(deployments).sort(sort === 'problems' ? (a, b) => rank(a) - rank(b) || byName(a, b) : byName);
	for (const d of ordered) {
		for (const row of groupRows(d, podGroups[d.name] ?? noPods, sort, cache)) rows.push(row);
	}
	// Pods no listed deployment owns: none, or one that is gone or not yet seen.
	const loose = Object.entries(podGroups).flatMap(([key, members]) => (key && deployments[key] ? [] : members));
	if (loose.length > 0) {
		rows.push({key: 'd:', tone: 'muted', heading: true, ref: {kind: 'pods', key: 'section/other pods'}, search: '', cells: [{text: '▾ (no deployment)', bold: true}]});
		for (const pod of loose.sort(sort === 'problems' ? byProblem : byName)) rows.push(podRow(pod, cache));
	}
	return rows;
}

/** One namespace's (and context's) part of the pane when several are watched. */
interface Place {
	context?: string;
	namespace: string;
	deployments: DeploymentInfo[];
	loose: PodInfo[];
}

/**
 * Several namespaces or contexts: a heading per namespace (naming its context too), ordered by
 * context then namespace; under each, its deployments with their pods, then its pods no deployment owns.
 */
function buildWidePodRows(podGroups: Readonly<Record<string, readonly PodInfo[]>>, deployments: Record<string, DeploymentInfo>, sort: PodSort, cache: RowCache): Row[] {
	const rank = (d: DeploymentInfo) => groupProblems(podGroups[objectKey(true, d)] ?? noPods, cache).rank;
	const places = new Map<string, Place>();
	const placeFor = (object: {namespace: string; context?: string}): Place => {
		const key = placeOf(object);
		let place = places.get(key);
		if (!place) places.set(key, (place = {...placeRef(object), deployments: [], loose: []}));
		return place;
	};
	for (const d of Object.values(deployments)) placeFor(d).deployments.push(d);
	for (const [key, members] of Object.entries(podGroups)) if (!deployments[key] && members[0]) placeFor(members[0]).loose.push(...members);
	const rows: Row[] = [];
	for (const key of [...places.keys()].sort()) {
		const place = places.get(key)!;
		const label = place.context === undefined ? `namespace ${place.namespace}` : `context ${place.context} · namespace ${place.namespace}`;
		rows.push({key: `n:${key}`, tone: 'muted', heading: true, ref: {kind: 'pods', key: `section/${key}`, ...placeRef(place)}, search: '', cells: [{text: `▾ ${label}`, bold: true}]});
		for (const d of place.deployments.sort(sort === 'problems' ? (a, b) => rank(a) - rank(b) || byName(a, b) : byName)) {
			for (const row of groupRows(d, podGroups[objectKey(true, d)] ?? noPods, sort, cache, true)) rows.push(row);
		}
		if (place.loose.length > 0) {
			rows.push({key: `d:${key}`, tone: 'muted', heading: true, ref: {kind: 'pods', key: `section/${key}other pods`}, search: '', cells: [{text: '▾ (no deployment)', bold: true}]});
			for (const pod of sortedPods(place.loose.sort(byName), sort)) rows.push(podRow(pod, cache, true));
		}
	}
	return rows;
}

/** The Pods pane's rows: each deployment's header row, then its pods; then the pods no deployment owns; in the pane's order. */
export function podRows(state: IncidentState, cache: RowCache): readonly Row[] {
	const {podGroups, deployments, wide} = podsData.of(state);
	return cache.memo(buildPodRows)(podGroups, deployments, podSortOf(state), cache, wide);
}

/** Filter that keeps a deployment's header row when any of its pods matches. */
export function filterPodRows(rows: readonly Row[], filter: string): readonly Row[] {
	const needle = filter.trim().toLowerCase();
	if (!needle) return rows;
	const out: Row[] = [];
	let header: Row | undefined;
	let headerMatched = false;
	/** The current header is in `out` already: a flag, not a search of `out` (50,000 rows made that quadratic, ~0.4 s a key). */
	let headerShown = false;
	for (const row of rows) {
		if (!row.ref.pod) {
			header = row;
			headerMatched = row.search.includes(needle);
			headerShown = headerMatched;
			if (headerMatched) out.push(row);
			continue;
		}
		if (headerMatched || row.search.includes(needle)) {
			if (header && !headerShown) {
				out.push(header);
				headerShown = true;
			}
			out.push(row);
		}
	}
	return out;
}

/** What is wrong with a group's pods: how many of each problem, most urgent first, and the worst rank (healthy: after every problem). */
export interface GroupProblems {
	counts: Array<[string, number]>;
	rank: number;
}

/** A group's problems, kept per group array in the store's cache (see cluster-data.ts). */
function groupProblems(members: readonly PodInfo[], cache: RowCache): GroupProblems {
	const kept = cache.weak<readonly PodInfo[], GroupProblems>(groupProblems);
	let problems = kept.get(members);
	if (problems) return problems;
	const found = new Map<string, {rank: number; count: number}>();
	for (const pod of members) {
		const problem = podProblem(pod);
		if (!problem) continue;
		const seen = found.get(problem.label);
		if (seen) seen.count++;
		else found.set(problem.label, {rank: problem.rank, count: 1});
	}
	const ordered = [...found.entries()].sort((a, b) => a[1].rank - b[1].rank);
	problems = {counts: ordered.map(([label, {count}]) => [label, count]), rank: ordered[0]?.[1].rank ?? healthyRank};
	kept.set(members, problems);
	return problems;
}

/** Failing and degraded pods in one group, kept per group array in the store's cache (see cluster-data.ts). */
function groupCounts(members: readonly PodInfo[], cache: RowCache): {crit: number; warn: number} {
	const kept = cache.weak<readonly PodInfo[], {crit: number; warn: number}>(groupCounts);
	let counts = kept.get(members);
	if (counts) return counts;
	counts = {crit: 0, warn: 0};
	for (const pod of members) {
		const tone = podTone(pod);
		if (tone === 'crit') counts.crit++;
		else if (tone === 'warn') counts.warn++;
	}
	kept.set(members, counts);
	return counts;
}

/** The title's summary: how many pods, failing, degraded, and deployments rolling out. */
export function podsSummary(podGroups: Readonly<Record<string, readonly PodInfo[]>>, deployments: Record<string, DeploymentInfo>, cache: RowCache): Toned {
	let total = 0;
	let crit = 0;
	let warn = 0;
	for (const members of Object.values(podGroups)) {
		const counts = groupCounts(members, cache);
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
