import type {Key} from 'ink';
import {actions} from '../actions/registry.js';

/**
 * The cockpit's own shortcuts in one place: those that work everywhere, in any list, and in dialogs.
 * The kinds' keys (u, l, space, p ...) and the pane numbers come from the kinds' registry and are
 * assembled with these in kind-keys.ts. Handlers ask `matches(Command.X, input, key)`; the help
 * overlay and the footer are generated from both, and a test checks every command has a key and a
 * help line.
 */
export enum Command {
	Help = 'help',
	Quit = 'quit',
	ForceQuit = 'forceQuit',
	NextPane = 'nextPane',
	PrevPane = 'prevPane',
	Up = 'up',
	Down = 'down',
	PageUp = 'pageUp',
	PageDown = 'pageDown',
	Top = 'top',
	Bottom = 'bottom',
	Details = 'details',
	Note = 'note',
	Filter = 'filter',
	Severity = 'severity',
	Status = 'status',
	PickRunbook = 'pickRunbook',
	Export = 'export',
	RunConfigCommand = 'runConfigCommand',
	Cancel = 'cancel',
	Confirm = 'confirm',
	WrapOutput = 'wrapOutput',
	Yes = 'yes',
	No = 'no',
	CloseDialog = 'closeDialog',
	PickNumber = 'pickNumber',
	ClearInput = 'clearInput',
	NextField = 'nextField',
	Role = 'role',
	PickContext = 'pickContext',
	PickNamespace = 'pickNamespace',
	OlderTarget = 'olderTarget',
	NewerTarget = 'newerTarget',
}

export type Scope = 'global' | 'list' | 'dialog';

export interface Binding {
	/** Printable keys (matched against `input`) or named keys (matched against Ink's `key` flags). */
	keys: string[];
	/** What the help overlay and footer show for the keys, e.g. "u". */
	label: string;
	help: string;
	scope: Scope;
	/** Mutates the cluster or runs a command: removed in read-only mode. */
	dangerous?: boolean;
}

type NamedKey = 'up' | 'down' | 'left' | 'right' | 'pageup' | 'pagedown' | 'home' | 'end' | 'tab' | 'shift+tab' | 'return' | 'escape';

