// Reading one message from the store on a worker thread: everything the message view's tabs show,
// prepared off the GUI thread (decoded headers, the source as text, the safe page, attachments
// with thumbnails, the part tree and the checks' findings).
#pragma once

#include "smtpmessagestore.h"

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QString>

#include <atomic>

struct HeaderField
{
    QString name;
    QString value; // unfolded, RFC 2047 decoded
    QString raw; // unfolded, as written
};

struct AttachmentInfo
{
    int part = -1;
    QString name;
    QString type;
    qint64 size = 0;
    QString contentId;
    bool isInline = false;
    QImage thumbnail;
};

struct PartInfo
{
    int index = 0;
    int parent = -1;
    int depth = 0;
    QString type;
    QString charset;
    QString encoding;
    QString disposition;
    QString name;
    QString contentId;
    qint64 size = 0;
};

struct Finding
{
    QString kind;
    QString detail;
};

struct LoadedMessage
{
    qint64 id = 0;
    quint64 sequence = 0;
    bool stale = false; // skipped: another message was asked for meanwhile
    bool found = false;
    SmtpStoredMessage stored;
    QList<HeaderField> headers;
    QString sourceText;
    QByteArray html; // UTF-8 with a BOM, cid: references rewritten; empty without HTML
    QList<AttachmentInfo> attachments;
    QList<PartInfo> parts;
    QList<Finding> findings;
};

// Reads message id from store; runs on a worker thread. Gives up early (stale) as soon as
// *latest no longer equals sequence, i.e. when another message was asked for meanwhile.
LoadedMessage loadMessage(
    const SmtpMessageStore *store, qint64 id, quint64 sequence, const std::atomic<quint64> *latest);
