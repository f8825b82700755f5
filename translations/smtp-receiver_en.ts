<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>MailboxList</name>
    <message numerus="yes">
        <source>Delete the mailbox &quot;%1&quot; and its %n message(s)? Messages that are also in another mailbox only leave this one.</source>
        <translation>
            <numerusform>Delete the mailbox &quot;%1&quot; and its %n message? Messages that are also in another mailbox only leave this one.</numerusform>
            <numerusform>Delete the mailbox &quot;%1&quot; and its %n messages? Messages that are also in another mailbox only leave this one.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MailboxListModel</name>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln unread</source>
        <comment>tray</comment>
        <translation>
            <numerusform>%Ln unread</numerusform>
            <numerusform>%Ln unread</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n connection</numerusform>
            <numerusform>%n connections</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n message(s)? This cannot be undone.</source>
        <translation>
            <numerusform>Delete the %n message? This cannot be undone.</numerusform>
            <numerusform>Delete all %n messages? This cannot be undone.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new messages</source>
        <translation>
            <numerusform>%n new message</numerusform>
            <numerusform>%n new messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new messages in %1</source>
        <translation>
            <numerusform>%n new message in %1</numerusform>
            <numerusform>%n new messages in %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(and %n earlier)</source>
        <translation>
            <numerusform>(and %n earlier)</numerusform>
            <numerusform>(and %n earlier)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageCheckWording</name>
    <message numerus="yes">
        <source>%n bare LF (line feed without carriage return), the first ends line %1</source>
        <translation>
            <numerusform>%n bare LF (line feed without carriage return); it ends line %1</numerusform>
            <numerusform>%n bare LFs (line feeds without carriage return); the first ends line %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bare CR (carriage return without line feed), the first on line %1</source>
        <translation>
            <numerusform>%n bare CR (carriage return without line feed), on line %1</numerusform>
            <numerusform>%n bare CRs (carriage returns without line feed), the first on line %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n lines are too long.</source>
        <translation>
            <numerusform>%n line is too long.</numerusform>
            <numerusform>%n lines are too long.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n octet(s) with the high bit set, the first on line %1, but the client declared neither BODY=8BITMIME nor SMTPUTF8</source>
        <translation>
            <numerusform>%n octet with the high bit set, on line %1, but the client declared neither BODY=8BITMIME nor SMTPUTF8</numerusform>
            <numerusform>%n octets with the high bit set, the first on line %1, but the client declared neither BODY=8BITMIME nor SMTPUTF8</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Part %1 (%2): base64 content has %n invalid character(s), skipped in decoding</source>
        <translation>
            <numerusform>Part %1 (%2): base64 content has %n invalid character, skipped in decoding</numerusform>
            <numerusform>Part %1 (%2): base64 content has %n invalid characters, skipped in decoding</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Part %1 (%2): base64 content is truncated or malformed (%n character(s), not a multiple of 4)</source>
        <translation>
            <numerusform>Part %1 (%2): base64 content is truncated or malformed (%n character, not a multiple of 4)</numerusform>
            <numerusform>Part %1 (%2): base64 content is truncated or malformed (%n characters, not a multiple of 4)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(and %n more like it)</source>
        <translation>
            <numerusform>(and %n more like it)</numerusform>
            <numerusform>(and %n more like it)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message numerus="yes">
        <source>Remote content blocked (%n request(s))</source>
        <translation>
            <numerusform>Remote content blocked (%n request)</numerusform>
            <numerusform>Remote content blocked (%n requests)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 (%Ln byte(s))</source>
        <translation>
            <numerusform>%1 (%Ln byte)</numerusform>
            <numerusform>%1 (%Ln bytes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The first %1 of %n pages are shown. Open the PDF to see them all.</source>
        <translation>
            <numerusform>%1 of %n page is shown. Open the PDF to see all of it.</numerusform>
            <numerusform>The first %1 of %n pages are shown. Open the PDF to see them all.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReleaseDialog</name>
    <message numerus="yes">
        <source>Releasing to %n recipient(s)…</source>
        <translation>
            <numerusform>Releasing to %n recipient…</numerusform>
            <numerusform>Releasing to %n recipients…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReleaseNotices</name>
    <message numerus="yes">
        <source>%n release(s) failed</source>
        <translation>
            <numerusform>%n release failed</numerusform>
            <numerusform>%n releases failed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RemoteWindow</name>
    <message numerus="yes">
        <source>Disconnected from %1, trying again in %n s</source>
        <translation>
            <numerusform>Disconnected from %1, trying again in %n s</numerusform>
            <numerusform>Disconnected from %1, trying again in %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n message(s) on %1? This cannot be undone.</source>
        <translation>
            <numerusform>Delete %n message on %1? This cannot be undone.</numerusform>
            <numerusform>Delete all %n messages on %1? This cannot be undone.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message numerus="yes">
        <source>Imported %n rules from %1; Apply makes them take effect.</source>
        <translation>
            <numerusform>Imported %n rule from %1; Apply makes it take effect.</numerusform>
            <numerusform>Imported %n rules from %1; Apply makes them take effect.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n rules to %1.</source>
        <translation>
            <numerusform>Exported %n rule to %1.</numerusform>
            <numerusform>Exported %n rules to %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Off: %n fail rule(s) kept but not applied.</source>
        <translation>
            <numerusform>Off: %n fail rule kept but not applied.</numerusform>
            <numerusform>Off: %n fail rules kept but not applied.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message numerus="yes">
        <source> (and %n more in the chain)</source>
        <translation>
            <numerusform> (and %n more in the chain)</numerusform>
            <numerusform> (and %n more in the chain)</numerusform>
        </translation>
    </message>
</context>
</TS>
