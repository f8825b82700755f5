// Installing the window's translators: Qt's own strings and smtp-receiver's in the user's
// language, with English plural forms ("1 message", "4 messages") for every language that has no
// translation of its own.
#pragma once

class QCoreApplication;

// Installs the translators into app (which owns them). Call once, before any window exists.
void installTranslators(QCoreApplication *app);
