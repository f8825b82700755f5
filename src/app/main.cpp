// smtp-receiver: the desktop mail catcher, or with --no-gui its headless server.
#include "allocatortuning.h"
#include "commandline.h"
#include "epolleventdispatcher.h"
#include "headlessrunner.h"
#include "importer.h"
#include "sendmail.h"

#include "guiloader.h"

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
    AllocatorTuning::keepMailBuffersForReuse(); // before the first big block (allocatortuning.h)
    QCoreApplication::setApplicationName(QStringLiteral("smtp-receiver"));
    QCoreApplication::setOrganizationName(QStringLiteral("smtp-receiver"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SMTPRECEIVER_VERSION));

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    // `smtp-receiver sendmail ...` or a link named sendmail: a client with a command line of its
    // own, which the server's options must never see.
    if (const auto sendmail = sendmailArguments(arguments)) {
        QCoreApplication app(argc, argv); // the socket wants an event dispatcher
        return runSendmail(*sendmail);
    }

    // `smtp-receiver import FILE...`: into the store, then exit.
    if (const auto import = MailImport::arguments(arguments)) {
        QCoreApplication app(argc, argv);
        return MailImport::run(*import);
    }

    // Bad flags end here, before any application object or window exists.
    const CommandLineResult parsed = parseCommandLine(arguments);
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

    // The window lives in a library of its own, loaded only here: the headless server never maps
    // Qt Widgets or Qt WebEngine (memory and start-up time).
    if (!wantsHeadless(argc, argv))
        return runGui(argc, argv, parsed.options);

    // Not GLib's loop: nothing here needs a GLib main context, and GLib wakes its loop through
    // an eventfd each time a socket's write notifier is armed or disarmed, that is twice per SMTP
    // reply (W2: 23 system calls per message on the SMTP thread, 14 without). The SMTP thread
    // gets an epoll loop (epolleventdispatcher.h); the HTTP API's threads Qt's poll() loop.
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    auto dispatcher = std::make_unique<EpollEventDispatcher>();
    if (dispatcher->isValid())
        QCoreApplication::setEventDispatcher(dispatcher.release()); // the application owns it
    QCoreApplication app(argc, argv);
    if (parsed.options.list)
        return HeadlessRunner::list(parsed.options);
    HeadlessRunner runner(parsed.options);
    if (!runner.start())
        return 2;
    return app.exec();
}
