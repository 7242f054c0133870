import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {configSchema, type Config} from '../../source/config/schema.js';
import {openSession, type Session, type SessionOptions} from '../../source/session/cockpit.js';
import type {AnyTimelineEvent, EventType, TimelineEvent} from '../../source/timeline/events.js';
import {readJournal} from '../../source/timeline/journal.js';

/**
 * Shared pieces of the session tests: temp directories, a minimal config, sessions that are all
 * stopped in afterEach, and typed lookups in the timeline.
 */
export class SessionHarness {
	private readonly dirs: string[] = [];
	private readonly sessions: Session[] = [];
	private readonly cleanups: Array<() => void | Promise<void>> = [];

	tempDir(prefix = 'session-'): string {
		const dir = mkdtempSync(join(tmpdir(), prefix));
		this.dirs.push(dir);
		return dir;
	}

	config(overrides: Record<string, unknown> = {}): Config {
		return configSchema.parse(overrides);
	}

	async open(options: Partial<SessionOptions> & {stateDir: string}): Promise<Session> {
		const session = await openSession({
			config: options.config ?? this.config(),
			demo: false,
			readonly: false,
			context: 'test-ctx',
			namespace: 'shop',
			production: false,
			cluster: null,
			// E writes the post-mortem draft here, never into the repository the tests run in.
			exportDir: this.tempDir('export-'),
			...options,
		});
		this.sessions.push(session);
		return session;
	}

	/** Stops a session now (it is skipped in cleanup). */
	async stop(session: Session): Promise<void> {
		const index = this.sessions.indexOf(session);
		if (index >= 0) this.sessions.splice(index, 1);
		await session.stop();
	}

	onCleanup(fn: () => void | Promise<void>): void {
		this.cleanups.push(fn);
	}

	async cleanup(): Promise<void> {
		for (const fn of this.cleanups.splice(0).reverse()) await fn();
		for (const session of this.sessions.splice(0)) await session.stop();
		for (const dir of this.dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
	}
}

export function eventsOf<T extends EventType>(timeline: readonly AnyTimelineEvent[], type: T): Array<TimelineEvent<T>> {
	return timeline.filter(e => e.type === type) as unknown as Array<TimelineEvent<T>>;
}

export async function journalEvents(path: string): Promise<AnyTimelineEvent[]> {
	const {events} = await readJournal(path);
	return events;
}

/** Writes a YAML runbook file into `dir` and returns its path. */
export function writeRunbook(dir: string, name: string, yaml: string): string {
	const file = join(dir, name);
	writeFileSync(file, yaml);
	return file;
}
