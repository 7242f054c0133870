/**
 * What a fenced code block of a Markdown runbook holds: live queries, commands, requests for an
 * HTTP console, sample output, or text to copy. The language label decides where it is clear
 * (`promql`, `bash`, `sql`); the lines decide where it is not (`console`, `text`, no label).
 */

import {commandsAmongOutput, consoleCommands, hasPrompts, httpRequests, isHttpConsole, splitShell, type HttpRequestChunk, type ShellChunk} from './command-lines.js';
import {checkPromql} from './promql-check.js';

const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'zsh', 'ksh', 'fish', 'shellscript', 'bash-session']);
const CONSOLE_LANGS = new Set(['console', 'shell-session', 'shellsession', 'terminal', 'session', 'sh-session', 'prompt', 'cli', 'command', 'commands', 'cmd-line']);
const PROMQL_LANGS = new Set(['promql', 'metricsql', 'prometheus']);
const UNLABELLED = new Set(['', 'text', 'txt', 'plain', 'plaintext', 'none', 'nohighlight', 'code']);
const HTTP_LANGS = new Set(['http', 'rest', 'kibana', 'es', 'elasticsearch', 'opensearch', 'json', 'js', 'javascript', 'sense']);
const OUTPUT_LANGS = new Set(['output', 'log', 'logs', 'stdout', 'stderr']);

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

export interface PromqlPart {
	promql: string;
	title?: string;
	offset: number;
}

/** One query per expression, separated by blank lines; a `# comment` above names it. */
export function splitPromql(code: string): PromqlPart[] {
	const out: PromqlPart[] = [];
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

export function leadingBlankLines(value: string): number {
	let count = 0;
	for (const line of value.split('\n')) {
		if (line.trim() !== '') break;
		count++;
	}
	return count;
}

/** An expression that reads as PromQL, not prose: it parses, and calls a function or selects labels of a `snake_case` metric. */
function looksLikePromql(parts: readonly PromqlPart[]): boolean {
	return parts.length > 0 && parts.every(part => /[({]/.test(part.promql) && /[a-z]\w*_\w+/.test(part.promql) && !/^\s*\$\s/.test(part.promql) && checkPromql(part.promql) === null);
}

export type FenceContent =
	| {kind: 'query'; parts: PromqlPart[]}
	| {kind: 'commands'; lang: string; chunks: ShellChunk[]}
	| {kind: 'requests'; lang: string; requests: HttpRequestChunk[]}
	| {kind: 'output'}
	| {kind: 'text'};

/**
 * The content of a fence with language `lang` (lower case) and text `value`. `named`: the fence
 * names itself (`{"name": …}`), so a shell fence is one command.
 */
export function analyseFence(lang: string, value: string, named: boolean): FenceContent {
	if (PROMQL_LANGS.has(lang)) return {kind: 'query', parts: named ? [{promql: value.trim(), offset: leadingBlankLines(value)}] : splitPromql(value)};
	if (SHELL_LANGS.has(lang)) {
		if (hasPrompts(value, false)) return commandsOrOutput(lang, consoleCommands(value, false));
		if (isHttpConsole(value)) return {kind: 'requests', lang, requests: httpRequests(value)};
		if (named) return value.trim() ? {kind: 'commands', lang, chunks: [{script: value.trim(), offset: leadingBlankLines(value)}]} : {kind: 'text'};
		const chunks = splitShell(value);
		// A shell block of comments only (`# Rotate the keys`) is a note, not output.
		return chunks.length > 0 ? {kind: 'commands', lang, chunks} : {kind: 'text'};
	}
	const consoleLike = CONSOLE_LANGS.has(lang) || UNLABELLED.has(lang);
	if (consoleLike || HTTP_LANGS.has(lang)) {
		if (isHttpConsole(value)) return {kind: 'requests', lang: lang || 'http', requests: httpRequests(value)};
		if (!consoleLike) return {kind: 'text'};
		const outLang = lang && !UNLABELLED.has(lang) ? lang : hasPrompts(value) ? 'console' : 'sh';
		const chunks = hasPrompts(value) ? consoleCommands(value) : commandsAmongOutput(value);
		if (chunks.length > 0) return {kind: 'commands', lang: outLang, chunks};
		const parts = splitPromql(value);
		if (looksLikePromql(parts)) return {kind: 'query', parts};
		return {kind: CONSOLE_LANGS.has(lang) ? 'output' : 'text'};
	}
	if (OUTPUT_LANGS.has(lang)) return {kind: 'output'};
	return {kind: 'text'};
}

function commandsOrOutput(lang: string, chunks: ShellChunk[]): FenceContent {
	return chunks.length > 0 ? {kind: 'commands', lang, chunks} : {kind: 'output'};
}
