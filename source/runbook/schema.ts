import {z} from 'zod';
import {idSchema, querySchema} from '../config/schema.js';
import {stepActionIds, type StepActionKind} from '../model/action-ids.js';
import type {StepAction} from './model.js';

/**
 * The YAML runbook format (see README "Runbooks"). Validated with zod; the loader
 * (source/runbook/yaml.ts) turns issues into LocatedErrors with file, line, column and key.
 */

const id = idSchema;
const text = z.union([z.string(), z.array(z.string())]);

export const alertSchema = z.union([
	z.string().min(1),
	z
		.object({
			name: z.string().min(1),
			/** Label equality matchers. */
			labels: z.record(z.string()).optional(),
			/** Label regex matchers, fully anchored. */
			labelsRegex: z.record(z.string()).optional(),
		})
		.strict(),
]);

export const variableSchema = z
	.object({
		name: z.string().regex(/^[A-Za-z_]\w*$/, 'use letters, digits and _ (not starting with a digit)'),
		description: z.string().optional(),
		default: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
		required: z.boolean().optional(),
		secret: z.boolean().optional(),
		allowed: z.array(z.union([z.string(), z.number()]).transform(String)).min(1).optional(),
		pattern: z.string().optional(),
	})
	.strict();

export {querySchema} from '../config/schema.js';

export const commandSchema = z
	.object({
		id: id.optional(),
		title: z.string().optional(),
		argv: z.array(z.string()).min(1).optional(),
		script: z.string().min(1).optional(),
		lang: z.string().optional(),
		timeoutMs: z.number().int().positive().optional(),
	})
	.strict()
	.refine(c => (c.argv ? 1 : 0) + (c.script ? 1 : 0) === 1, {message: 'give exactly one of argv or script'});

const deployment = z.string().min(1).optional();

/** What a step's `action:` gives beside its kind and deployment (model/action-ids.ts StepActionParams), per action it may name: one entry per name of stepActionIds, no other. */
const stepActionParams = {
	rollback: {toRevision: z.number().int().positive().optional()},
	scale: {replicas: z.number().int().min(0).optional()},
	restart: {},
} satisfies Record<StepActionKind, z.ZodRawShape>;

/** "rollback, scale or restart" */
function oneOf(names: readonly string[]): string {
	return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

const [firstStepAction, ...otherStepActions] = stepActionIds.map(kind => z.object({kind: z.literal(kind), deployment, ...stepActionParams[kind]}).strict());

/**
 * A step's `action:`, its kinds the action ids a step may name (model/action-ids.ts stepActionIds),
 * not a list of its own. Built from that list, its type is said as StepAction's (runbook/model.ts,
 * made from the same list and params).
 */
export const actionSchema = z.discriminatedUnion('kind', [firstStepAction!, ...otherStepActions], {
	errorMap: (issue, ctx) => (issue.code === 'invalid_union_discriminator' ? {message: `kind must be ${oneOf(stepActionIds)}`} : {message: ctx.defaultError}),
}) as unknown as z.ZodType<StepAction>;

export const doneWhenSchema = z.union([
	z
		.object({
			query: id,
			below: z.number().optional(),
			above: z.number().optional(),
			forSeconds: z.number().int().min(0).optional(),
		})
		.strict()
		.refine(d => (d.below === undefined) !== (d.above === undefined), {message: 'give exactly one of below or above'}),
	z.object({health: z.string().min(1)}).strict(),
]);

export const stepSchema = z
	.object({
		id: id.optional(),
		title: z.string().min(1, 'a step needs a title'),
		section: z.string().optional(),
		body: text.optional(),
		/** One query id to watch, or several. */
		query: id.optional(),
		queries: z.array(id).optional(),
		/** argv form: never passes through a shell. */
		command: z.array(z.string()).min(1).optional(),
		/** Shell script form, run with bash -c after confirmation; variables are shell-quoted. */
		script: z.string().min(1).optional(),
		commands: z.array(commandSchema).optional(),
		action: actionSchema.optional(),
		doneWhen: doneWhenSchema.optional(),
		role: z.string().optional(),
	})
	.strict();

export const escalationSchema = z.object({afterMinutes: z.number().min(0), to: z.string().min(1)}).strict();

export const runbookSchema = z
	.object({
		id,
		title: z.string().min(1),
		summary: z.string().optional(),
		severity: z.string().optional(),
		alerts: z.array(alertSchema).default([]),
		variables: z.array(variableSchema).default([]),
		queries: z.array(querySchema).default([]),
		primaryQuery: id.optional(),
		/** Breaks a tie between runbooks answering an alert equally specifically: the highest wins (default 0). */
		priority: z.number().int().optional(),
		steps: z.array(stepSchema).min(1, 'a runbook needs at least one step'),
		escalation: z.array(escalationSchema).default([]),
	})
	.strict();

/** Front matter of Markdown runbooks: the metadata part of the YAML format; other keys (tags, owner...) are ignored. */
export const frontMatterSchema = z
	.object({
		id: id.optional(),
		title: z.string().optional(),
		summary: z.string().optional(),
		description: z.string().optional(),
		severity: z.union([z.string(), z.number()]).transform(String).optional(),
		alerts: z.union([alertSchema, z.array(alertSchema)]).optional(),
		variables: z.array(variableSchema).optional(),
		queries: z.array(querySchema).optional(),
		primaryQuery: id.optional(),
		priority: z.number().int().optional(),
		escalation: z.array(escalationSchema).optional(),
	})
	.passthrough();

export type RunbookFile = z.infer<typeof runbookSchema>;
export type FrontMatter = z.infer<typeof frontMatterSchema>;
export type AlertEntry = z.infer<typeof alertSchema>;
