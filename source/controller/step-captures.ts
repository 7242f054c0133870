/**
 * The files through which a step's command hands the variables it sets (`POD=$(…)`) to later steps
 * (runbook/step-output.ts): one private directory per session (mode 0700, made on first use), one
 * file per confirmation, read once its command has run and removed then, or when it is cancelled.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readCapture} from '../runbook/step-output.js';

/** What a confirmed command's capture file is for. */
export interface ExpectedCapture {
	file: string;
	names: readonly string[];
	stepId: string;
	/** The step's number ("3"), as the confirmation of a later step names its source. */
	step: string;
	commandId: string;
}

export class StepCaptures {
	#dir: Promise<string> | null = null;
	#count = 0;
	readonly #expected = new Map<string, ExpectedCapture>();

	/** A new file name in the session's private directory (the file itself is written by the command). */
	async file(): Promise<string> {
		this.#dir ??= mkdtemp(join(tmpdir(), 'incident-tui-capture-'));
		this.#count += 1;
		return join(await this.#dir, `values-${this.#count}`);
	}

	/** The confirmation `requestId` runs a command that writes `capture`. */
	expect(requestId: string, capture: ExpectedCapture): void {
		this.#expected.set(requestId, capture);
	}

	/** The values the command of `requestId` wrote (none if it exited before writing), the file then removed. */
	async read(requestId: string): Promise<(ExpectedCapture & {values: Record<string, string>}) | undefined> {
		const capture = this.#expected.get(requestId);
		if (!capture) return undefined;
		this.#expected.delete(requestId);
		let content: string;
		try {
			content = await readFile(capture.file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {...capture, values: {}};
			throw error;
		} finally {
			await rm(capture.file, {force: true});
		}
		return {...capture, values: readCapture(content, capture.names)};
	}

	/** The confirmation was cancelled or refused: its file (if the command somehow wrote one) goes. */
	drop(requestId: string): void {
		const capture = this.#expected.get(requestId);
		this.#expected.delete(requestId);
		// Not awaited: nothing waits on the removal, and a file that cannot go now goes with the directory at stop.
		if (capture) void rm(capture.file, {force: true}).catch(() => undefined);
	}

	/** The session ends: the directory goes, with any file left in it. */
	stop(): void {
		const dir = this.#dir;
		this.#dir = null;
		this.#expected.clear();
		// Not awaited: the session is ending and nothing waits on it; a directory that cannot be removed stays in
		// the system's temporary directory (named incident-tui-capture-…), as the catch leaves it.
		if (dir) void dir.then(path => rm(path, {recursive: true, force: true})).catch(() => undefined);
	}
}
