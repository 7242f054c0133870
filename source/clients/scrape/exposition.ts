/**
 * The Prometheus text exposition format (version 0.0.4), read a line at a time.
 *
 * Written by hand rather than with parse-prometheus-text-format: that library takes the whole body
 * at once (450 000 series held as objects cost ~500 MB and seconds of a blocked event loop) and
 * accepts what is not the format at all (`null` became one sample of value 0, a JSON object zero
 * samples). Here each line is checked as Prometheus checks it, a line whose series is already known
 * is matched by its text without reading its labels again, and the caller decides how many lines
 * to read before it lets the event loop run (see ScrapeMetrics).
 */
import type {Labels} from '../../ports/metrics.js';

/** One sample line, its labels not yet read: `series` is the text naming it, `name{labels}`, its first `nameLength` characters the metric name. */
export interface SampleLine {
	series: string;
	nameLength: number;
	value: number;
	timestampMs?: number;
}

export class ExpositionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ExpositionError';
	}
}

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const decimal = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;
const timestamp = /^-?\d+$/;

// Character codes: the line is read with charCodeAt, a regular expression per character being the
// slowest part of a 450 000-line body.
const TAB = 9;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const BACKSLASH = 92;
const OPEN = 123;
const CLOSE = 125;

function isBlank(c: number): boolean {
	return c === SPACE || c === TAB;
}

function skipBlanks(text: string, from: number): number {
	let i = from;
	while (isBlank(text.charCodeAt(i))) i++;
	return i;
}

