// The store's own encoding of the typed values in its text columns (JSON, never seen outside
// src/core/store): the envelope recipients, the part tree, the attachments and the checks. The
// formats of rcpt_tos, parts and attachments are those of every schema-3 store; checks gained
// facts (kind + numbers) where the first schema-3 stores kept an English sentence.
#pragma once

#include "smtpmessagecheck.h"
#include "smtpmimepart.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace StoreEncoding {

// rcpt_tos: ["a@x.test","b@x.test"]
SMTPRECEIVER_TEST_EXPORT QString recipients(const QStringList &rcptTos);
SMTPRECEIVER_TEST_EXPORT QStringList recipientsFrom(const QByteArray &json);

// parts: the tree flattened depth-first, [{"index","parent","depth","type","charset",
// "encoding","disposition","name","contentId","size"}]
SMTPRECEIVER_TEST_EXPORT QString parts(const SmtpMimePart &root);
// attachments: [{"part","name","type","size","contentId","inline"}]
SMTPRECEIVER_TEST_EXPORT QString attachments(const SmtpMimePart &root);
// The tree from the parts and attachments columns; not valid when there are no parts.
SMTPRECEIVER_TEST_EXPORT SmtpMimePart partTree(
    const QByteArray &partsJson, const QByteArray &attachmentsJson);

// checks: [{"kind":"bare-lf","line":8,"occurrences":2}], facts left out when 0, -1 or "".
QString checks(const QList<SmtpMessageCheck> &checks);
// The checks column. Stores written before checks had facts hold [{"kind","detail"}]: then
// *sentences is true, and *kinds lists the kind names, for the caller to run the checks again.
QList<SmtpMessageCheck> checksFrom(
    const QByteArray &json, bool *sentences = nullptr, QStringList *kinds = nullptr);

} // namespace StoreEncoding
