import chalk from 'chalk';
import type {Tone} from '../text/format.js';

/** Styles a cell's text (ANSI): a colour and bold, or nothing. */
export type Painter = (text: string) => string;

/**
 * Tones map to colours, and to symbols as well, so that state survives NO_COLOR, TERM=dumb and
 * 16-colour terminals over SSH: a critical value is never distinguishable by colour alone.
 */
export interface Theme {
	/** Colours are drawn (not NO_COLOR, and the terminal has colours). */
	color: boolean;
	/**
	 * Each row and summary also carries its tone's symbol (✓ ! ✗) and the selected row a marker: with
	 * colour off, and on 16-colour terminals, whose few colours (and, with TERM=dumb, no inverse) do
	 * not tell states apart reliably.
	 */
	symbols: boolean;
	colorOf(tone: Tone): string | undefined;
	symbolOf(tone: Tone): string;
	accent: string | undefined;
	border: string | undefined;
	focusBorder: string | undefined;
	/** The painter for a colour (a chalk name) and bold, made once per theme. */
	painter(color: string | undefined, bold: boolean): Painter;
	/**
	 * Rows drawn as one pre-styled string each, kept per row object (ui/components/row-line.tsx):
	 * this theme's (one per cockpit), not the process's.
	 */
	readonly rowTexts: WeakMap<object, {key: string; text: string}>;
}

/** A chalk chain for a colour and bold: the identity when neither. */
function makePainter(color: string | undefined, bold: boolean): Painter {
	let chain = chalk;
	if (color) chain = (chain as unknown as Record<string, typeof chalk>)[color] ?? chain;
	if (bold) chain = chain.bold;
	return color || bold ? (text: string) => chain(text) : (text: string) => text;
}

const colours: Record<Tone, string> = {ok: 'green', warn: 'yellow', crit: 'red', muted: 'gray', info: 'cyan'};
const symbols: Record<Tone, string> = {ok: '✓', warn: '!', crit: '✗', muted: '·', info: '•'};

/** `symbols` defaults to `!color`. */
export function createTheme(options: {color: boolean; symbols?: boolean}): Theme {
	const {color} = options;
	const painters = new Map<string, Painter>();
	return {
		color,
		symbols: options.symbols ?? !color,
		colorOf: tone => (color ? colours[tone] : undefined),
		symbolOf: tone => symbols[tone],
		accent: color ? 'cyan' : undefined,
		border: color ? 'gray' : undefined,
		focusBorder: color ? 'cyan' : undefined,
		painter(tint, bold) {
			const key = `${tint ?? ''}:${bold}`;
			let paint = painters.get(key);
			if (!paint) painters.set(key, (paint = makePainter(tint, bold)));
			return paint;
		},
		rowTexts: new WeakMap(),
	};
}

/** NO_COLOR set to a non-empty value turns colour off, as https://no-color.org asks. */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
	return !env.NO_COLOR;
}

/**
 * The theme for a terminal: `level` is the colour support chalk (which draws Ink's styles) found
 * for it (0: none, as with TERM=dumb; 1: 16 colours; 2: 256; 3: true colour). Colours are drawn when
 * the terminal has them and NO_COLOR is not set; symbols are shown unless 256 colours or more are.
 */
export function themeFromEnv(env: NodeJS.ProcessEnv, level: number): Theme {
	const color = colorFromEnv(env) && level > 0;
	return createTheme({color, symbols: !color || level < 2});
}
