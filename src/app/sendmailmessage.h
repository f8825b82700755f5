// The message side of `smtp-receiver sendmail`, kept free of sockets and of stdin so that every
// rule is a pure function with a test: how sendmail reads its input (line ends, the lone dot),
// which addresses -t takes from the header, the fields it adds and removes, and the wire form.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

// Reads a message the way sendmail reads stdin: line by line, LF or CRLF line ends both become
// CRLF, and unless ignoreDots (-i, -oi) a line holding only "." ends the message, so that a
// program may write "." and wait for sendmail without closing the pipe.
class SendmailInput
{
public:
    explicit SendmailInput(bool ignoreDots);

    // One line with its LF (the last line of a stream may have none). Returns false when it was
    // the lone dot that ends the message; the dot is not part of it and later lines are ignored.
    bool addLine(QByteArrayView line);
    bool isFinished() const { return m_finished; }
    const QByteArray &text() const { return m_text; } // every line ends in CRLF

    // A whole stream at once, split at LF and fed to addLine (tests and small inputs).
    static QByteArray read(QByteArrayView stream, bool ignoreDots);

private:
    QByteArray m_text;
    bool m_ignoreDots;
    bool m_finished = false;
};

// The addresses of an RFC 5322 address-list header value (To, Cc, Bcc) or of one sendmail
// argument, which may hold several: "a@b, \"Doe, J\" <j@d>", groups ("team: a@b;", whose name is
// dropped, so "undisclosed-recipients:;" gives none), comments, quoted strings, source routes.
// An element that is no address at all (a display name without <...>) lands in `invalid`.
struct SendmailAddressList
{
    QStringList addresses; // addr-specs as written, possibly without a domain ("root")
    QStringList invalid;

    static SendmailAddressList parse(QByteArrayView value);
};

namespace SendmailAddress {
// The domain of unqualified addresses and of the default sender. Not the host name: the mail
// never leaves the machine, and a fixed name keeps what the catcher shows predictable.
QString localDomain();
// "root" -> "root@domain", as sendmail qualifies local names; an address with a domain stays.
QString qualified(const QString &address, const QString &domain);
// True for local@domain that can stand between < and > in MAIL/RCPT: no controls, no brackets,
// no white space outside a quoted local part.
bool isMailbox(const QString &address);
} // namespace SendmailAddress

// A message split into its header fields (each kept as sent, folding included) and its body.
class SendmailMessage
{
public:
    // text: CRLF lines, as SendmailInput makes them. A leading mbox "From " line is dropped. A
    // line in the header block that is no field and no continuation ends the header; a blank
    // line is put before it so that it stays body (what sendmail does with such input).
    static SendmailMessage parse(QByteArrayView text);

    bool hasField(QByteArrayView name) const; // names compare case-insensitively
    // The unfolded values (folding CRLFs removed) of every field with this name, in order.
    QList<QByteArray> values(QByteArrayView name) const;
    // -t: the addresses of every To, Cc and Bcc field in order, each once.
    SendmailAddressList recipients() const;
    // Removes every field with this name, its continuation lines included.
    void removeFields(QByteArrayView name);
    // Appends "Name: value" at the end of the header.
    void appendField(QByteArrayView name, QByteArrayView value);

    // What sendmail adds to a message that lacks them: From (the sender, with the -F full name
    // when given), Date (now), Message-ID (<uuid@domain>). Fields that are present stay as sent.
    void addMissingFields(const QString &fromAddress, const QString &fullName, const QDateTime &now,
        const QString &domain);

    // The header, the blank line and the body; every line ends in CRLF.
    QByteArray toByteArray() const;

    // RFC 5322 3.3: "Sat, 28 Nov 2026 13:06:24 +0100" in the offset of `time`.
    static QByteArray formatDate(const QDateTime &time);
    // A From value: the address alone, or "Full Name <address>" with the name quoted or, when it
    // is not ASCII, RFC 2047-encoded.
    static QByteArray formatMailbox(const QString &fullName, const QString &address);

private:
    struct Field
    {
        QByteArray name;
        QByteArray lines; // the field as sent: first line and continuation lines, CRLFs included
    };
    QList<Field> m_fields;
    QByteArray m_body; // after the blank line
};
