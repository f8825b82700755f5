// make-store PATH N [--in-flight K] [--mailboxes M]
//
// Fills the message store at PATH with N generated messages, through the real store path:
// SmtpMessageStore::deliver() (MIME parse, insert, FTS5 index, group commit), as the server does.
// Messages are deterministic: message number i (0-based) is always the same bytes, so a run that
// was interrupted resumes where the store's count() says it stopped ("make-store PATH N" again).
//
// What is generated: senders, recipients and subjects from word lists; 0.5-3 KB text bodies with
// a skewed word frequency (some words in most messages, most in few); about 20% of messages are
// multipart/alternative with an HTML part, about 5% carry a small attachment, about 3% have an
// RFC 2047 encoded subject; message i with i % 100000 == 0 has the rare word "xylophonist" in its
// body (10 messages in 1,000,000). receivedAt starts at 2024-01-01T00:00Z, 30 s apart.
//
// At most K (default 2000) messages are in flight, so memory stays flat whatever N is.
// With --mailboxes M (2 or more), message i goes to one of M mailboxes, skewed as projects are
// (mailboxOf()): Inbox, the biggest, and project-01 .. project-(M-1), each smaller than the last.

#include "procstatus.h"

#include "smtpmessagestore.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QStringList>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace {

// splitmix64: small, fast, and the same sequence everywhere.
struct Rng
{
    quint64 state;
    quint64 next()
    {
        quint64 z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % quint64(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); } // inclusive
    double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    bool chance(double p) { return unit() < p; }
    template<typename T, size_t n>
    const T &pick(const T (&items)[n])
    {
        return items[below(int(n))];
    }
};

const char *const firstNames[] = { "alice", "bob", "carol", "dave", "erin", "frank", "grace",
    "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent",
    "victor", "walter", "yusuf", "zoe", "amir", "beatriz", "chen", "dmitri", "elena", "fatima",
    "giorgio", "hana", "ingrid", "jonas", "kenji", "lena", "marta", "noah", "oscar", "priya",
    "quentin", "rosa", "sven", "tomas", "ursula", "valentina", "wei", "ximena", "yara", "zane",
    "anna", "ben", "clara", "diego", "emma", "felix", "gustav", "hugo", "iris", "jack", "kira",
    "liam", "mia" };

const char *const lastNames[] = { "martin", "smith", "garcia", "mueller", "rossi", "dubois",
    "nakamura", "kowalski", "jensen", "novak", "silva", "fischer", "schmidt", "weber", "meyer",
    "wagner", "becker", "hoffmann", "schulz", "koch", "richter", "klein", "wolf", "lopez",
    "gonzalez", "perez", "sanchez", "ramirez", "torres", "flores", "rivera", "gomez", "diaz",
    "reyes", "morales", "ortiz", "gutierrez", "chavez", "ramos", "ruiz", "alvarez", "mendoza",
    "castillo", "jimenez", "moreno", "romero", "herrera", "medina", "aguilar", "vargas", "tanaka",
    "suzuki", "watanabe", "ito", "yamamoto", "kobayashi", "kato", "yoshida", "yamada", "sasaki" };

const char *const domains[] = { "example.com", "example.org", "example.net", "acme.test",
    "globex.test", "initech.test", "umbrella.test", "hooli.test", "vandelay.test", "wonka.test",
    "stark.test", "wayne.test", "tyrell.test", "cyberdyne.test", "soylent.test", "aperture.test",
    "blackmesa.test", "massive.test", "dunder.test", "prestige.test", "sterling.test",
    "pied-piper.test", "contoso.test", "fabrikam.test", "northwind.test", "adventure.test",
    "tailspin.test", "woodgrove.test", "litware.test", "proseware.test" };

const char *const companies[] = { "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay",
    "Wonka", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Aperture", "Contoso", "Fabrikam",
    "Northwind", "Litware", "Proseware" };

const char *const products[] = { "laptop", "headphones", "keyboard", "monitor", "chair", "desk",
    "phone case", "backpack", "camera", "printer", "router", "charger", "notebook", "lamp" };

const char *const lists[] = { "dev", "ops", "announce", "security", "release", "support", "design",
    "finance", "hr", "sales" };

const char *const months[] = { "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December" };

