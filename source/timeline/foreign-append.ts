import {constants} from 'node:fs';
import {mkdir, open} from 'node:fs/promises';
import path from 'node:path';
import type {AnyTimelineEvent} from './events.js';
import {parseEventLine, serializeEvent} from './journal.js';
import {scrubDeep, type Redactor} from './redact.js';
import {unwritableStateDir} from './state-dir.js';

/**
 * Appends events that already have their id, author and time (another host's, pulled by the sync) to
 * a journal, as the journal itself appends: whole lines in ONE write to the file opened with O_APPEND,
 * then fsync, so a cockpit appending to the same journal at the same moment interleaves whole lines
 * (journal.ts's module comment). Cockpits with the journal open see them through `follow()`, as they
 * see a co-operator's events on the same host.
 *
 * Each event is checked as a journal line is read (parseEventLine: envelope, control characters) and
 * masked with this host's redactor before it is written. Resolves once the lines are on disk.
 */
export async function appendForeignEvents(file: string, events: readonly AnyTimelineEvent[], redact: Redactor): Promise<AnyTimelineEvent[]> {
	if (events.length === 0) return [];
	const stored: AnyTimelineEvent[] = [];
	let text = '';
	for (const event of events) {
		const checked = parseEventLine(JSON.stringify(event));
		if (typeof checked === 'string') throw new Error(`not appending event ${JSON.stringify(event.id)} to ${file}: ${checked}`);
		const line = serializeEvent({...checked, data: scrubDeep(checked.data, redact)} as AnyTimelineEvent);
		stored.push(JSON.parse(line) as AnyTimelineEvent);
		text += line;
	}
	try {
		await mkdir(path.dirname(file), {recursive: true, mode: 0o700});
	} catch (error) {
		throw unwritableStateDir(path.dirname(file), error);
	}
	const handle = await open(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
	try {
		// A writer that crashed mid-line left a torn last line: these events start on a line of their own.
		const {size} = await handle.stat();
		if (size > 0) {
			const last = Buffer.alloc(1);
			await handle.read(last, 0, 1, size - 1);
			if (last[0] !== 0x0a) text = `\n${text}`;
		}
		const buffer = Buffer.from(text);
		let offset = 0;
		while (offset < buffer.length) {
			const {bytesWritten} = await handle.write(buffer, offset, buffer.length - offset);
			if (bytesWritten <= 0) throw new Error('the disk accepted no bytes (is it full?)');
			offset += bytesWritten;
		}
		await handle.sync();
	} catch (error) {
		throw new Error(`could not append ${events.length} shared event(s) to the incident journal ${file}: ${(error as Error).message}`);
	} finally {
		await handle.close();
	}
	return stored;
}
