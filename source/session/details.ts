import type {Cluster, EventInfo, PodInfo, PodNow} from '../ports/cluster.js';
import type {RowRef} from '../store/selectors.js';
import {podStatus, rolloutText, sparklineCeiling} from '../store/selectors.js';
import {detailLines, detailsState} from '../store/selectors-details.js';
import {hhmmss} from '../store/selectors-timeline.js';
import type {DetailPart, IncidentState, MetricRow} from '../store/types.js';
import {formatAge, formatValue, shortLabels, sparkline} from '../text/format.js';
import type {Metrics, RangeSeries} from '../ports/metrics.js';
import {shownCommand} from '../actions/command.js';
import {renderTemplate, stepDeployment} from '../runbook/template.js';
import {describeEvent, stepCheckHow} from '../timeline/describe.js';
import type {AnyTimelineEvent} from '../timeline/events.js';
import {stringify} from 'yaml';

/** A details view: its title, its lines as they are now, and (for a query or a step) the parts its dialog keeps live. */
export interface Details {
	title: string;
	lines: string[];
	parts?: DetailPart[];
}

/** Details with their live parts resolved against `state`, as the dialog first draws them. */
function withLines(details: {title: string; parts: DetailPart[]}, state: IncidentState, now: number): Details {
	return {...details, lines: detailLines(details.parts, detailsState(state), now)};
}

/** The lines of the details view for a selected row (plain text, already redacted where it matters). */
export async function detailsFor(ref: RowRef, state: IncidentState, cluster: Cluster | null, given: DiagnosisOptions = {}): Promise<Details> {
	const options: Diagnosis = {redact: text => text, now: Date.now, tailLines: 20, timeoutMs: 5000, variables: {}, secretVariables: [], metrics: null, ...given};
	switch (ref.kind) {
		case 'health': {
			const row = state.health.find(h => h.name === ref.service);
			if (!row) return {title: ref.service, lines: ['(gone)']};
			return {
				title: `Health: ${row.name}`,
				lines: [
					`url       ${row.url}`,
					`deploys   ${row.deployment ? `deployment/${row.deployment} (u, s and r act on it)` : '— (name one with `deployment:` in the config for u, s and r)'}`,
					`result    ${row.ok ? 'healthy' : 'unhealthy'}${row.status ? ` (HTTP ${row.status})` : ''}`,
					`latency   ${row.latencyMs === undefined ? '—' : formatValue(row.latencyMs, 'ms')}`,
					...(row.detail ? [`detail    ${row.detail}`] : []),
					`checked   ${new Date(row.checkedAt).toISOString()}`,
					...(row.dependencies.length ? ['', 'dependencies:'] : []),
					...row.dependencies.map(d => `  ${d.ok ? '✓' : '✗'} ${d.name.padEnd(20)} ${d.status.padEnd(12)} ${d.latencyMs === undefined ? '' : formatValue(d.latencyMs, 'ms')}`),
				],
			};
		}
		case 'metric': {
			const metric = state.metrics.find(m => m.id === ref.id);
			if (!metric) return {title: ref.id, lines: ['(gone)']};
			// Its values and state follow the store while the dialog is open; its history is read now, and says to when.
			const parts: DetailPart[] = [{live: 'metric', id: metric.id}, {lines: options.metrics ? await metricHistory(metric, options.metrics, options) : []}];
			return withLines({title: `Query: ${metric.title}`, parts}, state, options.now());
		}
		case 'deployment': {
			const d = state.cluster.deployments[ref.name];
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
				const deadline = readDeadline(options);
				let newest: string | undefined;
				try {
					const history = await deadline.run(signal => cluster.history(ref.name, signal));
					newest = history[0]?.replicaSet;
					lines.push('', 'rollout history (newest first):');
					for (const r of history) lines.push(`  rev ${String(r.revision).padEnd(4)} ${r.createdAt.slice(0, 19).replace('T', ' ')}  ${r.images.join(', ')}${r.changeCause ? `  (${r.changeCause})` : ''}`);
				} catch (error) {
					lines.push('', `history unavailable: ${(error as Error).message}`);
				}
				// A stuck rollout says why in the events of the deployment and of its newest ReplicaSet
				// (FailedCreate: exceeded quota, a webhook that denied the pods).
				const events = await Promise.allSettled([
					deadline.run(signal => cluster.events('Deployment', ref.name, signal)),
					...(newest ? [deadline.run(signal => cluster.events('ReplicaSet', newest, signal))] : []),
				]);
				lines.push(...eventLines(events, options));
			}
			return {title: `Deployment: ${ref.name}`, lines};
		}
		case 'pod': {
			const known = state.cluster.pods.get(ref.name);
			if (!known) return {title: ref.name, lines: ['(gone)']};
			const diagnosis = cluster ? await podDiagnosis(known.name, cluster, options) : undefined;
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
				`kubectl --context ${state.env.context} -n ${p.namespace} describe pod ${p.name}`,
			];
			return {title: `Pod: ${p.name}`, lines};
		}
		case 'step': {
			const step = state.runbook?.steps.find(s => s.id === ref.id);
			if (!step) return {title: ref.id, lines: ['(gone)']};
			const lines = [...step.text];
			if (step.role) lines.unshift(`role: ${step.role}`);
			// What x would run and act on, with this incident's values filled in (secrets masked), not the template.
			const {variables, secretVariables} = options;
			if (step.action) lines.push('', `action: ${step.action.kind}${step.action.deployment ? ` deployment/${stepDeployment(step, variables)}` : ''} (x to run)`);
			for (const command of step.commands) lines.push('', `$ ${shownCommand(command, variables, secretVariables, 'keep')}`);
			const parts: DetailPart[] = [{lines}];
			for (const id of step.queries) {
				// The query as the Metrics pane runs it (variables filled), with its value now, as long as the dialog is open.
				const query = state.runbook?.queries.find(x => x.id === id);
				parts.push({live: 'step-query', id, otherwise: query ? ['', `query ${query.title}: ${renderTemplate(query.promql, variables, {missing: 'keep'})}`] : []});
			}
			if (step.doneWhen) parts.push({live: 'done-when', stepId: step.id});
			// Who ticked it, when, and why: a tick by its condition is not its action done.
			const tick = state.incident.checkedSteps[step.id] && state.runbook ? state.incident.stepTicks[state.runbook.id]?.[step.id] : undefined;
			const how = tick && stepCheckHow(tick.data);
			if (tick) parts.push({lines: ['', `checked ${hhmmss(tick.at)} UTC by ${tick.by}${how ? `: ${how}` : ''}`]});
			if (step.line) parts.push({lines: ['', `${state.runbook?.source}:${step.line}`]});
			return withLines({title: `Step: ${step.title}`, parts}, state, options.now());
		}
		case 'event': {
			const event = state.timeline.find(e => e.id === ref.id);
			if (!event) return {title: ref.id, lines: ['(gone)']};
			return {title: `Event at ${hhmmss(event.at)} UTC`, lines: eventDetailLines(event, state)};
		}
		case 'section': {
			// Headings are not selected (selection.ts) unless a filter leaves nothing else.
			const steps = state.runbook?.steps.filter(step => step.section === ref.title) ?? [];
			return {title: ref.title, lines: steps.length ? steps.map(step => `${state.incident.checkedSteps[step.id] ? '[x]' : '[ ]'} ${step.title}`) : ['(a heading: the rows under it have the details)']};
		}
	}
}

