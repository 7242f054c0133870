/**
 * The kubectl command equivalent to an action, shown in its confirmation and written to the
 * timeline, so the operator (and the post-mortem) can see and replay exactly what was done.
 */
import {shellQuote} from '../runbook/template.js';

export interface KubectlTarget {
	context: string;
	namespace: string;
}

/** `kubectl --context CTX -n NS ARGS...`, each word shell-quoted when it needs it. */
export function kubectlCommand(target: KubectlTarget, ...args: string[]): string {
	const words = ['kubectl', ...(target.context ? ['--context', target.context] : []), '-n', target.namespace || 'default', ...args];
	return words.map(shellQuote).join(' ');
}

export function rolloutUndoCommand(target: KubectlTarget, deployment: string, toRevision?: number): string {
	return kubectlCommand(target, 'rollout', 'undo', `deployment/${deployment}`, ...(toRevision === undefined ? [] : [`--to-revision=${toRevision}`]));
}

export function scaleCommand(target: KubectlTarget, deployment: string, replicas: number | string): string {
	return kubectlCommand(target, 'scale', `deployment/${deployment}`, `--replicas=${replicas}`);
}

export function rolloutRestartCommand(target: KubectlTarget, deployment: string): string {
	return kubectlCommand(target, 'rollout', 'restart', `deployment/${deployment}`);
}
