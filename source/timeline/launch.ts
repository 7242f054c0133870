/**
 * One launch, one incident: a launch with the same config while an incident opened with it is still
 * open offers to resume that incident instead of opening another (18 quick starts made 18
 * incidents). What an incident was launched with is recorded in its `incident.opened` event.
 */
import path from 'node:path';
import {listIncidents, type IncidentListEntry} from './incidents.js';
import {readJournal} from './journal.js';

/** What a launch is known by: `demo`, the config file's absolute path, or `no config`. */
export function launchKey(options: {demo?: boolean; configFile?: string | null}): string {
	if (options.demo) return 'demo';
	return options.configFile ? path.resolve(options.configFile) : 'no config';
}

/** What an incident's journal says it was launched with (journals from before this was recorded: a demo's `demo`, else unknown). */
async function launchOf(entry: IncidentListEntry): Promise<string | undefined> {
	const {events} = await readJournal(entry.path);
	const opened = events.find(event => event.type === 'incident.opened');
	if (opened?.type !== 'incident.opened') return undefined;
	return opened.data.launch ?? (opened.data.demo ? 'demo' : undefined);
}

/** The incidents still open (neither resolved nor closed) that were launched with `key`, newest first. */
export async function openIncidentsFor(stateDir: string, key: string): Promise<IncidentListEntry[]> {
	const open = (await listIncidents(stateDir)).filter(entry => !entry.closed && entry.status !== 'resolved' && entry.events > 0);
	const launches = await Promise.all(open.map(launchOf));
	return open.filter((_, i) => launches[i] === key);
}
