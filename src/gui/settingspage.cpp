// The helpers the settings pages share: status lines under fields and their colours.
#include "settingspage.h"

#include <QLabel>
#include <QLocale>

namespace SettingsUi {

QColor toneColor(const QWidget *widget, Tone tone)
{
    const bool dark = widget->palette().color(QPalette::Window).lightness() < 128;
    if (tone == Tone::Bad)
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x39, 0x2b);
    return dark ? QColor(0x7e, 0xe7, 0x87) : QColor(0x1e, 0x84, 0x49);
}

// A status line under a field: hidden when empty, red for a problem, green for a good sign.
void showStatus(QLabel *label, const QString &text, Tone tone)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
    label->setPalette(QPalette());
    if (tone != Tone::Neutral) {
        QPalette palette = label->palette();
        palette.setColor(QPalette::WindowText, toneColor(label, tone));
        label->setPalette(palette);
    }
}

QString byteSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

} // namespace SettingsUi
