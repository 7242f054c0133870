import {z} from 'zod';

const duration = z.number().int().positive();

const tls = {
	/** Path to a PEM CA bundle for https endpoints with a private CA. */
	ca: z.string().optional(),
	insecureSkipVerify: z.boolean().default(false),
};

const auth = {
	/** File holding a bearer token (read at start; never logged). */
	bearerTokenFile: z.string().optional(),
	username: z.string().optional(),
	/** Password, or passwordFile. Redacted everywhere. */
	password: z.string().optional(),
	passwordFile: z.string().optional(),
};

export const serviceSchema = z
	.object({
		name: z.string().min(1),
		/** Health URL; a JSON deep-health body gets one sub-row per dependency. */
		health: z.string().url().optional(),
		deployment: z.string().optional(),
		/** /metrics URL for direct scrape mode (used when no Prometheus server is configured). */
		scrape: z.string().url().optional(),
		timeoutMs: duration.default(2000),
		warnMs: duration.optional(),
		criticalMs: duration.optional(),
		/** Latency thresholds of a deep-health body's dependencies, by name; the others take warnMs/criticalMs. */
		dependencies: z.record(z.object({warnMs: duration.optional(), criticalMs: duration.optional()}).strict()).optional(),
		headers: z.record(z.string()).optional(),
		...tls,
	})
	.strict();

/** Ids of queries, steps, commands, runbooks: used in files, keys and the timeline. */
export const idSchema = z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'use letters, digits, _ . - (starting with a letter or digit)');

/** A PromQL query with its unit and thresholds; the same shape in the config and in runbooks. */
export const querySchema = z
	.object({
		id: idSchema,
		title: z.string().optional(),
		promql: z.string().min(1),
		unit: z.string().optional(),
		warn: z.number().optional(),
		critical: z.number().optional(),
		direction: z.enum(['above', 'below']).optional(),
	})
	.strict();

export const commandSchema = z
	.object({
		id: z.string().min(1),
		title: z.string().optional(),
		argv: z.array(z.string()).min(1),
		timeoutMs: duration.optional(),
		dangerous: z.boolean().default(true),
	})
	.strict();

export const contextSchema = z
	.object({
		production: z.boolean().default(false),
		readonly: z.boolean().default(false),
	})
	.strict();

/**
 * Sharing the incident with other responders through PostgreSQL (source/sync). The connection string
 * (`postgres://user:password@host:5432/db?sslmode=require`) is given inline, or read from a file or an
 * environment variable so the password stays out of the config; it is never shown or journaled.
 */
export const syncSchema = z
	.object({
		postgres: z.union([
			z.string().regex(/^postgres(ql)?:\/\//, 'a connection string starting with postgres:// or postgresql://'),
			z.object({file: z.string().min(1)}).strict(),
			z.object({env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')}).strict(),
		]),
		/** How often to look for others' events when no notification comes (LISTEN/NOTIFY is the live path). */
		pollMs: duration.default(2000),
		/** Connecting, and each statement: past this the database counts as unreachable and is tried again. */
		timeoutMs: duration.default(10_000),
		...tls,
	})
	.strict();

export const configSchema = z
	.object({
		title: z.string().optional(),
		severity: z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']).optional(),
		prometheus: z.object({url: z.string().url(), timeoutMs: duration.default(5000), ...auth, ...tls}).strict().optional(),
		alertmanager: z.object({url: z.string().url(), timeoutMs: duration.default(5000), ...auth, ...tls}).strict().optional(),
		kubernetes: z
			.object({
				kubeconfig: z.string().optional(),
				context: z.string().optional(),
				namespace: z.string().optional(),
				production: z.boolean().optional(),
				readonly: z.boolean().optional(),
				/**
				 * Where to watch: these namespaces (one list and watch per resource in each), or `all` (as
				 * `-A`: one cluster-scoped list and watch per resource). Default `namespace` alone.
				 */
				namespaces: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).optional(),
				/**
				 * Per-context settings, `contexts: {prod-eu: {production: true}}`; or the contexts watched
				 * together, `contexts: [prod-eu, prod-us]` (each a name, or `{name, production, readonly}`).
				 */
				contexts: z.union([z.array(z.union([z.string().min(1), contextSchema.extend({name: z.string().min(1)})])).min(1), z.record(contextSchema)]).optional(),
			})
			.strict()
			.optional(),
		services: z.array(serviceSchema).default([]),
		queries: z.array(querySchema).default([]),
		commands: z.array(commandSchema).default([]),
		/** Built-in runbook id or path to a YAML/Markdown runbook. */
		runbook: z.string().optional(),
		/** Extra directories of runbooks (YAML or Markdown). */
		runbooks: z.array(z.string()).default([]),
		refresh: z
			.object({
				healthMs: duration.default(5000),
				metricsMs: duration.default(5000),
				alertsMs: duration.default(15000),
				/**
				 * How often watched pod and deployment changes reach the Pods pane: 2 s, k9s's refresh (the
				 * watch itself is live; timeline signals are not delayed).
				 */
				podsMs: duration.default(2000),
			})
			.strict()
			.default({}),
		/** `incident-tui status` in direct scrape mode: the gap between its two scrapes (0: one scrape, rates unknown). */
		status: z.object({scrapeIntervalMs: z.number().int().nonnegative().max(600_000).default(10_000)}).strict().default({}),
		/** After an action, how long to watch the primary query before calling it recovered. */
		recovery: z.object({watchSeconds: duration.default(120)}).strict().default({}),
		/** Extra regular expressions whose matches are masked before anything reaches the timeline. */
		redact: z.array(z.string()).default([]),
		stateDir: z.string().optional(),
		sync: syncSchema.optional(),
	})
	.strict();

export type Config = z.infer<typeof configSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type QueryConfig = z.infer<typeof querySchema>;
export type CommandConfig = z.infer<typeof commandSchema>;
export type SyncConfig = z.infer<typeof syncSchema>;
