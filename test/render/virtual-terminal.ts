import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import xterm from '@xterm/headless';

/**
 * A real terminal emulator (xterm.js, headless) behind a fake TTY stream, so a test can hand Ink's
 * output bytes to the same parser a user's terminal runs and read back what the screen shows.
 * Hand-writing an ANSI interpreter would only test our own reading of the escapes; xterm.js is what
 * VS Code and many web terminals use.
 */
export interface VirtualTerminal {
	/** Pass as Ink's `stdout`: a TTY with fixed columns and rows, every write goes to the emulator. */
	stdout: NodeJS.WriteStream;
	/** Pass as Ink's `stdin`: not a TTY, never emits keys. */
	stdin: NodeJS.ReadStream;
	/** Bytes written so far. */
	bytesWritten(): number;
	/** Everything written so far, escapes included. */
	written(): string;
	/** Resolves once the emulator has parsed everything written so far. */
	flush(): Promise<void>;
	/** Every row of the visible screen, right-trimmed. */
	screen(): Promise<string[]>;
	/** The foreground colour of a cell: its palette index (0-255), or -1 for the default colour. */
	foregroundAt(row: number, column: number): Promise<number>;
	/** Whether a cell is drawn inverse (a selected row), and its foreground (as `foregroundAt`). */
	cellAt(row: number, column: number): Promise<{inverse: boolean; bold: boolean; foreground: number}>;
	/** Whether the program turned bracketed paste on (ESC[?2004h) and not off again. */
	bracketedPaste(): Promise<boolean>;
	/** Resizes the emulator (which keeps, cuts or reflows what it shows, as terminals do) and tells Ink. */
	resize(columns: number, rows: number): Promise<void>;
	dispose(): void;
}

export function createVirtualTerminal(columns: number, initialRows: number): VirtualTerminal {
	let rows = initialRows;
	// convertEol: a real TTY's line discipline (termios ONLCR) turns '\n' into '\r\n' on the way out.
	const terminal = new xterm.Terminal({cols: columns, rows, allowProposedApi: true, scrollback: 0, convertEol: true});
	let bytes = 0;
	let written = '';
	const flush = () => new Promise<void>(resolve => terminal.write('', resolve));
	const stdout = Object.assign(new EventEmitter(), {
		isTTY: true,
		columns,
		rows,
		write(chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) {
			const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
			bytes += Buffer.byteLength(text);
			written += text;
			terminal.write(text);
			const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
			if (typeof done === 'function') done();
			return true;
		},
	});
	const stdin = Object.assign(new PassThrough(), {isTTY: false, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin});
	return {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		bytesWritten: () => bytes,
		written: () => written,
		flush,
		async screen() {
			await flush();
			const buffer = terminal.buffer.active;
			const lines: string[] = [];
			for (let y = 0; y < rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
			return lines;
		},
		async foregroundAt(row, column) {
			await flush();
			const buffer = terminal.buffer.active;
			const cell = buffer.getLine(buffer.viewportY + row)?.getCell(column);
			if (!cell || cell.isFgDefault()) return -1;
			return cell.getFgColor();
		},
		async cellAt(row, column) {
			await flush();
			const buffer = terminal.buffer.active;
			const cell = buffer.getLine(buffer.viewportY + row)?.getCell(column);
			if (!cell) return {inverse: false, bold: false, foreground: -1};
			return {inverse: cell.isInverse() !== 0, bold: cell.isBold() !== 0, foreground: cell.isFgDefault() ? -1 : cell.getFgColor()};
		},
		async bracketedPaste() {
			await flush();
			return terminal.modes.bracketedPasteMode;
		},
		async resize(newColumns, newRows) {
			await flush();
			terminal.resize(newColumns, newRows);
			rows = newRows;
			stdout.columns = newColumns;
			stdout.rows = newRows;
			stdout.emit('resize');
		},
		dispose: () => terminal.dispose(),
	};
}
