/**
 * What the variables form shows of each value it asks for, and what a command that set variables
 * leaves for later steps: plain functions of the runbook and the session's values, apart from the
 * action flow that calls them.
 */
import type {Runbook, RunbookVariable} from '../runbook/model.js';
import {resolveVariable, type VariableInputs} from '../runbook/variables.js';
import type {VariableField} from '../store/types.js';
import type {AppendEvent} from '../timeline/events.js';
import {REDACTED} from '../timeline/redact.js';
import type {RunbookState} from './runbook-state.js';
import type {ExpectedCapture} from './step-captures.js';

/** A step's number in the runbook ("3"), as the Runbook pane counts them; undefined for a step it does not have. */
export function stepNumber(runbook: Pick<Runbook, 'steps'> | null, stepId: string | undefined): string | undefined {
	const index = stepId === undefined || !runbook ? -1 : runbook.steps.findIndex(step => step.id === stepId);
	return index < 0 ? undefined : String(index + 1);
}

/** The form's fields for `unknown`: each prefilled with what was typed, else with what a source knows of it (`inputs`, in their order). */
export function variableFields(unknown: readonly RunbookVariable[], typed: Record<string, string>, inputs: VariableInputs, runbook: Pick<Runbook, 'steps'> | null): VariableField[] {
	return unknown.map(variable => ({
		name: variable.name,
		value: typed[variable.name] ?? resolveVariable(variable, inputs).value ?? '',
		hint: variableHint(variable, stepNumber(runbook, variable.setBy?.step)),
		secret: variable.secret === true,
	}));
}

/** What the form says under a variable's field: the step that sets it, what it must match, what the runbook says of it, where it is used. */
function variableHint(variable: RunbookVariable, setByStep?: string): string {
	const parts: string[] = [];
	if (variable.setBy) parts.push(`set by step ${setByStep ?? variable.setBy.step}: run it first, or give the value`);
	if (variable.description) parts.push(variable.description);
	if (variable.allowed?.length) parts.push(`one of ${variable.allowed.join(', ')}`);
	if (variable.pattern) parts.push(`matches ${variable.pattern}`);
	if (variable.written?.length) parts.push(`written ${variable.written.join(', ')}`);
	if (variable.uses?.length) parts.push(`line ${variable.uses.join(', ')}`);
	return parts.join(' · ');
}

/** Values a step's command set: kept for later steps, and recorded in the timeline with secret ones masked. */
export async function recordCaptured(found: (ExpectedCapture & {values: Record<string, string>}) | undefined, runbook: RunbookState, append: AppendEvent): Promise<void> {
	const loaded = runbook.loaded;
	if (!found || Object.keys(found.values).length === 0 || !loaded) return;
	runbook.capture(found.values, found.step, found.commandId);
	const secret = new Set(runbook.secretVariables());
	const recorded = Object.fromEntries(Object.entries(found.values).map(([name, value]) => [name, secret.has(name) ? REDACTED : value]));
	await append('variables.captured', {runbookId: loaded.id, stepId: found.stepId, commandId: found.commandId, values: recorded});
}
