// Test helper: hands messages to a store (they commit together, as a burst from many
// connections would) and waits, spinning the event loop, until every one is stored.
#pragma once

#include <smtpmessagestore.h>

#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <memory>

inline bool deliverAll(SmtpMessageStore &store, const QList<SmtpMessage> &messages)
{
    // Shared with the completions: after a timeout they may still run, and must not touch a
    // finished stack frame.
    struct Counts
    {
        std::atomic<int> done { 0 };
        std::atomic<int> failed { 0 };
    };
    const auto counts = std::make_shared<Counts>();
    for (const SmtpMessage &m : messages)
        store.deliver(m, [counts](const SmtpSinkResult &r) {
            counts->failed += r.ok ? 0 : 1;
            ++counts->done;
        });
    const bool allDone = QTest::qWaitFor([&] { return counts->done == messages.size(); }, 30000);
    return allDone && counts->failed == 0;
}

// Waits, spinning the event loop, until the store's background indexer has passed every message
// committed so far (search finds them from then on).
inline bool waitForIndex(SmtpMessageStore &store)
{
    QSignalSpy caughtUp(&store, &SmtpMessageStore::indexCaughtUp);
    while (!store.isIndexCaughtUp())
        if (!caughtUp.wait(30000))
            return false;
    return true;
}
