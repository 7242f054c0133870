/** What the parts of `incident-tui status` share: the plain table's cells (aligned text, no colour), and how a source's error is classed. */
import {HttpError} from '../clients/http.js';
import type {SourceState} from './types.js';

export type Level = 'ok' | 'warn' | 'crit' | 'unknown';

export const statusMark: Record<Level, string> = {ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: '?'};

/** Rows as aligned columns, two spaces apart, indented; the last column is not padded. */
export function statusTable(rows: string[][], indent = '  '): string[] {
	const widths: number[] = [];
	for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
	return rows.map(row => `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

/** "alertname=X,severity=critical": labels in one cell. */
export function labelText(labels: Readonly<Record<string, string>>): string {
	return Object.entries(labels)
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Why a source could not be read, from its error: 401/403 and RBAC refusals, no answer, or anything else. */
export function sourceState(error: unknown): Exclude<SourceState, 'ok'> {
	if (error instanceof HttpError) {
		if (error.status === 401 || error.status === 403) return 'unauthorized';
		return error.kind === 'timeout' || error.kind === 'refused' || error.kind === 'dns' || error.kind === 'reset' || error.kind === 'aborted' ? 'unreachable' : 'error';
	}
	const text = errorMessage(error);
	if (/\b(401|403)\b|unauthori[sz]ed|forbidden/i.test(text)) return 'unauthorized';
	if (/connection refused|host unreachable|DNS lookup failed|timeout after|timed out|connection reset|no answer from/i.test(text)) return 'unreachable';
	return 'error';
}

