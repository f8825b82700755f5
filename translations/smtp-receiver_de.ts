<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CredentialStore</name>
    <message>
        <source>Password stored in the system keychain</source>
        <translation>Passwort im Schlüsselbund des Systems gespeichert</translation>
    </message>
    <message>
        <source>Password stored in the settings file (readable only by you)</source>
        <translation>Passwort in der Einstellungsdatei gespeichert (nur für Sie lesbar)</translation>
    </message>
</context>
<context>
    <name>HttpApiSettings</name>
    <message>
        <source>The HTTP API address “%1” is not ADDR:PORT (for example 127.0.0.1:8025).</source>
        <translation>Die HTTP-API-Adresse „%1“ hat nicht die Form ADRESSE:PORT (zum Beispiel 127.0.0.1:8025).</translation>
    </message>
    <message>
        <source>The HTTP API address “%1” is not an IP address or localhost (for example 127.0.0.1, 0.0.0.0 or ::1).</source>
        <translation>Die HTTP-API-Adresse „%1“ ist keine IP-Adresse und nicht localhost (zum Beispiel 127.0.0.1, 0.0.0.0 oder ::1).</translation>
    </message>
    <message>
        <source>The HTTP API port %1 is out of range: a port is a number from 0 to 65535 (0 picks a free one).</source>
        <translation>Der HTTP-API-Port %1 liegt außerhalb des gültigen Bereichs: Ein Port ist eine Zahl von 0 bis 65535 (0 wählt einen freien).</translation>
    </message>
    <message>
        <source>The HTTP API user name must not contain “:”.</source>
        <translation>Der Benutzername der HTTP-API darf kein „:“ enthalten.</translation>
    </message>
    <message>
        <source>The HTTP API user name and password must not contain spaces or line breaks.</source>
        <translation>Benutzername und Passwort der HTTP-API dürfen keine Leerzeichen oder Zeilenumbrüche enthalten.</translation>
    </message>
    <message>
        <source>The HTTP API has a password but no user name.</source>
        <translation>Die HTTP-API hat ein Passwort, aber keinen Benutzernamen.</translation>
    </message>
    <message>
        <source>The CORS origin * lets every web page read the caught mail: it needs a user name and password (or name one origin, such as http://localhost:3000).</source>
        <translation>Der CORS-Origin * lässt jede Webseite die abgefangene Post lesen: Er braucht einen Benutzernamen und ein Passwort (oder nennen Sie einen Origin, etwa http://localhost:3000).</translation>
    </message>
    <message>
        <source>The CORS origin “%1” is not * or an origin such as http://localhost:3000.</source>
        <translation>Der CORS-Origin „%1“ ist weder * noch ein Origin wie http://localhost:3000.</translation>
    </message>
    <message>
        <source>The HTTP API cannot listen on %1: %2</source>
        <translation>Die HTTP-API kann nicht auf %1 lauschen: %2</translation>
    </message>
</context>
<context>
    <name>HttpPage</name>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>Not a loopback address: anyone who can reach this computer over the network can read the caught mail. Set a user and password, or use 127.0.0.1.</source>
        <translation>Keine Loopback-Adresse: Jeder, der diesen Computer über das Netzwerk erreicht, kann die abgefangenen Nachrichten lesen. Legen Sie Benutzer und Passwort fest oder verwenden Sie 127.0.0.1.</translation>
    </message>
    <message>
        <source>Not a loopback address: anyone who can reach this computer over the network and knows the user and password can read the caught mail.</source>
        <translation>Keine Loopback-Adresse: Jeder, der diesen Computer über das Netzwerk erreicht und Benutzer und Passwort kennt, kann die abgefangenen Nachrichten lesen.</translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <source>(no subject)</source>
        <translation>(kein Betreff)</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Absender</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Empfänger</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
</context>
<context>
    <name>LocalMessageSource</name>
    <message>
        <source>Local store</source>
        <translation>Lokaler Speicher</translation>
    </message>
</context>
<context>
    <name>MailImport</name>
    <message>
        <source>empty, not a message</source>
        <translation>leer, keine Nachricht</translation>
    </message>
    <message>
        <source>binary data, not a message</source>
        <translation>Binärdaten, keine Nachricht</translation>
    </message>
    <message>
        <source>no message header (From, To, Subject, Date or Message-ID)</source>
        <translation>kein Nachrichtenkopf (From, To, Subject, Date oder Message-ID)</translation>
    </message>
    <message>
        <source>message %1: %2</source>
        <translation>Nachricht %1: %2</translation>
    </message>
    <message>
        <source>a directory, not a message</source>
        <translation>ein Ordner, keine Nachricht</translation>
    </message>
</context>
<context>
    <name>MailboxList</name>
    <message>
        <source>Delete mailbox</source>
        <translation>Postfach löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete the mailbox &quot;%1&quot; and its %n message(s)? Messages that are also in another mailbox only leave this one.</source>
        <translation>
            <numerusform>Das Postfach „%1“ und seine %n Nachricht löschen? Nachrichten, die auch in einem anderen Postfach liegen, verlassen nur dieses.</numerusform>
            <numerusform>Das Postfach „%1“ und seine %n Nachrichten löschen? Nachrichten, die auch in einem anderen Postfach liegen, verlassen nur dieses.</numerusform>
        </translation>
    </message>
    <message>
        <source>Mark All Read</source>
        <translation>Alle als gelesen markieren</translation>
    </message>
    <message>
        <source>Delete All…</source>
        <translation>Alle löschen…</translation>
    </message>
</context>
<context>
    <name>MailboxListModel</name>
    <message>
        <source>All mail</source>
        <translation>Alle Nachrichten</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>mailbox list: name (unread count)</comment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1: %2, %3</source>
        <comment>mailbox list tooltip: name: N messages, N unread</comment>
        <translation>%1: %2, %3</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n Nachricht</numerusform>
            <numerusform>%n Nachrichten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n ungelesen</numerusform>
            <numerusform>%n ungelesen</numerusform>
        </translation>
    </message>
    <message>
        <source>No unread mail</source>
        <translation>Keine ungelesene Mail</translation>
    </message>
    <message numerus="yes">
        <source>%Ln unread</source>
        <comment>tray</comment>
        <translation>
            <numerusform>%Ln ungelesen</numerusform>
            <numerusform>%Ln ungelesen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>tray: a mailbox and its unread count</comment>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <comment>tray: N unread: the mailboxes with their unread counts</comment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>, </source>
        <comment>tray: between mailboxes</comment>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>smtp-receiver</source>
        <translation>smtp-receiver</translation>
    </message>
    <message>
        <source>Search: words, &quot;phrases&quot;, from:, to:, subject:, has:attachment, is:unread, after:2026-01-31, larger:1m, -term</source>
        <translation>Suche: Wörter, &quot;Wortgruppen&quot;, from:, to:, subject:, has:attachment, is:unread, after:2026-01-31, larger:1m, -Begriff</translation>
    </message>
    <message>
        <source>The message store cannot be opened:
%1</source>
        <translation>Der Nachrichtenspeicher kann nicht geöffnet werden:
%1</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Delete &amp;All…</source>
        <translation>&amp;Alle löschen…</translation>
    </message>
    <message>
        <source>Mark as &amp;Read</source>
        <translation>Als &amp;gelesen markieren</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Mark as &amp;Unread</source>
        <translation>Als &amp;ungelesen markieren</translation>
    </message>
    <message>
        <source>Ctrl+U</source>
        <translation>Ctrl+U</translation>
    </message>
    <message>
        <source>Mark All as Read</source>
        <translation>Alle als gelesen markieren</translation>
    </message>
    <message>
        <source>&amp;Save as .eml…</source>
        <translation>Als .eml &amp;speichern…</translation>
    </message>
    <message>
        <source>View S&amp;ource</source>
        <translation>&amp;Quelltext anzeigen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+U</source>
        <translation>Ctrl+Shift+U</translation>
    </message>
    <message>
        <source>&amp;Receiving</source>
        <translation>E&amp;mpfangen</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Message</source>
        <translation>&amp;Nachricht</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Listening on %1:%2</source>
        <translation>Empfangsbereit auf %1:%2</translation>
    </message>
    <message>
        <source>Not receiving</source>
        <translation>Kein Empfang</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n Nachricht</numerusform>
            <numerusform>%n Nachrichten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n ungelesen</numerusform>
            <numerusform>%n ungelesen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n Verbindung</numerusform>
            <numerusform>%n Verbindungen</numerusform>
        </translation>
    </message>
    <message>
        <source>smtp-receiver (%1 unread)</source>
        <translation>smtp-receiver (%1 ungelesen)</translation>
    </message>
    <message>
        <source>Delete all messages</source>
        <translation>Alle Nachrichten löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n message(s)? This cannot be undone.</source>
        <translation>
            <numerusform>%n Nachricht löschen? Das kann nicht rückgängig gemacht werden.</numerusform>
            <numerusform>Alle %n Nachrichten löschen? Das kann nicht rückgängig gemacht werden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Save message</source>
        <translation>Nachricht speichern</translation>
    </message>
    <message>
        <source>Email messages (*.eml)</source>
        <translation>E-Mail-Nachrichten (*.eml)</translation>
    </message>
    <message>
        <source>New mail from %1</source>
        <translation>Neue Nachricht von %1</translation>
    </message>
    <message numerus="yes">
        <source>%n new messages</source>
        <translation>
            <numerusform>%n neue Nachricht</numerusform>
            <numerusform>%n neue Nachrichten</numerusform>
        </translation>
    </message>
    <message>
        <source>Newest: %1</source>
        <translation>Neueste: %1</translation>
    </message>
    <message>
        <source>Listening on %1:%2 (STARTTLS), SMTPS on port %3</source>
        <translation>Empfangsbereit auf %1:%2 (STARTTLS), SMTPS auf Port %3</translation>
    </message>
    <message>
        <source>Listening on %1:%2 (STARTTLS)</source>
        <translation>Empfangsbereit auf %1:%2 (STARTTLS)</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <comment>status bar: N messages, N unread</comment>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation>%1 kopiert</translation>
    </message>
    <message>
        <source>API %1</source>
        <translation>API %1</translation>
    </message>
    <message>
        <source>The Mailpit-compatible HTTP API serves the caught mail at %1, for test suites that use mailpit-api, cypress-mailpit or pytest-mailpit. Click to copy the address.</source>
        <translation>Die Mailpit-kompatible HTTP-API stellt die abgefangenen Nachrichten unter %1 bereit, für Testsuiten mit mailpit-api, cypress-mailpit oder pytest-mailpit. Klicken kopiert die Adresse.</translation>
    </message>
    <message>
        <source>API not listening</source>
        <translation>API nicht erreichbar</translation>
    </message>
    <message>
        <source>Open &amp;Remote Catcher…</source>
        <translation>Entfernten &amp;Catcher öffnen…</translation>
    </message>
    <message>
        <source>No relay configured</source>
        <translation>Kein Relay eingerichtet</translation>
    </message>
    <message>
        <source>%1 (%2 unread) - smtp-receiver</source>
        <translation>%1 (%2 ungelesen) – smtp-receiver</translation>
    </message>
    <message>
        <source>%1 - smtp-receiver</source>
        <translation>%1 – smtp-receiver</translation>
    </message>
    <message>
        <source>%1: %2, %3</source>
        <comment>status bar: mailbox: N messages, N unread</comment>
        <translation>%1: %2, %3</translation>
    </message>
    <message>
        <source>New mail from %1 in %2</source>
        <translation>Neue Nachricht von %1 in %2</translation>
    </message>
    <message numerus="yes">
        <source>%n new messages in %1</source>
        <translation>
            <numerusform>%n neue Nachricht in %1</numerusform>
            <numerusform>%n neue Nachrichten in %1</numerusform>
        </translation>
    </message>
    <message>
        <source>SMTPS %1 → %2</source>
        <translation>SMTPS %1 → %2</translation>
    </message>
    <message>
        <source>SMTP %1 → %2</source>
        <translation>SMTP %1 → %2</translation>
    </message>
    <message numerus="yes">
        <source>(and %n earlier)</source>
        <translation>
            <numerusform>(und %n frühere)</numerusform>
            <numerusform>(und %n frühere)</numerusform>
        </translation>
    </message>
    <message>
        <source>Click to dismiss.</source>
        <translation>Zum Ausblenden klicken.</translation>
    </message>
</context>
<context>
    <name>MessageCheckWording</name>
    <message>
        <source>Bare line feed</source>
        <translation>Zeilenvorschub (LF) ohne CR</translation>
    </message>
    <message>
        <source>Bare carriage return</source>
        <translation>Wagenrücklauf (CR) ohne LF</translation>
    </message>
    <message>
        <source>Line too long</source>
        <translation>Zeile zu lang</translation>
    </message>
    <message>
        <source>Missing Date header</source>
        <translation>Kopfzeile „Date“ fehlt</translation>
    </message>
    <message>
        <source>Missing Message-ID header</source>
        <translation>Kopfzeile „Message-ID“ fehlt</translation>
    </message>
    <message>
        <source>8-bit data without 8BITMIME</source>
        <translation>8-Bit-Daten ohne 8BITMIME</translation>
    </message>
    <message>
        <source>HTML without a plain-text alternative</source>
        <translation>HTML ohne Nur-Text-Alternative</translation>
    </message>
    <message>
        <source>Not a message</source>
        <translation>Keine Nachricht</translation>
    </message>
    <message>
        <source>Multipart without boundary</source>
        <translation>Multipart ohne Boundary</translation>
    </message>
    <message>
        <source>Boundary never occurs</source>
        <translation>Boundary kommt nie vor</translation>
    </message>
    <message>
        <source>Closing boundary missing</source>
        <translation>Schließende Boundary fehlt</translation>
    </message>
    <message>
        <source>Invalid base64</source>
        <translation>Ungültiges Base64</translation>
    </message>
    <message>
        <source>Truncated base64</source>
        <translation>Abgeschnittenes Base64</translation>
    </message>
    <message>
        <source>Invalid header line</source>
        <translation>Ungültige Kopfzeile</translation>
    </message>
    <message>
        <source>Invalid Content-Type</source>
        <translation>Ungültiger Content-Type</translation>
    </message>
    <message>
        <source>Conflicting headers</source>
        <translation>Widersprüchliche Kopfzeilen</translation>
    </message>
    <message>
        <source>Conflicting parameters</source>
        <translation>Widersprüchliche Parameter</translation>
    </message>
    <message>
        <source>Parts nested too deeply</source>
        <translation>Teile zu tief verschachtelt</translation>
    </message>
    <message>
        <source>Part without content</source>
        <translation>Teil ohne Inhalt</translation>
    </message>
    <message>
        <source>Empty part</source>
        <translation>Leerer Teil</translation>
    </message>
    <message>
        <source>Malformed message</source>
        <translation>Fehlerhafte Nachricht</translation>
    </message>
    <message numerus="yes">
        <source>%n bare LF (line feed without carriage return), the first ends line %1</source>
        <translation>
            <numerusform>%n einzelnes LF (Zeilenvorschub ohne Wagenrücklauf), es beendet Zeile %1</numerusform>
            <numerusform>%n einzelne LF (Zeilenvorschub ohne Wagenrücklauf), das erste beendet Zeile %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bare CR (carriage return without line feed), the first on line %1</source>
        <translation>
            <numerusform>%n einzelnes CR (Wagenrücklauf ohne Zeilenvorschub), in Zeile %1</numerusform>
            <numerusform>%n einzelne CR (Wagenrücklauf ohne Zeilenvorschub), das erste in Zeile %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Line %1 is %2 octets long (RFC 5322 allows 998)</source>
        <translation>Zeile %1 ist %2 Oktette lang (RFC 5322 erlaubt 998)</translation>
    </message>
    <message numerus="yes">
        <source>%n lines are too long.</source>
        <translation>
            <numerusform>%n Zeile ist zu lang.</numerusform>
            <numerusform>%n Zeilen sind zu lang.</numerusform>
        </translation>
    </message>
    <message>
        <source>The message has no Date header.</source>
        <translation>Die Nachricht hat keine Kopfzeile „Date“.</translation>
    </message>
    <message>
        <source>The message has no Message-ID header.</source>
        <translation>Die Nachricht hat keine Kopfzeile „Message-ID“.</translation>
    </message>
    <message numerus="yes">
        <source>%n octet(s) with the high bit set, the first on line %1, but the client declared neither BODY=8BITMIME nor SMTPUTF8</source>
        <translation>
            <numerusform>%n Oktett mit gesetztem höchstem Bit, in Zeile %1, aber der Client hat weder BODY=8BITMIME noch SMTPUTF8 angegeben</numerusform>
            <numerusform>%n Oktette mit gesetztem höchstem Bit, das erste in Zeile %1, aber der Client hat weder BODY=8BITMIME noch SMTPUTF8 angegeben</numerusform>
        </translation>
    </message>
    <message>
        <source>The HTML body has no text/plain alternative.</source>
        <translation>Der HTML-Text hat keine text/plain-Alternative.</translation>
    </message>
    <message>
        <source>The message is empty.</source>
        <translation>Die Nachricht ist leer.</translation>
    </message>
    <message>
        <source>No header fields: line 1 is not a header field: &quot;%1&quot;</source>
        <translation>Keine Kopfzeilen: Zeile 1 ist keine Kopfzeile: „%1“</translation>
    </message>
    <message>
        <source>Part %1 (%2) has no boundary parameter; its content cannot be split into parts</source>
        <translation>Teil %1 (%2) hat keinen Parameter „boundary“; sein Inhalt kann nicht in Teile zerlegt werden</translation>
    </message>
    <message>
        <source>Part %1 (%2): boundary &quot;%3&quot; never occurs; no parts found</source>
        <translation>Teil %1 (%2): Boundary „%3“ kommt nie vor; keine Teile gefunden</translation>
    </message>
    <message>
        <source>Part %1 (%2): closing boundary &quot;--%3--&quot; is missing (truncated?)</source>
        <translation>Teil %1 (%2): schließende Boundary „--%3--“ fehlt (abgeschnitten?)</translation>
    </message>
    <message numerus="yes">
        <source>Part %1 (%2): base64 content has %n invalid character(s), skipped in decoding</source>
        <translation>
            <numerusform>Teil %1 (%2): der Base64-Inhalt hat %n ungültiges Zeichen, beim Dekodieren übersprungen</numerusform>
            <numerusform>Teil %1 (%2): der Base64-Inhalt hat %n ungültige Zeichen, beim Dekodieren übersprungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Part %1 (%2): base64 content is truncated or malformed (%n character(s), not a multiple of 4)</source>
        <translation>
            <numerusform>Teil %1 (%2): der Base64-Inhalt ist abgeschnitten oder fehlerhaft (%n Zeichen, kein Vielfaches von 4)</numerusform>
            <numerusform>Teil %1 (%2): der Base64-Inhalt ist abgeschnitten oder fehlerhaft (%n Zeichen, kein Vielfaches von 4)</numerusform>
        </translation>
    </message>
    <message>
        <source>Line %1: not a header field, skipped: &quot;%2&quot;</source>
        <translation>Zeile %1: keine Kopfzeile, übersprungen: „%2“</translation>
    </message>
    <message>
        <source>Line %1: invalid Content-Type &quot;%2&quot;, read as application/octet-stream</source>
        <translation>Zeile %1: ungültiger Content-Type „%2“, als application/octet-stream gelesen</translation>
    </message>
    <message>
        <source>Line %1: conflicting %2 headers</source>
        <translation>Zeile %1: widersprüchliche Kopfzeilen %2</translation>
    </message>
    <message>
        <source>Line %1: conflicting &quot;%2&quot; parameters</source>
        <translation>Zeile %1: widersprüchliche Parameter „%2“</translation>
    </message>
    <message>
        <source>Line %1: MIME parts nested too deeply; the deeper ones are not parsed</source>
        <translation>Zeile %1: MIME-Teile zu tief verschachtelt; die tieferen werden nicht gelesen</translation>
    </message>
    <message>
        <source>Line %1: the headers of a part end in a boundary; the part has no content</source>
        <translation>Zeile %1: die Kopfzeilen eines Teils enden in einer Boundary; der Teil hat keinen Inhalt</translation>
    </message>
    <message>
        <source>Line %1: a part has neither headers nor content</source>
        <translation>Zeile %1: ein Teil hat weder Kopfzeilen noch Inhalt</translation>
    </message>
    <message>
        <source>Line %1: the message is malformed</source>
        <translation>Zeile %1: die Nachricht ist fehlerhaft</translation>
    </message>
    <message numerus="yes">
        <source>(and %n more like it)</source>
        <translation>
            <numerusform>(und %n weiterer dieser Art)</numerusform>
            <numerusform>(und %n weitere dieser Art)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageFiles</name>
    <message>
        <source>%1 was not imported, and neither were the other files: %2</source>
        <translation>%1 wurde nicht importiert, die anderen Dateien auch nicht: %2</translation>
    </message>
    <message>
        <source>Nothing was imported: %1</source>
        <translation>Nichts wurde importiert: %1</translation>
    </message>
    <message>
        <source>Mail files</source>
        <translation>Mail-Dateien</translation>
    </message>
    <message>
        <source>The message is no longer in the store.</source>
        <translation>Die Nachricht ist nicht mehr im Nachrichtenspeicher.</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>No message selected</source>
        <translation>Keine Nachricht ausgewählt</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Von:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>An:</translation>
    </message>
    <message>
        <source>Cc:</source>
        <translation>Kopie:</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>Datum:</translation>
    </message>
    <message>
        <source>HTML</source>
        <translation>HTML</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>Kopfzeilen</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelltext</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Anhänge</translation>
    </message>
    <message>
        <source>Parts</source>
        <translation>Teile</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>SMTP</source>
        <translation>SMTP</translation>
    </message>
    <message>
        <source>Load remote content</source>
        <translation>Externe Inhalte laden</translation>
    </message>
    <message>
        <source>Loads images and styles from the Internet for this message. The sender may learn that, when and where the message was opened.</source>
        <translation>Lädt Bilder und Stylesheets dieser Nachricht aus dem Internet. Der Absender kann dadurch erfahren, dass, wann und wo die Nachricht geöffnet wurde.</translation>
    </message>
    <message>
        <source>Preview width:</source>
        <translation>Vorschaubreite:</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Smartphone</translation>
    </message>
    <message>
        <source>%1 pixels wide</source>
        <translation>%1 Pixel breit</translation>
    </message>
    <message>
        <source>Tablet</source>
        <translation>Tablet</translation>
    </message>
    <message>
        <source>Desktop</source>
        <translation>Desktop</translation>
    </message>
    <message>
        <source>The full width of the view</source>
        <translation>Die volle Breite der Ansicht</translation>
    </message>
    <message>
        <source>This message has no HTML part. Its text is on the Text tab.</source>
        <translation>Diese Nachricht hat keinen HTML-Teil. Ihr Text steht im Reiter „Text“.</translation>
    </message>
    <message>
        <source>This message has no plain-text part.</source>
        <translation>Diese Nachricht hat keinen Nur-Text-Teil.</translation>
    </message>
    <message>
        <source>Monospace font</source>
        <translation>Festbreitenschrift</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the raw message to the clipboard</source>
        <translation>Die Rohdaten der Nachricht in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Save the raw message as an .eml file</source>
        <translation>Die Rohdaten der Nachricht als .eml-Datei speichern</translation>
    </message>
    <message>
        <source>This message has no attachments.</source>
        <translation>Diese Nachricht hat keine Anhänge.</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>Disposition</translation>
    </message>
    <message>
        <source>Charset</source>
        <translation>Zeichensatz</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>Kodierung</translation>
    </message>
    <message>
        <source>Content-ID</source>
        <translation>Content-ID</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>Teil</translation>
    </message>
    <message>
        <source>No problems found</source>
        <translation>Keine Probleme gefunden</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>MAIL FROM:</source>
        <translation>MAIL FROM:</translation>
    </message>
    <message>
        <source>RCPT TO:</source>
        <translation>RCPT TO:</translation>
    </message>
    <message>
        <source>HELO:</source>
        <translation>HELO:</translation>
    </message>
    <message>
        <source>Remote address:</source>
        <translation>Entfernte Adresse:</translation>
    </message>
    <message>
        <source>Received at:</source>
        <translation>Empfangen am:</translation>
    </message>
    <message>
        <source>TLS:</source>
        <translation>TLS:</translation>
    </message>
    <message>
        <source>Authenticated user:</source>
        <translation>Authentifizierter Benutzer:</translation>
    </message>
    <message>
        <source>Extensions:</source>
        <translation>Erweiterungen:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <source>Stored as:</source>
        <translation>Gespeichert als:</translation>
    </message>
    <message>
        <source>No message store</source>
        <translation>Kein Nachrichtenspeicher</translation>
    </message>
    <message>
        <source>The message view has no message store.</source>
        <translation>Die Nachrichtenansicht hat keinen Nachrichtenspeicher.</translation>
    </message>
    <message>
        <source>This message is no longer in the store.</source>
        <translation>Diese Nachricht ist nicht mehr im Nachrichtenspeicher.</translation>
    </message>
    <message numerus="yes">
        <source>Remote content blocked (%n request(s))</source>
        <translation>
            <numerusform>Externe Inhalte blockiert (%n Anfrage)</numerusform>
            <numerusform>Externe Inhalte blockiert (%n Anfragen)</numerusform>
        </translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(kein Betreff)</translation>
    </message>
    <message>
        <source>(unnamed part %1)</source>
        <translation>(unbenannter Teil %1)</translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n Byte</numerusform>
            <numerusform>%n Bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>Inline part</source>
        <translation>Eingebetteter Teil</translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation>Anhang</translation>
    </message>
    <message>
        <source>Content-ID: %1</source>
        <translation>Content-ID: %1</translation>
    </message>
    <message>
        <source>Attachments (%1)</source>
        <translation>Anhänge (%1)</translation>
    </message>
    <message>
        <source>Checks (%1)</source>
        <translation>Prüfungen (%1)</translation>
    </message>
    <message>
        <source>&lt;&gt; (null sender)</source>
        <translation>&lt;&gt; (leerer Absender)</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Not authenticated</source>
        <translation>Nicht authentifiziert</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>smtp-receiver</source>
        <translation>smtp-receiver</translation>
    </message>
    <message>
        <source>There is no such attachment.</source>
        <translation>Diesen Anhang gibt es nicht.</translation>
    </message>
    <message>
        <source>Part %1 of message %2 could not be read.</source>
        <translation>Teil %1 der Nachricht %2 konnte nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Save Attachment</source>
        <translation>Anhang speichern</translation>
    </message>
    <message>
        <source>No message is shown.</source>
        <translation>Es wird keine Nachricht angezeigt.</translation>
    </message>
    <message>
        <source>Save Message</source>
        <translation>Nachricht speichern</translation>
    </message>
    <message>
        <source>E-mail messages (*.eml);;All files (*)</source>
        <translation>E-Mail-Nachrichten (*.eml);;Alle Dateien (*)</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%Ln byte(s))</source>
        <translation>
            <numerusform>%1 (%Ln Byte)</numerusform>
            <numerusform>%1 (%Ln Bytes)</numerusform>
        </translation>
    </message>
    <message>
        <source>Released:</source>
        <translation>Weitergeleitet:</translation>
    </message>
    <message>
        <source>%1 to %2: %3</source>
        <comment>released at, to whom, the relay&apos;s reply</comment>
        <translation>%1 an %2: %3</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>This attachment is too big to preview here (over %1). Open it to see it.</source>
        <translation>Dieser Anhang ist zu groß für die Vorschau (über %1). Öffnen Sie ihn, um ihn zu sehen.</translation>
    </message>
    <message>
        <source>This image cannot be previewed: it is damaged or in a format that cannot be read here.</source>
        <translation>Für dieses Bild gibt es keine Vorschau: Es ist beschädigt oder in einem Format, das hier nicht gelesen werden kann.</translation>
    </message>
    <message>
        <source>This PDF cannot be previewed: it is damaged, protected by a password, or not a PDF.</source>
        <translation>Für dieses PDF gibt es keine Vorschau: Es ist beschädigt, durch ein Passwort geschützt oder kein PDF.</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message numerus="yes">
        <source>The first %1 of %n pages are shown. Open the PDF to see them all.</source>
        <translation>
            <numerusform>%1 von %n Seite wird gezeigt. Öffnen Sie das PDF, um es ganz zu sehen.</numerusform>
            <numerusform>Die ersten %1 von %n Seiten werden gezeigt. Öffnen Sie das PDF, um alle zu sehen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RelayPage</name>
    <message>
        <source>&quot;Release…&quot; on a message sends it unchanged, with its original sender, to a real mail server, for example to see it in a real mailbox. Leave the host empty to turn releasing off.</source>
        <translation>„Weiterleiten…“ schickt eine Nachricht unverändert, mit ihrem ursprünglichen Absender, an einen echten Mailserver, etwa um sie in einem echten Postfach zu sehen. Ohne Host ist das Weiterleiten aus.</translation>
    </message>
    <message>
        <source>Relay server</source>
        <translation>Relay-Server</translation>
    </message>
    <message>
        <source>smtp.example.com</source>
        <translation>smtp.example.com</translation>
    </message>
    <message>
        <source>STARTTLS when offered</source>
        <translation>STARTTLS, wenn angeboten</translation>
    </message>
    <message>
        <source>STARTTLS, required</source>
        <translation>STARTTLS, erforderlich</translation>
    </message>
    <message>
        <source>TLS from the start (port 465)</source>
        <translation>TLS von Anfang an (Port 465)</translation>
    </message>
    <message>
        <source>None (plain text)</source>
        <translation>Keines (unverschlüsselt)</translation>
    </message>
    <message>
        <source>Accept a self-signed certificate (encrypted, not verified)</source>
        <translation>Selbstsigniertes Zertifikat annehmen (verschlüsselt, nicht geprüft)</translation>
    </message>
    <message>
        <source>none: no AUTH</source>
        <translation>keiner: kein AUTH</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;TLS:</source>
        <translation>&amp;TLS:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Empfänger</translation>
    </message>
    <message>
        <source>anyone</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>A regular expression a recipient must match in full, ignoring case, e.g. .*@example\.com</source>
        <translation>Ein regulärer Ausdruck, auf den ein Empfänger vollständig passen muss, ohne Beachtung der Groß- und Kleinschreibung, z. B. .*@example\.com</translation>
    </message>
    <message>
        <source>&amp;Allowed recipients:</source>
        <translation>&amp;Erlaubte Empfänger:</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>you@example.com</source>
        <translation>sie@example.com</translation>
    </message>
    <message>
        <source>&amp;Send Test Message</source>
        <translation>Test&amp;nachricht senden</translation>
    </message>
    <message>
        <source>Send a test message &amp;to:</source>
        <translation>Testnachricht senden &amp;an:</translation>
    </message>
    <message>
        <source>Sending to %1…</source>
        <translation>Sende an %1…</translation>
    </message>
    <message>
        <source>The relay accepted the test message: %1</source>
        <translation>Das Relay hat die Testnachricht angenommen: %1</translation>
    </message>
    <message>
        <source>The test message was not sent: %1</source>
        <translation>Die Testnachricht wurde nicht gesendet: %1</translation>
    </message>
</context>
<context>
    <name>RelaySettings</name>
    <message>
        <source>The allowed recipients are not a valid regular expression: %1</source>
        <translation>Die erlaubten Empfänger sind kein gültiger regulärer Ausdruck: %1</translation>
    </message>
</context>
<context>
    <name>ReleaseDialog</name>
    <message>
        <source>Release Message</source>
        <translation>Nachricht weiterleiten</translation>
    </message>
    <message>
        <source>Send &quot;%1&quot; unchanged, from %2, through %3 to:</source>
        <translation>„%1“ unverändert, von %2, über %3 senden an:</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(kein Betreff)</translation>
    </message>
    <message>
        <source>&lt;&gt; (null sender)</source>
        <translation>&lt;&gt; (leerer Absender)</translation>
    </message>
    <message>
        <source>one address per line, or separated by commas</source>
        <translation>eine Adresse pro Zeile oder durch Kommas getrennt</translation>
    </message>
    <message>
        <source>&amp;Release</source>
        <translation>&amp;Weiterleiten</translation>
    </message>
    <message>
        <source>%1 is not an address</source>
        <translation>%1 ist keine Adresse</translation>
    </message>
    <message>
        <source>%1 is not among the relay&apos;s allowed recipients</source>
        <translation>%1 gehört nicht zu den erlaubten Empfängern des Relays</translation>
    </message>
    <message>
        <source>Give at least one recipient.</source>
        <translation>Geben Sie mindestens einen Empfänger an.</translation>
    </message>
    <message numerus="yes">
        <source>Releasing to %n recipient(s)…</source>
        <translation>
            <numerusform>Weiterleiten an %n Empfänger…</numerusform>
            <numerusform>Weiterleiten an %n Empfänger…</numerusform>
        </translation>
    </message>
    <message>
        <source>Re&amp;lease…</source>
        <translation>&amp;Weiterleiten…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>Send the selected message on to a real mailbox</source>
        <translation>Die ausgewählte Nachricht an ein echtes Postfach weiterleiten</translation>
    </message>
    <message>
        <source>Released to %1. The relay said: %2</source>
        <translation>Weitergeleitet an %1. Das Relay antwortete: %2</translation>
    </message>
    <message>
        <source>Not released to %1: %2</source>
        <translation>Nicht weitergeleitet an %1: %2</translation>
    </message>
</context>
<context>
    <name>ReleaseNotices</name>
    <message>
        <source>message %1</source>
        <translation>Nachricht %1</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(kein Betreff)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; to %2: %3</source>
        <comment>a failed release: subject, recipients, why</comment>
        <translation>„%1“ an %2: %3</translation>
    </message>
    <message>
        <source>Release failed</source>
        <translation>Weiterleitung fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <source>%n release(s) failed</source>
        <translation>
            <numerusform>%n Weiterleitung fehlgeschlagen</numerusform>
            <numerusform>%n Weiterleitungen fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Latest: %1</source>
        <translation>Zuletzt: %1</translation>
    </message>
    <message>
        <source>Not released: %1</source>
        <translation>Nicht weitergeleitet: %1</translation>
    </message>
</context>
<context>
    <name>RemoteCatcherDialog</name>
    <message>
        <source>Open Remote Catcher</source>
        <translation>Entfernten Catcher öffnen</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an http:// or https:// address</source>
        <translation>„%1“ ist keine http://- oder https://-Adresse</translation>
    </message>
    <message>
        <source>The HTTP API of a headless smtp-receiver (--http) or of a Mailpit. User and password are for HTTP Basic auth, if the catcher asks for it; the password is kept in the system keychain, or without one in the settings file, which only you can read (permissions 0600).</source>
        <translation>Die HTTP-API eines smtp-receiver ohne Fenster (--http) oder eines Mailpit. Benutzer und Passwort sind für HTTP-Basic-Auth, falls der Catcher danach fragt; das Passwort wird im Schlüsselbund des Systems aufbewahrt, ohne einen solchen in der Einstellungsdatei, die nur Sie lesen können (Rechte 0600).</translation>
    </message>
</context>
<context>
    <name>RemoteMessageSource</name>
    <message>
        <source>The connection was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
    <message>
        <source>The catcher at %1 did not do it: %2</source>
        <translation>Der Catcher auf %1 hat es nicht ausgeführt: %2</translation>
    </message>
    <message>
        <source>%1 cannot be reached now (%2).</source>
        <translation>%1 ist gerade nicht erreichbar (%2).</translation>
    </message>
    <message>
        <source>The message is not known.</source>
        <translation>Die Nachricht ist nicht bekannt.</translation>
    </message>
</context>
<context>
    <name>RemoteWindow</name>
    <message>
        <source>Search on the catcher: words, &quot;phrases&quot;, from:, to:, subject:, is:unread, -term</source>
        <translation>Suche auf dem Catcher: Wörter, &quot;Wortgruppen&quot;, from:, to:, subject:, is:unread, -Begriff</translation>
    </message>
    <message>
        <source>Open &amp;Remote Catcher…</source>
        <translation>Entfernten &amp;Catcher öffnen…</translation>
    </message>
    <message>
        <source>&amp;Save as .eml…</source>
        <translation>Als .eml &amp;speichern…</translation>
    </message>
    <message>
        <source>&amp;Close Window</source>
        <translation>Fenster &amp;schließen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Mark as &amp;Read</source>
        <translation>Als &amp;gelesen markieren</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Mark as &amp;Unread</source>
        <translation>Als &amp;ungelesen markieren</translation>
    </message>
    <message>
        <source>Ctrl+U</source>
        <translation>Ctrl+U</translation>
    </message>
    <message>
        <source>Mark All as Read</source>
        <translation>Alle als gelesen markieren</translation>
    </message>
    <message>
        <source>View S&amp;ource</source>
        <translation>&amp;Quelltext anzeigen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+U</source>
        <translation>Ctrl+Shift+U</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Delete &amp;All…</source>
        <translation>&amp;Alle löschen…</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Message</source>
        <translation>&amp;Nachricht</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Connected to %1 (version %2)</source>
        <translation>Verbunden mit %1 (Version %2)</translation>
    </message>
    <message numerus="yes">
        <source>Disconnected from %1, trying again in %n s</source>
        <translation>
            <numerusform>Keine Verbindung zu %1, neuer Versuch in %n s</numerusform>
            <numerusform>Keine Verbindung zu %1, neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>The catcher at %1 cannot be reached (%2). What was loaded stays shown; the window reconnects by itself and then shows what arrived meanwhile.</source>
        <translation>Der Catcher auf %1 ist nicht erreichbar (%2). Was geladen war, bleibt sichtbar; das Fenster verbindet sich von selbst neu und zeigt dann, was inzwischen angekommen ist.</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <comment>status bar: N messages, N unread</comment>
        <translation>%1, %2</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n Nachricht</numerusform>
            <numerusform>%n Nachrichten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n ungelesen</numerusform>
            <numerusform>%n ungelesen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2 unread) — smtp-receiver</source>
        <translation>%1 (%2 ungelesen) — smtp-receiver</translation>
    </message>
    <message>
        <source>%1 — smtp-receiver</source>
        <translation>%1 — smtp-receiver</translation>
    </message>
    <message>
        <source>Delete all messages</source>
        <translation>Alle Nachrichten löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n message(s) on %1? This cannot be undone.</source>
        <translation>
            <numerusform>%n Nachricht auf %1 löschen? Das kann nicht rückgängig gemacht werden.</numerusform>
            <numerusform>Alle %n Nachrichten auf %1 löschen? Das kann nicht rückgängig gemacht werden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Save message</source>
        <translation>Nachricht speichern</translation>
    </message>
    <message>
        <source>Email messages (*.eml)</source>
        <translation>E-Mail-Nachrichten (*.eml)</translation>
    </message>
    <message>
        <source>The catcher did not send the message.</source>
        <translation>Der Catcher hat die Nachricht nicht geschickt.</translation>
    </message>
    <message>
        <source>the relay of %1</source>
        <translation>das Relay von %1</translation>
    </message>
    <message>
        <source>%1: %2, %3</source>
        <comment>status bar: mailbox: N messages, N unread</comment>
        <translation>%1: %2, %3</translation>
    </message>
    <message>
        <source>%1 on %2 (%3 unread) — smtp-receiver</source>
        <translation>%1 auf %2 (%3 ungelesen) — smtp-receiver</translation>
    </message>
    <message>
        <source>%1 on %2 — smtp-receiver</source>
        <translation>%1 auf %2 — smtp-receiver</translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message>
        <source>Accept the address</source>
        <translation>Adresse annehmen</translation>
    </message>
    <message>
        <source>Reject it with 550 Mailbox unavailable</source>
        <translation>Mit 550 Mailbox unavailable abweisen</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>Export nicht möglich: %1</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Abweisen</translation>
    </message>
    <message>
        <source>Rewrite</source>
        <translation>Umschreiben</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>zugestellt</translation>
    </message>
    <message>
        <source>Rule %1</source>
        <translation>Regel %1</translation>
    </message>
    <message>
        <source>No rule selected</source>
        <translation>Keine Regel ausgewählt</translation>
    </message>
    <message>
        <source>Rule %1 rewrites it to %2</source>
        <translation>Regel %1 schreibt sie in %2 um</translation>
    </message>
    <message>
        <source>Rule %1 (%2) accepts it</source>
        <translation>Regel %1 (%2) nimmt sie an</translation>
    </message>
    <message>
        <source>Rule %1 (%2) rejects it: %3 %4</source>
        <translation>Regel %1 (%2) weist sie ab: %3 %4</translation>
    </message>
    <message>
        <source>No rule decides: accepted by default</source>
        <translation>Keine Regel entscheidet: standardmäßig angenommen</translation>
    </message>
    <message>
        <source>No rule decides: rejected by default: %1 %2</source>
        <translation>Keine Regel entscheidet: standardmäßig abgewiesen: %1 %2</translation>
    </message>
    <message>
        <source>Delivered to %1</source>
        <translation>Zugestellt an %1</translation>
    </message>
    <message>
        <source>Rule %1 is invalid and is skipped.</source>
        <translation>Regel %1 ist ungültig und wird übersprungen.</translation>
    </message>
    <message>
        <source>Export Rules</source>
        <translation>Regeln exportieren</translation>
    </message>
    <message>
        <source>Import Rules</source>
        <translation>Regeln importieren</translation>
    </message>
    <message>
        <source>Rules files (*.json)</source>
        <translation>Regeldateien (*.json)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>Nicht importiert: %1</translation>
    </message>
    <message>
        <source>Imported 1 rule from %1; Apply makes it take effect.</source>
        <translation>1 Regel aus %1 importiert; mit „Anwenden“ wird sie wirksam.</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n rules from %1; Apply makes them take effect.</source>
        <translation>
            <numerusform>%n Regel aus %1 importiert; mit „Anwenden“ wird sie wirksam.</numerusform>
            <numerusform>%n Regeln aus %1 importiert; mit „Anwenden“ werden sie wirksam.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not exported: %1</source>
        <translation>Nicht exportiert: %1</translation>
    </message>
    <message>
        <source>Exported 1 rule to %1.</source>
        <translation>1 Regel nach %1 exportiert.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n rules to %1.</source>
        <translation>
            <numerusform>%n Regel nach %1 exportiert.</numerusform>
            <numerusform>%n Regeln nach %1 exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Fail (inject)</source>
        <translation>Fehlschlagen (injiziert)</translation>
    </message>
    <message>
        <source>MAIL FROM (matches the sender)</source>
        <translation>MAIL FROM (vergleicht den Absender)</translation>
    </message>
    <message>
        <source>RCPT TO (matches the recipient)</source>
        <translation>RCPT TO (vergleicht den Empfänger)</translation>
    </message>
    <message>
        <source>End of DATA (matches the sender)</source>
        <translation>Ende von DATA (vergleicht den Absender)</translation>
    </message>
    <message>
        <source>AUTH (matches the user name)</source>
        <translation>AUTH (vergleicht den Benutzernamen)</translation>
    </message>
    <message>
        <source>Failure injection</source>
        <translation>Fehlerinjektion</translation>
    </message>
    <message>
        <source>Apply fail rules (off keeps them but no failure is injected)</source>
        <translation>Fehlerregeln anwenden (aus: sie bleiben erhalten, aber es wird kein Fehler injiziert)</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>Close the connection instead of replying</source>
        <translation>Verbindung schließen statt zu antworten</translation>
    </message>
    <message>
        <source>S&amp;tage:</source>
        <translation>P&amp;hase:</translation>
    </message>
    <message>
        <source>&amp;Probability:</source>
        <translation>&amp;Wahrscheinlichkeit:</translation>
    </message>
    <message>
        <source>De&amp;lay before the reply:</source>
        <translation>&amp;Verzögerung vor der Antwort:</translation>
    </message>
    <message>
        <source>disconnect</source>
        <translation>Verbindung trennen</translation>
    </message>
    <message>
        <source> after %1 ms</source>
        <translation> nach %1 ms</translation>
    </message>
    <message>
        <source>Failure injection on: %1</source>
        <translation>Fehlerinjektion aktiv: %1</translation>
    </message>
    <message>
        <source>No fail rules. Add a rule with the action &quot;Fail (inject)&quot; to make the server answer with an error, late, or not at all.</source>
        <translation>Keine Fehlerregeln. Fügen Sie eine Regel mit der Aktion &quot;Fehlschlagen (injiziert)&quot; hinzu, damit der Server mit einem Fehler, verspätet oder gar nicht antwortet.</translation>
    </message>
    <message numerus="yes">
        <source>Off: %n fail rule(s) kept but not applied.</source>
        <translation>
            <numerusform>Aus: %n Fehlerregel bleibt erhalten, wird aber nicht angewendet.</numerusform>
            <numerusform>Aus: %n Fehlerregeln bleiben erhalten, werden aber nicht angewendet.</numerusform>
        </translation>
    </message>
    <message>
        <source>On, but no fail rule can strike (probability 0).</source>
        <translation>An, aber keine Fehlerregel kann greifen (Wahrscheinlichkeit 0).</translation>
    </message>
    <message>
        <source>Rejected with %1 %2</source>
        <translation>Abgewiesen mit %1 %2</translation>
    </message>
    <message>
        <source>Accepted into Inbox (unless its listener names a mailbox) and released to the relay</source>
        <translation>Angenommen in Inbox (sofern ihr Listener kein Postfach nennt) und an das Relay weitergeleitet</translation>
    </message>
    <message>
        <source>Accepted into Inbox (unless its listener names a mailbox)</source>
        <translation>Angenommen in Inbox (sofern ihr Listener kein Postfach nennt)</translation>
    </message>
    <message>
        <source>Accepted into mailbox “%1” and released to the relay</source>
        <translation>Angenommen ins Postfach „%1“ und an das Relay weitergeleitet</translation>
    </message>
    <message>
        <source>Accepted into mailbox “%1”</source>
        <translation>Angenommen ins Postfach „%1“</translation>
    </message>
    <message>
        <source>the connection is closed without a reply</source>
        <translation>die Verbindung wird ohne Antwort geschlossen</translation>
    </message>
    <message>
        <source>Fails in %1 % of tries: %2; otherwise: %3</source>
        <translation>Schlägt in %1 % der Versuche fehl: %2; sonst: %3</translation>
    </message>
    <message>
        <source>Fails: %1</source>
        <translation>Schlägt fehl: %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No recipient is accepted: the message is not stored</source>
        <translation>Kein Empfänger wird angenommen: Die Nachricht wird nicht gespeichert</translation>
    </message>
    <message>
        <source>The message lands in Inbox (unless its listener names a mailbox)</source>
        <translation>Die Nachricht landet in Inbox (sofern ihr Listener kein Postfach nennt)</translation>
    </message>
    <message>
        <source>The message lands in mailbox “%1”</source>
        <translation>Die Nachricht landet im Postfach „%1“</translation>
    </message>
    <message>
        <source>The message lands in the mailboxes %1</source>
        <translation>Die Nachricht landet in den Postfächern %1</translation>
    </message>
