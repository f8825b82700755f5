// smtp-receiver: the desktop mail catcher, or with --no-gui its headless server.
#include "commandline.h"
#include "headlessrunner.h"

#include <QCoreApplication>

#include <cstdio>
#include <memory>

namespace {

bool wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArrayView arg(argv[i]);
        if (arg == "--no-gui" || arg == "--list" || arg == "--help" || arg == "-h"
            || arg == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    // Pick the application class before creating one: the headless path never loads the GUI.
    const bool headless = wantsHeadless(argc, argv);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("smtp-receiver"));
    QCoreApplication::setOrganizationName(QStringLiteral("smtp-receiver"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SMTPRECEIVER_VERSION));

    const CommandLineResult parsed = parseCommandLine(QCoreApplication::arguments());
    switch (parsed.action) {
    case CommandLineResult::Action::Error:
        std::fprintf(stderr, "smtp-receiver: %s\n", qUtf8Printable(parsed.text));
        return 2;
    case CommandLineResult::Action::ShowHelp:
    case CommandLineResult::Action::ShowVersion:
        std::fprintf(stdout, "%s\n", qUtf8Printable(parsed.text));
        return 0;
    case CommandLineResult::Action::Run:
        break;
    }
    if (parsed.options.list)
        return HeadlessRunner::list(parsed.options);
    if (!headless) {
        std::fprintf(stderr,
            "smtp-receiver: the desktop window is not part of this build yet; "
            "run 'smtp-receiver --no-gui' (see --help)\n");
        return 2;
    }

    HeadlessRunner runner(parsed.options);
    if (!runner.start())
        return 2;
    return app.exec();
}
