/**
 * The parts of a runbook's commands and queries that change from one incident to the next, as
 * runbooks write them, turned into the cockpit's `{{name}}` form:
 *
 *   <pod-name>, <cluster-namespace>, <NODE_NAME>   ->  {{pod-name}}, {{cluster-namespace}}, {{NODE_NAME}}
 *   $CONTROLLERPOD, ${NAMESPACE}, ${NS:?}           ->  {{CONTROLLERPOD}}, {{NAMESPACE}}, {{NS}}
 *     (in code, double quotes and here-documents, when the block has not set it earlier)
 *   {{ $labels.namespace }}, {{ .Labels.pod }}      ->  {{namespace}}, {{pod}}
 *   {{ deployment }}                                ->  kept: it already is the form
 *   xxxxx, i-xxxxxxxx, checkout-xxxxx               ->  {{value}}, {{instance-id}}, {{pod}} (named by where they sit)
 *   NAMESPACE=..., TOKEN="", X=changeme             ->  NAMESPACE={{NAMESPACE}} …
 *
 * The rewritten text goes through the same binding as every `{{name}}` (shell-bind.ts): each
 * becomes a positional parameter, never spliced into the script. Nothing here runs or evaluates
 * anything; it is one pass over the text (shell-scan.ts) and expressions without nested quantifiers.
 */

import {assignedNames, codeOnly, scanScript, ShellScanner, type ScanContext, type ScanSpan} from './shell-scan.js';

export type PlaceholderForm = 'template' | 'label' | 'angle' | 'env' | 'filler' | 'assignment';

export interface Placeholder {
	/** The variable's name: what the placeholder says (`cluster-namespace` for `<cluster-namespace>`). */
	name: string;
	/** As the runbook wrote it. */
	written: string;
	form: PlaceholderForm;
	/** 0-based line within the script or query. */
	line: number;
	/** The alert label it names (`{{ $labels.pod }}`). */
	label?: string;
	/** The value an earlier command of the runbook gives it as written (`NS=payments`), its default. */
	default?: string;
}

export interface Rewritten {
	/** The text with every placeholder in `{{name}}` form. */
	template: string;
	placeholders: Placeholder[];
	/** Shell variables the script computes (`POD=$(…)`): a later command's `$POD` comes from this one's output. */
	assigns: string[];
	/** Shell variables the script sets to a value as written (`NS=payments`): a later command's `$NS` has it as default. */
	literals: Record<string, string>;
}

/** Variables a shell always has, or the cockpit sets: `$HOME` is never a placeholder. */
const ALWAYS_SET = new Set(
	'HOME PATH USER LOGNAME PWD OLDPWD SHELL HOSTNAME HOSTTYPE OSTYPE MACHTYPE RANDOM LINENO SECONDS UID EUID PPID IFS TERM LANG LANGUAGE LC_ALL TMPDIR EDITOR VISUAL PAGER KUBECONFIG REPLY OPTARG OPTIND OPTERR PIPESTATUS FUNCNAME GROUPS SHLVL PS1 PS2 PS3 PS4 COLUMNS LINES MAIL DISPLAY BASH BASHPID BASHOPTS SHELLOPTS EPOCHSECONDS EPOCHREALTIME SRANDOM HISTFILE HISTSIZE'.split(' '),
);
const ALWAYS_SET_PREFIX = /^(?:BASH_|LC_|XDG_|SSH_|COMP_|HIST)/;

/** Values that mean "fill this in" on the right of an assignment. */
const FILL_IN = /^(?:\.{3}|\u2026|""|''|changeme|change-me|change_me|replace-?me|replace_me|todo|tbd|fixme|your[-_][\w-]+|<>)$/i;

