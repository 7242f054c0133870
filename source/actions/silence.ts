/**
 * Silencing alerts in Alertmanager, as actions: `silence` creates one (POST /api/v2/silences) from
 * the form the Alerts pane's key opens, `expire-silence` ends one (DELETE /api/v2/silence/{id}).
 * Both are dangerous (read-only mode refuses them): a silence stops the pages others rely on.
 *
 * A silence is written as the operator writes it in amtool: its matchers on one line
 * (`alertname="HighErrorRate", service=~"check.*"`: = != =~ !~), its duration ("1h", "90m",
 * "1h30m", "2d"). The parser is written by hand: the grammar is these four operators and quoted
 * values, and amtool's own parser is Go.
 */
import {createSilence, expireSilence} from '../clients/alertmanager.js';
import type {Matcher} from '../clients/alertmanager.js';
import {displayUrl} from '../clients/http.js';
import {Endpoint} from '../clients/prometheus.js';
import type {Config} from '../config/schema.js';
import type {Labels} from '../ports/metrics.js';
import type {ActionContext, ActionDef, ActionOutcome, ActionRequest, ValuesContext} from './types.js';

const operators: ReadonlyArray<[string, Pick<Matcher, 'isRegex' | 'isEqual'>]> = [
	['=~', {isRegex: true, isEqual: true}],
	['!~', {isRegex: true, isEqual: false}],
	['!=', {isRegex: false, isEqual: false}],
	['=', {isRegex: false, isEqual: true}],
];

function operatorOf(matcher: Pick<Matcher, 'isRegex' | 'isEqual'>): string {
	return operators.find(([, flags]) => flags.isRegex === matcher.isRegex && flags.isEqual === matcher.isEqual)![0];
}

/** `name="value"` per matcher, joined by ", " (the value quoted as JSON, so a quote or comma in it stays one value). */
export function matchersText(matchers: readonly Matcher[]): string {
	return matchers.map(m => `${m.name}${operatorOf(m)}${JSON.stringify(m.value)}`).join(', ');
}

/** The matchers that silence exactly this alert: every label of it, equal. */
export function alertMatchers(labels: Labels): Matcher[] {
	return Object.entries(labels)
		.sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a < b ? -1 : a > b ? 1 : 0))
		.map(([name, value]) => ({name, value, isRegex: false, isEqual: true}));
}

const matcherPattern = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,"\s]+)\s*(,|$)/;

/** The matchers written on one line; a message naming what is wrong (and where) when they cannot be read. */
export function parseMatchers(text: string): Matcher[] | string {
	const matchers: Matcher[] = [];
	let rest = text.trim();
	while (rest) {
		const found = matcherPattern.exec(rest);
		if (!found) return `cannot read the matchers at “${rest.slice(0, 30)}”: write name="value", separated by commas (=, !=, =~, !~)`;
		const [whole, name, op, raw] = found;
		let value: string;
		try {
			value = raw!.startsWith('"') ? (JSON.parse(raw!) as string) : raw!;
		} catch {
			return `cannot read the value ${raw} of ${name}: quote it as "value"`;
		}
		if (op!.includes('~')) {
			try {
				new RegExp(`^(?:${value})$`);
			} catch {
				return `${name}${op}"${value}" is not a valid regular expression`;
			}
		}
		matchers.push({name: name!, value, ...operators.find(([o]) => o === op)![1]});
		rest = rest.slice(whole.length).trim();
	}
	if (matchers.length === 0) return 'a silence needs at least one matcher (name="value")';
	// Alertmanager refuses a silence that every alert matches (all matchers match the empty string).
	if (matchers.every(m => matchesEmpty(m))) return 'these matchers would silence every alert: give one that names a value (alertname="…")';
	return matchers;
}

function matchesEmpty(matcher: Matcher): boolean {
	const equal = matcher.isRegex ? new RegExp(`^(?:${matcher.value})$`).test('') : matcher.value === '';
	return matcher.isEqual ? equal : !equal;
}

const unitMs: Record<string, number> = {m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000};

/** "1h", "90m", "1h30m", "2d" in milliseconds; a message when it is not one (or not between a minute and 90 days). */
export function parseDuration(text: string): number | string {
	const trimmed = text.trim().toLowerCase();
	if (!/^(\d+[mhdw])+$/.test(trimmed)) return `cannot read the duration “${text}”: write it as 30m, 1h, 1h30m or 2d`;
	let ms = 0;
	for (const [, n, unit] of trimmed.matchAll(/(\d+)([mhdw])/g)) ms += Number(n) * unitMs[unit!]!;
	if (ms < 60_000) return 'a silence lasts at least a minute';
	if (ms > 90 * 86_400_000) return 'a silence from the cockpit lasts at most 90 days';
	return ms;
}

