import {existsSync, statSync} from 'node:fs';
import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {LocatedError} from '../config/located-error.js';
import {readLimitedText} from '../config/limits.js';
import type {Runbook} from './model.js';
import {createRunbookParser, type RunbookParser} from './off-thread.js';
import {parseRunbookText} from './parse.js';
import {resolveVariable} from './variables.js';

export {parseRunbookText} from './parse.js';

/**
 * The runbook library: built-in runbooks (the package's `runbooks/` directory, or a map embedded
 * by the bundler), extra directories from the config, and single files named on the command line.
 * The built-ins are ours and small: they are parsed on this thread. Every other runbook is parsed
 * in a worker thread, one at a time, under a deadline (source/runbook/off-thread.ts).
 */

/** A directory of runbook files, or an embedded map of file name -> file text. */
export type RunbookSource = string | Record<string, string>;

/**
 * Set by the bundler (esbuild `define: {__INCIDENT_TUI_RUNBOOKS__: JSON.stringify(map)}`) so the
 * single-file build carries the built-in library; undefined when running from source.
 */
declare const __INCIDENT_TUI_RUNBOOKS__: Record<string, string> | undefined;

const LISTED_EXT = /\.(ya?ml|md|markdown)$/i;
const FILE_EXT = /\.(ya?ml|md|markdown|txt|mdx)$/i;
/** A README in a runbook directory documents the directory; it is not a runbook. */
export const isListedRunbook = (name: string): boolean => LISTED_EXT.test(name) && !/^readme\./i.test(path.basename(name));

/** The built-in `runbooks/` directory, found relative to this module (source tree or dist/). */
export function builtinRunbookDir(): string {
	const candidates = ['../../runbooks/', '../runbooks/', './runbooks/'].map(rel => fileURLToPath(new URL(rel, import.meta.url)));
	return candidates.find(dir => existsSync(dir) && statSync(dir).isDirectory()) ?? candidates[0]!;
}

/** The built-ins: the embedded map when the bundle has one, else the directory. */
export function defaultBuiltins(): RunbookSource {
	return typeof __INCIDENT_TUI_RUNBOOKS__ !== 'undefined' && __INCIDENT_TUI_RUNBOOKS__ ? __INCIDENT_TUI_RUNBOOKS__ : builtinRunbookDir();
}

function readProblem(file: string, error: unknown): LocatedError {
	const code = (error as NodeJS.ErrnoException).code;
	const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not a runbook file' : (code ?? String(error));
	return new LocatedError(file, undefined, undefined, undefined, `cannot read runbook: ${reason}`);
}

/** Reads a runbook file (refusing one over the size limit unread) and parses it with `parse`. */
async function readRunbook(file: string, parse: (text: string) => Runbook | Promise<Runbook>): Promise<Runbook> {
	let text: string;
	try {
		text = await readLimitedText(file, 'runbook');
	} catch (error) {
		if (error instanceof LocatedError) throw error;
		throw readProblem(file, error);
	}
	return parse(text);
}

/** A runbook file, parsed off this thread by `parser` (by a parser of its own when none is given). */
export async function loadRunbookFile(file: string, source = file, parser?: RunbookParser): Promise<Runbook> {
	const own = parser ?? createRunbookParser();
	try {
		return await readRunbook(file, text => own.parse(text, file, source));
	} finally {
		if (!parser) own.close();
	}
}

interface Loaded {
	runbooks: Runbook[];
	errors: LocatedError[];
}

function asLocated(file: string, error: unknown): LocatedError {
	return error instanceof LocatedError ? error : new LocatedError(file, undefined, undefined, undefined, (error as Error).message ?? String(error));
}

/** The runbooks of one source: built-ins parsed here, everything else by `parser`. */
async function loadSource(source: RunbookSource, builtin: boolean, parser: RunbookParser): Promise<Loaded> {
	const out: Loaded = {runbooks: [], errors: []};
	if (typeof source !== 'string') {
		for (const name of Object.keys(source).filter(isListedRunbook).sort()) {
			try {
				const runbook = parseRunbookText(source[name]!, name, '');
				runbook.source = `builtin:${runbook.id}`;
				out.runbooks.push(runbook);
			} catch (error) {
				out.errors.push(asLocated(name, error));
			}
		}
		return out;
	}
	let names: string[];
	try {
		const info = await stat(source);
		if (!info.isDirectory()) {
			try {
				out.runbooks.push(await loadRunbookFile(source, source, parser));
			} catch (error) {
				out.errors.push(asLocated(source, error));
			}
			return out;
		}
		names = (await readdir(source)).filter(isListedRunbook).sort();
	} catch (error) {
		out.errors.push(readProblem(source, error));
		return out;
	}
	for (const name of names) {
		const file = path.join(source, name);
		try {
			const runbook = builtin ? await readRunbook(file, text => parseRunbookText(text, file)) : await loadRunbookFile(file, file, parser);
			if (builtin) runbook.source = `builtin:${runbook.id}`;
			out.runbooks.push(runbook);
		} catch (error) {
			out.errors.push(asLocated(file, error));
		}
	}
	return out;
}

export interface LibraryOptions {
	/** Where the built-ins come from; defaults to defaultBuiltins(). */
	builtins?: RunbookSource;
	/** Parses the runbooks that are not built in; by default one of the call's own, closed at its end. */
	parser?: RunbookParser;
}

