/**
 * The Runbook model. YAML runbooks (source/runbook/yaml.ts) and Markdown runbooks
 * (source/runbook/markdown.ts) both load into this shape; the UI and the sources only see this.
 */
import type {StepActionKind, StepActionParams} from '../model/action-ids.js';

export interface RunbookVariable {
	name: string;
	description?: string;
	default?: string;
	required?: boolean;
	/** Never printed to the timeline; masked in confirmations. */
	secret?: boolean;
	allowed?: string[];
	pattern?: string;
	/**
	 * Where the variable comes from: declared (YAML `variables:`, front matter), a placeholder found
	 * in a command or query (source/runbook/placeholders.ts), or a shell variable an earlier step's
	 * command sets (`POD=$(…)`). Absent on variables built by hand: declared.
	 */
	origin?: 'declared' | 'placeholder' | 'step';
	/** The placeholders as the runbook wrote them (`<pod-name>`, `$CONTROLLERPOD`), when found. */
	written?: string[];
	/** File lines where the variable is used (commands, queries, actions), ascending. */
	uses?: number[];
	/** The alert label the runbook names for it (`{{ $labels.pod }}`). */
	label?: string;
	/** The command of an earlier step that sets it (`CONTROLLERPOD=$(oc get pods …)`). */
	setBy?: {step: string; command: string; line?: number};
}

export interface RunbookQuery {
	id: string;
	title: string;
	/** PromQL, may contain {{variables}}. */
	promql: string;
	unit?: string;
	warn?: number;
	critical?: number;
	/** Higher is worse ('above', default) or lower is worse ('below'). */
	direction?: 'above' | 'below';
	section?: string;
	line?: number;
}

export interface RunbookCommand {
	id: string;
	title?: string;
	/** argv form: each element is templated separately and never goes through a shell. */
	argv?: string[];
	/**
	 * Script form (Markdown shell fences): run with `bash -c` after confirmation, each `{{variable}}`
	 * a positional parameter (shell-bind.ts). For Markdown, placeholders as the runbook wrote them
	 * (`<pod-name>`, `$NS`) are already in `{{name}}` form here; `written` keeps the original.
	 */
	script?: string;
	/** The script as the runbook wrote it, when placeholders were rewritten into `script`. */
	written?: string;
	/** Shell variables the script assigns that a later step uses (`POD=$(…)`): its output fills them. */
	sets?: string[];
	lang: string;
	timeoutMs?: number;
	section?: string;
	line?: number;
}

/** A request for an HTTP console (Kibana Dev Tools, OpenSearch Dashboards): shown, never run through a shell. */
export interface RunbookRequest {
	method: string;
	path: string;
	/** The JSON body, as written. */
	body?: string;
	title?: string;
	lang: string;
	line?: number;
}

/** A step's built-in action: one of the actions a step may name (model/action-ids.ts), on its deployment, with that action's parameters. */
export type StepAction = {[K in StepActionKind]: {kind: K; deployment?: string} & StepActionParams[K]}[StepActionKind];

export type DoneWhen =
	| {query: string; below?: number; above?: number; forSeconds?: number}
	| {health: string};

export interface RunbookStep {
	id: string;
	title: string;
	section?: string;
	/** 0 for top-level steps, 1+ for nested sub-steps. */
	depth: number;
	/** Body text lines (prose, copyable non-shell code). */
	text: string[];
	/** Ids of queries (in Runbook.queries) this step watches. */
	queries: string[];
	commands: RunbookCommand[];
	action?: StepAction;
	doneWhen?: DoneWhen;
	role?: string;
	/** Whether the source had a `- [ ]` task box. */
	checkbox?: boolean;
	line?: number;
	/** HTTP console requests (`GET _cat/shards`) of the step. */
	requests?: RunbookRequest[];
	/** Markdown: the rule that made this a step (source/runbook/classify.ts), and why, in the runbook's words. */
	rule?: string;
	reason?: string;
}

/** A Markdown list item that is information, not a step: kept as the text of a step or section. */
export interface InformationItem {
	text: string;
	line?: number;
	section?: string;
	/** The step whose text holds it, if any. */
	step?: string;
	rule: string;
	reason: string;
}

/** A fenced code block of a Markdown runbook and what it became. */
export interface FenceReport {
	line: number;
	lang: string;
	kind: 'commands' | 'query' | 'requests' | 'output' | 'text';
}

/** One level of the runbook's own severity scale (P0–P4, SEV1–5, Critical…Low). */
export interface SeverityLevel {
	/** As written: `P0`, `SEV1`, `Severity 1`, `Critical`. */
	level: string;
	/** Its name when given: `Critical`. */
	name?: string;
	criteria: string[];
	responseTime?: string;
	escalation?: string;
	examples?: string[];
	line?: number;
	/** 0 = most severe; comparable within one runbook's scale. */
	rank: number;
}

export interface RunbookSection {
	title: string;
	level: number;
	line?: number;
	/** Alert names this section answers (Markdown: an alert-name heading or an `Alert:` field). */
	alerts?: string[];
	/** `Severity:` field text found in this section, as written. */
	severity?: string;
	/** `Threshold:` field text found in this section, as written. */
	threshold?: string;
	/** Markdown: the section's information (prose, lists that are not steps, tables), as lines. */
	text?: string[];
}

export interface AlertMatcher {
	name: string;
	/** Label equality matchers. */
	labels?: Record<string, string>;
	/** Label regex matchers (`=~`), fully anchored like Prometheus. */
	labelsRegex?: Record<string, string>;
}

export interface Escalation {
	afterMinutes: number;
	to: string;
}

export interface Runbook {
	id: string;
	title: string;
	/** File path, or `builtin:<id>`. */
	source: string;
	format: 'yaml' | 'markdown';
	summary?: string;
	severity?: string;
	alerts: AlertMatcher[];
	variables: RunbookVariable[];
	queries: RunbookQuery[];
	sections: RunbookSection[];
	steps: RunbookStep[];
	escalation: Escalation[];
	/** Id of the query that says whether the incident is over (e.g. the error ratio). */
	primaryQuery?: string;
	/**
	 * Among runbooks that answer an alert equally specifically (source/runbook/match.ts), the highest
	 * priority is chosen; default 0.
	 */
	priority?: number;
	/** The runbook's own severity definitions, most severe first (source/runbook/severity.ts). */
	severityGuidance?: SeverityLevel[];
	/** Markdown: text before the first heading. */
	text?: string[];
	/** Markdown: list items classified as information, with the rule that decided. */
	information?: InformationItem[];
	/** Markdown: every fenced code block and what it became. */
	fences?: FenceReport[];
}
