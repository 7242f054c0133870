import {readFile} from 'node:fs/promises';
import type {SyncConfig} from '../config/schema.js';
import {createRedactor, REDACTED, type Redactor} from '../timeline/redact.js';

/**
 * Where the shared incidents live, resolved from the config's `sync:` section: the connection string
 * (inline, from a file, or from an environment variable), TLS, and a name for it that holds no
 * password, for the status line and for errors.
 */
export interface SyncConnection {
	connectionString: string;
	/** `postgres://app@db.internal:5432/incidents`: what errors and the status line name (never the password). */
	label: string;
	/** Masks secrets in anything said about the connection: the config's redactor plus the password itself. */
	redact: Redactor;
	/** TLS settings from the config; absent: the connection string's `sslmode` decides. */
	tls?: {ca?: string; rejectUnauthorized: boolean};
	pollMs: number;
	timeoutMs: number;
}

/** The escaped text of `literal`, for a RegExp that matches it exactly. */
function escapeRegExp(literal: string): string {
	return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `postgres://user@host:port/db` of a connection string, without its password or its parameters. */
export function connectionLabel(connectionString: string): string {
	try {
		const url = new URL(connectionString);
		const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
		return `${url.protocol}//${user}${url.host}${url.pathname === '/' ? '' : url.pathname}`;
	} catch {
		return 'postgres://(a connection string that is not a URL)';
	}
}

function passwordOf(connectionString: string): string | undefined {
	try {
		const url = new URL(connectionString);
		return url.password ? decodeURIComponent(url.password) : undefined;
	} catch {
		return undefined;
	}
}

/** The connection string the config names: inline, or read from its file, or from its environment variable. */
async function connectionStringOf(postgres: SyncConfig['postgres'], env: NodeJS.ProcessEnv): Promise<string> {
	if (typeof postgres === 'string') return postgres;
	if ('env' in postgres) {
		const value = env[postgres.env]?.trim();
		if (!value) throw new Error(`sync.postgres: the environment variable ${postgres.env} is not set; set it to the connection string (postgres://user:password@host:5432/db)`);
		return value;
	}
	let text: string;
	try {
		text = await readFile(postgres.file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new Error(`sync.postgres: cannot read the connection string from ${postgres.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(error))}`);
	}
	const value = text.trim();
	if (!value) throw new Error(`sync.postgres: ${postgres.file} is empty; write the connection string in it (postgres://user:password@host:5432/db)`);
	return value;
}

/**
 * Resolves the config's `sync:` section. `redact` is the config's redactor; the password is added to
 * it, so an error that quotes the connection string (or the password alone) never shows it.
 */
export async function resolveSyncConnection(sync: SyncConfig, options: {redact?: Redactor; env?: NodeJS.ProcessEnv} = {}): Promise<SyncConnection> {
	const base = options.redact ?? createRedactor();
	const connectionString = await connectionStringOf(sync.postgres, options.env ?? process.env);
	if (!/^postgres(ql)?:\/\//.test(connectionString)) {
		const where = typeof sync.postgres === 'string' ? 'sync.postgres' : 'env' in sync.postgres ? `$${sync.postgres.env}` : sync.postgres.file;
		throw new Error(`sync.postgres: ${where} does not hold a connection string starting with postgres:// or postgresql://`);
	}
	const password = passwordOf(connectionString);
	const literal = password ? new RegExp(escapeRegExp(password), 'g') : undefined;
	const encoded = password && encodeURIComponent(password) !== password ? new RegExp(escapeRegExp(encodeURIComponent(password)), 'g') : undefined;
	const redact: Redactor = text => {
		let out = base(text);
		if (literal) out = out.replace(literal, REDACTED);
		if (encoded) out = out.replace(encoded, REDACTED);
		return out;
	};
	const tls = sync.ca !== undefined || sync.insecureSkipVerify ? {ca: sync.ca ? await readCa(sync.ca) : undefined, rejectUnauthorized: !sync.insecureSkipVerify} : undefined;
	return {connectionString, label: connectionLabel(connectionString), redact, tls, pollMs: sync.pollMs, timeoutMs: sync.timeoutMs};
}

async function readCa(file: string): Promise<string> {
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		throw new Error(`sync.ca: cannot read the CA bundle ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
}

/**
 * An error from the database or the network as the status line and the CLI say it: which database
 * (never its password), what went wrong, and what to do where that is known.
 */
export function describeSyncError(error: unknown, connection: Pick<SyncConnection, 'label' | 'redact'>): string {
	const e = error as {message?: string; code?: string};
	const message = e.message || String(error);
	const hint =
		message.includes('README')
			? ''
			: e.code === '42501'
			? ': the database user lacks a grant; the README lists the ones the cockpit needs (CREATE on first use, then INSERT and SELECT on incidents and incident_events)'
			: e.code === '28P01' || e.code === '28000'
				? ': check the user and password in the connection string'
				: e.code === '3D000'
					? ': create the database, or name another in the connection string'
					: '';
	const network = e.code && /^E[A-Z]+$/.test(e.code) && !message.includes(e.code) ? ` (${e.code})` : '';
	return connection.redact(`${connection.label}: ${message}${network}${hint}`);
}
