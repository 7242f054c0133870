/**
 * Following a journal that others append to: reads when fs.watch reports a change, and also polls
 * the size, because fs.watch misses changes on some filesystems (network mounts) and cannot watch a
 * file that does not exist yet. Complete lines only; a partial last line waits for its end.
 */
import {watch, type FSWatcher} from 'node:fs';
import {open, readFile, type FileHandle} from 'node:fs/promises';
import type {AnyTimelineEvent} from './events.js';
import {countNewlines, journalLimits, parseJournalText, redactEvent} from './journal-format.js';
import type {Redactor} from './redact.js';

export interface FollowFrom {
	file: string;
	redact: Redactor;
	/** Ids of this process's own appends: skipped (and forgotten) when read back. */
	ownIds: Set<string>;
	/** Byte offset to follow from; undefined: the file's current end. */
	position: number | undefined;
	/** Lines before `position`, so warnings name the file's own line numbers. */
	lineNo: number;
}

export interface FollowHandlers {
	onEvents(events: AnyTimelineEvent[]): void;
	onWarning?(warning: string): void;
}

export class JournalFollower {
	private readonly file: string;
	private position: number | undefined;
	private lineNo: number;
	/** Bytes read after the last complete line. */
	private pending = Buffer.alloc(0);
	private reader: FileHandle | undefined;
	private timer: NodeJS.Timeout | undefined;
	private watcher: FSWatcher | undefined;
	/** A read is under way; `again` asks it to read once more when it ends (a change came meanwhile). */
	private reading = false;
	private again = false;

	constructor(
		private readonly from: FollowFrom,
		private readonly handlers: FollowHandlers,
		private readonly signal: AbortSignal,
		private readonly intervalMs: number,
	) {
		this.file = from.file;
		this.position = from.position;
		this.lineNo = from.lineNo;
	}

	start(): void {
		if (this.signal.aborted) return;
		this.signal.addEventListener('abort', this.stop, {once: true});
		// readNow() does not reject: readNew() turns a failed read into a retry at the next poll.
		void this.readNow();
	}

	private readonly stop = (): void => {
		if (this.timer) clearTimeout(this.timer);
		this.watcher?.close();
		this.watcher = undefined;
		const r = this.reader;
		this.reader = undefined;
		// Stopping: a reader that fails to close has nothing more to give, and the file is only read.
		void r?.close().catch(() => undefined);
	};

	private watchFile(): void {
		if (this.watcher || this.signal.aborted) return;
		try {
			this.watcher = watch(this.file, {persistent: false}, () => void this.readNow()); // does not reject (see start)
			this.watcher.on('error', () => {
				this.watcher?.close();
				this.watcher = undefined;
			});
		} catch {
			// Not created yet, or no change events here: the poll reads it, and the next read tries again.
		}
	}

	private async readNow(): Promise<void> {
		const {signal} = this;
		if (signal.aborted) return;
		if (this.reading) {
			this.again = true;
			return;
		}
		this.reading = true;
		if (this.timer) clearTimeout(this.timer);
		do {
			this.again = false;
			await this.readNew();
			// The first time the watch is armed, read once more: a line written between that read and
			// the arming brings no change event, and would wait for the poll (5 s) otherwise.
			if (!this.watcher && !signal.aborted) {
				this.watchFile();
				if (this.watcher) this.again = true;
			}
		} while (this.again && !signal.aborted);
		this.reading = false;
		if (signal.aborted) {
			// Stopped while reading: the read may have opened the file after stop() closed it.
			this.stop();
			return;
		}
		this.watchFile();
		this.timer = setTimeout(() => void this.readNow(), this.intervalMs); // does not reject (see start)
	}

	private async readNew(): Promise<void> {
		try {
			await this.readToEnd();
		} catch (error) {
			// A journal not created yet (or moved away) is simply retried; other failures are worth a warning.
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.handlers.onWarning?.(`${this.file}: following the journal failed: ${(error as Error).message}; retrying`);
			const r = this.reader;
			this.reader = undefined;
			await r?.close().catch(() => undefined);
		}
	}

	/** Reads what was appended since the last read, a chunk at a time. */
	private async readToEnd(): Promise<void> {
		const reader = (this.reader ??= await open(this.file, 'r'));
		const size = (await reader.stat()).size;
		if (this.position === undefined) {
			this.position = size;
			this.lineNo = countNewlines(await readFile(this.file), size);
		}
		if (size < this.position) {
			this.handlers.onWarning?.(`${this.file}: the journal shrank (from ${this.position} to ${size} bytes); following from its new end`);
			this.position = size;
			this.pending = Buffer.alloc(0);
		}
		while (size > this.position && !this.signal.aborted) {
			const length = Math.min(size - this.position, journalLimits.chunkBytes);
			const chunk = Buffer.alloc(length);
			const {bytesRead} = await reader.read(chunk, 0, length, this.position);
			if (bytesRead === 0) break;
			this.position += bytesRead;
			this.take(chunk.subarray(0, bytesRead));
		}
	}

	/** Adds read bytes; hands on the events of every complete line, keeps the rest for the next read. */
	private take(bytes: Buffer): void {
		const {handlers} = this;
		this.pending = Buffer.concat([this.pending, bytes]);
		const lastNewline = this.pending.lastIndexOf(0x0a);
		if (lastNewline >= 0) {
			const complete = this.pending.subarray(0, lastNewline + 1).toString('utf8');
			this.pending = Buffer.from(this.pending.subarray(lastNewline + 1));
			const parsed = parseJournalText(complete, this.file, this.lineNo + 1);
			this.lineNo += complete.split('\n').length - 1;
			const fresh = parsed.events.filter(event => !this.from.ownIds.delete(event.id)).map(event => redactEvent(event, this.from.redact));
			for (const warning of parsed.warnings) handlers.onWarning?.(warning);
			if (fresh.length > 0 && !this.signal.aborted) handlers.onEvents(fresh);
		}
		if (this.pending.length > journalLimits.chunkBytes) {
			handlers.onWarning?.(`${this.file}: a line longer than ${journalLimits.chunkBytes} bytes was skipped`);
			this.pending = Buffer.alloc(0);
		}
	}
}
