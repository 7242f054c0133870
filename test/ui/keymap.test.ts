import {describe, expect, it} from 'vitest';
import type {Key} from 'ink';
import {Command, commandFor, footerHints, keymap, matches, paneCommands} from '../../source/ui/keymap.js';
import {helpGroups, helpLines} from '../../source/ui/help-overlay.js';

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

	it('lists every command in the generated help', () => {
		const lines = helpLines(false);
		for (const command of Object.values(Command)) expect(lines.some(l => l.help === keymap[command].help), command).toBe(true);
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
			[Command.ToggleStep, ' '],
			[Command.Rollback, 'u'],
			[Command.Scale, 's'],
			[Command.Restart, 'r'],
			[Command.RunCommand, 'x'],
			[Command.Note, 'n'],
			[Command.Filter, '/'],
			[Command.FocusPods, '3'],
		];
		for (const [command, input] of expected) expect(matches(command, input, noKey), `${command} on ${input}`).toBe(true);
		expect(matches(Command.NextPane, '', {...noKey, tab: true})).toBe(true);
		expect(matches(Command.PrevPane, '', {...noKey, tab: true, shift: true})).toBe(true);
		expect(matches(Command.NextPane, '', {...noKey, tab: true, shift: true})).toBe(false);
		expect(matches(Command.Cancel, '', {...noKey, escape: true})).toBe(true);
		expect(matches(Command.Down, '', {...noKey, downArrow: true})).toBe(true);
	});

	it('has no two commands on the same key where both can be active', () => {
		const global = Object.values(Command).filter(c => ['global', 'list'].includes(keymap[c].scope));
		for (const pane of Object.keys(paneCommands) as Array<keyof typeof paneCommands>) {
			const active = [...new Set([...paneCommands[pane], ...global])];
			const seen = new Map<string, Command>();
			for (const command of active) {
				for (const key of keymap[command].keys) {
					expect(seen.get(key), `${pane}: '${key}' bound to ${seen.get(key)} and ${command}`).toBeUndefined();
					seen.set(key, command);
				}
			}
		}
	});

	it('does not match printable keys while ctrl is held', () => {
		expect(commandFor('u', {...noKey, ctrl: true}, [Command.Rollback])).toBeUndefined();
		expect(commandFor('c', {...noKey, ctrl: true}, [Command.ForceQuit])).toBe(Command.ForceQuit);
	});

	it('marks dangerous keys disabled in read-only footers', () => {
		const hints = footerHints('pods', true);
		expect(hints.find(h => h.label === 'u')?.disabled).toBe(true);
		expect(hints.find(h => h.label === '?')?.disabled).toBe(false);
		expect(footerHints('pods', false).every(h => !h.disabled)).toBe(true);
	});
});
