/**
 * The actions' ids, as plain data: the one list of them. The action registry (actions/registry.ts)
 * has one entry per id (its type says so).
 */

export const actionIds = ['rollback', 'scale', 'restart', 'command'] as const;

export type ActionKind = (typeof actionIds)[number];


