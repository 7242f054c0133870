import {existsSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {configSchema, type Config} from './schema.js';
import {LocatedError, parseYamlLocated, zodToLocated} from './located-error.js';
import {checkSize, readLimitedText} from './limits.js';

export {LocatedError} from './located-error.js';

/** `--config`, else ./incident.yaml, else $XDG_CONFIG_HOME/incident-tui/config.yaml; null when none exists. */
export function findConfigFile(explicit: string | undefined, cwd = process.cwd(), env = process.env): string | null {
	if (explicit) return path.resolve(cwd, explicit);
	const local = path.join(cwd, 'incident.yaml');
	if (existsSync(local)) return local;
	const xdg = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
	const user = path.join(xdg, 'incident-tui', 'config.yaml');
	return existsSync(user) ? user : null;
}

export function parseConfig(text: string, file: string): Config {
	checkSize(text, file, 'config');
	const parsed = parseYamlLocated(text, file);
	const result = configSchema.safeParse(parsed.value ?? {});
	if (!result.success) throw zodToLocated(result.error, parsed, file);
	return resolvePaths(result.data, path.dirname(file));
}

/**
 * A path from the config file: `~` and `~/...` are the home directory (the README's own example is
 * `kubeconfig: ~/.kube/config`), and a relative path is relative to the config file's directory,
 * as in Prometheus's configuration, so a config works from whatever directory it is run in.
 */
export function configPath(value: string, baseDir: string, home = os.homedir()): string {
	if (value === '~') return home;
	if (value.startsWith('~/')) return path.join(home, value.slice(2));
	return path.resolve(baseDir, value);
}

/** `runbook` is a built-in id ("bad-deploy") or a file; only a file is a path. */
function looksLikePath(value: string): boolean {
	return value.includes('/') || /\.(ya?ml|md|markdown)$/i.test(value) || value.startsWith('~');
}

/** The config's paths made absolute (see configPath); `services` keeps any holes a salvaged list has. */
export function resolvePaths(config: Config, baseDir: string): Config {
	const at = (value: string | undefined) => (value === undefined ? undefined : configPath(value, baseDir));
	const files = <T extends {ca?: string; bearerTokenFile?: string; passwordFile?: string}>(section: T): T => ({
		...section,
		...(section.ca === undefined ? {} : {ca: at(section.ca)}),
		...(section.bearerTokenFile === undefined ? {} : {bearerTokenFile: at(section.bearerTokenFile)}),
		...(section.passwordFile === undefined ? {} : {passwordFile: at(section.passwordFile)}),
	});
	return {
		...config,
		...(config.prometheus ? {prometheus: files(config.prometheus)} : {}),
		...(config.alertmanager ? {alertmanager: files(config.alertmanager)} : {}),
		...(config.kubernetes?.kubeconfig === undefined ? {} : {kubernetes: {...config.kubernetes, kubeconfig: at(config.kubernetes.kubeconfig)}}),
		services: config.services.map(service => files(service)),
		runbooks: config.runbooks.map(dir => configPath(dir, baseDir)),
		...(config.runbook !== undefined && looksLikePath(config.runbook) ? {runbook: at(config.runbook)} : {}),
		...(config.stateDir === undefined ? {} : {stateDir: at(config.stateDir)}),
		...(config.sync ? {sync: {...files(config.sync), postgres: typeof config.sync.postgres === 'object' && 'file' in config.sync.postgres ? {file: at(config.sync.postgres.file)!} : config.sync.postgres}} : {}),
	};
}

export async function loadConfig(file: string | null): Promise<Config> {
	if (!file) return configSchema.parse({});
	let text: string;
	try {
		text = await readLimitedText(file, 'config');
	} catch (error) {
		if (error instanceof LocatedError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? String(error));
		throw new LocatedError(file, undefined, undefined, undefined, `cannot read config: ${reason}`);
	}
	return parseConfig(text, file);
}
