import {createRedactor, scrubDeep, scrubText, type Redactor} from './redact.js';
import type {Runbook} from '../runbook/model.js';
import {replay, type IncidentInfo} from './incident.js';
import type {Tone} from '../text/format.js';
import {describeEvent, formatDuration, oneLine, stepCheckHow} from './describe.js';
import {drillMarkdown, scoreDrill, type DrillInput, type DrillScore} from './drill.js';
import type {ActionTarget, AnyTimelineEvent, EventData, IncidentStatus, StepCheckCause, TimelineEvent} from './events.js';

/**
 * The post-mortem draft: everything the journal knows, laid out for the write-up, plus the empty
 * sections only people can fill in. Markdown for humans, JSON for tools.
 */

export interface ExportOptions {
	format: 'md' | 'json';
	incidentId: string;
	runbook?: Runbook | null;
	/**
	 * The models of other runbooks the incident used (switched with `b`), where at hand: each then
	 * lists all its steps in the checklist; without its model, a runbook lists the steps its journal
	 * touched.
	 */
	runbooks?: readonly Runbook[];
	/** "Now" for an incident still open (its duration so far) and the export stamp. */
	now?: Date;
	/** The config's redactor; default the built-in rules. Applied to the whole draft as it is written. */
	redact?: Redactor;
	/** A demo incident: what its drill is scored with (source/timeline/drill.ts). */
	drill?: DrillInput;
}

export interface ActionSummary {
	actionId: string;
	kind: string;
	target: ActionTarget;
	/** The change confirmed (or, for an action never confirmed, the last one its confirmation showed). */
	change: string;
	kubectl?: string;
	/** What the request proposed when its confirmation opened, when the confirmation changed it. */
	requestedChange?: string;
	/** What the cluster or the command reported doing ("replicas 4 -> 6"). */
	outcome?: string;
	requestedAt?: string;
	confirmedAt?: string;
	finishedAt?: string;
	result: 'succeeded' | 'failed' | 'cancelled' | 'running' | 'not confirmed';
	by: string;
	durationMs?: number;
	exitCode?: number;
	error?: string;
	output?: string;
}

export interface ChecklistItem {
	/** The runbook the step belongs to: the checklist covers every runbook used in the incident. */
	runbookId: string;
	stepId: string;
	title: string;
	depth: number;
	checked: boolean;
	by?: string;
	at?: string;
	auto?: boolean;
	/** The action that did the step ("rollback of deployment/checkout"). */
	doneBy?: string;
	/** Why the cockpit ticked it (absent when a person did). */
	cause?: StepCheckCause;
	/** That cause in words, as the timeline says it ("condition: 5xx ratio < 1% for 2m held; no rollback was done from the cockpit"). */
	how?: string;
}

/** A runbook used in the incident, in the order first chosen. */
export interface RunbookUsed {
	id: string;
	title: string;
	source: string;
	/** When it was first chosen (absent for one the journal never records choosing). */
	selectedAt?: string;
}

export interface Milestone {
	name: 'detected' | 'opened' | IncidentStatus | 'closed';
	at: string;
	/** Milliseconds since detection. */
	sinceDetectionMs: number;
}

export interface PostmortemData {
	incident: {
		id: string;
		title: string;
		severity: string;
		status: IncidentStatus;
		openedAt: string;
		closedAt?: string;
		durationMs: number;
		stillOpen: boolean;
		demo: boolean;
	};
	detection: {at: string; source: string; definition: string};
	milestones: Milestone[];
	timeTo: {identifyMs?: number; mitigateMs?: number; resolveMs?: number};
	runbook?: {id: string; title: string; source: string};
	/** Every runbook used, first chosen first; the checklist has the steps of each. */
	runbooks: RunbookUsed[];
	timeline: Array<{id: string; at: string; by: string; type: string; text: string; tone: Tone; pinned: boolean}>;
	actions: ActionSummary[];
	checklist: ChecklistItem[];
	sections: {rootCause: string; contributingFactors: string[]; wentWell: string[]; wentBadly: string[]; actionItems: Array<{action: string; owner: string; due: string; tracking: string}>};
	/** A demo incident's drill score. */
	drill?: DrillScore;
	exportedAt: string;
}

