// The entry point of the window module, called by smtp-receiver's main() (see guiloader.h).
#include "mainwindow.h"
#include "messageview.h"
#include "remotewindow.h"
#include "translators.h"

#include <guientry.h>

#include <QApplication>
#include <QPointer>

#include <unistd.h>

extern "C" Q_DECL_EXPORT int smtpReceiverGuiMain(int &argc, char **argv, const AppOptions &options)
{
    // Chromium refuses its sandbox as root; the pages it shows have JavaScript off and no network.
    if (::geteuid() == 0 && !qEnvironmentVariableIsSet("QTWEBENGINE_DISABLE_SANDBOX"))
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes(); // before the QApplication exists

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("smtp-receiver"));
    // The desktop entry's name: Wayland compositors match the window to it (icon, grouping).
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.smtp_receiver.SmtpReceiver"));
    QApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral("io.github.smtp_receiver.SmtpReceiver"),
            QIcon(QStringLiteral(":/icons/smtp-receiver.svg"))));
    QApplication::setQuitOnLastWindowClosed(false); // the tray may keep it running

    installTranslators(&app);

    if (!options.remote.isEmpty()) {
        // A window on another catcher: no local store, no listener; it ends with its windows.
        QApplication::setQuitOnLastWindowClosed(true);
        auto *window = new RemoteWindow({ options.remote.adjusted(QUrl::RemoveUserInfo),
            options.remote.userName(QUrl::FullyDecoded),
            options.remote.password(QUrl::FullyDecoded) });
        window->show();
        QPointer<RemoteWindow> open(window);
        const int code = app.exec();
        delete open; // closed: its deferred delete may not have run
        return code;
    }

    MainWindow window(options);
    if (!window.start())
        return 2;
    return app.exec();
}
