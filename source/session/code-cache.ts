/**
 * The single-file build compiles the cockpit as a classic script with a V8 code cache (see
 * scripts/build.mjs); its loader puts this hook on globalThis. Run from source there is no hook and
 * nothing to do.
 */
interface CodeCacheHook {
	save(): void;
}

/**
 * Writes the code cache (once, and only when the loader found none it could use): the code compiled
 * so far is what the next start will not compile again. Call it after the first frame, and before
 * anything changes V8's flags, which a cache must match to be used (heap.ts changes two).
 */
export function saveCodeCache(): void {
	(globalThis as {incidentTuiCodeCache?: CodeCacheHook}).incidentTuiCodeCache?.save();
}
