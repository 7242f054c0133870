import type {Random} from './random.js';

/** What a case came to: the input was taken, or refused the way the contract says. */
export type Outcome = 'accepted' | 'refused';

/** The code under test broke its contract on this input (a crash, a wrong shape, a bare error). */
export class FuzzFailure extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FuzzFailure';
	}
}

/**
 * One kind of input: how to make case `index` from its own random generator, and what running it
 * must come to. `run` returns the outcome or throws FuzzFailure; anything else it throws is a
 * failure too. `setup` and `teardown` run once per worker (servers, temp files).
 */
export interface FuzzTarget<Input> {
	name: string;
	/** Inputs run first, as cases 0..n-1: the shapes the issue names, and regressions. */
	corpus?: Input[];
	generate(random: Random, index: number): Input;
	run(input: Input): Promise<Outcome>;
	/** A short, printable description of an input, for the failure report. */
	describe?(input: Input): string;
	setup?(): Promise<void>;
	teardown?(): Promise<void>;
}

/** Errors that mean our code (not the input) went wrong when they escape a parser. */
export function isInternalError(error: unknown): boolean {
	return error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
}
