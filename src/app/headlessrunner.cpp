#include "headlessrunner.h"

#include "unixsignals.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTimer>

#include <cstdio>
#include <functional>

HeadlessRunner::HeadlessRunner(const AppOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_printer(options.json)
{ }

HeadlessRunner::~HeadlessRunner() = default;

bool HeadlessRunner::fail(const QString &why)
{
    std::fprintf(stderr, "smtp-receiver: %s\n", qUtf8Printable(why));
    return false;
}

bool HeadlessRunner::start()
{
    const AppOptions &o = m_options;
    // The TLS files can be read now that the application object exists.
    if (const QString problem = checkServerOptions(o.server); !problem.isEmpty())
        return fail(problem);
    m_store = std::make_unique<SmtpMessageStore>();
    if (!m_store->open(o.database.isEmpty() ? SmtpMessageStore::defaultPath() : o.database))
        return fail(QStringLiteral("--database: %1").arg(m_store->errorString()));
    m_store->setMaxMessagesPerMailbox(o.max); // --max: per mailbox (one mailbox: the store)
    // The Maildir before the store: the store lists a message (inbox, HTTP API, its WebSocket) as
    // soon as it commits, so it comes last, once nothing after it can refuse the message. A
    // Maildir write that fails then leaves no trace; a store that fails has the file taken back
    // from new. The store still gives the message its id, and the 250 waits for both.
    if (!o.maildir.isEmpty()) {
        m_maildir = std::make_unique<SmtpMaildirSink>(o.maildir);
        if (!m_maildir->open())
            return fail(QStringLiteral("--maildir: %1").arg(m_maildir->errorString()));
        m_server.addMessageSink(m_maildir.get());
    }
    m_server.addMessageSink(m_store.get());
    m_server.setSpoolDirectory(m_store->spoolDirectory());

    raiseOpenFileLimit();
    auto *signals = new UnixSignals(this);
    connect(signals, &UnixSignals::terminationRequested, this, &HeadlessRunner::stop);

    connect(&m_server, &SmtpServer::message, this, [this](const SmtpMessage &message) {
        // The event carries the subject only: decode that one header, per message.
        SmtpMessageSummary summary = SmtpMessageSummary::fromEnvelope(message);
        summary.subject = message.subject();
        m_printer.message(summary);
        // An accept rule with "relay": true releases the recipients it accepted at RCPT, after
        // the 250 and without holding up ingest (the release starts from the event loop).
        if (m_relay)
            m_relay->releaseByRules(message);
    });

    if (o.relay.isEnabled()) {
        SmtpRelayConfig relayConfig = o.relay;
        if (const QString problem = readRelayCertificate(o.relayCertificateFile, &relayConfig);
            !problem.isEmpty())
            return fail(problem);
        if (!o.server.hostname().isEmpty())
            relayConfig.heloName = o.server.hostname();
        m_relay = std::make_unique<SmtpRelay>(m_store.get());
        m_relay->setConfig(relayConfig);
        connect(m_relay.get(), &SmtpRelay::released, this,
            [this](qint64 id, const QStringList &to, const SmtpClientResult &result) {
                m_printer.released(id, to, result.ok, result.toString());
            });
        // A recipient the rules released that the relay may not take (--relay-allowed) is a
        // failed release to that recipient: said as one, not passed over in silence.
        connect(m_relay.get(), &SmtpRelay::releaseRefused, this,
            [this](qint64 id, const QStringList &to, const QString &reason) {
                m_printer.released(id, to, false, reason);
            });
    }
    // Injected failures only: a recipient refused by an ordinary rule has never printed a line,
    // and pipelines that read stdout expect the next line after a refusal to be a message.
    connect(&m_server, &SmtpServer::rejected, this, [this](const SmtpRejection &rejection) {
        if (rejection.injected)
            m_printer.rejected(rejection);
    });

    // Checked when the command line was parsed; what is left is binding (a port in use).
    if (!m_server.applyConfiguration(o.server))
        return fail(m_server.errorString());
    const auto shown = [](const QHostAddress &address, quint16 port) {
        return SmtpListenerConfig(address.toString(), port).toString();
    };
    const QString smtps = m_server.tlsServerPort() != 0
        ? shown(m_server.tlsServerAddress(), m_server.tlsServerPort())
        : QString();
    QString http;
    if (o.http) {
        m_http = std::make_unique<SmtpHttpApi>(m_store.get(), &m_server);
        m_http->setCredentials(o.httpCredentials);
        m_http->setAllowedHosts(o.httpAllowedHosts);
        m_http->setCorsOrigin(o.httpCorsOrigin);
        m_http->setRelay(m_relay.get());
        if (!m_http->listen(o.httpListener.hostAddress(), quint16(o.httpListener.port())))
            return fail(QStringLiteral("--http: %1").arg(m_http->errorString()));
        http = shown(m_http->serverAddress(), m_http->serverPort());
    }
    QList<EventPrinter::Listener> listeners;
    const QList<SmtpListenerConfig> configured = o.server.listeners();
    for (int i = 0; i < m_server.listenerCount(); ++i) {
        const QString mailbox = configured.value(i).mailbox();
        listeners.append({ shown(m_server.listenerAddress(i), m_server.listenerPort(i)),
            m_server.isListenerImplicitTls(i),
            mailbox.isEmpty() ? SmtpMessage::defaultMailbox() : mailbox });
    }
    m_printer.listening(shown(m_server.serverAddress(), m_server.serverPort()), smtps,
        m_server.isTlsAvailable(), http, listeners);
    // From now on the lines of one turn of the event loop leave in one write, as the next turn
    // begins (before it may wait): no line waits for a quiet moment, and a burst of mail does not
    // cost a system call per line (a fifth of the SMTP thread's writes in W2).
    m_printer.setFlushEachLine(false);
    connect(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::awake, this,
        [this] { m_printer.flush(); });
    return true;
}

void HeadlessRunner::stop(int signalNumber)
{
    if (m_stopping) {
        // A second signal while stopping: do not wait for slow clients any longer.
        QCoreApplication::exit(0);
        return;
    }
    m_stopping = true;
    std::fprintf(stderr, "smtp-receiver: signal %d, stopping\n", signalNumber);
    m_server.shutdown(); // listeners closed, every session told 421 4.3.2
    if (m_http)
        m_http->close();
    // Give pending writes and deliveries a moment to finish, then leave.
    auto *poll = new QTimer(this);
    int waited = 0;
    connect(poll, &QTimer::timeout, this, [this, poll, waited]() mutable {
        waited += 50;
        if (m_server.connectionCount() == 0 || waited >= 5000) {
            poll->stop();
            QCoreApplication::exit(0);
        }
    });
    poll->start(50);
}

namespace {

// Every message of one mailbox, oldest first, as forEach() gives every message: read through the
// mailbox's index a page at a time, not the whole store filtered here.
bool forEachInMailbox(const SmtpMessageStore &store, const QString &mailbox,
    const std::function<bool(const SmtpMessageSummary &)> &visit, QString *error)
{
    const QString query = QStringLiteral("mailbox:") + mailbox;
    SmtpPageRequest page;
    page.order = Qt::AscendingOrder;
    page.limit = 1000;
    for (;;) {
        const QList<SmtpMessageSummary> rows = store.summaries(query, page, error);
        if (!error->isEmpty())
            return false;
        for (const SmtpMessageSummary &row : rows)
            if (!visit(row))
                return true;
        if (rows.size() < page.limit)
            return true;
        page = page.after(rows.constLast());
    }
}

} // namespace

int HeadlessRunner::list(const AppOptions &options)
{
    SmtpMessageStore store;
    const QString path
        = options.database.isEmpty() ? SmtpMessageStore::defaultPath() : options.database;
    // Listing never creates a store: a mistyped --database must not look like an empty one.
    // Where no store was ever made at the default place, there is simply nothing to list.
    const bool missing = path != QLatin1String(":memory:") && !QFileInfo::exists(path);
    if (missing && !options.database.isEmpty()) {
        std::fprintf(stderr, "smtp-receiver: --database: no message store at %s\n",
            qUtf8Printable(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())));
        return 2;
    }
    if (!missing && !store.open(path)) {
        std::fprintf(
            stderr, "smtp-receiver: --database: %s\n", qUtf8Printable(store.errorString()));
        return 2;
    }
    EventPrinter printer(options.json);
    printer.setFlushEachLine(false);
    if (!options.json)
        printer.tableHeader();
    if (missing)
        return 0;
    const auto print = [&printer, &options](const SmtpMessageSummary &message) {
        if (options.json)
            printer.message(message);
        else
            printer.tableRow(message);
        return true;
    };
    QString error;
    const bool ok = options.listMailbox.isEmpty()
        ? store.forEach(print, &error)
        : forEachInMailbox(store, options.listMailbox, print, &error);
    if (!ok) {
        std::fprintf(stderr, "smtp-receiver: --list: %s\n", qUtf8Printable(error));
        return 2;
    }
    return 0;
}
