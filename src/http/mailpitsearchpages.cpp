// MailpitSearchPages: the kept pages under a mutex, and the epoch that outdates them.
#include "mailpitsearchpages.h"

#include <QMutexLocker>

namespace {
// Distinct searches kept at once; more are rare (clients poll a few), and all go at the next
// change that is not new mail anyway.
constexpr qsizetype maxPages = 256;
} // namespace

void MailpitSearchPages::forget()
{
    QMutexLocker lock(&m_mutex);
    ++m_epoch;
    m_pages.clear();
}

std::optional<MailpitSearchPages::Page> MailpitSearchPages::find(
    const QByteArray &key, quint64 epoch, quint64 changes) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_pages.constFind(key);
    if (it == m_pages.cend() || it->epoch != epoch || epoch != m_epoch.load()
        || it->changes != changes)
        return std::nullopt;
    ++m_found;
    return *it;
}

void MailpitSearchPages::keep(const QByteArray &key, const Page &page)
{
    QMutexLocker lock(&m_mutex);
    if (page.epoch != m_epoch.load() || page.changes % 2 != 0)
        return;
    if (m_pages.size() >= maxPages && !m_pages.contains(key))
        m_pages.clear();
    m_pages.insert(key, page);
}
