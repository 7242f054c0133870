/**
 * A TCP proxy on a free loopback port between a client (a sync worker) and a server (PostgreSQL), to
 * break the link the ways networks break it: refuse new connections, stall (bytes stop flowing both
 * ways, nothing is closed), drop every connection, and cut one connection in the middle of a
 * statement: before its transaction commits or right after, before the client hears the answer.
 */
import net from 'node:net';

/** PostgreSQL's Sync message ('S', length 4): it ends an extended-protocol statement and commits its implicit transaction. */
const syncMessage = Buffer.from([0x53, 0, 0, 0, 4]);

export type CutPoint = 'before-commit' | 'after-commit';

interface Link {
	client: net.Socket;
	server: net.Socket;
	/** Client bytes held back while waiting for the end of the statement to cut. */
	held?: Buffer;
	/** Client bytes held back by holdAt() until released. */
	holding?: Buffer[];
}

export interface TcpProxy {
	port: number;
	/** `url` (postgres://user:pw@127.0.0.1:PORT/db) with its port replaced by the proxy's. */
	via(url: string): string;
	/** New connections are refused (the port stops listening); existing ones are dropped. */
	refuse(): Promise<void>;
	/** Bytes stop flowing on every connection, existing and new; nothing is closed. */
	stall(): void;
	/** Back to passing bytes (after refuse or stall); stalled connections flow again. */
	heal(): Promise<void>;
	/** Destroys every connection now. */
	drop(): void;
	/**
	 * Cuts the next connection that sends a statement containing `marker`: before-commit forwards it
	 * without its Sync (the server executed it and rolls it back when the connection ends);
	 * after-commit forwards all of it (the server commits) and cuts before the answer. Resolves when cut.
	 * `thenRefuse`: new connections are refused from that moment (the client cannot try again until heal()).
	 */
	cutAt(marker: string, point: CutPoint, options?: {thenRefuse?: boolean}): Promise<void>;
	/**
	 * Holds back the next statement containing `marker` (and whatever its connection sends after it):
	 * resolves, once it is held, to the function that lets it through. The statement is in flight, as
	 * on a slow link, for as long as the test wants.
	 */
	holdAt(marker: string): Promise<() => void>;
	/** Connections opened so far. */
	opened(): number;
	close(): Promise<void>;
}

export async function startTcpProxy(target: {host: string; port: number}): Promise<TcpProxy> {
	const links = new Set<Link>();
	let stalled = false;
	let count = 0;
	let cut: {marker: Buffer; point: CutPoint; thenRefuse: boolean; done: () => void} | undefined;
	let hold: {marker: Buffer; held: (release: () => void) => void} | undefined;
	let server = net.createServer(accept);
	let port = 0;

	function accept(client: net.Socket): void {
		count++;
		const upstream = net.connect(target.port, target.host);
		const link: Link = {client, server: upstream};
		links.add(link);
		const end = () => {
			links.delete(link);
			client.destroy();
			upstream.destroy();
		};
		client.on('error', end);
		upstream.on('error', end);
		client.on('close', end);
		upstream.on('close', end);
		client.on('data', chunk => fromClient(link, chunk));
		upstream.on('data', chunk => {
			if (!client.destroyed) client.write(chunk);
		});
		if (stalled) {
			client.pause();
			upstream.pause();
		}
	}

	function fromClient(link: Link, chunk: Buffer): void {
		if (link.holding) {
			link.holding.push(chunk);
			return;
		}
		if (hold && chunk.includes(hold.marker)) {
			const {held} = hold;
			hold = undefined;
			link.holding = [chunk];
			held(() => release(link));
			return;
		}
		if (link.held) {
			link.held = Buffer.concat([link.held, chunk]);
		} else if (cut && chunk.includes(cut.marker)) {
			link.held = chunk;
		} else {
			link.server.write(chunk);
			return;
		}
		const held = link.held;
		if (!cut || held.length < syncMessage.length || !held.subarray(held.length - syncMessage.length).equals(syncMessage)) return;
		const {point, done, thenRefuse} = cut;
		cut = undefined;
		if (thenRefuse) server.close();
		const forwarded = point === 'before-commit' ? held.subarray(0, held.length - syncMessage.length) : held;
		link.client.pause();
		link.client.destroy();
		// end(), not destroy(): the server gets the bytes, then the end of the connection.
		link.server.end(forwarded, () => done());
		links.delete(link);
	}

	function release(link: Link): void {
		const chunks = link.holding ?? [];
		link.holding = undefined;
		for (const chunk of chunks) fromClient(link, chunk);
	}

	async function listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		port = (server.address() as net.AddressInfo).port;
	}

	function dropAll(): void {
		for (const link of [...links]) {
			link.client.destroy();
			link.server.destroy();
		}
		links.clear();
	}

	await listen();
	return {
		get port() {
			return port;
		},
		via(url) {
			const parsed = new URL(url);
			parsed.hostname = '127.0.0.1';
			parsed.port = String(port);
			return parsed.toString();
		},
		async refuse() {
			dropAll();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
		stall() {
			stalled = true;
			for (const link of links) {
				link.client.pause();
				link.server.pause();
			}
		},
		async heal() {
			stalled = false;
			for (const link of links) {
				link.client.resume();
				link.server.resume();
			}
			if (!server.listening) {
				server = net.createServer(accept);
				await listen();
			}
		},
		drop: dropAll,
		cutAt(marker, point, options = {}) {
			return new Promise<void>(resolve => {
				cut = {marker: Buffer.from(marker), point, thenRefuse: Boolean(options.thenRefuse), done: resolve};
			});
		},
		holdAt(marker) {
			return new Promise<() => void>(resolve => {
				hold = {marker: Buffer.from(marker), held: resolve};
			});
		},
		opened: () => count,
		async close() {
			dropAll();
			if (server.listening) await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}
