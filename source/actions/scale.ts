/**
 * `s` scale: `kubectl scale` through the scale subresource. The request carries an editable replica
 * count prefilled with the current one, validated, and a warning when a HorizontalPodAutoscaler
 * manages the deployment (it would override the count).
 */
import type {Cluster} from '../ports/cluster.js';
import type {EnvInfo} from '../store/types.js';
import {scaleCommand} from './kubectl.js';
import {kubeActionTimeoutMs, readOnlyRefusal} from './rollback.js';
import type {ActionContext, ActionOutcome, ActionRequest} from './types.js';

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

async function prepare(input: ScaleInput): Promise<ActionRequest> {
	const {cluster, env, deployment, current} = input;
	if (env.readonly) throw readOnlyRefusal('scale', deployment);
	let autoscaler: string | null = null;
	let autoscalerUnknown: string | undefined;
	try {
		autoscaler = await cluster.autoscalerFor(deployment);
	} catch (error) {
		autoscalerUnknown = error instanceof Error ? error.message : String(error);
	}
	const warnings: string[] = [];
	if (autoscaler) {
		warnings.push(`HorizontalPodAutoscaler ${autoscaler} manages deployment/${deployment}: it will override the replica count you set (change or remove the HPA instead).`);
	}
	const details: string[] = [
		current === undefined ? `current replicas: not known yet (the Pods pane has not listed deployment/${deployment})` : `current replicas: ${current}`,
		`applied through the scale subresource (deployments/scale)`,
	];
	if (autoscalerUnknown) details.push(`could not check for an autoscaler: ${autoscalerUnknown}`);
	const id = input.newId();

	const build = (value: string): ActionRequest => {
		const valid = validateReplicas(value) === null;
		const replicas = valid ? Number(value.trim()) : undefined;
		const shown = replicas ?? value.trim();
		const request: ActionRequest = {
			id,
			kind: 'scale',
			title: scaleAction.title,
			dangerous: true,
			target: {context: cluster.context, namespace: cluster.namespace, object: `deployment/${deployment}`},
			change: `replicas ${current ?? '?'} -> ${shown}`,
			proposal: `replicas ${current ?? '?'} -> ? (typed in the confirmation${shown === '' ? '' : `; ${shown} proposed`})`,
			kubectl: scaleCommand(cluster, deployment, shown),
			details: replicas === 0 ? [...details, 'scaling to 0 stops every pod of the deployment'] : details,
			warnings: replicas === 0 ? [...warnings, `replicas 0 takes deployment/${deployment} down completely.`] : warnings,
			...(env.production ? {typeToConfirm: deployment} : {}),
			input: {label: 'replicas', value},
			validateInput: validateReplicas,
			withInput: build,
			timeoutMs: kubeActionTimeoutMs,
			async run(ctx: ActionContext): Promise<ActionOutcome> {
				const problem = validateReplicas(value);
				if (problem !== null || replicas === undefined) throw new Error(problem ?? 'invalid replica count');
				const result = await (ctx.cluster ?? cluster).scale(deployment, replicas, ctx.signal);
				return {summary: result.summary};
			},
		};
		return request;
	};
	return build(String(input.replicas ?? current ?? ''));
}

export const scaleAction = {
	kind: 'scale' as const,
	title: 'Scale deployment',
	dangerous: true,
	prepare,
};
