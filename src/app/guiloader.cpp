#include "guiloader.h"

#include <QDir>
#include <QFileInfo>
#include <QLibrary>

#include <cstdio>

int runGui(int &argc, char **argv, const AppOptions &options)
{
    // Without a display Qt would abort in QApplication; say what to do instead.
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fprintf(stderr,
            "smtp-receiver: no display to open the window on (DISPLAY is not set); run "
            "'smtp-receiver --no-gui' for the headless server\n");
        return 2;
    }
    // No QCoreApplication exists yet (the module creates the QApplication), so find our own
    // directory through /proc rather than applicationDirPath().
    const QString binDir
        = QFileInfo(QFile::symLinkTarget(QStringLiteral("/proc/self/exe"))).absolutePath();
    const QString module = QDir::cleanPath(
        binDir + QStringLiteral("/../" SMTPRECEIVER_GUI_MODULE_DIR "/smtp-receiver-gui.so"));
    QLibrary library(module);
    library.setLoadHints(QLibrary::ExportExternalSymbolsHint);
    const auto guiMain = reinterpret_cast<GuiMainFunction>(library.resolve(guiMainSymbol));
    if (!guiMain) {
        std::fprintf(stderr,
            "smtp-receiver: cannot load the desktop window (%s); run 'smtp-receiver --no-gui' "
            "for the headless server\n",
            qUtf8Printable(library.errorString()));
        return 2;
    }
    return guiMain(argc, argv, options);
}
