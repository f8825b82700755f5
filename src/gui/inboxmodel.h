// The inbox as a table model over the store: newest first, one page of summaries at a time
// (canFetchMore / fetchMore), read on a worker thread so a 1,000,000-message store opens at once.
// New mail arrives from the store's signals, batched, and is inserted at the top; removals and
// read flags update rows in place. The query is the store's search language.
#pragma once

#include <smtpmessagesummary.h>

#include <QAbstractTableModel>
#include <QFutureWatcher>
#include <QTimer>

class SmtpMessageStore;

class InboxModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
public:
    enum Column { FromColumn, ToColumn, SubjectColumn, ReceivedColumn, SizeColumn, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1,
        ReadRole,
        HasAttachmentsRole,
        SummaryRole, // the whole SmtpMessageSummary
    };
    static constexpr int pageSize = 200;

    explicit InboxModel(SmtpMessageStore *store, QObject *parent = nullptr);
    ~InboxModel() override;

    QString query() const { return m_query; }
    void setQuery(const QString &query); // starts again from the newest match
    QString queryError() const { return m_queryError; }
    bool isLoading() const { return m_fetching; }

    qint64 idAt(int row) const;
    int rowOf(qint64 id) const; // -1 if not loaded
    SmtpMessageSummary summaryAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void queryChanged();
    void loadingChanged();
    void queryErrorChanged(const QString &error);
    void pageLoaded(); // a fetchMore finished
    void newMessagesInserted(int count); // at the top, after a batch of live inserts

private:
    struct Page
    {
        QList<SmtpMessageSummary> rows;
        QString error;
    };
    void onPageLoaded();
    void onMessagesAdded(const QList<qint64> &ids);
    void insertPending();
    void onNewLoaded();
    void onMessagesRemoved(const QList<qint64> &ids);
    void onReadChanged(const QList<qint64> &ids, bool read);

    SmtpMessageStore *m_store;
    QString m_query;
    QString m_queryError;
    QList<SmtpMessageSummary> m_rows;
    bool m_exhausted = false;
    bool m_fetching = false;
    quint64 m_generation = 0; // pages for an older query or a reload are dropped
    QFutureWatcher<Page> m_pageWatcher;

    qint64 m_pendingNewest = 0; // the newest id announced and not yet inserted
    QTimer m_insertTimer; // batches live inserts (5,000 messages a second stay smooth)
    QFutureWatcher<Page> m_newWatcher;
};
