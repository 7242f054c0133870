/**
 * Numbers, times and tones as the cockpit shows them: a value in its unit, a sparkline, an age. Every
 * formatter returns text, or text plus a tone; the theme maps tones to colours (or to symbols).
 */

/** A formatter's verdict; the theme maps tones to colours, or to symbols when colour is off. */
export type Tone = 'ok' | 'warn' | 'crit' | 'muted' | 'info';

/** A series' labels, name to value. */
type Labels = Readonly<Record<string, string>>;

/**
 * How a value is drawn in a unit: scaled (multiplied by `times` or divided by `per`), rounded to
 * `digits` decimals, then `suffix`.
 */
interface Shape {
	times?: number;
	per?: number;
	digits: number;
	suffix: string;
}

function scale(value: number, shape: Shape): number {
	return shape.times ? value * shape.times : shape.per ? value / shape.per : value;
}

/** The value a scaled number stands for (to grade what is shown). */
function unscale(scaled: number, shape: Shape): number {
	return shape.times ? scaled / shape.times : shape.per ? scaled * shape.per : scaled;
}

function shapeOf(value: number, unit: string): Shape {
	switch (unit) {
		case 'ratio':
			return {times: 100, digits: value * 100 < 10 ? 2 : 1, suffix: '%'};
		case 'percent':
			return {digits: value < 10 ? 2 : 1, suffix: '%'};
		case 'seconds':
		case 's':
			return Math.abs(value) < 1 ? {times: 1000, digits: value * 1000 < 10 ? 1 : 0, suffix: ' ms'} : {digits: 2, suffix: ' s'};
		case 'ms':
			return Math.abs(value) >= 1000 ? {per: 1000, digits: 2, suffix: ' s'} : {digits: value < 10 ? 1 : 0, suffix: ' ms'};
		case 'bytes':
			return bytesShape(value);
		case 'rps':
			return compactShape(value, '/s');
		case '':
		case 'count':
			return compactShape(value, '');
		default:
			return compactShape(value, ` ${unit}`);
	}
}

function compactShape(value: number, unit: string): Shape {
	const abs = Math.abs(value);
	if (abs >= 1e9) return {per: 1e9, digits: 1, suffix: `G${unit}`};
	if (abs >= 1e6) return {per: 1e6, digits: 1, suffix: `M${unit}`};
	if (abs >= 1e4) return {per: 1e3, digits: 1, suffix: `k${unit}`};
	return {digits: abs < 1 ? 3 : abs < 100 ? 2 : 0, suffix: unit};
}

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

function bytesShape(value: number): Shape {
	let v = value;
	let i = 0;
	while (Math.abs(v) >= 1024 && i < byteUnits.length - 1) {
		v /= 1024;
		i++;
	}
	return {per: 1024 ** i, digits: v < 10 && i > 0 ? 1 : 0, suffix: ` ${byteUnits[i]}`};
}

/** At most this many decimals more than a unit's usual, to keep a value on its side of a threshold. */
const extraDigits = 6;

/**
 * Formats a metric value with its unit, compactly, for a narrow pane. With `thresholds`, the value
 * shown is rounded so that it reads the way it is graded: 0.0499 against a critical 5% is graded a
 * warning, so it reads `4.99%`, not `5%` (more decimals, as many as it takes, then rounding toward
 * the value's own side of the threshold).
 */
export function formatValue(value: number | null | undefined, unit = '', thresholds?: Thresholds): string {
	if (value === null || value === undefined || Number.isNaN(value)) return '—';
	if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
	const shape = shapeOf(value, unit);
	const scaled = scale(value, shape);
	const text = (digits: number, round: (x: number) => number = x => x) => `${trim(round(scaled), digits)}${shape.suffix}`;
	if (!thresholds || (thresholds.warn === undefined && thresholds.critical === undefined)) return text(shape.digits);
	const grade = toneFor(value, thresholds);
	let digits = shape.digits;
	for (; digits <= shape.digits + extraDigits; digits++) {
		if (toneFor(unscale(Number(scaled.toFixed(digits)), shape), thresholds) === grade) return text(digits);
	}
	// Still across a threshold: cut toward the value, so the text stays on its side.
	digits = shape.digits + extraDigits;
	const step = 10 ** digits;
	const roundedUp = Number(scaled.toFixed(digits)) > scaled;
	return text(digits, x => (roundedUp ? Math.floor(x * step) : Math.ceil(x * step)) / step);
}

function trim(value: number, digits: number): string {
	return Number(value.toFixed(digits)).toString();
}

