// Answering the modal dialogs a GUI test opens (a QFileDialog, a QMessageBox) from a timer, since
// the call that opens one returns only once it has closed.
#pragma once

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QFileDialog>
#include <QLineEdit>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

// Answers the modal dialog of type T once it shows, and again on every tick while it stays open
// (a file dialog still loading its directory may ignore the first accept), until it has closed
// or 5 s passed.
template<typename T>
void whenModal(std::function<void(T *)> answer)
{
    struct State
    {
        QPointer<T> target; // the one dialog this timer answers
        bool seen = false;
        int ticks = 0;
    };
    auto *timer = new QTimer(qApp); // owned by the application, so none outlives the run
    auto state = std::make_shared<State>();
    QObject::connect(timer, &QTimer::timeout, [timer, state, answer] {
        const auto finish = [timer] {
            timer->stop();
            timer->deleteLater();
        };
        if (!state->seen) {
            auto *dialog = qobject_cast<T *>(QApplication::activeModalWidget());
            if (!dialog || !dialog->isVisible()) {
                if (++state->ticks > 500) {
                    qWarning("no modal dialog appeared");
                    finish();
                }
                return;
            }
            state->target = dialog;
            state->seen = true;
        }
        if (state->target && state->target->isVisible())
            answer(state->target);
        else
            finish(); // answered and closed
    });
    timer->start(10);
}

// Chooses fileName in the next file dialog; *suggested (when given) gets the name the dialog
// offered before it was answered.
inline void chooseFile(const QString &fileName, QString *suggested = nullptr)
{
    auto first = std::make_shared<bool>(true);
    whenModal<QFileDialog>([fileName, suggested, first](QFileDialog *dialog) {
        // Type the path into the name field, as a user would; selectFile() leaves that field
        // alone while it has the focus.
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"));
        if (suggested && *first)
            *suggested = name ? name->text() : dialog->selectedFiles().value(0);
        *first = false;
        if (name)
            name->setText(fileName);
        else
            dialog->selectFile(fileName);
        static_cast<QDialog *>(dialog)->accept(); // QFileDialog::accept() is protected
    });
}

// Triggers the Save as action of window (the one with the standard Save shortcut) and chooses path
// in the file dialog it opens: the name the dialog offered; null when window has no such action.
inline QString saveAsThroughDialog(QWidget *window, const QString &path)
{
    const QList<QAction *> actions = window->findChildren<QAction *>();
    for (QAction *action : actions) {
        if (action->shortcut() != QKeySequence(QKeySequence::Save))
            continue;
        QString suggested;
        chooseFile(path, &suggested);
        action->trigger(); // returns once the dialog is answered
        return suggested;
    }
    return {};
}
