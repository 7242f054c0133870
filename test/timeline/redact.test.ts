import {describe, expect, it} from 'vitest';
import {createRedactor, redactDeep, redactLines, REDACTED, scrubDeep, scrubText} from '../../source/timeline/redact.js';
import {pemKey, secretCases} from '../support/secrets.js';

const redact = createRedactor();

// Fake credentials, assembled at runtime so that secret scanners do not flag this file.
const ghp = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const jwt = 'eyJhbGciOiJIUzI1NiJ9' + '.eyJzdWIiOiIxMjM0NTY3ODkwIn0' + '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const akia = 'AKIA' + 'IOSFODNN7EXAMPLE';
const slack = 'xoxb-' + '1234567890-abcdefghij';

const examples: Array<[string, string, string]> = [
	['authorization header', 'Authorization: Bearer abc.def.ghi123', `Authorization: Bearer ${REDACTED}`],
	['authorization basic', 'authorization: Basic dXNlcjpwYXNz', `authorization: Basic ${REDACTED}`],
	['curl -H', `curl -H 'Authorization: Bearer s3cr3tT0ken' https://x`, `curl -H 'Authorization: Bearer ${REDACTED}' https://x`],
	['bare bearer', 'sent Bearer 0123456789abcdef to api', `sent Bearer ${REDACTED} to api`],
	['password=', 'login password=hunter2 ok', `login password=${REDACTED} ok`],
	['PASSWORD env', 'export DB_PASSWORD=hunter2', `export DB_PASSWORD=${REDACTED}`],
	['passwd', 'passwd: s3cret', `passwd: ${REDACTED}`],
	['pwd=', 'Server=db;Uid=sa;Pwd=Pa55w0rd;', `Server=db;Uid=sa;Pwd=${REDACTED};`],
	['token query', 'GET /hook?token=abc123&x=1', `GET /hook?token=${REDACTED}&x=1`],
	['secret=', 'client_secret=xyz789', `client_secret=${REDACTED}`],
	['api_key', 'api_key=K-123', `api_key=${REDACTED}`],
	['apikey', 'APIKEY: zzz', `APIKEY: ${REDACTED}`],
	['x-api-key header', 'X-Api-Key: 9f8e7d', `X-Api-Key: ${REDACTED}`],
	['json password', '{"user":"bob","password":"hunter 2"}', `{"user":"bob","password":"${REDACTED}"}`],
	['json with spaces', '{"token" : "abc"}', `{"token" : "${REDACTED}"}`],
	['escaped json', String.raw`{\"password\":\"hunter2\"}`, String.raw`{\"password\":\"${REDACTED}\"}`],
	['yaml', "  password: 'p@ss word'", `  password: '${REDACTED}'`],
	['flag with space', 'mysql --password hunter2 -h db', `mysql --password ${REDACTED} -h db`],
	['flag with =', 'tool --api-key=abc123', `tool --api-key=${REDACTED}`],
	['url userinfo', 'fetch https://admin:hunter2@example.com/x', `fetch https://admin:${REDACTED}@example.com/x`],
	['postgres', 'postgres://app:p4ss@db:5432/app', `postgres://app:${REDACTED}@db:5432/app`],
	['postgresql', 'postgresql://app:p4ss@db/app?sslmode=require', `postgresql://app:${REDACTED}@db/app?sslmode=require`],
	['mysql', 'mysql://root:toor@10.0.0.1/db', `mysql://root:${REDACTED}@10.0.0.1/db`],
	['mongodb+srv', 'mongodb+srv://u:p%40ss@cluster0.x.net/db', `mongodb+srv://u:${REDACTED}@cluster0.x.net/db`],
	['redis no user', 'redis://:sekrit@cache:6379/0', `redis://:${REDACTED}@cache:6379/0`],
	['amqp', 'amqp://guest:guest@rabbit:5672/', `amqp://guest:${REDACTED}@rabbit:5672/`],
	['aws access key id', `key ${akia} used`, `key AKIA${REDACTED} used`],
	['aws secret', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `aws_secret_access_key = ${REDACTED}`],
	['aws env', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG', `AWS_SECRET_ACCESS_KEY=${REDACTED}`],
	['github token', `token ${ghp}`, `token ghp_${REDACTED}`],
	['github pat', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', `github_pat_${REDACTED}`],
	['slack', `hook ${slack}`, `hook xoxb-${REDACTED}`],
	['jwt', `cookie ${jwt};`, `cookie ${REDACTED};`],
	['pem', 'a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\nb', `a\n-----BEGIN RSA PRIVATE KEY-----${REDACTED}-----END RSA PRIVATE KEY-----\nb`],
	['pem cut off', 'x -----BEGIN PRIVATE KEY-----\nMIIEv', `x -----BEGIN PRIVATE KEY-----${REDACTED}-----END PRIVATE KEY-----`],
];

const nonExamples: Array<[string, string]> = [
	['plain log line', 'GET /api/orders 200 12ms'],
	['prose about passwords', 'password reset flow completed for 3 users'],
	['bearer of news', 'the bearer of bad news'],
	['token bucket', 'token bucket refilled'],
	['url without password', 'https://user@example.com/path and http://example.com:8080/x'],
	['kubectl', 'kubectl -n shop rollout undo deployment/api --to-revision=2'],
	['promql', 'sum(rate(http_requests_total{code=~"5.."}[5m]))'],
	['short AKIA-like', 'AKIA123'],
	['ghp too short', 'ghp_abc'],
	['eyJ alone', 'eyJhbGciOi'],
	['pem public key', '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----'],
	['already redacted', `password=${REDACTED}`],
	['empty', ''],
];

describe('createRedactor', () => {
	it.each(examples)('masks %s', (_name, input, expected) => {
		expect(redact(input)).toBe(expected);
	});
	it.each(nonExamples)('leaves %s alone', (_name, input) => {
		expect(redact(input)).toBe(input);
	});
	it.each(examples)('is idempotent on %s', (_name, input) => {
		expect(redact(redact(input))).toBe(redact(input));
	});
	it('masks several secrets on one line', () => {
		expect(redact('password=a token=b https://u:c@h')).toBe(`password=${REDACTED} token=${REDACTED} https://u:${REDACTED}@h`);
	});

	it('leaves a shell substitution after a secret name as it is: it names where the secret comes from, and holds none', () => {
		// A runbook's `DB_PASSWORD=$(printf …)` was shown as `DB_PASSWORD=[REDACTED] …)`.
		expect(redact('DB_PASSWORD=$(printf %s "$X") psql')).toBe('DB_PASSWORD=$(printf %s "$X") psql');
		expect(redact('export API_TOKEN=${TOKEN_FROM_VAULT}')).toBe('export API_TOKEN=${TOKEN_FROM_VAULT}');
		expect(redact('mysql --password $(cat /run/secrets/db)')).toBe('mysql --password $(cat /run/secrets/db)');
		expect(redact('PGPASSWORD="$(kubectl get secret db -o jsonpath={.data.pw})"')).toBe('PGPASSWORD="$(kubectl get secret db -o jsonpath={.data.pw})"');
		// A value written out is still masked, whatever it begins with; in single quotes `$(` is no substitution.
		expect(redact('DB_PASSWORD=$ecret-1')).toBe(`DB_PASSWORD=${REDACTED}`);
		expect(redact("DB_PASSWORD='$(literal'")).toBe(`DB_PASSWORD='${REDACTED}'`);
	});

	it('applies configured patterns: whole match, or only the first group', () => {
		const custom = createRedactor(['CUST-[0-9]{6}', 'session=([a-f0-9]+)']);
		expect(custom('order CUST-123456 done')).toBe(`order ${REDACTED} done`);
		expect(custom('session=deadbeef; path=/')).toBe(`session=${REDACTED}; path=/`);
		expect(custom('CUST-000001 CUST-000002')).toBe(`${REDACTED} ${REDACTED}`);
	});
	it('names an invalid configured pattern', () => {
		expect(() => createRedactor(['ok', '([unclosed'])).toThrow(/invalid redaction pattern "\(\[unclosed".*redact/);
	});
	it('ignores a configured pattern that matches the empty string', () => {
		expect(createRedactor(['x*'])('abc')).toBe('abc');
	});
});

describe('redactDeep', () => {
	it('redacts every string value and masks values under secret-named keys', () => {
		const input = {
			text: 'password=hunter2',
			nested: {list: ['ok', `Bearer ${'z'.repeat(20)}`], apiToken: 'plain-looking', count: 3, flag: true, nothing: null},
		};
		expect(redactDeep(input, redact)).toEqual({
			text: `password=${REDACTED}`,
			nested: {list: ['ok', `Bearer ${REDACTED}`], apiToken: REDACTED, count: 3, flag: true, nothing: null},
		});
		expect(input.text).toBe('password=hunter2');
	});
});

describe('every secret kind, whole and line by line', () => {
	it('masks each kind in a text', () => {
		for (const {name, text, needles} of secretCases()) {
			const out = redact(text);
			for (const needle of needles) expect(out, `${name}: ${out}`).not.toContain(needle);
		}
	});

	it('masks each kind when its lines come one at a time (a followed log, streamed output)', () => {
		for (const {name, text, needles} of secretCases()) {
			const out = redactLines(['before', ...text.split('\n'), 'after'], redact);
			for (const needle of needles) expect(out.join('\n'), name).not.toContain(needle);
			expect(out.at(-1), name).toBe('after');
		}
	});

	it('masks the end of a key whose BEGIN line was cut off, and a body line seen alone', () => {
		const key = pemKey('CUTBODYMARKER').split('\n');
		expect(redact(['… 4000 characters cut …', ...key.slice(2)].join('\n'))).not.toContain('CUTBODYMARKER');
		expect(redactLines(key.slice(1, 3), redact).join('\n')).not.toContain('CUTBODYMARKER');
	});

	it('leaves ordinary text alone: names, hashes, numbers, prose', () => {
		for (const text of ['checkout-6d5dbb8967-r7j9w', 'commit 3f786850e387550fdab836ed7e6dc881de23001b', 'p95 latency 123 ms', 'the bearer of bad news', 'sha256:' + 'ab'.repeat(32)]) {
			expect(redact(text)).toBe(text);
		}
	});

	it('takes time linear in a long word (a 200 KB note without spaces)', () => {
		const calls = [20_000, 200_000].map(length => {
			const started = process.cpuUsage();
			redact(`${'x'.repeat(length)}password`);
			const used = process.cpuUsage(started);
			return used.user + used.system;
		});
		// Ten times the text: a quadratic rule would take a hundred times as long.
		expect(calls[1]!).toBeLessThan(Math.max(calls[0]! * 40, 200_000));
	});
});

describe('scrubText and scrubDeep', () => {
	it('make controls visible and mask secrets in one pass, keeping line breaks', () => {
		expect(scrubText('\u001B]52;c;eA==\u0007 password=hunter2\nnext', redact)).toBe(`␛]52;c;eA==␇ password=${REDACTED}\nnext`);
		expect(scrubDeep({msg: 'a\rb', token: 'x'}, redact)).toEqual({msg: 'a␍b', token: REDACTED});
	});
});