</context>
<context>
    <name>ScratchFolder</name>
    <message>
        <source>Could not create a temporary folder: %1</source>
        <translation>Temporärer Ordner konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Could not create %1</source>
        <translation>%1 konnte nicht erstellt werden</translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <source>TLS Certificate</source>
        <translation>TLS-Zertifikat</translation>
    </message>
    <message>
        <source>TLS Private Key</source>
        <translation>Privater TLS-Schlüssel</translation>
    </message>
    <message>
        <source>A user in the AUTH table has a password but no name.</source>
        <translation>Ein Benutzer in der AUTH-Tabelle hat ein Passwort, aber keinen Namen.</translation>
    </message>
    <message>
        <source>The user “%1” is in the AUTH table twice.</source>
        <translation>Der Benutzer „%1“ steht zweimal in der AUTH-Tabelle.</translation>
    </message>
    <message>
        <source>Certificate for %1, expired on %2: clients that check it will refuse it</source>
        <translation>Zertifikat für %1, abgelaufen am %2: Clients, die es prüfen, werden es ablehnen</translation>
    </message>
    <message>
        <source>Certificate for %1, valid until %2</source>
        <translation>Zertifikat für %1, gültig bis %2</translation>
    </message>
    <message numerus="yes">
        <source> (and %n more in the chain)</source>
        <translation>
            <numerusform> (und %n weiteres in der Kette)</numerusform>
            <numerusform> (und %n weitere in der Kette)</numerusform>
        </translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt *.cer *.key);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>An unencrypted private key</source>
        <translation>Ein unverschlüsselter privater Schlüssel</translation>
    </message>
    <message>
        <source>An unencrypted private key that belongs to the certificate</source>
        <translation>Ein unverschlüsselter privater Schlüssel, der zum Zertifikat gehört</translation>
    </message>
    <message>
        <source>Listener %1 of the table: %2</source>
        <translation>Listener %1 der Tabelle: %2</translation>
    </message>
    <message>
        <source>Implicit TLS (needs the certificate and key below)</source>
        <translation>Implizites TLS (braucht das Zertifikat und den Schlüssel unten)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>Notifications and Tray</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>The settings could not be applied.</source>
        <translation>Die Einstellungen konnten nicht übernommen werden.</translation>
    </message>
    <message>
        <source>HTTP API</source>
        <translation>HTTP-API</translation>
    </message>
    <message>
        <source>Relay</source>
        <translation>Relay</translation>
    </message>
