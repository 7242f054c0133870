/**
 * Resuming a demo incident resumes its scenario where it was: the demo's cluster is rebuilt from the
 * incident's journal, the source of truth, not started anew with the bad deploy. What changed the
 * demo's cluster is in the journal as the kubectl equivalent of each action that succeeded (rollback,
 * scale, restart) and as the argv of each runbook command that exited 0; they are read back here, in
 * order, and the simulation starts with them done and its rollouts finished (cluster-sim.ts replay).
 *
 * A runbook command written as a shell script is not read (what a script did cannot be known from its
 * text); nor is anything done to the demo from outside the cockpit (kubectl from another terminal).
 */
import {existsSync} from 'node:fs';
import {readJournal} from '../timeline/journal.js';
import {journalPath} from '../timeline/state-dir.js';
import type {AnyTimelineEvent} from '../timeline/events.js';
import type {DrillInput} from '../timeline/drill.js';
import {demoContext, demoNamespace} from './cluster-model.js';

/** What one kubectl command changes in the demo's cluster. */
export type DemoAction = {deployment: string} & ({kind: 'undo'; toRevision?: number} | {kind: 'scale'; replicas: number} | {kind: 'restart'} | {kind: 'image'; image: string});

/** One change the incident made to the demo's cluster, at `at` (ms since the epoch). */
export type DemoChange = DemoAction & {at: number};

/** What a resumed demo starts from: when its incident opened (the scenario's start) and what it changed since. */
export interface DemoResume {
	incidentId: string;
	openedAt: number;
	changes: DemoChange[];
}

/** Shell words of a command as the cockpit shows it (shellQuote's single quotes); null when it is more than one simple command. */
function shellWords(text: string): string[] | null {
	const words: string[] = [];
	const pattern = /'([^']*)'|([^\s']+)|(\s+)/gy;
	let word: string | undefined;
	let match: RegExpExecArray | null;
	while ((match = pattern.exec(text)) !== null) {
		if (match[3] !== undefined) {
			if (word !== undefined) words.push(word);
			word = undefined;
			continue;
		}
		word = (word ?? '') + (match[1] ?? match[2] ?? '');
	}
	if (pattern.lastIndex !== 0 && pattern.lastIndex < text.length) return null;
	if (word !== undefined) words.push(word);
	if (words.some(w => /^[;&|<>`$()]|[;&|`]$/.test(w))) return null;
	return words;
}

/** kubectl's flags that take a value, by the names the demo's commands can use. */
const valueFlags = new Set(['--context', '-n', '--namespace', '--to-revision', '--replicas', '--timeout', '--kubeconfig', '-c', '--container']);

/** `flags` (name -> value) and the positional words of a kubectl command line. */
function kubectlArgs(words: string[]): {flags: Map<string, string>; args: string[]} {
	const flags = new Map<string, string>();
	const args: string[] = [];
	for (let i = 1; i < words.length; i++) {
		const word = words[i]!;
		const equals = word.indexOf('=');
		if (word.startsWith('-') && equals > 0) flags.set(word.slice(0, equals), word.slice(equals + 1));
		else if (valueFlags.has(word)) flags.set(word, words[++i] ?? '');
		else if (word.startsWith('-')) flags.set(word, 'true');
		else args.push(word);
	}
	return {flags, args};
}

/** `deployment/checkout`, `deploy/checkout`, `deployments.apps/checkout`, or `deployment checkout` (two words). */
function deploymentName(args: string[]): string | undefined {
	const [first, second] = args;
	const kinds = /^(deployment|deployments|deploy)(\.apps)?$/;
	if (first?.includes('/')) {
		const [kind, name] = first.split('/');
		return kind && kinds.test(kind) ? name : undefined;
	}
	return first && kinds.test(first) ? second : undefined;
}

/** The change a kubectl command line makes to the demo's cluster; null for one that changes nothing (get, logs) or acts elsewhere. */
export function kubectlChange(command: string): DemoAction | null {
	const words = shellWords(command.trim());
	if (!words || words[0] !== 'kubectl') return null;
	const {flags, args} = kubectlArgs(words);
	const namespace = flags.get('-n') ?? flags.get('--namespace') ?? demoNamespace;
	const context = flags.get('--context') ?? demoContext;
	if (namespace !== demoNamespace || context !== demoContext || flags.has('--dry-run')) return null;
	const [verb, sub] = args;
	if (verb === 'rollout' && (sub === 'undo' || sub === 'restart')) {
		const deployment = deploymentName(args.slice(2));
		if (!deployment) return null;
		if (sub === 'restart') return {kind: 'restart', deployment};
		const revision = Number(flags.get('--to-revision') ?? 0);
		return {kind: 'undo', deployment, ...(Number.isInteger(revision) && revision > 0 ? {toRevision: revision} : {})};
	}
	if (verb === 'scale') {
		const deployment = deploymentName(args.slice(1));
		const replicas = Number(flags.get('--replicas'));
		return deployment && Number.isInteger(replicas) && replicas >= 0 ? {kind: 'scale', deployment, replicas} : null;
	}
	if (verb === 'set' && sub === 'image') {
		const deployment = deploymentName(args.slice(2));
		const image = args.find(arg => arg.includes('='))?.split('=')[1];
		return deployment && image ? {kind: 'image', deployment, image} : null;
	}
	return null;
}

/** The changes a demo incident's journal records, in order: its actions and commands that succeeded. */
export function demoChanges(events: readonly AnyTimelineEvent[]): DemoChange[] {
	const changes: DemoChange[] = [];
	for (const event of events) {
		if (event.type !== 'action.succeeded' || !event.data.kubectl) continue;
		if (event.data.kind === 'command' && event.data.exitCode !== 0) continue;
		const change = kubectlChange(event.data.kubectl);
		if (change) changes.push({...change, at: Date.parse(event.at)});
	}
	return changes;
}

/** What a demo incident's drill is scored with (source/timeline/drill.ts): the first change its cluster saw, for a demo incident only. */
export function drillInput(events: readonly AnyTimelineEvent[]): DrillInput | undefined {
	const opened = events.find(e => e.type === 'incident.opened');
	if (opened?.type !== 'incident.opened' || !opened.data.demo) return undefined;
	for (const event of events) {
		if (event.type !== 'action.succeeded' || !event.data.kubectl || (event.data.kind === 'command' && event.data.exitCode !== 0)) continue;
		if (!kubectlChange(event.data.kubectl)) continue;
		const what = event.data.kind === 'command' ? `runbook command: ${event.data.kubectl}` : `${event.data.kind} of ${event.data.target.object} (${event.data.kubectl})`;
		return {firstChange: {at: event.at, what}};
	}
	return {};
}

/** What resuming `incidentId` starts the demo from; undefined when it has no journal yet, or is not a demo incident. */
export async function readDemoResume(stateDir: string, incidentId: string): Promise<DemoResume | undefined> {
	const file = journalPath(stateDir, incidentId);
	if (!existsSync(file)) return undefined;
	const {events} = await readJournal(file);
	const opened = events.find(e => e.type === 'incident.opened');
	if (opened?.type !== 'incident.opened' || !opened.data.demo) return undefined;
	return {incidentId, openedAt: Date.parse(opened.at), changes: demoChanges(events)};
}
