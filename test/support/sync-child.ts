/**
 * Kill test child: a "host" whose sync worker runs while it appends notes as fast as it can, printing
 * each note's id on stdout only once append() resolved (written and fsynced). The test SIGKILLs it at
 * arbitrary points, mid-push or mid-pull. argv: state dir, incident id, connection string, tag.
 */
import {syncSchema} from '../../source/config/schema.js';
import {startSync} from '../../source/sync/start.js';
import {openJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';

const [stateDir, incidentId, postgres, tag = '0'] = process.argv.slice(2);
if (!stateDir || !incidentId || !postgres) {
	process.stderr.write('usage: sync-child <state dir> <incident id> <connection string> [tag]\n');
	process.exit(2);
}
const redact = createRedactor();
const journal = await openJournal({path: journalPath(stateDir, incidentId), author: 'kid@host-kid', redact});
startSync({config: syncSchema.parse({postgres, pollMs: 200, timeoutMs: 2000}), journal, incidentId, redact, append: journal.append, timing: {backoffMinMs: 50, backoffMaxMs: 400, batchSize: 7}});
for (let n = 0; ; n++) {
	const event = await journal.append('note.added', {text: `round ${tag} note ${n} ${'x'.repeat((n * 37) % 700)}`});
	process.stdout.write(`${event.id}\n`);
	// Let the worker turn between appends, so kills land in its pushes and pulls too.
	if (n % 5 === 0) await new Promise(resolve => setImmediate(resolve));
}
