/**
 * Values an earlier step's command computes for a later one: `CONTROLLERPOD=$(oc get pods …)` in
 * one block, `oc logs $CONTROLLERPOD` in the next. The cockpit runs the first script with a few
 * lines added that write the variables it sets to a file of the cockpit's own (named by the last
 * positional parameter, never by the text), so the values never pass through the command's output,
 * the screen or the timeline; then it reads the file.
 */

const NAME = /^[A-Za-z_]\w*$/;

/**
 * `script` (already bound: shell-bind.ts) followed by lines that write each of `names` and its
 * value to the file named by positional parameter `fileParam`, NUL-separated (a shell variable
 * cannot hold a NUL), keeping the script's exit status. A script that exits early captures nothing.
 */
export function captureScript(script: string, names: readonly string[], fileParam: number): string {
	for (const name of names) if (!NAME.test(name)) throw new Error(`cannot capture '${name}': not a shell variable name`);
	if (!Number.isInteger(fileParam) || fileParam < 1) throw new Error(`the capture file's parameter must be a positive number, not ${fileParam}`);
	if (names.length === 0) return script;
	const pairs = names.map(name => `${name} "\${${name}-}"`).join(' ');
	return `${script}\n__itui_status=$?\n{ printf '%s\\0' ${pairs}; } > "\${${fileParam}}"\nexit "$__itui_status"`;
}

/** The name/value pairs a captured file holds; names not given (or not set) are left out. */
export function readCapture(content: string, names: readonly string[]): Record<string, string> {
	const fields = content.split('\0');
	const out: Record<string, string> = {};
	for (let i = 0; i + 1 < fields.length; i += 2) {
		const name = fields[i]!;
		const value = fields[i + 1]!;
		if (names.includes(name) && value !== '') out[name] = value;
	}
	return out;
}