// Body vocabulary, most frequent first (drawn with a skew: index = n * u^2). "project" sits at
// rank ~100 and ends up in roughly 40% of the messages: the benchmark's common word.
const char *const words[] = { "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "for",
    "was", "on", "are", "with", "as", "be", "at", "this", "have", "from", "or", "by", "one", "had",
    "not", "but", "what", "all", "were", "when", "we", "there", "can", "an", "your", "which",
    "their", "said", "if", "do", "will", "each", "about", "how", "up", "out", "them", "then", "she",
    "many", "some", "so", "these", "would", "other", "into", "has", "more", "her", "two", "like",
    "him", "see", "time", "could", "no", "make", "than", "first", "been", "its", "who", "now",
    "people", "my", "made", "over", "did", "down", "only", "way", "find", "use", "may", "water",
    "long", "little", "very", "after", "words", "called", "just", "where", "most", "know", "get",
    "through", "back", "much", "project", "before", "go", "good", "new", "write", "our", "used",
    "me", "man", "too", "any", "day", "same", "right", "look", "think", "also", "around", "another",
    "came", "come", "work", "three", "word", "must", "because", "does", "part", "even", "place",
    "well", "such", "here", "take", "why", "things", "help", "put", "years", "different", "away",
    "again", "off", "went", "old", "number", "great", "tell", "men", "say", "small", "every",
    "found", "still", "between", "name", "should", "home", "big", "give", "air", "line", "set",
    "own", "under", "read", "last", "never", "us", "left", "end", "along", "while", "might", "next",
    "sound", "below", "saw", "something", "thought", "both", "few", "those", "always", "looked",
    "show", "large", "often", "together", "asked", "house", "world", "going", "want", "school",
    "important", "until", "form", "food", "keep", "children", "feet", "land", "side", "without",
    "boy", "once", "animals", "life", "enough", "took", "sometimes", "four", "head", "above",
    "kind", "began", "almost", "live", "page", "got", "earth", "need", "far", "hand", "high",
    "year", "mother", "light", "parts", "country", "father", "let", "night", "following", "picture",
    "being", "study", "second", "eyes", "soon", "times", "story", "boys", "since", "white", "days",
    "paper", "hard", "near", "sentence", "better", "best", "across", "during", "today", "others",
    "however", "sure", "means", "knew", "try", "told", "young", "miles", "sun", "ways", "thing",
    "whole", "hear", "example", "heard", "several", "change", "answer", "room", "sea", "against",
    "top", "turned", "learn", "point", "city", "play", "toward", "five", "using", "himself",
    "usually", "meeting", "invoice", "budget", "release", "deadline", "review", "schedule",
    "contract", "customer", "account", "password", "delivery", "shipment", "feedback", "proposal",
    "quarter", "forecast", "roadmap", "sprint", "milestone", "deployment", "server", "database",
    "backup", "migration", "outage", "incident", "ticket", "request", "approval", "signature",
    "document", "attachment", "draft", "version", "update", "upgrade", "license", "renewal",
    "subscription", "payment", "receipt", "refund", "discount", "offer", "newsletter", "webinar",
    "conference", "agenda", "minutes", "summary", "report", "analysis", "metrics", "dashboard",
    "survey", "results", "launch", "campaign", "marketing", "design", "prototype", "feature", "bug",
    "fix", "patch", "test", "staging", "production", "cluster", "network", "firewall",
    "certificate", "domain", "email", "calendar", "invitation", "reminder", "confirmation",
    "verification", "security", "alert", "warning", "notice", "policy", "privacy", "terms",
    "agreement", "partner", "vendor", "supplier", "warehouse", "inventory", "catalog", "pricing",
    "estimate", "quote", "order", "purchase", "tracking", "carrier", "address", "phone", "office",
    "team", "department", "manager", "director", "engineer", "designer", "analyst", "consultant",
    "intern", "hiring", "interview", "candidate", "onboarding", "training", "workshop", "holiday",
    "vacation", "travel", "flight", "hotel", "expense", "reimbursement", "benefits", "salary",
    "bonus", "promotion", "performance", "goals", "objectives", "strategy", "vision", "mission",
    "values", "culture", "community", "volunteer", "charity", "donation", "sponsor", "event",
    "venue", "catering", "menu", "lunch", "dinner", "coffee", "breakfast", "parking", "shuttle",
    "badge", "access", "login", "session", "timeout", "token", "integration", "webhook", "endpoint",
    "latency", "throughput", "capacity", "scaling", "monitoring", "logging", "tracing", "audit",
    "compliance", "regulation", "jurisdiction", "lawyer", "invoice", "ledger", "balance",
    "statement", "transfer", "wire", "deposit", "withdrawal", "interest", "mortgage", "insurance",
    "claim", "premium", "coverage", "policyholder", "beneficiary", "appointment", "clinic",
    "prescription", "pharmacy", "laboratory", "specimen", "telescope", "harbour", "glacier",
    "meadow", "orchard", "lantern", "compass", "quartz", "saffron", "velvet", "marble", "cobalt",
    "juniper", "thistle", "pebble", "falcon", "otter", "badger", "heron", "walrus", "narwhal",
    "penguin", "tortoise", "chameleon", "armadillo", "pangolin", "axolotl", "quokka", "ocelot",
    "mandolin", "harpsichord", "bassoon", "clarinet", "accordion", "ukulele", "tambourine",
    "metronome", "sonata", "concerto", "overture", "libretto", "cadenza", "arpeggio" };

