#include "smtplog.h"

Q_LOGGING_CATEGORY(lcSmtpServer, "smtpreceiver.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSmtpConnection, "smtpreceiver.connection", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSmtpSink, "smtpreceiver.sink", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSmtpStore, "smtpreceiver.store", QtInfoMsg)
