import {ExpositionError, readLine, seriesLabels, type SampleLine} from './exposition.js';
import {labelsKey, type Series, type TargetRecord} from './series.js';

/**
 * One scrape's body read into the window, a slice at a time: nothing changes in the window until
 * `commit`, so a scrape cut short (its deadline, the cockpit stopping) leaves no half of itself.
 */
export class ScrapeRead {
	private pos = 0;
	/** Lines read so far. */
	lines = 0;
	// This scrape's samples, in the order read, as three lists (one object a sample was most of the garbage).
	private readonly read: Series[] = [];
	private readonly times: number[] = [];
	private readonly values: number[] = [];
	/** This scrape's series by their text (the record's next `byText`). */
	readonly byText = new Map<string, Series>();
	/** Series this scrape brings that the window does not have yet, by key. */
	readonly fresh = new Map<string, Series>();
	dropped = 0;

	constructor(
		private readonly record: TargetRecord,
		private readonly text: string,
		private readonly atMs: number,
		private readonly window: ReadonlyMap<string, Series>,
		private readonly maxSeries: number,
	) {}

	/** Reads lines for about `budgetMs`; true once the whole body is read. */
	step(budgetMs: number): boolean {
		const until = performance.now() + budgetMs;
		const text = this.text;
		while (this.pos < text.length) {
			let end = text.indexOf('\n', this.pos);
			if (end < 0) end = text.length;
			const raw = text.slice(this.pos, end);
			this.pos = end + 1;
			this.lines++;
			try {
				const sample = readLine(raw);
				const series = sample && this.seriesFor(sample);
				if (series) {
					this.read.push(series);
					this.times.push(sample.timestampMs ?? this.atMs);
					this.values.push(sample.value);
				}
			} catch (error) {
				if (!(error instanceof ExpositionError)) throw error;
				throw new ExpositionError(`not the Prometheus text format: line ${this.lines}: ${error.message}`);
			}
			if ((this.lines & 511) === 0 && performance.now() >= until) return this.pos >= text.length;
		}
		return true;
	}

	private seriesFor(sample: SampleLine): Series | undefined {
		const known = this.byText.get(sample.series) ?? this.record.byText.get(sample.series);
		if (known) {
			this.byText.set(sample.series, known);
			return known;
		}
		// A series new to this target. Past the limit it is counted, not read: reading the labels of
		// 400 000 lines a scrape only to drop them is what froze the screen.
		if (this.window.size + this.fresh.size >= this.maxSeries) {
			this.dropped++;
			return undefined;
		}
		const labels = seriesLabels(sample);
		labels.job ??= this.record.target.name;
		labels.instance ??= this.record.instance;
		const key = labelsKey(labels);
		let series = this.window.get(key) ?? this.fresh.get(key);
		if (!series) {
			series = {key, labels, target: this.record.target.name, samples: []};
			this.fresh.set(key, series);
		}
		this.byText.set(sample.series, series);
		return series;
	}

	/** The samples, in the order read, for the window. */
	each(fn: (series: Series, t: number, v: number) => void): void {
		for (let i = 0; i < this.read.length; i++) fn(this.read[i]!, this.times[i]!, this.values[i]!);
	}
}
