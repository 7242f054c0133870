/** The Runbook pane's rows: the active runbook as a checklist, with what each step has and watches. */
import type {Runbook, RunbookStep} from '../../runbook/model.js';
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import {formatCountdown, formatValue, toneFor} from '../../text/format.js';
import type {StepTick} from '../../timeline/incident.js';
import {metricsData, type MetricRow} from '../metrics/data.js';
import type {Row} from '../types.js';

/**
 * What a step has: an action, commands, watched queries ("⟲ rollback $ cmd ◷"); `auto` is a column of
 * its own. `actionNotTaken`: the step was ticked by its condition and its action was not taken
 * ("⟲ no rollback"), so the tick does not read as a rollback done.
 */
export function stepMarks(step: RunbookStep, actionNotTaken = false): string {
	const marks: string[] = [];
	if (step.action) marks.push(`⟲ ${actionNotTaken ? 'no ' : ''}${step.action.kind}`);
	if (step.commands.length > 0) marks.push(`$ ${step.commands.length > 1 ? `×${step.commands.length}` : 'cmd'}`);
	if (step.queries.length > 0) marks.push('◷');
	return marks.join(' ');
}

/** How long a step's done-when condition must hold, in ms (0 for a health check: it ticks at once). */
export function doneWhenHoldMs(step: RunbookStep): number {
	const cond = step.doneWhen;
	return cond && 'query' in cond ? (cond.forSeconds ?? 0) * 1000 : 0;
}

/** How a ticked step was ticked, as its row says it: by its condition, and whether its action was then not taken. */
function tickedBy(tick: StepTick | undefined): {condition: boolean; actionNotTaken: boolean} {
	const cause = tick?.data.cause;
	if (cause?.type === 'condition') return {condition: true, actionNotTaken: Boolean(cause.stepAction && !cause.stepAction.actionId)};
	// A journal from before causes were recorded: an automatic tick without an action was its condition's.
	return {condition: Boolean(tick && !cause && tick.data.auto && !tick.data.doneBy), actionNotTaken: false};
}

/**
 * `ticks`: the runbook's ticked steps (IncidentInfo.stepTicks of its id): a step ticked by its
 * condition says so in the last column (`held`), and its action's mark says when that action was
 * not taken (`⟲ no rollback`).
 */
export function buildRunbookRows(
	runbook: Runbook | null,
	checked: Record<string, true>,
	metrics: readonly MetricRow[] = [],
	held: Record<string, number> = {},
	ticks: Record<string, StepTick> = {},
): Row[] {
	if (!runbook) return [];
	const byId = new Map(metrics.map(m => [m.id, m]));
	const rows: Row[] = [];
	let section: string | undefined;
	let number = 0;
	const how = new Map(runbook.steps.map(step => [step.id, checked[step.id] ? tickedBy(ticks[step.id]) : {condition: false, actionNotTaken: false}]));
	// The marks column is as wide as its widest entry ("⟲ rollback $ cmd"), so no mark is cut; a step
	// that can tick itself counts with its "no" already, so the column keeps its width when it ticks.
	const marks = new Map(runbook.steps.map(step => [step.id, stepMarks(step, how.get(step.id)!.actionNotTaken)]));
	const marksWidth = Math.max(0, ...runbook.steps.map(step => [...stepMarks(step, Boolean(step.doneWhen))].length));
	// A step that ticks itself says `auto`, and while its condition holds, the time left ("1:05"):
	// the column is as wide as the longest of those, so it never changes width as a count starts.
	const autoWidth = Math.max(0, ...runbook.steps.filter(step => step.doneWhen).map(step => Math.max(4, formatCountdown(doneWhenHoldMs(step)).length)));
	for (const step of runbook.steps) {
		if (step.section && step.section !== section) {
			section = step.section;
			rows.push({key: `s:${section}:${rows.length}`, tone: 'info', heading: true, ref: {kind: 'runbook', key: `section/${section}`, name: section}, search: section.toLowerCase(), cells: [{text: section, bold: true, tone: 'info'}]});
		}
		if (step.depth === 0) number++;
		const done = Boolean(checked[step.id]);
		const watched = step.queries.map(id => byId.get(id)).find(Boolean);
		const watchedValue = watched?.series[0];
		const since = done || !step.doneWhen ? undefined : held[step.id];
		rows.push({
			key: `st:${step.id}`,
			// Without colour the row's symbol shows its tone: ✓ for a done step, · for one still open.
			tone: done ? 'ok' : 'muted',
			ref: {kind: 'runbook', key: step.id},
			search: `${step.title} ${step.text.join(' ')}`.toLowerCase(),
			...(since === undefined ? {} : {countdownTo: since + doneWhenHoldMs(step)}),
			cells: [
				{text: `${'  '.repeat(step.depth)}${done ? '[x]' : '[ ]'} ${step.depth === 0 ? `${number}. ` : ''}${step.title}`, tone: done ? 'muted' : undefined},
				{
					text: watched && watchedValue ? `${formatValue(watchedValue.value, watched.unit, watched)} ` : '',
					tone: watched ? toneFor(watchedValue?.value, watched) : undefined,
					// A step that watches no query gives the room to its title.
					width: watched ? 8 : 0,
					align: 'right',
				},
				{text: marks.get(step.id)!, tone: 'muted', width: marksWidth, align: 'right'},
				since !== undefined
					? {text: 'auto', tone: 'ok', width: autoWidth, align: 'right', clock: true}
					: how.get(step.id)!.condition
						? {text: 'held', tone: 'muted', width: autoWidth, align: 'right'}
						: {text: step.doneWhen ? 'auto' : '', tone: 'muted', width: autoWidth, align: 'right'},
			],
		});
	}
	return rows;
}

/** The Runbook pane's rows: the active runbook's steps under their sections, with live values of the queries they watch. */
export function runbookRows(state: IncidentState, cache: RowCache): readonly Row[] {
	const {runbook} = state;
	return cache.memo(buildRunbookRows)(runbook, state.incident.checkedSteps, metricsData.of(state), state.doneWhenHeld, runbook ? state.incident.stepTicks[runbook.id] : undefined);
}

export function runbookProgress(runbook: Runbook | null, checked: Record<string, true>): {done: number; total: number} {
	if (!runbook) return {done: 0, total: 0};
	return {done: runbook.steps.filter(s => checked[s.id]).length, total: runbook.steps.length};
}
