// The library's own classes, made known to QML without giving SmtpReceiver::Core a Qt Qml
// dependency (QML_FOREIGN): the core stays usable by programs that have no QML at all.
#pragma once

#include <smtpinboxmodel.h>
#include <smtpmessage.h>
#include <smtpmessagestore.h>
#include <smtpmessagesummary.h>
#include <smtprecipient.h>
#include <smtpserver.h>
#include <smtpstoredmessage.h>

#include <QtQml/qqml.h>

// What onMessage receives: read its properties (msg.subject, msg.rcpttos, ...).
struct ForeignSmtpMessage
{
    Q_GADGET
    QML_FOREIGN(SmtpMessage)
    QML_VALUE_TYPE(smtpMessage)
    QML_UNCREATABLE("SmtpMessage values come from SmtpServer.message")
};

struct ForeignSmtpMessageSummary
{
    Q_GADGET
    QML_FOREIGN(SmtpMessageSummary)
    QML_VALUE_TYPE(smtpMessageSummary)
    QML_UNCREATABLE("summaries come from SmtpInboxModel")
};

// A stored message and its parts, headers and checks, should C++ hand one to QML: read their
// properties (m.headers, m.rootPart.children, check.name, ...).
struct ForeignSmtpStoredMessage
{
    Q_GADGET
    QML_FOREIGN(SmtpStoredMessage)
    QML_VALUE_TYPE(smtpStoredMessage)
    QML_UNCREATABLE("stored messages come from the store")
};

struct ForeignSmtpMimePart
{
    Q_GADGET
    QML_FOREIGN(SmtpMimePart)
    QML_VALUE_TYPE(smtpMimePart)
    QML_UNCREATABLE("parts come from a stored message")
};

struct ForeignSmtpHeaderField
{
    Q_GADGET
    QML_FOREIGN(SmtpHeaderField)
    QML_VALUE_TYPE(smtpHeaderField)
    QML_UNCREATABLE("header fields come from a stored message")
};

struct ForeignSmtpMessageCheck
{
    Q_GADGET
    QML_FOREIGN(SmtpMessageCheck)
    QML_VALUE_TYPE(smtpMessageCheck)
    QML_UNCREATABLE("checks come from a stored message")
};

// What onRecipient receives: call accept(address) or reject(code, text) on it.
struct ForeignSmtpRecipient
{
    Q_GADGET
    QML_FOREIGN(SmtpRecipient)
    QML_NAMED_ELEMENT(SmtpRecipient)
    QML_UNCREATABLE("SmtpRecipient requests come from SmtpServer.recipient")
};

// Base classes of the QML-facing subclasses; their properties and signals are what QML sees.
struct ForeignSmtpServerBase
{
    Q_GADGET
    QML_FOREIGN(SmtpServer)
    QML_ANONYMOUS
};

struct ForeignSmtpMessageStoreBase
{
    Q_GADGET
    QML_FOREIGN(SmtpMessageStore)
    QML_ANONYMOUS
};

// SmtpInboxModel { store: theStore; query: "has:attachment" }: roles id, from, to, subject,
// receivedAt, size, read, unread, hasAttachments, mailfrom, rcpttos, remoteAddress, tls.
struct ForeignSmtpInboxModel
{
    Q_GADGET
    QML_FOREIGN(SmtpInboxModel)
    QML_NAMED_ELEMENT(SmtpInboxModel)
};
