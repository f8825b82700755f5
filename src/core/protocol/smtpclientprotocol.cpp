// The pure parts of SmtpClient: reply parsing, EHLO keywords, dot-stuffing, AUTH responses.
#include "smtpclientprotocol.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

namespace SmtpClientProtocol {

ParsedReply parseReply(QByteArrayView buffer, qsizetype maxLine)
{
    ParsedReply result;
    qsizetype position = 0;
    for (;;) {
        const qsizetype newline = buffer.indexOf('\n', position);
        if (newline < 0) {
            if (buffer.size() - position > maxLine) {
                result.status = ParsedReply::Status::Malformed;
                result.badLine
                    = buffer.sliced(position, qMin<qsizetype>(80, buffer.size() - position))
                          .toByteArray();
            }
            return result; // Incomplete (or too long)
        }
        QByteArrayView line = buffer.sliced(position, newline - position);
        if (line.endsWith('\r'))
            line.chop(1);
        position = newline + 1;
        const auto malformed = [&result, line] {
            result.status = ParsedReply::Status::Malformed;
            result.reply = SmtpClientReply();
            result.badLine = line.first(qMin<qsizetype>(80, line.size())).toByteArray();
            return result;
        };
        if (line.size() > maxLine || line.size() < 3)
            return malformed();
        int code = 0;
        for (int i = 0; i < 3; ++i) {
            const char c = line.at(i);
            if (c < '0' || c > '9')
                return malformed();
            code = code * 10 + (c - '0');
        }
        // RFC 5321 4.2: "NNN-text" continues, "NNN text" or "NNN" ends the reply.
        const bool last = line.size() == 3 || line.at(3) == ' ';
        if (code < 200 || code > 599 || (!last && line.at(3) != '-')
            || (result.reply.code != 0 && code != result.reply.code))
            return malformed();
        result.reply.code = code;
        result.reply.lines.append(
            QString::fromUtf8(line.size() > 4 ? line.sliced(4) : QByteArrayView()));
        if (last)
            break;
    }
    // RFC 3463: class.subject.detail, the class matching the reply's first digit.
    const QString &first = result.reply.lines.constFirst();
    const qsizetype space = first.indexOf(QLatin1Char(' '));
    const QString candidate = space < 0 ? first : first.left(space);
    const QStringList parts = candidate.split(QLatin1Char('.'));
    bool enhanced = parts.size() == 3 && parts.at(0).size() == 1
        && parts.at(0).at(0).unicode() == QLatin1Char('0' + result.reply.code / 100).unicode();
    for (const QString &part : parts) {
        bool ok = false;
        enhanced = enhanced && !part.isEmpty() && part.size() <= 3 && part.toInt(&ok) >= 0 && ok;
    }
    if (enhanced)
        result.reply.enhancedCode = candidate;
    result.status = ParsedReply::Status::Complete;
    result.length = position;
    return result;
}

QList<QByteArray> extensions(const SmtpClientReply &ehlo)
{
    QList<QByteArray> result;
    for (qsizetype i = 1; i < ehlo.lines.size(); ++i)
        result.append(ehlo.lines.at(i).trimmed().toUpper().toUtf8());
    return result;
}

bool offers(const QList<QByteArray> &extensions, QByteArrayView keyword, QByteArray *parameters)
{
    for (const QByteArray &extension : extensions) {
        if (extension.startsWith(keyword)
            && (extension.size() == keyword.size() || extension.at(keyword.size()) == ' '
                || extension.at(keyword.size()) == '=')) {
            if (parameters)
                *parameters = extension.mid(keyword.size() + 1).trimmed();
            return true;
        }
    }
    return false;
}

QByteArray crlfLineEnds(const QByteArray &text)
{
    // A line end is LF, after any number of CRs (GMime and the inbox read "\r\r\n" as one), or
    // a CR that no LF follows.
    const auto lineEndAt = [&text](qsizetype i, qsizetype *length) {
        qsizetype j = i;
        while (j < text.size() && text.at(j) == '\r')
            ++j;
        if (j < text.size() && text.at(j) == '\n') {
            *length = j + 1 - i;
            return true;
        }
        *length = 1; // a bare CR
        return text.at(i) == '\r' || text.at(i) == '\n';
    };
    bool changes = false;
    for (qsizetype i = 0; i < text.size() && !changes; ++i) {
        const char c = text.at(i);
        if (c != '\r' && c != '\n')
            continue;
        qsizetype length = 0;
        lineEndAt(i, &length);
        changes = !(length == 2 && c == '\r');
        i += length - 1;
    }
    if (!changes) // the usual message: as it is
        return text;
    QByteArray result;
    result.reserve(text.size() + text.size() / 32);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        qsizetype length = 0;
        if ((c == '\r' || c == '\n') && lineEndAt(i, &length)) {
            result += "\r\n";
            i += length - 1;
        } else {
            result += c;
        }
    }
    return result;
}

QByteArray dotStuffed(QByteArrayView text)
{
    QByteArray result;
    result.reserve(text.size() + text.size() / 64 + 5);
    qsizetype position = 0;
    while (position < text.size()) {
        const qsizetype lineEnd = text.indexOf("\r\n", position);
        const qsizetype next = lineEnd < 0 ? text.size() : lineEnd + 2;
        if (text.at(position) == '.')
            result += '.';
        result += text.sliced(position, next - position);
        position = next;
    }
    if (!result.isEmpty() && !result.endsWith("\r\n"))
        result += "\r\n";
    result += ".\r\n";
    return result;
}

bool mayAuthenticate(SmtpClient::TlsMode mode, bool encrypted, bool serverIsLoopback)
{
    return encrypted || serverIsLoopback || mode == SmtpClient::TlsMode::None;
}

QByteArray authPlain(const QString &user, const QString &password)
{
    const QByteArray response = QByteArray(1, '\0') + user.toUtf8() + '\0' + password.toUtf8();
    return response.toBase64();
}

QByteArray cramMd5(const QString &user, const QString &password, const QByteArray &challengeBase64)
{
    const QByteArray challenge = QByteArray::fromBase64(challengeBase64);
    const QByteArray digest
        = QMessageAuthenticationCode::hash(challenge, password.toUtf8(), QCryptographicHash::Md5)
              .toHex();
    const QByteArray response = user.toUtf8() + ' ' + digest;
    return response.toBase64();
}

} // namespace SmtpClientProtocol
