// Logging categories, one per component: QT_LOGGING_RULES="smtpreceiver.*.debug=true".
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcSmtpServer)
Q_DECLARE_LOGGING_CATEGORY(lcSmtpConnection)
Q_DECLARE_LOGGING_CATEGORY(lcSmtpSink)
Q_DECLARE_LOGGING_CATEGORY(lcSmtpStore)
