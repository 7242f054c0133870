/**
 * Terminal modes the cockpit turns on while it runs, and puts back when it ends.
 * Bracketed paste (xterm's mode 2004, which tmux, VTE, iTerm2, kitty and Windows Terminal honour)
 * makes the terminal wrap pasted text in ESC[200~ … ESC[201~, so that a paste is text, never keys
 * (components/paste.ts); a terminal that does not know the mode ignores it.
 */
export const bracketedPasteOn = '\u001B[?2004h';
export const bracketedPasteOff = '\u001B[?2004l';

/**
 * Turns bracketed paste on (a TTY only); returns what turns it off, which also runs at the process's
 * exit should the cockpit end without unmounting, so the shell after it never gets marked pastes.
 */
export function enableBracketedPaste(stdout: NodeJS.WriteStream, proc: NodeJS.EventEmitter = process): () => void {
	if (!stdout.isTTY) return () => {};
	stdout.write(bracketedPasteOn);
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		proc.off('exit', restore);
		// After a hangup there is no terminal to put back.
		if (stdout.writable !== false && !stdout.destroyed) stdout.write(bracketedPasteOff);
	};
	proc.once('exit', restore);
	return restore;
}
