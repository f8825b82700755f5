#include "themedicon.h"

#include <QFile>
#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QSvgRenderer>

namespace {

QPixmap render(const QByteArray &svg, int size)
{
    QSvgRenderer renderer(svg);
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    renderer.render(&painter);
    return pixmap;
}

} // namespace

QIcon themedIcon(const QString &name, const QPalette &palette)
{
    if (QIcon::hasThemeIcon(name))
        return QIcon::fromTheme(name);
    QFile file(QStringLiteral(":/icons/") + name + QStringLiteral(".svg"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray svg = file.readAll();
    const auto tinted = [&svg](const QColor &color) {
        QByteArray copy = svg;
        return copy.replace("#000000", color.name().toLatin1());
    };
    const QByteArray normal = tinted(palette.color(QPalette::Active, QPalette::WindowText));
    const QByteArray disabled = tinted(palette.color(QPalette::Disabled, QPalette::WindowText));
    QIcon icon;
    // Sizes toolbars and menus ask for, also at 2x for high-DPI screens.
    for (int size : { 16, 22, 24, 32, 48, 64 }) {
        icon.addPixmap(render(normal, size), QIcon::Normal);
        icon.addPixmap(render(disabled, size), QIcon::Disabled);
    }
    return icon;
}
