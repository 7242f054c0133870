/**
 * `r` restart: `kubectl rollout restart` through the API (a new kubectl.kubernetes.io/restartedAt
 * annotation on the pod template makes the deployment replace its pods, respecting its strategy).
 */
import type {Cluster} from '../ports/cluster.js';
import type {EnvInfo} from '../model/env.js';
import {rolloutRestartCommand} from './kubectl.js';
import {actingAt, deploymentSubject, kubeActionTimeoutMs, readOnlyRefusal} from './rollback.js';
import type {ActionContext, ActionDef, ActionOutcome, ActionRequest, ActionSubject, PrepareContext} from './types.js';

export interface RestartInput {
	cluster: Cluster;
	env: EnvInfo;
	deployment: string;
	/** Current replica count, for the description; omitted when unknown. */
	replicas?: number;
	newId: () => string;
}

/** Describes the restart (nothing to read: the replica count is the Pods pane's). */
function prepare(input: RestartInput): Promise<ActionRequest> {
	const {cluster, env, deployment, replicas} = input;
	if (env.readonly && restartAction.dangerous) return Promise.reject(readOnlyRefusal('restart', deployment));
	const pods = replicas === undefined ? 'all pods' : `all ${replicas} pod${replicas === 1 ? '' : 's'}`;
	const where = {context: cluster.context, namespace: cluster.namespace};
	return Promise.resolve({
		id: input.newId(),
		kind: 'restart',
		title: restartAction.title,
		dangerous: restartAction.dangerous,
		target: {...where, object: `deployment/${deployment}`},
		change: `restart ${pods} (rolling)`,
		kubectl: rolloutRestartCommand(where, deployment),
		details: [
			'sets the kubectl.kubernetes.io/restartedAt annotation on the pod template;',
			'pods are replaced following the deployment strategy (maxUnavailable/maxSurge).',
		],
		warnings: replicas === 1 ? ['a single replica: expect a short interruption if the new pod is slow to become ready.'] : [],
		timeoutMs: kubeActionTimeoutMs,
		params: {kind: 'restart', deployment, where, production: env.production, ...(replicas === undefined ? {} : {replicas})},
	});
}

/** A restart asked for on a row or a step. */
async function request(subject: ActionSubject, ctx: PrepareContext): Promise<ActionRequest> {
	const {cluster, deployment} = deploymentSubject('restart', subject, ctx);
	return await prepare({cluster, env: ctx.env, deployment, replicas: ctx.replicas, newId: ctx.newId});
}

/** `kubectl rollout restart` through the API. */
async function run(request: ActionRequest, ctx: ActionContext): Promise<ActionOutcome> {
	const params = request.params;
	if (params.kind !== 'restart') throw new Error(`not a restart: ${request.kind}`);
	if (!ctx.cluster) throw new Error(`no cluster to restart deployment/${params.deployment} in`);
	const result = await actingAt(ctx.cluster, params.where).restart(params.deployment, ctx.signal);
	return {summary: result.summary};
}

export const restartAction = {
	kind: 'restart' as const,
	title: 'Restart deployment',
	dangerous: true,
	cluster: true,
	request,
	prepare,
	run,
} satisfies ActionDef & {prepare: (input: RestartInput) => Promise<ActionRequest>};
