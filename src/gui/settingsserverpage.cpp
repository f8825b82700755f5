// The Server page of the settings dialog (see settingsserverpage.h).
#include "settingsserverpage.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLocale>
#include <QSet>
#include <QSignalBlocker>
#include <QSslCertificate>

#include <algorithm>
#include <functional>
#include <optional>

#include <smtpmessage.h>

using namespace SettingsUi;

namespace {

// Removes the rows of every selected range, bottom up so that the row numbers stay right.
void removeSelectedRows(QTableWidget *table)
{
    QList<int> rows;
    const auto ranges = table->selectedRanges();
    for (const QTableWidgetSelectionRange &range : ranges) {
        for (int row = range.topRow(); row <= range.bottomRow(); ++row)
            rows.append(row);
    }
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (int row : std::as_const(rows))
        table->removeRow(row);
}

} // namespace

ServerPage::ServerPage(QWidget *parent)
    : SettingsPage(parent)
{
    ui.setupUi(this);
    ui.hostnameEdit->setPlaceholderText(SmtpServerConfig::defaultHostname());
    ui.smtpAddressEdit->setPlaceholderText(SmtpListenerConfig::defaultAddress());
    // The ranges are the configuration's.
    ui.idleTimeoutSpin->setRange(1, SmtpServerConfig::MaxIdleTimeout);
    ui.maxConnectionsSpin->setRange(1, SmtpServerConfig::MaxMaxConnections);
    ui.maxMessageSizeSpin->setRange(1, double(SmtpServerConfig::MaxMaxMessageSize));
    ui.credentialsTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    QHeaderView *listenersHeader = ui.extraListenersTable->horizontalHeader();
    listenersHeader->setSectionResizeMode(AddressColumn, QHeaderView::Stretch);
    listenersHeader->setSectionResizeMode(MailboxColumn, QHeaderView::Stretch);
    listenersHeader->setSectionResizeMode(SmtpsColumn, QHeaderView::ResizeToContents);

    for (QLineEdit *edit : { ui.smtpAddressEdit, ui.smtpsAddressEdit, ui.hostnameEdit,
             ui.certificateEdit, ui.keyEdit })
        connect(edit, &QLineEdit::textChanged, this, &SettingsPage::changed);
    for (QLineEdit *edit : { ui.smtpMailboxEdit, ui.smtpsMailboxEdit }) {
        connect(edit, &QLineEdit::textChanged, this, &ServerPage::updateListenerState);
        connect(edit, &QLineEdit::textChanged, this, &SettingsPage::changed);
    }
    connect(ui.extraListenersTable, &QTableWidget::itemChanged, this, [this] {
        updateListenerState();
        Q_EMIT changed();
    });
    connect(ui.extraListenersTable, &QTableWidget::itemSelectionChanged, this,
        &ServerPage::updateEnabled);
    connect(ui.addListenerButton, &QPushButton::clicked, this, &ServerPage::addListener);
    connect(ui.removeListenerButton, &QPushButton::clicked, this, &ServerPage::removeListeners);
    for (QSpinBox *spin :
        { ui.smtpPortSpin, ui.smtpsPortSpin, ui.idleTimeoutSpin, ui.maxConnectionsSpin })
        connect(spin, &QSpinBox::valueChanged, this, &SettingsPage::changed);
    connect(ui.maxMessageSizeSpin, &QDoubleSpinBox::valueChanged, this, [this](double bytes) {
        ui.maxMessageSizeHint->setText(byteSize(qint64(bytes)));
        Q_EMIT changed();
    });
    for (QAbstractButton *button :
        std::initializer_list<QAbstractButton *> { ui.smtpsEnabledCheck, ui.requireTlsCheck,
            ui.authOffRadio, ui.authAcceptAnyRadio, ui.authCredentialsRadio }) {
        connect(button, &QAbstractButton::toggled, this, &ServerPage::updateEnabled);
        connect(button, &QAbstractButton::toggled, this, &SettingsPage::changed);
    }
    connect(ui.certificateEdit, &QLineEdit::textChanged, this, &ServerPage::updateTlsStatus);
    connect(ui.keyEdit, &QLineEdit::textChanged, this, &ServerPage::updateTlsStatus);
    connect(ui.certificateBrowseButton, &QPushButton::clicked, this,
        [this] { browse(ui.certificateEdit, tr("TLS Certificate")); });
    connect(ui.keyBrowseButton, &QPushButton::clicked, this,
        [this] { browse(ui.keyEdit, tr("TLS Private Key")); });
    connect(ui.credentialsTable, &QTableWidget::itemChanged, this, &SettingsPage::changed);
    connect(
        ui.credentialsTable, &QTableWidget::itemSelectionChanged, this, &ServerPage::updateEnabled);
    connect(ui.addCredentialButton, &QPushButton::clicked, this, &ServerPage::addCredential);
    connect(ui.removeCredentialButton, &QPushButton::clicked, this, &ServerPage::removeCredentials);
    updateTlsStatus();
    updateEnabled();
}

