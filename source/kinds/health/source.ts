/**
 * The Health kind's source: polls the services' health URLs (check.ts) into the store, and writes one
 * timeline signal per healthy <-> unhealthy flip.
 */
import {CaFiles} from '../../clients/http.js';
import {formatValue} from '../../text/format.js';
import {recordedSignals, recordSignal, startFeedPoller} from '../feed-poller.js';
import type {KindContext} from '../types.js';
import {checkAll, withLastKnown} from './check.js';
import {healthData} from './data.js';

/** Polls the health checks into the store; one timeline signal per healthy <-> unhealthy flip. */
export function startHealthSource(ctx: KindContext): () => void {
	const services = ctx.config.services.filter(s => s.health);
	if (services.length === 0) return () => {};
	const {now} = ctx;
	const store = ctx.store;
	// The CA files are read once per start of the source (a session, or a restart of its sources), not once per process.
	const caFiles = new CaFiles();

	return startFeedPoller(ctx, 'health', ctx.config.refresh.healthMs, async signal => {
		const checked = await checkAll(services, signal, now, caFiles);
		if (signal.aborted) return;
		const previous = new Map(healthData.of(store.getState()).map(r => [r.name, r]));
		const rows = checked.map(r => withLastKnown(r, previous.get(r.name)));
		// What the timeline (and the signals still being written) last said of each service, read
		// afresh at each poll so a restarted source does not repeat a flip.
		const known = recordedSignals(store, ['health.flip']);
		for (const r of rows) {
			const before = known.get(r.name);
			// The first observation is a flip only when it is unhealthy.
			if (before === undefined ? r.ok : (before.level === 'ok') === r.ok) continue;
			const message = r.ok
				? `${r.name} healthy again (${r.status ?? ''}${r.latencyMs === undefined ? '' : `, ${formatValue(r.latencyMs, 'ms')}`})`
				: `${r.name} unhealthy: ${r.detail ?? 'check failed'}`;
			recordSignal(ctx, {kind: 'health.flip', level: r.ok ? 'ok' : 'crit', message, subject: r.name, ...(r.latencyMs === undefined ? {} : {value: r.latencyMs})});
		}
		store.getState().dataReceived(healthData, rows, now());
	});
}
