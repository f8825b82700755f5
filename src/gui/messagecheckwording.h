// How the Checks tab words a message check in the user's language: a title from its kind and a
// sentence from its facts (line, count, part, excerpt). Core hands out only the facts.
#pragma once

#include <smtpmessagecheck.h>

#include <QCoreApplication>
#include <QString>

class MessageCheckWording
{
    Q_DECLARE_TR_FUNCTIONS(MessageCheckWording)
public:
    static QString title(const SmtpMessageCheck &check); // "Bare line feed"
    // "2 bare line feeds (LF without CR); the first ends line 8"
    static QString detail(const SmtpMessageCheck &check);
};
