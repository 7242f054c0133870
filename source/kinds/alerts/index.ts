/**
 * Alerts: the active alerts of Alertmanager (grouped as it groups them, with silences and
 * inhibitions) and of Prometheus, problems first; m silences one, M expires its silence.
 */
import {feedVerdict, verdictWords} from '../../store/feeds.js';
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import type {Kind, Toned} from '../types.js';
import {alertsData} from './data.js';
import {alertDetails} from './details.js';
import {expireKey, silenceKey} from './keys.js';
import {alertRows, alertsSummary} from './rows.js';
import {startAlertsSource} from './source.js';
import {alertsStatus} from './status.js';

/**
 * How many fire, pending, silenced; while its sources fail, what is known and since when: an
 * Alertmanager that cannot be read never looks like "no alerts".
 */
function summary(state: IncidentState, now: number, cache: RowCache): Toned {
	const counts = cache.memo(alertsSummary)(alertsData.of(state));
	const verdict = feedVerdict(state.feeds.alerts, now);
	if (!verdict) return {text: 'no alert source', tone: 'muted'};
	if (verdict.state === 'loading') return {text: 'loading…', tone: 'muted'};
	if (verdict.state === 'ok') return counts;
	return {text: verdict.state === 'stale' ? `${counts.text} · ${verdictWords(verdict)}` : verdictWords(verdict), tone: 'crit'};
}

/** With no rows: none active (said only from sources that answered), not read yet, or no source. */
function empty(state: IncidentState): string {
	const feed = state.feeds.alerts;
	if (!feed || feed.status === 'idle') return 'no alert source configured (alertmanager.url, or prometheus.url for its alerts)';
	if (feed.status === 'loading') return 'no answer yet';
	if (feed.lastOkAt === undefined) return 'not known: no alert source has answered yet';
	return feed.status === 'ok' ? 'no alert is firing, pending or silenced' : 'none when last read (see the line above)';
}

export const alertsKind: Kind = {
	id: 'alerts',
	title: 'Alerts',
	layout: {weight: 2, column: 'left'},
	feed: 'alerts',
	start: startAlertsSource,
	rows: alertRows,
	summary,
	empty,
	details: alertDetails,
	keys: [silenceKey, expireKey],
	status: [alertsStatus],
};