export const keymap: Record<Command, Binding> = {
	[Command.Help]: {keys: ['?'], label: '?', help: 'Show or hide this help', scope: 'global'},
	[Command.Quit]: {keys: ['q'], label: 'q', help: 'Quit (asks while the incident is open)', scope: 'global'},
	[Command.ForceQuit]: {keys: ['ctrl+c'], label: 'C-c', help: 'Quit at once (the journal is already on disk)', scope: 'global'},
	[Command.NextPane]: {keys: ['tab'], label: 'tab', help: 'Focus the next pane', scope: 'global'},
	[Command.PrevPane]: {keys: ['shift+tab'], label: 'S-tab', help: 'Focus the previous pane', scope: 'global'},
	[Command.Up]: {keys: ['up', 'k'], label: '↑/k', help: 'Move the selection up', scope: 'list'},
	[Command.Down]: {keys: ['down', 'j'], label: '↓/j', help: 'Move the selection down', scope: 'list'},
	[Command.PageUp]: {keys: ['pageup', 'ctrl+u'], label: 'PgUp', help: 'Move up one page', scope: 'list'},
	[Command.PageDown]: {keys: ['pagedown', 'ctrl+d'], label: 'PgDn', help: 'Move down one page', scope: 'list'},
	[Command.Top]: {keys: ['home', 'g'], label: 'g', help: 'Go to the first row', scope: 'list'},
	[Command.Bottom]: {keys: ['end', 'G'], label: 'G', help: 'Go to the last row', scope: 'list'},
	[Command.Details]: {keys: ['return'], label: 'enter', help: 'Open the selected item’s details (a pod’s events and log); a message or error line cut at the edge, whole', scope: 'list'},
	[Command.Filter]: {keys: ['/'], label: '/', help: 'Filter the focused list', scope: 'list'},
	[Command.Note]: {keys: ['n'], label: 'n', help: 'Add a note to the timeline', scope: 'global'},
	[Command.Severity]: {keys: ['S'], label: 'S', help: 'Change the incident severity', scope: 'global'},
	[Command.Status]: {keys: ['T'], label: 'T', help: 'Change the incident status (investigating → resolved)', scope: 'global'},
	[Command.PickRunbook]: {keys: ['b'], label: 'b', help: 'Choose the active runbook', scope: 'global'},
	[Command.Role]: {keys: ['R'], label: 'R', help: 'Choose your role: commander, scribe, responder, observer', scope: 'global'},
	[Command.PickContext]: {keys: ['C'], label: 'C', help: 'Switch the kube context (as :ctx in k9s)', scope: 'global'},
	[Command.PickNamespace]: {keys: ['N'], label: 'N', help: 'Switch the namespace, or all (as :ns in k9s)', scope: 'global'},
	[Command.Export]: {keys: ['E'], label: 'E', help: 'Write the post-mortem draft (ID-postmortem.md, in the working directory)', scope: 'global'},
	[Command.RunConfigCommand]: {keys: ['c'], label: 'c', help: 'Run one of the config’s commands (after confirmation)', scope: 'global', dangerous: actions.command.dangerous},
	[Command.Cancel]: {keys: ['escape'], label: 'esc', help: 'Close the dialog, cancel the action or running command', scope: 'dialog'},
	[Command.Confirm]: {keys: ['return'], label: 'enter', help: 'Confirm the dialog', scope: 'dialog'},
	[Command.OlderTarget]: {keys: ['left'], label: '←', help: 'In a rollback’s confirmation: roll back to an older revision instead', scope: 'dialog'},
	[Command.NewerTarget]: {keys: ['right'], label: '→', help: 'In a rollback’s confirmation: roll back to a newer revision instead', scope: 'dialog'},
	[Command.WrapOutput]: {keys: ['w'], label: 'w', help: 'Wrap the long lines of a command’s output, or cut them again', scope: 'dialog'},
	[Command.Yes]: {keys: ['y'], label: 'y', help: 'Confirm a question (nothing to type in it)', scope: 'dialog'},
	[Command.No]: {keys: ['n'], label: 'n', help: 'Answer no to a question (nothing to type in it)', scope: 'dialog'},
	[Command.CloseDialog]: {keys: ['q'], label: 'q', help: 'Close a details, output or log view', scope: 'dialog'},
	[Command.PickNumber]: {keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'], label: '1-9', help: 'In a picker: choose the row of that number among those shown', scope: 'dialog'},
	[Command.ClearInput]: {keys: ['ctrl+u'], label: 'ctrl+u', help: 'Clear the text typed in a field', scope: 'dialog'},
	[Command.NextField]: {keys: ['tab'], label: 'tab', help: 'Next field: two-field confirmations, the variables form', scope: 'dialog'},
};

/** Whether a key press is `name` (a printable key, or one of Ink's named keys such as `return`). */
export function pressed(name: string, input: string, key: Key): boolean {
	switch (name as NamedKey) {
		case 'up':
			return key.upArrow;
		case 'down':
			return key.downArrow;
		case 'left':
			return key.leftArrow;
		case 'right':
			return key.rightArrow;
		case 'pageup':
			return key.pageUp;
		case 'pagedown':
			return key.pageDown;
		case 'home':
			return key.home;
		case 'end':
			return key.end;
		case 'tab':
			return key.tab && !key.shift;
		case 'shift+tab':
			return key.tab && key.shift;
		case 'return':
			return key.return;
		case 'escape':
			return key.escape;
		default:
			break;
	}
	if (name.startsWith('ctrl+')) return key.ctrl && input === name.slice(5);
	// Printable keys: exact, case-sensitive; never while ctrl/meta is held.
	return !key.ctrl && !key.meta && input === name;
}

export function matches(command: Command, input: string, key: Key): boolean {
	return bindingMatches(keymap[command], input, key);
}

/** The first command of `candidates` the key press matches. */
export function commandFor(input: string, key: Key, candidates: readonly Command[]): Command | undefined {
	return candidates.find(command => matches(command, input, key));
}

/** Whether a key press is one of a binding's keys (a command's, or a kind's key: kinds/types.ts KeyBinding). */
export function bindingMatches(binding: {readonly keys: readonly string[]}, input: string, key: Key): boolean {
	return binding.keys.some(name => pressed(name, input, key));
}

/** The number (1 for the first) of a PickNumber key press, or null. */
export function pickedNumber(input: string, key: Key): number | null {
	return matches(Command.PickNumber, input, key) ? Number(input) : null;
}

/**
 * A dialog's footer from the keymap: each part is the commands' keys ("y/enter", the first label of a
 * key with two: "↑" of "↑/k") and what they do there ("confirm"), joined by " · ".
 */
export function dialogFooter(parts: ReadonlyArray<readonly [readonly Command[], string]>): string {
	return parts.map(([commands, words]) => `${commands.map(command => keymap[command].label.split('/')[0]).join('/')} ${words}`).join(' · ');
}

/** The footer's word for a command (default its help). */
export const shortHelp: Partial<Record<Command, string>> = {
	[Command.Details]: 'details',
	[Command.Filter]: 'filter',
	[Command.Note]: 'note',
	[Command.Help]: 'help',
	[Command.Quit]: 'quit',
};

export const scopeTitles: Record<Scope, string> = {
	global: 'Everywhere',
	list: 'In a list',
	dialog: 'In a dialog',
};
