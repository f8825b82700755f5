// The search language of the inbox (as Mailpit users know it), compiled to SQL for the store:
//   free words, "quoted phrases", from:, to:, subject:, has:attachment, is:read, is:unread,
//   before:DATE, after:DATE, larger:SIZE, smaller:SIZE, and "-" before any term to negate it.
// DATE is a UTC day YYYY-MM-DD, "today" or "yesterday" (UTC days, relative to nowUtc), or an
// ISO 8601 date-time (UTC when it has no offset); a day stands for its 00:00 UTC, so after:D
// is "received at or after D 00:00 UTC" and before:D "received before D 00:00 UTC";
// SIZE is a number with an optional k / m / g suffix (powers of 1024).
#pragma once

#include "smtpreceiver_global.h"

#include <QString>
#include <QVariantList>

struct SMTPRECEIVER_TEST_EXPORT SearchQuery
{
    // SQL boolean expression over the table alias "m" (the messages table), e.g.
    //   "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?) AND m.size > ?"
    // "1" when the query is empty. Values are bound positionally, in order.
    QString where;
    QVariantList bindings;
    QString errorString; // non-empty when the query could not be understood (e.g. "before:soon")
    // Whether where looks words up in the full-text index (positive or negated terms): such a
    // query can only speak of messages the indexer has passed.
    bool usesFullTextIndex = false;

    bool isValid() const { return errorString.isEmpty(); }

    // nowUtc fixes "today" for relative dates so tests are repeatable.
    static SearchQuery compile(const QString &text, const QDateTime &nowUtc);
};
