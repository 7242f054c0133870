/**
 * Every problem of an incident config in one run, for `incident-tui check` and `runbook lint` given
 * a config: its size, each YAML syntax error, each schema issue at its key (source/config/collect.ts),
 * then what the schema cannot see: duplicate names and ids, redaction patterns that do not compile,
 * and files the config names that cannot be read (CA bundles, token and password files, the
 * kubeconfig, runbook directories). The config made of the parts that are valid comes back too, so
 * that `check` can still try the endpoints that are configured right.
 */
import {constants} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import path from 'node:path';
import {configSchema, type Config} from './schema.js';
import {present, salvage, schemaProblems, sortProblems} from './collect.js';
import {locate, LocatedError, parseYamlAll, formatPath, type ParsedYaml} from './located-error.js';
import {checkSize} from './limits.js';
import {resolvePaths} from './load.js';

export interface CollectedConfig {
	/** The valid parts, paths resolved against the config's directory; absent when the file is not YAML at all. */
	config?: Config;
	/** The parsed document, for locating what later checks find (PromQL, runbook references). */
	parsed?: ParsedYaml;
	/** Every problem, in the order of the file. */
	problems: LocatedError[];
}

type Path = ReadonlyArray<string | number>;

function at(parsed: ParsedYaml, file: string, path: Path, problem: string): LocatedError {
	const {line, column} = locate(parsed, path);
	return new LocatedError(file, line ?? 1, column, formatPath(path), problem);
}

function duplicates(parsed: ParsedYaml, file: string, list: ReadonlyArray<Record<string, unknown> | undefined>, section: string, key: string, what: string): LocatedError[] {
	const seen = new Set<unknown>();
	const out: LocatedError[] = [];
	list.forEach((item, index) => {
		const value = item?.[key];
		if (value === undefined) return;
		if (seen.has(value)) out.push(at(parsed, file, [section, index, key], `duplicate ${what} '${typeof value === 'string' ? value : JSON.stringify(value)}'`));
		seen.add(value);
	});
	return out;
}

/** The redaction patterns as the timeline compiles them (flags `gd`, source/timeline/redact.ts). */
function redactProblems(parsed: ParsedYaml, file: string, patterns: readonly string[]): LocatedError[] {
	const out: LocatedError[] = [];
	patterns.forEach((pattern, index) => {
		try {
			new RegExp(pattern, 'gd');
		} catch (error) {
			out.push(at(parsed, file, ['redact', index], `not a regular expression: ${(error as Error).message}`));
		}
	});
	return out;
}

/** A file the config names, checked as the cockpit will use it: readable, and a file or a directory as asked. */
async function unreadable(file: string, kind: 'file' | 'directory'): Promise<string | undefined> {
	try {
		const info = await stat(file);
		if (kind === 'directory' && !info.isDirectory()) return `${file} is not a directory`;
		if (kind === 'file' && info.isDirectory()) return `${file} is a directory, not a file`;
		await access(file, constants.R_OK);
		return undefined;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return `cannot read ${file}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(error))}`;
	}
}

/** The files named in the config, each with its key path (at its index in the file: `services` may hold holes). */
function namedFiles(config: Config, services: ReadonlyArray<Config['services'][number] | undefined>): Array<{path: Path; file: string; kind: 'file' | 'directory'}> {
	const out: Array<{path: Path; file: string; kind: 'file' | 'directory'}> = [];
	const section = (name: 'prometheus' | 'alertmanager') => {
		const s = config[name];
		if (!s) return;
		for (const key of ['ca', 'bearerTokenFile', 'passwordFile'] as const) if (s[key]) out.push({path: [name, key], file: s[key], kind: 'file'});
	};
	section('prometheus');
	section('alertmanager');
	services.forEach((service, index) => {
		if (service?.ca) out.push({path: ['services', index, 'ca'], file: service.ca, kind: 'file'});
	});
	if (config.kubernetes?.kubeconfig) out.push({path: ['kubernetes', 'kubeconfig'], file: config.kubernetes.kubeconfig, kind: 'file'});
	config.runbooks.forEach((dir, index) => out.push({path: ['runbooks', index], file: dir, kind: 'directory'}));
	return out;
}

/** Collects every problem of config `text` (read from `file`); never throws for a broken config. */
export async function collectConfig(text: string, file: string): Promise<CollectedConfig> {
	try {
		checkSize(text, file, 'config');
	} catch (error) {
		if (!(error instanceof LocatedError)) throw error;
		return {problems: [error]};
	}
	const {parsed, problems} = parseYamlAll(text, file);
	if (!parsed) return {problems};
	const value = parsed.value ?? {};
	if (typeof value !== 'object' || Array.isArray(value)) {
		return {parsed, problems: [...problems, new LocatedError(file, locate(parsed, []).line ?? 1, undefined, undefined, 'a config must be a YAML mapping (services, prometheus, kubernetes, ...)')]};
	}
	const result = configSchema.safeParse(value);
	let data: Config;
	if (result.success) data = result.data;
	else {
		problems.push(...schemaProblems(result.error.issues, parsed, file));
		// The top-level keys that are invalid as a whole fall back to their defaults; lists keep their valid items.
		const kept = salvage(configSchema, value, configSchema.parse({}));
		data = (kept.ok ? kept.value : configSchema.parse({})) as Config;
	}
	// Positions are by index in the file: the checks run before the holes of invalid items are closed.
	problems.push(
		...duplicates(parsed, file, data.services, 'services', 'name', 'service name'),
		...duplicates(parsed, file, data.queries, 'queries', 'id', 'query id'),
		...duplicates(parsed, file, data.commands, 'commands', 'id', 'command id'),
		...redactProblems(parsed, file, data.redact),
	);
	// resolvePaths maps `services` with its holes kept, so each service keeps its index in the file.
	const resolved = resolvePaths(data, path.dirname(file));
	const files = namedFiles(resolved, resolved.services);
	const config: Config = {...resolved, services: present(resolved.services), queries: present(data.queries), commands: present(data.commands)};
	const reasons = await Promise.all(files.map(named => unreadable(named.file, named.kind)));
	reasons.forEach((reason, index) => {
		if (reason) problems.push(at(parsed, file, files[index]!.path, reason));
	});
	return {config, parsed, problems: sortProblems(problems)};
}