constexpr int rareEvery = 100000;
const char rareWord[] = "xylophonist";

QByteArray capitalized(const char *s)
{
    QByteArray b(s);
    if (!b.isEmpty())
        b[0] = char(std::toupper(static_cast<unsigned char>(b[0])));
    return b;
}

const char *skewedWord(Rng &rng)
{
    constexpr int n = int(sizeof(words) / sizeof(words[0]));
    const double u = rng.unit();
    return words[qMin(n - 1, int(n * u * u))];
}

struct Person
{
    QByteArray name;
    QByteArray address;
};

Person person(Rng &rng)
{
    const char *first = rng.pick(firstNames);
    const char *last = rng.pick(lastNames);
    const char *domain = rng.pick(domains);
    Person p;
    p.name = capitalized(first) + ' ' + capitalized(last);
    p.address = QByteArray(first) + '.' + last + '@' + domain;
    return p;
}

QByteArray mailbox(const Person &p, Rng &rng)
{
    if (rng.chance(0.15))
        return p.address;
    return '"' + p.name + "\" <" + p.address + '>';
}

QByteArray subject(Rng &rng, quint64 index)
{
    QByteArray s;
    switch (rng.below(8)) {
    case 0:
        s = "Invoice " + QByteArray::number(10000 + rng.below(90000)) + " from "
            + rng.pick(companies);
        break;
    case 1:
        s = "Re: " + capitalized(skewedWord(rng)) + ' ' + skewedWord(rng) + " for "
            + rng.pick(months);
        break;
    case 2:
        s = QByteArray("Your ") + rng.pick(products) + " order #"
            + QByteArray::number(100000 + rng.below(900000)) + " has shipped";
        break;
    case 3:
        s = "Password reset for " + capitalized(rng.pick(firstNames));
        break;
    case 4:
        s = "Weekly " + QByteArray(skewedWord(rng)) + " report, week "
            + QByteArray::number(1 + rng.below(52));
        break;
    case 5:
        s = "Fwd: " + capitalized(skewedWord(rng)) + ' ' + skewedWord(rng) + ' ' + skewedWord(rng);
        break;
    case 6:
        s = QByteArray("[") + rng.pick(lists) + "] " + capitalized(skewedWord(rng)) + ' '
            + skewedWord(rng) + ' ' + skewedWord(rng) + ' ' + skewedWord(rng);
        break;
    default:
        s = "Welcome to " + QByteArray(rng.pick(companies)) + ", "
            + capitalized(rng.pick(firstNames)) + '!';
        break;
    }
    if (rng.chance(0.03)) {
        // Non-ASCII: an RFC 2047 encoded word in UTF-8.
        const QByteArray utf8
            = QByteArray("Caf\xc3\xa9 \xe2\x80\x94 ") + s + " #" + QByteArray::number(index);
        s = "=?UTF-8?B?" + utf8.toBase64() + "?=";
    }
    return s;
}

