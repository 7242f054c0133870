/** Stable identifiers for steps, queries and commands derived from their titles. */

export function slugify(text: string, maxLength = 48): string {
	const slug = text
		.normalize('NFKD')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return slug.slice(0, maxLength).replace(/-+$/, '');
}

/**
 * Hands out ids, suffixing -2, -3... when a base id was already taken. Each root remembers the
 * suffix it reached, so n steps with one title cost n look-ups, not n²/2 (a runbook of 3,000
 * "Check" items took seconds).
 */
export class IdAllocator {
	private readonly taken = new Set<string>();
	private readonly suffix = new Map<string, number>();

	constructor(existing: Iterable<string> = []) {
		for (const id of existing) this.taken.add(id);
	}

	reserve(id: string): void {
		this.taken.add(id);
	}

	has(id: string): boolean {
		return this.taken.has(id);
	}

	next(base: string, fallback: string): string {
		const root = base || fallback;
		let id = root;
		let n = this.suffix.get(root) ?? 2;
		if (this.taken.has(id)) {
			do id = `${root}-${n++}`;
			while (this.taken.has(id));
			this.suffix.set(root, n);
		}
		this.taken.add(id);
		return id;
	}
}
