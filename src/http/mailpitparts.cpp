// Section numbers, attachment and body rules of Mailpit (its MIME library, enmime), over the
// part tree the store recorded.
#include "mailpitparts.h"

#include <QLatin1String>

#include <utility>

namespace {

bool isType(const SmtpMimePart &part, const char *type)
{
    return part.contentType() == QLatin1String(type);
}

bool hasDisposition(const SmtpMimePart &part, const char *disposition)
{
    return part.disposition() == QLatin1String(disposition);
}

bool isNamed(const SmtpMimePart &part)
{
    return !part.fileName().isEmpty() || !part.contentId().isEmpty();
}

// Every part with its section number, breadth-first; the root of a multipart message has none.
// The tree is walked without recursion: its depth is the sender's choice.
QList<MailpitParts::Section> sections(const SmtpMimePart &root)
{
    QList<MailpitParts::Section> result;
    if (!root.isValid())
        return result;
    if (!root.isMultipart()) {
        result.append({ root, QStringLiteral("1") });
        return result;
    }
    result.append({ root, QString() });
    for (qsizetype i = 0; i < result.size(); ++i) {
        const MailpitParts::Section parent = result.at(i);
        if (!parent.part.isMultipart())
            continue;
        const QList<SmtpMimePart> children = parent.part.children();
        const QString prefix
            = parent.partId.isEmpty() ? QString() : parent.partId + QLatin1Char('.');
        for (qsizetype c = 0; c < children.size(); ++c)
            result.append({ children.at(c), prefix + QString::number(c + 1) });
    }
    return result;
}

// The first leaf, depth-first, that matches.
template<typename Match>
int firstDepthFirst(const SmtpMimePart &root, Match match)
{
    if (!root.isValid())
        return -1;
    QList<SmtpMimePart> pending { root };
    while (!pending.isEmpty()) {
        const SmtpMimePart part = pending.takeLast();
        if (!part.isMultipart()) {
            if (match(part))
                return part.partId();
            continue;
        }
        const QList<SmtpMimePart> children = part.children();
        for (qsizetype i = children.size(); i-- > 0;)
            pending.append(children.at(i));
    }
    return -1;
}

bool isStoredBody(const SmtpMimePart &part, const char *type)
{
    return isType(part, type) && (part.disposition().isEmpty() || hasDisposition(part, "inline"))
        && part.fileName().isEmpty();
}

} // namespace

namespace MailpitParts {

QList<Section> leaves(const SmtpMimePart &root)
{
    QList<Section> result;
    for (const Section &section : sections(root)) {
        if (!section.part.isMultipart())
            result.append(section);
    }
    return result;
}

SmtpMimePart leaf(const SmtpMimePart &root, const QString &partId)
{
    for (const Section &section : leaves(root)) {
        if (section.partId == partId)
            return section.part;
    }
    return {};
}

bool isAttachment(const SmtpMimePart &leaf)
{
    return hasDisposition(leaf, "attachment") || isType(leaf, "application/octet-stream");
}

int attachmentCount(const SmtpMimePart &root)
{
    // Depth-first (the order does not matter for a count) and without building sections: this
    // runs for every item of a list.
    int count = 0;
    if (!root.isValid())
        return count;
    QList<SmtpMimePart> pending { root };
    while (!pending.isEmpty()) {
        const SmtpMimePart part = pending.takeLast();
        if (part.isMultipart())
            pending.append(part.children());
        else if (isAttachment(part))
            ++count;
    }
    return count;
}

QList<Section> attachments(const SmtpMimePart &root)
{
    QList<Section> result;
    for (const Section &section : leaves(root)) {
        if (isAttachment(section.part) && isNamed(section.part))
            result.append(section);
    }
    return result;
}

QList<Section> inlines(const SmtpMimePart &root)
{
    QList<Section> dispositionInline;
    QList<Section> other;
    for (const Section &section : leaves(root)) {
        const SmtpMimePart &part = section.part;
        if (!isNamed(part))
            continue;
        if (hasDisposition(part, "inline"))
            dispositionInline.append(section);
        else if (part.disposition().isEmpty() && !isType(part, "text/plain")
            && !isType(part, "text/html") && !isType(part, "application/octet-stream"))
            other.append(section);
    }
    return dispositionInline + other;
}

Bodies bodies(const SmtpMimePart &root)
{
    Bodies result;
    if (!root.isValid())
        return result;
    if (!root.isMultipart()) {
        // A message that is one part: its body, unless that is an attachment.
        if (!hasDisposition(root, "attachment")) {
            if (isType(root, "text/plain"))
                result.text.append(root.partId());
            else if (isType(root, "text/html"))
                result.html = root.partId();
        }
        return result;
    }
    const QList<Section> all = leaves(root);
    auto shown = [](const SmtpMimePart &part, const char *type) {
        return isType(part, type) && !hasDisposition(part, "attachment");
    };
    for (const Section &section : all) {
        if (shown(section.part, "text/html")) {
            result.html = section.part.partId();
            break;
        }
    }
    if (isType(root, "multipart/alternative")) {
        for (const Section &section : all) {
            if (shown(section.part, "text/plain")) {
                result.text.append(section.part.partId());
                break;
            }
        }
        return result;
    }
    // Any other multipart: every text/plain leaf shown, in depth-first order.
    QList<SmtpMimePart> pending { root };
    while (!pending.isEmpty()) {
        const SmtpMimePart part = pending.takeLast();
        if (!part.isMultipart()) {
            if (shown(part, "text/plain"))
                result.text.append(part.partId());
            continue;
        }
        const QList<SmtpMimePart> children = part.children();
        for (qsizetype i = children.size(); i-- > 0;)
            pending.append(children.at(i));
    }
    return result;
}

int storedTextPart(const SmtpMimePart &root)
{
    return firstDepthFirst(
        root, [](const SmtpMimePart &p) { return isStoredBody(p, "text/plain"); });
}

int storedHtmlPart(const SmtpMimePart &root)
{
    return firstDepthFirst(
        root, [](const SmtpMimePart &p) { return isStoredBody(p, "text/html"); });
}

} // namespace MailpitParts
