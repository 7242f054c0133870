/**
 * What kubelet, the scheduler and the Deployment controller would have recorded about the simulated
 * objects, from the simulation's state: a pod's events, its containers as `kubectl describe pod`
 * shows them, and the log the demo's app writes (its start, a health probe every 5 s; on the bad
 * release, its price cache growing, then GC pauses and timed-out requests until the OOM kill).
 */
import type {ContainerStatusInfo, EventInfo} from '../ports/cluster.js';
import {apiTime, badImage, demoNamespace, eventTtlMs, logEveryMs, type SimDeployment, type SimPod} from './cluster-model.js';

/** When the pod's running container started: at its last restart, else two seconds after the pod was created. */
export function runStart(pod: SimPod): number {
	return pod.restartedAt ?? pod.createdAt + 2000;
}

/** The line the app in `pod` writes at `at` in the run that started at `start`. */
export function runLine(pod: SimPod, start: number, at: number): string {
	if (at <= start) return listeningLine(pod, at);
	if (pod.image !== badImage) return `${apiTime(at)} info  GET /health 200 ${1 + (Math.floor(at / logEveryMs) % 3)} ms`;
	const i = Math.max(1, Math.round((at - start) / logEveryMs));
	if (i <= 8) return cacheLine(at, i);
	// Near its limit: long GC pauses, and requests that time out behind them (the 5xx the Metrics pane shows).
	return i % 2 === 0
		? `${apiTime(at)} warn  GC pause ${600 + (i % 7) * 50} ms, heap ${505 + (i % 3)} MiB of 512 MiB`
		: `${apiTime(at)} error POST /api/checkout 503 in ${(1.1 + (i % 5) * 0.3).toFixed(1)} s: price lookup timed out`;
}

/** The first line of a run of the app in `pod`. */
function listeningLine(pod: SimPod, at: number): string {
	return `${apiTime(at)} info  ${pod.deployment} ${pod.image.split(':')[1] ?? 'latest'} listening on :8080`;
}

/** The bad release's price cache, `i` steps into a run: it grows until the heap (512 MiB) is full at the eighth. */
function cacheLine(at: number, i: number): string {
	return `${apiTime(at)} warn  price cache holds ${60_000 * i} entries, heap ${180 + 41 * i} MiB of 512 MiB`;
}

/** The running container's log up to `now`, only as far back as the tail reaches: its start, then a line every 5 s. */
export function runSoFar(pod: SimPod, now: number, tailLines: number): string[] {
	const start = runStart(pod);
	const from = Math.max(start, now - tailLines * logEveryMs);
	const lines = from === start ? [runLine(pod, start, start)] : [];
	for (let at = start + logEveryMs * Math.max(1, Math.ceil((from - start) / logEveryMs)); at <= now; at += logEveryMs) lines.push(runLine(pod, start, at));
	return lines.slice(-tailLines);
}

/** The log of the run before the last restart: its last 40 s, which end where the container was killed. */
export function previousRun(pod: SimPod, now: number): string[] {
	const end = pod.restartedAt ?? now;
	const begin = end - 40_000;
	const lines = [listeningLine(pod, begin)];
	if (pod.lastTerminationReason === 'OOMKilled') {
		// The bad release's cache grows until the kernel kills the container: its log just stops.
		for (let i = 1; i <= 8; i++) lines.push(cacheLine(begin + i * 4500, i));
	} else {
		lines.push(`${apiTime(end - 1500)} error lost the connection to redis:6379 (ECONNRESET); exiting so the kubelet restarts us`);
	}
	return lines;
}

/** The Deployment controller's events: one ScalingReplicaSet per ReplicaSet made within the events' hour. */
export function deploymentEvents(d: SimDeployment, now: number): EventInfo[] {
	return [...d.replicaSets.values()]
		.filter(rs => now - rs.createdAt < eventTtlMs)
		.sort((a, b) => a.createdAt - b.createdAt)
		.map(rs => ({type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${rs.name} from 0 to 1`, count: 1, lastSeen: apiTime(rs.createdAt)}));
}

/** The scheduler's and kubelet's events about a pod, oldest first; events live an hour, as by default. */
export function podEvents(pod: SimPod, now: number): EventInfo[] {
	const events: EventInfo[] = [];
	const started = pod.createdAt + 2000;
	const last = pod.restartedAt ?? started;
	if (now - pod.createdAt < eventTtlMs) {
		events.push({type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${demoNamespace}/${pod.name} to ${pod.node}`, count: 1, lastSeen: apiTime(pod.createdAt)});
	}
	if (now - last < eventTtlMs) {
		const runs = 1 + pod.restarts;
		events.push(
			{type: 'Normal', reason: 'Pulled', message: `Container image "${pod.image}" already present on machine`, count: runs, lastSeen: apiTime(last)},
			{type: 'Normal', reason: 'Created', message: `Created container ${pod.deployment}`, count: runs, lastSeen: apiTime(last)},
			{type: 'Normal', reason: 'Started', message: `Started container ${pod.deployment}`, count: runs, lastSeen: apiTime(last)},
		);
	}
	if (pod.waitingReason === 'CrashLoopBackOff') {
		events.push({type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${pod.deployment} in pod ${pod.name}_${demoNamespace}`, count: pod.restarts - 1, lastSeen: apiTime(now)});
	}
	return events.sort((a, b) => Date.parse(a.lastSeen) - Date.parse(b.lastSeen));
}

/** One container per pod, named after its deployment; an OOM kill ends with exit 137, as the kernel's SIGKILL does. */
export function podContainers(pod: SimPod): ContainerStatusInfo[] {
	const reason = pod.lastTerminationReason;
	return [
		{
			name: pod.deployment,
			ready: pod.ready,
			restarts: pod.restarts,
			state: pod.waitingReason ? `waiting: ${pod.waitingReason}` : 'running',
			...(reason && pod.restarts > 0
				? {
						lastTermination: {
							reason,
							exitCode: reason === 'OOMKilled' ? 137 : 1,
							...(pod.restartedAt ? {finishedAt: apiTime(pod.restartedAt)} : {}),
						},
					}
				: {}),
		},
	];
}
