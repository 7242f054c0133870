/**
 * `u` rollback: `kubectl rollout undo` through the API. prepare() reads the rollout history (no
 * mutating call) and describes the change: current and target revision, the images that change and
 * when each revision was created, with a warning when the target is newer than what runs (undoing
 * a rollback). run() rolls back to exactly the revision the operator saw.
 */
import type {Cluster, RevisionInfo} from '../ports/cluster.js';
import type {EnvInfo} from '../model/env.js';
import type {ActionContext, ActionDef, ActionEdit, ActionOutcome, ActionParams, ActionRequest, ActionSubject, PrepareContext} from './types.js';
import {rolloutUndoCommand} from './kubectl.js';

export const kubeActionTimeoutMs = 30_000;

export interface RollbackInput {
	cluster: Cluster;
	env: EnvInfo;
	deployment: string;
	/** Revision to restore; default the previous one (the highest below the current). */
	toRevision?: number;
	newId: () => string;
	/** Clock for "created 3h05m ago"; default Date.now. */
	now?: () => number;
}

export function imagesText(images: readonly string[]): string {
	return images.length > 0 ? images.join(', ') : 'no images';
}

/** "2d3h", "4h05m", "12m", "40s". (text/format.ts has one too.) */
function age(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	const m = Math.floor(s / 60);
	const h = Math.floor(m / 60);
	if (h >= 24) return `${Math.floor(h / 24)}d${h % 24}h`;
	if (h > 0) return `${h}h${String(m % 60).padStart(2, '0')}m`;
	return m > 0 ? `${m}m` : `${s}s`;
}

/** "created 2026-11-22 03:04 UTC (2h05m ago)" */
export function createdText(iso: string, now: number): string {
	const at = Date.parse(iso);
	if (Number.isNaN(at)) return 'created at an unknown time';
	return `created ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC (${age(now - at)} ago)`;
}

function revisionLine(label: string, r: RevisionInfo, now: number): string {
	return `${label} revision ${r.revision}: ${imagesText(r.images)}, ${createdText(r.createdAt, now)}${r.changeCause ? `, change-cause "${r.changeCause}"` : ''}`;
}

/** One line per container image that differs between two revisions (by position in the pod spec). */
export function imageChanges(from: readonly string[], to: readonly string[]): string[] {
	const lines: string[] = [];
	for (let i = 0; i < Math.max(from.length, to.length); i++) {
		const a = from[i];
		const b = to[i];
		if (a !== b) lines.push(`  ${a ?? '(none)'} -> ${b ?? '(none)'}`);
	}
	return lines;
}

/**
 * The cluster acting where the confirmation said: its context and namespace, the row's when several
 * are watched (Cluster.at). A cluster of one namespace has no `at` and acts where it is.
 */
export function actingAt(cluster: Cluster, where: {context: string; namespace: string}): Cluster {
	return cluster.at?.(where) ?? cluster;
}

/** The cluster and the deployment a rollback, scale or restart asked for on `subject` acts on; an error when it names none. */
export function deploymentSubject(kind: string, subject: ActionSubject, ctx: PrepareContext): {cluster: Cluster; deployment: string} {
	if (!subject.deployment) throw new Error(`${kind}: select a deployment, or a row that names one, first`);
	if (!ctx.cluster) throw new Error(`no cluster connected to ${kind} deployment/${subject.deployment} in`);
	return {cluster: ctx.cluster, deployment: subject.deployment};
}

export function readOnlyRefusal(kind: string, deployment: string): Error {
	return new Error(`read-only mode: ${kind} of deployment/${deployment} is disabled`);
}

/** The warnings of a rollback to `target`: nothing to change, only the pod template changes, or a newer release comes back. */
function rollbackWarnings(current: RevisionInfo, target: RevisionInfo, changes: readonly string[], now: number): string[] {
	const warnings: string[] = [];
	if (target.revision === current.revision) {
		warnings.push(`revision ${target.revision} is the current revision: nothing will change (kubectl reports "skipped rollback").`);
	} else if (changes.length === 0) {
		warnings.push(`revision ${target.revision} runs the same images as revision ${current.revision}: only other pod template fields (env, resources, ...) change.`);
	}
	// A rollback keeps the old ReplicaSet and gives it the next revision, so a running revision whose
	// ReplicaSet is older than the target's went back to an older release. Undoing it again (what
	// `rollout undo` does by default, and a runbook's rollback step pressed twice) brings the newer
	// release back: usually the one that was rolled back from.
	const currentAt = Date.parse(current.createdAt);
	const targetAt = Date.parse(target.createdAt);
	if (target.revision !== current.revision && targetAt > currentAt) {
		warnings.push(
			`revision ${target.revision} is newer than the running revision ${current.revision} (created ${age(now - targetAt)} ago; revision ${current.revision} ${age(now - currentAt)} ago): revision ${current.revision} brought an older release back, and this goes forward again.`,
		);
	}
	return warnings;
}

