/**
 * Plain data that several layers share and none of them owns: the environment a cockpit runs in.
 * It lives here, below the store and the actions, so that both can read it without importing each
 * other (the store keeps it in its state; the actions read it when they prepare a request).
 */

export interface EnvInfo {
	demo: boolean;
	readonly: boolean;
	context: string;
	namespace: string;
	/** Every namespace is watched (-A, or switched to all namespaces); `namespace` stays the one acted on by default. */
	allNamespaces?: boolean;
	production: boolean;
	/** Where the journal lives, shown in help and errors. */
	journalPath?: string;
	/** Who this cockpit writes events as (user@host), so the header can name the others on the incident. */
	author?: string;
	/** The command that resumes this incident, the one the CLI prints at exit (source/cli/printed.ts). */
	resumeCommand?: string;
}