export const detectionDefinition =
	'Detection is the first alert or warning/critical signal the cockpit recorded, or the opening of the incident if that came first. ' +
	'The journal starts when the incident is opened, so the time from the start of impact to detection is not known here; ' +
	'times to identify, mitigate and resolve are measured from detection.';

const ms = (iso: string) => Date.parse(iso);

function isDetectionSignal(event: AnyTimelineEvent): boolean {
	return event.type === 'signal' && (event.data.kind === 'alert.firing' || event.data.level === 'warn' || event.data.level === 'crit');
}

/**
 * One row per action, from its events. The target, change and command are those of its latest event:
 * a confirmation can change what was requested (a typed replica count, an older revision chosen with
 * ←), and the row says what was confirmed and done, not what was first proposed.
 */
function collectActions(events: readonly AnyTimelineEvent[]): ActionSummary[] {
	const byId = new Map<string, ActionSummary>();
	for (const event of events) {
		if (!event.type.startsWith('action.')) continue;
		const data = event.data as {actionId: string; kind: string; target: ActionTarget; change: string; kubectl?: string};
		let action = byId.get(data.actionId);
		if (!action) {
			action = {actionId: data.actionId, kind: data.kind, target: data.target, change: data.change, result: 'not confirmed', by: event.by};
			byId.set(data.actionId, action);
		}
		if (event.type !== 'action.requested') {
			if (action.requestedAt && action.change !== data.change && action.requestedChange === undefined) action.requestedChange = action.change;
			action.target = data.target;
			action.change = data.change;
			// A command belongs to the change it names (a request's proposal has none; a cancel carries none).
			if (data.kubectl) action.kubectl = data.kubectl;
			else if (event.type !== 'action.cancelled') delete action.kubectl;
		} else if (data.kubectl) {
			action.kubectl = data.kubectl;
		}
		switch (event.type) {
			case 'action.requested': {
				action.requestedAt = event.at;
				break;
			}
			case 'action.confirmed': {
				action.confirmedAt = event.at;
				action.by = event.by;
				action.result = 'running';
				break;
			}
			case 'action.cancelled': {
				action.finishedAt = event.at;
				action.result = 'cancelled';
				break;
			}
			case 'action.succeeded':
			case 'action.failed': {
				action.finishedAt = event.at;
				action.result = event.type === 'action.succeeded' ? 'succeeded' : 'failed';
				action.durationMs = event.data.durationMs;
				if (event.data.exitCode !== undefined) action.exitCode = event.data.exitCode;
				if (event.type === 'action.failed') action.error = event.data.error;
				else if (event.data.outcome) action.outcome = event.data.outcome;
				if (event.data.output) action.output = event.data.output;
				break;
			}
			default:
		}
	}
	return [...byId.values()];
}

/** The runbooks the incident used, in the order first chosen, then any the journal only ticks steps of, then `active`. */
function runbooksUsed(events: readonly AnyTimelineEvent[], active: Runbook | null | undefined): RunbookUsed[] {
	const used = new Map<string, RunbookUsed>();
	for (const event of events) {
		if (event.type === 'runbook.selected' && !used.has(event.data.id)) used.set(event.data.id, {id: event.data.id, title: event.data.title, source: event.data.source, selectedAt: event.at});
		if ((event.type === 'step.checked' || event.type === 'step.unchecked') && !used.has(event.data.runbookId)) used.set(event.data.runbookId, {id: event.data.runbookId, title: event.data.runbookId, source: ''});
	}
	if (active && !used.has(active.id)) used.set(active.id, {id: active.id, title: active.title, source: active.source});
	return [...used.values()];
}

/**
 * Every runbook's steps with their last tick (or untick): all the steps of a runbook whose model is
 * at hand, else the steps its journal touched, in the order first touched.
 */
