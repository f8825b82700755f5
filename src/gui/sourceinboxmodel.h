// The inbox of a window that reads through a MessageSource (a remote catcher): the same columns
// and roles as SmtpInboxModel, newest first, a page at a time by position (canFetchMore /
// fetchMore), the query passed to the source. Live: new mail goes in at the top (with a query,
// the first page is asked for again and merged), removals and read flags change rows in place,
// and catchUp() merges the first page after the source was away (what arrived meanwhile goes in
// at the top, what was deleted meanwhile among those rows goes out), keeping what is shown.
#pragma once

#include "messagesource.h"

#include <smtpinboxmodel.h>

#include <QAbstractTableModel>
#include <QPointer>

class SourceInboxModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using Column = SmtpInboxModel::Column;
    static constexpr int pageSize = SmtpInboxModel::pageSize;

    explicit SourceInboxModel(MessageSource *source, QObject *parent = nullptr);

    MessageSource *source() const { return m_source; }
    QString query() const { return m_query; }
    void setQuery(const QString &query); // starts again from the newest match
    QString queryError() const { return m_error; }
    bool isLoading() const { return m_pending != 0; }
    qint64 matchCount() const { return m_matches; } // of the query, as the source last said

    qint64 idAt(int row) const; // 0 outside the rows
    int rowOf(qint64 id) const; // -1 if not loaded
    SmtpMessageSummary summaryAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

public Q_SLOTS:
    void reload();
    void catchUp();

Q_SIGNALS:
    void pageLoaded(); // a page (or a catch-up) was merged
    void queryErrorChanged(const QString &error);
    void loadingChanged();

private:
    void onPage(quint64 request, qint64 start, const QList<SmtpMessageSummary> &page,
        qint64 matches, const QString &error);
    void onAdded(const SmtpMessageSummary &summary);
    void onRemoved(const QList<qint64> &ids);
    void onReadChanged(const QList<qint64> &ids, bool read);
    void mergeFirstPage(const QList<SmtpMessageSummary> &page);
    void setError(const QString &error);

    QPointer<MessageSource> m_source;
    QString m_query;
    QString m_error;
    QList<SmtpMessageSummary> m_rows;
    qint64 m_matches = -1; // unknown until the first page
    quint64 m_pending = 0; // the page asked for (0: none)
    quint64 m_catchUp = 0; // the first page asked for again (0: none)
    bool m_catchUpAgain = false; // more came while one was under way
};