/** Words that name a resource, so the filler after them is one of those (`pod xxxxx`). */
const RESOURCE_WORDS: Record<string, string> = {
	pod: 'pod', pods: 'pod', po: 'pod', deployment: 'deployment', deployments: 'deployment', deploy: 'deployment', node: 'node', nodes: 'node', no: 'node',
	namespace: 'namespace', namespaces: 'namespace', ns: 'namespace', service: 'service', services: 'service', svc: 'service', statefulset: 'statefulset', sts: 'statefulset',
	daemonset: 'daemonset', ds: 'daemonset', job: 'job', jobs: 'job', cronjob: 'cronjob', pvc: 'pvc', persistentvolumeclaim: 'pvc', pv: 'pv', secret: 'secret', secrets: 'secret',
	configmap: 'configmap', cm: 'configmap', ingress: 'ingress', container: 'container', replicaset: 'replicaset', rs: 'replicaset', instance: 'instance', cluster: 'cluster',
	bucket: 'bucket', topic: 'topic', queue: 'queue', database: 'database', db: 'database', table: 'table', user: 'user', host: 'host', index: 'index',
};
/** Commands whose next word is a pod: `kubectl logs xxxxx`. */
const POD_VERBS = new Set(['logs', 'exec', 'attach', 'port-forward', 'rsh', 'debug']);
/** Short options with a well-known meaning across kubectl, oc and friends. */
const SHORT_OPTIONS: Record<string, string> = {n: 'namespace', c: 'container', l: 'selector', u: 'user', h: 'host', p: 'port', d: 'database', U: 'user'};
/** AWS identifiers: `i-xxxxxxxx` is an instance id. */
const AWS_PREFIXES: Record<string, string> = {
	i: 'instance-id', sg: 'security-group-id', vol: 'volume-id', ami: 'ami-id', subnet: 'subnet-id', vpc: 'vpc-id', snap: 'snapshot-id', eni: 'eni-id', igw: 'gateway-id',
	rtb: 'route-table-id', nat: 'nat-gateway-id', eipalloc: 'allocation-id', lt: 'launch-template-id', acm: 'certificate-id', db: 'db-instance-id', cluster: 'cluster-id',
};

