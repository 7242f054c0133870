/**
 * One matcher of an Alertmanager silence, as its API writes it: plain data that the silence's request
 * (action-request.ts ActionParams) keeps and the Alertmanager client (clients/alertmanager.ts) sends
 * and reads. It lives here so that the request, below the clients, can name it.
 */
export interface Matcher {
	name: string;
	value: string;
	isRegex: boolean;
	isEqual: boolean;
}
