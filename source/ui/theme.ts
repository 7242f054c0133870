import type {Tone} from '../text/format.js';

/**
 * Tones map to colours, and to symbols as well, so that state survives NO_COLOR and 16-colour
 * terminals over SSH: a critical value is never distinguishable by colour alone.
 */
export interface Theme {
	color: boolean;
	colorOf(tone: Tone): string | undefined;
	symbolOf(tone: Tone): string;
	accent: string | undefined;
	border: string | undefined;
	focusBorder: string | undefined;
}

const colours: Record<Tone, string> = {ok: 'green', warn: 'yellow', crit: 'red', muted: 'gray', info: 'cyan'};
const symbols: Record<Tone, string> = {ok: '✓', warn: '!', crit: '✗', muted: '·', info: '•'};

export function createTheme(options: {color: boolean}): Theme {
	const {color} = options;
	return {
		color,
		colorOf: tone => (color ? colours[tone] : undefined),
		symbolOf: tone => symbols[tone],
		accent: color ? 'cyan' : undefined,
		border: color ? 'gray' : undefined,
		focusBorder: color ? 'cyan' : undefined,
	};
}

/** NO_COLOR set to a non-empty value turns colour off, as https://no-color.org asks. */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
	return !env.NO_COLOR;
}
