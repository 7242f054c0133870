import path from 'node:path';
import {fromMarkdown} from 'mdast-util-from-markdown';
import {gfmFromMarkdown} from 'mdast-util-gfm';
import {gfm} from 'micromark-extension-gfm';
import {frontmatter} from 'micromark-extension-frontmatter';
import {frontmatterFromMarkdown} from 'mdast-util-frontmatter';
import type {Code, Heading, List, ListItem, Nodes, Paragraph, Root, RootContent} from 'mdast';
import {LocatedError, locate, parseYamlAll} from '../config/located-error.js';
import {present, salvage, schemaProblems} from '../config/collect.js';
import type {AlertMatcher, Runbook, RunbookCommand, RunbookQuery, RunbookSection, RunbookStep} from './model.js';
import {frontMatterSchema, type FrontMatter} from './schema.js';
import {parseYamlSafe, schemaError, toAlertMatcher, variableProblems} from './yaml.js';
import {IdAllocator, slugify} from './ids.js';
import {checkMarkdownLimits} from './limits.js';

/**
 * The Markdown importer: any team's Markdown runbook becomes a Runbook.
 * Structure comes from the mdast tree (GFM + YAML front matter); regular expressions are only
 * applied to the text of single nodes (a heading's text, one paragraph line, one code block).
 */

const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'zsh', 'ksh', 'fish']);
const CONSOLE_LANGS = new Set(['console', 'shell-session', 'shellsession', 'terminal']);
const PROMQL_LANGS = new Set(['promql', 'metricsql']);

/** Commands that make an unlabelled fence (or an inline code span in a step) a shell command. */
const KNOWN_COMMANDS = new Set([
	'kubectl', 'curl', 'wget', 'gcloud', 'docker', 'podman', 'psql', 'mysql', 'redis-cli', 'helm', 'aws', 'az',
	'systemctl', 'journalctl', 'ssh', 'scp', 'git', 'npm', 'npx', 'node', 'python', 'python3', 'pip', 'go', 'make',
	'terraform', 'jq', 'grep', 'tail', 'head', 'cat', 'ls', 'ps', 'top', 'df', 'du', 'free', 'dig', 'nslookup',
	'ping', 'traceroute', 'openssl', 'nc', 'telnet', 'ss', 'netstat', 'sudo', 'export', 'cd', 'echo', 'watch',
	'stern', 'k9s', 'argocd', 'flux', 'istioctl', 'linkerd', 'vault', 'consul', 'nomad', 'heroku', 'fly', 'flyctl',
	'supabase', 'mongosh', 'mongo', 'pg_dump', 'pg_isready', 'promtool', 'amtool', 'kill', 'pkill', 'service',
]);

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

const STEP_HEADING = /^(?:step\s*\d+[a-z]?\b\s*[:.)\-\u2013\u2014]?\s*|\d+[.)]\s+)/i;

function commandWord(line: string): string {
	const first = line.trim().replace(/^sudo\s+/, '').split(/\s+/)[0] ?? '';
	return first;
}

function looksLikeShell(line: string): boolean {
	const word = commandWord(line);
	if (!word) return false;
	if (word.startsWith('./') || word.startsWith('../') || /^\/[\w./-]+$/.test(word) || /^[\w-]+\.sh$/.test(word)) return true;
	return KNOWN_COMMANDS.has(word);
}

/** Fence attributes of executable-markdown tools: `{"name": "x"}` (JSON) or `{ name=x interactive=false }`. */
export function parseFenceMeta(meta: string | null | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	const text = (meta ?? '').trim();
	if (!text) return out;
	if (text.startsWith('{')) {
		try {
			const value = JSON.parse(text) as unknown;
			if (value && typeof value === 'object' && !Array.isArray(value)) {
				for (const [key, v] of Object.entries(value)) if (v !== null && typeof v !== 'object') out[key] = String(v);
				return out;
			}
		} catch {
			// not JSON: fall through to key=value pairs
		}
	}
	for (const match of text.replace(/^\{|\}$/g, '').matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s,}]+))/g)) {
		out[match[1]!] = match[2] ?? match[3] ?? match[4] ?? '';
	}
	return out;
}

interface ShellChunk {
	script: string;
	title?: string;
	/** 0-based offset of the chunk's first line within the code block. */
	offset: number;
}

/**
 * Splits a shell fence into runnable commands: one per logical line, a `# comment` directly above
 * becoming its title. Backslash continuations, pipes at line end, heredocs, open quotes and
 * if/for/while/case blocks keep their lines together. Written by hand because we only need
 * command boundaries, not a full shell parse (bash parsers on npm are unmaintained or heavy).
 */
