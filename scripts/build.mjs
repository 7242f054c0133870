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
 * - The runbook parser's worker thread (source/runbook/parse-worker.ts) is bundled on its own
 *   (CommonJS, self-contained), deflated and embedded through the `__INCIDENT_TUI_RUNBOOK_WORKER__`
 *   define that source/runbook/off-thread.ts starts as an `eval` worker: a single file has no
 *   second file to name in `new Worker()`.
 * - Modules reached only through `import()` (the demo, the subcommands) are emitted as
 *   lazily-initialised wrappers: their code is in the file but runs only when imported.
 * - @kubernetes/client-node is reached only through source/clients/k8s.ts, which is bundled on its
 *   own (CommonJS, tree-shaken to what k8s.ts exports: 1.8 of the package's 3.5 MB), deflated, and
 *   embedded as a string that is inflated and evaluated on its `import()`. V8 must parse every line
 *   of code in the file before the first line runs, lazy wrappers or not, and parsing the client
 *   took ~0.6 s here; a string literal is only scanned. So `--version` went from ~0.75 s to
 *   ~0.17 s, and the client is parsed when the cockpit connects to the cluster, after the first frame.
 * - Non-ASCII characters are escaped (esbuild's default; regular expressions in our code use
 *   \u escapes), so V8 holds the source one byte per character.
 * - The program is embedded as a string and compiled by a small loader as a classic script
 *   (vm.Script), the one kind of code Node 20 can keep a V8 code cache for (Node 22's module
 *   compile cache does not exist here). The cockpit asks for the cache right after its first frame
 *   (source/session/code-cache.ts), so the next start skips parsing and compiling what that frame
 *   ran: the first frame went from ~260 to ~165 ms here. The cache lives in
 *   $XDG_CACHE_HOME/incident-tui (default ~/.cache/incident-tui), named by the program's hash, the
 *   node version and the architecture; V8 refuses a cache made by another V8 or flags, and then a
 *   new one is written. INCIDENT_TUI_CODE_CACHE=off turns it off, =verbose says what it does.
 *   The bundle is first built as ESM (top-level await in Ink and yoga stays inside esbuild's lazy
 *   module wrappers) and then transformed to CommonJS for the loader. Code compiled by vm.Script
 *   has no `import()` (Node answers "A dynamic import callback was not specified"): what is still
 *   imported that way after bundling, Node's built-ins (`import('node:fs/promises')` in `export -o`),
 *   becomes require() in that transform, and the build fails if any import() is left.
 * - `--version` names the commit the file was built from: git's HEAD (with -dirty when tracked
 *   files had changes), or `unknown` outside a git checkout, through the `__INCIDENT_TUI_BUILD__`
 *   define that source/cli/build-info.ts reads.
 *
 * Usage: node scripts/build.mjs [--outfile dist/incident-tui.mjs] [--no-minify] [--metafile]
 */
import {chmod, mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import * as esbuild from 'esbuild';
import {deflateRawSync} from 'node:zlib';
import {createHash} from 'node:crypto';
import {spawnSync} from 'node:child_process';
import {realpathSync} from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const defaultOutfile = path.join(root, 'dist', 'incident-tui.mjs');

/** file name -> text of every built-in runbook, as library.ts's embedded map expects. */
export async function builtinRunbookTexts(dir = path.join(root, 'runbooks')) {
	const names = (await readdir(dir)).filter(name => /\.(ya?ml|md|markdown)$/i.test(name)).sort();
	const map = {};
	for (const name of names) map[name] = await readFile(path.join(dir, name), 'utf8');
	return map;
}

/**
 * The commit of the checkout whose top is `dir`, `-dirty` when tracked files changed; `unknown`
 * when `dir` is not the top of a git checkout (as source/cli/build-info.ts's gitCommit).
 */
export function buildCommit(dir = root) {
	const git = (...args) => spawnSync('git', ['-C', dir, ...args], {encoding: 'utf8', timeout: 10_000});
	const head = git('rev-parse', '--show-toplevel', '--short=12', 'HEAD');
	const [top, commit] = (head.stdout ?? '').trim().split('\n');
	let same = false;
	try {
		same = realpathSync(top) === realpathSync(dir);
	} catch {}
	if (head.status !== 0 || !commit || !/^[0-9a-f]{7,40}$/.test(commit) || !same) return 'unknown';
	const changes = git('status', '--porcelain', '--untracked-files=no');
	return `${commit}${changes.status === 0 && changes.stdout.trim() ? '-dirty' : ''}`;
}

/** Resolves react-devtools-core to an empty module: Ink only loads it in development with DEV=true. */
const devtoolsStub = {
	name: 'react-devtools-core-stub',
	setup(build) {
		build.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'stub'}));
		build.onLoad({filter: /.*/, namespace: 'stub'}, () => ({contents: 'export default {connectToDevTools() {}};', loader: 'js'}));
	},
};

/**
 * wrap-ansi (under Ink) pins string-width 7 while Ink uses string-width 8: each copy builds an
 * Intl.Segmenter when it is first imported, about 10 ms before the first frame. Both copies export
 * the same `stringWidth(text, options)`, so the bundle keeps one.
 */
