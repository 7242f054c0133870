/** The Health kind's part of `incident-tui status`: every health check once. */
import {formatValue, toneLevel} from '../../text/format.js';
import {statusTable, statusMark, type Level} from '../status-table.js';
import type {StatusPart} from '../types.js';
import {checkAll} from './check.js';

export interface HealthStatus {
	health: Array<{
		name: string;
		ok: boolean;
		status: number | null;
		latencyMs: number | null;
		level: Level;
		detail?: string;
		dependencies: Array<{name: string; status: string; ok: boolean; latencyMs: number | null}>;
	}>;
}

export const healthStatus: StatusPart<HealthStatus> = {
	id: 'health',
	async collect({config, deadline}) {
		const rows = await checkAll(config.services, deadline);
		return {
			health: rows.map(r => {
				const entry: HealthStatus['health'][number] = {
					name: r.name,
					ok: r.ok,
					status: r.status ?? null,
					latencyMs: r.latencyMs ?? null,
					level: toneLevel(r.tone),
					dependencies: r.dependencies.map(d => ({name: d.name, status: d.status, ok: d.ok, latencyMs: d.latencyMs ?? null})),
				};
				if (r.detail) entry.detail = r.detail;
				return entry;
			}),
		};
	},
	table(report) {
		const out = ['HEALTH'];
		if (report.health.length === 0) return [...out, '  (no health checks configured)'];
		const rows: string[][] = [];
		for (const h of report.health) {
			rows.push([statusMark[h.level], h.name, h.status === null ? '-' : String(h.status), h.latencyMs === null ? '-' : formatValue(h.latencyMs, 'ms'), h.detail ?? '']);
			for (const d of h.dependencies) rows.push([d.ok ? '' : '!', `  ${d.name}`, d.status, d.latencyMs === null ? '' : formatValue(d.latencyMs, 'ms'), '']);
		}
		return [...out, ...statusTable(rows)];
	},
	critical: report => report.health.some(h => !h.ok || h.level === 'crit'),
};
