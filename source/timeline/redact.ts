/**
 * Masks secrets in everything the cockpit shows, stores, exports and prints: the journal (every
 * event's data), the screen (the store's messages, bodies, labels, output and log lines, details),
 * the post-mortem and `status`. A PEM private key is masked across lines, also when its lines come
 * one at a time (createLineRedactor).
 *
 * Hand-written: the secret-scanning libraries we know of (gitleaks, detect-secrets, trufflehog) are
 * Go/Python tools that find secrets in repositories; we need an in-process, synchronous text filter
 * that keeps the surrounding text readable ("password=[REDACTED]"), which is a short list of regexes.
 */

import {cleanDeep, cleanMultiline} from '../text/clean.js';

export type Redactor = (text: string) => string;

export const REDACTED = '[REDACTED]';

interface Rule {
	name: string;
	pattern: RegExp;
	replace: (match: string, ...groups: string[]) => string;
}

/**
 * Key names whose values are secrets: the key must END with one of these words. A kubeconfig's
 * `client-key-data` and `client-certificate-data` (base64 of the user's key and certificate) are
 * among them; so is a cookie.
 */
const secretKeyWords = 'password|passwd|passphrase|pwd|token|secret|api[_-]?key|apikey|secret[_-]?key|access[_-]?key|private[_-]?key|credentials?|client[_-]?secret|client[_-]?key[_-]?data|client[_-]?certificate[_-]?data|cookie';
const secretKeyName = new RegExp(`^[A-Za-z0-9_.-]*?(?:${secretKeyWords})$`, 'i');
// Key names are bounded (64 characters before the word): an unbounded lazy prefix tried every
// length at every word boundary, quadratic in a long word (a 100 KB note without spaces).
const keyPrefix = '[A-Za-z0-9_.-]{0,64}?';

/**
 * What a secret's name may be followed by that holds no secret: a shell substitution, bare or in
 * double quotes (`DB_PASSWORD=$(kubectl get secret …)`, `TOKEN="${FROM_VAULT}"`), which says where the
 * secret comes from. Masking it hid a runbook's command from the engineer who had to run it.
 */
const notAValue = String.raw`(?!"?\$[({])`;

/** A quoted or bare value after `key=` / `key:`. */
const valuePattern = String.raw`("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\\"(?:(?!\\")[^\n])*\\"|[^\s,;&"'{}<>\[\]]+|\[REDACTED\])`;

function maskValue(value: string): string {
	if (value.startsWith('\\"')) return `\\"${REDACTED}\\"`;
	if (value.startsWith('"')) return `"${REDACTED}"`;
	if (value.startsWith("'")) return `'${REDACTED}'`;
	return REDACTED;
}

