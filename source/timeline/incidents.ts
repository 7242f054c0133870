import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {replay} from './incident.js';
import type {IncidentStatus, Severity} from './events.js';
import {readJournal} from './journal.js';
import {incidentsDir, isValidIncidentId} from './state-dir.js';

export interface IncidentListEntry {
	id: string;
	title: string;
	severity: Severity;
	status: IncidentStatus;
	openedAt: string;
	lastEventAt: string;
	events: number;
	path: string;
	closed: boolean;
	/** Replay warnings (torn or invalid lines). */
	warnings: string[];
	/** With sync: in this host's state directory, in the shared database, or both (source/sync/incidents.ts). */
	where?: 'here' | 'shared' | 'here+shared';
}

/** Every incident journal in the state dir, replayed; newest opened first. A missing dir is an empty list. */
export async function listIncidents(dir: string): Promise<IncidentListEntry[]> {
	const folder = incidentsDir(dir);
	let names: string[];
	try {
		names = await readdir(folder);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw new Error(`cannot list incidents in ${folder}: ${(error as Error).message}`);
	}
	const entries = await Promise.all(
		names
			.filter(name => name.endsWith('.jsonl') && isValidIncidentId(name.slice(0, -'.jsonl'.length)))
			.map(async (name): Promise<IncidentListEntry> => {
				const id = name.slice(0, -'.jsonl'.length);
				const file = path.join(folder, name);
				const {events, warnings} = await readJournal(file);
				if (events.length === 0) {
					// An empty or unreadable journal still shows up, dated by the file.
					const at = await stat(file).then(s => s.mtime.toISOString(), () => new Date(0).toISOString());
					const empty = replay(id, []);
					return {id, title: '(empty journal)', severity: empty.severity, status: empty.status, openedAt: at, lastEventAt: at, events: 0, path: file, closed: false, warnings};
				}
				const incident = replay(id, events);
				const lastEventAt = events.reduce((latest, event) => (event.at > latest ? event.at : latest), events[0]!.at);
				return {
					id,
					title: incident.title,
					severity: incident.severity,
					status: incident.status,
					openedAt: incident.openedAt,
					lastEventAt,
					events: events.length,
					path: file,
					closed: Boolean(incident.closedAt),
					warnings,
				};
			}),
	);
	return entries.sort((a, b) => (a.openedAt === b.openedAt ? b.id.localeCompare(a.id) : b.openedAt.localeCompare(a.openedAt)));
}

function when(iso: string): string {
	return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** An aligned plain-text table for `incident-tui incidents`; `start` is the command that opens the cockpit, as printed here. */
export function formatIncidentList(list: readonly IncidentListEntry[], start = 'incident-tui'): string {
	if (list.length === 0) return `No incidents yet. Start one with \`${start}\`; journals are kept in the state directory.\n`;
	// The WHERE column only when the list holds shared incidents (sync configured).
	const where = list.some(entry => entry.where);
	const header = ['ID', 'SEV', 'STATUS', 'OPENED (UTC)', 'LAST EVENT (UTC)', 'EVENTS', ...(where ? ['WHERE'] : []), 'TITLE'];
	const rows = list.map(entry => [
		entry.id,
		entry.severity,
		`${entry.status}${entry.closed ? ' (closed)' : ''}`,
		when(entry.openedAt),
		when(entry.lastEventAt),
		String(entry.events),
		...(where ? [entry.where ?? 'here'] : []),
		entry.title.replace(/\s+/g, ' ') + (entry.warnings.length > 0 ? ` [${entry.warnings.length} damaged line${entry.warnings.length === 1 ? '' : 's'} skipped]` : ''),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row[column]!.length)));
	const line = (cells: string[]) =>
		cells
			.map((text, column) => (column === cells.length - 1 ? text : column === 5 ? text.padStart(widths[column]!) : text.padEnd(widths[column]!)))
			.join('  ')
			.trimEnd();
	return `${[header, ...rows].map(line).join('\n')}\n`;
}
