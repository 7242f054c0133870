import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {describe, expect, it} from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every module a source folder's files name, type-only imports and `import('...')` types included: "file: specifier". */
function importsOf(folder: string): string[] {
	const dir = path.join(root, 'source', folder);
	return readdirSync(dir, {recursive: true, encoding: 'utf8'})
		.filter(file => /\.tsx?$/.test(file))
		.flatMap(file => {
			const text = readFileSync(path.join(dir, file), 'utf8');
			return [...text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map(m => `${folder}/${file}: ${m[1]}`);
		});
}

/** The group patterns of every import-direction rule in eslint.config.js. */
async function layerPatterns(): Promise<string[]> {
	const {default: config} = (await import(pathToFileURL(path.join(root, 'eslint.config.js')).href)) as {default: Array<{rules?: Record<string, unknown>}>};
	return config.flatMap(entry => {
		const rule = entry.rules?.['no-restricted-imports'] as [string, {patterns?: Array<{group: string[]}>}] | undefined;
		return rule?.[1].patterns?.flatMap(p => p.group) ?? [];
	});
}

describe('the store and the actions share plain data below both (source/model)', () => {
	it('import each other in no way, not even as a type', () => {
		expect(importsOf('store').filter(line => /\/actions\//.test(line))).toEqual([]);
		expect(importsOf('actions').filter(line => /\/store\//.test(line))).toEqual([]);
	});

	it('are kept apart by import-direction rules that make no exception', async () => {
		const patterns = await layerPatterns();
		expect(patterns.length).toBeGreaterThan(0);
		expect(patterns.filter(pattern => pattern.startsWith('!'))).toEqual([]);
	});
});
