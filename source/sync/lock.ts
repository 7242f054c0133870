import {mkdir, open, readFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {processAlive} from '../clients/process.js';

/**
 * One sync per journal on a host: two operators on one bastion share one journal (journal.ts), and
 * two syncs would append every pulled event twice. The lock is a file holding the owner's pid,
 * created exclusively; a lock whose process is gone (killed) is taken over.
 *
 * Hand-written: the lock-file packages we know of (proper-lockfile) judge a lock stale by an mtime
 * refreshed on a timer, so a killed cockpit's incident would wait for that timeout; a pid answers at
 * once on one host, which is all this lock covers. Two cockpits taking over the same stale lock in the
 * same instant could both win; the journal stays correct (ids are unique, readers keep one copy).
 */

export type LockResult = {held: true; release: () => Promise<void>} | {held: false; pid: number};

export async function acquireSyncLock(file: string): Promise<LockResult> {
	await mkdir(path.dirname(file), {recursive: true, mode: 0o700});
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const handle = await open(file, 'wx', 0o600);
			await handle.writeFile(`${process.pid}\n`);
			await handle.close();
			return {held: true, release: () => rm(file, {force: true})};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
		if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return {held: false, pid};
		// Its owner is gone (or the file is unreadable): take it over.
		await rm(file, {force: true});
	}
	return {held: false, pid: 0};
}
