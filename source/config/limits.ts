import {open} from 'node:fs/promises';
import {LocatedError} from './located-error.js';

export {yamlLimits} from './located-error.js';

/**
 * Limits on the files the cockpit reads (the config, runbooks), checked before anything parses
 * them. A parser's time and memory can grow faster than its input (a 10 MB config took ~10 s and
 * 1.3 GB to reject; see source/runbook/limits.ts for Markdown): past these limits the file gets a
 * located error at once. The README lists them. YAML's own limits (nesting, aliases) are checked
 * where YAML is parsed, in located-error.ts.
 */
export const fileLimits = {
	/** A config or a runbook: real ones are 1-20 KB. */
	bytes: 256 * 1024,
} as const;

function size(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The 1-based line holding byte `offset` of `bytes`. */
function lineAt(bytes: Uint8Array, offset: number): number {
	let line = 1;
	for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
	return line;
}

function tooBig(file: string, what: 'config' | 'runbook', head: Uint8Array, total: number, limit: number): LocatedError {
	const advice = what === 'config' ? `a config may be at most ${size(limit)}` : 'split it into smaller runbooks';
	return new LocatedError(file, lineAt(head, limit), undefined, undefined, `the ${what} passes ${size(limit)} on this line (it is ${size(total)}); ${advice}`);
}

/** Refuses text over `limit` bytes (UTF-8), at the line where it passes the limit. */
export function checkSize(text: string, file: string, what: 'config' | 'runbook', limit: number = fileLimits.bytes): void {
	// Every character takes at least one byte: most texts are decided without encoding them.
	if (text.length <= limit / 3) return;
	const bytes = Buffer.from(text, 'utf8');
	if (bytes.length > limit) throw tooBig(file, what, bytes, bytes.length, limit);
}

/**
 * Reads a text file, refusing one over `limit` bytes without reading past the limit (a FIFO or
 * /dev/zero named as a config ends too). Errors other than the size are the file system's own.
 */
export async function readLimitedText(file: string, what: 'config' | 'runbook', limit: number = fileLimits.bytes): Promise<string> {
	const handle = await open(file, 'r');
	try {
		const info = await handle.stat();
		const head = Buffer.alloc(limit + 1);
		let length = 0;
		while (length < head.length) {
			const {bytesRead} = await handle.read(head, length, head.length - length, null);
			if (bytesRead === 0) break;
			length += bytesRead;
		}
		if (length > limit) throw tooBig(file, what, head, info.isFile() ? Math.max(info.size, length) : length, limit);
		return head.subarray(0, length).toString('utf8');
	} finally {
		await handle.close();
	}
}