void ServerPage::reset(const AppSettings &s)
{
    const SmtpServerConfig &c = s.server;
    // The form has one SMTP and one SMTPS listener: the first of each kind.
    SmtpListenerConfig plain;
    std::optional<SmtpListenerConfig> tls;
    bool plainSeen = false;
    const QList<SmtpListenerConfig> listeners = c.listeners();
    for (const SmtpListenerConfig &listener : listeners) {
        if (listener.isImplicitTls() && !tls)
            tls = listener;
        else if (!listener.isImplicitTls() && !plainSeen) {
            plain = listener;
            plainSeen = true;
        }
    }
    ui.smtpAddressEdit->setText(plain.address());
    ui.smtpPortSpin->setValue(plain.port());
    ui.smtpMailboxEdit->setText(plain.mailbox());
    ui.smtpsMailboxEdit->setText(tls ? tls->mailbox() : QString());
    ui.smtpsEnabledCheck->setChecked(bool(tls));
    // Empty stands for "the SMTP address".
    ui.smtpsAddressEdit->setText(
        tls && tls->address() != plain.address() ? tls->address() : QString());
    ui.smtpsPortSpin->setValue(tls ? tls->port() : SmtpListenerConfig::DefaultImplicitTlsPort);
    ui.hostnameEdit->setText(c.hostname());
    ui.certificateEdit->setText(c.tlsCertificateFile());
    ui.keyEdit->setText(c.tlsKeyFile());
    ui.requireTlsCheck->setChecked(c.requireTls());
    switch (c.authMode()) {
    case SmtpServer::AuthMode::Off:
        ui.authOffRadio->setChecked(true);
        break;
    case SmtpServer::AuthMode::AcceptAny:
        ui.authAcceptAnyRadio->setChecked(true);
        break;
    case SmtpServer::AuthMode::Credentials:
        ui.authCredentialsRadio->setChecked(true);
        break;
    }
    const QHash<QString, QString> credentials = c.credentials();
    QStringList users = credentials.keys();
    users.sort(Qt::CaseInsensitive);
    ui.credentialsTable->setRowCount(0);
    for (const QString &user : std::as_const(users)) {
        const int row = ui.credentialsTable->rowCount();
        ui.credentialsTable->insertRow(row);
        ui.credentialsTable->setItem(row, 0, new QTableWidgetItem(user));
        ui.credentialsTable->setItem(row, 1, new QTableWidgetItem(credentials.value(user)));
    }
    ui.maxMessageSizeSpin->setValue(double(c.maxMessageSize()));
    ui.maxMessageSizeHint->setText(byteSize(c.maxMessageSize()));
    ui.idleTimeoutSpin->setValue(c.idleTimeout());
    ui.maxConnectionsSpin->setValue(c.maxConnections());
    {
        const QSignalBlocker blocker(ui.extraListenersTable);
        const QList<SmtpListenerConfig> extras = AppSettings::extraListeners(c);
        ui.extraListenersTable->setRowCount(0);
        for (const SmtpListenerConfig &listener : extras) {
            const int row = ui.extraListenersTable->rowCount();
            ui.extraListenersTable->insertRow(row);
            setListenerRow(row, listener);
        }
    }
    updateListenerState();
    updateTlsStatus();
    updateEnabled();
}

