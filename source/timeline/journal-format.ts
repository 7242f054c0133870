/**
 * The journal's text: one JSON line per event, its strings capped so a line stays small, and the
 * reading of what a crash can leave (a torn last line, a torn fragment before a complete event),
 * which is skipped or recovered with a warning naming file and line, never an error.
 */
import {readFile} from 'node:fs/promises';
import type {AnyTimelineEvent} from './events.js';
import {cleanDeep} from '../text/clean.js';
import {redactDeep, type Redactor} from './redact.js';

/** Caps: see journal.ts's module comment. */
export const journalLimits = {
	stringChars: 4096,
	tightStringChars: 512,
	lineBytes: 32 * 1024,
	/** follow() reads at most this much per poll, and drops a "line" longer than this. */
	chunkBytes: 1024 * 1024,
	/** Ids of our own appends remembered so follow() can skip them. */
	ownIds: 10_000,
};

function capStrings<T>(value: T, max: number): T {
	if (typeof value === 'string') {
		return (value.length > max ? `${value.slice(0, max)}… [${value.length - max} more characters cut]` : value) as T;
	}
	if (Array.isArray(value)) return (value as unknown[]).map(item => capStrings(item, max)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, capStrings(v, max)])) as T;
	}
	return value;
}

/** Serialises an event to one line (with its newline), keeping it under journalLimits.lineBytes. */
export function serializeEvent(event: AnyTimelineEvent): string {
	let line = JSON.stringify({...event, data: capStrings(event.data, journalLimits.stringChars)});
	if (Buffer.byteLength(line) > journalLimits.lineBytes) {
		line = JSON.stringify({...event, data: capStrings(event.data, journalLimits.tightStringChars)});
	}
	return `${line}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the envelope; unknown `type`s are kept (a newer writer may add types), bad envelopes are not. */
export function parseEventLine(line: string): AnyTimelineEvent | string {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return 'not valid JSON';
	}
	if (!isRecord(value)) return 'not a JSON object';
	if (value['v'] !== 1) return `unsupported version ${JSON.stringify(value['v'])} (expected 1)`;
	if (typeof value['id'] !== 'string' || value['id'] === '') return "missing 'id'";
	if (typeof value['at'] !== 'string' || Number.isNaN(Date.parse(value['at']))) return "missing or invalid 'at' time";
	if (typeof value['type'] !== 'string' || value['type'] === '') return "missing 'type'";
	if (!isRecord(value['data'])) return "missing 'data' object";
	if (typeof value['by'] !== 'string') value['by'] = 'unknown';
	// A journal written by another host, an older version or by hand: its text may carry control
	// characters, which are shown, not obeyed, wherever an event is drawn, exported or printed.
	return cleanDeep(value, {multiline: true}) as unknown as AnyTimelineEvent;
}

/** An event read back from the journal, its data masked by this cockpit's redactor (another writer's rules may have missed some). */
export function redactEvent(event: AnyTimelineEvent, redact: Redactor): AnyTimelineEvent {
	const data = redactDeep(event.data, redact);
	return data === event.data ? event : ({...event, data} as AnyTimelineEvent);
}

/**
 * Parses one line; when it is a torn fragment from a crashed writer followed by a complete event
 * (the next writer appended right after the fragment), recovers the complete event.
 */
function parseWithRecovery(line: string): {event?: AnyTimelineEvent; problem?: string} {
	const parsed = parseEventLine(line);
	if (typeof parsed !== 'string') return {event: parsed};
	const start = line.lastIndexOf('{"v":');
	if (start > 0) {
		const tail = parseEventLine(line.slice(start));
		if (typeof tail !== 'string') return {event: tail, problem: `a torn fragment of ${start} bytes before the event was skipped`};
	}
	return {problem: parsed};
}

/** Parses journal text; a last line without its newline is a torn write unless it parses. Line numbers start at firstLine. */
export function parseJournalText(text: string, file: string, firstLine = 1): {events: AnyTimelineEvent[]; warnings: string[]} {
	const events: AnyTimelineEvent[] = [];
	const warnings: string[] = [];
	const lines = text.split('\n');
	const endsWithNewline = text.endsWith('\n');
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index]!;
		const lineNo = firstLine + index;
		const isLast = index === lines.length - 1;
		if (line.trim() === '') continue;
		if (isLast && !endsWithNewline) {
			const parsed = parseWithRecovery(line);
			warnings.push(`${file}:${lineNo}: incomplete last line (the writer stopped mid-write); skipped`);
			// A complete event without its newline cannot be told from a torn one reliably only when
			// it fails to parse; a parseable one was fully written, so keep it.
			if (parsed.event) {
				warnings.pop();
				events.push(parsed.event);
			}
			continue;
		}
		const parsed = parseWithRecovery(line);
		if (parsed.event) events.push(parsed.event);
		if (parsed.problem) warnings.push(`${file}:${lineNo}: ${parsed.problem}${parsed.event ? '' : '; line skipped'}`);
	}
	return {events, warnings};
}

/** The whole file and its events; a missing file is an empty journal, an unreadable one a warning. */
export async function readBuffer(file: string): Promise<{buffer: Buffer; events: AnyTimelineEvent[]; warnings: string[]}> {
	let buffer: Buffer;
	try {
		buffer = await readFile(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {buffer: Buffer.alloc(0), events: [], warnings: []};
		return {buffer: Buffer.alloc(0), events: [], warnings: [`${file}: cannot read the incident journal: ${(error as Error).message}`]};
	}
	return {buffer, ...parseJournalText(buffer.toString('utf8'), file)};
}

/** Reads a journal without opening it for writing (incident list, export). Never throws on content. */
export async function readJournal(file: string): Promise<{events: AnyTimelineEvent[]; warnings: string[]}> {
	const {events, warnings} = await readBuffer(file);
	return {events, warnings};
}

/** How many line ends `buffer` holds before `end`. */
export function countNewlines(buffer: Buffer, end: number): number {
	let count = 0;
	for (let index = buffer.indexOf(0x0a); index >= 0 && index < end; index = buffer.indexOf(0x0a, index + 1)) count++;
	return count;
}
