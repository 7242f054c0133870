import {closeSync, openSync} from 'node:fs';
import {isatty} from 'node:tty';

/**
 * The terminal can go away under the cockpit: the SSH connection to the bastion drops, or the tmux
 * session it runs in is killed. The kernel then sends SIGHUP, and every later read or write of the
 * terminal fails with EIO. Two things turned that into a crash (a core-dumping abort, with the
 * journal not closed):
 *
 * - Ink's unmount writes to stdout (it shows the cursor again), and nothing listened for the
 *   stream's 'error', so the EIO became an uncaught exception.
 * - Even a clean exit ends in node's ResetStdio, which puts back the terminal settings it saw at
 *   start with tcsetattr, and node 20 asserts that this succeeds (it lets only EPERM through).
 *
 * `watchTerminal` calls `onGone` once, on SIGHUP or on the first error of stdin, stdout or stderr,
 * and from then on ignores their errors. `detachTerminal` points the standard descriptors that were
 * terminals at /dev/null, so node's exit finds no terminal to restore (it skips a descriptor that
 * no longer names the file it saw at start).
 */
export interface TerminalWatch {
	/** Whether the terminal has gone. */
	gone(): boolean;
	/** Stops listening (the error listeners stay: a write after this must still not crash). */
	dispose(): void;
}

/** Exit status after a hangup, as a shell reports a process that SIGHUP ended (128 + 1). */
export const hangupExitCode = 129;

/** Which of stdin, stdout and stderr are terminals; read at start, as node does. */
const terminalFds = [0, 1, 2].filter(fd => isatty(fd));

export function watchTerminal(onGone: () => void, proc: NodeJS.Process = process): TerminalWatch {
	let gone = false;
	const hangUp = () => {
		if (gone) return;
		gone = true;
		onGone();
	};
	for (const stream of [proc.stdin, proc.stdout, proc.stderr]) stream.on('error', hangUp);
	proc.on('SIGHUP', hangUp);
	return {
		gone: () => gone,
		dispose: () => proc.off('SIGHUP', hangUp),
	};
}

/**
 * Replaces each standard descriptor that was a terminal at start with /dev/null. Only for the
 * moment before exit: the streams on them are not told. (A hung-up terminal can no longer be asked
 * whether it is one, isatty fails with EIO, so the list is the one read at start.)
 */
export function detachTerminal(fds: readonly number[] = terminalFds): void {
	for (const fd of fds) {
		try {
			closeSync(fd);
			// open() takes the lowest free descriptor: the one just closed, as 0..fd-1 are open.
			const reopened = openSync('/dev/null', fd === 0 ? 'r' : 'w');
			if (reopened !== fd) closeSync(reopened);
		} catch {
			// Nothing better to do on the way out.
		}
	}
}