export function splitShell(code: string): ShellChunk[] {
	const chunks: ShellChunk[] = [];
	const all = code.split('\n');
	let comment: string | undefined;
	let current: {lines: string[]; title?: string; offset: number} | undefined;
	let heredoc: string | undefined;
	let depth = 0;
	let quote: '"' | "'" | undefined;
	let continued = false;

	const close = () => {
		if (current) chunks.push({script: current.lines.join('\n'), offset: current.offset, ...(current.title ? {title: current.title} : {})});
		current = undefined;
		depth = 0;
		quote = undefined;
		continued = false;
	};

	all.forEach((raw, index) => {
		const line = raw.replace(/\s+$/, '');
		const trimmed = line.trim();
		const inside = current !== undefined && (heredoc !== undefined || depth > 0 || quote !== undefined || continued);
		if (inside && current) {
			current.lines.push(line);
			if (heredoc !== undefined) {
				if (trimmed === heredoc) heredoc = undefined;
				return;
			}
		} else {
			if (trimmed === '') {
				close();
				comment = undefined;
				return;
			}
			if (trimmed.startsWith('#') && !trimmed.startsWith('#!')) {
				close();
				comment = trimmed.replace(/^#+\s*/, '') || undefined;
				return;
			}
			close();
			current = {lines: [line], offset: index, ...(comment ? {title: comment} : {})};
			comment = undefined;
		}
		// Update the state the next line depends on.
		let body = trimmed;
		for (const ch of body.replace(/\\./g, '')) {
			if (quote) {
				if (ch === quote) quote = undefined;
			} else if (ch === '"' || ch === "'") quote = ch;
		}
		if (quote) return;
		body = body.replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, '""');
		const here = /<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(body);
		if (here) heredoc = here[1];
		const opens = body.match(/(?:^|[;&|({]\s*)(?:if|for|while|until|case|select)\b/g)?.length ?? 0;
		const closes = body.match(/(?:^|[;&|\s])(?:fi|done|esac)\b(?=\s*(?:$|[;&|)>]))/g)?.length ?? 0;
		const braces = (/\{\s*$/.test(body) ? 1 : 0) - (/^\}/.test(body) ? 1 : 0);
		depth = Math.max(0, depth + opens - closes + braces);
		continued = /(?:\\|\||&&|\|\|)$/.test(body);
	});
	close();
	return chunks;
}

/** `$ cmd` lines of a console transcript; other lines are sample output and are dropped. */
export function consoleCommands(code: string): ShellChunk[] {
	const chunks: ShellChunk[] = [];
	let current: ShellChunk | undefined;
	code.split('\n').forEach((raw, index) => {
		const line = raw.replace(/\s+$/, '');
		if (current && (/\\$/.test(current.script) || /^>\s/.test(line)) && !/^\s*\$\s/.test(line)) {
			current.script += `\n${line.replace(/^>\s/, '')}`;
			return;
		}
		const prompt = /^\s*\$\s+(.*)$/.exec(line);
		if (prompt) {
			current = {script: prompt[1]!, offset: index};
			chunks.push(current);
		} else current = undefined;
	});
	return chunks.filter(chunk => chunk.script.trim().length > 0);
}

function splitPromql(code: string): Array<{promql: string; title?: string; offset: number}> {
	const out: Array<{promql: string; title?: string; offset: number}> = [];
	let comment: string | undefined;
	let current: {lines: string[]; title?: string; offset: number} | undefined;
	const close = () => {
		if (current) out.push({promql: current.lines.join('\n'), offset: current.offset, ...(current.title ? {title: current.title} : {})});
		current = undefined;
	};
	code.split('\n').forEach((raw, index) => {
		const trimmed = raw.trim();
		if (trimmed === '') {
			close();
			comment = undefined;
		} else if (trimmed.startsWith('#')) {
			if (current) current.lines.push(raw.replace(/\s+$/, ''));
			else comment = trimmed.replace(/^#+\s*/, '') || undefined;
		} else if (current) current.lines.push(raw.replace(/\s+$/, ''));
		else {
			current = {lines: [raw.replace(/\s+$/, '')], offset: index, ...(comment ? {title: comment} : {})};
			comment = undefined;
		}
	});
	close();
	return out;
}

function leadingBlankLines(value: string): number {
	let count = 0;
	for (const line of value.split('\n')) {
		if (line.trim() !== '') break;
		count++;
	}
	return count;
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

class Importer {
	private readonly sections: RunbookSection[] = [];
	private readonly steps: RunbookStep[] = [];
	private readonly queries: RunbookQuery[] = [];
	private readonly alerts: AlertMatcher[] = [];
	private readonly stepIds = new IdAllocator();
	private readonly queryIds = new IdAllocator();
	private readonly commandIds = new IdAllocator();
	private title: string | undefined;
	private titleFromHeading = false;
	private severity: string | undefined;
	private section: RunbookSection | undefined;
	/** A step made from a "Step 1: ..." heading: following content belongs to it. */
	private headingStep: RunbookStep | undefined;
	private lastStep: RunbookStep | undefined;
	/** A short paragraph ("**Database down:**") seen since the last step: names a fence that follows. */
	private label: {text: string; line?: number} | undefined;
	private firstHeading: string | undefined;

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
		};
		const summary = meta.summary ?? meta.description;
		if (summary) runbook.summary = summary;
		if (this.severity) runbook.severity = this.severity;
		if (meta.priority !== undefined) runbook.priority = meta.priority;
		if (meta.primaryQuery) runbook.primaryQuery = meta.primaryQuery;
		else if (this.queries[0]) runbook.primaryQuery = this.queries[0].id;
		return runbook;
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

	private block(node: RootContent): void {
		switch (node.type) {
			case 'heading':
				this.heading(node);
				return;
			case 'paragraph': {
				const rest = this.fields(toText(node));
				if (rest.length === 0) return;
				if (this.headingStep) {
					this.headingStep.text.push(...rest);
					this.inlineCommands(node, this.headingStep);
				} else if (rest.length === 1 && rest[0]!.length <= 100) this.label = {text: rest[0]!, ...(node.position ? {line: node.position.start.line} : {})};
				else this.label = undefined;
				return;
			}
			case 'list':
				this.list(node);
				return;
			case 'code':
				this.code(node, this.fenceTarget(node));
				return;
			case 'blockquote':
				for (const child of node.children) this.block(child);
				return;
			case 'table':
				if (this.headingStep) for (const row of node.children) this.headingStep.text.push(row.children.map(cell => toText(cell).trim()).join(' | '));
				return;
			default:
				return;
		}
	}

	private heading(node: Heading): void {
		const text = toText(node).replace(/\s+/g, ' ').trim();
		const line = node.position?.start.line;
		this.headingStep = undefined;
		this.label = undefined;
		if (!text) return;
		this.firstHeading ??= text;
		if (node.depth === 1 && !this.titleFromHeading) {
			this.titleFromHeading = true;
			this.title ??= text;
			if (this.title === text) return;
		}
		if (STEP_HEADING.test(text)) {
			const step = this.newStep(text, 0, line, false);
			this.headingStep = step;
			return;
		}
		const section: RunbookSection = {title: text, level: node.depth, ...(line ? {line} : {})};
		const alert = alertNameFromHeading(text);
		if (alert) {
			section.alerts = [alert];
			this.addAlert({name: alert});
		}
		this.sections.push(section);
		this.section = section;
		this.lastStep = undefined;
	}

	private newStep(title: string, depth: number, line: number | undefined, checkbox: boolean): RunbookStep {
		const id = this.stepIds.next(slugify(title), `step-${this.steps.length + 1}`);
		const step: RunbookStep = {id, title, depth, text: [], queries: [], commands: [], ...(this.section ? {section: this.section.title} : {}), ...(checkbox ? {checkbox} : {}), ...(line ? {line} : {})};
		this.steps.push(step);
		if (depth === 0) this.lastStep = step;
		this.label = undefined;
		return step;
	}

	private list(list: List): void {
		if (list.children.length > 0 && list.children.every(isLinkOnly)) return;
		const depth = this.headingStep ? 1 : 0;
		for (const item of list.children) this.item(item, depth);
		this.label = undefined;
	}

	private item(item: ListItem, depth: number): void {
		if (isLinkOnly(item)) return;
		const [first, ...others] = item.children;
		let titleLines: string[] = [];
		let rest = item.children;
		if (first?.type === 'paragraph') {
			titleLines = this.fields(toText(first));
			rest = others;
			// An item that only held fields (`- **Severity**: P1`) is metadata, not a step.
			if (titleLines.length === 0 && rest.length === 0) return;
		}
		const step = this.newStep(titleLines[0] ?? '', depth, item.position?.start.line, typeof item.checked === 'boolean');
		step.text.push(...titleLines.slice(1));
		if (first?.type === 'paragraph') this.inlineCommands(first, step);
		for (const child of rest) {
			if (child.type === 'code') this.code(child, step);
			else if (child.type === 'list') for (const sub of child.children) this.item(sub, depth + 1);
			else if (child.type === 'paragraph') {
				step.text.push(...this.fields(toText(child)));
				this.inlineCommands(child, step);
			} else step.text.push(...lines(toText(child)));
		}
		if (!step.title) step.title = step.commands[0]?.title ?? step.text.shift() ?? '';
	}

	/** `kubectl get pods -n shop` in backticks inside a step's text is a command too. */
	private inlineCommands(paragraph: Paragraph, step: RunbookStep): void {
		const visit = (node: Nodes) => {
			if (node.type === 'inlineCode') {
				const value = node.value.trim();
				if (value.includes(' ') && looksLikeShell(value)) this.addCommand(step, {script: value, lang: 'sh', line: node.position?.start.line});
			} else if ('children' in node && node.type !== 'link') for (const child of node.children as Nodes[]) visit(child);
		};
		visit(paragraph);
	}

	private fenceTarget(code: Code): RunbookStep {
		if (this.headingStep) return this.headingStep;
		if (this.label) {
			const title = this.label.text.replace(/[:\uFF1A]\s*$/, '').trim();
			return this.newStep(title, 0, this.label.line ?? code.position?.start.line, false);
		}
		if (this.lastStep && this.lastStep.section === this.section?.title) return this.lastStep;
		return this.newStep(this.section?.title ?? this.title ?? 'Commands', 0, code.position?.start.line, false);
	}

	private addCommand(step: RunbookStep, command: {script: string; lang: string; title?: string; name?: string; line?: number | undefined}): void {
		const id = this.commandIds.next(slugify(command.name ?? command.title ?? ''), `${step.id}-cmd`);
		const title = command.name ?? command.title;
		step.commands.push({id, script: command.script, lang: command.lang, ...(title ? {title} : {}), ...(step.section ? {section: step.section} : {}), ...(command.line ? {line: command.line} : {})} satisfies RunbookCommand);
	}

	private code(code: Code, step: RunbookStep): void {
		let lang = (code.lang ?? '').toLowerCase();
		let metaText = code.meta ?? '';
		if (lang.startsWith('{')) {
			metaText = `${code.lang ?? ''} ${metaText}`;
			lang = '';
		}
		const meta = parseFenceMeta(metaText);
		const name = meta.name ?? meta.id;
		const firstLine = (code.position?.start.line ?? 0) + 1;
		const value = code.value;

		if (PROMQL_LANGS.has(lang)) {
			const parts: Array<{promql: string; offset: number; title?: string}> = name ? [{promql: value.trim(), offset: leadingBlankLines(value)}] : splitPromql(value);
			for (const part of parts) {
				const title = name ?? part.title ?? step.title;
				const id = this.queryIds.next(slugify(name ?? part.title ?? ''), `q${this.queries.length + 1}`);
				this.queries.push({id, title, promql: part.promql, ...(step.section ? {section: step.section} : {}), line: firstLine + part.offset});
				step.queries.push(id);
			}
			return;
		}

		let kind: 'shell' | 'console' | 'text' = 'text';
		if (SHELL_LANGS.has(lang)) kind = 'shell';
		else if (CONSOLE_LANGS.has(lang)) kind = 'console';
		else if (lang === '' || lang === 'text' || lang === 'txt' || lang === 'plain') {
			const firstCommand = value.split('\n').map(l => l.trim()).find(l => l && !l.startsWith('#'));
			if (firstCommand?.startsWith('$ ')) kind = 'console';
			else if (firstCommand && looksLikeShell(firstCommand)) kind = 'shell';
		}
		if (kind === 'text') {
			step.text.push(...value.split('\n'));
			return;
		}
		const outLang = lang || (kind === 'console' ? 'console' : 'sh');
		if (name && kind === 'shell') {
			this.addCommand(step, {script: value.trim(), lang: outLang, name, line: firstLine + leadingBlankLines(value)});
			return;
		}
		const chunks = kind === 'console' ? consoleCommands(value) : splitShell(value);
		chunks.forEach((chunk, index) => {
			this.addCommand(step, {script: chunk.script, lang: outLang, line: firstLine + chunk.offset, ...(index === 0 && name ? {name} : {}), ...(chunk.title ? {title: chunk.title} : {})});
		});
		if (!step.title) step.title = step.commands[0]?.title ?? '';
	}
}