/** "1h30m": a duration in the form parseDuration reads. */
export function durationText(ms: number): string {
	const days = Math.floor(ms / 86_400_000);
	const hours = Math.floor((ms % 86_400_000) / 3_600_000);
	const minutes = Math.round((ms % 3_600_000) / 60_000);
	return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${minutes || (!days && !hours) ? `${minutes}m` : ''}`;
}

/** How long a silence request may take. */
const silenceTimeoutMs = 15_000;

/** The configured Alertmanager's URL, credentials removed: what a confirmation names. */
function alertmanagerShown(config: Config): string {
	return config.alertmanager ? displayUrl(new Endpoint(config.alertmanager, 'Alertmanager').urlFor('')) : '';
}

/** `--name=value`, single-quoted for a POSIX shell when it needs it: the amtool line the confirmation shows. */
function shellWord(text: string): string {
	return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The silence form's values (matchers, duration, comment) as a request to confirm; a message
 * (`field: why`) when one cannot be read, so the form opens again on that field.
 */
function silenceFromValues(values: Readonly<Record<string, string>>, ctx: ValuesContext): ActionRequest | string {
	if (!ctx.config.alertmanager) return 'no Alertmanager is configured (alertmanager.url in the config): silences are made there';
	const matchers = parseMatchers(values.matchers ?? '');
	if (typeof matchers === 'string') return `matchers: ${matchers}`;
	const durationMs = parseDuration(values.duration ?? '');
	if (typeof durationMs === 'string') return `duration: ${durationMs}`;
	const comment = (values.comment ?? '').trim();
	if (!comment) return 'comment: say why it is silenced (Alertmanager keeps it with the silence, for whoever is paged next)';
	const url = alertmanagerShown(ctx.config);
	const createdBy = ctx.env.author ?? 'incident-tui';
	const until = new Date(ctx.now() + durationMs).toISOString().slice(0, 16).replace('T', ' ');
	const shown = matchersText(matchers);
	return {
		id: ctx.newId(),
		kind: 'silence',
		title: silenceAction.title,
		dangerous: silenceAction.dangerous,
		target: {context: '', namespace: '', object: `alertmanager ${url}`},
		change: `silence ${shown} for ${durationText(durationMs)} (until about ${until} UTC)`,
		details: [
			`Alertmanager ${url}`,
			`matchers     ${shown}`,
			`by           ${createdBy}`,
			`comment      ${comment}`,
			`amtool silence add --alertmanager.url=${shellWord(url)} --duration=${durationText(durationMs)} --author=${shellWord(createdBy)} --comment=${shellWord(comment)} ${matchers.map(m => shellWord(matchersText([m]))).join(' ')}`,
		],
		warnings: [],
		timeoutMs: silenceTimeoutMs,
		params: {kind: 'silence', matchers, durationMs, comment, createdBy},
	};
}

/** POST /api/v2/silences: from now for the duration confirmed; the outcome names its id and end, which the timeline records. */
async function runSilence(request: ActionRequest, ctx: ActionContext): Promise<ActionOutcome> {
	const params = request.params;
	if (params.kind !== 'silence') throw new Error(`not a silence: ${request.kind}`);
	const alertmanager = ctx.config?.alertmanager;
	if (!alertmanager) throw new Error('no Alertmanager is configured (alertmanager.url in the config)');
	const startsAt = new Date();
	const endsAt = new Date(startsAt.getTime() + params.durationMs).toISOString();
	const id = await createSilence(alertmanager, {matchers: params.matchers, startsAt: startsAt.toISOString(), endsAt, createdBy: params.createdBy, comment: params.comment}, ctx.signal);
	return {summary: `silence ${id} of ${matchersText(params.matchers)} until ${endsAt}`};
}

export const silenceAction = {
	kind: 'silence' as const,
	title: 'Silence in Alertmanager',
	dangerous: true,
	fromValues: silenceFromValues,
	run: runSilence,
} satisfies ActionDef;

/** The silence to expire (`id`, and its matchers as the Alerts pane shows them, for the confirmation). */
function expireFromValues(values: Readonly<Record<string, string>>, ctx: ValuesContext): ActionRequest | string {
	if (!ctx.config.alertmanager) return 'no Alertmanager is configured (alertmanager.url in the config)';
	const id = (values.id ?? '').trim();
	if (!id) return 'no silence to expire';
	const url = alertmanagerShown(ctx.config);
	return {
		id: ctx.newId(),
		kind: 'expire-silence',
		title: expireSilenceAction.title,
		dangerous: expireSilenceAction.dangerous,
		target: {context: '', namespace: '', object: `alertmanager ${url}`},
		change: `expire silence ${id}${values.matchers ? ` (${values.matchers})` : ''}: the alerts it silences notify again`,
		details: [`Alertmanager ${url}`, `amtool silence expire --alertmanager.url=${shellWord(url)} ${shellWord(id)}`],
		warnings: [],
		timeoutMs: silenceTimeoutMs,
		params: {kind: 'expire-silence', silenceId: id},
	};
}

/** DELETE /api/v2/silence/{id}. */
async function runExpire(request: ActionRequest, ctx: ActionContext): Promise<ActionOutcome> {
	const params = request.params;
	if (params.kind !== 'expire-silence') throw new Error(`not a silence expiry: ${request.kind}`);
	const alertmanager = ctx.config?.alertmanager;
	if (!alertmanager) throw new Error('no Alertmanager is configured (alertmanager.url in the config)');
	await expireSilence(alertmanager, params.silenceId, ctx.signal);
	return {summary: `silence ${params.silenceId} expired`};
}

export const expireSilenceAction = {
	kind: 'expire-silence' as const,
	title: 'Expire silence',
	dangerous: true,
	fromValues: expireFromValues,
	run: runExpire,
} satisfies ActionDef;
