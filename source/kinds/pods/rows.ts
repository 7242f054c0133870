/**
 * The Pods pane's rows: grouped by deployment with revision, ready/desired and rollout progress; each
 * pod with its status as kubectl shows it, restarts, last termination, age and node.
 */
import type {DeploymentInfo, PodInfo} from '../../ports/cluster.js';
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import type {Tone} from '../../text/format.js';
import type {Cell, Row, RowRef, Toned} from '../types.js';
import {byName} from './cluster-data.js';
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
		this.ref = {kind: 'pods', key: `pod/${pod.name}`, pod: pod.name, ...(pod.deployment ? {deployment: pod.deployment} : {})};
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

/** A pod's row, kept per PodInfo object in the store's cache: a change to one pod of 10,000 makes one row. */
function podRow(pod: PodInfo, cache: RowCache): Row {
	const rows = cache.weak<PodInfo, Row>(podRow);
	let row = rows.get(pod);
	if (!row) rows.set(pod, (row = new PodRow(pod)));
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

	constructor(private readonly deployment: DeploymentInfo, members: readonly PodInfo[], cache: RowCache) {
		this.tone = groupCounts(members, cache).crit > 0 ? 'crit' : deploymentTone(deployment);
		this.ref = {kind: 'pods', key: `deployment/${deployment.name}`, deployment: deployment.name};
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

/** Each group's rows, kept in the store's cache while neither the group nor its deployment changes (see cluster-data.ts). */
function groupRows(d: DeploymentInfo, members: readonly PodInfo[], cache: RowCache): Row[] {
	const groups = cache.weak<readonly PodInfo[], {deployment: DeploymentInfo; rows: Row[]}>(groupRows);
	const cached = groups.get(members);
	if (cached?.deployment === d) return cached.rows;
	const rows: Row[] = [new DeploymentRow(d, members, cache)];
	for (const pod of members) rows.push(podRow(pod, cache));
	groups.set(members, {deployment: d, rows});
	return rows;
}

const noPods: readonly PodInfo[] = Object.freeze([]);

export function buildPodRows(podGroups: Readonly<Record<string, readonly PodInfo[]>>, deployments: Record<string, DeploymentInfo>, cache: RowCache): Row[] {
	const rows: Row[] = [];
	for (const d of Object.values(deployments).sort(byName)) {
		for (const row of groupRows(d, podGroups[d.name] ?? noPods, cache)) rows.push(row);
	}
	// Pods no listed deployment owns: none, or one that is gone or not yet seen.
	const loose = Object.entries(podGroups).flatMap(([key, members]) => (key && deployments[key] ? [] : members));
	if (loose.length > 0) {
		rows.push({key: 'd:', tone: 'muted', heading: true, ref: {kind: 'pods', key: 'section/other pods'}, search: '', cells: [{text: '▾ (no deployment)', bold: true}]});
		for (const pod of loose.sort(byName)) rows.push(podRow(pod, cache));
	}
	return rows;
}

/** The Pods pane's rows: each deployment's header row, then its pods; then the pods no deployment owns. */
export function podRows(state: IncidentState, cache: RowCache): readonly Row[] {
	const {podGroups, deployments} = podsData.of(state);
	return cache.memo(buildPodRows)(podGroups, deployments, cache);
}

/** Filter that keeps a deployment's header row when any of its pods matches. */
export function filterPodRows(rows: readonly Row[], filter: string): readonly Row[] {
	const needle = filter.trim().toLowerCase();
	if (!needle) return rows;
	const out: Row[] = [];
	let header: Row | undefined;
	let headerMatched = false;
	for (const row of rows) {
		if (!row.ref.pod) {
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
