import {readJournal} from '../timeline/journal.js';
import {readLedger} from './ledger.js';
import {orderEvents} from './order.js';

/**
 * An incident's journal read in the shared order (order.ts), with what the server said of each event
 * (the ledger beside it), for what every host must lay out alike: the post-mortem (`incident-tui
 * export`, `E`). Each host's journal holds others' events in the order they arrived; this order is the
 * same on every host. A journal that was never synced has no ledger and keeps its own order.
 */
export async function readInSharedOrder(journalPath: string): Promise<Awaited<ReturnType<typeof readJournal>>> {
	const read = await readJournal(journalPath);
	const ledger = await readLedger(journalPath);
	if (ledger.facts.size === 0) return read;
	return {...read, events: orderEvents(read.events, ledger.facts)};
}
