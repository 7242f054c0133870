import {constants, watch, type FSWatcher} from 'node:fs';
import {mkdir, open, readFile, stat, type FileHandle} from 'node:fs/promises';
import path from 'node:path';
import type {AnyTimelineEvent, AppendEvent, EventData, EventType, TimelineEvent} from './events.js';
import {newEventId} from './ids.js';
import {cleanDeep, cleanText} from '../text/clean.js';
import {unwritableStateDir} from './state-dir.js';
import {redactDeep, scrubDeep, type Redactor} from './redact.js';

/**
 * The incident journal: one JSON line per event, appended and fsynced before `append` resolves.
 *
 * Crash safety and sharing rest on three facts:
 * - Each event is written with ONE write() to a file opened with O_APPEND. On local filesystems
 *   Linux serialises appends per inode, so two processes appending to the same journal interleave
 *   whole lines, never bytes. (Not guaranteed over NFS; the state dir should be local.)
 * - Lines are kept small (strings capped at 4 KiB, the line at 32 KiB), so a write is a single
 *   short copy into the page cache and the window for a torn line on power loss is tiny.
 * - Readers tolerate what a crash can leave: a torn last line, or a torn fragment followed by a
 *   complete line, is skipped (or the complete line recovered) with a warning, never an error.
 */

export interface Journal {
	path: string;
	append: AppendEvent;
	/** Replays the whole file. Never throws on content; a missing file is an empty journal. */
	read(): Promise<{events: AnyTimelineEvent[]; warnings: string[]}>;
	/**
	 * Tails the file (from where the last read() ended, or from the current end), calling onEvents
	 * with complete events appended by others: events appended through this Journal are not repeated,
	 * since `append` already returned them. Reads when fs.watch reports a change, and also polls the
	 * size every intervalMs, because fs.watch misses changes on some filesystems (network mounts) and
	 * cannot watch a file that does not exist yet. Stops when `signal` aborts.
	 */
	follow(onEvents: (events: AnyTimelineEvent[]) => void, signal: AbortSignal, intervalMs?: number, onWarning?: (warning: string) => void): void;
	/** Waits for pending appends, then closes the file. */
	close(): Promise<void>;
}

export interface JournalOptions {
	path: string;
	author: string;
	redact: Redactor;
	now?: () => Date;
}

