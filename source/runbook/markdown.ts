import path from 'node:path';
import {fromMarkdown} from 'mdast-util-from-markdown';
import {gfmFromMarkdown} from 'mdast-util-gfm';
import {gfm} from 'micromark-extension-gfm';
import {frontmatter} from 'micromark-extension-frontmatter';
import {frontmatterFromMarkdown} from 'mdast-util-frontmatter';
import type {Code, Heading, List, ListItem, Nodes, Paragraph, Root, RootContent, Table} from 'mdast';
import {LocatedError, locate, parseYamlAll} from '../config/located-error.js';
import {present, salvage, schemaProblems} from '../config/collect.js';
import type {AlertMatcher, FenceReport, InformationItem, Runbook, RunbookCommand, RunbookQuery, RunbookSection, RunbookStep, SeverityLevel} from './model.js';
import {frontMatterSchema, type FrontMatter} from './schema.js';
import {parseYamlSafe, schemaError, toAlertMatcher, variableProblems} from './yaml.js';
import {IdAllocator, slugify} from './ids.js';
import {checkMarkdownLimits} from './limits.js';
import {looksLikeShell} from './command-lines.js';
import {analyseFence, parseFenceMeta} from './fences.js';
import {isFieldLine, namesContext, quote, startsWithVerb, STEP_HEADING, withoutNumbering, type Classification} from './classify.js';
import {addToLevel, levelFromRow, levelToken, namesSeverityScale, newLevel, orderGuidance} from './severity.js';
import {BlockPlaceholders, rewritePromql, type Rewritten} from './placeholders.js';
import {collectVariables, type FoundPlaceholder} from './variables.js';

export {consoleCommands, splitShell} from './command-lines.js';
export {parseFenceMeta} from './fences.js';

/**
 * The Markdown importer: any team's Markdown runbook becomes a Runbook.
 * Structure comes from the mdast tree (GFM + YAML front matter); regular expressions are only
 * applied to the text of single nodes (a heading's text, one paragraph line, one code block).
 * Which list items are steps: classify.ts; what a code block holds: fences.ts and
 * command-lines.ts; placeholders in commands and queries: placeholders.ts; severity scales:
 * severity.ts; the variables found: variables.ts.
 */

const ALERT_WORDS = /(Error|Errors|Down|High|Low|Latency|Rate|Fail|Failing|Failed|Failure|Crash|Looping|Loop|Expir|Expiring|Expired|Open|Exhaust|Exhausted|Memory|OOM|Usage|Saturat|Slow|Missing|Unavailable|Unreachable|Restart|Restarts|Disk|Full|Lag|Backlog|Absent|Spike|Budget|Burn|Throttl|Timeout|Timeouts|Pending|NotReady|Unhealthy|Degraded|Breaker|Attack|Leak|Drop)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_:]*$/;

/**
 * With `sink`, a problem in the front matter is collected there and the import goes on with its
 * valid parts (`runbook lint` reports everything in one run); without, the first one is thrown.
 */
export function parseMarkdownRunbook(text: string, file: string, source = file, sink?: LocatedError[]): Runbook {
	checkMarkdownLimits(text, file);
	let tree: Root;
	try {
		tree = fromMarkdown(text, {
			extensions: [gfm(), frontmatter(['yaml'])],
			mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(['yaml'])],
		});
	} catch (error) {
		throw new LocatedError(file, 1, undefined, undefined, `cannot parse Markdown: ${(error as Error).message}`);
	}
	return new Importer(file, source, sink).run(tree);
}

/** Plain text of an inline/flow node: like mdast-util-to-string, but a hard break becomes a newline. */
function toText(node: Nodes): string {
	switch (node.type) {
		case 'text':
		case 'inlineCode':
			return node.value;
		case 'break':
			return '\n';
		case 'image':
			return node.alt ?? '';
		case 'html':
			return '';
		case 'code':
			return node.value;
		default:
			return 'children' in node ? (node.children as Nodes[]).map(toText).join(node.type === 'paragraph' || node.type === 'heading' ? '' : '\n') : '';
	}
}

function lines(text: string): string[] {
	return text.split('\n').map(line => line.trim()).filter(line => line.length > 0);
}

interface Field {
	key: 'alert' | 'severity' | 'threshold';
	value: string;
}

