/**
 * Runs fuzz cases in a worker thread for test/fuzz/harness.ts: the target named in workerData,
 * cases `from` to `to` of `seed`, one at a time. Before each case it says which case starts, after
 * it how it ended, so the harness can stop a case that hangs and name a case that killed the worker.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {caseRandom} from './random.js';
import {FuzzFailure, type FuzzTarget} from './target.js';
import {targets, type TargetName} from './targets.js';

export interface WorkerData {
	target: TargetName;
	seed: number;
	from: number;
	to: number;
}

export type WorkerMessage =
	| {type: 'start'; index: number; input: string}
	| {type: 'end'; index: number; outcome: 'accepted' | 'refused' | 'failed'; problem?: string; ms: number; heapMb: number}
	| {type: 'done'};

const excerpt = (text: string) => (text.length > 600 ? `${text.slice(0, 600)}… (${text.length.toLocaleString('en')} characters)` : text);

async function main(port: NonNullable<typeof parentPort>, data: WorkerData): Promise<void> {
	const target = targets[data.target]() as FuzzTarget<unknown>;
	await target.setup?.();
	try {
		for (let index = data.from; index < data.to; index++) {
			const input = index < (target.corpus?.length ?? 0) ? target.corpus![index] : target.generate(caseRandom(data.seed, index), index);
			const shown = target.describe ? target.describe(input) : typeof input === 'string' ? input : JSON.stringify(input);
			port.postMessage({type: 'start', index, input: excerpt(shown)} satisfies WorkerMessage);
			const started = performance.now();
			let outcome: 'accepted' | 'refused' | 'failed';
			let problem: string | undefined;
			try {
				outcome = await target.run(input);
			} catch (error) {
				outcome = 'failed';
				problem = error instanceof FuzzFailure ? error.message : `threw ${(error as Error)?.stack ?? String(error)}`;
			}
			const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
			port.postMessage({type: 'end', index, outcome, ms: Math.round(performance.now() - started), heapMb, ...(problem ? {problem} : {})} satisfies WorkerMessage);
		}
	} finally {
		await target.teardown?.();
	}
	port.postMessage({type: 'done'} satisfies WorkerMessage);
}

if (parentPort) await main(parentPort, workerData as WorkerData);
