/**
 * Masks secrets before anything reaches the journal (and the screen's output views).
 *
 * Hand-written: the secret-scanning libraries we know of (gitleaks, detect-secrets, trufflehog) are
 * Go/Python tools that find secrets in repositories; we need an in-process, synchronous text filter
 * that keeps the surrounding text readable ("password=[REDACTED]"), which is a short list of regexes.
 */

export type Redactor = (text: string) => string;

export const REDACTED = '[REDACTED]';

interface Rule {
	name: string;
	pattern: RegExp;
	replace: (match: string, ...groups: string[]) => string;
}

/** Key names whose values are secrets: the key must END with one of these words. */
const secretKeyWords = 'password|passwd|passphrase|pwd|token|secret|api[_-]?key|apikey|secret[_-]?key|access[_-]?key|private[_-]?key|credentials?|client[_-]?secret';
const secretKeyName = new RegExp(`^[A-Za-z0-9_.-]*?(?:${secretKeyWords})$`, 'i');

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
		pattern: new RegExp(String.raw`(--?(?:[A-Za-z0-9-]*?)(?:${secretKeyWords})\s+)(?!-)${valuePattern}`, 'gi'),
		replace: (_m, head: string, value: string) => `${head}${maskValue(value)}`,
	},
	{
		// password=..., "password": "...", DB_PASSWORD=..., token: ..., aws_secret_access_key = ...
		name: 'secret key/value',
		pattern: new RegExp(String.raw`((?:\\?["'])?\b[A-Za-z0-9_.-]*?(?:${secretKeyWords})(?:\\?["'])?\s*[:=]\s*)${valuePattern}`, 'gi'),
		replace: (_m, head: string, value: string) => `${head}${maskValue(value)}`,
	},
];

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
			out += text.slice(end, match.index! + match[0].length);
			last = match.index! + match[0].length;
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
		for (const rule of builtinRules) out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: any[]) => string);
		for (const pattern of extras) out = applyExtra(out, pattern);
		return out;
	};
}

/** Whether an object key names a secret (its string value is masked whole by redactDeep). */
export function isSecretKey(key: string): boolean {
	return secretKeyName.test(key);
}

/** Applies the redactor to every string in a JSON-like value; values under secret-named keys are masked whole. */
export function redactDeep<T>(value: T, redactor: Redactor): T {
	if (typeof value === 'string') return redactor(value) as T;
	if (Array.isArray(value)) return value.map(item => redactDeep(item, redactor)) as T;
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
			out[key] = typeof item === 'string' && item !== '' && isSecretKey(key) ? REDACTED : redactDeep(item, redactor);
		}
		return out as T;
	}
	return value;
}
