// A message's List-Unsubscribe header checked as Mailpit checks it (RFC 2369 and RFC 8058):
// the Message's ListUnsubscribe object.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace MailpitUnsubscribe {

struct Result
{
    QStringList links; // the <...> targets that passed, in order
    QString errors; // "" or what is wrong with the header, one sentence per problem
};

// The links of a List-Unsubscribe value: each in <>, separated by commas, comments ignored,
// at most one mailto: and one http(s): link.
SMTPRECEIVERHTTP_TEST_EXPORT Result parse(const QString &header);

// {"Header", "Links", "Errors", "HeaderPost"} from the two headers' values ("" when absent).
SMTPRECEIVERHTTP_TEST_EXPORT QJsonObject json(const QString &header, const QString &headerPost);

} // namespace MailpitUnsubscribe
