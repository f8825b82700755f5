// The options a GUI test starts the desktop window with: SMTP on a port the system picks, the
// store in memory, as if given on the command line (so the saved settings do not move them).
#pragma once

#include <appoptions.h>

inline AppOptions testWindowOptions()
{
    AppOptions options;
    options.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    options.database = QStringLiteral(":memory:");
    options.given = QStringList { "smtp", "database" };
    return options;
}
