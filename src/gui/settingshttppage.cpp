// The HTTP API page of the settings dialog (see settingshttppage.h).
#include "settingshttppage.h"

using namespace SettingsUi;

HttpPage::HttpPage(QWidget *parent)
    : SettingsPage(parent)
{
    ui.setupUi(this);
    ui.httpAddressEdit->setPlaceholderText(HttpApiSettings::defaultAddress());
    ui.httpCorsEdit->setPlaceholderText(tr("none"));
    connect(ui.httpEnabledCheck, &QCheckBox::toggled, this, &HttpPage::updateState);
    connect(ui.httpEnabledCheck, &QCheckBox::toggled, this, &SettingsPage::changed);
    for (QLineEdit *edit :
        { ui.httpAddressEdit, ui.httpUserEdit, ui.httpPasswordEdit, ui.httpCorsEdit }) {
        connect(edit, &QLineEdit::textChanged, this, &HttpPage::updateState);
        connect(edit, &QLineEdit::textChanged, this, &SettingsPage::changed);
    }
    updateState();
}

void HttpPage::reset(const AppSettings &s)
{
    m_others = s.http;
    ui.httpEnabledCheck->setChecked(s.http.enabled);
    ui.httpAddressEdit->setText(s.http.address);
    ui.httpUserEdit->setText(s.http.user);
    ui.httpPasswordEdit->setText(s.http.password);
    ui.httpCorsEdit->setText(s.http.corsOrigin);
    updateState();
}

HttpApiSettings HttpPage::shown() const
{
    HttpApiSettings s = m_others;
    s.enabled = ui.httpEnabledCheck->isChecked();
    // An emptied field stands for the suggested address its placeholder shows.
    const QString address = ui.httpAddressEdit->text().trimmed();
    s.address = address.isEmpty() ? HttpApiSettings::defaultAddress() : address;
    s.user = ui.httpUserEdit->text();
    s.password = ui.httpPasswordEdit->text();
    s.corsOrigin = ui.httpCorsEdit->text().trimmed();
    return s;
}

void HttpPage::apply(AppSettings *s) const
{
    s->http = shown();
}

QString HttpPage::problem() const
{
    return shown().problem();
}

void HttpPage::updateState()
{
    const bool on = ui.httpEnabledCheck->isChecked();
    for (QWidget *widget : std::initializer_list<QWidget *> {
             ui.httpAddressLabel, ui.httpAddressEdit, ui.httpAccessGroup })
        widget->setEnabled(on);
    const HttpApiSettings s = shown();
    const QString problem = s.problem();
    if (!on)
        showStatus(ui.httpStatusLabel, {});
    else if (!problem.isEmpty())
        showStatus(ui.httpStatusLabel, problem, Tone::Bad);
    else if (s.isExposed())
        showStatus(ui.httpStatusLabel,
            s.user.isEmpty()
                ? tr("Not a loopback address: anyone who can reach this computer over the "
                     "network can read the caught mail. Set a user and password, or use "
                     "127.0.0.1.")
                : tr("Not a loopback address: anyone who can reach this computer over the "
                     "network and knows the user and password can read the caught mail."),
            Tone::Bad);
    else
        showStatus(ui.httpStatusLabel, {});
}
