/**
 * The size limits a newcomer can read code within: no source file over 400 lines, no function over
 * 80 (nested functions count in the function around them). Checked with ESLint's own max-lines and
 * max-lines-per-function rules, blank lines and comments counted, on the files a test names.
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {ESLint} from 'eslint';
import tseslint from 'typescript-eslint';

export const sizeLimits = {fileLines: 400, functionLines: 80};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every place in `files` (globs from the repository's root) over the limits, as "file:line: message". */
export async function oversized(files: string[]): Promise<string[]> {
	const eslint = new ESLint({
		cwd: root,
		overrideConfigFile: true,
		overrideConfig: [
			{
				files: ['**/*.ts', '**/*.tsx'],
				languageOptions: {parser: tseslint.parser, parserOptions: {ecmaFeatures: {jsx: true}}},
				linterOptions: {noInlineConfig: true, reportUnusedDisableDirectives: 'off'},
				rules: {
					'max-lines': ['error', {max: sizeLimits.fileLines}],
					'max-lines-per-function': ['error', {max: sizeLimits.functionLines, IIFEs: true}],
				},
			},
		],
	});
	const results = await eslint.lintFiles(files);
	if (results.length === 0) throw new Error(`no file matches ${files.join(', ')}`);
	// Inline comments cannot lift a limit (noInlineConfig): ESLint says they have no effect, which is not a size.
	const sizeRules = new Set(['max-lines', 'max-lines-per-function']);
	return results.flatMap(result => result.messages.filter(m => m.ruleId !== null && sizeRules.has(m.ruleId)).map(m => `${path.relative(root, result.filePath)}:${m.line}: ${m.message}`));
}
