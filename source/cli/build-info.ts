/**
 * What `--version` says: the package's version and the commit the program was built from. The
 * single-file build carries the commit git gave at build time (scripts/build.mjs defines
 * `__INCIDENT_TUI_BUILD__`); running from a clone's sources, it is the clone's HEAD, asked of git
 * when `--version` is asked. `unknown` when neither knows (built outside a git checkout, no git).
 */
import {spawnSync} from 'node:child_process';
import {realpathSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

declare const __INCIDENT_TUI_BUILD__: {commit: string} | undefined;

export function isBundle(): boolean {
	return typeof __INCIDENT_TUI_BUILD__ !== 'undefined';
}

/**
 * HEAD of the git checkout whose top is `dir`, with `-dirty` when tracked files changed; undefined
 * when `dir` is not the top of a checkout (sources unpacked inside another repository are not it).
 */
export function gitCommit(dir: string): string | undefined {
	const git = (...args: string[]) => spawnSync('git', ['-C', dir, ...args], {encoding: 'utf8', timeout: 5000});
	const head = git('rev-parse', '--show-toplevel', '--short=12', 'HEAD');
	const [top, commit] = head.stdout.trim().split('\n');
	if (head.status !== 0 || !top || !commit || !/^[0-9a-f]{7,40}$/.test(commit) || !sameDir(top, dir)) return undefined;
	const changes = git('status', '--porcelain', '--untracked-files=no');
	return `${commit}${changes.status === 0 && changes.stdout.trim() ? '-dirty' : ''}`;
}

function sameDir(a: string, b: string): boolean {
	try {
		return realpathSync(a) === realpathSync(b);
	} catch {
		return false;
	}
}

/** The commit this program was built from, or `unknown`. */
export function buildCommit(): string {
	if (typeof __INCIDENT_TUI_BUILD__ !== 'undefined') return __INCIDENT_TUI_BUILD__.commit;
	return gitCommit(path.resolve(fileURLToPath(new URL('../../', import.meta.url)))) ?? 'unknown';
}

/** The line `--version` prints: `0.1.0 (commit 3cb9c4a5d6e7)`. */
export function versionLine(version: string, commit: string): string {
	return `${version} (commit ${commit})`;
}
