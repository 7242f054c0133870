/** The Health kind's data: one row per checked service, with its deep-health dependencies. */
import {DataSlot, type Scrub} from '../../store/data.js';
import type {Tone} from '../../text/format.js';

export interface DependencyRow {
	name: string;
	status: string;
	ok: boolean;
	latencyMs?: number;
	tone: Tone;
	/** Why its tone is not its status word's: "slow: 800 ms" (its latency against the thresholds). */
	detail?: string;
	/** Kept from the last answer while the service does not answer: shown as stale, with its age from `checkedAt`. */
	stale?: true;
	/** With `stale`: epoch ms of the check that read it. */
	checkedAt?: number;
}

export interface HealthRow {
	name: string;
	url: string;
	/** The Kubernetes deployment that serves this service (the config's `deployment:`), for u/s/r on its row. */
	deployment?: string;
	ok: boolean;
	/** HTTP status code, absent when the request failed. */
	status?: number;
	latencyMs?: number;
	tone: Tone;
	/** Short reason when not ok: "timeout after 2000 ms", "HTTP 503", "connection refused". */
	detail?: string;
	dependencies: DependencyRow[];
	checkedAt: number;
	/** Epoch ms of the last check the service answered (this one, or an earlier one when this got no answer). */
	lastAnswerAt?: number;
}

/** A service's free text scrubbed (its detail, its dependencies' names and status words); the same rows where nothing changed. */
function scrubHealth(rows: HealthRow[], scrub: Scrub): HealthRow[] {
	return rows.map(row => {
		const detail = scrub.optional(row.detail);
		const dependencies = row.dependencies.map(dep => {
			const name = scrub.text(dep.name);
			const status = scrub.text(dep.status);
			return name === dep.name && status === dep.status ? dep : {...dep, name, status};
		});
		return detail === row.detail && dependencies.every((dep, i) => dep === row.dependencies[i]) ? row : {...row, detail, dependencies};
	});
}

/** The health checks as last answered (kinds/health/source.ts). */
export const healthData = new DataSlot<HealthRow[]>('health', [], 'health', scrubHealth);