export interface Thresholds {
	warn?: number;
	critical?: number;
	/** 'above' (default): higher is worse. 'below': lower is worse (availability, ready replicas). */
	direction?: 'above' | 'below';
}

/** ok / warn / crit for a value against its thresholds; muted when there is no value. */
export function toneFor(value: number | null | undefined, t: Thresholds): Tone {
	if (value === null || value === undefined || Number.isNaN(value)) return 'muted';
	const worse = t.direction === 'below' ? (a: number, b: number) => a <= b : (a: number, b: number) => a >= b;
	if (t.critical !== undefined && worse(value, t.critical)) return 'crit';
	if (t.warn !== undefined && worse(value, t.warn)) return 'warn';
	return 'ok';
}

const toneRank: Record<Tone, number> = {muted: 0, info: 0, ok: 1, warn: 2, crit: 3};

/** The worst of several tones (for a row made of several series, or a pane title). */
export function worstTone(tones: Iterable<Tone>): Tone {
	let worst: Tone = 'muted';
	for (const tone of tones) if (toneRank[tone] > toneRank[worst]) worst = tone;
	return worst;
}

export function toneLevel(tone: Tone): 'ok' | 'warn' | 'crit' | 'unknown' {
	return tone === 'ok' || tone === 'warn' || tone === 'crit' ? tone : 'unknown';
}

const bars = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of the last `width` values. With a `ceiling` (the warning threshold of a query that
 * alarms when it goes above), the scale runs from 0 to the higher of the threshold and the values:
 * values far under the threshold stay low bars. Without it, an error ratio back to 0.2% after a
 * rollback was drawn as full bars once the spike left the window, being the highest of what was
 * left. Without a ceiling, the scale is the values' own min to max (from at most half the max,
 * when all are positive).
 */
export function sparkline(values: readonly number[], width: number, ceiling?: number): string {
	const recent = values.slice(-width).filter(v => Number.isFinite(v));
	if (recent.length === 0) return '';
	let min = Math.min(...recent);
	let max = Math.max(...recent);
	if (ceiling !== undefined && Number.isFinite(ceiling) && ceiling > 0) {
		min = Math.min(0, min);
		max = Math.max(max, ceiling);
	} else if (min > 0 && min / max > 0.5) min = Math.min(min, max * 0.5);
	const span = max - min;
	return recent.map(v => bars[span === 0 ? 0 : Math.min(bars.length - 1, Math.floor(((v - min) / span) * (bars.length - 1) + 0.5))]).join('');
}

/** Labels shortened for a row: drops labels every series shares (job, instance, __name__). */
export function shortLabels(labels: Labels, shared: ReadonlySet<string> = new Set()): string {
	return Object.entries(labels)
		.filter(([k]) => k !== '__name__' && !shared.has(k))
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

/** Label names whose value is the same across all series (hidden in rows). */
export function sharedLabelNames(all: readonly Labels[]): Set<string> {
	const shared = new Set<string>();
	if (all.length < 2) return new Set(all[0] ? Object.keys(all[0]).filter(k => k === 'job' || k === 'instance') : []);
	for (const key of Object.keys(all[0]!)) if (all.every(l => l[key] === all[0]![key])) shared.add(key);
	return shared;
}

/**
 * "4s", "3m12s", "2h05m", "3d4h": the age of data or of an incident. Seconds are shown only under
 * ten minutes, where they matter; the screen's clock ticks every few seconds.
 */
export function formatAge(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 60) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 10) return `${m}m${String(s % 60).padStart(2, '0')}s`;
	if (m < 60) return `${m}m`;
	const h = Math.floor(m / 60);
	if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
	return `${Math.floor(h / 24)}d${h % 24}h`;
}

/** "30 s", "5 m", "2 m 30 s", "1 h", "1 h 15 m": a length of time in a sentence (a window, a range). */
export function formatSpan(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	if (s < 60) return `${s} s`;
	if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} m ${s % 60} s` : `${s / 60} m`;
	const m = Math.floor(s / 60);
	return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} m` : `${m / 60} h`;
}

/** "03:04:05", UTC (the timeline's clock), from ms since the epoch. */
export function formatClock(ms: number): string {
	return new Date(ms).toISOString().slice(11, 19);
}

/** The time left to a done-when tick, "1:05" (minutes, then seconds; never below 0:00). */
export function formatCountdown(ms: number): string {
	const seconds = Math.max(0, Math.ceil(ms / 1000));
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