const builtinRules: Rule[] = [
	{
		// Whole PEM private key blocks; also a block cut off by output capping (no END line).
		name: 'private key',
		pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
		replace: (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`,
	},
	{
		// The end of a key block whose BEGIN line was cut off (an output excerpt, a log tail).
		name: 'private key end',
		pattern: /(?:^[A-Za-z0-9+/=]{16,}\r?\n)+(?=-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)/gm,
		replace: () => `${REDACTED}\n`,
	},
	{
		// A line of a PEM body on its own (64 base64 characters): a key printed from its middle.
		name: 'pem body line',
		pattern: /^[A-Za-z0-9+/]{64}$/gm,
		replace: () => REDACTED,
	},
	{
		// Base64 of a PEM block ("-----BEGIN ..."), as kubeconfigs and Secrets hold keys and certificates, wherever it stands.
		name: 'base64 pem',
		pattern: /LS0tLS1CRUdJTi[A-Za-z0-9+/=]*/g,
		replace: () => REDACTED,
	},
	{
		// A Slack incoming webhook: the path is the credential.
		name: 'slack webhook',
		pattern: /\b(hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_/-]+/g,
		replace: (_m, head: string) => `${head}${REDACTED}`,
	},
	{
		// Cookie and Set-Cookie headers: every cookie of the line (a key/value rule would stop at the first `;`).
		name: 'cookie header',
		pattern: /\b((?:set-)?cookie\s*:\s*)(?!\[REDACTED\])[^\r\n"]+/gi,
		replace: (_m, head: string) => `${head}${REDACTED}`,
	},
	{
		name: 'jwt',
		pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
		replace: () => REDACTED,
	},
	{
		name: 'github token',
		pattern: /\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}/g,
		replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
	},
	{
		name: 'slack token',
		pattern: /\b(xox[baprs]-)[A-Za-z0-9-]{10,}/g,
		replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
	},
	{
		// Access key ids are not secret on their own, but they identify the credential; keep the prefix.
		name: 'aws access key id',
		pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g,
		replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
	},
	{
		// scheme://user:password@host for any scheme: postgres, mysql, mongodb+srv, redis, amqp, https...
		name: 'url credentials',
		pattern: /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^:/?#@\s]*):([^@/?#\s]+)@/g,
		replace: (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`,
	},
	{
		name: 'authorization header',
		pattern: /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest|negotiate|apikey)\s+)?([^\s,;"']+)/gi,
		replace: (_m, head: string, scheme: string | undefined) => `${head}${scheme ? `${scheme} ` : ''}${REDACTED}`,
	},
	{
		// A bare bearer token; short words ("bearer of bad news") are left alone.
		name: 'bearer token',
		pattern: /\b(bearer\s+)(?!\[REDACTED\])([A-Za-z0-9\-._~+/]{8,}=*)/gi,
		replace: (_m, head: string) => `${head}${REDACTED}`,
	},
	{
		// --password value, -p is too ambiguous to guess.
		name: 'secret flag',
		pattern: new RegExp(String.raw`(--?(?:[A-Za-z0-9-]{0,64}?)(?:${secretKeyWords})\s+)(?!-)${notAValue}${valuePattern}`, 'gi'),
		replace: (_m, head: string, value: string) => `${head}${maskValue(value)}`,
	},
	{
		// password=..., "password": "...", DB_PASSWORD=..., token: ..., aws_secret_access_key = ...
		name: 'secret key/value',
		pattern: new RegExp(String.raw`((?:\\?["'])?\b${keyPrefix}(?:${secretKeyWords})(?:\\?["'])?\s*[:=]\s*)${notAValue}${valuePattern}`, 'gi'),
		replace: (_m, head: string, value: string) => `${head}${maskValue(value)}`,
	},
	{
		// An AWS secret access key with no name beside it: 40 characters of base64 (letters of both
		// cases and a digit, / or +) standing alone. A git hash (hex, one case) is not one.
		name: 'aws secret key',
		pattern: /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
		replace: () => REDACTED,
	},
];

/**
 * What any built-in rule needs somewhere in a text: most text (pod names, numbers, ordinary log
 * lines) has none of it and is returned after this one test.
 */
const mayHoldSecret = new RegExp(String.raw`BEGIN|PRIVATE KEY|eyJ|gh[pousr]_|github_pat_|xox[baprs]-|AKIA|ASIA|:\/\/|authoriz|bearer|cookie|hooks\.slack|LS0tLS1|[A-Za-z0-9/+]{40}|${secretKeyWords}`, 'i');

function compileExtra(source: string): RegExp {
	try {
		return new RegExp(source, 'gd');
	} catch (error) {
		throw new Error(`invalid redaction pattern ${JSON.stringify(source)} in the config's 'redact' list: ${(error as Error).message}`);
	}
}

/** Masks the whole match, or only the first capture group when the pattern has one. */
function applyExtra(text: string, pattern: RegExp): string {
	let out = '';
	let last = 0;
	for (const match of text.matchAll(pattern)) {
		if (match[0] === '') continue;
		const group = match.indices?.[1];
		const [start, end] = group ?? match.indices![0]!;
		out += text.slice(last, start) + REDACTED;
		last = end;
		if (group) {
			out += text.slice(end, match.index + match[0].length);
			last = match.index + match[0].length;
		}
	}
	return out + text.slice(last);
}

/**
 * Builds a redactor from the built-in rules plus the config's `redact` patterns (JavaScript regex
 * source; if a pattern has a capture group only that group is masked). Throws naming a bad pattern.
 */
export function createRedactor(extraPatterns: string[] = []): Redactor {
	const extras = extraPatterns.map(compileExtra);
	return (text: string): string => {
		if (!text) return text;
		let out = text;
		if (mayHoldSecret.test(text)) for (const rule of builtinRules) out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: unknown[]) => string);
		for (const pattern of extras) out = applyExtra(out, pattern);
		return out;
	};
}

const beginKey = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/;
const endKey = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/**
 * Masks text that comes a line at a time (a followed log, a command's output as it streams): each
 * line as `redact` masks it, and every line of a PEM private key between its BEGIN line and its END
 * line, which the text rules cannot see whole in one line.
 */
export function createLineRedactor(redact: Redactor): Redactor {
	const state = {inKey: false};
	return function redactLine(line: string): string {
		if (state.inKey) {
			const end = endKey.exec(line);
			if (!end) return REDACTED;
			state.inKey = false;
			return `${REDACTED}${end[0]}${redact(line.slice(end.index + end[0].length))}`;
		}
		const begin = beginKey.exec(line);
		if (begin && !endKey.test(line.slice(begin.index))) state.inKey = true;
		return redact(line);
	};
}

/** Lines masked as createLineRedactor masks them, in order. */
export function redactLines(lines: readonly string[], redact: Redactor): string[] {
	const redactLine = createLineRedactor(redact);
	return lines.map(redactLine);
}

/**
 * Outside text as it may be shown, stored, exported or printed: control characters made visible
 * (text/clean.ts; line breaks kept) and secrets masked.
 */
export function scrubText(text: string, redact: Redactor): string {
	return redact(cleanMultiline(text));
}

/** `scrubText` over every string of a JSON-like value (redactDeep's secret-named keys included). */
export function scrubDeep<T>(value: T, redact: Redactor): T {
	return redactDeep(cleanDeep(value, {multiline: true}), redact);
}

/** Whether an object key names a secret (its string value is masked whole by redactDeep). */
export function isSecretKey(key: string): boolean {
	return secretKeyName.test(key);
}

/** Applies the redactor to every string in a JSON-like value; values under secret-named keys are masked whole. */
export function redactDeep<T>(value: T, redactor: Redactor): T {
	if (typeof value === 'string') return redactor(value) as T;
	if (Array.isArray(value)) return (value as unknown[]).map(item => redactDeep(item, redactor)) as T;
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
			out[key] = typeof item === 'string' && item !== '' && isSecretKey(key) ? REDACTED : redactDeep(item, redactor);
		}
		return out as T;
	}
	return value;
}
