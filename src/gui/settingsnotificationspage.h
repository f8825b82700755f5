// The Notifications and Tray page of the settings dialog.
#pragma once

#include "settingspage.h"
#include "ui_settingsnotificationspage.h"

class NotificationsPage : public SettingsPage
{
    Q_OBJECT
public:
    explicit NotificationsPage(QWidget *parent = nullptr);
    void reset(const AppSettings &settings) override;
    void apply(AppSettings *settings) const override;

private:
    Ui::SettingsNotificationsPage ui;
};
