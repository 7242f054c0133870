import {PerformanceObserver} from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * Between major GCs V8 lets the old generation grow to a multiple of what survived the last one
 * (up to 4x for small heaps), and a cockpit that promotes about 1 MB/s of short-lived data (watch
 * changes waiting for the next refresh, the last query results, React's previous fibers) sits high
 * on that sawtooth most of the time. `--heap-growing-percent` fixes the factor; V8 reads it whenever
 * it sets the next limit, so it can be set at run time. At 25% the old generation of the bench
 * workload stays within 33-43 MB (it reached 60 MB), for a major GC every ten seconds or so
 * (a few ms each, mostly concurrent).
 */
export function limitOldGenerationGrowth(percent = 25): void {
	v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * Keeps V8's young generation (new space: both semi-spaces) at or under `maxMb`, as
 * `node --max-semi-space-size` would, for a process that cannot choose its own node flags: the
 * single-file build is run as `node incident-tui.mjs`, and NODE_OPTIONS is read before any of our
 * code runs. V8 doubles the young generation (up to 32 MB on 64-bit) whenever many objects survive
 * a scavenge, which listing 10,000 pods does, and keeps it at that size while data keeps arriving.
 * Measured under `npm run bench`'s workload: RSS 175-190 MB without the cap, 125-140 MB with it at
 * 8 MB; with limitOldGenerationGrowth too, idle runs use about 0.5% of a core more (more scavenges
 * and major GCs; bench/README.md).
 *
 * How: V8 reads `--semi-space-growth-factor` each time it grows new space, so the flag can switch
 * growth off at run time (Node documents setFlagsFromString as unsafe for flags V8 reads only at
 * start; this one is read on every resize, and both values are ones V8 accepts). New space changes
 * size only in a garbage collection, so after each one (a `gc` performance observer) growth is
 * turned off once another doubling would pass the cap, and back on if V8 has shrunk new space since.
 * (It was a 100 ms timer: ten wake-ups a second of an otherwise idle process.)
 *
 * Returns a function that stops observing and restores V8's default growth.
 */
export function capYoungGeneration(maxMb = 8): () => void {
	const cap = maxMb * 1024 * 1024;
	let growing = true;
	const setGrowth = (grow: boolean) => {
		if (grow === growing) return;
		growing = grow;
		v8.setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
	};
	const check = () => {
		const size = v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space')?.space_size;
		if (size !== undefined) setGrowth(size * 2 <= cap);
	};
	check();
	const observer = new PerformanceObserver(check);
	observer.observe({entryTypes: ['gc']});
	return () => {
		observer.disconnect();
		setGrowth(true);
	};
}
