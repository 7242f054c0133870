// The direction of imports is the design (../shared/design.md): ui -> kinds -> store,
// ui -> actions -> timeline, kinds -> clients; the store and the actions share plain data in
// source/model, below both. Sources and actions never import React;
// components never do I/O. ESLint's core no-restricted-imports keeps it that way.
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

const react = [
	{name: 'react', message: 'Only source/ui imports React.'},
	{name: 'ink', message: 'Only source/ui imports Ink.'},
];
const io = [
	{name: 'node:fs', message: 'Components never do I/O: ask the controller.'},
	{name: 'node:fs/promises', message: 'Components never do I/O: ask the controller.'},
	{name: 'node:http', message: 'Components never do I/O: ask the controller.'},
	{name: 'node:https', message: 'Components never do I/O: ask the controller.'},
	{name: 'node:child_process', message: 'Components never do I/O: ask the controller.'},
	{name: 'execa', message: 'Components never do I/O: ask the controller.'},
	{name: '@kubernetes/client-node', message: 'Components never do I/O: ask the controller.'},
];
const layer = (group, message) => ({group, message});

function restrict(files, paths, patterns) {
	return {files, rules: {'no-restricted-imports': ['error', {paths, patterns}]}};
}

export default [
	{ignores: ['node_modules/**', 'dist/**', 'bench/results/**']},
	{
		files: ['**/*.ts', '**/*.tsx'],
		languageOptions: {parser: tseslint.parser, parserOptions: {ecmaFeatures: {jsx: true}}},
		// Registered so that disable comments naming its rules resolve; only the import rules below are on.
		plugins: {'@typescript-eslint': tseslint.plugin},
		linterOptions: {reportUnusedDisableDirectives: 'off'},
	},
	// No file is in a circle of value imports (type-only imports do not count: they vanish when compiled).
	{
		files: ['source/**/*.ts', 'source/**/*.tsx', 'cli.tsx'],
		plugins: {import: importPlugin},
		settings: {'import/resolver': {typescript: true}, 'import/parsers': {'@typescript-eslint/parser': ['.ts', '.tsx']}},
		rules: {'import/no-cycle': ['error', {ignoreExternal: true}]},
	},
	restrict(['source/controller/**'], react, [
		layer(['**/ui/**', '**/session/**', '**/demo/**'], 'The controller is built from the session\'s ports; the UI calls it, never the other way.'),
	]),
	restrict(['source/kinds/**'], react, [
		layer(['**/ui/**', '**/session/**', '**/controller/**', '**/demo/**'], 'A kind writes to the store and says what its pane shows; it knows nothing of the UI, the session or the demo.'),
	]),
	restrict(['source/actions/**'], react, [
		layer(['**/ui/**', '**/session/**', '**/controller/**', '**/kinds/**', '**/store/**', '**/demo/**'], 'Actions use the ports, the runbook, the timeline and the plain data of source/model; never the store or the kinds.'),
	]),
	restrict(['source/timeline/**'], react, [layer(['**/ui/**', '**/session/**', '**/kinds/**', '**/actions/**', '**/demo/**'], 'The timeline is below actions and kinds.')]),
	restrict(['source/sync/**'], react, [layer(['**/ui/**', '**/session/**', '**/kinds/**', '**/actions/**', '**/store/**', '**/demo/**'], 'The sync is below the session: it shares the journal, through the timeline.')]),
	restrict(['source/runbook/**'], react, [layer(['**/ui/**', '**/session/**', '**/kinds/**', '**/actions/**', '**/demo/**'], 'Runbooks are data.')]),
	restrict(['source/store/**'], react, [
		layer(['**/ui/**', '**/session/**', '**/controller/**', '**/kinds/**', '**/actions/**', '**/clients/**', '**/demo/**'], 'The store is plain state, generic over the kinds; it imports no UI and does no I/O (an action\'s request, as plain data, is source/model\'s).'),
	]),
	restrict(['source/model/**'], [...react, ...io], [
		layer(['**/ui/**', '**/session/**', '**/controller/**', '**/kinds/**', '**/actions/**', '**/store/**', '**/sync/**', '**/runbook/**', '**/clients/**', '**/demo/**'], 'source/model is plain data the store and the actions share: below both.'),
	]),
	restrict(['source/clients/**', 'source/ports/**', 'source/config/**'], react, [layer(['**/ui/**', '**/session/**', '**/store/**', '**/kinds/**', '**/demo/**'], 'Thin I/O, below everything.')]),
	restrict(['source/text/**'], [...react, ...io], [
		layer(['**/ui/**', '**/session/**', '**/kinds/**', '**/actions/**', '**/timeline/**', '**/runbook/**', '**/store/**', '**/clients/**', '**/ports/**', '**/config/**', '**/demo/**'], 'Text handling is the bottom layer: it imports nothing of the cockpit.'),
	]),
	restrict(['source/demo/**'], react, [layer(['**/ui/**', '**/session/**'], 'The demo is an environment behind the ports.')]),
	restrict(['source/ui/**'], io, [
		layer(['**/clients/**', '**/session/**', '**/demo/**'], 'Components never do I/O: read the store and the kinds, call the controller.'),
	]),
];
