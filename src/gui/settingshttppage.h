// The HTTP API page of the settings dialog: whether the Mailpit-compatible API is served, on
// which address, with which Basic auth user and CORS origin (HttpApiSettings). It says at once
// when the address cannot be used, and warns when it lets other machines read the caught mail.
#pragma once

#include "settingspage.h"
#include "ui_settingshttppage.h"

class HttpPage : public SettingsPage
{
    Q_OBJECT
public:
    explicit HttpPage(QWidget *parent = nullptr);
    void reset(const AppSettings &settings) override;
    void apply(AppSettings *settings) const override;
    QString problem() const override;

private:
    HttpApiSettings shown() const; // what the widgets show, over m_others
    void updateState();

    Ui::SettingsHttpPage ui;
    HttpApiSettings m_others; // what the page does not show (the command line's allowed hosts)
};
