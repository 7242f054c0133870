/**
 * `kubernetes.contexts` in either of its forms: a map of per-context settings
 * (`{prod-eu: {production: true}}`), or the list of contexts watched together
 * (`[prod-eu, {name: prod-us, production: true}]`), whose entries may carry settings too.
 */
import type {Config} from './schema.js';

export interface ContextSettings {
	production?: boolean;
	readonly?: boolean;
}

type KubernetesConfig = NonNullable<Config['kubernetes']>;

/** The settings of each context named in `kubernetes.contexts`, by name. */
export function contextSettingsByName(k: KubernetesConfig | undefined): Record<string, ContextSettings> {
	const contexts = k?.contexts;
	if (!contexts) return {};
	if (!Array.isArray(contexts)) return contexts;
	const byName: Record<string, ContextSettings> = {};
	for (const entry of contexts) {
		if (typeof entry === 'string') byName[entry] = {};
		else byName[entry.name] = {production: entry.production, readonly: entry.readonly};
	}
	return byName;
}

/** The contexts watched together (the list form), in order; undefined for the map form or none. */
export function watchedContexts(k: KubernetesConfig | undefined): string[] | undefined {
	const contexts = k?.contexts;
	if (!Array.isArray(contexts)) return undefined;
	return contexts.map(entry => (typeof entry === 'string' ? entry : entry.name));
}
