/**
 * How to start this very program from the directory where its commands are printed, so that a
 * printed command works when pasted there:
 *
 * 1. `incident-tui`, when the `incident-tui` on the PATH is this program (a global install, `npm
 *    link` of this clone): the PATH's file, followed through its symlinks, is the file running, or
 *    lies in the same package.
 * 2. `npx incident-tui`, when running from a clone's sources (the README's quick start) and the
 *    commands are printed inside that clone: npx runs the clone's own bin there. Outside the clone
 *    npx would fetch whatever the registry has under that name, so never there.
 * 3. `node FILE` otherwise: the single-file build as it was started (`node incident-tui.mjs`; relative
 *    when it lies below the directory, else absolute), or the clone's bin/incident-tui.js. `node` is
 *    the node running now, by its full path when the PATH's `node` is another one.
 *
 * The facts are gathered by `currentInvocation` and decided by `decideInvocation`, a pure function.
 */
import {accessSync, constants, existsSync, readFileSync, realpathSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {isBundle} from './build-info.js';
import type {Invocation} from './printed.js';

export interface InvocationFacts {
	/** The script node was started with (process.argv[1]), absolute. */
	script: string;
	/** The clone's root when running from sources (it holds cli.tsx and bin/incident-tui.js). */
	sourceRoot?: string;
	/** Where the commands are printed: the shell's directory ($INIT_CWD under npm, else the cwd). */
	cwd: string;
	/** The PATH's `incident-tui`, symlinks followed; undefined when there is none. */
	onPath?: string;
	/** The PATH's `node`, symlinks followed. */
	nodeOnPath?: string;
	/** The node running now (process.execPath), symlinks followed. */
	execPath: string;
	/** Follows symlinks; returns the path as given when it does not exist. */
	realpath(file: string): string;
	/** The directory of the npm package `file` belongs to (the nearest package.json named incident-tui). */
	packageOf(file: string): string | undefined;
}

function inside(dir: string, file: string): boolean {
	const relative = path.relative(dir, file);
	return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** A path as printed for `cwd`: relative below it, absolute elsewhere. */
function shownPath(file: string, cwd: string): string {
	return inside(cwd, file) && file !== cwd ? path.relative(cwd, file) : file;
}

export function decideInvocation(facts: InvocationFacts): Invocation {
	const running = facts.realpath(facts.script);
	const home = facts.sourceRoot ?? facts.packageOf(running);
	if (facts.onPath) {
		const found = facts.realpath(facts.onPath);
		if (found === running || (home !== undefined && inside(home, found))) return {words: ['incident-tui']};
	}
	if (facts.sourceRoot && inside(facts.sourceRoot, facts.cwd)) return {words: ['npx', 'incident-tui']};
	const node = facts.nodeOnPath !== undefined && facts.realpath(facts.nodeOnPath) === facts.realpath(facts.execPath) ? 'node' : facts.execPath;
	// From sources the script may be cli.tsx (npm start runs it through tsx): the bin starts tsx itself.
	const script = facts.sourceRoot ? path.join(facts.sourceRoot, 'bin', 'incident-tui.js') : facts.script;
	return {words: [node, shownPath(script, facts.cwd)]};
}

/**
 * The directories npm puts before the PATH of what it runs (`npm start`, `npx`): each
 * node_modules/.bin up from the package, npx's own install of the package, node-gyp's bin. The
 * operator's shell has none of them, so what is found there is not on the PATH where commands are printed.
 */
export function addedByNpm(dir: string): boolean {
	return (path.basename(dir) === '.bin' && path.basename(path.dirname(dir)) === 'node_modules') || dir.endsWith(`${path.sep}node-gyp-bin`);
}

/** The first executable `name` in `$PATH`; under npm (`npm_command` set), not in the directories npm added. */
export function findOnPath(name: string, envPath = process.env.PATH ?? '', underNpm = Boolean(process.env.npm_command)): string | undefined {
	for (const dir of envPath.split(path.delimiter)) {
		if (!dir || (underNpm && addedByNpm(dir))) continue;
		const file = path.join(dir, name);
		try {
			accessSync(file, constants.X_OK);
			if (statSync(file).isFile()) return file;
		} catch {
			// not here
		}
	}
	return undefined;
}

function realpathOrSame(file: string): string {
	try {
		return realpathSync(file);
	} catch {
		return file;
	}
}

function packageOf(file: string): string | undefined {
	for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (existsSync(manifest)) {
			try {
				if ((JSON.parse(readFileSync(manifest, 'utf8')) as {name?: unknown}).name === 'incident-tui') return dir;
			} catch {
				// not ours
			}
		}
		if (path.dirname(dir) === dir) return undefined;
	}
}

/** The clone this module runs from, when it runs from sources (not from the single-file build). */
export function sourceRoot(): string | undefined {
	if (isBundle()) return undefined;
	const root = fileURLToPath(new URL('../../', import.meta.url));
	return existsSync(path.join(root, 'cli.tsx')) ? path.resolve(root) : undefined;
}

/** The directory the operator's shell is in: npm runs scripts (`npm start`) in the package's root and says where it was started in $INIT_CWD. */
export function printingDir(env: NodeJS.ProcessEnv = process.env): string {
	return env.INIT_CWD && path.isAbsolute(env.INIT_CWD) ? env.INIT_CWD : process.cwd();
}

/** A path the operator gave, for a printed command: as given, or absolute when it would mean another file from the printing directory. */
export function printedPath(value: string, env: NodeJS.ProcessEnv = process.env): string {
	const meant = path.resolve(value);
	return path.resolve(printingDir(env), value) === meant ? value : meant;
}

/** How this process was started, for commands printed now (see the module's comment). */
export function currentInvocation(env: NodeJS.ProcessEnv = process.env): Invocation {
	const cwd = printingDir(env);
	const root = sourceRoot();
	return decideInvocation({
		script: path.resolve(process.argv[1] ?? ''),
		...(root ? {sourceRoot: root} : {}),
		cwd,
		onPath: findOnPath('incident-tui', env.PATH, Boolean(env.npm_command)),
		nodeOnPath: findOnPath('node', env.PATH, Boolean(env.npm_command)),
		execPath: process.execPath,
		realpath: realpathOrSame,
		packageOf,
	});
}
