import type {DeploymentInfo, PodInfo} from '../../source/ports/cluster.js';
import type {Runbook} from '../../source/runbook/model.js';
import type {HealthRow} from '../../source/kinds/health/data.js';
import type {MetricRow} from '../../source/kinds/metrics/data.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';

export const fixedNow = Date.parse('2026-11-22T03:20:00.000Z');

export function healthRows(): HealthRow[] {
	return [
		{
			name: 'checkout',
			url: 'http://127.0.0.1:8080/health/deep',
			deployment: 'checkout',
			ok: false,
			status: 503,
			latencyMs: 840,
			tone: 'crit',
			detail: 'HTTP 503',
			checkedAt: fixedNow,
			dependencies: [
				{name: 'postgres', status: 'healthy', ok: true, latencyMs: 4, tone: 'ok'},
				{name: 'payments', status: 'degraded', ok: true, latencyMs: 1200, tone: 'warn'},
			],
		},
		{name: 'cart', url: 'http://127.0.0.1:8081/health', ok: true, status: 200, latencyMs: 12, tone: 'ok', checkedAt: fixedNow, dependencies: []},
	];
}

export function metricRows(): MetricRow[] {
	return [
		{
			id: 'error_ratio',
			title: '5xx ratio',
			promql: 'sum(rate(http_requests_total{status=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))',
			unit: 'ratio',
			warn: 0.01,
			critical: 0.05,
			direction: 'above',
			tone: 'crit',
			series: [{labels: '', value: 0.124, history: [0.002, 0.003, 0.05, 0.09, 0.12, 0.124], tone: 'crit'}],
		},
		{
			id: 'p95',
			title: 'p95 latency',
			promql: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))',
			unit: 'seconds',
			warn: 0.3,
			critical: 1,
			direction: 'above',
			tone: 'warn',
			series: [{labels: '', value: 0.45, history: [0.1, 0.2, 0.45], tone: 'warn'}],
		},
	];
}

export function deployment(name: string, extra: Partial<DeploymentInfo> = {}): DeploymentInfo {
	return {
		name,
		namespace: 'shop',
		revision: 3,
		replicas: 4,
		readyReplicas: 4,
		updatedReplicas: 4,
		availableReplicas: 4,
		images: [`shop/${name}:1.8.0`],
		generation: 3,
		observedGeneration: 3,
		rolloutComplete: true,
		createdAt: '2026-11-20T10:00:00.000Z',
		...extra,
	};
}

export function pod(name: string, deploymentName: string, extra: Partial<PodInfo> = {}): PodInfo {
	return {name, namespace: 'shop', deployment: deploymentName, phase: 'Running', ready: 1, containers: 1, restarts: 0, node: 'node-a', createdAt: '2026-11-22T03:00:00.000Z', ...extra};
}

export function clusterFixture(): {pods: PodInfo[]; deployments: DeploymentInfo[]} {
	return {
		deployments: [deployment('checkout', {readyReplicas: 3}), deployment('cart', {replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2})],
		pods: [
			pod('checkout-7d9f8-aaaaa', 'checkout', {restarts: 2, lastTerminationReason: 'OOMKilled'}),
			pod('checkout-7d9f8-bbbbb', 'checkout', {ready: 0, waitingReason: 'CrashLoopBackOff', restarts: 5, lastTerminationReason: 'OOMKilled'}),
			pod('checkout-7d9f8-ccccc', 'checkout'),
			pod('checkout-7d9f8-ddddd', 'checkout'),
			pod('cart-5c6b7-eeeee', 'cart'),
			pod('cart-5c6b7-fffff', 'cart'),
		],
	};
}

export function runbookFixture(): Runbook {
	return {
		id: 'bad-deploy',
		title: 'Bad deploy',
		source: 'builtin:bad-deploy',
		format: 'yaml',
		alerts: [{name: 'HighErrorRate'}],
		variables: [{name: 'deployment', default: 'checkout'}],
		queries: [{id: 'error_ratio', title: '5xx ratio', promql: 'x', unit: 'ratio', warn: 0.01, critical: 0.05}],
		sections: [{title: 'Confirm', level: 2}, {title: 'Mitigate', level: 2}],
		steps: [
			{id: 'confirm-errors', title: 'Confirm the error ratio is above 5%', section: 'Confirm', depth: 0, text: ['Look at the Metrics pane.'], queries: ['error_ratio'], commands: []},
			{id: 'check-rollout', title: 'Check the last rollout', section: 'Confirm', depth: 0, text: [], queries: [], commands: [{id: 'history', argv: ['kubectl', 'rollout', 'history', 'deployment/{{deployment}}'], lang: 'argv'}]},
			{id: 'roll-back', title: 'Roll back to the previous revision', section: 'Mitigate', depth: 0, text: [], queries: [], commands: [], action: {kind: 'rollback', deployment: '{{deployment}}'}},
			{id: 'roll-back-verify', title: 'Watch the error ratio fall', section: 'Mitigate', depth: 1, text: [], queries: ['error_ratio'], commands: [], doneWhen: {query: 'error_ratio', below: 0.01, forSeconds: 60}},
		],
		escalation: [],
		primaryQuery: 'error_ratio',
	};
}

let seq = 0;
export function timelineEvent(type: AnyTimelineEvent['type'], data: unknown, at: string): AnyTimelineEvent {
	return {v: 1, id: `ev${++seq}`, at, by: 'alice@bastion-1', type, data} as AnyTimelineEvent;
}

export function timelineFixture(): AnyTimelineEvent[] {
	return [
		timelineEvent('incident.opened', {title: 'Checkout 5xx after deploy', severity: 'SEV2'}, '2026-11-22T03:00:00.000Z'),
		timelineEvent('signal', {kind: 'pod.oomkilled', level: 'crit', message: 'pod checkout-7d9f8-aaaaa OOMKilled', subject: 'pod/checkout-7d9f8-aaaaa'}, '2026-11-22T03:02:00.000Z'),
		timelineEvent('note.added', {text: 'paging payments team'}, '2026-11-22T03:05:00.000Z'),
	];
}

/** A store prefilled with every pane's data. */
export function fullState() {
	const cluster = clusterFixture();
	return {cluster, health: healthRows(), metrics: metricRows(), runbook: runbookFixture(), timeline: timelineFixture()};
}