void ServerPage::apply(AppSettings *s) const
{
    SmtpServerConfig &c = s->server;
    SmtpListenerConfig plain(ui.smtpAddressEdit->text(), ui.smtpPortSpin->value());
    plain.setMailbox(ui.smtpMailboxEdit->text());
    QList<SmtpListenerConfig> listeners { plain };
    if (ui.smtpsEnabledCheck->isChecked()) {
        const QString address = ui.smtpsAddressEdit->text().isEmpty() ? ui.smtpAddressEdit->text()
                                                                      : ui.smtpsAddressEdit->text();
        SmtpListenerConfig tls(address, ui.smtpsPortSpin->value(), true);
        tls.setMailbox(ui.smtpsMailboxEdit->text());
        listeners.append(tls);
    }
    // Invalid rows too: the settings then differ from the applied ones, and problem() refuses.
    for (int row = 0; row < ui.extraListenersTable->rowCount(); ++row) {
        SmtpListenerConfig listener;
        rowListener(row, &listener, nullptr);
        listeners.append(listener);
    }
    c.setListeners(listeners);
    c.setHostname(ui.hostnameEdit->text());
    c.setTlsCertificateFile(ui.certificateEdit->text());
    c.setTlsKeyFile(ui.keyEdit->text());
    c.setRequireTls(ui.requireTlsCheck->isChecked());
    if (ui.authCredentialsRadio->isChecked())
        c.setAuthMode(SmtpServer::AuthMode::Credentials);
    else if (ui.authAcceptAnyRadio->isChecked())
        c.setAuthMode(SmtpServer::AuthMode::AcceptAny);
    else
        c.setAuthMode(SmtpServer::AuthMode::Off);
    QHash<QString, QString> credentials;
    for (int row = 0; row < ui.credentialsTable->rowCount(); ++row) {
        const QTableWidgetItem *user = ui.credentialsTable->item(row, 0);
        const QTableWidgetItem *password = ui.credentialsTable->item(row, 1);
        if (user && !user->text().isEmpty())
            credentials.insert(user->text(), password ? password->text() : QString());
    }
    c.setCredentials(credentials);
    c.setMaxMessageSize(qint64(ui.maxMessageSizeSpin->value()));
    c.setIdleTimeout(ui.idleTimeoutSpin->value());
    c.setMaxConnections(ui.maxConnectionsSpin->value());
}

QString ServerPage::problem() const
{
    // What only the table can get wrong; the rest is the configuration's to say.
    if (ui.authCredentialsRadio->isChecked()) {
        QSet<QString> seen;
        for (int row = 0; row < ui.credentialsTable->rowCount(); ++row) {
            const QTableWidgetItem *user = ui.credentialsTable->item(row, 0);
            const QTableWidgetItem *password = ui.credentialsTable->item(row, 1);
            const QString name = user ? user->text() : QString();
            if (name.isEmpty()) {
                if (password && !password->text().isEmpty())
                    return tr("A user in the AUTH table has a password but no name.");
                continue;
            }
            if (seen.contains(name))
                return tr("The user “%1” is in the AUTH table twice.").arg(name);
            seen.insert(name);
        }
    }
    for (int row = 0; row < ui.extraListenersTable->rowCount(); ++row) {
        QString problem;
        if (!rowListener(row, nullptr, &problem))
            return tr("Listener %1 of the table: %2").arg(row + 1).arg(problem);
    }
    AppSettings s;
    apply(&s);
    const QStringList problems = s.server.validate();
    return problems.isEmpty() ? QString() : problems.constFirst();
}

ServerPage::PemCheck ServerPage::checkCertificate(const QString &fileName)
{
    PemCheck check;
    check.problem = SmtpServerConfig::certificateFileProblem(fileName);
    if (!check.problem.isEmpty())
        return check;
    // Readable, as the configuration said: what it is, for the user to recognise.
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(fileName, QSsl::Pem);
    if (chain.isEmpty())
        return check;
    const QSslCertificate &certificate = chain.constFirst();
    QString subject
        = certificate.subjectInfo(QSslCertificate::CommonName).join(QStringLiteral(", "));
    if (subject.isEmpty())
        subject = certificate.subjectDisplayName();
    const QString expiry
        = QLocale().toString(certificate.expiryDate().toLocalTime().date(), QLocale::ShortFormat);
    if (certificate.expiryDate() < QDateTime::currentDateTimeUtc()) {
        check.warning = true;
        check.summary
            = tr("Certificate for %1, expired on %2: clients that check it will refuse it")
                  .arg(subject, expiry);
    } else {
        check.summary = tr("Certificate for %1, valid until %2").arg(subject, expiry);
    }
    if (chain.size() > 1)
        check.summary += tr(" (and %n more in the chain)", nullptr, int(chain.size() - 1));
    return check;
}

