/**
 * The commands incident-tui prints for the operator to run next (at quit: resume, export; in
 * errors: `incidents`, `--help`, `check`), built in one place so each is a command that works
 * where it is printed. How the program itself is started there (`incident-tui` on the PATH,
 * `npx incident-tui` inside a clone, `node path/to/incident-tui.mjs`) is found by invocation.ts;
 * this module only writes the words. Pure: the quit dialog and the CLI's farewell both use it.
 */
import {shellQuote} from '../runbook/template.js';

/** How to start this program from where its commands are printed: the words before the arguments. */
export interface Invocation {
	words: readonly string[];
}

/** `incident-tui`, on the PATH: what the commands say when nothing better is known. */
export const plainInvocation: Invocation = {words: ['incident-tui']};

/** One printed command: the invocation and `args`, each word quoted for a POSIX shell where it needs it. */
export function printedCommand(how: Invocation, args: readonly string[]): string {
	return [...how.words, ...args].map(word => shellQuote(word)).join(' ');
}

/**
 * The options of the run being quit that a resumed run needs to see the same incident the same way:
 * where journals live, which config (and so which sources), cluster and Prometheus, and read-only.
 * Paths are as the operator gave them, or absolute when the commands are printed for another
 * directory than the one they were given in (`npm start` runs in the clone's root).
 */
export interface CarriedOptions {
	config?: string;
	stateDir?: string;
	context?: string;
	namespace?: string;
	prometheus?: string;
	readonly?: boolean;
}

function stateDirArgs(options: CarriedOptions): string[] {
	return options.stateDir ? ['--state-dir', options.stateDir] : [];
}

/** The options both commands read the incident's journal with: a config's `stateDir` decides where it is. */
function journalArgs(options: CarriedOptions & {demo?: boolean}): string[] {
	return [...(options.config && !options.demo ? ['--config', options.config] : []), ...stateDirArgs(options)];
}

/** The command that opens the cockpit on incident `id` again (the demo's own when it was a demo). */
export function resumeCommand(how: Invocation, id: string, options: CarriedOptions & {demo?: boolean} = {}): string {
	const sources = options.demo
		? []
		: [
				...(options.context ? ['--context', options.context] : []),
				...(options.namespace ? ['-n', options.namespace] : []),
				...(options.prometheus ? ['--prometheus', options.prometheus] : []),
			];
	return printedCommand(how, [...(options.demo ? ['demo'] : []), '--incident', id, ...journalArgs(options), ...sources, ...(options.readonly ? ['--readonly'] : [])]);
}

/** The command that writes incident `id`'s post-mortem draft to ID.md in the directory it is run in. */
export function exportCommand(how: Invocation, id: string, options: CarriedOptions & {demo?: boolean} = {}): string {
	return printedCommand(how, ['export', id, ...journalArgs(options), '-o', `${id}.md`]);
}

/** `incidents` with the state directory the operator gave. */
export function incidentsCommand(how: Invocation, options: CarriedOptions = {}): string {
	return printedCommand(how, ['incidents', ...journalArgs(options)]);
}

/**
 * What the cockpit prints as it exits: where the incident is saved, how to resume it, and how to
 * draft its post-mortem, with the options the operator gave that the commands need (the commands
 * would look in the default state directory, or read the default config, without them).
 */
export function farewell(how: Invocation, id: string, journalPath: string, options: CarriedOptions & {demo?: boolean} = {}): string {
	return [`incident ${id} saved in ${journalPath}`, `resume: ${resumeCommand(how, id, options)}`, `post-mortem draft: ${exportCommand(how, id, options)}`, ''].join('\n');
}
