/**
 * Seeded randomness and mutations for the fuzz suite. Every case draws from a generator seeded by
 * (suite seed, case index) alone, so a failing case is reproduced from those two numbers.
 */

export type Random = () => number;

/** mulberry32: a tiny seeded PRNG. */
export function prng(seed: number): Random {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The generator of case `index` of a suite seeded with `seed`. */
export function caseRandom(seed: number, index: number): Random {
	return prng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

export const int = (random: Random, below: number): number => Math.floor(random() * below);
export const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

/** Bytes an attacker likes: controls (C0, DEL, C1), escapes, quotes, YAML and Markdown syntax, odd Unicode. */
export const NOISE = [
	'-', ':', ' ', '  ', '\t', '#', '`', '```', '{', '}', '[', ']', '"', "'", '*', '_', '~', '|', '>', '<', '{{', '}}', '1.', '- [ ]', '---', '$ ', '\n', '\r', '\r\n',
	'é', '\u0000', '\u001b[2J', '\u001b]52;c;aGk=\u0007', '\u0085', '\u009b', '\u007f', '\u200b', '\ufeff', '\ud800', '😀', '&a', '*a', '!!str', '!!binary', '? ', '%YAML 1.1',
	'\\', '\\"', 'NaN', '+Inf', '-1e308', '1e999', '0x1F', 'null', 'true', '__proto__', 'constructor',
];

/** 1-4 line-level edits of `text`: delete, duplicate, swap, insert noise, truncate, re-indent, cut, renumber. */
export function mutateLines(text: string, random: Random): string {
	let lines = text.split('\n');
	const at = () => int(random, Math.max(lines.length, 1));
	const operations = 1 + int(random, 4);
	for (let n = 0; n < operations; n++) {
		const i = at();
		const line = lines[i] ?? '';
		switch (int(random, 8)) {
			case 0:
				lines.splice(i, 1);
				break;
			case 1:
				lines.splice(i, 0, line);
				break;
			case 2: {
				const j = at();
				[lines[i], lines[j]] = [lines[j] ?? '', line];
				break;
			}
			case 3: {
				const cut = int(random, line.length + 1);
				lines[i] = line.slice(0, cut) + pick(random, NOISE) + line.slice(cut);
				break;
			}
			case 4:
				lines = lines.slice(0, at());
				break;
			case 5:
				lines[i] = random() < 0.5 ? `  ${line}` : line.replace(/^\s{1,2}/, '');
				break;
			case 6:
				lines[i] = line.slice(0, int(random, line.length));
				break;
			default:
				lines[i] = line.replace(/\d+/, String(int(random, 2e6) - 1e6));
		}
	}
	return lines.join('\n');
}

/** A random JSON value, at most `depth` deep. */
export function randomValue(random: Random, depth = 2): unknown {
	switch (int(random, depth > 0 ? 9 : 6)) {
		case 0:
			return null;
		case 1:
			return random() < 0.5;
		case 2:
			return pick(random, [0, -1, 1.5, 1e308, -1e-308, 2 ** 53 + 1, 1700000000]);
		case 3:
			return pick(random, ['', 'NaN', '+Inf', '-Inf', '1e999', 'abc', '0', '\u001b]52;c;aGk=\u0007', 'a'.repeat(1 + int(random, 5000)), '__proto__']);
		case 4:
			return pick(random, NOISE);
		case 5:
			return String(int(random, 1e9));
		case 6:
			return Array.from({length: int(random, 4)}, () => randomValue(random, depth - 1));
		case 7:
			return Object.fromEntries(Array.from({length: int(random, 4)}, () => [pick(random, ['name', 'status', 'value', 'metric', 'labels', 'items', 'metadata', '__proto__', 'x']), randomValue(random, depth - 1)]));
		default:
			return {};
	}
}

/**
 * 1-4 structural edits of a JSON value (a copy): replace a node with a random value, delete a key
 * or an element, duplicate an array's elements, or wrap a node in an array.
 */
export function mutateJson(value: unknown, random: Random): unknown {
	let root = structuredClone(value) as unknown;
	const operations = 1 + int(random, 4);
	for (let n = 0; n < operations; n++) {
		// Walk to a random node, remembering its parent.
		let parent: Record<string, unknown> | unknown[] | undefined;
		let key: string | number | undefined;
		let node = root;
		const steps = int(random, 6);
		for (let s = 0; s < steps; s++) {
			if (Array.isArray(node) && node.length > 0) {
				parent = node;
				key = int(random, node.length);
				node = node[key];
			} else if (node && typeof node === 'object' && Object.keys(node).length > 0) {
				parent = node as Record<string, unknown>;
				key = pick(random, Object.keys(node));
				node = (node as Record<string, unknown>)[key];
			} else break;
		}
		const set = (next: unknown) => {
			if (parent === undefined || key === undefined) root = next;
			else (parent as Record<string | number, unknown>)[key] = next;
		};
		switch (int(random, 5)) {
			case 0:
				set(randomValue(random));
				break;
			case 1:
				if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
				else if (parent && typeof key === 'string') delete (parent as Record<string, unknown>)[key];
				break;
			case 2:
				if (Array.isArray(node)) set(Array.from({length: 1 + int(random, 300)}, (_, i) => structuredClone(node[i % Math.max(node.length, 1)])));
				break;
			case 3:
				set([node]);
				break;
			default:
				set(typeof node === 'string' ? node + pick(random, NOISE) : String(node));
		}
	}
	return root;
}

/** JSON text of `value`, sometimes damaged as text: cut short, a byte inserted, or noise appended. */
export function jsonText(value: unknown, random: Random): string {
	const text = JSON.stringify(value) ?? 'null';
	switch (int(random, 10)) {
		case 0:
			return text.slice(0, int(random, text.length));
		case 1: {
			const at = int(random, text.length + 1);
			return text.slice(0, at) + pick(random, NOISE) + text.slice(at);
		}
		case 2:
			return `${text}\n${pick(random, ['<html>', 'garbage', '{}', '\u0000'])}`;
		default:
			return text;
	}
}
