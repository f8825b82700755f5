// The "Release…" dialog and the action that opens it (see releasedialog.h).
#include "releasedialog.h"

#include "settingspage.h"

#include <smtprelay.h>
#include <smtptext.h>

#include <QAction>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTextBlock>
#include <QVBoxLayout>

using namespace SettingsUi;

namespace {

// One recipient in the field: where it is, and what it says.
struct Entry
{
    int start = 0;
    int length = 0;
    QString address;
};

QList<Entry> entries(const QString &text)
{
    static const QRegularExpression separated(QStringLiteral("[^,;\\r\\n]+"));
    QList<Entry> list;
    auto it = separated.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const QString raw = match.captured();
        const QString address = raw.trimmed();
        if (address.isEmpty())
            continue;
        const int leading = int(raw.indexOf(address.at(0)));
        list.append({ int(match.capturedStart()) + leading, int(address.size()), address });
    }
    return list;
}

} // namespace

ReleaseTarget::Done ReleaseTarget::whileOpen(QObject *dialog, Done done, Done unwatched)
{
    return [watcher = QPointer<QObject>(dialog), done = std::move(done),
               unwatched = std::move(unwatched)](const ReleaseOutcome &outcome) {
        if (watcher)
            done(outcome);
        else if (!outcome.ok && unwatched)
            unwatched(outcome);
    };
}

ReleaseDialog::ReleaseDialog(
    const SmtpMessageSummary &message, const ReleaseTarget &target, QWidget *parent)
    : QDialog(parent)
    , m_message(message)
    , m_target(target)
{
    setWindowTitle(tr("Release Message"));
    auto *intro = new QLabel(this);
    intro->setObjectName(QStringLiteral("releaseIntro"));
    intro->setWordWrap(true);
    intro->setText(tr("Send \"%1\" unchanged, from %2, through %3 to:")
                       .arg(message.subject.isEmpty() ? tr("(no subject)")
                                                      : SmtpText::shownOnOneLine(message.subject),
                           message.mailFrom.isEmpty() ? tr("<> (null sender)") : message.mailFrom,
                           target.description));
    m_recipients = new QPlainTextEdit(this);
    m_recipients->setObjectName(QStringLiteral("releaseRecipients"));
    m_recipients->setTabChangesFocus(true);
    m_recipients->setPlaceholderText(tr("one address per line, or separated by commas"));
    m_recipients->setPlainText(message.rcptTos.join(QLatin1Char('\n')));
    m_check = new QLabel(this);
    m_check->setObjectName(QStringLiteral("releaseCheck"));
    m_check->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("releaseProgress"));
    m_progress->setRange(0, 0); // busy: a release has no steps worth counting
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("releaseResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->hide();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_releaseButton = m_buttons->addButton(tr("&Release"), QDialogButtonBox::AcceptRole);
    m_releaseButton->setObjectName(QStringLiteral("releaseButton"));
    m_releaseButton->setDefault(true);
    connect(m_releaseButton, &QPushButton::clicked, this, &ReleaseDialog::release);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_recipients, 1);
    layout->addWidget(m_check);
    layout->addWidget(m_progress);
    layout->addWidget(m_result);
    layout->addWidget(m_buttons);
    resize(480, 300);

    connect(m_recipients, &QPlainTextEdit::textChanged, this, &ReleaseDialog::updateState);
    updateState();
}

ReleaseDialog::~ReleaseDialog() = default;

QStringList ReleaseDialog::parseRecipients(const QString &text)
{
    QStringList list;
    const QList<Entry> all = entries(text);
    for (const Entry &entry : all) {
        if (!list.contains(entry.address))
            list.append(entry.address);
    }
    return list;
}

QString ReleaseDialog::recipientProblem(const QString &address, const ReleaseTarget &target)
{
    if (!SmtpRelay::isAddress(address))
        return tr("%1 is not an address").arg(address);
    if (target.isAllowed && !target.isAllowed(address))
        return tr("%1 is not among the relay's allowed recipients").arg(address);
    return {};
}

