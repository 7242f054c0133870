import {readFile} from 'node:fs/promises';
import {existsSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {configSchema, type Config} from './schema.js';
import {LocatedError, parseYamlLocated, zodToLocated} from './located-error.js';

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
	const parsed = parseYamlLocated(text, file);
	const result = configSchema.safeParse(parsed.value ?? {});
	if (!result.success) throw zodToLocated(result.error, parsed, file);
	return result.data;
}

export async function loadConfig(file: string | null): Promise<Config> {
	if (!file) return configSchema.parse({});
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? String(error));
		throw new LocatedError(file, undefined, undefined, undefined, `cannot read config: ${reason}`);
	}
	return parseConfig(text, file);
}
