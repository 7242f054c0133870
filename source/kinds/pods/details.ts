/**
 * enter on the Pods pane. A pod: why it is unwell, without leaving the cockpit: its facts as read
 * just then, each container's state and last run, its events and the end of its log. A deployment:
 * its rollout history and the events that say why a rollout is stuck.
 */
import type {Cluster, EventInfo, PodInfo, PodNow} from '../../ports/cluster.js';
import {formatAge} from '../../text/format.js';
import {readDeadline} from '../details.js';
import type {Details, DetailsContext, RowRef} from '../types.js';
import {podsData} from './data.js';
import {objectKey} from './cluster-data.js';
import {podStatus, rolloutText} from './rows.js';

/** A pod's or a deployment's details. */
export async function podDetails(ref: RowRef, ctx: DetailsContext): Promise<Details> {
	// Read where the row is: its namespace and context when several are watched.
	const here = ctx.cluster && (ref.namespace !== undefined || ref.context !== undefined) ? (ctx.cluster.at?.({namespace: ref.namespace, context: ref.context}) ?? ctx.cluster) : ctx.cluster;
	const placed = {...ctx, cluster: here};
	if (ref.pod) return podFacts(ref.pod, ref, placed);
	if (ref.deployment) return deploymentFacts(ref.deployment, ref, placed);
	return {title: 'other pods', lines: ['(a heading: the rows under it have the details)']};
}

/** A deployment: its state, its rollout history, and the events of it and of its newest ReplicaSet. */
async function deploymentFacts(name: string, ref: RowRef, ctx: DetailsContext): Promise<Details> {
	const {state, cluster} = ctx;
	const data = podsData.of(state);
	const d = data.deployments[objectKey(data.wide, {...ref, name})];
	const lines = d
		? [
				`deployment  ${d.namespace}/${d.name}`,
				`revision    ${d.revision}`,
				`replicas    ${d.readyReplicas}/${d.replicas} ready, ${d.updatedReplicas} updated, ${d.availableReplicas} available`,
				`rollout     ${rolloutText(d)}`,
				`images      ${d.images.join(', ')}`,
			]
		: ['(gone)'];
	if (cluster) {
		const deadline = readDeadline(ctx.timeoutMs);
		let newest: string | undefined;
		try {
			const history = await deadline.run(signal => cluster.history(name, signal));
			newest = history[0]?.replicaSet;
			lines.push('', 'rollout history (newest first):');
			for (const r of history) lines.push(`  rev ${String(r.revision).padEnd(4)} ${r.createdAt.slice(0, 19).replace('T', ' ')}  ${r.images.join(', ')}${r.changeCause ? `  (${r.changeCause})` : ''}`);
		} catch (error) {
			lines.push('', `history unavailable: ${(error as Error).message}`);
		}
		// A stuck rollout says why in the events of the deployment and of its newest ReplicaSet
		// (FailedCreate: exceeded quota, a webhook that denied the pods).
		const events = await Promise.allSettled([
			deadline.run(signal => cluster.events('Deployment', name, signal)),
			...(newest ? [deadline.run(signal => cluster.events('ReplicaSet', newest, signal))] : []),
		]);
		lines.push(...eventLines(events, ctx));
	}
	return {title: `Deployment: ${name}`, lines};
}

/** A pod: its facts as read just now, its containers, events and log. */
async function podFacts(name: string, ref: RowRef, ctx: DetailsContext): Promise<Details> {
	const {state, cluster} = ctx;
	const data = podsData.of(state);
	const known = data.pods.get(objectKey(data.wide, {...ref, name}));
	if (!known) return {title: name, lines: ['(gone)']};
	const diagnosis = cluster ? await podDiagnosis(known.name, cluster, ctx) : undefined;
	// The pod as read just now when that worked, so its summary agrees with its containers
	// below; the pane's row can be a flush (refresh.podsMs) behind an OOM kill.
	const p = diagnosis?.pod ?? known;
	const lines = [
		`namespace   ${p.namespace}`,
		`deployment  ${p.deployment ?? known.deployment ?? '—'}`,
		`status      ${podStatus(p)} (phase ${p.phase})`,
		`ready       ${p.ready}/${p.containers}`,
		`restarts    ${p.restarts}`,
		`last exit   ${p.lastTerminationReason ?? '—'}`,
		`node        ${p.node ?? '—'}`,
		`created     ${p.createdAt}`,
		...(diagnosis?.lines ?? []),
		'',
		`kubectl --context ${p.context ?? state.env.context} -n ${p.namespace} describe pod ${p.name}`,
	];
	return {title: `Pod: ${p.name}`, lines};
}

