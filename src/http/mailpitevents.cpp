// Store signals to Mailpit event frames.
#include "mailpitevents.h"

MailpitEvents::MailpitEvents(SmtpMessageStore *store, QObject *parent)
    : QObject(parent)
{
    Q_UNUSED(store);
}
