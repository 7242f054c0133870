/**
 * What the screen says about a source's feed, from its FeedState and the screen's clock: only what
 * is known. `loading` until the first answer (or failure), `ok`, `stale` (the last good data is
 * kept; its age and the error are shown), or, with no good data at all, `unreachable`,
 * `unauthorized` or `error` (and for how long).
 */
import {formatAge, type Tone} from '../text/format.js';
import type {FeedFailure, FeedState} from './types.js';

export type FeedVerdictState = 'loading' | 'ok' | 'stale' | FeedFailure;

export interface FeedVerdict {
	state: FeedVerdictState;
	/** How it failed (stale and the failures). */
	failure?: FeedFailure;
	/** stale: the age of the last good data; a failure: how long it has been failing. */
	ageMs?: number;
	error?: string;
	tone: Tone;
}

/** The verdict on a feed; null when the source is not configured (no feed, or idle). */
export function feedVerdict(feed: FeedState | undefined, now: number): FeedVerdict | null {
	if (!feed || feed.status === 'idle') return null;
	if (feed.status === 'loading') return {state: 'loading', tone: 'muted'};
	if (feed.status === 'ok') return {state: 'ok', tone: 'ok'};
	const failure = feed.failure ?? 'error';
	// A source that words its kind of failure itself ("unreachable: connection refused") says it once.
	const said = feed.error ?? 'error';
	const error = said.startsWith(`${failure}: `) ? said.slice(failure.length + 2) : said;
	if (feed.lastOkAt !== undefined) return {state: 'stale', failure, ageMs: now - feed.lastOkAt, error, tone: 'crit'};
	return {state: failure, failure, ageMs: now - (feed.failingSince ?? feed.lastAttemptAt ?? now), error, tone: 'crit'};
}

/** "stale 45s (unreachable)", "unreachable 45s", "loading", "ok": the verdict in a few words. */
export function verdictWords(verdict: FeedVerdict): string {
	const age = verdict.ageMs === undefined ? '' : ` ${formatAge(verdict.ageMs)}`;
	if (verdict.state === 'stale') return `stale${age}${verdict.failure === 'error' ? '' : ` (${verdict.failure})`}`;
	return `${verdict.state}${age}`;
}

/** The line a pane shows above its rows: nothing when fresh; the verdict with its error otherwise. */
export function feedProblemText(feed: FeedState | undefined, now: number): {text: string; tone: Tone} | null {
	const verdict = feedVerdict(feed, now);
	if (!verdict || verdict.state === 'ok') return null;
	if (verdict.state === 'loading') return {text: 'loading…', tone: 'muted'};
	return {text: `${verdictWords(verdict)} · ${verdict.error ?? 'error'}`, tone: verdict.tone};
}

/** Sources listed in this order, then any other feed by name. */
const feedOrder = ['health', 'metrics', 'alerts', 'cluster'];

function byFeedOrder(a: string, b: string): number {
	const ia = feedOrder.indexOf(a);
	const ib = feedOrder.indexOf(b);
	if (ia >= 0 || ib >= 0) return (ia < 0 ? feedOrder.length : ia) - (ib < 0 ? feedOrder.length : ib);
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The header's one line on every configured source: each one that is not ok by name and state
 * ("alerts: unreachable 45s", "metrics: stale 1m05s (unreachable)", "cluster: loading"), then how
 * many are ok; "4 sources ok" when all are. Empty when no source is configured.
 */
export function sourcesSummary(feeds: Readonly<Record<string, FeedState>>, now: number): Array<{text: string; tone: Tone}> {
	const parts: Array<{text: string; tone: Tone}> = [];
	let ok = 0;
	for (const id of Object.keys(feeds).sort(byFeedOrder)) {
		const verdict = feedVerdict(feeds[id], now);
		if (!verdict) continue;
		if (verdict.state === 'ok') ok++;
		else parts.push({text: `${id}: ${verdictWords(verdict)}`, tone: verdict.state === 'loading' ? 'muted' : verdict.tone});
	}
	if (parts.length === 0) return ok === 0 ? [] : [{text: `${ok} source${ok === 1 ? '' : 's'} ok`, tone: 'ok'}];
	if (ok > 0) parts.push({text: `${ok} ok`, tone: 'ok'});
	return parts;
}
