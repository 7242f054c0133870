import type {Runbook, RunbookCommand} from './model.js';
import {shellQuote} from './template.js';

/** How a command reads on one line: the script as written, or the argv shell-quoted for display. */
export function commandText(command: RunbookCommand): string {
	if (command.script !== undefined) return command.script;
	return (command.argv ?? []).map(shellQuote).join(' ');
}

export interface InspectedRunbook {
	title: string;
	severity: string | null;
	alerts: string[];
	sections: Array<{title: string; level: number; line: number | null}>;
	steps: Array<{title: string; section: string | null; line: number | null; checkbox: boolean; queries: string[]; commands: string[]; text: string[]}>;
	queries: Array<{promql: string; section: string | null; line: number | null}>;
	commands: Array<{run: string; lang: string; section: string | null; line: number | null}>;
}

/**
 * The JSON of `incident-tui runbook inspect --json`: what the importer understood, so it can be
 * checked from outside. A step's `queries` and `commands` hold the PromQL and the command text.
 */
export function inspectRunbook(runbook: Runbook): InspectedRunbook {
	const byId = new Map(runbook.queries.map(q => [q.id, q]));
	return {
		title: runbook.title,
		severity: runbook.severity ?? null,
		alerts: [...new Set(runbook.alerts.map(a => a.name))],
		sections: runbook.sections.map(s => ({title: s.title, level: s.level, line: s.line ?? null})),
		steps: runbook.steps.map(step => ({
			title: step.title,
			section: step.section ?? null,
			line: step.line ?? null,
			checkbox: step.checkbox === true,
			queries: step.queries.map(id => byId.get(id)?.promql ?? id),
			commands: step.commands.map(commandText),
			text: step.text,
		})),
		queries: runbook.queries.map(q => ({promql: q.promql, section: q.section ?? null, line: q.line ?? null})),
		commands: runbook.steps.flatMap(step =>
			step.commands.map(c => ({run: commandText(c), lang: c.lang, section: c.section ?? step.section ?? null, line: c.line ?? null})),
		),
	};
}