/** Caps: see the module comment. */
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
	if (Array.isArray(value)) return value.map(item => capStrings(item, max)) as T;
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
function redactEvent(event: AnyTimelineEvent, redact: Redactor): AnyTimelineEvent {
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

async function readBuffer(file: string): Promise<{buffer: Buffer; events: AnyTimelineEvent[]; warnings: string[]}> {
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

/**
 * A crashed writer may have left a torn last line: end it before our first event, so that event
 * starts on a line of its own (the fragment then reads as one skipped line). Done lazily, at the
 * first append, so that opening a journal only to read it never changes the file.
 */
async function endTornLine(handle: FileHandle, file: string): Promise<void> {
	const size = (await handle.stat()).size;
	if (size === 0) return;
	const last = Buffer.alloc(1);
	const reader = await open(file, 'r');
	try {
		await reader.read(last, 0, 1, size - 1);
	} finally {
		await reader.close();
	}
	if (last[0] !== 0x0a) await writeAll(handle, Buffer.from('\n'));
}

export async function openJournal(options: JournalOptions): Promise<Journal> {
	const file = options.path;
	const now = options.now ?? (() => new Date());
	try {
		await mkdir(path.dirname(file), {recursive: true, mode: 0o700});
	} catch (error) {
		throw unwritableStateDir(path.dirname(file), error);
	}
	let created = false;
	try {
		await stat(file);
	} catch {
		created = true;
	}
	let handle: FileHandle;
	try {
		// eslint-disable-next-line no-bitwise
		handle = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
	} catch (error) {
		// A journal that does not exist yet could not be created: the directory refused.
		const unwritable = created ? unwritableStateDir(path.dirname(file), error) : error;
		if (unwritable !== error) throw unwritable;
		throw new Error(`cannot open the incident journal ${file} for appending: ${(error as Error).message}; check the state directory's permissions or pass --state-dir`);
	}
	if (created) {
		// Make the new directory entry durable too, not only the file's contents.
		await fsyncDir(path.dirname(file));
	}
	let queue: Promise<unknown> = Promise.resolve();
	let closed = false;
	const ownIds = new Set<string>();
	let readOffset: number | undefined;
	let readLines = 0;
	let repaired = false;

	const append = (<T extends EventType>(type: T, data: EventData[T]): Promise<TimelineEvent<T>> => {
		if (closed) return Promise.reject(new Error(`the journal ${file} is closed; cannot append ${type}`));
		// Control characters shown as symbols and secrets masked (redact.ts): the journal, the screen and the post-mortem get this text.
		const event = {v: 1, id: newEventId(), at: now().toISOString(), by: cleanText(options.author), type, data: scrubDeep(data, options.redact)} as TimelineEvent<T>;
		const line = serializeEvent(event as AnyTimelineEvent);
		// The stored event is what append returns, so the screen shows exactly what the journal holds.
		const stored = JSON.parse(line) as TimelineEvent<T>;
		const write = queue.then(async () => {
			if (!repaired) {
				await endTornLine(handle, file);
				repaired = true;
			}
			// Remember the id before writing: a follower may read the line before sync() returns.
			ownIds.add(event.id);
			if (ownIds.size > journalLimits.ownIds) ownIds.delete(ownIds.values().next().value!);
			await writeAll(handle, Buffer.from(line));
			await handle.sync();
			return stored;
		});
		queue = write.catch(() => undefined);
		return write.catch((error: Error) => {
			throw new Error(`could not write ${type} to the incident journal ${file}: ${error.message}`);
		});
	}) as AppendEvent;

	async function read(): Promise<{events: AnyTimelineEvent[]; warnings: string[]}> {
		const result = await readBuffer(file);
		// Only complete lines count as read; follow() continues from there.
		readOffset = result.buffer.lastIndexOf(0x0a) + 1;
		readLines = countNewlines(result.buffer, readOffset);
		return {events: result.events.map(event => redactEvent(event, options.redact)), warnings: result.warnings};
	}

	function follow(onEvents: (events: AnyTimelineEvent[]) => void, signal: AbortSignal, intervalMs = 5000, onWarning?: (warning: string) => void): void {
		if (signal.aborted) return;
		let position: number | undefined = readOffset;
		// Line numbers in warnings are the file's own: count the lines before where we start.
		let lineNo = readOffset === undefined ? 0 : readLines;
		let pending = Buffer.alloc(0);
		let reader: FileHandle | undefined;
		let timer: NodeJS.Timeout | undefined;
		let watcher: FSWatcher | undefined;
		/** A read is under way; `again` asks it to read once more when it ends (a change came meanwhile). */
		let reading = false;
		let again = false;

		const stop = () => {
			if (timer) clearTimeout(timer);
			watcher?.close();
			watcher = undefined;
			const r = reader;
			reader = undefined;
			void r?.close().catch(() => undefined);
		};
		signal.addEventListener('abort', stop, {once: true});

		const watchFile = () => {
			if (watcher || signal.aborted) return;
			try {
				watcher = watch(file, {persistent: false}, () => void readNow());
				watcher.on('error', () => {
					watcher?.close();
					watcher = undefined;
				});
			} catch {
				// Not created yet, or no change events here: the poll reads it, and the next read tries again.
			}
		};

		const readNow = async () => {
			if (signal.aborted) return;
			if (reading) {
				again = true;
				return;
			}
			reading = true;
			if (timer) clearTimeout(timer);
			do {
				again = false;
				await readNew();
				// The first time the watch is armed, read once more: a line written between that read and
				// the arming brings no change event, and would wait for the poll (5 s) otherwise.
				if (!watcher && !signal.aborted) {
					watchFile();
					if (watcher) again = true;
				}
			} while (again && !signal.aborted);
			reading = false;
			if (signal.aborted) {
				// Stopped while reading: the read may have opened the file after stop() closed it.
				stop();
				return;
			}
			watchFile();
			timer = setTimeout(() => void readNow(), intervalMs);
		};

		const readNew = async () => {
			try {
				reader ??= await open(file, 'r');
				const size = (await reader.stat()).size;
				if (position === undefined) {
					position = size;
					lineNo = countNewlines(await readFile(file), size);
				}
				if (size < position) {
					onWarning?.(`${file}: the journal shrank (from ${position} to ${size} bytes); following from its new end`);
					position = size;
					pending = Buffer.alloc(0);
				}
				while (size > position && !signal.aborted) {
					const length = Math.min(size - position, journalLimits.chunkBytes);
					const chunk = Buffer.alloc(length);
					const {bytesRead} = await reader.read(chunk, 0, length, position);
					if (bytesRead === 0) break;
					position += bytesRead;
					pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
					const lastNewline = pending.lastIndexOf(0x0a);
					if (lastNewline >= 0) {
						const complete = pending.subarray(0, lastNewline + 1).toString('utf8');
						pending = Buffer.from(pending.subarray(lastNewline + 1));
						const parsed = parseJournalText(complete, file, lineNo + 1);
						lineNo += complete.split('\n').length - 1;
						const fresh = parsed.events.filter(event => !ownIds.delete(event.id)).map(event => redactEvent(event, options.redact));
						for (const warning of parsed.warnings) onWarning?.(warning);
						if (fresh.length > 0 && !signal.aborted) onEvents(fresh);
					}
					if (pending.length > journalLimits.chunkBytes) {
						onWarning?.(`${file}: a line longer than ${journalLimits.chunkBytes} bytes was skipped`);
						pending = Buffer.alloc(0);
					}
				}
			} catch (error) {
				// A journal not created yet (or moved away) is simply retried; other failures are worth a warning.
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onWarning?.(`${file}: following the journal failed: ${(error as Error).message}; retrying`);
				const r = reader;
				reader = undefined;
				await r?.close().catch(() => undefined);
			}
		};
		void readNow();
	}

	async function close(): Promise<void> {
		if (closed) return;
		closed = true;
		await queue;
		await handle.close();
	}

	return {path: file, append, read, follow, close};
}

function countNewlines(buffer: Buffer, end: number): number {
	let count = 0;
	for (let index = buffer.indexOf(0x0a); index >= 0 && index < end; index = buffer.indexOf(0x0a, index + 1)) count++;
	return count;
}

/** Writes the whole buffer; a short write (rare: full disk, signals) continues where it stopped. */
async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
	let offset = 0;
	while (offset < buffer.length) {
		const {bytesWritten} = await handle.write(buffer, offset, buffer.length - offset);
		if (bytesWritten <= 0) throw new Error('the disk accepted no bytes (is it full?)');
		offset += bytesWritten;
	}
}

async function fsyncDir(dir: string): Promise<void> {
	try {
		const handle = await open(dir, 'r');
		try {
			await handle.sync();
		} finally {
			await handle.close();
		}
	} catch {
		// Some platforms cannot fsync a directory; the file's own fsync still holds its contents.
	}
}
