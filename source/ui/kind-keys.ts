/**
 * The keymap assembled: the cockpit's own commands (keymap.ts) with the keys the kinds declare and
 * the numbers that focus their panes (kinds/registry.ts). Key routing, the help overlay and the
 * footer all read this, so none of them can disagree with what a key does.
 */
import type {Key} from 'ink';
import {kinds} from '../kinds/registry.js';
import type {KeyBinding, Kind, KindKey} from '../kinds/types.js';
import {bindingMatches, Command, keymap, scopeTitles, shortHelp, type Scope} from './keymap.js';

/** The commands every list pane answers beside its kind's keys. */
export const listCommands: readonly Command[] = [Command.Details, Command.Filter];

/** The key that focuses a kind's pane: its number, its place in the registry. */
export function focusBinding(kind: Kind): KeyBinding {
	const number = String(kinds.indexOf(kind) + 1);
	return {keys: [number], label: number, help: `Focus ${kind.title}`};
}

/**
 * The help's one line for the pane numbers (each pane's title shows its number): one line per pane
 * made the help too tall for a 120×40 terminal once there were six.
 */
export function focusHelpLine(): HelpLine {
	return {group: scopeTitles.global, label: `1-${kinds.length}`, help: 'Focus the pane of that number (shown in its title)', disabled: false};
}

/** The kind whose pane number the key press is. */
export function kindToFocus(input: string, key: Key): Kind | undefined {
	return kinds.find(kind => bindingMatches(focusBinding(kind), input, key));
}

/** The key of `kind` the key press is. */
export function kindKeyFor(kind: Kind, input: string, key: Key): KindKey | undefined {
	return kind.keys.find(k => bindingMatches(k.binding, input, key));
}

/**
 * Where a key of another kind works, for a key pressed where it does nothing: kinds where it is at
 * home first (u/s/r work on any Pods row), then those that borrow it (a Health row that names its
 * deployment).
 */
export function kindKeyElsewhere(focused: Kind, input: string, key: Key): {kind: Kind; key: KindKey} | undefined {
	const found = kinds.filter(kind => kind !== focused).flatMap(kind => kind.keys.filter(k => bindingMatches(k.binding, input, key)).map(k => ({kind, key: k})));
	return found.find(f => !f.key.borrowed) ?? found[0];
}

/** A line of the help: the group it is under (a heading), its key, its text, and whether read-only mode disables it. */
export interface HelpLine {
	group: string;
	label: string;
	help: string;
	disabled: boolean;
}

/** The heading of a kind key's group: the panes it is at home in, and where else it works ("Pods pane, or a Health row whose ..."). */
function kindKeyGroup(binding: KeyBinding): string {
	const home = kinds.filter(kind => kind.keys.some(k => k.binding === binding && !k.borrowed)).map(kind => kind.title);
	const borrowed = kinds.flatMap(kind => kind.keys.filter(k => k.binding === binding && k.borrowed).map(k => k.borrowed!));
	return [`${home.join(' and ')} pane${home.length > 1 ? 's' : ''}`, ...borrowed].join(', or ');
}

/** The kinds' keys for the help, each binding once, under the panes it is at home in; in the registry's order. */
function kindHelpLines(readonly: boolean): HelpLine[] {
	const seen = new Set<KeyBinding>();
	const lines: HelpLine[] = [];
	for (const kind of kinds) {
		for (const k of kind.keys) {
			if (k.borrowed || seen.has(k.binding)) continue;
			seen.add(k.binding);
			lines.push({group: kindKeyGroup(k.binding), label: k.binding.label, help: k.binding.help, disabled: Boolean(readonly && k.binding.dangerous)});
		}
	}
	return lines;
}

function commandLines(scope: Scope, readonly: boolean): HelpLine[] {
	return (Object.values(Command) as Command[])
		.filter(command => keymap[command].scope === scope)
		.map(command => ({group: scopeTitles[scope], label: keymap[command].label, help: keymap[command].help, disabled: Boolean(readonly && keymap[command].dangerous)}));
}

/** Every key, grouped by where it works: everywhere (with the pane numbers), in a list, each kind's, in a dialog. */
export function helpLines(readonly: boolean): HelpLine[] {
	const global = commandLines('global', readonly);
	// The pane numbers come after tab and S-tab, the other keys that move the focus.
	const afterFocus = global.findIndex(line => line.label === keymap[Command.PrevPane].label) + 1;
	return [...global.slice(0, afterFocus), focusHelpLine(), ...global.slice(afterFocus), ...commandLines('list', readonly), ...kindHelpLines(readonly), ...commandLines('dialog', readonly)];
}

/** Footer hints for the focused kind: its own keys first, then the list's and the global essentials. */
export function footerHints(kind: Kind, readonly: boolean): Array<{label: string; help: string; disabled: boolean}> {
	const own = kind.keys.map(k => ({label: k.binding.label, help: k.binding.short ?? k.binding.help, disabled: Boolean(readonly && k.binding.dangerous)}));
	const commands = [...listCommands, Command.Note, Command.Help, Command.Quit].map(command => ({
		label: keymap[command].label,
		help: shortHelp[command] ?? keymap[command].help,
		disabled: Boolean(readonly && keymap[command].dangerous),
	}));
	return [...own, ...commands];
}
