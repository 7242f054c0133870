/**
 * The kinds, in pane order: the number that focuses a pane is its place here. The layout, pane
 * switching, help, footer, details and the sources started are generated from this list. Adding a
 * kind is one folder under kinds/ and one line here.
 */
import {alertsKind} from './alerts/index.js';
import {healthKind} from './health/index.js';
import {metricsKind} from './metrics/index.js';
import {podsKind} from './pods/index.js';
import {runbookKind} from './runbook/index.js';
import {timelineKind} from './timeline/index.js';
import type {Kind} from './types.js';

export const kinds: readonly Kind[] = [healthKind, metricsKind, podsKind, runbookKind, timelineKind, alertsKind];

/** The kind called `id`; undefined for an id no kind has. */
export function kindById(id: string): Kind | undefined {
	return kinds.find(kind => kind.id === id);
}

/** The number that focuses a kind's pane (1 for the first). */
export function paneNumber(id: string): number {
	return kinds.findIndex(kind => kind.id === id) + 1;
}
