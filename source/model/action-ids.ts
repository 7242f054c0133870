/**
 * The actions' ids, as plain data: the one list of them. The action registry (actions/registry.ts)
 * has one entry per id (its type says so), and the runbook schema (runbook/schema.ts), which is data
 * and imports no action, takes the names a step's `action:` may give from here.
 */

export const actionIds = ['rollback', 'scale', 'restart', 'command', 'silence', 'expire-silence'] as const;

export type ActionKind = (typeof actionIds)[number];


/** The actions a runbook step's `action:` may name: those that act on the deployment the step names. */
export const stepActionIds = ['rollback', 'scale', 'restart'] as const satisfies readonly ActionKind[];

export type StepActionKind = (typeof stepActionIds)[number];

/** What a step's `action:` may give beside its kind and deployment, per action (runbook/schema.ts checks it). */
export interface StepActionParams {
	rollback: {toRevision?: number};
	scale: {replicas?: number};
	restart: Record<never, never>;
}
