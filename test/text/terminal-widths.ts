import xterm from '@xterm/headless';
import unicode11 from '@xterm/addon-unicode11';

/**
 * What a terminal that measures one code point at a time draws: xterm.js with its Unicode 11 width
 * tables (as VS Code's terminal runs it; xterm, VTE and tmux measure the same way). The cockpit's
 * text must take the same columns there as string-width (Ink, and grapheme-joining terminals) says.
 */
export interface UnicodeProvider {
	wcwidth(codePoint: number): 0 | 1 | 2;
}

/** The Unicode 11 provider itself, taken from the addon as a terminal would register it. */
export function unicode11Provider(): UnicodeProvider {
	let provider: UnicodeProvider | undefined;
	new unicode11.Unicode11Addon().activate({unicode: {register: (registered: UnicodeProvider) => (provider = registered)}} as never);
	if (!provider) throw new Error('the Unicode 11 addon registered no provider');
	return provider;
}

/** A headless xterm.js terminal with Unicode 11 widths active. */
export function unicode11Terminal(columns: number, rows: number): InstanceType<typeof xterm.Terminal> {
	const terminal = new xterm.Terminal({cols: columns, rows, allowProposedApi: true, scrollback: 0, convertEol: true});
	terminal.loadAddon(new unicode11.Unicode11Addon());
	terminal.unicode.activeVersion = '11';
	return terminal;
}

/** The columns `text` advances the cursor in such a terminal (from column 0 of a wide enough line). */
export async function drawnWidth(terminal: InstanceType<typeof xterm.Terminal>, text: string): Promise<number> {
	terminal.reset();
	await new Promise<void>(resolve => terminal.write(text, resolve));
	return terminal.buffer.active.cursorX;
}
