/**
 * The Runbook model. YAML runbooks (source/runbook/yaml.ts) and Markdown runbooks
 * (source/runbook/markdown.ts) both load into this shape; the UI and the sources only see this.
 */

export interface RunbookVariable {
	name: string;
	description?: string;
	default?: string;
	required?: boolean;
	/** Never printed to the timeline; masked in confirmations. */
	secret?: boolean;
	allowed?: string[];
	pattern?: string;
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
	/** Script form (Markdown shell fences): run with `bash -c` after confirmation, variables shell-quoted. */
	script?: string;
	lang: string;
	timeoutMs?: number;
	section?: string;
	line?: number;
}

export type StepAction =
	| {kind: 'rollback'; deployment?: string; toRevision?: number}
	| {kind: 'scale'; deployment?: string; replicas?: number}
	| {kind: 'restart'; deployment?: string};

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
}
