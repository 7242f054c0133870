#!/usr/bin/env node
/**
 * `npm run build`: bundles the cockpit into one ESM file, dist/incident-tui.mjs, that runs with plain
 * `node` (>= 20.19) and no node_modules, for copying onto a bastion host.
 *
 * - React and everything else run their production builds (`process.env.NODE_ENV` is "production").
 * - Ink imports react-devtools-core only when DEV is set; it is aliased to an empty stub.
 * - Some CommonJS dependencies call `require` for Node built-ins, which an ESM file lacks: the banner
 *   defines one with createRequire.
 * - yoga-layout carries its wasm inline (base64) already, so nothing is read from disk at run time.
 * - The built-in runbooks (runbooks/*.yaml|md) are embedded through the `__INCIDENT_TUI_RUNBOOKS__`
 *   define that source/runbook/library.ts reads.
 * - Modules reached only through `import()` (the demo, the subcommands) are emitted as
 *   lazily-initialised wrappers: their code is in the file but runs only when imported.
 * - @kubernetes/client-node (3.5 MB of the 5 MB of code) is bundled on its own and embedded as a
 *   `data:` URL string that its `import()` loads. V8 must parse every line of code in the file
 *   before the first line runs, lazy wrappers or not, and parsing it all took ~0.6 s here; a string
 *   literal is only scanned. So `--version` went from ~0.75 s to ~0.17 s, and the client is parsed
 *   when the cockpit connects to the cluster, after the first frame.
 *
 * Usage: node scripts/build.mjs [--outfile dist/incident-tui.mjs] [--no-minify] [--metafile]
 */
import {chmod, mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import * as esbuild from 'esbuild';
import {deflateRawSync} from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
export const defaultOutfile = path.join(root, 'dist', 'incident-tui.mjs');

/** file name -> text of every built-in runbook, as library.ts's embedded map expects. */
export async function builtinRunbookTexts(dir = path.join(root, 'runbooks')) {
	const names = (await readdir(dir)).filter(name => /\.(ya?ml|md|markdown)$/i.test(name)).sort();
	const map = {};
	for (const name of names) map[name] = await readFile(path.join(dir, name), 'utf8');
	return map;
}

/** Resolves react-devtools-core to an empty module: Ink only loads it in development with DEV=true. */
const devtoolsStub = {
	name: 'react-devtools-core-stub',
	setup(build) {
		build.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'stub'}));
		build.onLoad({filter: /.*/, namespace: 'stub'}, () => ({contents: 'export default {connectToDevTools() {}};', loader: 'js'}));
	},
};

/** Packages loaded with `import()` that are bundled separately and embedded as a `data:` URL. */
export const lazyPackages = ['@kubernetes/client-node'];

/**
 * A self-contained CommonJS bundle of one package, deflated and embedded as a string in a small ESM
 * module that inflates and evaluates it (vm.runInThisContext) the first time it is imported. The
 * package's code is neither parsed nor held uncompressed in memory until the cockpit needs it, after
 * the first frame; compressed, @kubernetes/client-node is about a fifth of its size. (An earlier
 * version imported a `data:` URL: Node's module loader then kept three 4.7 MB copies of that URL
 * alive for the life of the process.)
 */
async function packageAsLazyModule(specifier, minify) {
	// esbuild lists a bundle's export names only for ESM output: ask for them separately.
	const names = await esbuild.build({
		absWorkingDir: root,
		stdin: {contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: root, loader: 'js'},
		bundle: true,
		platform: 'node',
		format: 'esm',
		write: false,
		metafile: true,
		logLevel: 'silent',
	});
	const exports = Object.values(names.metafile.outputs)[0].exports;
	const result = await esbuild.build({
		absWorkingDir: root,
		stdin: {contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: root, loader: 'js'},
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		minify,
		legalComments: 'none',
		// ASCII source is held by V8 one byte per character (see buildBundle).
		charset: 'ascii',
		write: false,
		define: {'process.env.NODE_ENV': '"production"'},
		logLevel: 'warning',
	});
	const packed = deflateRawSync(Buffer.from(result.outputFiles[0].text), {level: 9}).toString('base64');
	const name = JSON.stringify(`${specifier} (bundled)`);
	return [
		"import {inflateRawSync} from 'node:zlib';",
		"import {runInThisContext} from 'node:vm';",
		"import {createRequire} from 'node:module';",
		`const packed = ${JSON.stringify(packed)};`,
		'const module = {exports: {}};',
		// The package's own `require` is for Node built-ins only (everything else is bundled).
		`runInThisContext('(function (exports, require, module, __filename, __dirname) {' + inflateRawSync(Buffer.from(packed, 'base64')).toString('latin1') + '\\n})', {filename: ${name}})(module.exports, createRequire(process.execPath), module, ${name}, '.');`,
		'const m = module.exports;',
		...exports.map(name => (name === 'default' ? 'export default m.default;' : `export const ${name} = m.${name};`)),
	].join('\n');
}