const singleStringWidth = {
	name: 'single-string-width',
	setup(build) {
		build.onResolve({filter: /^string-width$/}, async args => {
			if (!args.importer.includes(`${path.sep}wrap-ansi${path.sep}`)) return undefined;
			return build.resolve('string-width', {kind: args.kind, resolveDir: root});
		});
	},
};

/**
 * Modules loaded with `import()` that are bundled separately, tree-shaken to what they export, and
 * embedded deflated (see packageAsLazyModule). source/clients/k8s.ts is the only module that imports
 * @kubernetes/client-node, so the package is parsed only when the cockpit connects to a cluster;
 * source/runbook/shell-bind.ts is the only one that imports mvdan-sh (1.5 MB, a bash parser), parsed
 * only when a runbook script with variables is prepared or linted; source/sync/pg-driver.ts is the
 * only one that imports pg (node-postgres), parsed only when the sync connects to PostgreSQL. pg's
 * optional native binding (pg-native) and its Cloudflare socket are left out: neither runs on Node.
 */
export const lazyModules = ['source/clients/k8s.ts', 'source/runbook/shell-bind.ts', 'source/sync/pg-driver.ts'];
const lazyOnlyPackages = ['@kubernetes/client-node', 'mvdan-sh', 'pg'];

/**
 * A self-contained CommonJS bundle of one module and what it imports, deflated and embedded as a string in a small ESM
 * module that inflates and evaluates it (vm.runInThisContext) the first time it is imported. The
 * package's code is neither parsed nor held uncompressed in memory until the cockpit needs it, after
 * the first frame; compressed, @kubernetes/client-node is about a fifth of its size. (An earlier
 * version imported a `data:` URL: Node's module loader then kept three 4.7 MB copies of that URL
 * alive for the life of the process.)
 */