QStringList ReleaseDialog::recipients() const
{
    return parseRecipients(m_recipients->toPlainText());
}

QStringList ReleaseDialog::refusedRecipients() const
{
    QStringList refused;
    const QStringList all = recipients();
    for (const QString &address : all) {
        if (!recipientProblem(address, m_target).isEmpty())
            refused.append(address);
    }
    return refused;
}

void ReleaseDialog::updateState()
{
    // Mark every refused entry where it stands, and say why under the field.
    QList<QTextEdit::ExtraSelection> marks;
    QStringList problems;
    const QList<Entry> all = entries(m_recipients->toPlainText());
    for (const Entry &entry : all) {
        const QString problem = recipientProblem(entry.address, m_target);
        if (problem.isEmpty())
            continue;
        if (!problems.contains(problem))
            problems.append(problem);
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_recipients->document());
        mark.cursor.setPosition(entry.start);
        mark.cursor.setPosition(entry.start + entry.length, QTextCursor::KeepAnchor);
        mark.format.setForeground(toneColor(m_recipients, Tone::Bad));
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(toneColor(m_recipients, Tone::Bad));
        marks.append(mark);
    }
    m_recipients->setExtraSelections(marks);
    const QStringList list = recipients();
    if (!problems.isEmpty())
        showStatus(m_check, problems.join(QLatin1Char('\n')), Tone::Bad);
    else if (list.isEmpty())
        showStatus(m_check, tr("Give at least one recipient."));
    else
        showStatus(m_check, {});
    m_releaseButton->setEnabled(!m_releasing && problems.isEmpty() && !list.isEmpty()
        && m_target.release && m_target.unavailable.isEmpty() && list != m_released);
    m_recipients->setReadOnly(m_releasing);
}

void ReleaseDialog::release()
{
    updateState();
    if (!m_releaseButton->isEnabled())
        return;
    const QStringList to = recipients();
    m_releasing = true;
    m_outcome.reset();
    m_progress->show();
    showStatus(m_result, tr("Releasing to %n recipient(s)…", nullptr, int(to.size())));
    updateState();
    QPointer<ReleaseDialog> self(this);
    m_target.release(m_message.id, to, this, [self, to](const ReleaseOutcome &outcome) {
        if (!self)
            return;
        self->m_releasing = false;
        self->m_outcome = outcome;
        self->m_progress->hide();
        if (outcome.ok)
            self->m_released = to; // the same again only after an edit: no double sends
        // To whom, as the field may have changed meanwhile; the text on one line.
        const QString recipients = SmtpText::shownOnOneLine(to.join(QLatin1String(", ")));
        const QString text = SmtpText::shownOnOneLine(outcome.text);
        showStatus(self->m_result,
            outcome.ok ? tr("Released to %1. The relay said: %2").arg(recipients, text)
                       : tr("Not released to %1: %2").arg(recipients, text),
            outcome.ok ? Tone::Good : Tone::Bad);
        self->updateState();
        Q_EMIT self->releaseFinished(outcome.ok, outcome.text);
    });
}

QAction *ReleaseDialog::createAction(QWidget *window,
    std::function<std::optional<SmtpMessageSummary>()> selected,
    std::function<ReleaseTarget()> target)
{
    auto *action = new QAction(tr("Re&lease…"), window);
    action->setObjectName(QStringLiteral("releaseAction"));
    action->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    connect(action, &QAction::triggered, window, [window, selected, target] {
        const std::optional<SmtpMessageSummary> message = selected();
        const ReleaseTarget releaseTarget = target();
        if (!message || !releaseTarget.unavailable.isEmpty())
            return;
        // Not modal: the window goes on while a release waits for a slow relay.
        auto *dialog = new ReleaseDialog(*message, releaseTarget, window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    updateAction(action, false, target());
    return action;
}

void ReleaseDialog::updateAction(QAction *action, bool oneSelected, const ReleaseTarget &target)
{
    action->setEnabled(oneSelected && target.unavailable.isEmpty());
    action->setToolTip(target.unavailable.isEmpty()
            ? tr("Send the selected message on to a real mailbox")
            : target.unavailable);
}
