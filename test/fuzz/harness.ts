/**
 * Runs a fuzz target's cases in worker threads, under a per-case deadline and a heap cap: a case
 * that hangs is stopped and reported, one that crashes the worker (an uncaught exception, an
 * unhandled rejection, running out of memory) is reported with the input, and the run goes on from
 * the next case in a new worker. Deadlines are generous (the point is hangs, not speed) and are
 * counted from the case's own start, so a slow machine only makes the run longer.
 */
import {Worker} from 'node:worker_threads';
import type {TargetName} from './targets.js';
import type {WorkerData, WorkerMessage} from './worker.js';

export interface FuzzOptions {
	seed: number;
	cases: number;
	/** A case running longer than this is a hang (default 20 s). */
	caseDeadlineMs?: number;
	/** The worker's V8 heap (old generation): a case that needs more is a failure (default 512 MB). */
	memoryMb?: number;
	/** Run only this case (FUZZ_CASE). */
	only?: number;
}

export interface FuzzFailureReport {
	index: number;
	kind: 'failed' | 'hang' | 'crash';
	problem: string;
	input: string;
}

export interface FuzzReport {
	target: TargetName;
	seed: number;
	tried: number;
	accepted: number;
	refused: number;
	failures: FuzzFailureReport[];
	slowestMs: number;
	maxHeapMb: number;
}

interface Batch {
	/** Where the run stopped: the case after the last one that ended (or was given up). */
	next: number;
}

function runBatch(target: TargetName, options: Required<Omit<FuzzOptions, 'only'>>, from: number, to: number, report: FuzzReport): Promise<Batch> {
	return new Promise(resolve => {
		const data: WorkerData = {target, seed: options.seed, from, to};
		const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {workerData: data, resourceLimits: {maxOldGenerationSizeMb: options.memoryMb}});
		let current: {index: number; input: string; started: number} | undefined;
		let finished = false;
		const finish = (next: number) => {
			if (finished) return;
			finished = true;
			clearInterval(watchdog);
			void worker.terminate();
			resolve({next});
		};
		const watchdog = setInterval(() => {
			if (!current || performance.now() - current.started <= options.caseDeadlineMs) return;
			report.tried++;
			report.failures.push({index: current.index, kind: 'hang', problem: `still running after ${options.caseDeadlineMs / 1000} s`, input: current.input});
			finish(current.index + 1);
		}, 250);
		worker.on('message', (message: WorkerMessage) => {
			if (message.type === 'start') current = {index: message.index, input: message.input, started: performance.now()};
			else if (message.type === 'end') {
				report.tried++;
				report.slowestMs = Math.max(report.slowestMs, message.ms);
				report.maxHeapMb = Math.max(report.maxHeapMb, message.heapMb);
				if (message.outcome === 'accepted') report.accepted++;
				else if (message.outcome === 'refused') report.refused++;
				else report.failures.push({index: message.index, kind: 'failed', problem: message.problem ?? '', input: current?.input ?? ''});
				current = undefined;
			} else finish(to);
		});
		worker.on('error', error => {
			if (current) {
				report.tried++;
				report.failures.push({index: current.index, kind: 'crash', problem: `the worker died: ${error.stack ?? error.message}`, input: current.input});
				finish(current.index + 1);
			} else {
				report.failures.push({index: from, kind: 'crash', problem: `the worker died outside a case: ${error.stack ?? error.message}`, input: ''});
				finish(to);
			}
		});
		worker.on('exit', code => {
			if (finished) return;
			if (current) {
				report.tried++;
				report.failures.push({index: current.index, kind: 'crash', problem: `the worker exited with code ${code} during the case`, input: current.input});
			}
			finish(current ? current.index + 1 : to);
		});
	});
}

/** Runs cases 0..cases-1 of `target` (or only `only`) and says what each came to. */
export async function fuzz(target: TargetName, options: FuzzOptions): Promise<FuzzReport> {
	const full = {caseDeadlineMs: 20_000, memoryMb: 512, ...options};
	const report: FuzzReport = {target, seed: options.seed, tried: 0, accepted: 0, refused: 0, failures: [], slowestMs: 0, maxHeapMb: 0};
	let next = options.only ?? 0;
	const to = options.only === undefined ? options.cases : options.only + 1;
	while (next < to) next = (await runBatch(target, full, next, to, report)).next;
	return report;
}

/** The failures, each with the seed and case that reproduce it. */
export function describeFailures(report: FuzzReport): string {
	return report.failures
		.map(f => `${report.target} case ${f.index} (reproduce: FUZZ_SEED=${report.seed} FUZZ_CASE=${f.index} npx vitest run test/fuzz): ${f.kind}: ${f.problem}\n--- input ---\n${f.input}\n-------------`)
		.join('\n\n');
}