ServerPage::PemCheck ServerPage::checkKey(const QString &fileName, const QString &certificate)
{
    PemCheck check;
    check.problem = SmtpServerConfig::keyFileProblem(fileName);
    if (!check.problem.isEmpty())
        return check;
    if (certificate.isEmpty() || !SmtpServerConfig::certificateFileProblem(certificate).isEmpty()) {
        check.summary = tr("An unencrypted private key");
        return check;
    }
    // Whether the two belong together is the configuration's check too.
    SmtpServerConfig pair;
    pair.setTlsCertificateFile(certificate);
    pair.setTlsKeyFile(fileName);
    const QList<SmtpServerConfig::Problem> problems = pair.problems();
    for (const SmtpServerConfig::Problem &problem : problems) {
        if (problem.setting == SmtpServerConfig::Setting::TlsKey) {
            check.problem = problem.text;
            return check;
        }
    }
    check.summary = tr("An unencrypted private key that belongs to the certificate");
    return check;
}

void ServerPage::showPemCheck(QLabel *label, const QString &fileName, const PemCheck &check)
{
    if (fileName.isEmpty())
        showStatus(label, {});
    else if (!check.problem.isEmpty())
        showStatus(label, check.problem, Tone::Bad);
    else
        showStatus(label, check.summary, check.warning ? Tone::Bad : Tone::Good);
}

void ServerPage::updateTlsStatus()
{
    const QString certificate = ui.certificateEdit->text();
    const QString key = ui.keyEdit->text();
    showPemCheck(ui.certificateStatusLabel, certificate,
        certificate.isEmpty() ? PemCheck() : checkCertificate(certificate));
    showPemCheck(ui.keyStatusLabel, key, key.isEmpty() ? PemCheck() : checkKey(key, certificate));
}

void ServerPage::updateEnabled()
{
    const bool smtps = ui.smtpsEnabledCheck->isChecked();
    for (QWidget *widget :
        std::initializer_list<QWidget *> { ui.smtpsAddressLabel, ui.smtpsAddressEdit,
            ui.smtpsPortLabel, ui.smtpsPortSpin, ui.smtpsMailboxLabel, ui.smtpsMailboxEdit })
        widget->setEnabled(smtps);
    const bool credentials = ui.authCredentialsRadio->isChecked();
    ui.credentialsTable->setEnabled(credentials);
    ui.addCredentialButton->setEnabled(credentials);
    ui.removeCredentialButton->setEnabled(
        credentials && !ui.credentialsTable->selectedItems().isEmpty());
    ui.removeListenerButton->setEnabled(!ui.extraListenersTable->selectedItems().isEmpty());
}

void ServerPage::browse(QLineEdit *edit, const QString &title)
{
    const QString start = edit->text().isEmpty() ? QString() : QFileInfo(edit->text()).path();
    const QString fileName = QFileDialog::getOpenFileName(
        this, title, start, tr("PEM files (*.pem *.crt *.cer *.key);;All files (*)"));
    if (!fileName.isEmpty())
        edit->setText(fileName);
}

void ServerPage::addCredential()
{
    const int row = ui.credentialsTable->rowCount();
    ui.credentialsTable->insertRow(row);
    ui.credentialsTable->setItem(row, 0, new QTableWidgetItem);
    ui.credentialsTable->setItem(row, 1, new QTableWidgetItem);
    ui.credentialsTable->setCurrentCell(row, 0);
    ui.credentialsTable->editItem(ui.credentialsTable->item(row, 0));
    Q_EMIT changed();
}

void ServerPage::removeCredentials()
{
    removeSelectedRows(ui.credentialsTable);
    updateEnabled();
    Q_EMIT changed();
}