function collectChecklist(events: readonly AnyTimelineEvent[], used: readonly RunbookUsed[], models: ReadonlyMap<string, Runbook>): ChecklistItem[] {
	type State = {title: string; checked: boolean; by: string; at: string; data?: EventData['step.checked']};
	const state = new Map<string, Map<string, State>>();
	for (const event of events) {
		if (event.type !== 'step.checked' && event.type !== 'step.unchecked') continue;
		const steps = state.get(event.data.runbookId) ?? new Map<string, State>();
		state.set(event.data.runbookId, steps);
		steps.set(event.data.stepId, {title: event.data.title, checked: event.type === 'step.checked', by: event.by, at: event.at, ...(event.type === 'step.checked' ? {data: event.data} : {})});
	}
	const items: ChecklistItem[] = [];
	for (const runbook of used) {
		const steps = state.get(runbook.id);
		const item = (stepId: string, title: string, depth: number): ChecklistItem => {
			const s = steps?.get(stepId);
			const data = s?.checked ? s.data : undefined;
			const how = data ? stepCheckHow(data) : undefined;
			return {
				runbookId: runbook.id,
				stepId,
				title,
				depth,
				checked: s?.checked ?? false,
				...(s ? {by: s.by, at: s.at} : {}),
				...(data?.auto ? {auto: true} : {}),
				...(data?.doneBy ? {doneBy: data.doneBy} : {}),
				...(data?.cause ? {cause: data.cause} : {}),
				...(how ? {how} : {}),
			};
		};
		const model = models.get(runbook.id);
		if (model) items.push(...model.steps.map(step => item(step.id, step.title, step.depth)));
		else items.push(...[...(steps?.entries() ?? [])].map(([stepId, s]) => item(stepId, s.title, 0)));
	}
	return items;
}

export function buildPostmortem(events: readonly AnyTimelineEvent[], options: Omit<ExportOptions, 'format'>): PostmortemData {
	const now = options.now ?? new Date();
	const incident: IncidentInfo = replay(options.incidentId, events);
	const opened = events.find((e): e is TimelineEvent<'incident.opened'> => e.type === 'incident.opened');
	const firstSignal = events.find(isDetectionSignal);
	const detection =
		firstSignal && ms(firstSignal.at) < ms(incident.openedAt)
			? {at: firstSignal.at, source: `first signal: ${describeEvent(firstSignal).text}`}
			: {at: incident.openedAt, source: firstSignal ? 'incident opened (before any alert or signal)' : 'incident opened (no alert or signal recorded)'};
	const detectedMs = ms(detection.at);
	const since = (iso: string) => ms(iso) - detectedMs;

	const milestones: Milestone[] = [{name: 'detected', at: detection.at, sinceDetectionMs: 0}];
	milestones.push({name: 'opened', at: incident.openedAt, sinceDetectionMs: since(incident.openedAt)});
	for (const status of ['identified', 'mitigated', 'resolved'] as const) {
		const at = incident.milestones[status];
		if (at) milestones.push({name: status, at, sinceDetectionMs: since(at)});
	}
	if (incident.closedAt) milestones.push({name: 'closed', at: incident.closedAt, sinceDetectionMs: since(incident.closedAt)});

	const end = incident.closedAt ?? incident.milestones.resolved;
	const timeTo: PostmortemData['timeTo'] = {};
	if (incident.milestones.identified) timeTo.identifyMs = since(incident.milestones.identified);
	// Resolving implies mitigation: an incident taken straight to resolved was mitigated by then.
	const mitigatedAt = incident.milestones.mitigated ?? incident.milestones.resolved;
	if (mitigatedAt) timeTo.mitigateMs = since(mitigatedAt);
	if (incident.milestones.resolved) timeTo.resolveMs = since(incident.milestones.resolved);

	const used = runbooksUsed(events, options.runbook);
	const models = new Map([...(options.runbooks ?? []), ...(options.runbook ? [options.runbook] : [])].map(r => [r.id, r]));
	const runbookInfo = options.runbook
		? {id: options.runbook.id, title: options.runbook.title, source: options.runbook.source}
		: (() => {
				const selected = [...events].reverse().find((e): e is TimelineEvent<'runbook.selected'> => e.type === 'runbook.selected');
				return selected ? {id: selected.data.id, title: selected.data.title, source: selected.data.source} : undefined;
			})();

	const checklist = collectChecklist(events, used, models);
	return {
		incident: {
			id: incident.id,
			title: incident.title,
			severity: incident.severity,
			status: incident.status,
			openedAt: incident.openedAt,
			...(incident.closedAt ? {closedAt: incident.closedAt} : {}),
			durationMs: (end ? ms(end) : now.getTime()) - ms(incident.openedAt),
			stillOpen: !end,
			demo: Boolean(opened?.data.demo),
		},
		detection: {...detection, definition: detectionDefinition},
		milestones,
		timeTo,
		...(runbookInfo ? {runbook: runbookInfo} : {}),
		runbooks: used.map(r => ({...r, ...(models.has(r.id) && !r.source ? {title: models.get(r.id)!.title, source: models.get(r.id)!.source} : {})})),
		timeline: events
			// A shared incident's heartbeats (presence.seen) say only that a cockpit was open.
			.filter(event => event.type !== 'event.pinned' && event.type !== 'command.output' && event.type !== 'presence.seen')
			.map(event => ({id: event.id, at: event.at, by: event.by, type: event.type, ...describeEvent(event), pinned: Boolean(incident.pinned[event.id])})),
		actions: collectActions(events),
		checklist,
		sections: {rootCause: '', contributingFactors: [], wentWell: [], wentBadly: [], actionItems: []},
		...(options.drill && opened?.data.demo ? {drill: scoreDrill(events, checklist.filter(item => !runbookInfo || item.runbookId === runbookInfo.id), {primaryQuery: options.runbook?.primaryQuery, ...options.drill})} : {}),
		exportedAt: now.toISOString(),
	};
}

