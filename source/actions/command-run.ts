/**
 * What a confirmed command runs, kept by whoever prepared it (the controller) and never put in the
 * store: its argv holds the values of secret variables, which everything shown masks.
 */
import type {CommandSpec} from '../clients/command-runner.js';
import type {Redactor} from '../timeline/redact.js';

export interface CommandRun {
	spec: CommandSpec;
	/** Masks the secret values and the config's patterns in its output. */
	mask: Redactor;
	/** The cluster's environment for it (KUBECONFIG pinned to the context and namespace), if any. */
	env?: Record<string, string>;
}