bool ServerPage::rowListener(int row, SmtpListenerConfig *listener, QString *problem) const
{
    const QTableWidget *table = ui.extraListenersTable;
    const auto text = [table, row](int column) {
        const QTableWidgetItem *item = table->item(row, column);
        return item ? item->text().trimmed() : QString();
    };
    const QTableWidgetItem *smtps = table->item(row, SmtpsColumn);
    const bool implicitTls = smtps && smtps->checkState() == Qt::Checked;
    SmtpListenerConfig result;
    QString error;
    // ADDR:PORT as the command line reads it; the mailbox has a column of its own.
    const bool parsed
        = SmtpListenerConfig::fromString(text(AddressColumn), implicitTls, &result, &error);
    if (!parsed)
        result = SmtpListenerConfig(text(AddressColumn), -1, implicitTls);
    result.setMailbox(text(MailboxColumn));
    if (parsed) {
        const QStringList problems = result.validate();
        error = problems.isEmpty() ? QString() : problems.constFirst();
    }
    if (listener)
        *listener = result;
    if (problem)
        *problem = error;
    return error.isEmpty();
}

void ServerPage::setListenerRow(int row, const SmtpListenerConfig &listener)
{
    QTableWidget *table = ui.extraListenersTable;
    table->setItem(row, AddressColumn, new QTableWidgetItem(listener.toString()));
    table->setItem(row, MailboxColumn, new QTableWidgetItem(listener.mailbox()));
    auto *smtps = new QTableWidgetItem;
    smtps->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    smtps->setCheckState(listener.isImplicitTls() ? Qt::Checked : Qt::Unchecked);
    smtps->setToolTip(tr("Implicit TLS (needs the certificate and key below)"));
    table->setItem(row, SmtpsColumn, smtps);
}

void ServerPage::addListener()
{
    // On this computer only, on a port no other listener of the page has yet.
    QSet<int> taken { ui.smtpPortSpin->value(), ui.smtpsPortSpin->value() };
    for (int row = 0; row < ui.extraListenersTable->rowCount(); ++row) {
        SmtpListenerConfig listener;
        rowListener(row, &listener, nullptr);
        taken.insert(listener.port());
    }
    int port = SmtpListenerConfig::DefaultPort + 1;
    while (taken.contains(port) && port < 65535)
        ++port;
    const int row = ui.extraListenersTable->rowCount();
    {
        const QSignalBlocker blocker(ui.extraListenersTable);
        ui.extraListenersTable->insertRow(row);
        setListenerRow(row, SmtpListenerConfig(SmtpListenerConfig::defaultAddress(), port));
    }
    updateListenerState();
    ui.extraListenersTable->setCurrentCell(row, MailboxColumn);
    ui.extraListenersTable->editItem(ui.extraListenersTable->item(row, MailboxColumn));
    Q_EMIT changed();
}

void ServerPage::removeListeners()
{
    removeSelectedRows(ui.extraListenersTable);
    updateListenerState();
    updateEnabled();
    Q_EMIT changed();
}

void ServerPage::updateListenerState()
{
    QTableWidget *table = ui.extraListenersTable;
    const QSignalBlocker blocker(table); // colouring an item is no edit
    QString first;
    for (int row = 0; row < table->rowCount(); ++row) {
        QString problem;
        const bool valid = rowListener(row, nullptr, &problem);
        if (!valid && first.isEmpty())
            first = tr("Listener %1 of the table: %2").arg(row + 1).arg(problem);
        for (int column : { AddressColumn, MailboxColumn }) {
            QTableWidgetItem *item = table->item(row, column);
            if (!item)
                continue;
            item->setData(
                Qt::ForegroundRole, valid ? QVariant() : QVariant(toneColor(table, Tone::Bad)));
            item->setToolTip(problem);
        }
    }
    showStatus(ui.extraListenersStatusLabel, first, Tone::Bad);
    // The two mailbox fields: an invalid name in red, as on the Rules page.
    for (QLineEdit *edit : { ui.smtpMailboxEdit, ui.smtpsMailboxEdit }) {
        QPalette palette;
        if (!edit->text().isEmpty() && !SmtpMessage::isValidMailboxName(edit->text()))
            palette.setColor(QPalette::Text, toneColor(edit, Tone::Bad));
        edit->setPalette(palette);
    }
}
