// The search language of the inbox and of the HTTP API (Mailpit's), compiled to SQL for the
// store: free words, "quoted phrases", from:, to:, cc:, bcc:, addressed:, reply-to:,
// message-id:, subject:, has:attachment, has:inline, is:read, is:unread, is:tagged, tag:,
// mailbox:,
// before:DATE, after:DATE, larger:SIZE, smaller:SIZE, and "-" or "!" before any term to negate it.
// Text matches are case-insensitive substring matches (see searchquery.cpp for the details).
// DATE is a day YYYY-MM-DD, "today" or "yesterday" (days of the time zone, UTC unless told),
// or an ISO 8601 date-time (in that zone when it has no offset); a day stands for its 00:00,
// so after:D is "received at or after D 00:00" and before:D "received at or before D 00:00";
// SIZE is a number with an optional k / m / g suffix (powers of 1024).
#pragma once

#include "smtpreceiver_global.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QTimeZone>
#include <QVariantList>

struct SMTPRECEIVER_TEST_EXPORT SearchQuery
{
    struct Options
    {
        QDateTime nowUtc; // fixes "today" (tests); invalid: the current time
        QTimeZone timeZone = QTimeZone::utc(); // of days and of date-times without an offset
        // Mailpit's reading: a filter whose value cannot be used (before:soon, larger:big, an
        // empty to:) is ignored, and is:/has: with another value is a plain word, instead of
        // an error. Sizes may also be written as Mailpit writes them (1.5m, 10kb).
        bool lenient = false;
    };

    // SQL boolean expression over the table alias "m" (the messages table), e.g.
    //   "m.id IN (SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH ?) AND
    //    m.size > ?"
    // "1" when the query is empty. Values are bound positionally, in order.
    QString where;
    QVariantList bindings;
    QString errorString; // non-empty when the query could not be understood (e.g. "before:soon")
    // Whether where reads what the background indexer writes (the full-text indexes, the Cc,
    // Reply-To, Message-ID and part columns): such a query can only speak of messages the
    // indexer has passed.
    bool usesFullTextIndex = false;
    // The full-text table of where's first condition when that condition is
    // "m.id IN (SELECT rowid FROM <table> WHERE <table> MATCH ?)" (its binding comes first);
    // empty when where does not start with one. The store may walk that index instead.
    QString leadingMatchTable;
    // The terms of that first condition's query of a trigram index (its binding is all of them
    // ANDed: "ali" AND "ice"). When leadingMatchImplied, any of them
    // alone finds a superset of the messages, which the rest of where (the checks of the very
    // text the index was made of) narrows to the same matches.
    QStringList leadingTerms;
    // Whether the rest of where implies that first condition: every value looked up in the
    // trigram index is a word (or, in the From or To index, a from: or to: value), which where
    // then checks in the very text that index was made of (a substring of the text has all its
    // trigrams in the index). A page may then read the
    // checks alone and leave the index out.
    bool leadingMatchImplied = false;
    // The mailbox of where's first condition when that condition is mailboxCondition() (its
    // binding comes first) and there are no words; empty otherwise. The store may walk that
    // mailbox's list of messages instead.
    QString leadingMailbox;
    // The first mailbox: term that is not negated, whatever leads: its condition,
    // mailboxCondition() (binding in the same place), is where's first when no words lead, and
    // comes right after the full-text lookups otherwise. Empty when there is none.
    QString mailbox;
    // Whether the query is exactly one mailbox: (leadingMailbox) and nothing else, so that its
    // counts are the mailbox's counters.
    bool onlyMailbox = false;

    // "The message is in the mailbox bound to ?", as where writes it.
    static QString mailboxCondition();
    // "The message is among the matches of the full-text table for ?", as where writes it
    // (leadingMatchTable's condition; its last character closes the subquery).
    static QString matchCondition(const QString &table);

    bool isValid() const { return errorString.isEmpty(); }
    // Whether leadingMatchTable is the From or the To index: its candidates are nearly all
    // matches.
    bool leadingMatchOfHeader() const;

    // nowUtc fixes "today" for relative dates so tests are repeatable.
    static SearchQuery compile(const QString &text, const QDateTime &nowUtc);
    static SearchQuery compile(const QString &text, const Options &options);
};
