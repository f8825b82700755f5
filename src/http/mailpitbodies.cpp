// Text and HTML by Mailpit's rules (mailpitparts.h), from what the store parsed where it can.
#include "mailpitbodies.h"

#include "mailpitparts.h"

#include <smtphtmltotext.h>
#include <smtpstoredmessage.h>

#include <QStringDecoder>

namespace {

QString partText(const SmtpMimePart &root, int partIndex, const MailpitPartContent &content)
{
    QString charset;
    for (const MailpitParts::Section &section : MailpitParts::leaves(root)) {
        if (section.part.partId() == partIndex)
            charset = section.part.charset();
    }
    return MailpitJson::textFromBytes(content ? content(partIndex) : QByteArray(), charset);
}

bool isUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)decoder.decode(bytes);
    return !decoder.hasError();
}

} // namespace

namespace MailpitJson {

QString textFromBytes(const QByteArray &bytes, const QString &charset)
{
    const QString name = charset.trimmed().toLower();
    if (!name.isEmpty() && name != QLatin1String("us-ascii") && name != QLatin1String("ascii")) {
        // Latin-1 labels mean Windows-1252, as browsers read them.
        const bool latin1 = name == QLatin1String("iso-8859-1") || name == QLatin1String("latin1");
        QStringDecoder decoder(latin1 ? "windows-1252" : name.toLatin1().constData());
        if (decoder.isValid())
            return decoder.decode(bytes);
    }
    if (isUtf8(bytes))
        return QString::fromUtf8(bytes);
    QStringDecoder windows("windows-1252");
    return windows.isValid() ? QString(windows.decode(bytes)) : QString::fromLatin1(bytes);
}

MailpitBodies bodies(const SmtpStoredMessage &message, const MailpitPartContent &content)
{
    MailpitBodies result;
    const SmtpMimePart root = message.rootPart();
    if (!root.isValid()) { // nothing parsed: whatever the store has
        result.text = message.textBody();
        result.html = message.htmlBody();
        result.hasHtml = !result.html.isEmpty();
        return result;
    }
    const MailpitParts::Bodies parts = MailpitParts::bodies(root);
    if (parts.html >= 0) {
        result.hasHtml = true;
        result.html = parts.html == MailpitParts::storedHtmlPart(root)
            ? message.htmlBody()
            : partText(root, parts.html, content);
    }
    if (parts.text.size() == 1 && parts.text.constFirst() == MailpitParts::storedTextPart(root)) {
        result.text = message.textBody();
    } else {
        QStringList texts;
        for (const int index : parts.text)
            texts.append(partText(root, index, content));
        result.text = texts.join(QStringLiteral("\n--\n"));
    }
    if (parts.text.isEmpty() && result.hasHtml)
        result.text = SmtpHtmlToText::text(result.html);
    return result;
}

} // namespace MailpitJson
