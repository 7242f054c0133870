import {constants} from 'node:fs';
import {mkdir, open, stat, type FileHandle} from 'node:fs/promises';
import path from 'node:path';
import type {AnyTimelineEvent, AppendEvent, EventData, EventType, TimelineEvent} from './events.js';
import {newEventId} from './ids.js';
import {cleanText} from '../text/clean.js';
import {unwritableStateDir} from './state-dir.js';
import {scrubDeep, type Redactor} from './redact.js';
import {countNewlines, journalLimits, readBuffer, redactEvent, serializeEvent} from './journal-format.js';
import {JournalFollower} from './journal-follow.js';

export {journalLimits, parseEventLine, parseJournalText, readJournal, serializeEvent} from './journal-format.js';

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

/** Opens (and makes, with its directory) the journal for appending. */
export async function openJournal(options: JournalOptions): Promise<Journal> {
	return new JournalFile(await openForAppending(options.path), options);
}

/** The journal file, opened with O_APPEND; a new one's directory entry is made durable too. */
async function openForAppending(file: string): Promise<FileHandle> {
	const dir = path.dirname(file);
	try {
		await mkdir(dir, {recursive: true, mode: 0o700});
	} catch (error) {
		throw unwritableStateDir(dir, error);
	}
	let created = false;
	try {
		await stat(file);
	} catch {
		created = true;
	}
	let handle: FileHandle;
	try {
		handle = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
	} catch (error) {
		// A journal that does not exist yet could not be created: the directory refused.
		const unwritable = created ? unwritableStateDir(dir, error) : error;
		if (unwritable !== error) throw unwritable;
		throw new Error(`cannot open the incident journal ${file} for appending: ${(error as Error).message}; check the state directory's permissions or pass --state-dir`);
	}
	// Make the new directory entry durable too, not only the file's contents.
	if (created) await fsyncDir(dir);
	return handle;
}

/** One open journal: appends queue behind each other, each written whole and fsynced. */
class JournalFile implements Journal {
	readonly path: string;
	/** The appends, one after the other; never rejects. */
	private queue: Promise<unknown> = Promise.resolve();
	private closed = false;
	/** Ids of our own appends, so follow() does not hand them back. */
	private readonly ownIds = new Set<string>();
	/** Where the last read() ended (complete lines only), and how many lines that is: follow() starts there. */
	private readOffset: number | undefined;
	private readLines = 0;
	/** Whether a torn last line left by a crashed writer has been ended (at the first append). */
	private repaired = false;
	private readonly now: () => Date;

	constructor(
		private readonly handle: FileHandle,
		private readonly options: JournalOptions,
	) {
		this.path = options.path;
		this.now = options.now ?? (() => new Date());
	}

	/** A property, not a method: callers pass `journal.append` on as a function. */
	readonly append: AppendEvent = <T extends EventType>(type: T, data: EventData[T]): Promise<TimelineEvent<T>> => {
		if (this.closed) return Promise.reject(new Error(`the journal ${this.path} is closed; cannot append ${type}`));
		const {author, redact} = this.options;
		// Control characters shown as symbols and secrets masked (redact.ts): the journal, the screen and the post-mortem get this text.
		const event = {v: 1, id: newEventId(), at: this.now().toISOString(), by: cleanText(author), type, data: scrubDeep(data, redact)} as TimelineEvent<T>;
		const line = serializeEvent(event as AnyTimelineEvent);
		// The stored event is what append returns, so the screen shows exactly what the journal holds.
		const stored = JSON.parse(line) as TimelineEvent<T>;
		const write = this.queue.then(async () => {
			await this.writeLine(event.id, line);
			return stored;
		});
		this.queue = write.catch(() => undefined);
		return write.catch((error: Error) => {
			throw new Error(`could not write ${type} to the incident journal ${this.path}: ${error.message}`);
		});
	};

	/** Writes one line with one write() and fsyncs it. */
	private async writeLine(id: string, line: string): Promise<void> {
		if (!this.repaired) {
			await endTornLine(this.handle, this.path);
			this.repaired = true;
		}
		// Remember the id before writing: a follower may read the line before sync() returns.
		this.ownIds.add(id);
		if (this.ownIds.size > journalLimits.ownIds) this.ownIds.delete(this.ownIds.values().next().value!);
		await writeAll(this.handle, Buffer.from(line));
		await this.handle.sync();
	}

	async read(): Promise<{events: AnyTimelineEvent[]; warnings: string[]}> {
		const result = await readBuffer(this.path);
		// Only complete lines count as read; follow() continues from there.
		this.readOffset = result.buffer.lastIndexOf(0x0a) + 1;
		this.readLines = countNewlines(result.buffer, this.readOffset);
		return {events: result.events.map(event => redactEvent(event, this.options.redact)), warnings: result.warnings};
	}

	follow(onEvents: (events: AnyTimelineEvent[]) => void, signal: AbortSignal, intervalMs = 5000, onWarning?: (warning: string) => void): void {
		const from = {
			file: this.path,
			redact: this.options.redact,
			ownIds: this.ownIds,
			position: this.readOffset,
			// Line numbers in warnings are the file's own: count the lines before where we start.
			lineNo: this.readOffset === undefined ? 0 : this.readLines,
		};
		new JournalFollower(from, {onEvents, ...(onWarning ? {onWarning} : {})}, signal, intervalMs).start();
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.queue;
		await this.handle.close();
	}
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