// Paragraphs of sentences (one line each, wrapped later); about target bytes long. With rare,
// the rare word replaces one word of the first paragraph.
QList<QByteArray> paragraphs(Rng &rng, int target, bool rare)
{
    QList<QByteArray> result;
    int total = 0;
    while (total < target) {
        QByteArray paragraph;
        const int sentences = rng.between(2, 5);
        for (int s = 0; s < sentences && total + paragraph.size() < target; ++s) {
            const int length = rng.between(6, 16);
            for (int w = 0; w < length; ++w) {
                if (w == 0) {
                    if (!paragraph.isEmpty())
                        paragraph += ' ';
                    paragraph += capitalized(skewedWord(rng));
                } else {
                    paragraph += ' ';
                    paragraph += skewedWord(rng);
                }
            }
            paragraph += rng.chance(0.1) ? '?' : '.';
        }
        total += paragraph.size() + 2;
        result.append(paragraph);
    }
    if (rare) {
        QList<QByteArray> first = result.first().split(' ');
        first[1 + rng.below(int(first.size()) - 1)] = rareWord;
        result.first() = first.join(' ');
    }
    return result;
}

// Lines of at most 72 columns (CRLF), broken at spaces.
QByteArray wrapped(const QByteArray &text)
{
    QByteArray out;
    QByteArray line;
    const QList<QByteArray> pieces = text.split(' ');
    for (const QByteArray &piece : pieces) {
        if (!line.isEmpty() && line.size() + 1 + piece.size() > 72) {
            out += line + "\r\n";
            line.clear();
        }
        if (!line.isEmpty())
            line += ' ';
        line += piece;
    }
    if (!line.isEmpty())
        out += line + "\r\n";
    return out;
}

QByteArray base64Lines(const QByteArray &data)
{
    const QByteArray b64 = data.toBase64();
    QByteArray out;
    out.reserve(b64.size() + b64.size() / 76 * 2 + 2);
    for (qsizetype i = 0; i < b64.size(); i += 76)
        out += b64.mid(i, 76) + "\r\n";
    return out;
}

struct Attachment
{
    QByteArray name;
    QByteArray type;
};

const Attachment attachmentKinds[] = {
    { "invoice", "application/pdf" },
    { "report", "text/csv" },
    { "photo", "image/png" },
    { "notes", "text/plain" },
    { "archive", "application/zip" },
};

const char *extension(const QByteArray &type)
{
    if (type == "application/pdf")
        return ".pdf";
    if (type == "text/csv")
        return ".csv";
    if (type == "image/png")
        return ".png";
    if (type == "application/zip")
        return ".zip";
    return ".txt";
}

