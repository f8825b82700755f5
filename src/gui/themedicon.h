// Icons for actions: the desktop's icon theme when it has the icon (a native look on KDE and
// GNOME), otherwise the SVG shipped in :/icons, drawn in the palette's text colour so it stays
// visible in dark mode. The shipped SVGs are monochrome line art drawn in #000000.
#pragma once

#include <QIcon>

class QPalette;

QIcon themedIcon(const QString &name, const QPalette &palette);
