/** Stable identifiers for steps, queries and commands derived from their titles. */

export function slugify(text: string, maxLength = 48): string {
	const slug = text
		.normalize('NFKD')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return slug.slice(0, maxLength).replace(/-+$/, '');
}

/** Hands out ids, suffixing -2, -3... when a base id was already taken. */
export class IdAllocator {
	private readonly taken = new Set<string>();

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
		for (let n = 2; this.taken.has(id); n++) id = `${root}-${n}`;
		this.taken.add(id);
		return id;
	}
}