// --- Markdown ---

function utc(iso: string, withDate = true): string {
	const text = new Date(iso).toISOString();
	return withDate ? `${text.slice(0, 10)} ${text.slice(11, 19)}` : text.slice(11, 19);
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
	return oneLine(text, 1000).replaceAll('|', '\\|');
}

/** Inline code that survives backticks inside it. */
function code(text: string): string {
	const flat = oneLine(text, 1000).replaceAll('|', '\\|');
	const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map(m => m[0].length));
	const fence = '`'.repeat(longest + 1);
	return longest > 0 ? `${fence} ${flat} ${fence}` : `${fence}${flat}${fence}`;
}

function fenced(text: string): string[] {
	const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map(m => m[0].length));
	const fence = '`'.repeat(longest + 1);
	return [`${fence}text`, ...text.split('\n'), fence];
}

function actionResult(action: ActionSummary): string {
	const exit = action.exitCode === undefined || action.error === `exit ${action.exitCode}` ? '' : ` (exit ${action.exitCode})`;
	if (action.result === 'failed') return `failed: ${action.error ?? 'unknown error'}${exit}`;
	// The cluster's own account of what it did, unless it only repeats the exit code.
	const outcome = action.outcome && action.outcome !== `exit ${action.exitCode}` ? `: ${action.outcome}` : '';
	return `${action.result}${outcome}${exit}`;
}

