/** What the Health kind says of a selected service, and why u/s/r need its `deployment:`. */
import {formatValue} from '../../text/format.js';
import type {Details, DetailsContext, KeyContext, Row, RowRef} from '../types.js';
import {healthData} from './data.js';

/** enter on a service: its URL, the deployment u/s/r act on, its last answer and its dependencies. */
export function healthDetails(ref: RowRef, {state}: DetailsContext): Details {
	const row = healthData.of(state).find(h => h.name === ref.key);
	if (!row) return {title: ref.key, lines: ['(gone)']};
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

/** Why u/s/r do nothing on a Health row: no service selected, or one that names no deployment. */
export function noDeployment(row: Row | undefined, ctx: KeyContext): string {
	if (!row) return 'select a service first';
	return `${row.ref.name ?? row.ref.key} names no deployment: add \`deployment:\` to it under services in the config, or press ${ctx.paneNumber('pods')} and select one`;
}