SmtpMessage generate(quint64 index)
{
    Rng rng { index * 0x2545f4914f6cdd1dULL + 0x1234567ULL };
    const Person from = person(rng);
    QList<Person> to;
    const int toCount = rng.chance(0.7) ? 1 : rng.between(2, 3);
    for (int i = 0; i < toCount; ++i)
        to.append(person(rng));
    QList<Person> cc;
    if (rng.chance(0.15))
        cc.append(person(rng));

    const QDateTime receivedAt = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC)
                                     .addMSecs(qint64(index) * 30000 + rng.below(30000));
    const QDateTime sent = receivedAt.addSecs(-rng.between(0, 120));

    const bool html = rng.chance(0.20);
    const bool attachment = rng.chance(0.05);
    const bool rare = index % rareEvery == 0;
    const QList<QByteArray> body = paragraphs(rng, rng.between(500, 3000), rare);

    QByteArray text;
    for (const QByteArray &p : body)
        text += (text.isEmpty() ? QByteArray() : QByteArray("\r\n")) + wrapped(p);
    QByteArray htmlText;
    if (html) {
        htmlText = "<!DOCTYPE html>\r\n<html><body>\r\n";
        for (const QByteArray &p : body)
            htmlText += "<p>" + wrapped(p) + "</p>\r\n";
        htmlText += "</body></html>\r\n";
    }

    QByteArray headers;
    headers += "Date: " + sent.toString(Qt::RFC2822Date).toLatin1() + "\r\n";
    headers += "From: " + mailbox(from, rng) + "\r\n";
    QByteArray toHeader;
    for (const Person &p : to)
        toHeader += (toHeader.isEmpty() ? "" : ", ") + mailbox(p, rng);
    headers += "To: " + toHeader + "\r\n";
    if (!cc.isEmpty())
        headers += "Cc: " + mailbox(cc.first(), rng) + "\r\n";
    headers += "Subject: " + subject(rng, index) + "\r\n";
    headers += "Message-ID: <" + QByteArray::number(index, 16) + '.'
        + QByteArray::number(rng.next() & 0xffffffffffULL, 16) + '@'
        + from.address.mid(from.address.indexOf('@') + 1) + ">\r\n";
    headers += "MIME-Version: 1.0\r\n";

    const QByteArray textPart
        = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
        + text;
    const QByteArray htmlPart
        = "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
        + htmlText;
    const QByteArray altBoundary = "alt-" + QByteArray::number(index, 36);
    const QByteArray mixBoundary = "mix-" + QByteArray::number(index, 36);

    QByteArray content; // the top-level entity: its headers (Content-Type...) and body
    if (html)
        content = "Content-Type: multipart/alternative; boundary=\"" + altBoundary + "\"\r\n\r\n"
            + "--" + altBoundary + "\r\n" + textPart + "--" + altBoundary + "\r\n" + htmlPart + "--"
            + altBoundary + "--\r\n";
    else
        content = textPart;

    if (attachment) {
        const Attachment &kind = rng.pick(attachmentKinds);
        QByteArray bytes(rng.between(512, 6144), Qt::Uninitialized);
        for (qsizetype i = 0; i < bytes.size(); i += 8) {
            const quint64 v = rng.next();
            for (qsizetype j = 0; j < 8 && i + j < bytes.size(); ++j)
                bytes[i + j] = char(v >> (8 * j));
        }
        const QByteArray name
            = kind.name + '-' + QByteArray::number(index % 10000) + extension(kind.type);
        content = "Content-Type: multipart/mixed; boundary=\"" + mixBoundary + "\"\r\n\r\n"
            + "This is a multi-part message in MIME format.\r\n\r\n" + "--" + mixBoundary + "\r\n"
            + content + "--" + mixBoundary + "\r\n" + "Content-Type: " + kind.type + "; name=\""
            + name + "\"\r\n" + "Content-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n"
            + base64Lines(bytes) + "--" + mixBoundary + "--\r\n";
    }

    SmtpMessage m;
    m.setReceivedAt(receivedAt);
    m.setRemoteAddress(QStringLiteral("10.%1.%2.%3")
                           .arg(rng.below(256))
                           .arg(rng.below(256))
                           .arg(1 + rng.below(254)));
    m.setRemotePort(1024 + rng.below(64000));
    m.setHelo(QStringLiteral("mta%1.%2").arg(rng.below(8)).arg(QLatin1String(rng.pick(domains))));
    m.setMailFrom(QString::fromLatin1(from.address));
    QStringList rcpts;
    for (const Person &p : to)
        rcpts.append(QString::fromLatin1(p.address));
    for (const Person &p : cc)
        rcpts.append(QString::fromLatin1(p.address));
    m.setRcptTos(rcpts);
    m.setData(headers + content);
    return m;
}

// The mailbox of message i among m: a hash of i squared onto 0..m-1, so that low numbers are
// common (Inbox about 1/sqrt(m) of the mail) and high ones rare, the same for every run.
QString mailboxOf(qint64 i, int m)
{
    const double unit = double((quint64(i) * 2654435761ULL) % 1000003ULL) / 1000003.0;
    const int index = qMin(m - 1, int(m * unit * unit));
    return index == 0 ? QStringLiteral("Inbox")
                      : QStringLiteral("project-%1").arg(index, 2, 10, QLatin1Char('0'));
}

