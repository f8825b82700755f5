// HTML to the text a reader sees, in one pass over the markup (linear in its length, whatever
// the input: every search for an end moves forward).
#include "smtphtmltotext.h"

#include <QChar>
#include <QHash>

namespace {

// The named character references mail uses. Latin-1 (U+00A0 to U+00FF) by table position.
const char *const latin1Names[] = { "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar",
    "sect", "uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2",
    "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14",
    "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH",
    "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute",
    "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml",
    "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc",
    "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash",
    "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml" };

struct NamedReference
{
    const char *name;
    char32_t code;
};

const NamedReference otherNames[]
    = { { "amp", 0x26 }, { "lt", 0x3c }, { "gt", 0x3e }, { "quot", 0x22 }, { "apos", 0x27 },
          { "Tab", 0x09 }, { "NewLine", 0x0a }, { "OElig", 0x152 }, { "oelig", 0x153 },
          { "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 }, { "fnof", 0x192 },
          { "circ", 0x2c6 }, { "tilde", 0x2dc }, { "ensp", 0x2002 }, { "emsp", 0x2003 },
          { "thinsp", 0x2009 }, { "ZeroWidthSpace", 0x200b }, { "zwnj", 0x200c }, { "zwj", 0x200d },
          { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
          { "sbquo", 0x201a }, { "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e },
          { "dagger", 0x2020 }, { "Dagger", 0x2021 }, { "bull", 0x2022 }, { "hellip", 0x2026 },
          { "permil", 0x2030 }, { "prime", 0x2032 }, { "Prime", 0x2033 }, { "lsaquo", 0x2039 },
          { "rsaquo", 0x203a }, { "oline", 0x203e }, { "frasl", 0x2044 }, { "euro", 0x20ac },
          { "trade", 0x2122 }, { "larr", 0x2190 }, { "uarr", 0x2191 }, { "rarr", 0x2192 },
          { "darr", 0x2193 }, { "minus", 0x2212 }, { "infin", 0x221e }, { "ne", 0x2260 },
          { "le", 0x2264 }, { "ge", 0x2265 }, { "hearts", 0x2665 }, { "check", 0x2713 } };

char32_t namedReference(const QByteArray &name)
{
    static const QHash<QByteArray, char32_t> table = [] {
        QHash<QByteArray, char32_t> names;
        for (std::size_t i = 0; i < sizeof latin1Names / sizeof *latin1Names; ++i)
            names.insert(latin1Names[i], char32_t(0xa0 + i));
        for (const NamedReference &reference : otherNames)
            names.insert(reference.name, reference.code);
        return names;
    }();
    return table.value(name);
}

// The character a reference at `at` ("&amp;", "&#233;", "&#xE9;") stands for, and its length;
// 0 when there is none there (the "&" is then text).
char32_t reference(QStringView html, qsizetype at, qsizetype *length)
{
    // Only a short way ahead: a text full of "&" and no ";" must not be read again for each.
    const qsizetype window = qMin<qsizetype>(html.size() - at - 1, 40);
    const qsizetype found = html.sliced(at + 1, window).indexOf(QLatin1Char(';'));
    if (found <= 0)
        return 0;
    const qsizetype end = at + 1 + found;
    const QStringView body = html.sliced(at + 1, end - at - 1);
    char32_t code = 0;
    if (body.front() == QLatin1Char('#')) {
        bool ok = false;
        const bool hex
            = body.size() > 1 && (body.at(1) == QLatin1Char('x') || body.at(1) == QLatin1Char('X'));
        const uint value = hex ? body.sliced(2).toUInt(&ok, 16) : body.sliced(1).toUInt(&ok, 10);
        if (!ok)
            return 0;
        // What HTML puts in place of numbers that name no character.
        code = value == 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff) ? 0xfffd
                                                                                      : value;
    } else {
        for (const QChar c : body) {
            if (!c.isLetterOrNumber() || c.unicode() > 0x7f)
                return 0;
        }
        code = namedReference(body.toLatin1());
    }
    if (code)
        *length = end - at + 1;
    return code;
}

// The output: characters with white space between them collapsed to one space, or to a line
// end when a block boundary fell among it; nothing before the first character or after the
// last.
class Writer
{
public:
    explicit Writer(qsizetype stopAfter)
        : m_stopAfter(stopAfter)
    { }

    void space()
    {
        if (m_pending == Pending::None)
            m_pending = Pending::Space;
    }
    void lineEnd() { m_pending = Pending::Line; }
    void put(char32_t code)
    {
        if (code < 0x20 || QChar::isSpace(code) || !QChar::isPrint(code)) {
            space();
            return;
        }
        if (!m_out.isEmpty() && m_pending != Pending::None)
            m_out += m_pending == Pending::Line ? QLatin1Char('\n') : QLatin1Char(' ');
        m_pending = Pending::None;
        if (QChar::requiresSurrogates(code)) {
            m_out += QChar(QChar::highSurrogate(code));
            m_out += QChar(QChar::lowSurrogate(code));
        } else {
            m_out += QChar(char16_t(code));
        }
    }
    bool full() const { return m_stopAfter >= 0 && m_out.size() > m_stopAfter; }
    QString result() const { return m_out; }

private:
    enum class Pending { None, Space, Line };
    QString m_out;
    Pending m_pending = Pending::None;
    qsizetype m_stopAfter;
};

// The code point at i (a surrogate pair as one), advancing i past it; a lone surrogate is
// U+FFFD.
char32_t nextCodePoint(QStringView text, qsizetype *i)
{
    const QChar c = text.at(*i);
    ++*i;
    if (c.isHighSurrogate() && *i < text.size() && text.at(*i).isLowSurrogate())
        return QChar::surrogateToUcs4(c, text.at((*i)++));
    if (c.isSurrogate())
        return 0xfffd;
    return c.unicode();
}

bool isAsciiLetter(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
        || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'));
}

enum class Element { Other, Skipped, Block, Image };

Element element(const QString &lowerName)
{
    static const QHash<QString, Element> elements = [] {
        QHash<QString, Element> table;
        for (const char *name : { "script", "style", "head", "title", "noscript" })
            table.insert(QLatin1String(name), Element::Skipped);
        for (const char *name :
            { "p", "div", "td", "th", "tr", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3",
                "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "caption", "blockquote",
                "pre", "hr", "br", "section", "article", "header", "footer", "nav", "aside", "main",
                "figure", "figcaption", "address", "center", "form", "fieldset", "body", "html" })
            table.insert(QLatin1String(name), Element::Block);
        table.insert(QStringLiteral("img"), Element::Image);
        return table;
    }();
    return elements.value(lowerName, Element::Other);
}

// Past the '>' that ends the tag whose name ends at `at`, quoted attribute values skipped.
qsizetype endOfTag(QStringView html, qsizetype at)
{
    bool valueNext = false;
    for (qsizetype i = at; i < html.size(); ++i) {
        const QChar c = html.at(i);
        if (c == QLatin1Char('>'))
            return i + 1;
        if (valueNext && (c == QLatin1Char('"') || c == QLatin1Char('\''))) {
            const qsizetype close = html.indexOf(c, i + 1);
            if (close < 0)
                return html.size();
            i = close;
            valueNext = false;
        } else if (c == QLatin1Char('=')) {
            valueNext = true;
        } else if (!c.isSpace()) {
            valueNext = false;
        }
    }
    return html.size();
}

// Where the next occurrence of a text is, at or after a position, from the searches made before:
// a search starts where the last one found it (or, when it found none, none is searched for
// again), so that every element that asks costs no more than one pass over the markup in all.
// Without it, <head><body> repeated (a head without its end tag ends where the body starts)
// searched the rest of the markup for </head at each head: 960 KB of them took 53 s, and the
// indexer, which reads every HTML body, stood still for it.
class NextOccurrence
{
public:
    qsizetype at(QStringView html, const QString &text, qsizetype from)
    {
        if (m_found == -1 && from >= m_from)
            return -1;
        if (m_found < from) {
            m_from = from;
            m_found = html.indexOf(text, from, Qt::CaseInsensitive);
        }
        return m_found;
    }

private:
    qsizetype m_from = 0;
    qsizetype m_found = -2; // -2: not searched yet; -1: none from m_from on
};

// The next occurrences the skipped elements look for, by the text looked for.
using SkipSearches = QHash<QString, NextOccurrence>;

// Past the end tag of a skipped element (for head, also where <body> starts).
qsizetype endOfSkipped(QStringView html, qsizetype at, const QString &name, SkipSearches *searches)
{
    const QString closing = QLatin1String("</") + name;
    qsizetype end = (*searches)[closing].at(html, closing, at);
    if (name == QLatin1String("head")) {
        const QString bodyStart = QStringLiteral("<body");
        const qsizetype body = (*searches)[bodyStart].at(html, bodyStart, at);
        if (body >= 0 && (end < 0 || body < end))
            return body;
    }
    return end < 0 ? html.size() : endOfTag(html, end + closing.size());
}

} // namespace

namespace SmtpHtmlToText {

QString text(QStringView html, qsizetype stopAfter)
{
    Writer out(stopAfter);
    SkipSearches searches;
    qsizetype i = 0;
    while (i < html.size() && !out.full()) {
        const QChar c = html.at(i);
        if (c == QLatin1Char('&')) {
            qsizetype length = 0;
            if (const char32_t code = reference(html, i, &length)) {
                out.put(code);
                i += length;
            } else {
                out.put(U'&');
                ++i;
            }
            continue;
        }
        if (c != QLatin1Char('<') || i + 1 >= html.size()) {
            out.put(nextCodePoint(html, &i));
            continue;
        }
        const QChar next = html.at(i + 1);
        if (html.sliced(i).startsWith(QLatin1String("<!--"))) {
            const qsizetype end = html.indexOf(QLatin1String("-->"), i + 4);
            i = end < 0 ? html.size() : end + 3;
            continue;
        }
        if (next == QLatin1Char('!') || next == QLatin1Char('?')) { // doctype, processing
            i = endOfTag(html, i + 2);
            continue;
        }
        const bool closing = next == QLatin1Char('/');
        qsizetype nameEnd = i + (closing ? 2 : 1);
        if (nameEnd >= html.size() || !isAsciiLetter(html.at(nameEnd))) {
            if (closing) { // "</ ..." and "</>": no tag, nothing to show
                i = endOfTag(html, nameEnd);
            } else {
                out.put(U'<');
                ++i;
            }
            continue;
        }
        const qsizetype nameStart = nameEnd;
        while (nameEnd < html.size()
            && (html.at(nameEnd).isLetterOrNumber() || html.at(nameEnd) == QLatin1Char('-')))
            ++nameEnd;
        const QString name = html.sliced(nameStart, nameEnd - nameStart).toString().toLower();
        i = endOfTag(html, nameEnd);
        const bool selfClosing
            = i >= 2 && html.at(i - 1) == QLatin1Char('>') && html.at(i - 2) == QLatin1Char('/');
        switch (element(name)) {
        case Element::Skipped:
            if (!closing && !selfClosing)
                i = endOfSkipped(html, i, name, &searches);
            break;
        case Element::Image:
            out.space();
            break;
        case Element::Block:
            out.lineEnd();
            break;
        case Element::Other:
            break;
        }
    }
    return out.result();
}

QString collapsed(QStringView text, qsizetype stopAfter)
{
    Writer out(stopAfter);
    qsizetype i = 0;
    while (i < text.size() && !out.full()) {
        const char32_t code = nextCodePoint(text, &i);
        if (code == 0xfeff || QChar::isSpace(code))
            out.space();
        else
            out.put(code);
    }
    return out.result();
}

} // namespace SmtpHtmlToText
