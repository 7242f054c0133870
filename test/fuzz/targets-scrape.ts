/**
 * Fuzz target for scrape bodies: the Prometheus text format parser the direct-scrape mode uses
 * (source/clients/scrape/series.ts parseExposition). A body gives samples with string labels and number
 * values, or an Error that says what is wrong; never a crash of our own (TypeError, RangeError).
 */
import {parseExposition} from '../../source/clients/scrape/series.js';
import {int, mutateLines, NOISE, pick, type Random} from './random.js';
import {FuzzFailure, isInternalError, type FuzzTarget} from './target.js';

const exposition = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{method="get",status="200"} 1027 1700000000000
http_requests_total{method="post",status="500",path="/a\\"b\\\\c\\n"} 3
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 24054
http_request_duration_seconds_bucket{le="0.5"} 33444
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.99"} NaN
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
process_resident_memory_bytes 2.5e+07
up{job="a"} 1
temperature -Inf
`;

function hostile(random: Random): string {
	const size = pick(random, [1_000, 50_000, 500_000]);
	switch (int(random, 10)) {
		case 0:
			return pick(random, ['null', '{"status":"success","data":{}}', '[]', '<html><body>502 Bad Gateway</body></html>', '', '\n\n\n', 'OK']);
		case 1:
			return Array.from({length: size / 40}, (_, i) => `series_${i % 97}{pod="p-${i}",zone="z${i % 3}"} ${i}.5`).join('\n');
		case 2:
			return `big{label="${'x'.repeat(size)}"} 1\n`;
		case 3:
			return `many{${Array.from({length: 1 + int(random, 5000)}, (_, i) => `l${i}="v"`).join(',')}} 1\n`;
		case 4:
			return `open{label="unterminated 1\nnext 2\n`;
		case 5:
			return `${'{'.repeat(1 + int(random, 10_000))}\n`;
		case 6:
			return Array.from({length: 1 + int(random, 2000)}, () => pick(random, NOISE)).join('');
		case 7:
			return exposition.replace(/\n/g, '\r\n');
		case 8:
			return `${'a'.repeat(size)} 1\n`;
		default:
			return Buffer.from(Array.from({length: 1 + int(random, 4000)}, () => int(random, 256))).toString('latin1');
	}
}

export const scrapeBodies: FuzzTarget<string> = {
	name: 'scrape bodies (Prometheus text format)',
	corpus: [exposition, 'null', '{"status":"success"}', '<html><body>502 Bad Gateway</body></html>', '', Array.from({length: 50_000}, (_, i) => `s{pod="p-${i}"} ${i}`).join('\n')],
	generate(random) {
		return random() < 0.1 ? hostile(random) : mutateLines(exposition, random);
	},
	async run(text) {
		let samples: ReturnType<typeof parseExposition>;
		try {
			samples = parseExposition(text, 'fuzz');
		} catch (error) {
			if (!(error instanceof Error) || isInternalError(error)) throw new FuzzFailure(`the parser crashed instead of refusing the body: ${(error as Error)?.stack ?? String(error)}`);
			return 'refused';
		}
		if (!Array.isArray(samples)) throw new FuzzFailure('the parser returned no list of samples');
		for (const sample of samples) {
			if (typeof sample.value !== 'number') throw new FuzzFailure(`a sample value that is not a number: ${JSON.stringify(sample).slice(0, 200)}`);
			if (!sample.labels || Object.values(sample.labels).some(v => typeof v !== 'string')) throw new FuzzFailure(`a sample with labels that are not strings: ${JSON.stringify(sample).slice(0, 200)}`);
		}
		return 'accepted';
	},
};
