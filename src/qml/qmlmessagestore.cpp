#include "qmlmessagestore.h"

#include <QMetaEnum>

namespace {

QVariantMap partMap(const SmtpMimePart &part)
{
    QVariantList children;
    for (const SmtpMimePart &child : part.children())
        children.append(partMap(child));
    return {
        { QStringLiteral("part"), part.partId() },
        { QStringLiteral("type"), part.contentType() },
        { QStringLiteral("charset"), part.charset() },
        { QStringLiteral("encoding"), part.transferEncoding() },
        { QStringLiteral("disposition"), part.disposition() },
        { QStringLiteral("name"), part.fileName() },
        { QStringLiteral("contentId"), part.contentId() },
        { QStringLiteral("size"), part.size() },
        { QStringLiteral("attachment"), part.isAttachment() },
        { QStringLiteral("inline"), part.isInline() },
        { QStringLiteral("children"), children },
    };
}

QVariantMap checkMap(const SmtpMessageCheck &check)
{
    const QMetaEnum severities = QMetaEnum::fromType<SmtpMessageCheck::Severity>();
    return {
        { QStringLiteral("kind"), check.name() },
        { QStringLiteral("severity"),
            QString::fromLatin1(severities.valueToKey(int(check.severity()))).toLower() },
        { QStringLiteral("line"), check.line() },
        { QStringLiteral("occurrences"), check.occurrences() },
        { QStringLiteral("octets"), check.octets() },
        { QStringLiteral("part"), check.partId() },
        { QStringLiteral("partType"), check.partType() },
        { QStringLiteral("excerpt"), check.excerpt() },
    };
}

} // namespace

QmlMessageStore::QmlMessageStore(QObject *parent)
    : SmtpMessageStore(parent)
{ }

void QmlMessageStore::setPath(const QString &path)
{
    if (path == m_wantedPath)
        return;
    m_wantedPath = path;
    reopen();
}

void QmlMessageStore::componentComplete()
{
    m_complete = true;
    reopen();
}

void QmlMessageStore::reopen()
{
    if (!m_complete)
        return; // one open, with the final path, when the component is complete
    const QString file = m_wantedPath.isEmpty() ? defaultPath() : m_wantedPath;
    if (!SmtpMessageStore::open(file))
        Q_EMIT errorOccurred(errorString());
    Q_EMIT pathChanged();
}

QVariantMap QmlMessageStore::message(qint64 id) const
{
    const std::optional<SmtpStoredMessage> stored = SmtpMessageStore::message(id);
    if (!stored)
        return {};
    const SmtpMessageSummary summary = stored->summary();
    QVariantList headers;
    for (const SmtpHeaderField &field : stored->headers())
        headers.append(QVariantMap {
            { QStringLiteral("name"), field.name() }, { QStringLiteral("value"), field.value() } });
    QVariantList attachments;
    for (const SmtpMimePart &part : stored->attachments())
        attachments.append(partMap(part));
    QVariantList checks;
    for (const SmtpMessageCheck &check : stored->checks())
        checks.append(checkMap(check));
    return {
        { QStringLiteral("id"), summary.id },
        { QStringLiteral("subject"), summary.subject },
        { QStringLiteral("from"), summary.from },
        { QStringLiteral("to"), summary.to },
        { QStringLiteral("cc"), stored->cc() },
        { QStringLiteral("replyTo"), stored->replyTo() },
        { QStringLiteral("date"), stored->dateHeader() },
        { QStringLiteral("messageId"), stored->messageId() },
        { QStringLiteral("receivedAt"), summary.receivedAt },
        { QStringLiteral("mailfrom"), summary.mailFrom },
        { QStringLiteral("rcpttos"), summary.rcptTos },
        { QStringLiteral("text"), stored->textBody() },
        { QStringLiteral("html"), stored->htmlBody() },
        { QStringLiteral("source"), QString::fromUtf8(stored->message().data()) },
        { QStringLiteral("headers"), headers },
        { QStringLiteral("parts"),
            stored->rootPart().isValid() ? partMap(stored->rootPart()) : QVariant() },
        { QStringLiteral("attachments"), attachments },
        { QStringLiteral("checks"), checks },
    };
}
