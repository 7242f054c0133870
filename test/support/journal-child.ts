/**
 * Crash-test child: appends note events to the journal named in argv[2] as fast as it can and
 * prints each event's id on stdout only after append() resolved (written and fsynced).
 * The test SIGKILLs it at arbitrary points. argv[3] tags the notes (the round number).
 */
import {openJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';

const file = process.argv[2];
const tag = process.argv[3] ?? '0';
if (!file) {
	process.stderr.write('usage: journal-child <journal path> [tag]\n');
	process.exit(2);
}
const journal = await openJournal({path: file, author: `child-${tag}@test`, redact: createRedactor()});
for (let n = 0; ; n++) {
	// Vary the size so that kills land at different points of different writes.
	const event = await journal.append('note.added', {text: `round ${tag} note ${n} ${'x'.repeat((n * 37) % 900)}`});
	process.stdout.write(`${event.id}\n`);
}
