/** The Health pane's rows and title: a row per service, a sub-row per dependency. */
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import {formatValue} from '../../text/format.js';
import type {Cell, Row, RowRef, Toned} from '../types.js';
import {statusTone} from './check.js';
import {healthData, type DependencyRow, type HealthRow} from './data.js';

/** Why an answering service is not plainly healthy: a degraded dependency, or its own latency. */
function healthVerdict(service: HealthRow): string {
	if (service.tone === 'ok') return 'healthy';
	const bad = service.dependencies.filter(d => d.tone !== 'ok').map(d => d.name);
	return bad.length > 0 ? `degraded: ${bad.join(', ')}` : 'slow';
}

/** The ISO time of epoch ms, for a row's clock cell (its age, drawn by the screen's clock). */
function isoOf(ms: number): string {
	return new Date(ms).toISOString();
}

/** What a dependency's row says after its latency: its status word, and why it is graded worse ("slow: 800 ms"). */
function dependencyStatus(dep: DependencyRow): string {
	return dep.detail && statusTone(dep.status) === 'ok' ? `${dep.status}, ${dep.detail}` : dep.status;
}

function dependencyRow(service: HealthRow, dep: DependencyRow, ref: RowRef): Row {
	const key = `h:${service.name}:${dep.name}`;
	const search = `${service.name} ${dep.name} ${dep.status}`.toLowerCase();
	const latency = dep.latencyMs === undefined ? '' : formatValue(dep.latencyMs, 'ms');
	if (dep.stale) {
		// Kept from the last answer: "stale 45s" (its age, on the screen's clock), and what it said then.
		return {
			key,
			tone: 'muted',
			ref,
			search: `${search} stale`,
			...(dep.checkedAt === undefined ? {} : {createdAt: isoOf(dep.checkedAt)}),
			cells: [
				{text: `└ ${dep.name}`, width: 14},
				{text: '', width: 4},
				{text: 'stale', width: 8, align: 'right', tone: 'warn'},
				{text: '', width: 7, clock: true},
				{text: `was ${dep.status}${latency ? `, ${latency}` : ''}`, tone: 'muted'},
			],
		};
	}
	return {
		key,
		tone: dep.tone,
		ref,
		search,
		cells: [
			{text: `└ ${dep.name}`, width: 14},
			{text: '', width: 4},
			{text: latency, width: 8, align: 'right', tone: dep.tone},
			{text: dependencyStatus(dep), tone: dep.tone},
		],
	};
}

function serviceRow(service: HealthRow, ref: RowRef): Row {
	const base = {key: `h:${service.name}`, tone: service.tone, ref, search: `${service.name} ${service.url} ${service.detail ?? ''}`.toLowerCase()};
	const name: Cell = {text: service.name, width: 14, bold: true};
	const code: Cell = {text: service.status ? String(service.status) : '---', width: 4, tone: service.ok ? 'ok' : 'crit'};
	if (service.status === undefined && service.lastAnswerAt !== undefined) {
		// No answer now: how long since the last one, on the screen's clock, then why.
		return {
			...base,
			createdAt: isoOf(service.lastAnswerAt),
			cells: [name, code, {text: 'stale', width: 8, align: 'right', tone: 'warn'}, {text: '', width: 7, clock: true}, {text: service.detail ?? 'no answer', tone: 'crit'}],
		};
	}
	const latency = service.latencyMs === undefined ? '' : formatValue(service.latencyMs, 'ms');
	return {
		...base,
		cells: [name, code, {text: latency, width: 8, align: 'right', tone: service.tone}, {text: service.ok ? healthVerdict(service) : (service.detail ?? 'unhealthy'), tone: service.ok ? service.tone : 'crit'}],
	};
}

export function buildHealthRows(health: readonly HealthRow[]): Row[] {
	const rows: Row[] = [];
	for (const service of health) {
		const ref: RowRef = {kind: 'health', key: service.name, name: service.name, ...(service.deployment ? {deployment: service.deployment} : {})};
		rows.push(serviceRow(service, ref));
		for (const dep of service.dependencies) rows.push(dependencyRow(service, dep, ref));
	}
	return rows;
}

/** The Health pane's rows: a row per service, then one per dependency of its deep-health body. */
export function healthRows(state: IncidentState, cache: RowCache): readonly Row[] {
	return cache.memo(buildHealthRows)(healthData.of(state));
}

/** The title's summary: how many services are up, down or degraded. */
export function healthSummary(health: readonly HealthRow[]): Toned {
	if (health.length === 0) return {text: 'no services', tone: 'muted'};
	const bad = health.filter(h => !h.ok).length;
	const degraded = health.filter(h => h.ok && h.tone !== 'ok').length;
	if (bad > 0) return {text: `${bad}/${health.length} down`, tone: 'crit'};
	if (degraded > 0) return {text: `${health.length}/${health.length} up · ${degraded} degraded`, tone: 'warn'};
	return {text: `${health.length}/${health.length} up`, tone: 'ok'};
}