/** [a-zA-Z_:] */
function isNameStart(c: number): boolean {
	return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

/** [a-zA-Z0-9_:] */
function isNameChar(c: number): boolean {
	return isNameStart(c) || (c >= 48 && c <= 57);
}

/** A short, printable excerpt of a line for a message. */
function excerpt(line: string): string {
	const text = line.replace(/[^\x20-\x7e]/g, '?');
	return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** A sample value as Go's ParseFloat reads it: decimal, NaN, Inf with a sign or not (any case). */
export function sampleValue(text: string): number | undefined {
	if (decimal.test(text)) return Number(text);
	const lower = text.toLowerCase();
	if (lower === 'nan') return Number.NaN;
	if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Number.POSITIVE_INFINITY;
	if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
	return undefined;
}

/** Where the label set that starts at `open` (a `{`) ends: the index after its `}`. Quotes and escapes are honoured. */
function labelsEnd(line: string, open: number, end: number): number {
	let quoted = false;
	for (let i = open + 1; i < end; i++) {
		const c = line.charCodeAt(i);
		if (quoted) {
			if (c === BACKSLASH) i++;
			else if (c === QUOTE) quoted = false;
		} else if (c === QUOTE) quoted = true;
		else if (c === CLOSE) return i + 1;
	}
	throw new ExpositionError(`unclosed label set in "${excerpt(line)}"`);
}

/**
 * Reads one line: null for a blank line or a comment (`# HELP`, `# TYPE`), else its sample. Throws
 * an ExpositionError saying what is wrong with a line that is not the format.
 */
export function readLine(line: string): SampleLine | null {
	let end = line.length;
	if (end > 0 && line.charCodeAt(end - 1) === CR) end--;
	let i = 0;
	while (i < end && isBlank(line.charCodeAt(i))) i++;
	if (i === end || line.charCodeAt(i) === HASH) return null;
	const start = i;
	if (!isNameStart(line.charCodeAt(i))) throw new ExpositionError(`"${excerpt(line)}" does not start with a metric name`);
	i++;
	while (i < end && isNameChar(line.charCodeAt(i))) i++;
	const nameEnd = i;
	while (i < end && isBlank(line.charCodeAt(i))) i++;
	let seriesEnd = nameEnd;
	if (i < end && line.charCodeAt(i) === OPEN) {
		seriesEnd = labelsEnd(line, i, end);
		i = seriesEnd;
	}
	// The value, then an optional timestamp, and nothing else.
	while (i < end && isBlank(line.charCodeAt(i))) i++;
	const valueFrom = i;
	while (i < end && !isBlank(line.charCodeAt(i))) i++;
	const valueTo = i;
	while (i < end && isBlank(line.charCodeAt(i))) i++;
	const stampFrom = i;
	while (i < end && !isBlank(line.charCodeAt(i))) i++;
	const stampTo = i;
	while (i < end && isBlank(line.charCodeAt(i))) i++;
	if (valueFrom === valueTo) throw new ExpositionError(`no value after "${excerpt(line.slice(start, seriesEnd))}"`);
	if (i < end) throw new ExpositionError(`more than a value and a timestamp in "${excerpt(line)}"`);
	if (seriesEnd === nameEnd && nameEnd < end && !isBlank(line.charCodeAt(nameEnd))) {
		throw new ExpositionError(`"${excerpt(line)}" is not a metric name and a value`);
	}
	const valueText = line.slice(valueFrom, valueTo);
	const value = sampleValue(valueText);
	if (value === undefined) throw new ExpositionError(`"${excerpt(valueText)}" is not a sample value (in "${excerpt(line)}")`);
	const sample: SampleLine = {series: line.slice(start, seriesEnd), nameLength: nameEnd - start, value};
	if (stampFrom < stampTo) {
		const stamp = line.slice(stampFrom, stampTo);
		if (!timestamp.test(stamp)) throw new ExpositionError(`"${excerpt(stamp)}" is not a timestamp in ms (in "${excerpt(line)}")`);
		sample.timestampMs = Number(stamp);
	}
	return sample;
}

/** The labels of a sample's series text (`name{a="x",b="y"}`), with `__name__`. */
export function seriesLabels(sample: Pick<SampleLine, 'series' | 'nameLength'>): Labels {
	const text = sample.series;
	const labels: Labels = {__name__: text.slice(0, sample.nameLength)};
	const open = text.indexOf('{', sample.nameLength);
	if (open < 0) return labels;
	let i = open + 1;
	for (;;) {
		i = skipBlanks(text, i);
		if (text.charCodeAt(i) === CLOSE) break;
		const eq = text.indexOf('=', i);
		if (eq < 0) throw new ExpositionError(`a label without a value in "${excerpt(text)}"`);
		const key = text.slice(i, eq).trim();
		if (!labelName.test(key)) throw new ExpositionError(`"${excerpt(key)}" is not a label name (in "${excerpt(text)}")`);
		i = skipBlanks(text, eq + 1);
		if (text.charCodeAt(i) !== QUOTE) throw new ExpositionError(`the value of label ${key} is not quoted (in "${excerpt(text)}")`);
		const from = ++i;
		let escaped = false;
		while (i < text.length && text.charCodeAt(i) !== QUOTE) {
			if (text.charCodeAt(i) === BACKSLASH) {
				escaped = true;
				i++;
			}
			i++;
		}
		if (key in labels) throw new ExpositionError(`label ${key} appears twice (in "${excerpt(text)}")`);
		labels[key] = escaped ? unescape(text.slice(from, i), key, text) : text.slice(from, i);
		i = skipBlanks(text, i + 1);
		const next = text.charCodeAt(i);
		if (next === COMMA) i++;
		else if (next !== CLOSE) throw new ExpositionError(`expected "," or "}" after label ${key} (in "${excerpt(text)}")`);
	}
	return labels;
}

/** A label value's escapes: `\\`, `\"` and `\n`, nothing else. */
function unescape(raw: string, key: string, text: string): string {
	return raw.replace(/\\(.?)/g, (_, next: string) => {
		if (next === 'n') return '\n';
		if (next === '\\' || next === '"') return next;
		throw new ExpositionError(`unknown escape "\\${next}" in label ${key} (in "${excerpt(text)}")`);
	});
}
