/**
 * Starts every kind's sources (kinds/registry.ts), and the metrics backend's own loop (direct scrape
 * mode) before them; the returned function, or aborting the context's signal, stops them all.
 */
import {isStartable} from '../clients/metrics-backend.js';
import {kinds} from './registry.js';
import type {KindContext} from './types.js';

export function startKinds(ctx: KindContext): () => void {
	const stops: Array<() => void> = [];
	if (ctx.metrics && isStartable(ctx.metrics)) stops.push(ctx.metrics.start(ctx.signal));
	for (const kind of kinds) {
		if (!kind.start) continue;
		try {
			stops.push(kind.start(ctx));
		} catch (error) {
			ctx.store.getState().feedFailed(kind.feed ?? kind.id, `could not start: ${(error as Error).message}`);
		}
	}
	let stopped = false;
	return () => {
		if (stopped) return;
		stopped = true;
		for (const stop of stops.reverse()) stop();
	};
}
