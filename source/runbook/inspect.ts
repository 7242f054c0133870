import type {Runbook, RunbookCommand} from './model.js';
import {cockpitLevel} from './severity.js';
import {shellQuote} from './template.js';
import {templateVariables} from './template.js';
import {valueSources} from './variables.js';

/** How a command reads on one line: the script as the runbook wrote it, or the argv shell-quoted for display. */
export function commandText(command: RunbookCommand): string {
	if (command.script !== undefined) return command.written ?? command.script;
	return (command.argv ?? []).map(shellQuote).join(' ');
}

/** The command as the cockpit runs it: placeholders in `{{name}}` form (each bound as a positional parameter). */
function templateText(command: RunbookCommand): string {
	if (command.script !== undefined) return command.script;
	return (command.argv ?? []).map(shellQuote).join(' ');
}

export interface InspectedRunbook {
	title: string;
	severity: string | null;
	alerts: string[];
	sections: Array<{title: string; level: number; line: number | null; text: string[]}>;
	steps: Array<{
		title: string;
		section: string | null;
		line: number | null;
		checkbox: boolean;
		queries: string[];
		commands: string[];
		text: string[];
		class: 'step';
		rule: string;
		reason: string;
		requests: Array<{method: string; path: string; body: string | null; line: number | null}>;
	}>;
	/** Every list item, steps and information alike, in file order, with the rule that decided. */
	items: Array<{text: string; line: number | null; section: string | null; class: 'step' | 'information'; rule: string; reason: string}>;
	queries: Array<{promql: string; section: string | null; line: number | null}>;
	commands: Array<{run: string; lang: string; section: string | null; line: number | null; template: string; variables: string[]; sets: string[]}>;
	requests: Array<{method: string; path: string; body: string | null; lang: string; section: string | null; line: number | null}>;
	fences: Array<{line: number; lang: string; kind: string}>;
	variables: Array<{name: string; source: string; uses: number[]; written: string[]; valueFrom: string[]; secret: boolean}>;
	severityGuidance: Array<{level: string; name: string | null; cockpit: string; criteria: string[]; responseTime: string | null; escalation: string | null; examples: string[]; line: number | null}>;
}

const LIST_RULES = new Set(['checkbox', 'numbered', 'action-lead-in', 'action-heading', 'nested-in-step', 'imperative', 'inline-command']);

/**
 * The JSON of `incident-tui runbook inspect --json`: what the importer understood, so it can be
 * checked from outside. A step's `queries` and `commands` hold the PromQL and the command text as
 * written; `commands[].template` is what runs, each `{{name}}` a variable of `variables`.
 */
export function inspectRunbook(runbook: Runbook): InspectedRunbook {
	const byId = new Map(runbook.queries.map(q => [q.id, q]));
	const steps = runbook.steps.map(step => ({
		title: step.title,
		section: step.section ?? null,
		line: step.line ?? null,
		checkbox: step.checkbox === true,
		queries: step.queries.map(id => byId.get(id)?.promql ?? id),
		commands: step.commands.map(commandText),
		text: step.text,
		class: 'step' as const,
		rule: step.rule ?? (runbook.format === 'yaml' ? 'yaml-step' : 'step'),
		reason: step.reason ?? (runbook.format === 'yaml' ? 'a step of the YAML runbook' : ''),
		requests: (step.requests ?? []).map(r => ({method: r.method, path: r.path, body: r.body ?? null, line: r.line ?? null})),
	}));
	const items = [
		...runbook.steps.filter(step => step.rule && LIST_RULES.has(step.rule)).map(step => ({text: step.title, line: step.line ?? null, section: step.section ?? null, class: 'step' as const, rule: step.rule!, reason: step.reason ?? ''})),
		...(runbook.information ?? []).map(item => ({text: item.text, line: item.line ?? null, section: item.section ?? null, class: 'information' as const, rule: item.rule, reason: item.reason})),
	].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
	return {
		title: runbook.title,
		severity: runbook.severity ?? null,
		alerts: [...new Set(runbook.alerts.map(a => a.name))],
		sections: runbook.sections.map(s => ({title: s.title, level: s.level, line: s.line ?? null, text: s.text ?? []})),
		steps,
		items,
		queries: runbook.queries.map(q => ({promql: q.promql, section: q.section ?? null, line: q.line ?? null})),
		commands: runbook.steps.flatMap(step =>
			step.commands.map(c => ({
				run: commandText(c),
				lang: c.lang,
				section: c.section ?? step.section ?? null,
				line: c.line ?? null,
				template: templateText(c),
				variables: [...new Set([...templateVariables(c.script ?? ''), ...(c.argv ?? []).flatMap(arg => templateVariables(arg))])],
				sets: c.sets ?? [],
			})),
		),
		requests: runbook.steps.flatMap(step => (step.requests ?? []).map(r => ({method: r.method, path: r.path, body: r.body ?? null, lang: r.lang, section: step.section ?? null, line: r.line ?? null}))),
		fences: (runbook.fences ?? []).map(f => ({line: f.line, lang: f.lang, kind: f.kind})),
		variables: runbook.variables.map(v => ({name: v.name, source: v.origin ?? 'declared', uses: v.uses ?? [], written: v.written ?? [], valueFrom: valueSources(v), secret: v.secret === true})),
		severityGuidance: (runbook.severityGuidance ?? []).map(level => ({
			level: level.level,
			name: level.name ?? null,
			cockpit: cockpitLevel(runbook, level),
			criteria: level.criteria,
			responseTime: level.responseTime ?? null,
			escalation: level.escalation ?? null,
			examples: level.examples ?? [],
			line: level.line ?? null,
		})),
	};
}
