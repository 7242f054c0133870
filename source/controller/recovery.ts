import type {IncidentStore} from '../store/store.js';
import type {AppendEvent} from '../timeline/events.js';
import {metricsData, type MetricRow} from '../kinds/metrics/data.js';
import {podsData} from '../kinds/pods/data.js';
import {notRecorded} from '../kinds/feed-poller.js';

/**
 * After a rollback, restart or scale: follow the rollout to completion, then watch the primary
 * query (the error ratio) for `watchSeconds`, and write "recovered" or "not recovered".
 * Recovered means the query was at or below its warn threshold (ok tone) for the whole watch.
 */
export function watchRecovery(options: {
	store: IncidentStore;
	append: AppendEvent;
	deployment: string;
	primaryQuery?: string;
	watchSeconds: number;
	signal: AbortSignal;
	now?: () => number;
	/** How often to look (tests pass small values). */
	tickMs?: number;
}): () => void {
	const now = options.now ?? Date.now;
	const {store, append, deployment} = options;
	let phase: 'rollout' | 'watch' | 'done' = 'rollout';
	let watchStarted = 0;
	let worst: 'ok' | 'bad' = 'ok';
	const startedAt = now();
	// Right after the PATCH the store may still show the rollout from before the action, complete. Wait
	// until the deployment shows the change (a new generation, or a rollout in progress); after
	// `noChangeGraceMs` without either (a change the API accepted without a new generation), go on.
	const initial = podsData.of(store.getState()).deployments[deployment];
	let changeSeen = !initial || !initial.rolloutComplete;
	const noChangeGraceMs = 30_000;
	const primary = (): MetricRow | undefined => {
		const metrics = metricsData.of(store.getState());
		return metrics.find(m => m.id === options.primaryQuery) ?? metrics.find(m => m.warn !== undefined || m.critical !== undefined);
	};
	const finish = (recovered: boolean, message: string, value?: number) => {
		phase = 'done';
		clearInterval(timer);
		append('signal', {kind: recovered ? 'recovery.verified' : 'recovery.failed', level: recovered ? 'ok' : 'crit', message, subject: `deployment/${deployment}`, value}).catch((error: unknown) =>
			// Not recorded is said, not lost: the verdict is on screen and in the warnings.
			notRecorded(store, `recovery of deployment/${deployment} (${message})`, error),
		);
	};
	const tick = () => {
		if (phase === 'done' || options.signal.aborted) return;
		const state = store.getState();
		if (phase === 'rollout') {
			const d = podsData.of(state).deployments[deployment];
			if (d && (!d.rolloutComplete || d.generation !== initial?.generation)) changeSeen = true;
			if (d?.rolloutComplete && (changeSeen || now() - startedAt >= noChangeGraceMs)) {
				phase = 'watch';
				watchStarted = now();
			} else if (now() - startedAt > 10 * 60_000) {
				finish(false, `not recovered: rollout of deployment/${deployment} did not finish within 10 minutes`);
			}
			return;
		}
		const metric = primary();
		const value = metric?.series[0]?.value ?? undefined;
		if (metric && metric.tone !== 'ok') worst = 'bad';
		if (now() - watchStarted >= options.watchSeconds * 1000) {
			if (!metric) {
				finish(false, `rollout of deployment/${deployment} finished; no primary query to verify recovery`);
			} else if (worst === 'ok' && metric.tone === 'ok') {
				finish(true, `recovered: ${metric.title} stayed within thresholds for ${options.watchSeconds}s after the rollout of deployment/${deployment}`, value ?? undefined);
			} else if (metric.tone === 'ok') {
				// It got better during the watch: restart the watch from now, so a recovery is only called once it holds.
				worst = 'ok';
				watchStarted = now();
			} else {
				finish(false, `not recovered: ${metric.title} still ${metric.tone === 'crit' ? 'critical' : 'above warn'} ${options.watchSeconds}s after the rollout of deployment/${deployment}`, value ?? undefined);
			}
		}
	};
	const timer = setInterval(tick, options.tickMs ?? 1000);
	timer.unref?.();
	const onAbort = () => clearInterval(timer);
	options.signal.addEventListener('abort', onAbort, {once: true});
	return () => {
		clearInterval(timer);
		options.signal.removeEventListener('abort', onAbort);
	};
}

