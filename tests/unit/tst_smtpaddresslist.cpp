// SmtpAddressList: an address header's mailboxes as RFC 5322 reads the list, and whether a list
// names an address, compared as the HTTP API compares its Bcc with To and Cc.
#include <smtpaddresslist.h>

#include <QTest>

using Mailboxes = QList<SmtpNamedAddress>;

// What QCOMPARE shows of a mailbox that differs.
char *toString(const SmtpNamedAddress &mailbox)
{
    return QTest::toString(mailbox.name + " <" + mailbox.address + ">");
}

class TestSmtpAddressList : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<Mailboxes>("expected");

        QTest::newRow("bare") << "ann@x.test" << Mailboxes { { "", "ann@x.test" } };
        QTest::newRow("a name") << "Ann Example <ann@x.test>"
                                << Mailboxes { { "Ann Example", "ann@x.test" } };
        QTest::newRow("a quoted name with a comma and an @")
            << "\"Doe, Ann @ desk\" <ann@x.test>, bob@x.test"
            << Mailboxes { { "Doe, Ann @ desk", "ann@x.test" }, { "", "bob@x.test" } };
        QTest::newRow("a group's members")
            << "team: ann@x.test, Bob <bob@x.test>;, carl@x.test"
            << Mailboxes { { "", "ann@x.test" }, { "Bob", "bob@x.test" }, { "", "carl@x.test" } };
        QTest::newRow("an encoded name")
            << "=?UTF-8?Q?J=C3=BCrgen?= <j@x.test>" << Mailboxes { { "Jürgen", "j@x.test" } };
        // Python, Outlook and others split a long name into base64 words that GMime alone
        // reads only up to the first one's padding ("über").
        QTest::newRow("a name in split base64 words")
            << "=?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVz?= <u@x.test>"
            << Mailboxes { { "über alles", "u@x.test" } };
        QTest::newRow("no @: no address") << "undisclosed-recipients:;" << Mailboxes {};
        QTest::newRow("a name alone") << "Ann Example" << Mailboxes {};
        QTest::newRow("empty") << "  " << Mailboxes {};
    }

    void parse()
    {
        QFETCH(QString, text);
        QFETCH(Mailboxes, expected);
        QCOMPARE(SmtpAddressList::parse(text), expected);
    }

    void contains_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("named");

        QTest::newRow("the address") << "Ann <ann@x.test>"
                                     << "ann@x.test" << true;
        QTest::newRow("ASCII case") << "ANN@X.Test"
                                    << "ann@x.TEST" << true;
        QTest::newRow("angle brackets around the address") << "ann@x.test"
                                                           << "<ann@x.test>" << true;
        QTest::newRow("a group's member") << "t: bob@x.test, ann@x.test;"
                                          << "ann@x.test" << true;
        QTest::newRow("inside a longer address") << "joann@x.test"
                                                 << "ann@x.test" << false;
        QTest::newRow("inside a quoted name") << "\"ann@x.test\" <desk@x.test>"
                                              << "ann@x.test" << false;
        // Lowercased, as the API compares (QString::toLower()), not case-folded.
        QTest::newRow("Greek capital sigma") << "ΣA@x.test"
                                             << "σa@x.test" << true;
        QTest::newRow("final sigma is no sigma") << "σa@x.test"
                                                 << "ςa@x.test" << false;
        QTest::newRow("long s is no s") << "ſa@x.test"
                                        << "sa@x.test" << false;
        QTest::newRow("no address") << "ann@x.test"
                                    << "" << false;
    }

    void contains()
    {
        QFETCH(QString, text);
        QFETCH(QString, address);
        QFETCH(bool, named);
        QCOMPARE(SmtpAddressList::contains(text, address), named);
    }
};

QTEST_GUILESS_MAIN(TestSmtpAddressList)
#include "tst_smtpaddresslist.moc"
