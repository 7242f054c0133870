import {randomBytes} from 'node:crypto';
import os from 'node:os';

// Crockford-style base32 without ambiguous letters (i, l, o, u): readable when spoken over a call.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Uint8Array, length: number): string {
	let out = '';
	let bits = 0;
	let value = 0;
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5 && out.length < length) {
			out += alphabet[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
		value &= (1 << bits) - 1;
	}
	return out;
}

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

/**
 * `inc-20261122-0304-ab12`: UTC date and minute (so ids sort by opening time and read at a glance),
 * plus 4 random base32 characters (about a million values) so two incidents opened in the same
 * minute, even on two machines, do not collide.
 */
export function newIncidentId(now: Date = new Date()): string {
	const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
	const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`;
	return `inc-${date}-${time}-${base32(randomBytes(3), 4)}`;
}

/** A short random event id: 12 base32 characters, 60 bits. */
export function newEventId(): string {
	return base32(randomBytes(8), 12);
}

/** `user@host`, the author recorded on every event. */
export function author(env: NodeJS.ProcessEnv = process.env): string {
	let user: string | undefined;
	try {
		user = os.userInfo().username;
	} catch {
		// No passwd entry (some containers): fall back to the environment.
	}
	user ||= env['USER'] || env['LOGNAME'] || 'unknown';
	let host = 'localhost';
	try {
		host = os.hostname() || host;
	} catch {
		// keep the fallback
	}
	return `${user}@${host.split('.')[0]}`;
}