function lazyPackagesPlugin(minify) {
	const filter = new RegExp(`^(${lazyPackages.map(name => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
	return {
		name: 'lazy-packages',
		setup(build) {
			const modules = new Map();
			build.onResolve({filter}, args => {
				if (args.kind !== 'dynamic-import') {
					return {warnings: [{text: `${args.path} is imported statically by ${path.relative(root, args.importer)}: it is parsed at every start; import it with import() after the first frame`}]};
				}
				return {path: args.path, namespace: 'lazy-package'};
			});
			build.onLoad({filter: /.*/, namespace: 'lazy-package'}, async args => {
				if (!modules.has(args.path)) modules.set(args.path, packageAsLazyModule(args.path, minify));
				return {contents: await modules.get(args.path), loader: 'js', resolveDir: root};
			});
		},
	};
}

const banner = [
	// The entry's own `#!/usr/bin/env node` line is kept by esbuild above this banner.
	"import {createRequire as __incidentTuiCreateRequire} from 'node:module';",
	'const require = __incidentTuiCreateRequire(import.meta.url);',
].join('\n');

/**
 * Builds the bundle. Returns the output path, its size in bytes and esbuild's metafile (when asked).
 * `plugins` run before the build's own (e.g. to try a variant of a source file in an experiment).
 * @param {{outfile?: string, minify?: boolean, metafile?: boolean, logLevel?: import('esbuild').LogLevel, plugins?: import('esbuild').Plugin[]}} [options]
 */
export async function buildBundle(options = {}) {
	const outfile = options.outfile ?? defaultOutfile;
	await mkdir(path.dirname(outfile), {recursive: true});
	const runbooks = await builtinRunbookTexts();
	const result = await esbuild.build({
		absWorkingDir: root,
		entryPoints: [path.join(root, 'cli.tsx')],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		minify: options.minify ?? true,
		legalComments: 'none',
		metafile: Boolean(options.metafile),
		define: {
			'process.env.NODE_ENV': '"production"',
			__INCIDENT_TUI_RUNBOOKS__: JSON.stringify(runbooks),
		},
		plugins: [...(options.plugins ?? []), devtoolsStub, lazyPackagesPlugin(options.minify ?? true)],
		banner: {js: banner},
		logLevel: options.logLevel ?? 'warning',
	});
	await chmod(outfile, 0o755);
	const size = (await readFile(outfile)).byteLength;
	return {outfile, size, metafile: result.metafile, runbooks: Object.keys(runbooks).length};
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const args = process.argv.slice(2);
	const at = args.indexOf('--outfile');
	const started = performance.now();
	try {
		const built = await buildBundle({
			outfile: at >= 0 ? path.resolve(args[at + 1] ?? '') : undefined,
			minify: !args.includes('--no-minify'),
			metafile: args.includes('--metafile'),
		});
		if (built.metafile) await writeFile(`${built.outfile}.meta.json`, JSON.stringify(built.metafile));
		const ms = Math.round(performance.now() - started);
		process.stdout.write(`built ${path.relative(process.cwd(), built.outfile)} (${(built.size / 1024).toFixed(0)} KB, ${built.runbooks} built-in runbooks) in ${ms} ms\n`);
	} catch (error) {
		// esbuild has already printed each error with file:line; say what failed and stop.
		process.stderr.write(`build failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
		process.exit(1);
	}
}
