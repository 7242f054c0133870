/**
 * One copy of each repeated string a row keeps. Every watch event is parsed anew, so without this
 * each of 50,000 rows would hold its own copy of its namespace, node, deployment, phase, reasons and
 * creation second (and each deployment row its images), though a cluster has a few hundred of each.
 * Written by hand: a Map from a string to its first copy is all it takes. Bounded: past `max`
 * distinct strings it starts again (rows keep the copies they have; only sharing is lost).
 */
export class Interner {
	private readonly strings = new Map<string, string>();

	constructor(private readonly max = 100_000) {}

	/** The first copy of `value` seen (itself the first time). */
	get(value: string): string {
		const known = this.strings.get(value);
		if (known !== undefined) return known;
		if (this.strings.size >= this.max) this.strings.clear();
		this.strings.set(value, value);
		return value;
	}

	/** `value` interned, or undefined as it is. */
	maybe(value: string | undefined): string | undefined {
		return value === undefined ? undefined : this.get(value);
	}
}
