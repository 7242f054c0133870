/**
 * `s` scale: `kubectl scale` through the scale subresource. The request carries an editable replica
 * count prefilled with the current one, validated, and a warning when a HorizontalPodAutoscaler
 * manages the deployment (it would override the count).
 */
import type {Cluster} from '../ports/cluster.js';
import type {EnvInfo} from '../model/env.js';
import {scaleCommand} from './kubectl.js';
import {actingAt, deploymentSubject, kubeActionTimeoutMs, readOnlyRefusal} from './rollback.js';
import type {ActionContext, ActionDef, ActionEdit, ActionOutcome, ActionParams, ActionRequest, ActionSubject, PrepareContext} from './types.js';

/** Upper bound that catches a typo (60 for 6) before it reaches the cluster. */
export const maxReplicas = 1000;

export interface ScaleInput {
	cluster: Cluster;
	env: EnvInfo;
	deployment: string;
	/** Replicas to propose; default the current count. */
	replicas?: number;
	/** Current spec.replicas, as the Pods pane has it; undefined while it has not listed the deployment. */
	current: number | undefined;
	newId: () => string;
}

/** null when valid, else what to fix. */
export function validateReplicas(value: string): string | null {
	const text = value.trim();
	if (text === '') return 'enter a replica count';
	if (!/^\d+$/.test(text)) return `replicas must be a whole number >= 0, not "${text}"`;
	const n = Number(text);
	if (n > maxReplicas) return `replicas must be at most ${maxReplicas} (got ${n}); scale in steps if you really need more`;
	return null;
}

type ScaleParams = Extract<ActionParams, {kind: 'scale'}>;

/** The confirmation of a scale to the count typed (`params.value`), from what was read when it was prepared. */
function describe(id: string, params: ScaleParams): ActionRequest {
	const {deployment, current, where, value} = params;
	const warnings: string[] = [];
	if (params.autoscaler) {
		warnings.push(`HorizontalPodAutoscaler ${params.autoscaler} manages deployment/${deployment}: it will override the replica count you set (change or remove the HPA instead).`);
	}
	const details: string[] = [
		current === undefined ? `current replicas: not known yet (the Pods pane has not listed deployment/${deployment})` : `current replicas: ${current}`,
		`applied through the scale subresource (deployments/scale)`,
	];
	if (params.autoscalerUnknown) details.push(`could not check for an autoscaler: ${params.autoscalerUnknown}`);
	const valid = validateReplicas(value) === null;
	const replicas = valid ? Number(value.trim()) : undefined;
	const shown = replicas ?? value.trim();
	return {
		id,
		kind: 'scale',
		title: scaleAction.title,
		dangerous: scaleAction.dangerous,
		target: {context: where.context, namespace: where.namespace, object: `deployment/${deployment}`},
		change: `replicas ${current ?? '?'} -> ${shown}`,
		proposal: `replicas ${current ?? '?'} -> ? (typed in the confirmation${shown === '' ? '' : `; ${shown} proposed`})`,
		kubectl: scaleCommand(where, deployment, shown),
		details: replicas === 0 ? [...details, 'scaling to 0 stops every pod of the deployment'] : details,
		warnings: replicas === 0 ? [...warnings, `replicas 0 takes deployment/${deployment} down completely.`] : warnings,
		...(params.production ? {typeToConfirm: deployment} : {}),
		input: {label: 'replicas', value},
		timeoutMs: kubeActionTimeoutMs,
		params,
	};
}

/** Asks whether an autoscaler manages the deployment (no mutating call) and describes the scale to `replicas`, else the current count. */
async function prepare(input: ScaleInput): Promise<ActionRequest> {
	const {cluster, env, deployment, current} = input;
	if (env.readonly && scaleAction.dangerous) throw readOnlyRefusal('scale', deployment);
	let autoscaler: string | null = null;
	let autoscalerUnknown: string | undefined;
	try {
		autoscaler = await cluster.autoscalerFor(deployment);
	} catch (error) {
		autoscalerUnknown = error instanceof Error ? error.message : String(error);
	}
	const params: ScaleParams = {
		kind: 'scale',
		deployment,
		where: {context: cluster.context, namespace: cluster.namespace},
		production: env.production,
		...(current === undefined ? {} : {current}),
		value: String(input.replicas ?? current ?? ''),
		autoscaler,
		...(autoscalerUnknown === undefined ? {} : {autoscalerUnknown}),
	};
	return describe(input.newId(), params);
}

/** A scale asked for on a row or a step: proposes the step's count, else the current one. */
async function request(subject: ActionSubject, ctx: PrepareContext): Promise<ActionRequest> {
	const {cluster, deployment} = deploymentSubject('scale', subject, ctx);
	return await prepare({cluster, env: ctx.env, deployment, current: ctx.replicas, replicas: subject.replicas ?? ctx.replicas, newId: ctx.newId});
}

/** The scale with the count the operator typed. */
function edit(request: ActionRequest, change: ActionEdit): ActionRequest | undefined {
	const params = request.params;
	if (params.kind !== 'scale' || change.type !== 'input') return undefined;
	return describe(request.id, {...params, value: change.value});
}

/** `kubectl scale` through the scale subresource, to the count confirmed. */
async function run(request: ActionRequest, ctx: ActionContext): Promise<ActionOutcome> {
	const params = request.params;
	if (params.kind !== 'scale') throw new Error(`not a scale: ${request.kind}`);
	const problem = validateReplicas(params.value);
	if (problem !== null) throw new Error(problem);
	if (!ctx.cluster) throw new Error(`no cluster to scale deployment/${params.deployment} in`);
	const result = await actingAt(ctx.cluster, params.where).scale(params.deployment, Number(params.value.trim()), ctx.signal);
	return {summary: result.summary};
}

export const scaleAction = {
	kind: 'scale' as const,
	title: 'Scale deployment',
	dangerous: true,
	cluster: true,
	request,
	prepare,
	edit,
	validate: (request: ActionRequest) => (request.params.kind === 'scale' ? validateReplicas(request.params.value) : null),
	run,
} satisfies ActionDef & {prepare: (input: ScaleInput) => Promise<ActionRequest>};
