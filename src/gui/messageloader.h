// Reading one message from the store on a worker thread: everything the message view's tabs show,
// prepared off the GUI thread (the stored message with its decoded headers, part tree and checks,
// the source as text, the safe page, thumbnails of attachments).
#pragma once

#include "messagesource.h"

#include <QByteArray>
#include <QHash>
#include <QImage>
#include <QList>
#include <QString>

#include <atomic>
#include <optional>

// What the tabs show that the store does not hand out ready: the source as text, the page,
// and thumbnails of image attachments. Headers, parts, attachments and checks are the stored
// message's own typed values.
struct LoadedMessage
{
    qint64 id = 0;
    quint64 sequence = 0;
    bool stale = false; // skipped: another message was asked for meanwhile
    bool found = false;
    SmtpStoredMessage stored;
    QList<SmtpMimePart> attachments; // stored.attachments(), taken once
    QString sourceText;
    QByteArray html; // UTF-8 with a BOM, cid: references rewritten; empty without HTML
    QHash<int, QImage> thumbnails; // of image attachments, by part id
    // Sent on to a real server (the SMTP tab); std::nullopt: the source does not know.
    std::optional<QList<SmtpMessageRelease>> releases;
};

// Reads message id from source; runs on a worker thread. Gives up early (stale) as soon as
// *latest no longer equals sequence, i.e. when another message was asked for meanwhile.
LoadedMessage loadMessage(
    const MessageSource *source, qint64 id, quint64 sequence, const std::atomic<quint64> *latest);
