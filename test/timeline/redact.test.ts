import {describe, expect, it} from 'vitest';
import {createRedactor, redactDeep, REDACTED} from '../../source/timeline/redact.js';

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
