#include "smtprecipient.h"

#include "smtpconnection.h"
#include "smtpmessage.h"
#include "smtprecipient_p.h"

SmtpRecipient::SmtpRecipient(QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpRecipientPrivate)
{ }

SmtpRecipient::~SmtpRecipient() = default;

QString SmtpRecipient::address() const
{
    return d_func()->address;
}
QString SmtpRecipient::mailFrom() const
{
    return d_func()->mailFrom;
}
QString SmtpRecipient::remoteAddress() const
{
    return d_func()->remoteAddress;
}
QString SmtpRecipient::helo() const
{
    return d_func()->helo;
}
bool SmtpRecipient::isVerify() const
{
    return d_func()->verify;
}
bool SmtpRecipient::isAnswered() const
{
    return d_func()->answered;
}

QString SmtpRecipient::mailbox() const
{
    return d_func()->mailbox;
}
void SmtpRecipient::setMailbox(const QString &name)
{
    if (name.isEmpty() || SmtpMessage::isValidMailboxName(name))
        d_func()->mailbox = name;
}

bool SmtpRecipient::relay() const
{
    return d_func()->relay;
}
void SmtpRecipient::setRelay(bool relay)
{
    d_func()->relay = relay;
}

void SmtpRecipient::accept(const QString &address)
{
    Q_D(SmtpRecipient);
    d->answer(this, true, address.isEmpty() ? d->address : address, {});
}

void SmtpRecipient::reject(int code, const QString &text)
{
    d_func()->answer(this, false, {}, SmtpReply::rejection(code, text.toUtf8()));
}

void SmtpRecipientPrivate::answer(
    SmtpRecipient *q, bool accepted, const QString &answerAddress, const SmtpReply &rejection)
{
    if (answered)
        return; // the first answer counts
    answered = true;
    timeout.stop();
    if (connection)
        connection->answerRecipient(accepted, answerAddress, rejection, mailbox, relay);
    Q_EMIT q->finished();
    q->deleteLater();
}

void SmtpRecipientPrivate::giveUp(SmtpRecipient *q)
{
    if (answered)
        return;
    answered = true;
    if (connection)
        connection->recipientUndecided();
    Q_EMIT q->finished();
    q->deleteLater();
}

SmtpRecipient *SmtpRecipientPrivate::create(SmtpConnection *connection, const QString &address,
    const QString &mailFrom, bool verify, int timeoutMs)
{
    // Parented to nothing: the request may outlive the connection (an answer after the client
    // left is harmless); it deletes itself once answered.
    auto *request = new SmtpRecipient;
    SmtpRecipientPrivate *d = request->d_func();
    d->address = address;
    d->mailFrom = mailFrom;
    d->remoteAddress = connection->remoteAddress();
    d->helo = QString::fromUtf8(connection->helo());
    d->verify = verify;
    d->connection = connection;
    d->timeout.setSingleShot(true);
    QObject::connect(&d->timeout, &QTimer::timeout, request, [request, d] { d->giveUp(request); });
    d->timeout.start(timeoutMs);
    return request;
}
