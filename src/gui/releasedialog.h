// "Release…": sends a caught message on, unchanged and with its original sender, to a real
// mailbox. The dialog starts with the message's envelope recipients, lets them be edited (comma
// or newline separated) and checks each as it is typed against the address rules and the
// relay's allowed pattern: refused ones are marked, and Release stays off while any is refused
// or none is given. Release runs asynchronously; the dialog shows that it is under way, then to
// whom and the relay's final reply or why it failed, on one line. Also the "Release…" action the
// local and the remote window share: what differs between them is the ReleaseTarget (the
// window's relay, or the remote catcher's release route).
#pragma once

#include <smtpmessagesummary.h>

#include <QDialog>
#include <QItemSelectionModel>
#include <QStringList>
#include <QTableView>

#include <functional>
#include <optional>

class QAction;
class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

// How a release ended: ok when the relay accepted the message; text is its final reply, or why
// the release failed.
struct ReleaseOutcome
{
    bool ok = false;
    QString text;
};

// What a window releases through.
struct ReleaseTarget
{
    using Done = std::function<void(const ReleaseOutcome &)>;

    // Why releasing is not possible now ("No relay configured"), or empty.
    QString unavailable;
    // Where releases go, for the dialog to say ("smtp.example.com:587").
    QString description;
    // Whether a recipient may be released to (the allowed pattern); null: anyone.
    std::function<bool(const QString &address)> isAllowed;
    // Starts the release of message id to recipients. done runs once, later, on the GUI thread,
    // and not at all once context is destroyed.
    std::function<void(qint64 id, const QStringList &recipients, QObject *context, Done done)>
        release;

    // What a release() hands its outcome to: done while the dialog (context) is open, which
    // shows it; once the dialog has closed, a failure goes to unwatched (the window says it, so
    // that it is not lost with the dialog), and a success nowhere.
    static Done whileOpen(QObject *dialog, Done done, Done unwatched);
};

class ReleaseDialog : public QDialog
{
    Q_OBJECT
public:
    ReleaseDialog(
        const SmtpMessageSummary &message, const ReleaseTarget &target, QWidget *parent = nullptr);
    ~ReleaseDialog() override;

    // The recipients in text: split at commas, semicolons and line breaks, trimmed, without
    // empty entries and repeats.
    static QStringList parseRecipients(const QString &text);
    // Why address cannot be released to (not an address, not allowed), or empty.
    static QString recipientProblem(const QString &address, const ReleaseTarget &target);

    qint64 messageId() const { return m_message.id; }
    QStringList recipients() const; // as the field shows them now
    QStringList refusedRecipients() const;
    bool isReleasing() const { return m_releasing; }
    // The last release's outcome, once one finished.
    std::optional<ReleaseOutcome> outcome() const { return m_outcome; }
    // For tests.
    QPlainTextEdit *recipientsEdit() const { return m_recipients; }
    QPushButton *releaseButton() const { return m_releaseButton; }
    QLabel *resultLabel() const { return m_result; }

    // The window's "Release…" action: opens a dialog on the message selected() returns (none:
    // nothing happens), releasing through target(). Keep it current with updateAction().
    static QAction *createAction(QWidget *window,
        std::function<std::optional<SmtpMessageSummary>()> selected,
        std::function<ReleaseTarget()> target);
    // On only with one message selected and a target that can release; the tooltip says why not.
    static void updateAction(QAction *action, bool oneSelected, const ReleaseTarget &target);
    // The message selected in view (a table over model, an inbox model of either window), when
    // exactly one is.
    template<typename InboxModel>
    static std::optional<SmtpMessageSummary> onlySelected(
        const QTableView *view, const InboxModel *model)
    {
        const QItemSelectionModel *selection = view->selectionModel();
        const QModelIndexList rows = selection ? selection->selectedRows() : QModelIndexList();
        if (rows.size() != 1 || !model)
            return std::nullopt;
        return model->summaryAt(rows.constFirst().row());
    }

public Q_SLOTS:
    void release();

Q_SIGNALS:
    void releaseFinished(bool ok, const QString &text);

private:
    void updateState();

    SmtpMessageSummary m_message;
    ReleaseTarget m_target;
    QPlainTextEdit *m_recipients = nullptr;
    QLabel *m_check = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_result = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_releaseButton = nullptr;
    bool m_releasing = false;
    QStringList m_released; // the recipients of the last accepted release
    std::optional<ReleaseOutcome> m_outcome;
};