/**
 * A timeline event as a person reads it: the line the Timeline pane shows, whole; when and who; its
 * data as YAML (not JSON: no quotes or braces to read past); and an action's output as it was
 * printed, a line per line, after the rest.
 */
function eventDetailLines(event: AnyTimelineEvent, state: IncidentState): string[] {
	const {output, ...data} = event.data as {output?: unknown};
	const lines = [
		describeEvent(event, Number.POSITIVE_INFINITY).text,
		'',
		`time      ${event.at.slice(0, 23).replace('T', ' ')} UTC`,
		`by        ${event.by}`,
		`type      ${event.type}${state.incident.pinned[event.id] ? ' (pinned)' : ''}`,
		'',
		'data:',
		...yamlLines(data),
	];
	if (typeof output === 'string') lines.push('', 'output:', ...output.replace(/\n$/, '').split('\n').map(line => `  ${line}`));
	return lines;
}

function yamlLines(data: unknown): string[] {
	return stringify(data, {lineWidth: 0})
		.replace(/\n$/, '')
		.split('\n')
		.map(line => `  ${line}`);
}

/** How far back a query's details look, and the step: "when did it start?" is asked minutes into an incident. */
const historyWindowSec = 30 * 60;
const historyStepSec = 60;
/** Series shown in a query's history; a query by status code has a handful, one by pod could have hundreds. */
const historySeries = 6;

/**
 * A query's last 30 minutes, a line per series: a sparkline of one-minute steps, and for a query
 * with thresholds when it went past its warning (or came back under it) and its peak. That answers
 * "when did it start?", which the Metrics pane's 20 recent samples cannot once an incident is old.
 */