</context>
<context>
    <name>SettingsHttpPage</name>
    <message>
        <source>HTTP API</source>
        <translation>HTTP-API</translation>
    </message>
    <message>
        <source>S&amp;erve the HTTP API (Mailpit-compatible)</source>
        <translation>HTTP-API an&amp;bieten (Mailpit-kompatibel)</translation>
    </message>
    <message>
        <source>Test suites written for Mailpit read the caught mail through it, with Mailpit&apos;s clients (mailpit-api, cypress-mailpit, pytest-mailpit) pointed at the address below.</source>
        <translation>Testsuiten, die für Mailpit geschrieben sind, lesen darüber die abgefangenen Nachrichten – mit den Clients von Mailpit (mailpit-api, cypress-mailpit, pytest-mailpit), die auf die Adresse unten zeigen.</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>A&amp;dresse:</translation>
    </message>
    <message>
        <source>ADDR:PORT; port 0 picks a free one. A loopback address (127.0.0.1, ::1) keeps the API to this computer.</source>
        <translation>ADRESSE:PORT; Port 0 wählt einen freien. Eine Loopback-Adresse (127.0.0.1, ::1) beschränkt die API auf diesen Computer.</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Zugriff</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>Ben&amp;utzer:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Optional: clients then send them as HTTP Basic auth. /livez and /readyz answer without them.</source>
        <translation>Optional: Clients senden sie dann per HTTP-Basic-Authentifizierung. /livez und /readyz antworten auch ohne.</translation>
    </message>
    <message>
        <source>&amp;CORS origin:</source>
        <translation>&amp;CORS-Origin:</translation>
    </message>
    <message>
        <source>Optional: lets web pages from this origin (for example http://localhost:3000, or * for any, which needs a user and password) call the API from a browser. Empty: no CORS headers.</source>
        <translation>Optional: Webseiten dieses Origins (zum Beispiel http://localhost:3000, oder * für alle, was Benutzer und Passwort braucht) dürfen die API aus dem Browser aufrufen. Leer: keine CORS-Header.</translation>
    </message>
</context>
<context>
    <name>SettingsNotificationsPage</name>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>&amp;Notify when new mail arrives</source>
        <translation>Bei neuen Nachrichten &amp;benachrichtigen</translation>
    </message>
    <message>
        <source>A burst of messages gives one notification, not one per message.</source>
        <translation>Viele Nachrichten kurz nacheinander ergeben eine einzige Benachrichtigung, nicht eine pro Nachricht.</translation>
    </message>
    <message>
        <source>System tray</source>
        <translation>Systembereich</translation>
    </message>
    <message>
        <source>&amp;Minimize to the system tray</source>
        <translation>In den Systembereich &amp;minimieren</translation>
    </message>
    <message>
        <source>&amp;Start minimized</source>
        <translation>Minimiert &amp;starten</translation>
    </message>
</context>
<context>
    <name>SettingsRulesPage</name>
    <message>
        <source>Each recipient (RCPT TO, and VRFY) goes through these rules from the top. The first accept or reject rule that matches decides; a rewrite rule changes the address and the next rules see the new one.</source>
        <translation>Jeder Empfänger (RCPT TO und VRFY) durchläuft diese Regeln von oben nach unten. Die erste passende Regel zum Annehmen oder Abweisen entscheidet; eine Regel zum Umschreiben ändert die Adresse, und die folgenden Regeln sehen die neue.</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>Muster</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>&amp;Add Rule</source>
        <translation>Regel &amp;hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Move &amp;Up</source>
        <translation>Nach &amp;oben</translation>
    </message>
    <message>
        <source>Move Do&amp;wn</source>
        <translation>Nach &amp;unten</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Selected rule</source>
        <translation>Ausgewählte Regel</translation>
    </message>
    <message>
        <source>&amp;Match:</source>
        <translation>&amp;Muster:</translation>
    </message>
    <message>
        <source>*@example.com, or /^regex$/ (add i after the slash to ignore case)</source>
        <translation>*@example.com oder /^regex$/ (i nach dem / ignoriert Groß-/Kleinschreibung)</translation>
    </message>
    <message>
        <source>A&amp;ction:</source>
        <translation>A&amp;ktion:</translation>
    </message>
    <message>
        <source>Rewrite &amp;to:</source>
        <translation>Umschreiben &amp;zu:</translation>
    </message>
    <message>
        <source>The new address; \1 to \9 stand for the regular expression&apos;s groups</source>
        <translation>Neue Adresse; \1 bis \9 stehen für die Gruppen des regulären Ausdrucks</translation>
    </message>
    <message>
        <source>Reply c&amp;ode:</source>
        <translation>Antwort&amp;code:</translation>
    </message>
    <message>
        <source>Reply t&amp;ext:</source>
        <translation>Antwort&amp;text:</translation>
    </message>
    <message>
        <source>Mailbox unavailable</source>
        <translation>Mailbox unavailable</translation>
    </message>
    <message>
        <source>When no rule &amp;decides:</source>
        <translation>Wenn keine Regel ent&amp;scheidet:</translation>
    </message>
    <message>
        <source>Tr&amp;y an address:</source>
        <translation>Adresse aus&amp;probieren:</translation>
    </message>
    <message>
        <source>Mailbox</source>
        <translation>Postfach</translation>
    </message>
    <message>
        <source>Mail&amp;box:</source>
        <translation>Post&amp;fach:</translation>
    </message>
    <message>
        <source>None: the mail goes to its listener&apos;s mailbox, or Inbox</source>
        <translation>Keins: Die Mail geht in das Postfach ihres Listeners oder in Inbox</translation>
    </message>
    <message>
        <source>The mailbox a message goes to for the recipients this rule accepts or rewrites: 1 to 64 characters of A-Z, a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;.</source>
        <translation>Das Postfach, in das eine Nachricht für die Empfänger geht, die diese Regel annimmt oder umschreibt: 1 bis 64 Zeichen aus A-Z, a-z, 0-9, &apos;.&apos;, &apos;_&apos; und &apos;-&apos;.</translation>
    </message>
    <message>
        <source>someone@example.com, or several separated by commas</source>
        <translation>jemand@example.com, oder mehrere durch Kommas getrennt</translation>
    </message>
</context>
<context>
    <name>SettingsServerPage</name>
    <message>
        <source>Listening</source>
        <translation>Empfang</translation>
    </message>
    <message>
        <source>SMTP &amp;address:</source>
        <translation>SMTP-&amp;Adresse:</translation>
    </message>
    <message>
        <source>127.0.0.1</source>
        <translation>127.0.0.1</translation>
    </message>
    <message>
        <source>An IP address to listen on: 127.0.0.1 for this computer only, 0.0.0.0 or :: for every network.</source>
        <translation>IP-Adresse, auf der Verbindungen angenommen werden: 127.0.0.1 nur für diesen Computer, 0.0.0.0 oder :: für alle Netzwerke.</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>Any free port</source>
        <translation>Beliebiger freier Port</translation>
    </message>
    <message>
        <source>Also listen for SMTP&amp;S (implicit TLS, RFC 8314)</source>
        <translation>Zusätzlich SMTP&amp;S annehmen (implizites TLS, RFC 8314)</translation>
    </message>
    <message>
        <source>SMTPS a&amp;ddress:</source>
        <translation>SMTPS-A&amp;dresse:</translation>
    </message>
    <message>
        <source>Same as SMTP</source>
        <translation>Wie SMTP</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>&amp;Host name:</source>
        <translation>&amp;Hostname:</translation>
    </message>
    <message>
        <source>The name in the greeting and in the reply to EHLO; empty uses this computer&apos;s name.</source>
        <translation>Der Name in der Begrüßung und in der Antwort auf EHLO; leer bedeutet den Namen dieses Computers.</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>&amp;Certificate:</source>
        <translation>&amp;Zertifikat:</translation>
    </message>
    <message>
        <source>A PEM file; none: no STARTTLS</source>
        <translation>Eine PEM-Datei; ohne: kein STARTTLS</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>D&amp;urchsuchen…</translation>
    </message>
    <message>
        <source>Private &amp;key:</source>
        <translation>Privater S&amp;chlüssel:</translation>
    </message>
    <message>
        <source>A PEM file, not encrypted</source>
        <translation>Eine unverschlüsselte PEM-Datei</translation>
    </message>
    <message>
        <source>B&amp;rowse…</source>
        <translation>Du&amp;rchsuchen…</translation>
    </message>
    <message>
        <source>Re&amp;quire STARTTLS before MAIL (530 5.7.0 otherwise)</source>
        <translation>STARTTLS vor MAIL ver&amp;langen (sonst 530 5.7.0)</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentifizierung</translation>
    </message>
    <message>
        <source>O&amp;ff: AUTH is not offered</source>
        <translation>Aus: AUTH wird &amp;nicht angeboten</translation>
    </message>
    <message>
        <source>Offer AUTH and accept an&amp;y user name and password</source>
        <translation>AUTH anbieten und &amp;jeden Benutzernamen und jedes Passwort annehmen</translation>
    </message>
    <message>
        <source>Offer AUTH, accept only &amp;these users, and require it before MAIL:</source>
        <translation>AUTH anbieten, nur diese &amp;Benutzer annehmen und AUTH vor MAIL verlangen:</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Add &amp;User</source>
        <translation>Benutzer h&amp;inzufügen</translation>
    </message>
    <message>
        <source>R&amp;emove User</source>
        <translation>Benutzer &amp;entfernen</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Grenzwerte</translation>
    </message>
    <message>
        <source>&amp;Maximum message size:</source>
        <translation>&amp;Maximale Nachrichtengröße:</translation>
    </message>
    <message>
        <source> bytes</source>
        <translation> Bytes</translation>
    </message>
    <message>
        <source>&amp;Idle timeout:</source>
        <translation>Leerlauf-&amp;Timeout:</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Maximum co&amp;nnections:</source>
        <translation>Maximale &amp;Verbindungen:</translation>
    </message>
    <message>
        <source>Mailbo&amp;x:</source>
        <translation>Post&amp;fach:</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>Inbox</translation>
    </message>
    <message>
        <source>The mailbox that mail received here goes to when no rule names one: 1 to 64 characters of A-Z, a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;. Empty: Inbox.</source>
        <translation>Das Postfach für hier empfangene Mail, wenn keine Regel eines nennt: 1 bis 64 Zeichen aus A-Z, a-z, 0-9, &apos;.&apos;, &apos;_&apos; und &apos;-&apos;. Leer: Inbox.</translation>
    </message>
    <message>
        <source>Mai&amp;lbox:</source>
        <translation>Postfach:</translation>
    </message>
    <message>
        <source>More listeners, each with the mailbox its mail goes to (like --smtp ADDR:PORT=MAILBOX):</source>
        <translation>Weitere Listener, jeder mit dem Postfach, in das seine Mail geht (wie --smtp ADRESSE:PORT=POSTFACH):</translation>
    </message>
    <message>
        <source>Address:port</source>
        <translation>Adresse:Port</translation>
    </message>
    <message>
        <source>Mailbox</source>
        <translation>Postfach</translation>
    </message>
    <message>
        <source>SMTPS</source>
        <translation>SMTPS</translation>
    </message>
    <message>
        <source>Ne&amp;w Listener</source>
        <translation>&amp;Weiterer Listener</translation>
    </message>
    <message>
        <source>Remo&amp;ve Listener</source>
        <translation>Listener entfernen</translation>
    </message>
</context>
<context>
    <name>SettingsStoragePage</name>
    <message>
        <source>Message store</source>
        <translation>Nachrichtenspeicher</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Datenbank:</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>D&amp;urchsuchen…</translation>
    </message>
    <message>
        <source>An SQLite file; empty uses the default location shown. “:memory:” keeps nothing after the program ends.</source>
        <translation>Eine SQLite-Datei; leer bedeutet den angezeigten Standardort. Mit „:memory:“ bleibt nach Programmende nichts erhalten.</translation>
    </message>
    <message>
        <source>&amp;Keep at most:</source>
        <translation>&amp;Höchstens behalten:</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <source>&amp;Delete All Messages…</source>
        <translation>&amp;Alle Nachrichten löschen…</translation>
    </message>
    <message>
        <source> messages per mailbox</source>
        <translation> Nachrichten je Postfach</translation>
    </message>
    <message>
        <source>Applies to each mailbox: a mailbox with more loses its oldest messages, the other mailboxes keep theirs; 0 keeps everything.</source>
        <translation>Gilt für jedes Postfach: Ein Postfach mit mehr Nachrichten verliert seine ältesten, die anderen Postfächer behalten ihre; 0 behält alle.</translation>
    </message>
</context>
<context>
    <name>SmtpServer</name>
    <message>
        <source>Cannot listen on %1: %2</source>
        <translation>Auf %1 kann nicht gelauscht werden: %2</translation>
    </message>
    <message>
        <source>Implicit TLS needs a certificate and key</source>
        <translation>Implizites TLS braucht ein Zertifikat und einen Schlüssel</translation>
    </message>
    <message>
        <source>There is no listener %1</source>
        <translation>Es gibt keinen Listener %1</translation>
    </message>
</context>
<context>
    <name>SmtpServerConfig</name>
    <message>
        <source>The TLS certificate “%1” is a directory, not a PEM file.</source>
        <translation>Das TLS-Zertifikat „%1“ ist ein Verzeichnis, keine PEM-Datei.</translation>
    </message>
    <message>
        <source>The TLS certificate “%1” cannot be read: %2.</source>
        <translation>Das TLS-Zertifikat „%1“ kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>The TLS certificate “%1” holds no PEM certificate.</source>
        <translation>Das TLS-Zertifikat „%1“ enthält kein PEM-Zertifikat.</translation>
    </message>
    <message>
        <source>The TLS private key “%1” is a directory, not a PEM file.</source>
        <translation>Der private TLS-Schlüssel „%1“ ist ein Verzeichnis, keine PEM-Datei.</translation>
    </message>
    <message>
        <source>The TLS private key “%1” cannot be read: %2.</source>
        <translation>Der private TLS-Schlüssel „%1“ kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>The TLS private key “%1” is encrypted; the server needs it without a passphrase.</source>
        <translation>Der private TLS-Schlüssel „%1“ ist verschlüsselt; der Server braucht ihn ohne Passphrase.</translation>
    </message>
    <message>
        <source>The TLS private key “%1” holds no PEM private key.</source>
        <translation>Der private TLS-Schlüssel „%1“ enthält keinen privaten PEM-Schlüssel.</translation>
    </message>
    <message>
        <source>The TLS private key “%1” does not belong to the certificate “%2”.</source>
        <translation>Der private TLS-Schlüssel „%1“ gehört nicht zum Zertifikat „%2“.</translation>
    </message>
    <message>
        <source>The rules file cannot be used: %1</source>
        <translation>Die Regeldatei kann nicht verwendet werden: %1</translation>
    </message>
    <message>
        <source>The SMTPS listen address “%1” is not an IP address or localhost (for example 127.0.0.1, 0.0.0.0 or ::1).</source>
        <translation>Die SMTPS-Adresse „%1“ ist keine IP-Adresse und nicht localhost (zum Beispiel 127.0.0.1, 0.0.0.0 oder ::1).</translation>
    </message>
    <message>
        <source>The SMTP listen address “%1” is not an IP address or localhost (for example 127.0.0.1, 0.0.0.0 or ::1).</source>
        <translation>Die SMTP-Adresse „%1“ ist keine IP-Adresse und nicht localhost (zum Beispiel 127.0.0.1, 0.0.0.0 oder ::1).</translation>
    </message>
    <message>
        <source>The port %1 is out of range: a port is a number from 0 to 65535 (0 picks a free one).</source>
        <translation>Der Port %1 liegt außerhalb des Bereichs: Ein Port ist eine Zahl von 0 bis 65535 (0 wählt einen freien).</translation>
    </message>
    <message>
        <source>“%1” is not ADDR:PORT.</source>
        <translation>„%1“ hat nicht die Form ADRESSE:PORT.</translation>
    </message>
    <message>
        <source>There is no listener: give at least one address and port.</source>
        <translation>Es gibt keinen Listener: Geben Sie mindestens eine Adresse und einen Port an.</translation>
    </message>
    <message>
        <source>Two listeners cannot both listen on %1:%2.</source>
        <translation>Zwei Listener können nicht beide auf %1:%2 lauschen.</translation>
    </message>
    <message>
        <source>An SMTPS (implicit TLS) listener needs a TLS certificate and key.</source>
        <translation>Ein SMTPS-Listener (implizites TLS) braucht ein TLS-Zertifikat und einen Schlüssel.</translation>
    </message>
    <message>
        <source>The host name “%1” must not contain spaces or control characters.</source>
        <translation>Der Hostname „%1“ darf keine Leer- oder Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>A TLS private key needs its certificate.</source>
        <translation>Ein privater TLS-Schlüssel braucht sein Zertifikat.</translation>
    </message>
    <message>
        <source>A TLS certificate needs its private key.</source>
        <translation>Ein TLS-Zertifikat braucht seinen privaten Schlüssel.</translation>
    </message>
    <message>
        <source>Requiring TLS needs a TLS certificate and key.</source>
        <translation>TLS zu verlangen braucht ein TLS-Zertifikat und einen Schlüssel.</translation>
    </message>
    <message>
        <source>AUTH with credentials needs at least one user name and password.</source>
        <translation>AUTH mit Zugangsdaten braucht mindestens einen Benutzernamen mit Passwort.</translation>
    </message>
    <message>
        <source>An AUTH user name must not be empty.</source>
        <translation>Ein AUTH-Benutzername darf nicht leer sein.</translation>
    </message>
    <message>
        <source>The maximum message size %1 is out of range: it is a number of bytes from 1 to %2.</source>
        <translation>Die maximale Nachrichtengröße %1 liegt außerhalb des Bereichs: Sie ist eine Anzahl Bytes von 1 bis %2.</translation>
    </message>
    <message>
        <source>The idle timeout %1 is out of range: it is a number of seconds from 1 to %2.</source>
        <translation>Die Leerlaufzeit %1 liegt außerhalb des Bereichs: Sie ist eine Anzahl Sekunden von 1 bis %2.</translation>
    </message>
    <message>
        <source>The connection limit %1 is out of range: it is a number from 1 to %2.</source>
        <translation>Die Verbindungsgrenze %1 liegt außerhalb des Bereichs: Sie ist eine Zahl von 1 bis %2.</translation>
    </message>
    <message>
        <source>The recipient timeout %1 is out of range: it is a number of milliseconds from 1 to %2.</source>
        <translation>Die Wartezeit für Empfänger %1 liegt außerhalb des Bereichs: Sie ist eine Anzahl Millisekunden von 1 bis %2.</translation>
    </message>
    <message>
        <source>Rule %1 (“%2”) is invalid: %3</source>
        <translation>Regel %1 („%2“) ist ungültig: %3</translation>
    </message>
    <message>
        <source>The mailbox name “%1” is not 1 to 64 characters of A-Z, a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;.</source>
        <translation>Der Postfachname „%1“ besteht nicht aus 1 bis 64 Zeichen aus A-Z, a-z, 0-9, &apos;.&apos;, &apos;_&apos; und &apos;-&apos;.</translation>
    </message>
    <message>
        <source>The AUTH user name “%1” is no mailbox name (1 to 64 characters of A-Z a-z 0-9 . _ -), which taking the mailbox from the AUTH user needs.</source>
        <translation>Der AUTH-Benutzername „%1“ ist kein Postfachname (1 bis 64 Zeichen aus A-Z a-z 0-9 . _ -), den das Postfach nach AUTH-Benutzer braucht.</translation>
    </message>
</context>
<context>
    <name>SourceInboxModel</name>
    <message>
        <source>(no subject)</source>
        <translation>(kein Betreff)</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Absender</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Empfänger</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
</context>
<context>
    <name>StoragePage</name>
    <message>
        <source>Message Database</source>
        <translation>Nachrichtendatenbank</translation>
    </message>
    <message>
        <source>SQLite databases (*.sqlite *.db);;All files (*)</source>
        <translation>SQLite-Datenbanken (*.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Delete All Messages</source>
        <translation>Alle Nachrichten löschen</translation>
    </message>
    <message>
        <source>Delete every stored message? This cannot be undone.</source>
        <translation>Alle gespeicherten Nachrichten löschen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Delete All</source>
        <translation>Alle löschen</translation>
    </message>
</context>
</TS>
