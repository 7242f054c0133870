import {describe, expect, it} from 'vitest';
import type {Key} from 'ink';
import {bindingMatches, Command, commandFor, dialogFooter, keymap, matches, pickedNumber} from '../../source/ui/keymap.js';
import {focusBinding, footerHints, kindKeyFor, listCommands} from '../../source/ui/kind-keys.js';
import {helpGroups, helpLines} from '../../source/ui/help-overlay.js';
import {kindById, kinds} from '../../source/kinds/registry.js';

/** The binding of a kind's key (its id within the kind). */
function kindKey(kind: string, id: string) {
	const key = kindById(kind)!.keys.find(k => k.id === id);
	if (!key) throw new Error(`no key ${id} in ${kind}`);
	return key.binding;
}

const noKey: Key = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false} as Key;

describe('keymap', () => {
	it('gives every command at least one key, a label and a help line', () => {
		for (const command of Object.values(Command)) {
			const binding = keymap[command];
			expect(binding, command).toBeDefined();
			expect(binding.keys.length, command).toBeGreaterThan(0);
			expect(binding.label.trim(), command).not.toBe('');
			expect(binding.help.trim().length, command).toBeGreaterThan(5);
		}
	});

	it('says where tab moves: the other field of a two-field confirmation, and the next value of the variables form', () => {
		expect(keymap[Command.NextField].help).toMatch(/confirmation/);
		expect(keymap[Command.NextField].help).toMatch(/variables form/);
	});

	it('lists every command in the generated help', () => {
		const lines = helpLines(false);
		for (const command of Object.values(Command)) expect(lines.some(l => l.help === keymap[command].help), command).toBe(true);
		for (const kind of kinds) {
			for (const key of kind.keys) expect(lines.some(l => l.help === key.binding.help), `${kind.id}.${key.id}`).toBe(true);
		}
		// The pane numbers share one line: 1-6, each pane's number in its title.
		expect(lines.filter(l => l.label === `1-${kinds.length}` && /Focus the pane of that number/.test(l.help))).toHaveLength(1);
	});

	it('gives every kind key a key, a label and a help line', () => {
		for (const kind of kinds) {
			for (const key of kind.keys) {
				expect(key.binding.keys.length, `${kind.id}.${key.id}`).toBeGreaterThan(0);
				expect(key.binding.label.trim(), `${kind.id}.${key.id}`).not.toBe('');
				expect(key.binding.help.trim().length, `${kind.id}.${key.id}`).toBeGreaterThan(5);
			}
		}
	});

	it('wraps the help to its width, each continuation at a word under its text, headings included', () => {
		const lines = helpGroups(false, 50).flat();
		for (const line of lines) {
			expect([...line.text].length, line.text).toBeLessThanOrEqual(50);
			expect(line.text, 'ends in a space').not.toMatch(/ $/);
			// A heading's continuation starts at column 0, a key's at the description's column (10).
			expect(line.text, 'starts with the space it broke at').toMatch(line.heading ? /^\S/ : /^( {2}\S.{6} \S| {10}\S)/);
		}
		expect(lines.filter(line => line.heading).map(line => line.text)).toContain('deployment');
	});

	it('has the default keys the issue names', () => {
		const expected: Array<[Command, string]> = [
			[Command.Help, '?'],
			[Command.Quit, 'q'],
			[Command.Down, 'j'],
			[Command.Up, 'k'],
			[Command.Note, 'n'],
			[Command.Filter, '/'],
		];
		for (const [command, input] of expected) expect(matches(command, input, noKey), `${command} on ${input}`).toBe(true);
		const kindKeys: Array<[string, string, string]> = [
			['runbook', 'toggleStep', ' '],
			['pods', 'rollback', 'u'],
			['pods', 'scale', 's'],
			['pods', 'restart', 'r'],
			['runbook', 'runStep', 'x'],
		];
		for (const [kind, id, input] of kindKeys) expect(bindingMatches(kindKey(kind, id), input, noKey), `${kind}.${id} on ${input}`).toBe(true);
		expect(bindingMatches(focusBinding(kindById('pods')!), '3', noKey), 'focus pods on 3').toBe(true);
		expect(matches(Command.NextPane, '', {...noKey, tab: true})).toBe(true);
		expect(matches(Command.PrevPane, '', {...noKey, tab: true, shift: true})).toBe(true);
		expect(matches(Command.NextPane, '', {...noKey, tab: true, shift: true})).toBe(false);
		expect(matches(Command.Cancel, '', {...noKey, escape: true})).toBe(true);
		expect(matches(Command.Down, '', {...noKey, downArrow: true})).toBe(true);
	});

	it('has no two commands on the same key where both can be active', () => {
		const global = Object.values(Command).filter(c => ['global', 'list'].includes(keymap[c].scope));
		for (const kind of kinds) {
			const active = [
				...kind.keys.map(k => ({name: `${kind.id}.${k.id}`, keys: k.binding.keys})),
				...kinds.map(other => ({name: `focus ${other.id}`, keys: focusBinding(other).keys})),
				...[...new Set([...listCommands, ...global])].map(command => ({name: command as string, keys: keymap[command].keys})),
			];
			const seen = new Map<string, string>();
			for (const {name, keys} of active) {
				for (const key of keys) {
					expect(seen.get(key), `${kind.id}: '${key}' bound to ${seen.get(key)} and ${name}`).toBeUndefined();
					seen.set(key, name);
				}
			}
		}
	});

	it('has no two dialog commands on the same key, and writes dialog footers from the bindings', () => {
		const seen = new Map<string, Command>();
		for (const command of Object.values(Command).filter(c => keymap[c].scope === 'dialog')) {
			for (const key of keymap[command].keys) {
				expect(seen.get(key), `dialog: '${key}' bound to ${seen.get(key)} and ${command}`).toBeUndefined();
				seen.set(key, command);
			}
		}
		expect(dialogFooter([[[Command.Yes, Command.Confirm], 'confirm'], [[Command.No, Command.Cancel], 'cancel']])).toBe('y/enter confirm · n/esc cancel');
		expect(dialogFooter([[[Command.Up, Command.Down], 'scroll']])).toBe('↑/↓ scroll');
		expect(pickedNumber('3', noKey)).toBe(3);
		expect(pickedNumber('0', noKey)).toBeNull();
	});

	it('does not match printable keys while ctrl is held', () => {
		expect(kindKeyFor(kindById('pods')!, 'u', {...noKey, ctrl: true})).toBeUndefined();
		expect(commandFor('c', {...noKey, ctrl: true}, [Command.ForceQuit])).toBe(Command.ForceQuit);
	});

	it('marks dangerous keys disabled in read-only footers', () => {
		const pods = kindById('pods')!;
		const hints = footerHints(pods, true);
		expect(hints.find(h => h.label === 'u')?.disabled).toBe(true);
		expect(hints.find(h => h.label === '?')?.disabled).toBe(false);
		expect(footerHints(pods, false).every(h => !h.disabled)).toBe(true);
	});
});
