/** What several kinds' details share: one deadline for their reads, and live parts resolved into lines. */
import type {DetailPart, LivePart} from '../store/types.js';
import type {Details} from './types.js';

/**
 * One deadline for the reads of a details view: each read gets its signal, and a read that fails
 * once the deadline has passed says so, while one that failed before (a 403) keeps its own message.
 */
export function readDeadline(timeoutMs: number): {run<T>(read: (signal: AbortSignal) => Promise<T>): Promise<T>} {
	const signal = AbortSignal.timeout(timeoutMs);
	return {
		run: read =>
			read(signal).catch((error: unknown) => {
				throw new Error(signal.aborted ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message);
			}),
	};
}

/** Details with their live parts resolved by `live`, as the dialog first draws them. */
export function withLines(details: {title: string; parts: DetailPart[]}, live: (part: LivePart) => string[]): Details {
	return {...details, lines: details.parts.flatMap(part => ('lines' in part ? part.lines : live(part)))};
}
