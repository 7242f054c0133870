/**
 * `r` restart: `kubectl rollout restart` through the API (a new kubectl.kubernetes.io/restartedAt
 * annotation on the pod template makes the deployment replace its pods, respecting its strategy).
 */
import type {Cluster} from '../ports/cluster.js';
import type {EnvInfo} from '../store/types.js';
import {rolloutRestartCommand} from './kubectl.js';
import {kubeActionTimeoutMs, readOnlyRefusal} from './rollback.js';
import type {ActionContext, ActionOutcome, ActionRequest} from './types.js';

export interface RestartInput {
	cluster: Cluster;
	env: EnvInfo;
	deployment: string;
	/** Current replica count, for the description; omitted when unknown. */
	replicas?: number;
	newId: () => string;
}

async function prepare(input: RestartInput): Promise<ActionRequest> {
	const {cluster, env, deployment, replicas} = input;
	if (env.readonly) throw readOnlyRefusal('restart', deployment);
	const pods = replicas === undefined ? 'all pods' : `all ${replicas} pod${replicas === 1 ? '' : 's'}`;
	return {
		id: input.newId(),
		kind: 'restart',
		title: restartAction.title,
		dangerous: true,
		target: {context: cluster.context, namespace: cluster.namespace, object: `deployment/${deployment}`},
		change: `restart ${pods} (rolling)`,
		kubectl: rolloutRestartCommand(cluster, deployment),
		details: [
			'sets the kubectl.kubernetes.io/restartedAt annotation on the pod template;',
			'pods are replaced following the deployment strategy (maxUnavailable/maxSurge).',
		],
		warnings: replicas === 1 ? ['a single replica: expect a short interruption if the new pod is slow to become ready.'] : [],
		timeoutMs: kubeActionTimeoutMs,
		async run(ctx: ActionContext): Promise<ActionOutcome> {
			const result = await (ctx.cluster ?? cluster).restart(deployment, ctx.signal);
			return {summary: result.summary};
		},
	};
}

export const restartAction = {
	kind: 'restart' as const,
	title: 'Restart deployment',
	dangerous: true,
	prepare,
};
