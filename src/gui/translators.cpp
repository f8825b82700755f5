// Installing the window's translators (see translators.h).
#include "translators.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace {

bool install(QCoreApplication *app, QTranslator *translator, bool loaded)
{
    if (!loaded) {
        delete translator;
        return false;
    }
    translator->setParent(app);
    return QCoreApplication::installTranslator(translator);
}

} // namespace

void installTranslators(QCoreApplication *app)
{
    auto *qt = new QTranslator;
    install(app, qt,
        qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
            QLibraryInfo::path(QLibraryInfo::TranslationsPath)));
    // English is the source language; its file holds only the plural forms of strings written
    // as "%n message(s)". Installed first, so that it is asked last: the user's language wins,
    // and languages without a translation still read "1 message" rather than "1 message(s)".
    auto *english = new QTranslator;
    install(app, english, english->load(QStringLiteral(":/i18n/smtp-receiver_en.qm")));
    auto *own = new QTranslator;
    install(app, own,
        own->load(QLocale(), QStringLiteral("smtp-receiver"), QStringLiteral("_"),
            QStringLiteral(":/i18n")));
}
