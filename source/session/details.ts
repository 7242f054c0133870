import type {Cluster} from '../ports/cluster.js';
import type {RowRef} from '../store/selectors.js';
import {podStatus, rolloutText, thresholdText} from '../store/selectors.js';
import type {IncidentState} from '../store/types.js';
import {formatValue} from '../sources/format.js';
import {commandText} from '../runbook/inspect.js';

/** The lines of the details view for a selected row (plain text, already redacted where it matters). */
export async function detailsFor(ref: RowRef, state: IncidentState, cluster: Cluster | null): Promise<{title: string; lines: string[]}> {
	switch (ref.kind) {
		case 'health': {
			const row = state.health.find(h => h.name === ref.service);
			if (!row) return {title: ref.service, lines: ['(gone)']};
			return {
				title: `Health: ${row.name}`,
				lines: [
					`url       ${row.url}`,
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
			return {
				title: `Query: ${metric.title}`,
				lines: [
					`id          ${metric.id}`,
					`promql      ${metric.promql}`,
					`unit        ${metric.unit || '—'}`,
					`thresholds  ${thresholdText(metric) || 'none'}`,
					...(metric.error ? [`error       ${metric.error}`] : []),
					'',
					...metric.series.map(s => `  ${formatValue(s.value, metric.unit).padStart(10)}  ${s.labels || '{}'}`),
				],
			};
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
				try {
					const history = await cluster.history(ref.name);
					lines.push('', 'rollout history (newest first):');
					for (const r of history) lines.push(`  rev ${String(r.revision).padEnd(4)} ${r.createdAt.slice(0, 19).replace('T', ' ')}  ${r.images.join(', ')}${r.changeCause ? `  (${r.changeCause})` : ''}`);
				} catch (error) {
					lines.push('', `history unavailable: ${(error as Error).message}`);
				}
			}
			return {title: `Deployment: ${ref.name}`, lines};
		}
		case 'pod': {
			const p = state.cluster.pods.get(ref.name);
			if (!p) return {title: ref.name, lines: ['(gone)']};
			return {
				title: `Pod: ${p.name}`,
				lines: [
					`namespace   ${p.namespace}`,
					`deployment  ${p.deployment ?? '—'}`,
					`status      ${podStatus(p)} (phase ${p.phase})`,
					`ready       ${p.ready}/${p.containers}`,
					`restarts    ${p.restarts}`,
					`last exit   ${p.lastTerminationReason ?? '—'}`,
					`node        ${p.node ?? '—'}`,
					`created     ${p.createdAt}`,
					'',
					`kubectl --context ${state.env.context} -n ${p.namespace} describe pod ${p.name}`,
					`kubectl --context ${state.env.context} -n ${p.namespace} logs ${p.name} --previous`,
				],
			};
		}
		case 'step': {
			const step = state.runbook?.steps.find(s => s.id === ref.id);
			if (!step) return {title: ref.id, lines: ['(gone)']};
			const lines = [...step.text];
			if (step.role) lines.unshift(`role: ${step.role}`);
			if (step.action) lines.push('', `action: ${step.action.kind}${'deployment' in step.action && step.action.deployment ? ` ${step.action.deployment}` : ''} (x to run)`);
			for (const command of step.commands) lines.push('', `$ ${commandText(command)}`);
			for (const id of step.queries) {
				const q = state.runbook?.queries.find(x => x.id === id);
				if (q) lines.push('', `query ${q.title}: ${q.promql}`);
			}
			if (step.doneWhen) lines.push('', `done when: ${JSON.stringify(step.doneWhen)}`);
			if (step.line) lines.push('', `${state.runbook?.source}:${step.line}`);
			return {title: `Step: ${step.title}`, lines};
		}
		case 'event': {
			const event = state.timeline.find(e => e.id === ref.id);
			if (!event) return {title: ref.id, lines: ['(gone)']};
			return {title: `Event ${event.type} at ${event.at} by ${event.by}`, lines: JSON.stringify(event.data, null, 2).split('\n')};
		}
		case 'section':
			return {title: ref.title, lines: []};
	}
}
