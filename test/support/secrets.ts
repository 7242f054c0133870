/**
 * Fake credentials of every kind the redactor must mask, each in the forms it is met in, for the
 * tests that place them in each source and scan what the cockpit shows, stores, exports and prints.
 * Assembled at run time so that secret scanners do not flag the repository; each carries a marker
 * (its `needle`) that must appear in no output.
 */
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A PEM private key of 4 body lines, as `openssl genrsa` prints it (not a real key). */
export function pemKey(marker: string): string {
	const body = Array.from({length: 4}, (_, i) => `${marker}${String(i)}`.padEnd(64, 'Q').replace(/[^A-Za-z0-9+/]/g, 'Q'));
	return ['-----BEGIN ' + 'RSA PRIVATE KEY-----', ...body, '-----END ' + 'RSA PRIVATE KEY-----'].join('\n');
}

export interface SecretCase {
	name: string;
	/** The text as it is placed in a source; may span lines. */
	text: string;
	/** What must not survive anywhere. */
	needles: string[];
}

export function secretCases(): SecretCase[] {
	const keyData = b64(pemKey('CLIENTKEYDATAMARKER'));
	const certData = b64('-----BEGIN ' + 'CERTIFICATE-----\nCERTMARKER' + 'x'.repeat(60) + '\n-----END CERTIFICATE-----\n');
	const token = 'kubetok' + 'en.SA5ecret' + 'TokenMarker42';
	// 40 characters, as AWS secret access keys are.
	const awsSecret = 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYAWSSECRETK';
	const cookie = 'sid=' + 'C00kieMarker' + '9a8b7c';
	const webhook = 'T0000000/B0000000/' + 'SlackHookMarker123456';
	const bearer = 'eyJhbGciOiJub25lIn0' + 'BearerMarker' + '5f4e3d2c1b';
	const password = 'Pa55' + 'wordMarker';
	return [
		{name: 'kubeconfig YAML client-key-data', text: `users:\n- name: admin\n  user:\n    client-key-data: ${keyData}`, needles: [keyData.slice(0, 40), keyData.slice(-40)]},
		{name: 'kubeconfig YAML client-certificate-data', text: `    client-certificate-data: ${certData}`, needles: [certData.slice(20, 60)]},
		{name: 'kubeconfig YAML token', text: `    token: ${token}`, needles: [token]},
		{name: 'kubeconfig JSON', text: JSON.stringify({users: [{name: 'a', user: {'client-key-data': keyData, token}}]}), needles: [keyData.slice(0, 40), token]},
		{name: 'AWS secret key with its name', text: `aws_secret_access_key = ${awsSecret}`, needles: [awsSecret]},
		{name: 'AWS secret key alone', text: `export creds ${awsSecret} done`, needles: [awsSecret]},
		{name: 'Cookie header', text: `Cookie: ${cookie}; theme=dark`, needles: [cookie]},
		{name: 'Set-Cookie header', text: `Set-Cookie: ${cookie}; Path=/; HttpOnly`, needles: [cookie]},
		{name: 'Slack webhook URL', text: `posting to https://hooks.slack.com/services/${webhook}`, needles: [webhook.slice(-21)]},
		{name: 'PEM private key over lines', text: pemKey('PEMBODYMARKER'), needles: ['PEMBODYMARKER']},
		{name: 'bearer token in an HTTP error body', text: `401 Unauthorized: {"error":"invalid token","authorization":"Bearer ${bearer}"}`, needles: [bearer]},
		{name: 'bearer token bare', text: `rejected Bearer ${bearer}`, needles: [bearer]},
		{name: 'password in an HTTP error body', text: `500: {"message":"login failed","password":"${password}"}`, needles: [password]},
		{name: 'password in a form body', text: `body user=app&password=${password}&x=1`, needles: [password]},
	];
}