async function packageAsLazyModule(file, minify) {
	const entry = {
		absWorkingDir: root,
		stdin: {contents: `export * from ${JSON.stringify(path.join(root, file))};`, resolveDir: root, loader: 'js'},
		bundle: true,
		platform: 'node',
		write: false,
	};
	// esbuild lists a bundle's export names only for ESM output: ask for them separately.
	const names = await esbuild.build({...entry, format: 'esm', metafile: true, logLevel: 'silent'});
	const exports = Object.values(names.metafile.outputs)[0].exports;
	const result = await esbuild.build({
		...entry,
		format: 'cjs',
		target: 'node20',
		minify,
		legalComments: 'none',
		// ASCII source is held by V8 one byte per character (see buildBundle).
		charset: 'ascii',
		define: {'process.env.NODE_ENV': '"production"'},
		logLevel: 'warning',
	});
	const packed = deflateRawSync(Buffer.from(result.outputFiles[0].text), {level: 9}).toString('base64');
	const name = JSON.stringify(`${file} (bundled)`);
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

function lazyModulesPlugin(minify) {
	const escape = text => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	const packages = new RegExp(`^(${lazyOnlyPackages.map(escape).join('|')})$`);
	const names = new RegExp(`/(${lazyModules.map(file => escape(path.basename(file, '.ts'))).join('|')})\\.js$`);
	return {
		name: 'lazy-modules',
		setup(build) {
			const modules = new Map();
			build.onResolve({filter: packages}, args => ({
				errors: [{text: `${args.path} is imported by ${path.relative(root, args.importer)}: import it only through ${lazyModules.join(', ')}, which the cockpit loads after the first frame`}],
			}));
			build.onResolve({filter: names}, args => {
				const file = path.relative(root, path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
				if (!lazyModules.includes(file)) return undefined;
				if (args.kind !== 'dynamic-import') {
					return {errors: [{text: `${file} is imported statically by ${path.relative(root, args.importer)}: it would be parsed at every start; import it with import()`}]};
				}
				return {path: file, namespace: 'lazy-module'};
			});
			build.onLoad({filter: /.*/, namespace: 'lazy-module'}, async args => {
				if (!modules.has(args.path)) modules.set(args.path, packageAsLazyModule(args.path, minify));
				return {contents: await modules.get(args.path), loader: 'js', resolveDir: root};
			});
		},
	};
}

/**
 * The runbook parser's worker (source/runbook/parse-worker.ts): a CommonJS bundle of it and what it
 * imports, deflated and base64-encoded, for `new Worker(code, {eval: true})` in off-thread.ts.
 */
export async function runbookWorkerSource(minify = true) {
	const result = await esbuild.build({
		absWorkingDir: root,
		entryPoints: [path.join(root, 'source/runbook/parse-worker.ts')],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		minify,
		legalComments: 'none',
		charset: 'ascii',
		write: false,
		define: {'process.env.NODE_ENV': '"production"'},
		logLevel: 'warning',
	});
	return deflateRawSync(Buffer.from(result.outputFiles[0].text), {level: 9}).toString('base64');
}

/**
 * The ESM file that is dist/incident-tui.mjs: it compiles `program` (the whole cockpit, CommonJS)
 * with the V8 code cache of an earlier run when there is one, and offers `save()` to the program
 * through globalThis.incidentTuiCodeCache. A cache that cannot be read or written only costs time.
 */
function loaderSource(code) {
	// Wrapped here, not at run time: concatenating at run time made V8 hold a third copy of the text.
	const program = `(function (exports, require, module, __filename, __dirname, __incidentTuiImportMetaUrl) {${code}\n})`;
	const key = createHash('sha256').update(program).digest('hex').slice(0, 16);
	return `#!/usr/bin/env node
// incident-tui, single-file build: the program is the string below; see scripts/build.mjs.
import {createRequire} from 'node:module';
import {Script} from 'node:vm';
import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
const program = ${JSON.stringify(program)};
const mode = process.env.INCIDENT_TUI_CODE_CACHE || 'on';
const say = mode === 'verbose' ? text => process.stderr.write('incident-tui: code cache ' + text + '\\n') : () => {};
const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'incident-tui');
const name = '${key}-' + process.version + '-' + process.arch + '.v8cache';
const file = join(dir, name);
let cachedData;
if (mode !== 'off') {
	try {
		cachedData = readFileSync(file);
	} catch {}
}
const filename = fileURLToPath(import.meta.url);
let script = new Script(program, {filename, cachedData});
const used = cachedData !== undefined && !script.cachedDataRejected;
say(mode === 'off' ? 'off' : (used ? 'used: ' : cachedData ? 'rejected: ' : 'none: ') + file);
cachedData = undefined;
const run = script.runInThisContext();
// Only a cache still to write needs the script object (and V8's copy of the cache goes with it).
if (used || mode === 'off') script = undefined;
globalThis.incidentTuiCodeCache = {
	save() {
		if (!script) return;
		const compiled = script;
		script = undefined;
		const partial = file + '.' + process.pid;
		try {
			mkdirSync(dir, {recursive: true, mode: 0o700});
			writeFileSync(partial, compiled.createCachedData(), {mode: 0o600});
			renameSync(partial, file);
			for (const other of readdirSync(dir)) if (other.endsWith('.v8cache') && other !== name) rmSync(join(dir, other), {force: true});
			say('saved: ' + file);
		} catch (error) {
			try {
				rmSync(partial, {force: true});
			} catch {}
			say('not saved: ' + (error instanceof Error ? error.message : String(error)));
		}
	},
};
const module = {exports: {}};
run(module.exports, createRequire(import.meta.url), module, filename, dirname(filename), import.meta.url);
`;
}

/**
 * Builds the bundle. Returns the output path, its size in bytes and esbuild's metafile (when asked).
 * `plugins` run before the build's own (e.g. to try a variant of a source file in an experiment).
 * @param {{outfile?: string, minify?: boolean, metafile?: boolean, logLevel?: import('esbuild').LogLevel, plugins?: import('esbuild').Plugin[]}} [options]
 */
export async function buildBundle(options = {}) {
	const outfile = options.outfile ?? defaultOutfile;
	await mkdir(path.dirname(outfile), {recursive: true});
	const runbooks = await builtinRunbookTexts();
	const minify = options.minify ?? true;
	const runbookWorker = await runbookWorkerSource(minify);
	const result = await esbuild.build({
		absWorkingDir: root,
		entryPoints: [path.join(root, 'cli.tsx')],
		outfile,
		write: false,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		minify,
		legalComments: 'none',
		metafile: Boolean(options.metafile),
		define: {
			'process.env.NODE_ENV': '"production"',
			__INCIDENT_TUI_RUNBOOKS__: JSON.stringify(runbooks),
			__INCIDENT_TUI_RUNBOOK_WORKER__: JSON.stringify(runbookWorker),
			__INCIDENT_TUI_BUILD__: JSON.stringify({commit: buildCommit()}),
		},
		plugins: [...(options.plugins ?? []), devtoolsStub, singleStringWidth, lazyModulesPlugin(minify)],
		logLevel: options.logLevel ?? 'warning',
	});
	// ESM -> CommonJS for the loader: imports of Node built-ins become require(), import.meta.url the
	// loader's. Any other use of import.meta would be lost: refuse it.
	const transformed = await esbuild.transform(result.outputFiles[0].text.replace(/^#!.*\n/, ''), {
		format: 'cjs',
		platform: 'node',
		target: 'node20',
		charset: 'ascii',
		minifyWhitespace: minify,
		define: {'import.meta.url': '__incidentTuiImportMetaUrl'},
		// vm.Script code cannot import(): Node's built-ins, all that import() still loads here, are required instead.
		supported: {'dynamic-import': false},
		logLevel: 'silent',
	});
	const dynamic = /\bimport\(\s*["'`]/.exec(transformed.code);
	if (dynamic) throw new Error(`import() left in the program, which the loader's vm.Script cannot run: ${transformed.code.slice(dynamic.index, dynamic.index + 80)}`);
	const lost = transformed.warnings.filter(warning => warning.id === 'empty-import-meta');
	if (lost.length > 0) throw new Error(`import.meta used beyond import.meta.url: ${lost.map(w => w.location?.lineText.trim().slice(0, 80)).join('; ')}`);
	await writeFile(outfile, loaderSource(transformed.code));
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
