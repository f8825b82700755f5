// SettingsPage: what every page of the settings dialog offers, in the manner of Kate's config
// pages: reset() shows settings, apply() writes what the page shows, defaults() shows the
// defaults, problem() names what keeps the page from being applied, changed() says that the
// user edited something. Also the small helpers the pages share for status lines.
#pragma once

#include "appsettings.h"

#include <QColor>
#include <QWidget>

class QLabel;

class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;
    // Shows these settings (the dialog passes those in effect, or the defaults).
    virtual void reset(const AppSettings &settings) = 0;
    // Writes what the page shows into *settings; the rest of *settings stays.
    virtual void apply(AppSettings *settings) const = 0;
    // Shows the defaults.
    void defaults() { reset(AppSettings::defaults()); }
    // A sentence naming what keeps the page from being applied; empty when it can be.
    virtual QString problem() const { return {}; }

Q_SIGNALS:
    void changed();
};

namespace SettingsUi {

enum class Tone { Neutral, Good, Bad };

// A text colour for a good or bad sign, readable on light and on dark palettes alike.
QColor toneColor(const QWidget *widget, Tone tone);
// A status line under a field: hidden when empty, red for a problem, green for a good sign.
void showStatus(QLabel *label, const QString &text, Tone tone = Tone::Neutral);
// "25.0 MiB"
QString byteSize(qint64 bytes);

} // namespace SettingsUi