/**
 * Every runbook the picker and the alert matcher can choose from: the runbooks in `dirs` (files or
 * directories, in order) first, then the built-ins whose id no earlier runbook took. Broken files
 * do not stop the others; they come back in `errors`.
 */
export async function listRunbooks(dirs: string[] = [], options: LibraryOptions = {}): Promise<Loaded> {
	const out: Loaded = {runbooks: [], errors: []};
	const seen = new Set<string>();
	const sources: Array<[RunbookSource, boolean]> = [...dirs.map(d => [d, false] as [RunbookSource, boolean]), [options.builtins ?? defaultBuiltins(), true]];
	const parser = options.parser ?? createRunbookParser();
	try {
		for (const [source, builtin] of sources) {
			const loaded = await loadSource(source, builtin, parser);
			out.errors.push(...loaded.errors);
			for (const runbook of loaded.runbooks) {
				if (seen.has(runbook.id)) continue;
				seen.add(runbook.id);
				out.runbooks.push(runbook);
			}
		}
	} finally {
		if (!options.parser) parser.close();
	}
	return out;
}

/**
 * A runbook by reference: a path to a .yaml/.yml (YAML) or .md/.markdown/.txt/anything (Markdown)
 * file, or the id of a runbook in `dirs` or among the built-ins.
 */
export async function loadRunbook(ref: string, options: LibraryOptions & {dirs?: string[]; cwd?: string} = {}): Promise<Runbook> {
	const cwd = options.cwd ?? process.cwd();
	const file = path.resolve(cwd, ref);
	const looksLikePath = FILE_EXT.test(ref) || ref.includes('/') || ref.includes(path.sep);
	if (looksLikePath || (existsSync(file) && statSync(file).isFile())) return loadRunbookFile(file, file, options.parser);
	const {runbooks, errors} = await listRunbooks((options.dirs ?? []).map(d => path.resolve(cwd, d)), options);
	const found = runbooks.find(r => r.id === ref);
	if (found) return found;
	const broken = errors.find(e => path.basename(e.file).replace(FILE_EXT, '') === ref);
	if (broken) throw broken;
	const ids = runbooks.map(r => r.id).sort();
	throw new LocatedError(ref, undefined, undefined, undefined, `no runbook with this id and no such file; known runbooks: ${ids.join(', ') || 'none'}`);
}

/** Alert labels that fill variables of the same name, declared or not. */
export const WELL_KNOWN_LABELS = ['namespace', 'deployment', 'service', 'job', 'instance', 'pod', 'container', 'cluster'] as const;

export interface VariableSources {
	/** Labels of the alert that chose the runbook. */
	alertLabels?: Record<string, string>;
	/** Values from the incident config (e.g. {namespace} of the kube context). */
	config?: Record<string, string>;
	/** `--var name=value` from the command line: wins over everything. */
	cli?: Record<string, string>;
}

/**
 * Variable values, lowest to highest precedence: runbook defaults, config, alert labels, cli.
 * `missing`: required variables without a value. `invalid`: values outside `allowed` or `pattern`.
 */
export function resolveVariables(runbook: Runbook, sources: VariableSources): {values: Record<string, string>; missing: string[]; invalid: Array<{name: string; value: string; problem: string}>} {
	const values: Record<string, string> = {};
	const declared = new Set(runbook.variables.map(v => v.name));
	for (const variable of runbook.variables) if (variable.default !== undefined) values[variable.name] = variable.default;
	Object.assign(values, sources.config ?? {});
	for (const [label, value] of Object.entries(sources.alertLabels ?? {})) {
		if (declared.has(label) || (WELL_KNOWN_LABELS as readonly string[]).includes(label)) values[label] = value;
	}
	// A placeholder the runbook wrote (`<pod-name>`, `$NS`) takes the alert's label under its mapped
	// name, else the session's namespace or context (source/runbook/variables.ts keeps the order).
	for (const variable of runbook.variables) {
		if ((variable.origin ?? 'declared') === 'declared' || (variable.name in values && variable.default === undefined)) continue;
		const found = resolveVariable(variable, {alert: {labels: sources.alertLabels ?? {}}, session: {...(sources.config?.namespace ? {namespace: sources.config.namespace} : {}), ...(sources.config?.context ? {context: sources.config.context} : {})}});
		if (found.value !== undefined && !found.problem && found.source?.kind !== 'default') values[variable.name] = found.value;
	}
	Object.assign(values, sources.cli ?? {});
	const missing: string[] = [];
	const invalid: Array<{name: string; value: string; problem: string}> = [];
	for (const variable of runbook.variables) {
		const value = values[variable.name];
		if (value === undefined || value === '') {
			if (variable.required) missing.push(variable.name);
			continue;
		}
		if (variable.allowed && !variable.allowed.includes(value)) invalid.push({name: variable.name, value, problem: `must be one of ${variable.allowed.join(', ')}`});
		if (variable.pattern !== undefined) {
			let ok = true;
			try {
				ok = new RegExp(`^(?:${variable.pattern})$`).test(value);
			} catch {
				ok = false;
			}
			if (!ok) invalid.push({name: variable.name, value, problem: `must match ${variable.pattern}`});
		}
	}
	return {values, missing, invalid};
}
