// The first page of each search as last read, with its counts and how far the store was read:
// after new mail (and the indexer's progress) the search route reads only the newer messages
// and puts their matches in front, instead of reading the whole store again. Any other change
// (removals, read flags, open and close, the API's own writes) forgets every page; one whose
// signal has not come yet is told by the store's count of them (nonAdditiveChanges()).
#pragma once

#include "smtpreceiverhttp_global.h"

#include <smtpmessagestore.h>

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>

#include <atomic>
#include <optional>

// Shared by the API's thread (which forgets) and the read workers (which find and keep).
class SMTPRECEIVERHTTP_TEST_EXPORT MailpitSearchPages
{
public:
    struct Item
    {
        qint64 id = 0;
        QJsonObject summary; // MessageSummary
    };
    struct Page
    {
        quint64 epoch = 0; // of the changes forgotten before the page was read
        // SmtpMessageStore::nonAdditiveChanges() before the page was read: even, or not kept
        quint64 changes = 0;
        SmtpMatchCount matches; // matches.upToId: every message up to it was looked at
        QList<Item> items; // newest first
    };

    // Counts the forgettings so far: a page read in one epoch is wrong in the next.
    quint64 epoch() const { return m_epoch.load(); }
    // A change that is not new mail: every page is forgotten (also pages being read now).
    void forget();

    // The page kept for key, when it was read in this epoch and with the store's changes
    // (nonAdditiveChanges()) as they are now.
    std::optional<Page> find(const QByteArray &key, quint64 epoch, quint64 changes) const;
    // Keeps page for key, unless something was forgotten since it was read or a change of the
    // store was under way then.
    void keep(const QByteArray &key, const Page &page);
    // How many finds gave a page.
    qint64 foundCount() const { return m_found.load(); }

private:
    std::atomic<quint64> m_epoch { 0 };
    mutable std::atomic<qint64> m_found { 0 };
    mutable QMutex m_mutex;
    QHash<QByteArray, Page> m_pages;
};