type RollbackParams = Extract<ActionParams, {kind: 'rollback'}>;

/** The confirmation of a rollback, from what was read when it was prepared (the history) alone. */
function describe(id: string, params: RollbackParams): ActionRequest {
	const {history, deployment, where, now} = params;
	const current = history[0]!;
	// The revisions the confirmation can switch between (older with ←, newer with →): every one but the current.
	const targets = history.slice(1);
	const target = history.find(r => r.revision === params.toRevision)!;
	const details = [revisionLine('current', current, now), revisionLine('target ', target, now)];
	const changes = imageChanges(current.images, target.images);
	if (changes.length > 0) details.push('images that change:', ...changes);
	else details.push(`images unchanged: ${imagesText(target.images)}`);
	if (targets.length > 1) details.push(`other revisions: ${targets.filter(r => r !== target).map(r => r.revision).join(', ')} (←/→ to choose)`);
	const at = targets.indexOf(target);
	return {
		id,
		kind: 'rollback',
		title: rollbackAction.title,
		dangerous: rollbackAction.dangerous,
		target: {context: where.context, namespace: where.namespace, object: `deployment/${deployment}`},
		change: `revision ${current.revision} (${imagesText(current.images)}) -> revision ${target.revision} (${imagesText(target.images)})`,
		// Pinned to the revision previewed, so a rollout in between cannot change what is restored.
		kubectl: rolloutUndoCommand(where, deployment, target.revision),
		details,
		warnings: rollbackWarnings(current, target, changes, now),
		...(params.production ? {typeToConfirm: deployment} : {}),
		timeoutMs: kubeActionTimeoutMs,
		...(at >= 0 && targets.length > 1 ? {alternatives: {older: at + 1 < targets.length, newer: at > 0}} : {}),
		params,
	};
}

/** Reads the rollout history (no mutating call) and describes the rollback to `toRevision`, else the previous revision. */
async function prepare(input: RollbackInput): Promise<ActionRequest> {
	const {cluster, env, deployment} = input;
	if (env.readonly && rollbackAction.dangerous) throw readOnlyRefusal('rollback', deployment);
	const now = (input.now ?? Date.now)();
	const where = `(context ${cluster.context}, namespace ${cluster.namespace})`;
	const history = await cluster.history(deployment);
	const current = history[0];
	if (!current) throw new Error(`no rollout history found for deployment/${deployment} ${where}`);
	let target: RevisionInfo | undefined;
	if (input.toRevision === undefined) {
		target = history[1];
		if (!target) throw new Error(`no previous revision of deployment/${deployment} to roll back to: only revision ${current.revision} exists ${where}`);
	} else {
		target = history.find(r => r.revision === input.toRevision);
		if (!target) {
			throw new Error(`unable to find specified revision ${input.toRevision} in history of deployment/${deployment} (revisions: ${history.map(r => r.revision).join(', ')}) ${where}`);
		}
	}
	const params: RollbackParams = {kind: 'rollback', deployment, where: {context: cluster.context, namespace: cluster.namespace}, production: env.production, toRevision: target.revision, history, now};
	return describe(input.newId(), params);
}

/** A rollback asked for on a row or a step: to the step's revision, else the previous one. */
async function request(subject: ActionSubject, ctx: PrepareContext): Promise<ActionRequest> {
	const {cluster, deployment} = deploymentSubject('rollback', subject, ctx);
	return await prepare({cluster, env: ctx.env, deployment, toRevision: subject.toRevision, newId: ctx.newId});
}

/** The same rollback to the next older or newer revision of the history it read; undefined past the last. */
function edit(request: ActionRequest, change: ActionEdit): ActionRequest | undefined {
	const params = request.params;
	if (params.kind !== 'rollback' || change.type !== 'target') return undefined;
	const targets = params.history.slice(1);
	const at = targets.findIndex(r => r.revision === params.toRevision);
	const next = at < 0 ? undefined : targets[at + (change.direction === 'older' ? 1 : -1)];
	return next ? describe(request.id, {...params, toRevision: next.revision}) : undefined;
}

/** `kubectl rollout undo --to-revision` through the API: exactly the revision the operator saw. */
async function run(request: ActionRequest, ctx: ActionContext): Promise<ActionOutcome> {
	const params = request.params;
	if (params.kind !== 'rollback') throw new Error(`not a rollback: ${request.kind}`);
	if (!ctx.cluster) throw new Error(`no cluster to roll back deployment/${params.deployment} in`);
	const result = await actingAt(ctx.cluster, params.where).undo(params.deployment, params.toRevision, ctx.signal);
	return {summary: result.summary};
}

export const rollbackAction = {
	kind: 'rollback' as const,
	title: 'Roll back deployment',
	dangerous: true,
	cluster: true,
	request,
	prepare,
	edit,
	run,
} satisfies ActionDef & {prepare: (input: RollbackInput) => Promise<ActionRequest>};