int usage()
{
    std::fprintf(stderr,
        "usage: make-store PATH N [--in-flight K] [--mailboxes M]\n"
        "  Adds generated messages to the store at PATH until it holds N (resumable).\n");
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 3 || args.size() % 2 == 0)
        return usage();
    const QString path = args.at(1);
    bool ok = false;
    const qint64 target = args.at(2).toLongLong(&ok);
    if (!ok || target < 0)
        return usage();
    int maxInFlight = 2000;
    int mailboxes = 1;
    for (qsizetype a = 3; a + 1 < args.size(); a += 2) {
        if (args.at(a) == QLatin1String("--in-flight"))
            maxInFlight = args.at(a + 1).toInt(&ok);
        else if (args.at(a) == QLatin1String("--mailboxes"))
            mailboxes = args.at(a + 1).toInt(&ok);
        else
            return usage();
        if (!ok || maxInFlight < 1 || mailboxes < 1)
            return usage();
    }

    SmtpMessageStore store;
    if (!store.open(path)) {
        std::fprintf(stderr, "make-store: %s\n", qUtf8Printable(store.errorString()));
        return 2;
    }
    const qint64 start = store.count();
    if (start > 0)
        std::printf("make-store: %s holds %lld messages; resuming at message %lld\n",
            qUtf8Printable(path), start, start);
    if (start >= target) {
        std::printf("make-store: nothing to do (%lld >= %lld)\n", start, target);
        return 0;
    }

    std::mutex mutex;
    std::condition_variable changed;
    int inFlight = 0;
    qint64 failed = 0;
    QString firstError;
    const auto completion = [&](const SmtpSinkResult &result) {
        std::lock_guard lock(mutex);
        --inFlight;
        if (!result.ok && failed++ == 0)
            firstError = result.errorString;
        changed.notify_one();
    };

    const qint64 total = target - start;
    const qint64 reportEvery = qBound(qint64(1000), total / 20, qint64(50000));
    QElapsedTimer timer;
    timer.start();
    qint64 lastReportAt = 0;
    qint64 lastReportNs = 0;
    qint64 bytes = 0;
    for (qint64 i = start; i < target; ++i) {
        SmtpMessage message = generate(quint64(i));
        if (mailboxes > 1)
            message.setMailboxes({ mailboxOf(i, mailboxes) });
        bytes += message.size();
        for (;;) {
            {
                std::unique_lock lock(mutex);
                if (changed.wait_for(lock, std::chrono::milliseconds(20),
                        [&] { return inFlight < maxInFlight || failed > 0; })) {
                    if (failed > 0)
                        break;
                    ++inFlight;
                    break;
                }
            }
            // The store posts its notifications to this thread: let them through.
            QCoreApplication::processEvents();
        }
        if (failed > 0)
            break;
        store.deliver(message, completion);

        const qint64 done = i + 1 - start;
        if (done % 1000 == 0)
            QCoreApplication::processEvents();
        if (done % reportEvery == 0 || i + 1 == target) {
            const qint64 ns = timer.nsecsElapsed();
            std::printf("make-store: %lld/%lld  %.1f s  %.0f msg/s (last %lld: %.0f msg/s)  "
                        "db %.1f MiB  rss %.1f MiB\n",
                i + 1, target, ns / 1e9, done / (ns / 1e9), done - lastReportAt,
                (done - lastReportAt) / ((ns - lastReportNs) / 1e9),
                store.databaseSize() / 1048576.0, statusKib("VmRSS:") / 1024.0);
            std::fflush(stdout);
            lastReportAt = done;
            lastReportNs = ns;
        }
    }
    // Wait for the last commits.
    for (;;) {
        std::unique_lock lock(mutex);
        if (changed.wait_for(lock, std::chrono::milliseconds(20), [&] { return inFlight == 0; }))
            break;
        lock.unlock();
        QCoreApplication::processEvents();
    }
    const double seconds = timer.nsecsElapsed() / 1e9;
    QCoreApplication::processEvents();
    if (failed > 0) {
        std::fprintf(stderr, "make-store: %lld deliveries failed; first: %s\n", failed,
            qUtf8Printable(firstError));
        return 1;
    }
    // The size is taken once the background indexer has passed every message (HTML bodies and
    // full-text rows written), so that bytes per message is what the store keeps for good.
    QElapsedTimer indexTimer;
    indexTimer.start();
    while (!store.isIndexCaughtUp()) {
        QCoreApplication::processEvents();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const double indexSeconds = indexTimer.nsecsElapsed() / 1e9;
    const qint64 count = store.count();
    const qint64 size = store.databaseSize();
    std::printf("make-store: stored %lld messages (%.1f MiB of mail) in %.1f s: %.0f msg/s; "
                "indexed %.1f s later; store holds %lld, database %.1f MiB, %.0f bytes/message "
                "(%.2f x the mail); peak rss %.1f MiB\n",
        total, bytes / 1048576.0, seconds, total / seconds, indexSeconds, count, size / 1048576.0,
        count > 0 ? double(size) / count : 0.0, bytes > 0 ? double(size) / bytes : 0.0,
        statusKib("VmHWM:") / 1024.0);
    std::printf("RESULT make_store added=%lld seconds=%.1f rate=%.0f count=%lld db_bytes=%lld "
                "db_bytes_per_msg=%.0f peak_rss_mib=%.1f index_seconds=%.1f "
                "mail_bytes_per_msg=%.0f\n",
        total, seconds, total / seconds, count, size, count > 0 ? double(size) / count : 0.0,
        statusKib("VmHWM:") / 1024.0, indexSeconds, total > 0 ? double(bytes) / total : 0.0);
    return 0;
}
