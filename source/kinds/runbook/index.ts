/**
 * Runbook: the active runbook as a live checklist, with the values of the queries its steps watch;
 * its steps with a done-when condition tick themselves, and its escalation policy is followed.
 */
import {actions} from '../../actions/registry.js';
import type {Kind, KindContext, KindKey} from '../types.js';
import {startAutoCheck} from './auto-check.js';
import {stepDetails} from './details.js';
import {startEscalation} from './escalation.js';
import {stepLiveLines} from './live.js';
import {runbookProgress, runbookRows} from './rows.js';

const toggleKey: KindKey = {
	id: 'toggleStep',
	binding: {keys: [' '], label: 'space', help: 'Check or uncheck the selected runbook step', short: 'check'},
	run: (row, controller) => controller.toggleStep(row.ref.key),
};

const runKey: KindKey = {
	id: 'runStep',
	// A step runs a command or a rollback, scale or restart: dangerous as they are (the action registry says so).
	binding: {keys: ['x'], label: 'x', help: 'Run the selected step’s command or action (after confirmation)', short: 'run', dangerous: actions.command.dangerous},
	run: (row, controller) => controller.requestStep(row.ref.key),
};

const variablesKey: KindKey = {
	id: 'variables',
	binding: {keys: ['v'], label: 'v', help: 'List the runbook’s variables: value and source of each', short: 'vars'},
	disabled: (_row, {state}) => (state.runbook ? null : 'no runbook (b to choose one)'),
	run: (_row, controller) => controller.showVariables(),
};

/** The active runbook's watchers: its done-when conditions and its escalation policy. */
function start(ctx: KindContext): () => void {
	if (!ctx.runbook) return () => {};
	const {runbook, variables} = ctx.runbook;
	const stops = [startAutoCheck({...ctx, runbook, variables}), startEscalation({...ctx, runbook})];
	return () => {
		for (const stop of stops) stop();
	};
}

export const runbookKind: Kind = {
	id: 'runbook',
	title: 'Runbook',
	layout: {weight: 3, column: 'right'},
	start,
	rows: runbookRows,
	summary: state => {
		const {runbook} = state;
		if (!runbook) return {text: 'no runbook (b to choose)', tone: 'muted'};
		const progress = runbookProgress(runbook, state.incident.checkedSteps);
		return {text: `${runbook.title} · ${progress.done}/${progress.total} done`, tone: progress.done === progress.total && progress.total > 0 ? 'ok' : 'info'};
	},
	empty: () => 'no steps',
	details: stepDetails,
	liveLines: stepLiveLines,
	keys: [toggleKey, runKey, variablesKey],
};
