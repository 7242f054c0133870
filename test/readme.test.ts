import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {keymap} from '../source/ui/keymap.js';
import pkg from '../package.json' with {type: 'json'};

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README stays true', () => {
	it('gives the two quick-start commands, and they exist in package.json', () => {
		expect(readme).toContain('npm ci && npm start');
		expect(readme).toContain('npm ci && npm test');
		expect(pkg.scripts.start).toMatch(/demo/);
		expect(pkg.scripts.test).toBeDefined();
	});

	it('documents every key binding of the keymap', () => {
		for (const [command, binding] of Object.entries(keymap)) expect(readme, command).toContain(binding.help);
	});
});
