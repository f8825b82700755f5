// The message view's tabs: building the summary and the eight tabs (HTML, Text, Headers, Source,
// Attachments, Parts, Checks, SMTP) and filling them from a loaded message.
#include "messageattachments.h"
#include "messagecheckwording.h"
#include "messageview_p.h"
#include "messagewebsafety.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMimeDatabase>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpacerItem>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QWebEngineProfile>
#include <QWebEngineView>

namespace {

constexpr int phoneWidth = 375;
constexpr int tabletWidth = 768;

// Adds a row under parent for part and, below it, its children (the tree is shallow: GMime
// limits nesting).
void addPartRow(
    QTreeWidget *tree, QTreeWidgetItem *parent, const SmtpMimePart &p, const QLocale &locale)
{
    auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree);
    item->setText(0, p.contentType());
    item->setText(1, p.fileName());
    item->setText(2, p.disposition());
    item->setText(3, p.charset());
    item->setText(4, p.transferEncoding());
    item->setText(5, p.contentId());
    item->setText(6, p.isMultipart() ? QString() : locale.formattedDataSize(p.size()));
    item->setText(7, QString::number(p.partId()));
    item->setData(0, Qt::UserRole, p.partId());
    for (const SmtpMimePart &child : p.children())
        addPartRow(tree, item, child, locale);
}

QLabel *valueLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    return label;
}

} // namespace

