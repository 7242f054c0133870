/**
 * Memoized derivations that belong to one store: the rows a pane shows are built once per data
 * change, and kept for that store alone (two cockpits, or two tests, never share a cache). A store
 * has one RowCache (`store.cache`, made by createIncidentStore); a function is memoized by asking
 * the cache for its memoized form, keyed by the function itself.
 */
export class RowCache {
	readonly #memos = new Map<unknown, (...args: never[]) => unknown>();
	readonly #weak = new Map<unknown, WeakMap<object, unknown>>();

	/** `fn` remembering its last result for this store: recomputed only when an argument is a different object. */
	memo<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
		let memoized = this.#memos.get(fn) as ((...args: A) => R) | undefined;
		if (!memoized) {
			memoized = lastResult(fn);
			this.#memos.set(fn, memoized);
		}
		return memoized;
	}

	/** This store's WeakMap for `owner` (a kind's per-object cache: a row per pod). */
	weak<K extends object, V>(owner: unknown): WeakMap<K, V> {
		let map = this.#weak.get(owner);
		if (!map) this.#weak.set(owner, (map = new WeakMap()));
		return map as WeakMap<K, V>;
	}
}

/** Remembers the last result: recomputes only when an argument is a different object. */
function lastResult<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
	let lastArgs: A | undefined;
	let last: R;
	return (...args: A) => {
		if (lastArgs && lastArgs.length === args.length && lastArgs.every((a, i) => Object.is(a, args[i]))) return last;
		lastArgs = args;
		last = fn(...args);
		return last;
	};
}