/**
 * Why a pod is unwell, without leaving the cockpit: its events (`kubectl describe pod`) and the end
 * of the log of the container that last restarted, from before the restart (`kubectl logs --previous`).
 * Both are reads; either failing (403 for a user without pods/log) says so in its place.
 */
async function podDiagnosis(pod: string, cluster: Cluster, options: DetailsContext): Promise<{pod?: PodInfo; lines: string[]}> {
	const {redact, tailLines} = options;
	const deadline = readDeadline(options.timeoutMs);
	const [now, events, log] = await Promise.allSettled([
		deadline.run(signal => cluster.podNow(pod, signal)),
		deadline.run(signal => cluster.events('Pod', pod, signal)),
		deadline.run(signal => cluster.podLog(pod, tailLines, signal)),
	]);
	const lines = [...containerLines(now, options), ...eventLines([events], options)];
	if (log.status === 'rejected') {
		lines.push('', `log unavailable: ${(log.reason as Error).message}`);
	} else {
		const {container, previous} = log.value;
		const kubectl = `kubectl logs ${pod} -c ${container}${previous ? ' --previous' : ''} --tail=${tailLines}`;
		lines.push('', `log of ${container}${previous ? ', before its last restart' : ''} (${kubectl}):`);
		if (log.value.lines.length === 0) lines.push('  (empty)');
		for (const line of log.value.lines) lines.push(`  ${redact(line)}`);
	}
	return now.status === 'fulfilled' ? {pod: now.value.pod, lines} : {lines};
}

/** Each container's state and how its last run ended: the exit code says OOM kill (137) from a crash (1). */
function containerLines(result: PromiseSettledResult<PodNow>, {now, redact}: DetailsContext): string[] {
	const lines = ['', 'containers:'];
	if (result.status === 'rejected') return [...lines, `  unavailable: ${(result.reason as Error).message} (the summary above is the pane's)`];
	for (const c of result.value.containers) {
		// An init container is never ready: it runs to completion before the others start.
		const ready = c.init ? '' : c.ready ? 'ready, ' : 'not ready, ';
		lines.push(`  ${c.init ? 'init ' : ''}${c.name}  ${ready}${c.restarts} restart${c.restarts === 1 ? '' : 's'}, ${c.state}`);
		const last = c.lastTermination;
		if (!last) continue;
		const when = last.finishedAt ? `, ${formatAge(Math.max(0, now() - Date.parse(last.finishedAt)))} ago` : '';
		lines.push(`    last run ended: ${last.reason}${last.exitCode === undefined ? '' : ` (exit ${last.exitCode})`}${when}`);
		// Its termination message (a panic, the app's last words), ten lines at most.
		for (const line of (last.message ?? '').split('\n').filter(Boolean).slice(0, 10)) lines.push(`    ${redact(line)}`);
	}
	return lines;
}

/** The events of one or more objects, merged oldest first, or what stopped each read. */
function eventLines(results: ReadonlyArray<PromiseSettledResult<EventInfo[]>>, {now, redact}: DetailsContext): string[] {
	const lines: string[] = ['', 'events (newest last):'];
	const events: EventInfo[] = [];
	for (const result of results) {
		if (result.status === 'rejected') lines.push(`  unavailable: ${(result.reason as Error).message}`);
		else events.push(...result.value);
	}
	events.sort((a, b) => Date.parse(a.lastSeen) - Date.parse(b.lastSeen));
	if (events.length === 0 && lines.length === 2) lines.push('  none in the last hour (the API server keeps events about an hour)');
	for (const e of events) {
		const age = formatAge(Math.max(0, now() - Date.parse(e.lastSeen)));
		lines.push(`  ${age.padStart(6)}  ${e.type.padEnd(7)} ${e.reason}${e.count > 1 ? ` ×${e.count}` : ''}: ${redact(e.message)}`);
	}
	return lines;
}
