// What SmtpServerConfig and SmtpServer share inside the library: reading the TLS files into a
// QSslConfiguration, so that the check that validate() makes and what the server loads are one.
#pragma once

#include "smtpserverconfig.h"

class QSslConfiguration;

// Reads the certificate chain and the private key; false with *problem set (the same sentence
// that validate() gives) when either cannot be used or they do not belong together.
bool smtpLoadTlsFiles(const QString &certificateFile, const QString &keyFile,
    QSslConfiguration *configuration, SmtpServerConfig::Problem *problem);

// Reads a JSON rules file; false with *problem set (validate()'s sentence) when it cannot be used.
bool smtpLoadRulesFile(const QString &fileName, SmtpRuleSet *rules, QString *problem);
