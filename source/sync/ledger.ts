import {appendFile, mkdir, readFile} from 'node:fs/promises';
import path from 'node:path';

/**
 * What the server told this host about its incident's events, kept beside the journal: which events
 * are on the server (with the server's sequence number and time of arrival), and up to which sequence
 * number every event of the incident is in the local journal. One JSON line per fact, appended.
 *
 * A cache, never the truth: the journal is. Lost or torn, it costs work, not events: an event it does
 * not list is pushed again (the server keeps the first copy, by id) and pulled events the journal
 * already holds are recognised by id.
 */

export interface ServerFacts {
	/** The server's order of arrival (incident_events.seq). */
	seq: number;
	/** When the event reached the server (ISO time). */
	receivedAt: string;
}

export interface Ledger {
	file: string;
	/** Event id -> what the server said of it. */
	facts: Map<string, ServerFacts>;
	/** Every event of the incident up to this sequence number is in the journal. */
	pulledThrough: number;
}

/** `<state dir>/sync/<incident>.jsonl` for the journal `<state dir>/incidents/<incident>.jsonl`. */
export function ledgerPath(journalPath: string): string {
	return path.join(path.dirname(path.dirname(journalPath)), 'sync', path.basename(journalPath));
}

type Line = {id: string; seq: number; at: string} | {pulledThrough: number};

function isLine(value: unknown): value is Line {
	if (!value || typeof value !== 'object') return false;
	const v = value as Record<string, unknown>;
	if (typeof v['pulledThrough'] === 'number') return true;
	return typeof v['id'] === 'string' && typeof v['seq'] === 'number' && typeof v['at'] === 'string';
}

/** Reads the ledger of `journalPath`; missing or damaged lines read as unknown facts. */
export async function readLedger(journalPath: string): Promise<Ledger> {
	const file = ledgerPath(journalPath);
	const ledger: Ledger = {file, facts: new Map(), pulledThrough: 0};
	let text = '';
	try {
		text = await readFile(file, 'utf8');
	} catch {
		return ledger;
	}
	for (const raw of text.split('\n')) {
		if (!raw.trim()) continue;
		let value: unknown;
		try {
			value = JSON.parse(raw);
		} catch {
			continue;
		}
		if (!isLine(value)) continue;
		if ('pulledThrough' in value) ledger.pulledThrough = Math.max(ledger.pulledThrough, value.pulledThrough);
		else ledger.facts.set(value.id, {seq: value.seq, receivedAt: value.at});
	}
	return ledger;
}

/**
 * Appends facts (and a new pulledThrough) to the ledger file and to `ledger`. Not fsynced: the journal
 * is fsynced first, and a ledger line lost in a crash is learnt again from the server.
 */
export async function recordFacts(ledger: Ledger, facts: ReadonlyArray<{id: string} & ServerFacts>, pulledThrough?: number): Promise<void> {
	const lines: string[] = [];
	for (const fact of facts) {
		if (ledger.facts.get(fact.id)?.seq === fact.seq) continue;
		ledger.facts.set(fact.id, {seq: fact.seq, receivedAt: fact.receivedAt});
		lines.push(JSON.stringify({id: fact.id, seq: fact.seq, at: fact.receivedAt}));
	}
	if (pulledThrough !== undefined && pulledThrough > ledger.pulledThrough) {
		ledger.pulledThrough = pulledThrough;
		lines.push(JSON.stringify({pulledThrough}));
	}
	if (lines.length === 0) return;
	await mkdir(path.dirname(ledger.file), {recursive: true, mode: 0o700});
	await appendFile(ledger.file, `${lines.join('\n')}\n`, {mode: 0o600});
}