function renderMarkdown(data: PostmortemData): string {
	const {incident} = data;
	const sameDay = data.timeline.every(row => row.at.slice(0, 10) === incident.openedAt.slice(0, 10));
	const out: string[] = [];
	out.push(`# Post-mortem draft: ${oneLine(incident.title)}`, '');
	if (incident.demo) out.push('> This incident was a DEMO (training drill), not a real outage.', '');
	out.push('## Summary', '', '| | |', '|---|---|');
	out.push(`| Incident | ${code(incident.id)} |`);
	out.push(`| Title | ${cell(incident.title)} |`);
	out.push(`| Severity | ${incident.severity} |`);
	out.push(`| Status | ${incident.status} |`);
	out.push(`| Opened | ${utc(incident.openedAt)} UTC |`);
	out.push(`| Closed | ${incident.closedAt ? `${utc(incident.closedAt)} UTC` : 'not closed'} |`);
	out.push(`| Duration | ${formatDuration(incident.durationMs)}${incident.stillOpen ? ' so far (not resolved)' : ''} |`);
	out.push(`| Time to identify | ${data.timeTo.identifyMs === undefined ? '-' : formatDuration(data.timeTo.identifyMs)} |`);
	out.push(`| Time to mitigate | ${data.timeTo.mitigateMs === undefined ? '-' : formatDuration(data.timeTo.mitigateMs)} |`);
	out.push(`| Time to resolve | ${data.timeTo.resolveMs === undefined ? '-' : formatDuration(data.timeTo.resolveMs)} |`);
	if (data.runbook) out.push(`| Runbook | ${cell(data.runbook.title)} (${code(data.runbook.source)}) |`);
	out.push('');

	if (data.drill) out.push(...drillMarkdown(data.drill, cell));

	out.push('## Milestones', '', `${data.detection.definition}`, '', `Detected by: ${data.detection.source}.`, '');
	out.push('| Milestone | Time (UTC) | Since detection |', '|---|---|---|');
	for (const milestone of data.milestones) out.push(`| ${milestone.name} | ${utc(milestone.at)} | ${formatDuration(milestone.sinceDetectionMs)} |`);
	out.push('');

	const pinned = data.timeline.filter(row => row.pinned);
	if (pinned.length > 0) {
		out.push('## Key moments (pinned)', '');
		for (const row of pinned) out.push(`- ${utc(row.at, !sameDay)} ${cell(row.text)} (${row.by})`);
		out.push('');
	}

	out.push('## Timeline', '', `Times in UTC${sameDay ? ` on ${incident.openedAt.slice(0, 10)}` : ''}. Pinned events are in bold.`, '');
	out.push('| Time | Who | Type | What |', '|---|---|---|---|');
	for (const row of data.timeline) {
		const what = row.pinned ? `**${cell(row.text)}**` : cell(row.text);
		out.push(`| ${utc(row.at, !sameDay)} | ${cell(row.by)} | ${row.type} | ${what} |`);
	}
	out.push('');

	out.push('## Actions', '');
	if (data.actions.length === 0) out.push('No actions were taken from the cockpit.', '');
	else {
		out.push('| Time (UTC) | Who | Kind | Target | Change | Command | Result | Duration |', '|---|---|---|---|---|---|---|---|');
		for (const action of data.actions) {
			const at = action.confirmedAt ?? action.requestedAt ?? action.finishedAt ?? '';
			const target = `${action.target.context}/${action.target.namespace}/${action.target.object}`;
			out.push(
				`| ${at ? utc(at, !sameDay) : '-'} | ${cell(action.by)} | ${action.kind} | ${code(target)} | ${cell(action.change)} | ${action.kubectl ? code(action.kubectl) : '-'} | ${cell(actionResult(action))} | ${action.durationMs === undefined ? '-' : formatDuration(action.durationMs)} |`,
			);
		}
		out.push('');
		for (const action of data.actions.filter(a => a.output)) {
			const what = action.target.object.startsWith(`${action.kind}/`) ? action.target.object : `${action.kind} ${action.target.object}`;
			out.push(`### Output of ${what} (${action.actionId})`, '', ...fenced(action.output!), '');
		}
	}

	out.push('## Runbook checklist', '');
	if (data.checklist.length === 0) out.push('No runbook steps were recorded.', '');
	else {
		// One list per runbook used; a heading each when the incident switched runbooks.
		const listed = data.runbooks.filter(r => data.checklist.some(item => item.runbookId === r.id));
		for (const runbook of listed) {
			if (listed.length > 1) {
				const source = runbook.source ? ` (${code(runbook.source)})` : '';
				out.push(`### ${oneLine(runbook.title)}${source}${runbook.selectedAt ? `, from ${utc(runbook.selectedAt, !sameDay)}` : ''}`, '');
			}
			for (const item of data.checklist.filter(i => i.runbookId === runbook.id)) {
				const who = item.checked && item.by && item.at ? ` (${item.how ? `${item.how}, ` : ''}${item.by}, ${utc(item.at, !sameDay)})` : '';
				out.push(`${'  '.repeat(item.depth)}- [${item.checked ? 'x' : ' '}] ${oneLine(item.title)}${who}`);
			}
			out.push('');
		}
	}

	for (const title of ['Root cause', 'Contributing factors', 'What went well', 'What went badly']) out.push(`## ${title}`, '', '_To be written._', '');
	out.push('## Action items', '', '| Action | Owner | Due | Tracking |', '|---|---|---|---|', '| | | | |', '');
	out.push(`_Draft exported by incident-tui at ${utc(data.exportedAt)} UTC from ${data.timeline.length} timeline events._`, '');
	return out.join('\n');
}

/**
 * The post-mortem draft. What it holds comes from outside too (notes, output, runbook titles, a
 * journal another version wrote): the whole text is cleaned and masked as it is written, so no
 * control character and no secret reaches the document, whatever its source.
 */
export function exportPostmortem(events: AnyTimelineEvent[], options: ExportOptions): string {
	const redact = options.redact ?? createRedactor();
	const data = buildPostmortem(events, options);
	if (options.format === 'json') return `${JSON.stringify(scrubDeep(data, redact), null, 2)}\n`;
	return scrubText(renderMarkdown(data), redact);
}