void MessageViewPrivate::buildUi()
{
    Q_Q(MessageView);
    auto *outer = new QVBoxLayout(q);
    outer->setContentsMargins(0, 0, 0, 0);
    outerStack = new QStackedWidget(q);
    outer->addWidget(outerStack);

    placeholder = new QLabel(MessageView::tr("No message selected"), outerStack);
    placeholder->setObjectName(QStringLiteral("placeholderLabel"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setEnabled(false);
    outerStack->addWidget(placeholder);

    auto *content = new QWidget(outerStack);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);

    auto *summary = new QWidget(content);
    auto *summaryLayout = new QVBoxLayout(summary);
    subjectLabel = valueLabel(QStringLiteral("subjectLabel"), summary);
    QFont subjectFont = subjectLabel->font();
    subjectFont.setBold(true);
    subjectFont.setPointSizeF(subjectFont.pointSizeF() * 1.25);
    subjectLabel->setFont(subjectFont);
    summaryLayout->addWidget(subjectLabel);
    summaryForm = new QFormLayout;
    summaryForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    fromLabel = valueLabel(QStringLiteral("fromLabel"), summary);
    toLabel = valueLabel(QStringLiteral("toLabel"), summary);
    ccLabel = valueLabel(QStringLiteral("ccLabel"), summary);
    dateLabel = valueLabel(QStringLiteral("dateLabel"), summary);
    summaryForm->addRow(MessageView::tr("From:"), fromLabel);
    summaryForm->addRow(MessageView::tr("To:"), toLabel);
    summaryForm->addRow(MessageView::tr("Cc:"), ccLabel);
    summaryForm->addRow(MessageView::tr("Date:"), dateLabel);
    summaryLayout->addLayout(summaryForm);
    contentLayout->addWidget(summary);

    tabs = new QTabWidget(content);
    tabs->setObjectName(QStringLiteral("tabs"));
    tabs->setDocumentMode(true);
    // In the order of MessageView::Tab.
    tabs->addTab(buildHtmlTab(), MessageView::tr("HTML"));
    tabs->addTab(buildTextTab(), MessageView::tr("Text"));
    tabs->addTab(buildHeadersTab(), MessageView::tr("Headers"));
    tabs->addTab(buildSourceTab(), MessageView::tr("Source"));
    tabs->addTab(buildAttachmentsTab(), MessageView::tr("Attachments"));
    tabs->addTab(buildPartsTab(), MessageView::tr("Parts"));
    tabs->addTab(buildChecksTab(), MessageView::tr("Checks"));
    tabs->addTab(buildSmtpTab(), MessageView::tr("SMTP"));
    contentLayout->addWidget(tabs, 1);
    outerStack->addWidget(content);

    QObject::connect(tabs, &QTabWidget::currentChanged, q, [this](int index) {
        if (!switchingTab)
            autoSwitchedToText = false;
        if (index == int(MessageView::Tab::Source))
            fillSourceIfNeeded();
    });
}

QWidget *MessageViewPrivate::buildHtmlTab()
{
    Q_Q(MessageView);
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    remoteBar = new QFrame(tab);
    remoteBar->setObjectName(QStringLiteral("remoteBar"));
    remoteBar->setFrameShape(QFrame::StyledPanel);
    remoteBar->setAutoFillBackground(true);
    QPalette barPalette = remoteBar->palette();
    barPalette.setColor(QPalette::Window, barPalette.color(QPalette::AlternateBase));
    remoteBar->setPalette(barPalette);
    auto *barLayout = new QHBoxLayout(remoteBar);
    barLayout->setContentsMargins(8, 4, 8, 4);
    auto *barIcon = new QLabel(remoteBar);
    const int iconSize = q->style()->pixelMetric(QStyle::PM_SmallIconSize);
    barIcon->setPixmap(
        q->style()->standardIcon(QStyle::SP_MessageBoxInformation).pixmap(iconSize, iconSize));
    barLayout->addWidget(barIcon);
    remoteLabel = new QLabel(remoteBar);
    remoteLabel->setObjectName(QStringLiteral("remoteLabel"));
    barLayout->addWidget(remoteLabel, 1);
    auto *loadButton = new QPushButton(MessageView::tr("Load remote content"), remoteBar);
    loadButton->setObjectName(QStringLiteral("loadRemoteButton"));
    loadButton->setToolTip(MessageView::tr(
        "Loads images and styles from the Internet for this message. The sender may learn "
        "that, when and where the message was opened."));
    QObject::connect(loadButton, &QPushButton::clicked, q, &MessageView::loadRemoteContent);
    barLayout->addWidget(loadButton);
    remoteBar->hide();
    layout->addWidget(remoteBar);

    auto *widthRow = new QHBoxLayout;
    widthRow->setContentsMargins(6, 2, 6, 2);
    widthRow->addStretch(1);
    widthRow->addWidget(new QLabel(MessageView::tr("Preview width:"), tab));
    widthButtons = new QButtonGroup(tab);
    widthButtons->setExclusive(true);
    const struct
    {
        MessageView::PreviewWidth width;
        QString text;
        QString toolTip;
        const char *objectName;
    } widths[] = {
        { MessageView::PreviewWidth::Phone, MessageView::tr("Phone"),
            MessageView::tr("%1 pixels wide").arg(phoneWidth), "phoneWidthButton" },
        { MessageView::PreviewWidth::Tablet, MessageView::tr("Tablet"),
            MessageView::tr("%1 pixels wide").arg(tabletWidth), "tabletWidthButton" },
        { MessageView::PreviewWidth::Desktop, MessageView::tr("Desktop"),
            MessageView::tr("The full width of the view"), "desktopWidthButton" },
    };
    for (const auto &w : widths) {
        auto *button = new QToolButton(tab);
        button->setObjectName(QLatin1String(w.objectName));
        button->setText(w.text);
        button->setToolTip(w.toolTip);
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setChecked(w.width == previewWidth);
        widthButtons->addButton(button, int(w.width));
        widthRow->addWidget(button);
    }
    QObject::connect(widthButtons, &QButtonGroup::idClicked, q,
        [q](int id) { q->setPreviewWidth(MessageView::PreviewWidth(id)); });
    layout->addLayout(widthRow);

    htmlStack = new QStackedWidget(tab);
    auto *viewHost = new QWidget(htmlStack);
    viewHostLayout = new QHBoxLayout(viewHost);
    viewHostLayout->setContentsMargins(0, 0, 0, 0);
    viewHostLayout->setSpacing(0);
    leftSpacer = new QSpacerItem(0, 0, QSizePolicy::Fixed, QSizePolicy::Minimum);
    rightSpacer = new QSpacerItem(0, 0, QSizePolicy::Fixed, QSizePolicy::Minimum);

    // The profile first; the page is a child of the view, so it goes before the profile
    // (~MessageView deletes the view explicitly, then the profile).
    guard = new RemoteContentGuard([this, q] {
        QMetaObject::invokeMethod(
            q, [this] { updateRemoteBar(); }, Qt::QueuedConnection);
    });
    profile = MessageWebSafety::createProfile(q, guard,
        new MessageSchemeHandler([this](qint64 id) { return pageFor(id); },
            [this](qint64 id, const QString &cid, QWebEngineUrlRequestJob *job) {
                servePart(id, cid, job);
            }));

    webView = new QWebEngineView(viewHost);
    webView->setObjectName(QStringLiteral("htmlView"));
    page = new MessagePage(profile, webView);
    webView->setPage(page);
    webView->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    QObject::connect(page, &QWebEnginePage::loadFinished, q, [this, q](bool ok) {
        const qint64 id = MessageWebSafety::messageIdOf(page->url());
        if (ok && id != 0 && id == currentId && shown && shown->id == id)
            Q_EMIT q->htmlRendered(id);
    });

    viewHostLayout->addItem(leftSpacer);
    viewHostLayout->addWidget(webView, 1000);
    viewHostLayout->addItem(rightSpacer);
    htmlStack->addWidget(viewHost);

    auto *noHtml = new QLabel(
        MessageView::tr("This message has no HTML part. Its text is on the Text tab."), htmlStack);
    noHtml->setObjectName(QStringLiteral("noHtmlLabel"));
    noHtml->setAlignment(Qt::AlignCenter);
    noHtml->setWordWrap(true);
    htmlStack->addWidget(noHtml);

    layout->addWidget(htmlStack, 1);
    return tab;
}

QWidget *MessageViewPrivate::buildTextTab()
{
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    textEdit = new QPlainTextEdit(tab);
    textEdit->setObjectName(QStringLiteral("textEdit"));
    textEdit->setReadOnly(true);
    textEdit->setPlaceholderText(MessageView::tr("This message has no plain-text part."));
    layout->addWidget(textEdit, 1);
    auto *row = new QHBoxLayout;
    row->setContentsMargins(6, 2, 6, 2);
    monospaceCheck = new QCheckBox(MessageView::tr("Monospace font"), tab);
    monospaceCheck->setObjectName(QStringLiteral("monospaceCheck"));
    QObject::connect(monospaceCheck, &QCheckBox::toggled, textEdit, [this](bool on) {
        textEdit->setFont(on ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : QFont());
    });
    row->addWidget(monospaceCheck);
    row->addStretch(1);
    layout->addLayout(row);
    return tab;
}

QWidget *MessageViewPrivate::buildHeadersTab()
{
    headersTable = new QTableWidget(0, 2);
    headersTable->setObjectName(QStringLiteral("headersTable"));
    headersTable->setHorizontalHeaderLabels({ MessageView::tr("Name"), MessageView::tr("Value") });
    headersTable->verticalHeader()->hide();
    headersTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    headersTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    headersTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    headersTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    headersTable->setWordWrap(true);
    headersTable->setAlternatingRowColors(true);
    headersTable->setShowGrid(false);
    return headersTable;
}

QWidget *MessageViewPrivate::buildSourceTab()
{
    Q_Q(MessageView);
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    row->setContentsMargins(6, 2, 6, 2);
    auto *copy = new QPushButton(MessageView::tr("Copy"), tab);
    copy->setObjectName(QStringLiteral("copySourceButton"));
    copy->setToolTip(MessageView::tr("Copy the raw message to the clipboard"));
    QObject::connect(copy, &QPushButton::clicked, q, &MessageView::copySource);
    auto *save = new QPushButton(MessageView::tr("Save…"), tab);
    save->setObjectName(QStringLiteral("saveSourceButton"));
    save->setToolTip(MessageView::tr("Save the raw message as an .eml file"));
    QObject::connect(save, &QPushButton::clicked, q, &MessageView::saveSource);
    row->addWidget(copy);
    row->addWidget(save);
    row->addStretch(1);
    layout->addLayout(row);
    sourceEdit = new QPlainTextEdit(tab);
    sourceEdit->setObjectName(QStringLiteral("sourceEdit"));
    sourceEdit->setReadOnly(true);
    sourceEdit->setLineWrapMode(QPlainTextEdit::NoWrap);
    sourceEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(sourceEdit, 1);
    return tab;
}

QWidget *MessageViewPrivate::buildAttachmentsTab()
{
    Q_Q(MessageView);
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    noAttachmentsLabel = new QLabel(MessageView::tr("This message has no attachments."), tab);
    noAttachmentsLabel->setObjectName(QStringLiteral("noAttachmentsLabel"));
    noAttachmentsLabel->setAlignment(Qt::AlignCenter);
    layout->addWidget(noAttachmentsLabel);
    attachmentsTree = new AttachmentTree(tab);
    attachmentsTree->setDragDropMode(QAbstractItemView::DragOnly); // out as files
    attachmentsTree->fileFor = [this](int partIndex) { return dragAttachment(partIndex); };
    attachmentsTree->setObjectName(QStringLiteral("attachmentsTree"));
    attachmentsTree->setHeaderLabels(
        { MessageView::tr("Name"), MessageView::tr("Type"), MessageView::tr("Size") });
    attachmentsTree->setRootIsDecorated(false);
    attachmentsTree->setIconSize(
        QSize(MessageAttachments::thumbnailSize, MessageAttachments::thumbnailSize));
    attachmentsTree->setSelectionMode(QAbstractItemView::SingleSelection);
    attachmentsTree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    attachmentsTree->header()->setStretchLastSection(false);
    layout->addWidget(attachmentsTree, 1);
    attachmentPreviewNote = new QLabel(tab);
    attachmentPreviewNote->setObjectName(QStringLiteral("attachmentPreviewNote"));
    attachmentPreviewNote->setWordWrap(true);
    attachmentPreviewNote->setContentsMargins(6, 2, 6, 2);
    attachmentPreviewNote->hide();
    layout->addWidget(attachmentPreviewNote);
    attachmentPreview = new QScrollArea(tab);
    attachmentPreview->setObjectName(QStringLiteral("attachmentPreview"));
    auto *previewPages = new QWidget;
    previewPagesLayout = new QVBoxLayout(previewPages);
    attachmentPreviewLabel = new QLabel;
    attachmentPreviewLabel->setObjectName(QStringLiteral("attachmentPreviewLabel"));
    attachmentPreviewLabel->setAlignment(Qt::AlignCenter);
    previewPagesLayout->addWidget(attachmentPreviewLabel);
    attachmentPreview->setWidget(previewPages);
    attachmentPreview->setWidgetResizable(true);
    attachmentPreview->hide();
    layout->addWidget(attachmentPreview, 2);
    auto *row = new QHBoxLayout;
    row->setContentsMargins(6, 2, 6, 2);
    openButton = new QPushButton(MessageView::tr("Open"), tab);
    openButton->setObjectName(QStringLiteral("openAttachmentButton"));
    saveAttachmentButton = new QPushButton(MessageView::tr("Save…"), tab);
    saveAttachmentButton->setObjectName(QStringLiteral("saveAttachmentButton"));
    openButton->setEnabled(false);
    saveAttachmentButton->setEnabled(false);
    row->addWidget(openButton);
    row->addWidget(saveAttachmentButton);
    row->addStretch(1);
    layout->addLayout(row);

    QObject::connect(attachmentsTree, &QTreeWidget::itemSelectionChanged, q, [this] {
        const bool any = selectedAttachmentPart() >= 0;
        openButton->setEnabled(any);
        saveAttachmentButton->setEnabled(any);
        previewAttachment(selectedAttachmentPart());
    });
    QObject::connect(attachmentsTree, &QTreeWidget::itemActivated, q,
        [this](QTreeWidgetItem *item) { openAttachment(item->data(0, Qt::UserRole).toInt()); });
    QObject::connect(
        openButton, &QPushButton::clicked, q, [this] { openAttachment(selectedAttachmentPart()); });
    QObject::connect(saveAttachmentButton, &QPushButton::clicked, q,
        [this] { saveAttachmentInteractively(selectedAttachmentPart()); });
    return tab;
}

QWidget *MessageViewPrivate::buildPartsTab()
{
    partsTree = new QTreeWidget;
    partsTree->setObjectName(QStringLiteral("partsTree"));
    partsTree->setHeaderLabels({ MessageView::tr("Type"), MessageView::tr("Name"),
        MessageView::tr("Disposition"), MessageView::tr("Charset"), MessageView::tr("Encoding"),
        MessageView::tr("Content-ID"), MessageView::tr("Size"), MessageView::tr("Part") });
    partsTree->setUniformRowHeights(true);
    return partsTree;
}

QWidget *MessageViewPrivate::buildChecksTab()
{
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    noProblemsLabel = new QLabel(MessageView::tr("No problems found"), tab);
    noProblemsLabel->setObjectName(QStringLiteral("noProblemsLabel"));
    noProblemsLabel->setAlignment(Qt::AlignCenter);
    layout->addWidget(noProblemsLabel, 1);
    checksTree = new QTreeWidget(tab);
    checksTree->setObjectName(QStringLiteral("checksTree"));
    checksTree->setHeaderLabels({ MessageView::tr("Problem"), MessageView::tr("Details") });
    checksTree->setRootIsDecorated(false);
    checksTree->setWordWrap(true);
    layout->addWidget(checksTree, 1);
    return tab;
}

QWidget *MessageViewPrivate::buildSmtpTab()
{
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *inner = new QWidget(scroll);
    auto *form = new QFormLayout(inner);
    smtpForm = form;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    smtpId = valueLabel(QStringLiteral("smtpId"), inner);
    smtpReceived = valueLabel(QStringLiteral("smtpReceived"), inner);
    smtpRemote = valueLabel(QStringLiteral("smtpRemote"), inner);
    smtpHelo = valueLabel(QStringLiteral("smtpHelo"), inner);
    smtpMailFrom = valueLabel(QStringLiteral("smtpMailFrom"), inner);
    smtpRcptTo = valueLabel(QStringLiteral("smtpRcptTo"), inner);
    smtpTls = valueLabel(QStringLiteral("smtpTls"), inner);
    smtpAuth = valueLabel(QStringLiteral("smtpAuth"), inner);
    smtpSize = valueLabel(QStringLiteral("smtpSize"), inner);
    smtpExtensions = valueLabel(QStringLiteral("smtpExtensions"), inner);
    smtpReleases = valueLabel(QStringLiteral("smtpReleases"), inner);
    form->addRow(MessageView::tr("MAIL FROM:"), smtpMailFrom);
    form->addRow(MessageView::tr("RCPT TO:"), smtpRcptTo);
    form->addRow(MessageView::tr("HELO:"), smtpHelo);
    form->addRow(MessageView::tr("Remote address:"), smtpRemote);
    form->addRow(MessageView::tr("Received at:"), smtpReceived);
    form->addRow(MessageView::tr("TLS:"), smtpTls);
    form->addRow(MessageView::tr("Authenticated user:"), smtpAuth);
    form->addRow(MessageView::tr("Extensions:"), smtpExtensions);
    form->addRow(MessageView::tr("Size:"), smtpSize);
    form->addRow(MessageView::tr("Stored as:"), smtpId);
    form->addRow(MessageView::tr("Released:"), smtpReleases);
    scroll->setWidget(inner);
    return scroll;
}

void MessageViewPrivate::showPlaceholder(const QString &text)
{
    placeholder->setText(text);
    outerStack->setCurrentIndex(0);
    remoteBar->hide();
}

void MessageViewPrivate::updateRemoteBar()
{
    const int blocked = guard->blockedCount();
    const bool show
        = shown && !shown->html.isEmpty() && blocked > 0 && !guard->isAllowed(shown->id);
    if (show)
        remoteLabel->setText(
            MessageView::tr("Remote content blocked (%n request(s))", nullptr, blocked));
    remoteBar->setVisible(show);
}

void MessageViewPrivate::fillSummary()
{
    const SmtpStoredMessage &m = shown->stored;
    const SmtpMessageSummary summary = m.summary();
    subjectLabel->setText(
        summary.subject.isEmpty() ? MessageView::tr("(no subject)") : summary.subject);
    fromLabel->setText(summary.from);
    toLabel->setText(summary.to);
    ccLabel->setText(m.cc());
    summaryForm->setRowVisible(ccLabel, !m.cc().isEmpty());
    const QDateTime received = summary.receivedAt.toLocalTime();
    dateLabel->setText(m.dateHeader().isEmpty() ? QLocale().toString(received, QLocale::LongFormat)
                                                : m.dateHeader());
}

void MessageViewPrivate::fillHeaders()
{
    headersTable->setRowCount(0);
    const QList<SmtpHeaderField> headers = shown->stored.headers();
    headersTable->setRowCount(int(headers.size()));
    int row = 0;
    for (const SmtpHeaderField &h : headers) {
        auto *name = new QTableWidgetItem(h.name());
        QFont bold = name->font();
        bold.setBold(true);
        name->setFont(bold);
        auto *value = new QTableWidgetItem(h.value());
        if (h.rawValue() != h.value())
            value->setToolTip(h.rawValue());
        headersTable->setItem(row, 0, name);
        headersTable->setItem(row, 1, value);
        ++row;
    }
    headersTable->resizeRowsToContents();
}

void MessageViewPrivate::fillAttachments()
{
    Q_Q(MessageView);
    attachmentsTree->clear();
    previewAttachment(-1);
    const QMimeDatabase mimeDatabase;
    const QIcon fallback = q->style()->standardIcon(QStyle::SP_FileIcon);
    const QLocale locale;
    for (const SmtpMimePart &a : shown->attachments) {
        auto *item = new QTreeWidgetItem(attachmentsTree);
        item->setText(0,
            a.fileName().isEmpty() ? MessageView::tr("(unnamed part %1)").arg(a.partId())
                                   : a.fileName());
        item->setText(1, a.contentType());
        item->setText(2, locale.formattedDataSize(a.size()));
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        item->setData(0, Qt::UserRole, a.partId());
        item->setData(2, Qt::UserRole, a.size());
        item->setToolTip(
            2, MessageView::tr("%n byte(s)", nullptr, int(qMin<qint64>(a.size(), INT_MAX))));
        QString tip = a.isInline() ? MessageView::tr("Inline part") : MessageView::tr("Attachment");
        if (!a.contentId().isEmpty())
            tip += QLatin1Char('\n') + MessageView::tr("Content-ID: %1").arg(a.contentId());
        item->setToolTip(0, tip);
        const QImage thumbnail = shown->thumbnails.value(a.partId());
        if (!thumbnail.isNull()) {
            item->setIcon(0, QIcon(QPixmap::fromImage(thumbnail)));
        } else {
            const QMimeType type = mimeDatabase.mimeTypeForName(a.contentType());
            item->setIcon(0, QIcon::fromTheme(type.iconName(), fallback));
        }
    }
    const int count = int(shown->attachments.size());
    attachmentsTree->setVisible(count > 0);
    noAttachmentsLabel->setVisible(count == 0);
    openButton->setEnabled(false);
    saveAttachmentButton->setEnabled(false);
    tabs->setTabText(int(MessageView::Tab::Attachments),
        count > 0 ? MessageView::tr("Attachments (%1)").arg(count)
                  : MessageView::tr("Attachments"));
}

void MessageViewPrivate::fillParts()
{
    partsTree->clear();
    const QLocale locale;
    const SmtpMimePart root = shown->stored.rootPart();
    if (root.isValid())
        addPartRow(partsTree, nullptr, root, locale);
    partsTree->expandAll();
    for (int column = 0; column < partsTree->columnCount(); ++column)
        partsTree->resizeColumnToContents(column);
}

void MessageViewPrivate::fillChecks()
{
    Q_Q(MessageView);
    checksTree->clear();
    const QIcon warning = q->style()->standardIcon(QStyle::SP_MessageBoxWarning);
    const QIcon error = q->style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const QList<SmtpMessageCheck> checks = shown->stored.checks();
    for (const SmtpMessageCheck &check : checks) {
        auto *item = new QTreeWidgetItem(checksTree);
        item->setIcon(0, check.severity() == SmtpMessageCheck::Severity::Error ? error : warning);
        item->setText(0, MessageCheckWording::title(check));
        item->setData(0, Qt::UserRole, check.name());
        item->setText(1, MessageCheckWording::detail(check));
    }
    checksTree->resizeColumnToContents(0);
    const int count = int(checks.size());
    checksTree->setVisible(count > 0);
    noProblemsLabel->setVisible(count == 0);
    tabs->setTabText(int(MessageView::Tab::Checks),
        count > 0 ? MessageView::tr("Checks (%1)").arg(count) : MessageView::tr("Checks"));
    tabs->setTabIcon(int(MessageView::Tab::Checks), count > 0 ? warning : QIcon());
}

void MessageViewPrivate::fillSmtp()
{
    const SmtpStoredMessage &s = shown->stored;
    const SmtpMessage m = s.message();
    const QLocale locale;
    smtpId->setText(QString::number(shown->id));
    const QDateTime received = s.summary().receivedAt;
    smtpReceived->setText(QLocale().toString(received.toLocalTime(), QLocale::LongFormat));
    smtpReceived->setToolTip(received.toUTC().toString(Qt::ISODateWithMs));
    QString remote = m.remoteAddress();
    if (remote.contains(QLatin1Char(':')))
        remote = QLatin1Char('[') + remote + QLatin1Char(']'); // IPv6
    smtpRemote->setText(
        m.remotePort() > 0 ? remote + QLatin1Char(':') + QString::number(m.remotePort()) : remote);
    smtpHelo->setText(m.helo());
    smtpMailFrom->setText(
        m.mailFrom().isEmpty() ? MessageView::tr("<> (null sender)") : m.mailFrom());
    smtpRcptTo->setText(m.rcptTos().join(QLatin1Char('\n')));
    const QString protocol = m.tlsProtocol();
    const QString cipher = m.tlsCipher();
    smtpTls->setText(protocol.isEmpty() ? MessageView::tr("No")
            : cipher.isEmpty()          ? protocol
                                        : MessageView::tr("%1, %2").arg(protocol, cipher));
    const QString user = m.authenticatedUser();
    smtpAuth->setText(user.isEmpty() ? MessageView::tr("Not authenticated") : user);
    QStringList extensions;
    if (m.isSmtpUtf8())
        extensions << QStringLiteral("SMTPUTF8");
    if (m.is8BitMime())
        extensions << QStringLiteral("8BITMIME");
    smtpExtensions->setText(
        extensions.isEmpty() ? MessageView::tr("None") : extensions.join(QStringLiteral(", ")));
    smtpSize->setText(
        MessageView::tr("%1 (%Ln byte(s))", nullptr, int(qMin<qint64>(m.size(), INT_MAX)))
            .arg(locale.formattedDataSize(m.size())));
    fillReleases(shown->releases);
}

void MessageViewPrivate::fillReleases(const std::optional<QList<SmtpMessageRelease>> &releases)
{
    smtpForm->setRowVisible(smtpReleases, releases.has_value());
    QStringList lines;
    for (const SmtpMessageRelease &release : releases.value_or(QList<SmtpMessageRelease>()))
        lines.append(
            MessageView::tr("%1 to %2: %3", "released at, to whom, the relay's reply")
                .arg(QLocale().toString(release.releasedAt.toLocalTime(), QLocale::ShortFormat),
                    release.recipients.join(QStringLiteral(", ")), release.reply));
    smtpReleases->setText(
        lines.isEmpty() ? MessageView::tr("Never") : lines.join(QLatin1Char('\n')));
}

void MessageViewPrivate::fillSourceIfNeeded()
{
    if (sourceFilled || !shown)
        return;
    sourceEdit->setPlainText(shown->sourceText);
    sourceFilled = true;
}

void MessageViewPrivate::setTab(MessageView::Tab tab)
{
    switchingTab = true;
    tabs->setCurrentIndex(int(tab));
    switchingTab = false;
}

void MessageViewPrivate::applyPreviewWidth()
{
    int width = 0;
    switch (previewWidth) {
    case MessageView::PreviewWidth::Phone:
        width = phoneWidth;
        break;
    case MessageView::PreviewWidth::Tablet:
        width = tabletWidth;
        break;
    case MessageView::PreviewWidth::Desktop:
        break;
    }
    const QSizePolicy::Policy spacerPolicy
        = width > 0 ? QSizePolicy::Expanding : QSizePolicy::Fixed;
    leftSpacer->changeSize(0, 0, spacerPolicy, QSizePolicy::Minimum);
    rightSpacer->changeSize(0, 0, spacerPolicy, QSizePolicy::Minimum);
    webView->setMaximumWidth(width > 0 ? width : QWIDGETSIZE_MAX);
    viewHostLayout->invalidate();
    if (QAbstractButton *button = widthButtons->button(int(previewWidth)))
        button->setChecked(true);
}