async function metricHistory(metric: MetricRow, metrics: Metrics, options: Diagnosis): Promise<string[]> {
	const endSec = Math.floor(options.now() / 1000);
	const lines = ['', `last 30 minutes (1-minute steps, to ${clock(endSec)} UTC):`];
	let series: RangeSeries[];
	try {
		series = await readDeadline(options).run(signal => metrics.range(metric.promql, endSec - historyWindowSec, endSec, historyStepSec, signal));
	} catch (error) {
		return [...lines, `  unavailable: ${(error as Error).message}`];
	}
	const shown = series.filter(s => s.points.length > 0).slice(0, historySeries);
	if (shown.length === 0) return [...lines, '  no data in that window'];
	const ceiling = sparklineCeiling(metric);
	for (const s of shown) {
		const labels = shortLabels(s.labels);
		lines.push(`  ${sparkline(s.points.map(([, v]) => v), historyWindowSec / historyStepSec + 1, ceiling)}  ${clock(s.points[0]![0])}–${clock(s.points.at(-1)![0])}${labels ? `  ${labels}` : ''}`);
		const peak = s.points.reduce((best, point) => (point[1] > best[1] ? point : best));
		const crossing = warnCrossing(s.points, metric);
		lines.push(`    ${crossing ? `${crossing}; ` : ''}peak ${formatValue(peak[1], metric.unit)} at ${clock(peak[0])}`);
	}
	if (series.length > shown.length) lines.push(`  (${series.length - shown.length} more series)`);
	return lines;
}

/** When the series last went past the query's warning threshold (or came back), in words; undefined without one. */
function warnCrossing(points: ReadonlyArray<[number, number]>, metric: MetricRow): string | undefined {
	const warn = metric.warn ?? metric.critical;
	if (warn === undefined) return undefined;
	const past = (value: number) => (metric.direction === 'below' ? value < warn : value > warn);
	const bound = formatValue(warn, metric.unit);
	const nowPast = past(points.at(-1)![1]);
	let i = points.length - 1;
	while (i > 0 && past(points[i - 1]![1]) === nowPast) i--;
	if (i === 0) return nowPast ? `past ${bound} the whole window` : `within ${bound} the whole window`;
	return nowPast ? `past ${bound} since ${clock(points[i]![0])}` : `back within ${bound} since ${clock(points[i]![0])}`;
}

/** "03:04", UTC, from unix seconds: the timeline's and the export's clock. */
function clock(sec: number): string {
	return new Date(sec * 1000).toISOString().slice(11, 16);
}

export interface DiagnosisOptions {
	/** Masks secrets in log lines (the config's redaction); the details are on screen, and screens get shared. */
	redact?: (text: string) => string;
	now?: () => number;
	/** Lines of the log to show (default 20). */
	tailLines?: number;
	/** How long to wait for the events and the log before saying they did not come (default 5 s): Enter never hangs on a dead API server. */
	timeoutMs?: number;
	/** The runbook's variables for this incident, so a step shows what x would run, not its template (default: none). */
	variables?: Record<string, string>;
	/** Names of the variables whose values are masked (the runbook's `secret: true`). */
	secretVariables?: string[];
	/** The metrics backend, for a query's last 30 minutes (none: the details show what the pane has). */
	metrics?: Metrics | null;
}

/** The options with their defaults filled in once (no masking, the real clock, 20 lines, 5 s, no variables). */
type Diagnosis = Required<DiagnosisOptions>;

/**
 * Why a pod is unwell, without leaving the cockpit: its events (`kubectl describe pod`) and the end
 * of the log of the container that last restarted, from before the restart (`kubectl logs --previous`).
 * Both are reads; either failing (403 for a user without pods/log) says so in its place.
 */
async function podDiagnosis(pod: string, cluster: Cluster, options: Diagnosis): Promise<{pod?: PodInfo; lines: string[]}> {
	const {redact, tailLines} = options;
	const deadline = readDeadline(options);
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

/**
 * One deadline for the reads of a details view: each read gets its signal, and a read that fails
 * once the deadline has passed says so, while one that failed before (a 403) keeps its own message.
 */
function readDeadline({timeoutMs}: Diagnosis): {run<T>(read: (signal: AbortSignal) => Promise<T>): Promise<T>} {
	const signal = AbortSignal.timeout(timeoutMs);
	return {
		run: read =>
			read(signal).catch((error: unknown) => {
				throw new Error(signal.aborted ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message);
			}),
	};
}

/** Each container's state and how its last run ended: the exit code says OOM kill (137) from a crash (1). */
function containerLines(result: PromiseSettledResult<PodNow>, {now, redact}: Diagnosis): string[] {
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
function eventLines(results: ReadonlyArray<PromiseSettledResult<EventInfo[]>>, {now, redact}: Diagnosis): string[] {
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
