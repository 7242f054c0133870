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

/**
 * The files typescript-eslint's type-checked rules read, with the types tsc gives them: the program
 * alone (tsconfig.lint.json). With the tests too, `npm run lint` took about 3 minutes on a busy
 * 2-core machine instead of about 1.5, and found some 230 more places, nearly all the tests reading
 * the fake servers' JSON as `any`; the tests keep the other rules.
 */
const typed = ['source/**/*.ts', 'source/**/*.tsx', 'cli.tsx'];

export default [
	{ignores: ['node_modules/**', 'dist/**', 'bench/results/**']},
	{
		files: ['**/*.ts', '**/*.tsx'],
		languageOptions: {parser: tseslint.parser, parserOptions: {ecmaFeatures: {jsx: true}}},
		plugins: {'@typescript-eslint': tseslint.plugin},
		// No rule is lifted by a comment in the code: a rule that does not fit a file says why here.
		linterOptions: {noInlineConfig: true, reportUnusedDisableDirectives: 'error'},
	},
	// typescript-eslint's recommended rules that read types, on the program and its tests.
	...tseslint.configs.recommendedTypeChecked.map(config => ({...config, files: typed})),
	{
		files: typed,
		// A promise left alone is `void`-ed only where it handles its own failures, with a comment saying so.
		languageOptions: {parserOptions: {project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname}},
	},
	// mvdan-sh (the shell parser) ships no types: its nodes are GopherJS objects whose fields depend on
	// the node's type (types/mvdan-sh.d.ts ShNode), read here as the Go package documents them.
	{
		files: ['source/runbook/shell-bind.ts', 'source/runbook/shell-scan.ts'],
		rules: {
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
		},
	},
	// The Kubernetes API's wire format as the demo serves it: objects of any shape the API server's
	// clients send or read (kube-wire.ts KObject), patched by RFC 6902/7386 and merged as they come.
	// Typing them would be writing the Kubernetes OpenAPI schema again; the demo's cluster model
	// (cluster-model.ts) is typed, and these files only carry its objects over the wire.
	{
		files: ['source/demo/kube-wire.ts', 'source/demo/kube-objects.ts', 'source/demo/kube-api.ts'],
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
		},
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