/** A name the `{{name}}` form accepts: letters, digits, `_`, `-`, `.`, starting with a letter or `_`. */
export function variableName(text: string): string {
	const slug = text.trim().replace(/[^\w.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 48).replace(/[-.]+$/, '');
	if (!slug) return 'value';
	return /^[A-Za-z_]/.test(slug) ? slug : `v-${slug}`;
}

/** The all-x filler of a token, if it has one: `xxxxx`, `xxx.xxx.xxx.xxx`, `i-xxxxxxxx`, `checkout-xxxxx`. */
function fillerOf(token: string): {prefix: string} | null {
	if (/^[xX]{3,}(?:[-.][xX]{2,})*$/.test(token)) return {prefix: ''};
	const parts = token.split('-');
	let i = parts.length;
	let long = false;
	while (i > 0 && /^[xX]{2,}$/.test(parts[i - 1]!)) {
		if (parts[i - 1]!.length >= 3) long = true;
		i--;
	}
	if (i === parts.length || i === 0 || !long) return null;
	return {prefix: parts.slice(0, i).join('-')};
}

/** The name of a filler from where it sits: `--namespace xxxx`, `POD=xxxx`, `pod/xxxx`, `logs xxxx-xxxx`, `i-xxxx`. */
function fillerName(before: string, token: string, prefix: string): string {
	if (prefix && AWS_PREFIXES[prefix]) return AWS_PREFIXES[prefix];
	const key = /([A-Za-z_][\w.-]*)[=:]["']?$/.exec(before);
	if (key && !/::$/.test(before)) return variableName(key[1]!.replace(/^-+/, '').split('.').at(-1)!);
	if (/arn:[\w-]*:[\w-]*:[\w-]*:$/.test(before) || /::$/.test(before)) return 'account-id';
	const long = /--([A-Za-z][\w-]*)\s+["']?$/.exec(before);
	if (long) return variableName(long[1]!);
	const short = /(?:^|\s)-([A-Za-z])\s+["']?$/.exec(before);
	if (short && SHORT_OPTIONS[short[1]!]) return SHORT_OPTIONS[short[1]!]!;
	const slash = /(?:^|[\s"'])([a-z]+)\/$/.exec(before);
	if (slash && RESOURCE_WORDS[slash[1]!]) return RESOURCE_WORDS[slash[1]!]!;
	const word = /([A-Za-z][\w-]*)\s+["']?$/.exec(before);
	if (word) {
		const previous = word[1]!.toLowerCase();
		if (RESOURCE_WORDS[previous]) return RESOURCE_WORDS[previous];
		if (POD_VERBS.has(previous)) return 'pod';
	}
	if (/^[xX.]+$/.test(token) && token.split('.').length === 4) return 'ip';
	if (prefix) return variableName(prefix.split('-').filter(part => !/\d/.test(part)).at(-1) ?? 'value');
	return 'value';
}

/** What a `{{ … }}` holds: the cockpit's own form, or an alert template's label. */
function templateName(inner: string): {name: string; label?: string; rewrite: boolean} | null {
	const text = inner.trim();
	if (/^[A-Za-z_][\w.-]*$/.test(text)) return {name: text, rewrite: false};
	const label = /^(?:\$labels|\$externalLabels|\.(?:Common|Group)?Labels)\.([A-Za-z_]\w*)(?:\s*\|.*)?$/.exec(text) ?? /^index\s+(?:\$labels|\.Labels)\s+"([A-Za-z_]\w*)"$/.exec(text);
	if (label) return {name: label[1]!, label: label[1]!, rewrite: true};
	if (/^(?:\$value|\.Value)$/.test(text)) return {name: 'value', rewrite: true};
	return null;
}

interface Match {
	index: number;
	length: number;
	/** What replaces it in the template. */
	replacement: string;
	/** Absent for text kept as the command's own (a Go template's `{{end}}`). */
	placeholder?: Omit<Placeholder, 'line'>;
	priority: number;
}

const TEMPLATE = /\{\{-?([^{}\n]{1,120}?)-?\}\}/g;
const ANGLE = /<([A-Za-z_][^<>\n]{0,79})>/g;
const ENV = /\$(?:\{([A-Za-z_]\w*)(:?\?[^}\n]*)?\}|([A-Za-z_]\w*))/g;
const TOKEN = /[\w.-]+/g;

/** Actions of a Go template (`kubectl -o go-template='{{range .items}}…{{end}}'`) that read like a `{{name}}`. */
const GO_TEMPLATE_WORDS = new Set(['end', 'else', 'break', 'continue', 'nil']);

/**
 * `{{end}}` of a Go template in a command, kept as the command's own text: the cockpit would take it
 * for a variable, so the braces are split by an empty quote (`{''{end}}`), which the shell joins back.
 */
function goTemplateLiteral(written: string, context: ScanContext | undefined): string | null {
	if (context === 'single' || context === 'code') return `{''${written.slice(1)}`;
	if (context === 'double') return `{""${written.slice(1)}`;
	return null;
}

function templateMatches(text: string, offset: number, out: Match[], contextAt?: (index: number) => ScanContext | undefined): void {
	for (const match of text.matchAll(TEMPLATE)) {
		const found = templateName(match[1]!);
		if (!found) continue;
		if (contextAt && !found.rewrite && GO_TEMPLATE_WORDS.has(found.name)) {
			const literal = goTemplateLiteral(match[0], contextAt(match.index));
			if (literal) out.push({index: offset + match.index, length: match[0].length, replacement: literal, priority: 0});
			continue;
		}
		out.push({
			index: offset + match.index,
			length: match[0].length,
			replacement: found.rewrite ? `{{${found.name}}}` : match[0],
			placeholder: {name: found.name, written: match[0], form: found.label ? 'label' : 'template', ...(found.label ? {label: found.label} : {})},
			priority: 0,
		});
	}
}

/** `<pod-name>`; not a redirection (`< file`, `<<EOF`, `<(cmd)`), an XML tag with its closing tag, or an address. */
function angleMatches(text: string, offset: number, whole: string, out: Match[]): void {
	for (const match of text.matchAll(ANGLE)) {
		const content = match[1]!;
		const at = offset + match.index;
		if (whole[at - 1] === '<' || /\s$/.test(content) || /[@=]/.test(content)) continue;
		if (whole.includes(`</${content.split(/\s/)[0]}>`)) continue;
		const before = whole.slice(Math.max(0, at - 64), at);
		const simple = /^[A-Za-z_][\w.-]*$/.test(content) || /^[A-Za-z][\w.-]*(?: [A-Za-z][\w.-]*){1,3}$/.test(content);
		const key = /([A-Za-z_]\w*)=["']?$/.exec(before);
		const name = simple ? variableName(content) : key ? key[1]! : variableName(content.split(/[^\w-]+/).filter(Boolean).slice(0, 4).join('-'));
		out.push({index: at, length: match[0].length, replacement: `{{${name}}}`, placeholder: {name, written: match[0], form: 'angle'}, priority: 1});
	}
}

function fillerMatches(text: string, offset: number, whole: string, out: Match[]): void {
	for (const match of text.matchAll(TOKEN)) {
		const token = match[0];
		if (token.length < 3 || !/[xX]{3}/.test(token)) continue;
		const filler = fillerOf(token);
		if (!filler) continue;
		const at = offset + match.index;
		const lineStart = whole.lastIndexOf('\n', at - 1) + 1;
		const name = fillerName(whole.slice(lineStart, at), token, filler.prefix);
		out.push({index: at, length: token.length, replacement: `{{${name}}}`, placeholder: {name, written: token, form: 'filler'}, priority: 3});
	}
}

/** Matches that overlap an earlier or more important one are dropped; the rest, in order. */
function resolve(matches: Match[]): Match[] {
	const sorted = [...matches].sort((a, b) => a.index - b.index || a.priority - b.priority);
	const kept: Match[] = [];
	for (const match of sorted) {
		const last = kept.at(-1);
		if (last && match.index < last.index + last.length) {
			if (match.priority < last.priority && match.index === last.index) kept[kept.length - 1] = match;
			continue;
		}
		kept.push(match);
	}
	return kept;
}

function build(text: string, matches: Match[]): {template: string; placeholders: Placeholder[]} {
	let template = '';
	let last = 0;
	let line = 0;
	const placeholders: Placeholder[] = [];
	for (const match of matches) {
		const between = text.slice(last, match.index);
		template += between;
		line += between.split('\n').length - 1;
		const written = text.slice(match.index, match.index + match.length);
		if (match.placeholder) placeholders.push({...match.placeholder, line});
		template += match.replacement;
		line += written.split('\n').length - 1;
		last = match.index + match.length;
	}
	template += text.slice(last);
	return {template, placeholders};
}

const EXPANDING: ReadonlySet<ScanContext> = new Set(['code', 'double', 'heredoc']);
const FILL_IN_ASSIGNMENT = /(?:^|[;&|]\s*|\bexport\s+)([A-Za-z_]\w*)=(\S*)/g;

type Assigned = {kind: 'fill'} | {kind: 'literal'; value: string} | {kind: 'computed'};

/** What an assignment gives `name` on `text`: a fill-in (`NS=...`), a value as written (`NS=payments`), or one computed when run. */
function assignedValue(text: string, name: string): Assigned {
	const at = text.search(new RegExp(`(?:^|[\\s;&|])${name}=`));
	if (at < 0) return {kind: 'computed'};
	const rest = text.slice(text.indexOf(`${name}=`, at) + name.length + 1);
	const quoted = /^(["'])([^"'`$\\]*)\1(?=$|[\s;&|])/.exec(rest);
	const bare = /^([\w./:@%+,=-]*)(?=$|[\s;&|])/.exec(rest);
	const value = quoted ? quoted[2]! : bare ? bare[1]! : undefined;
	if (value === undefined) return {kind: 'computed'};
	if (value === '' || FILL_IN.test(value) || FILL_IN.test(rest.split(/[\s;&|]/)[0] ?? '')) return {kind: 'fill'};
	return {kind: 'literal', value};
}

/**
 * Rewrites the placeholders of the shell commands of one code block, in order. A `$NAME` is a
 * placeholder unless the same command set it before (`NAME=…` on a line above, or earlier on the
 * line): each command runs in a shell of its own, so a value an earlier command of the block set is
 * a variable too, filled from that command's output or, when it was written out, with that value.
 */
export class BlockPlaceholders {
	/** What the block's earlier commands assigned. */
	private readonly earlier = new Map<string, Assigned>();

	shell(script: string): Rewritten {
		const spans = scanScript(script);
		const matches: Match[] = [];
		const assigned = new Set<string>();
		const set = new Map<string, Assigned>();
		const lineStarts = [0];
		for (let i = script.indexOf('\n'); i >= 0; i = script.indexOf('\n', i + 1)) lineStarts.push(i + 1);
		// Line by line: what a line assigns counts for what comes after it.
		const byLine = new Map<number, ScanSpan[]>();
		for (const span of spans) {
			const line = lineIndex(lineStarts, span.start);
			if (!byLine.has(line)) byLine.set(line, []);
			byLine.get(line)!.push(span);
		}
		lineStarts.forEach((start, line) => {
			const lineSpans = (byLine.get(line) ?? []).map(span => ({...span, start: span.start - start, end: span.end - start}));
			const text = script.slice(start, lineStarts[line + 1] !== undefined ? lineStarts[line + 1]! - 1 : script.length);
			const assignments = this.assignments(text, lineSpans, start, matches);
			const comment = lineSpans.find(span => span.context === 'comment');
			const written = text.slice(0, comment ? comment.start : text.length);
			const contextAt = (index: number) => lineSpans.find(span => span.start <= index && index < span.end)?.context;
			templateMatches(written, start, matches, contextAt);
			angleMatches(written, start, script, matches);
			fillerMatches(written, start, script, matches);
			for (const span of lineSpans) {
				if (!EXPANDING.has(span.context)) continue;
				const piece = text.slice(span.start, span.end);
				const offset = start + span.start;
				for (const match of piece.matchAll(ENV)) {
					const name = match[1] ?? match[3]!;
					if (match[2] !== undefined && !match[2].startsWith(':?') && !match[2].startsWith('?')) continue;
					if (!/^[A-Z][A-Z0-9_]*$/.test(name) || ALWAYS_SET.has(name) || ALWAYS_SET_PREFIX.test(name)) continue;
					if (piece[match.index - 1] === '\\') continue;
					const at = span.start + match.index;
					if (assigned.has(name) || assignments.some(a => a.name === name && a.at < at)) continue;
					const before = this.earlier.get(name);
					const fallback = before?.kind === 'literal' ? {default: before.value} : {};
					matches.push({index: offset + match.index, length: match[0].length, replacement: `{{${name}}}`, placeholder: {name, written: match[0], form: 'env', ...fallback}, priority: 2});
				}
			}
			for (const assignment of assignments) {
				assigned.add(assignment.name);
				set.set(assignment.name, assignedValue(text, assignment.name));
			}
		});
		for (const [name, value] of set) this.earlier.set(name, value);
		const {template, placeholders} = build(script, resolve(matches));
		const assigns = [...set].filter(([, value]) => value.kind === 'computed').map(([name]) => name);
		const literals = Object.fromEntries([...set].flatMap(([name, value]) => (value.kind === 'literal' ? [[name, value.value]] : [])));
		return {template, placeholders, assigns, literals};
	}

	/** The line's assignments (with where they are), and `NAME=...`-style fill-ins among them as matches. */
	private assignments(text: string, spans: ScanSpan[], start: number, matches: Match[]): Array<{name: string; at: number}> {
		const code = codeOnly(text, spans);
		const out = assignedNames(code).map(name => ({name, at: Math.max(0, text.indexOf(`${name}=`))}));
		for (const match of text.matchAll(FILL_IN_ASSIGNMENT)) {
			const value = match[2]!.replace(/;$/, '');
			const valueAt = match.index + match[0].length - match[2]!.length;
			const contextAt = spans.find(span => span.start <= valueAt - 1 && valueAt - 1 < span.end)?.context;
			if (contextAt !== 'code' || !(value === '' || FILL_IN.test(value))) continue;
			if (value === '' && /\S/.test(text.slice(valueAt)) && !/^\s*(?:[;&|#]|$)/.test(text.slice(valueAt))) continue;
			const name = match[1]!;
			matches.push({index: start + valueAt, length: value.length, replacement: `{{${name}}}`, placeholder: {name, written: `${name}=${value}`, form: 'assignment'}, priority: 1});
		}
		return out;
	}
}

function lineIndex(starts: readonly number[], offset: number): number {
	let low = 0;
	let high = starts.length - 1;
	while (low < high) {
		const mid = (low + high + 1) >> 1;
		if (starts[mid]! <= offset) low = mid;
		else high = mid - 1;
	}
	return low;
}

const PROMQL_VARIABLE = /\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g;

/**
 * The placeholders of a PromQL query: the forms above, and any `$name` (a Grafana dashboard's
 * variable: `$` is never PromQL).
 */
export function rewritePromql(promql: string): Rewritten {
	const matches: Match[] = [];
	templateMatches(promql, 0, matches);
	angleMatches(promql, 0, promql, matches);
	fillerMatches(promql, 0, promql, matches);
	for (const match of promql.matchAll(PROMQL_VARIABLE)) {
		const name = match[1] ?? match[2]!;
		if (name.startsWith('__')) continue; // $__rate_interval and friends: Grafana's own
		matches.push({index: match.index, length: match[0].length, replacement: `{{${name}}}`, placeholder: {name, written: match[0], form: 'env'}, priority: 2});
	}
	const {template, placeholders} = build(promql, resolve(matches));
	return {template, placeholders, assigns: [], literals: {}};
}

/** The scanner, for callers that need a line's spans. */
export {ShellScanner};
