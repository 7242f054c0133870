/** enter on the Runbook pane: a step as this incident would run it, or the steps under a heading. */
import {shownCommand} from '../../actions/command.js';
import type {Runbook} from '../../runbook/model.js';
import {renderTemplate, stepDeployment} from '../../runbook/template.js';
import type {DetailPart} from '../../store/types.js';
import {hhmmss, stepCheckHow} from '../../timeline/describe.js';
import {withLines} from '../details.js';
import type {Details, DetailsContext, RowRef} from '../types.js';
import {stepLiveLines} from './live.js';

/** A step's details: its text, what x would run and act on, its watched queries and done-when (live), and who ticked it. */
export function stepDetails(ref: RowRef, ctx: DetailsContext): Details {
	const {state} = ctx;
	if (ref.key.startsWith('section/')) return sectionDetails(ref, ctx);
	const step = state.runbook?.steps.find(s => s.id === ref.key);
	if (!step) return {title: ref.key, lines: ['(gone)']};
	const lines = [...step.text];
	if (step.role) lines.unshift(`role: ${step.role}`);
	// What x would run and act on, with this incident's values filled in (secrets masked), not the template.
	const {variables, secretVariables} = ctx;
	if (step.action) lines.push('', `action: ${step.action.kind}${step.action.deployment ? ` deployment/${stepDeployment(step, variables)}` : ''} (x to run)`);
	for (const command of step.commands) lines.push('', `$ ${shownCommand(command, variables, secretVariables, 'keep')}`);
	const parts: DetailPart[] = [{lines}];
	for (const id of step.queries) {
		// The query as the Metrics pane runs it (variables filled), with its value now, as long as the dialog is open.
		const query = state.runbook?.queries.find(x => x.id === id);
		parts.push({kind: 'runbook', live: 'query', id, otherwise: query ? ['', `query ${query.title}: ${renderTemplate(query.promql, variables, {missing: 'keep'})}`] : []});
	}
	if (step.doneWhen) parts.push({kind: 'runbook', live: 'done-when', id: step.id});
	// Who ticked it, when, and why: a tick by its condition is not its action done.
	const tick = state.incident.checkedSteps[step.id] && state.runbook ? state.incident.stepTicks[state.runbook.id]?.[step.id] : undefined;
	const how = tick && stepCheckHow(tick.data);
	if (tick) parts.push({lines: ['', `checked ${hhmmss(tick.at)} UTC by ${tick.by}${how ? `: ${how}` : ''}`]});
	if (step.line) parts.push({lines: ['', `${state.runbook?.source}:${step.line}`]});
	if (ctx.variableRows?.length) parts.push({lines: variableLines(ctx.variableRows)});
	return withLines({title: `Step: ${step.title}`, parts}, part => stepLiveLines(part, state, ctx.now()));
}

/** A heading (selected only when a filter leaves nothing else): the steps under it. */
function sectionDetails(ref: RowRef, {state}: DetailsContext): Details {
	// Headings are not selected (store/selection.ts) unless a filter leaves nothing else.
	const title = ref.name ?? ref.key;
	const steps = state.runbook?.steps.filter(step => step.section === title) ?? [];
	return {title, lines: steps.length ? steps.map(step => `${state.incident.checkedSteps[step.id] ? '[x]' : '[ ]'} ${step.title}`) : ['(a heading: the rows under it have the details)']};
}

/** What the variables view says of the selected row, as controller/selected-row.ts gives it. */
export interface SelectedRowText {
	kind: string;
	name: string;
	values: Record<string, string>;
}

/**
 * `v` on the Runbook pane: every variable of the runbook, its value (secrets masked) and where it
 * came from, each with the lines that use it and the step that sets it; first the order of the
 * sources and the row selected in the Pods pane, which x fills values from.
 */
export function variablesDetails(runbook: Pick<Runbook, 'title' | 'variables' | 'steps'>, rows: NonNullable<DetailsContext['variableRows']>, row: SelectedRowText | undefined): Details {
	const place = row ? Object.entries(row.values).filter(([name]) => name !== row.kind).map(([name, value]) => `${name} ${value}`).join(', ') : '';
	const lines = [
		'Values come from, in order: entered in the cockpit, --var, the alert that chose the runbook, the row selected in the Pods pane, the session (namespace, context), an earlier step’s output, the runbook’s default; else x asks.',
		row ? `Selected row: ${row.kind} ${row.name}${place ? ` (${place})` : ''}` : 'Selected row: none (select a pod or a deployment in the Pods pane)',
		'',
	];
	if (rows.length === 0) lines.push('(this runbook has no variables)');
	for (const item of rows) {
		lines.push(`${item.name} = ${item.value ?? '(unknown)'} · ${item.source}`);
		const variable = runbook.variables.find(v => v.name === item.name);
		const about: string[] = [];
		if (variable?.written?.length) about.push(`written ${variable.written.join(', ')}`);
		if (variable?.uses?.length) about.push(`line ${variable.uses.join(', ')}`);
		const setBy = variable?.setBy ? runbook.steps.findIndex(step => step.id === variable.setBy!.step) : -1;
		if (setBy >= 0) about.push(`set by step ${setBy + 1}`);
		if (about.length) lines.push(`    ${about.join(' · ')}`);
	}
	return {title: `Variables of ${runbook.title}`, lines};
}

/** The variables view: each variable of the runbook, its value and where it came from (runbook/variables.ts sourceText). */
function variableLines(rows: NonNullable<DetailsContext['variableRows']>): string[] {
	return ['', 'Variables (value · where it came from):', ...rows.map(row => `  ${row.name} = ${row.value ?? '(unknown)'} · ${row.source}`)];
}
