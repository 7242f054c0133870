/**
 * Parses runbooks in a worker thread, one at a time, so the cockpit's thread (its keys, its frames)
 * never waits on the Markdown parser: a wiki's runbook can take the parser seconds even inside
 * the limits (source/runbook/limits.ts). Each runbook gets a deadline and the worker a memory cap;
 * a runbook that misses either becomes a located error, the worker is stopped, and the next
 * runbook gets a new one. The limits are checked here first, on this thread: they take
 * milliseconds and answer before a worker has started.
 *
 * The worker is source/runbook/parse-worker.ts: from the TypeScript sources through
 * parse-worker-entry.mjs (which registers tsx), in the single-file build from the bundle that
 * scripts/build.mjs embeds as __INCIDENT_TUI_RUNBOOK_WORKER__.
 */
import {Worker} from 'node:worker_threads';
import {inflateRawSync} from 'node:zlib';
import {LocatedError} from '../config/located-error.js';
import type {Runbook} from './model.js';
import {checkRunbookText} from './parse.js';

/** Set by the bundler: the worker's code, a CommonJS bundle, deflated and base64-encoded. */
declare const __INCIDENT_TUI_RUNBOOK_WORKER__: string | undefined;

export const parseBudget = {
	/** One runbook's parse, from the request to the answer. */
	deadlineMs: 10_000,
	/** The worker's V8 heap (old generation). */
	memoryMb: 512,
	/** Starting the worker: loading the parser (compiled by tsx when run from the sources). */
	startMs: 60_000,
} as const;

export interface ParseRequest {
	id: number;
	text: string;
	file: string;
	source: string;
}

export type ParseReply =
	| {id: number; runbook: Runbook}
	| {id: number; located: {file: string; line: number | undefined; column: number | undefined; key: string | undefined; problem: string}}
	| {id: number; message: string};

export interface RunbookParser {
	/** The runbook in `text` (named `file`), or a LocatedError; `deadlineMs` overrides the parser's. */
	parse(text: string, file: string, source?: string, deadlineMs?: number): Promise<Runbook>;
	/** Stops the worker; parse() refuses afterwards. */
	close(): void;
}

function startWorker(memoryMb: number): Worker {
	const resourceLimits = {maxOldGenerationSizeMb: memoryMb};
	if (typeof __INCIDENT_TUI_RUNBOOK_WORKER__ === 'string') {
		const code = inflateRawSync(Buffer.from(__INCIDENT_TUI_RUNBOOK_WORKER__, 'base64')).toString('latin1');
		return new Worker(code, {eval: true, resourceLimits});
	}
	return new Worker(new URL('./parse-worker-entry.mjs', import.meta.url), {resourceLimits});
}

interface Pending {
	id: number;
	file: string;
	resolve: (runbook: Runbook) => void;
	reject: (error: Error) => void;
	timer: NodeJS.Timeout;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

class WorkerParser implements RunbookParser {
	private worker: Worker | undefined;
	private started: Promise<Worker> | undefined;
	private pending: Pending | undefined;
	private queue: Promise<unknown> = Promise.resolve();
	private nextId = 1;
	private closed = false;

	constructor(
		private readonly deadlineMs: number,
		private readonly memoryMb: number,
	) {}

	parse(text: string, file: string, source = file, deadlineMs = this.deadlineMs): Promise<Runbook> {
		const run = this.queue.then(() => this.run({text, file, source}, deadlineMs));
		this.queue = run.catch(() => undefined);
		return run;
	}

	close(): void {
		this.closed = true;
		this.fail(new Error('the runbook parser was closed'));
	}

	private async run(job: Omit<ParseRequest, 'id'>, deadlineMs: number): Promise<Runbook> {
		if (this.closed) throw new Error('the runbook parser was closed');
		checkRunbookText(job.text, job.file);
		let worker: Worker;
		try {
			worker = await (this.started ?? this.start());
		} catch (error) {
			throw new LocatedError(job.file, 1, undefined, undefined, `cannot start the runbook parser: ${(error as Error).message}`);
		}
		worker.ref();
		try {
			return await new Promise<Runbook>((resolve, reject) => {
				const id = this.nextId++;
				const late = new LocatedError(job.file, 1, undefined, undefined, `parsing took longer than ${seconds(deadlineMs)}, the limit for one runbook; split it into smaller runbooks`);
				const timer = setTimeout(() => this.fail(late), deadlineMs);
				this.pending = {id, file: job.file, resolve, reject, timer};
				worker.postMessage({id, ...job} satisfies ParseRequest);
			});
		} finally {
			// An idle worker does not keep the process alive.
			if (this.worker === worker) worker.unref();
		}
	}

	private start(): Promise<Worker> {
		const worker = startWorker(this.memoryMb);
		this.worker = worker;
		const started = new Promise<Worker>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`it did not start within ${seconds(parseBudget.startMs)}`)), parseBudget.startMs);
			worker.on('message', function ready(message: {ready?: boolean}) {
				if (!message.ready) return;
				clearTimeout(timer);
				worker.off('message', ready);
				resolve(worker);
			});
			worker.once('error', error => {
				clearTimeout(timer);
				reject(error);
			});
			worker.once('exit', code => {
				clearTimeout(timer);
				reject(new Error(`it exited with code ${code}`));
			});
		});
		worker.on('message', (reply: ParseReply | {ready: true}) => this.answered(worker, reply));
		worker.on('error', error => this.died(worker, error));
		worker.on('exit', code => this.died(worker, new Error(`the runbook parser stopped (exit code ${code})`)));
		this.started = started;
		started.catch(() => {
			if (this.worker === worker) this.stop();
		});
		return started;
	}

	private answered(worker: Worker, reply: ParseReply | {ready: true}): void {
		const pending = this.pending;
		if (worker !== this.worker || 'ready' in reply || !pending || reply.id !== pending.id) return;
		this.pending = undefined;
		clearTimeout(pending.timer);
		if ('runbook' in reply) pending.resolve(reply.runbook);
		else if ('located' in reply) {
			const {file, line, column, key, problem} = reply.located;
			pending.reject(new LocatedError(file, line, column, key, problem));
		} else pending.reject(new LocatedError(pending.file, 1, undefined, undefined, `cannot parse the runbook: ${reply.message}`));
	}

	private died(worker: Worker, error: Error): void {
		if (worker !== this.worker) return;
		const file = this.pending?.file;
		if (!file) {
			this.stop();
			return;
		}
		const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
		const problem = outOfMemory ? `the parser ran out of its ${this.memoryMb} MB of memory on this runbook; split it into smaller runbooks` : `the runbook parser stopped: ${error.message}`;
		this.fail(new LocatedError(file, 1, undefined, undefined, problem));
	}

	/** Ends the parse in flight with `error` and stops the worker; the next parse starts a new one. */
	private fail(error: Error): void {
		const pending = this.pending;
		this.pending = undefined;
		if (pending) {
			clearTimeout(pending.timer);
			pending.reject(error);
		}
		this.stop();
	}

	private stop(): void {
		const worker = this.worker;
		this.worker = undefined;
		this.started = undefined;
		// The worker is dropped: its exit code says nothing the parser needs, and terminate() does not fail on a live worker.
		void worker?.terminate();
	}
}

/** A parser with its own worker (started on the first parse); close() it when done. */
export function createRunbookParser(options: {deadlineMs?: number; memoryMb?: number} = {}): RunbookParser {
	return new WorkerParser(options.deadlineMs ?? parseBudget.deadlineMs, options.memoryMb ?? parseBudget.memoryMb);
}
