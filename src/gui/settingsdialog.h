// The settings dialog: pages Server, HTTP API, Rules, Relay, Storage, Notifications. Each page can
// load, apply, reset and restore defaults; Apply lights up on any change. Applying calls the
// apply function the owner gives (which reconfigures the running server) and shows its error
// (a port in use, an unreadable certificate) in the dialog instead of closing.
#pragma once

#include "appsettings.h"

#include <QDialog>
#include <functional>

class SettingsDialogPrivate;
class QAbstractButton;

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // apply: makes the settings take effect; returns false with an error text to refuse them.
    using ApplyFunction = std::function<bool(const AppSettings &, QString *errorString)>;

    explicit SettingsDialog(
        const AppSettings &current, ApplyFunction apply, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    AppSettings settings() const; // what the widgets show now
    bool isModified() const; // differs from what was last applied
    QString errorText() const; // the last apply error shown, "" if none

    // The pages, for tests and for opening the dialog at a page.
    enum class Page { Server, HttpApi, Rules, Relay, Storage, Notifications };
    Q_ENUM(Page)
    void setCurrentPage(Page page);
    QWidget *page(Page page) const;

public Q_SLOTS:
    bool apply(); // false when the apply function refused or a field is invalid
    void resetToApplied(); // undo edits since the last apply
    void restoreDefaults(); // the widgets show the defaults (applied only with Apply/OK)
    void accept() override; // apply, then close if that worked

Q_SIGNALS:
    void applied(const AppSettings &settings);
    void modifiedChanged(bool modified);
    void deleteAllRequested(); // Storage page's "Delete all messages"

private:
    Q_DECLARE_PRIVATE(SettingsDialog)
    QScopedPointer<SettingsDialogPrivate> d_ptr;
};
