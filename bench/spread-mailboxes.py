#!/usr/bin/env python3
# Spreads the mail of an existing store over M mailboxes, skewed as make-store --mailboxes M
# spreads new mail (mailboxOf() there: Inbox the biggest, project-01 .. project-(M-1) ever
# smaller), then recounts the mailboxes table. For benchmarks only: it turns the 1,000,000-message
# store that store-scale.sh makes into one with 50 mailboxes in about 40 s, where make-store
# would take most of an hour. Every 2000th message is also put in project-tiny (500 of a
# million: a mailbox smaller than a page of a common word's matches). The store must be at schema 7 or later (open it once with the
# current build first, e.g. with mailbox-bench); stop everything that uses it while this runs.
#
# Usage: bench/spread-mailboxes.py STORE M
import sqlite3
import sys
import time



def fail(line):
    print(line, file=sys.stderr)
    sys.exit(2)


if len(sys.argv) != 3 or not sys.argv[2].isdigit() or int(sys.argv[2]) < 2:
    fail("usage: spread-mailboxes.py STORE M   (M >= 2)")
path, m = sys.argv[1], int(sys.argv[2])


def mailbox_of(i):
    unit = ((i * 2654435761) % 1000003) / 1000003.0
    index = min(m - 1, int(m * unit * unit))
    return "Inbox" if index == 0 else "project-%02d" % index


db = sqlite3.connect(path, isolation_level=None)
if db.execute("PRAGMA user_version").fetchone()[0] < 7:
    fail("spread-mailboxes.py: %s is older than schema 7; open it with the current build first" % path)
db.create_function("mailbox_of", 1, mailbox_of, deterministic=True)
started = time.time()
db.execute("BEGIN IMMEDIATE")
# An UPDATE fires none of the mailbox triggers (they watch deletes; the store counts new mail
# itself), nor does this script's INSERT: recount below.
db.execute("UPDATE message_mailboxes SET mailbox = mailbox_of(message)")
db.execute("""INSERT OR IGNORE INTO message_mailboxes (mailbox, message)
              SELECT 'project-tiny', id FROM messages WHERE id % 2000 = 0""")
db.execute("DELETE FROM mailboxes")
db.execute("""INSERT INTO mailboxes (name, messages, unread)
              SELECT b.mailbox, COUNT(*), SUM(m.is_read = 0) FROM message_mailboxes b
              JOIN messages m ON m.id = b.message GROUP BY b.mailbox""")
db.execute("COMMIT")
n, smallest, biggest, total = db.execute(
    "SELECT COUNT(*), MIN(messages), MAX(messages), SUM(messages) FROM mailboxes").fetchone()
print("spread %d messages over %d mailboxes (%d to %d each) in %.1f s"
      % (total, n, smallest, biggest, time.time() - started))