/** `Severity: P1`, `**Alert:** HighErrorRate`: one line of one paragraph. */
function readField(line: string): Field | null {
	const match = /^(alerts?|severity|threshold)\s*:\s*(.+)$/i.exec(line.trim());
	if (!match) return null;
	const key = match[1]!.toLowerCase().startsWith('alert') ? 'alert' : (match[1]!.toLowerCase() as 'severity' | 'threshold');
	return {key, value: match[2]!.trim()};
}

function alertNamesFrom(value: string): string[] {
	const bare = value.replace(/\s*\(.*\)\s*$/, '').trim();
	if (IDENT.test(bare)) return [bare];
	return bare
		.split(/\s*[,;]\s*|\s+(?:and|or)\s+/)
		.map(part => part.replace(/\s*\(.*\)\s*$/, '').trim())
		.filter(part => IDENT.test(part));
}

/** `HighErrorRate`, `` `KubePodCrashLooping` ``, `Alert: ServiceDown` as a heading. */
export function alertNameFromHeading(heading: string): string | null {
	const text = heading.trim();
	const prefixed = /^alert\s*:\s*`?([A-Za-z_][A-Za-z0-9_:]*)`?$/i.exec(text);
	if (prefixed) return prefixed[1]!;
	const quoted = /^`([A-Za-z_][A-Za-z0-9_:]*)`$/.exec(text);
	if (quoted) return quoted[1]!;
	// A CamelCase identifier with at least two humps that reads like an alert
	// ("HighErrorRate", "ServiceDown"), not a product name ("PostgreSQL", "PagerDuty").
	if (/^[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+$/.test(text) && ALERT_WORDS.test(text)) return text;
	return null;
}

function isLinkOnly(item: ListItem): boolean {
	if (item.children.length === 0) return false;
	return item.children.every(child => {
		if (child.type === 'list') return child.children.every(isLinkOnly);
		if (child.type !== 'paragraph') return false;
		const meaningful = child.children.filter(node => !(node.type === 'text' && node.value.trim() === ''));
		return meaningful.length > 0 && meaningful.every(node => node.type === 'link' || node.type === 'linkReference');
	});
}

/** An item's text as information lines: `- first line`, the rest indented, nested items deeper. */
function itemLines(item: ListItem, indent = ''): string[] {
	const out: string[] = [];
	const marker = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
	item.children.forEach((child, index) => {
		if (child.type === 'list') for (const sub of child.children) out.push(...itemLines(sub, `${indent}  `));
		else if (child.type === 'code') return; // a fence is kept (or run) on its own: code()
		else {
			const text = lines(toText(child));
			text.forEach((line, i) => out.push(index === 0 && i === 0 ? `${indent}- ${marker}${line}` : `${indent}  ${line}`));
		}
	});
	return out;
}

/** The shell command an item's own text holds in backticks (`kubectl -n x get pods`), if any: such an item is something to run. */
function inlineShell(item: ListItem): string | undefined {
	const first = item.children[0];
	if (first?.type !== 'paragraph') return undefined;
	for (const node of first.children) {
		if (node.type !== 'inlineCode') continue;
		const value = node.value.trim();
		if (value.includes(' ') && looksLikeShell(value)) return value;
	}
	return undefined;
}

/** `- Slack: #incidents`, `- Runbook: https://…`: a label and a value that is not an instruction (`- DB: restart the pool` is one). */
function labelledValue(item: ListItem): boolean {
	const first = lines(toText(item.children[0] ?? {type: 'text', value: ''}))[0] ?? '';
	if (typeof item.checked === 'boolean' || !isFieldLine(first)) return false;
	const value = first.slice(first.indexOf(':') + 1).trim();
	return !startsWithVerb(first) && !startsWithVerb(value) && !looksLikeShell(value);
}

const step = (rule: Classification['rule'], reason: string): Classification => ({class: 'step', rule, reason});
const information = (rule: Classification['rule'], reason: string): Classification => ({class: 'information', rule, reason});

class Importer {
	private readonly sections: RunbookSection[] = [];
	private readonly steps: RunbookStep[] = [];
	private readonly queries: RunbookQuery[] = [];
	private readonly alerts: AlertMatcher[] = [];
	private readonly stepIds = new IdAllocator();
	private readonly queryIds = new IdAllocator();
	private readonly commandIds = new IdAllocator();
	private readonly information: InformationItem[] = [];
	private readonly fences: FenceReport[] = [];
	private readonly guidance: SeverityLevel[] = [];
	private readonly preamble: string[] = [];
	private readonly found: FoundPlaceholder[] = [];
	/** Shell variables set by the commands so far, and by which: a later block's `$NAME` comes from there. */
	private readonly assignedBy = new Map<string, {step: string; command: string; line?: number}>();
	/** Shell variables earlier commands set to a value as written (`NS=payments`): a later `$NS` has it as default. */
	private readonly literals = new Map<string, string>();
	/** The headings above the current block, outermost first. */
	private headings: Array<{depth: number; text: string}> = [];
	private title: string | undefined;
	private titleFromHeading = false;
	private severity: string | undefined;
	private section: RunbookSection | undefined;
	/** The sections the current block is in, outermost first. */
	private openSections: RunbookSection[] = [];
	/** A step made from a "Step 1: ..." heading: following content belongs to it. */
	private headingStep: RunbookStep | undefined;
	private lastStep: RunbookStep | undefined;
	/** A short paragraph ("**Database down:**") right before the current block: names a fence or a list. */
	private label: {text: string; line?: number} | undefined;
	private firstHeading: string | undefined;
	/** Depth of the heading that introduces a severity scale ("Severity Levels"), while under it. */
	private severityArea: number | undefined;
	/** The severity level whose heading the current block is under ("P0: Critical"). */
	private severityLevel: SeverityLevel | undefined;

	constructor(
		private readonly file: string,
		private readonly source: string,
		private readonly sink?: LocatedError[],
	) {}

	run(tree: Root): Runbook {
		let meta: FrontMatter = {};
		let children = tree.children;
		const first = children[0];
		if (first?.type === 'yaml') {
			meta = this.frontMatter(first.value, first.position?.start.line ?? 1);
			children = children.slice(1);
		}
		if (meta.title) this.title = meta.title;
		if (meta.severity) this.severity = meta.severity;
		const metaAlerts = meta.alerts === undefined ? [] : Array.isArray(meta.alerts) ? meta.alerts : [meta.alerts];
		for (const alert of metaAlerts) this.addAlert(toAlertMatcher(alert));
		for (const q of meta.queries ?? []) {
			this.queryIds.reserve(q.id);
			this.queries.push({id: q.id, title: q.title ?? q.id, promql: q.promql, ...(q.unit ? {unit: q.unit} : {}), ...(q.warn !== undefined ? {warn: q.warn} : {}), ...(q.critical !== undefined ? {critical: q.critical} : {}), ...(q.direction ? {direction: q.direction} : {})});
		}

		for (const node of children) this.block(node);

		const base = path.basename(this.file).replace(/\.(md|markdown|txt|mdx)$/i, '');
		const title = this.title ?? this.firstHeading ?? base;
		const runbook: Runbook = {
			id: meta.id ?? (slugify(base) || slugify(title) || 'runbook'),
			title,
			source: this.source,
			format: 'markdown',
			alerts: this.alerts,
			variables: (meta.variables ?? []).map(v => ({...v})),
			queries: this.queries,
			sections: this.sections,
			steps: this.steps,
			escalation: (meta.escalation ?? []).map(e => ({...e})),
			information: this.information,
			fences: this.fences,
		};
		const summary = meta.summary ?? meta.description;
		if (summary) runbook.summary = summary;
		if (this.severity) runbook.severity = this.severity;
		if (meta.priority !== undefined) runbook.priority = meta.priority;
		if (meta.primaryQuery) runbook.primaryQuery = meta.primaryQuery;
		else if (this.queries[0]) runbook.primaryQuery = this.queries[0].id;
		if (this.guidance.length > 0) runbook.severityGuidance = orderGuidance(this.guidance);
		if (this.preamble.length > 0) runbook.text = this.preamble;
		runbook.variables = collectVariables(runbook, this.found);
		this.markSetters(runbook);
		return runbook;
	}

	/** Commands whose shell variables a later step uses: their output fills them (step-output.ts). */
	private markSetters(runbook: Runbook): void {
		const byCommand = new Map<string, string[]>();
		for (const variable of runbook.variables) {
			if (!variable.setBy) continue;
			byCommand.set(variable.setBy.command, [...(byCommand.get(variable.setBy.command) ?? []), variable.name]);
		}
		for (const s of runbook.steps) for (const command of s.commands) if (byCommand.has(command.id)) command.sets = byCommand.get(command.id)!;
	}

	private frontMatter(value: string, startLine: number): FrontMatter {
		if (this.sink) return this.collectFrontMatter(value, startLine, this.sink);
		// The YAML starts on the line after the opening `---`.
		const shift = (error: LocatedError) => new LocatedError(this.file, (error.line ?? 1) + startLine, error.column, error.key, error.problem);
		const parsed = parseYamlSafe(value, this.file, startLine);
		if (parsed.value === null || parsed.value === undefined) return {};
		if (typeof parsed.value !== 'object' || Array.isArray(parsed.value)) throw new LocatedError(this.file, startLine + 1, undefined, undefined, 'front matter must be a YAML mapping (title, id, severity, alerts, variables)');
		const result = frontMatterSchema.safeParse(parsed.value);
		if (!result.success) throw shift(schemaError(result.error, parsed, this.file));
		const problem = variableProblems((result.data.variables ?? []).map(v => ({...v})))[0];
		if (problem) throw new LocatedError(this.file, startLine + 1, undefined, `variables[${problem.index}].${problem.key}`, problem.problem);
		return result.data;
	}

	/** The front matter's every problem into `sink`, and its valid parts (source/config/collect.ts). */
	private collectFrontMatter(value: string, startLine: number, sink: LocatedError[]): FrontMatter {
		const {parsed, problems} = parseYamlAll(value, this.file, startLine);
		sink.push(...problems);
		if (!parsed || parsed.value === null || parsed.value === undefined) return {};
		if (typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
			sink.push(new LocatedError(this.file, startLine + 1, undefined, undefined, 'front matter must be a YAML mapping (title, id, severity, alerts, variables)'));
			return {};
		}
		const result = frontMatterSchema.safeParse(parsed.value);
		if (!result.success) sink.push(...schemaProblems(result.error.issues, parsed, this.file, startLine));
		const kept = result.success ? {ok: true as const, value: result.data} : salvage(frontMatterSchema, parsed.value);
		const meta = (kept.ok ? kept.value : {}) as FrontMatter;
		// Located by index in the file, before the holes of invalid items are closed.
		for (const problem of variableProblems((meta.variables ?? []).map(v => ({...v})))) {
			const at = locate(parsed, ['variables', problem.index, problem.key]);
			sink.push(new LocatedError(this.file, (at.line ?? 1) + startLine, at.column, `variables[${problem.index}].${problem.key}`, problem.problem));
		}
		for (const key of ['variables', 'queries', 'escalation', 'alerts'] as const) {
			const list = meta[key];
			if (Array.isArray(list)) (meta as Record<string, unknown>)[key] = present(list as unknown[]);
		}
		return meta;
	}

	private addAlert(matcher: AlertMatcher): void {
		if (!this.alerts.some(a => a.name === matcher.name && !a.labels && !matcher.labels)) this.alerts.push(matcher);
	}

	private applyField(field: Field): void {
		if (field.key === 'alert') {
			const names = alertNamesFrom(field.value);
			for (const name of names) this.addAlert({name});
			if (this.section && names.length > 0) this.section.alerts = [...new Set([...(this.section.alerts ?? []), ...names])];
		} else if (field.key === 'severity') {
			this.severity ??= field.value;
			if (this.section) this.section.severity ??= field.value;
		} else if (this.section) this.section.threshold ??= field.value;
	}

	/** Reads `Alert:`/`Severity:`/`Threshold:` lines; returns the lines that were not fields. */
	private fields(text: string): string[] {
		const rest: string[] = [];
		for (const line of lines(text)) {
			const field = readField(line);
			if (field) this.applyField(field);
			else rest.push(line);
		}
		return rest;
	}

	/** Where information goes: the heading step, else the section, else the text before any heading. */
	private infoTarget(): string[] {
		if (this.headingStep) return this.headingStep.text;
		if (this.section) return (this.section.text ??= []);
		return this.preamble;
	}

	private block(node: RootContent): void {
		switch (node.type) {
			case 'heading':
				this.heading(node);
				return;
			case 'paragraph': {
				const rest = this.fields(toText(node));
				if (rest.length === 0) return;
				if (this.severityLevel) for (const line of rest) addToLevel(this.severityLevel, line);
				this.infoTarget().push(...rest);
				if (this.headingStep) this.inlineCommands(node, this.headingStep);
				this.label = rest.length === 1 && rest[0]!.length <= 100 ? {text: rest[0]!, ...(node.position ? {line: node.position.start.line} : {})} : undefined;
				return;
			}
			case 'list':
				this.list(node);
				return;
			case 'code':
				this.code(node);
				this.label = undefined;
				return;
			case 'blockquote':
				for (const child of node.children) this.block(child);
				return;
			case 'table':
				this.table(node);
				this.label = undefined;
				return;
			default:
				return;
		}
	}

	private heading(node: Heading): void {
		// `## Overview {#overview}`: a heading's attributes (Hugo, Pandoc) are not its title.
		const text = toText(node).replace(/\s+/g, ' ').trim().replace(/\s*\{[#.][^{}]*\}$/, '');
		const line = node.position?.start.line;
		this.headingStep = undefined;
		this.label = undefined;
		this.severityLevel = undefined;
		if (this.severityArea !== undefined && node.depth <= this.severityArea) this.severityArea = undefined;
		this.headings = [...this.headings.filter(h => h.depth < node.depth), {depth: node.depth, text}];
		// A heading ends the sections at its level and below: what follows belongs to the one above.
		this.openSections = this.openSections.filter(s => s.level < node.depth);
		this.section = this.openSections.at(-1);
		if (!text) return;
		this.firstHeading ??= text;
		if (node.depth === 1 && !this.titleFromHeading) {
			this.titleFromHeading = true;
			this.title ??= text;
			if (this.title === text) return;
		}
		const token = levelToken(text);
		// `P1 - High`, `SEV-2`, `Severity 3` name a level anywhere; `Critical` alone only under a severity scale's heading.
		if (token && (this.severityArea !== undefined || /\d$/.test(token.level))) {
			this.severityLevel = newLevel(token, line);
			this.guidance.push(this.severityLevel);
		} else if (namesSeverityScale(text) && this.severityArea === undefined) this.severityArea = node.depth;
		if (STEP_HEADING.test(text) && !this.severityLevel) {
			this.headingStep = this.newStep(withoutNumbering(text), 0, line, false, step('step-heading', `heading ${quote(text)} is numbered`));
			return;
		}
		const section: RunbookSection = {title: text, level: node.depth, ...(line ? {line} : {})};
		const alert = alertNameFromHeading(text);
		if (alert) {
			section.alerts = [alert];
			this.addAlert({name: alert});
		}
		this.sections.push(section);
		this.openSections.push(section);
		this.section = section;
		this.lastStep = undefined;
	}

	private newStep(title: string, depth: number, line: number | undefined, checkbox: boolean, why: Classification): RunbookStep {
		const id = this.stepIds.next(slugify(title), `step-${this.steps.length + 1}`);
		const created: RunbookStep = {id, title, depth, text: [], queries: [], commands: [], ...(this.section ? {section: this.section.title} : {}), ...(checkbox ? {checkbox} : {}), ...(line ? {line} : {}), rule: why.rule, reason: why.reason};
		this.steps.push(created);
		if (depth === 0) this.lastStep = created;
		this.label = undefined;
		return created;
	}

	/**
	 * How the items of a list (not nested in another item) read: see classify.ts. The lead-in is the
	 * short paragraph right above it; headings are walked from the nearest outwards.
	 */
	private listContext(list: List): Classification {
		const lead = this.label ? namesContext(this.label.text) : null;
		// Under "P1 - High" a bulleted list defines the level; a numbered one, or one a lead-in or the
		// heading calls actions ("SEV1 response steps"), is what to do at that level.
		const levelHeading = this.severityLevel ? this.headings.at(-1)?.text : undefined;
		const actsAtLevel = list.ordered || lead?.kind === 'action' || (levelHeading !== undefined && namesContext(levelHeading)?.kind === 'action');
		if (this.severityLevel && !actsAtLevel) return information('severity-definition', `under severity heading ${quote(this.severityLevel.level + (this.severityLevel.name ? ` ${this.severityLevel.name}` : ''))}`);
		if (this.severityArea !== undefined && !this.severityLevel && lead?.kind !== 'action') return information('severity-definition', `under heading ${quote(this.headings.find(h => h.depth === this.severityArea)?.text ?? '')} (a severity scale)`);
		if (!list.ordered && lead?.kind !== 'action' && list.children.length > 0 && list.children.every(labelledValue)) return information('details', 'items that are all "Label: value" (contacts, links, settings)');
		if (lead?.kind === 'information') return information('information-lead-in', `list under ${quote(this.label!.text)} (${quote(lead.word)} names information)`);
		if (lead?.kind === 'action') return step('action-lead-in', `list under ${quote(this.label!.text)} (${quote(lead.word)} names actions)`);
		const inner = this.headings.at(-1);
		const innerNames = inner ? namesContext(inner.text) : null;
		if (list.ordered) {
			if (innerNames?.kind === 'information') return information('information-heading', `numbered list under heading ${quote(inner!.text)} (${quote(innerNames.word)} names information)`);
			return step('numbered', 'numbered list');
		}
		for (let i = this.headings.length - 1; i >= 0; i--) {
			const heading = this.headings[i]!;
			// The title ("Incident Response Runbook") says what the document is, not what a list is.
			if (heading.depth === 1 && heading.text === this.title) continue;
			const named = namesContext(heading.text);
			if (!named) continue;
			return named.kind === 'action'
				? step('action-heading', `list under heading ${quote(heading.text)} (${quote(named.word)} names actions)`)
				: information('information-heading', `list under heading ${quote(heading.text)} (${quote(named.word)} names information)`);
		}
		const items = list.children.map(item => lines(toText(item.children[0] ?? {type: 'text', value: ''}))[0] ?? '');
		const verbs = items.filter(startsWithVerb).length;
		if (verbs * 2 >= items.length && verbs > 0) return step('imperative', 'bulleted items outside any named section that start with a verb');
		return information('outside-procedure', 'bulleted list outside a procedure');
	}

	private list(list: List): void {
		if (list.children.length > 0 && list.children.every(isLinkOnly)) {
			for (const item of list.children) this.informationItem(item, information('links', 'items that are only links'), this.infoTarget());
			this.label = undefined;
			return;
		}
		const context = this.listContext(list);
		const depth = this.headingStep ? 1 : 0;
		for (const item of list.children) this.item(item, depth, context, this.headingStep);
		this.label = undefined;
	}

	/** An information item: recorded with its rule, its text kept in `target`; checkboxes below it are still steps. */
	private informationItem(item: ListItem, why: Classification, target: string[] | null, holder?: RunbookStep): void {
		const text = itemLines(item);
		if (target) target.push(...text);
		const first = lines(toText(item.children[0] ?? {type: 'text', value: ''}))[0] ?? '';
		this.information.push({text: first, ...(item.position ? {line: item.position.start.line} : {}), ...(this.section ? {section: this.section.title} : {}), ...(holder ? {step: holder.id} : {}), rule: why.rule, reason: why.reason});
		if (why.rule === 'severity-definition' && target) this.severityItem(first, item, text);
		else if (target) this.levelNote(first);
		const nested = information('nested-in-information', 'inside an item that is information');
		for (const child of item.children) {
			if (child.type === 'code') this.code(child, holder);
			else if (child.type === 'list') {
				for (const sub of child.children) {
					if (typeof sub.checked === 'boolean' || inlineShell(sub) !== undefined) this.item(sub, holder ? holder.depth + 1 : 0, nested, holder);
					else this.informationItem(sub, nested, null, holder);
				}
			}
		}
	}

	/** An item under a severity heading or scale: a criterion of the level, or a level of its own (`- **P0**: outage`). */
	private severityItem(first: string, item: ListItem, text: string[]): void {
		const token = this.severityLevel ? null : levelToken(first);
		if (token) {
			const level = newLevel(token, item.position?.start.line);
			if (token.rest && !level.name) addToLevel(level, token.rest);
			for (const line of text.slice(1)) addToLevel(level, line.replace(/^\s*-\s*/, ''));
			this.guidance.push(level);
			return;
		}
		if (this.severityLevel) for (const line of text) addToLevel(this.severityLevel, line.replace(/^\s*-\s*(?:\[[ x]\]\s*)?/, ''));
	}

	/** `- P1: escalate if not resolved in 1 hour` under "Escalation Criteria": the escalation (or response time) of a level defined earlier. */
	private levelNote(first: string): void {
		const token = levelToken(first);
		const level = token && this.guidance.find(l => l.level.toLowerCase() === token.level.toLowerCase());
		if (!level || !token.rest) return;
		const context = [this.label?.text ?? '', ...this.headings.map(h => h.text)].join(' ');
		if (/escalat/i.test(context)) level.escalation ??= token.rest;
		else if (/respon/i.test(context)) level.responseTime ??= token.rest;
	}

	private item(item: ListItem, depth: number, context: Classification, parent: RunbookStep | undefined): void {
		const checkbox = typeof item.checked === 'boolean';
		if (isLinkOnly(item) && !checkbox) {
			this.informationItem(item, information('links', 'an item that is only links'), parent?.text ?? this.infoTarget(), parent);
			return;
		}
		const [first, ...others] = item.children;
		// `1. 1. Confirm the alert` (numbering typed twice) is one item holding a list of one: the inner item is the step.
		if (first?.type === 'list' && item.children.length === 1 && first.children.length === 1) {
			this.item(first.children[0]!, depth, context, parent);
			return;
		}
		let titleLines: string[] = [];
		let rest = item.children;
		if (first?.type === 'paragraph') {
			titleLines = this.fields(toText(first));
			rest = others;
			// An item that only held fields (`- **Severity**: P1`) is metadata, not a step.
			if (titleLines.length === 0 && rest.length === 0) {
				this.information.push({text: toText(first).trim(), ...(item.position ? {line: item.position.start.line} : {}), ...(this.section ? {section: this.section.title} : {}), rule: 'field', reason: 'an Alert:, Severity: or Threshold: field'});
				return;
			}
		}
		const command = context.class === 'information' && context.rule !== 'severity-definition' ? inlineShell(item) : undefined;
		const why = checkbox ? step('checkbox', 'checklist item') : command !== undefined ? step('inline-command', `holds the command ${quote(command)}`) : context;
		if (why.class === 'information') {
			this.informationItem(item, why, parent?.text ?? this.infoTarget(), parent);
			return;
		}
		if (titleLines[0]) this.levelNote(titleLines[0]);
		const created = this.newStep(withoutNumbering(titleLines[0] ?? '').replace(/\s*[:\uFF1A]$/, ''), depth, item.position?.start.line, checkbox, why);
		created.text.push(...titleLines.slice(1));
		if (first?.type === 'paragraph') this.inlineCommands(first, created);
		let lead: string | undefined = titleLines[0];
		for (const child of rest) {
			if (child.type === 'code') this.code(child, created);
			else if (child.type === 'list') {
				const nested = this.nestedContext(child, lead);
				for (const sub of child.children) this.item(sub, depth + 1, nested, created);
			} else if (child.type === 'paragraph') {
				const text = this.fields(toText(child));
				created.text.push(...text);
				this.inlineCommands(child, created);
				lead = text.length === 1 ? text[0] : undefined;
			} else created.text.push(...lines(toText(child)));
		}
		if (!created.title) created.title = created.commands[0]?.title ?? created.text.shift() ?? '';
	}

	/** A list inside a step's item: sub-steps, unless its lead-in names information or its items are all `Label: value`. */
	private nestedContext(list: List, lead: string | undefined): Classification {
		const named = lead ? namesContext(lead) : null;
		const texts = list.children.map(sub => lines(toText(sub.children[0] ?? {type: 'text', value: ''}))[0] ?? '');
		// "Root cause analysis" over "Review the last deploy", "Check the pool": the step's sub-steps, whatever its title names.
		const allVerbs = texts.length > 0 && texts.every(startsWithVerb);
		if (named?.kind === 'information' && !allVerbs) return information('information-lead-in', `list under ${quote(lead!)} (${quote(named.word)} names information)`);
		if (!list.ordered && texts.length > 0 && texts.every(isFieldLine) && !texts.some(startsWithVerb)) return information('details', 'items of a step that are all "Label: value"');
		return step('nested-in-step', 'list inside a step');
	}

	/** `kubectl get pods -n shop` in backticks inside a step's text is a command too. */
	private inlineCommands(paragraph: Paragraph, target: RunbookStep): void {
		const visit = (node: Nodes) => {
			if (node.type === 'inlineCode') {
				const value = node.value.trim();
				if (value.includes(' ') && looksLikeShell(value)) this.addCommand(target, {script: value, lang: 'sh', line: node.position?.start.line}, new BlockPlaceholders());
			} else if ('children' in node && node.type !== 'link') for (const child of node.children as Nodes[]) visit(child);
		};
		visit(paragraph);
	}

	private fenceTarget(code: Code): RunbookStep {
		if (this.headingStep) return this.headingStep;
		if (this.label) {
			const title = this.label.text.replace(/[:\uFF1A]\s*$/, '').trim();
			return this.newStep(title, 0, this.label.line ?? code.position?.start.line, false, step('fence-label', `commands under ${quote(this.label.text)}`));
		}
		if (this.lastStep && this.lastStep.section === this.section?.title) return this.lastStep;
		return this.newStep(this.section?.title ?? this.title ?? 'Commands', 0, code.position?.start.line, false, step('fence-in-section', `commands in section ${quote(this.section?.title ?? this.title ?? '')}`));
	}

	private addCommand(target: RunbookStep, command: {script: string; lang: string; title?: string; name?: string; line?: number | undefined}, scope: BlockPlaceholders): void {
		const id = this.commandIds.next(slugify(command.name ?? command.title ?? ''), `${target.id}-cmd`);
		const title = command.name ?? command.title;
		const rewritten = scope.shell(command.script);
		this.remember(rewritten, command.line);
		const created: RunbookCommand = {id, script: rewritten.template, lang: command.lang, ...(title ? {title} : {}), ...(target.section ? {section: target.section} : {}), ...(command.line ? {line: command.line} : {})};
		if (rewritten.template !== command.script) created.written = command.script;
		target.commands.push(created);
		for (const name of rewritten.assigns) {
			this.assignedBy.set(name, {step: target.id, command: id, ...(command.line ? {line: command.line} : {})});
			this.literals.delete(name);
		}
		for (const [name, value] of Object.entries(rewritten.literals)) {
			this.literals.set(name, value);
			this.assignedBy.delete(name);
		}
	}

	/** Records the placeholders of a command or query; a `$NAME` an earlier command sets names that command. */
	private remember(rewritten: Rewritten, line: number | undefined): void {
		for (const p of rewritten.placeholders) {
			const setBy = p.form === 'env' ? this.assignedBy.get(p.name) : undefined;
			const fallback = p.form === 'env' && p.default === undefined ? this.literals.get(p.name) : undefined;
			this.found.push({...p, line: (line ?? 0) + p.line, ...(setBy ? {setBy} : {}), ...(fallback !== undefined ? {default: fallback} : {})});
		}
	}

	/** A code block: queries, commands or requests of a step; output and other text kept as text. */
	private code(code: Code, within?: RunbookStep): void {
		let lang = (code.lang ?? '').toLowerCase();
		let metaText = code.meta ?? '';
		if (lang.startsWith('{')) {
			metaText = `${code.lang ?? ''} ${metaText}`;
			lang = '';
		}
		const meta = parseFenceMeta(metaText);
		const name = meta.name ?? meta.id;
		const firstLine = (code.position?.start.line ?? 0) + 1;
		const content = analyseFence(lang, code.value, Boolean(name));
		if (code.position) this.fences.push({line: code.position.start.line, lang: code.lang ?? '', kind: content.kind});
		if (content.kind === 'output' || content.kind === 'text') {
			const holder = within ?? this.headingStep ?? (this.lastStep && this.lastStep.section === this.section?.title && !this.label ? this.lastStep : undefined);
			(holder ? holder.text : this.infoTarget()).push(...code.value.split('\n'));
			return;
		}
		const target = within ?? this.fenceTarget(code);
		if (content.kind === 'query') {
			for (const part of content.parts) {
				const queryTitle = name ?? part.title ?? target.title;
				const id = this.queryIds.next(slugify(name ?? part.title ?? ''), `q${this.queries.length + 1}`);
				const rewritten = rewritePromql(part.promql);
				this.remember(rewritten, firstLine + part.offset);
				this.queries.push({id, title: queryTitle, promql: rewritten.template, ...(target.section ? {section: target.section} : {}), line: firstLine + part.offset});
				target.queries.push(id);
			}
			return;
		}
		if (content.kind === 'requests') {
			for (const request of content.requests) {
				(target.requests ??= []).push({method: request.method, path: request.path, lang: content.lang, ...(request.body ? {body: request.body} : {}), ...(request.title ? {title: request.title} : {}), line: firstLine + request.offset});
			}
			return;
		}
		const scope = new BlockPlaceholders();
		content.chunks.forEach((chunk, index) => {
			this.addCommand(target, {script: chunk.script, lang: content.lang, line: firstLine + chunk.offset, ...(index === 0 && name ? {name} : {}), ...(chunk.title ? {title: chunk.title} : {})}, scope);
		});
		if (!target.title) target.title = target.commands[0]?.title ?? '';
	}

	/** A table: a severity scale's rows become levels; every table stays as text. */
	private table(node: Table): void {
		const rows = node.children.map(row => row.children.map(cell => toText(cell).replace(/\s+/g, ' ').trim()));
		const headers = rows[0] ?? [];
		if (headers.some(h => /sever|priorit|^sev|^level$/i.test(h)) || this.severityArea !== undefined) {
			node.children.slice(1).forEach((row, index) => {
				const level = levelFromRow(headers, rows[index + 1]!, row.position?.start.line);
				if (level) this.guidance.push(level);
			});
		}
		this.infoTarget().push(...rows.map(cells => cells.join(' | ')));
	}
}
