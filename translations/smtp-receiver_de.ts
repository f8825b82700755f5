<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AppSettings</name>
    <message>
        <source>The SMTP address &quot;%1&quot; is not an IP address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SMTPS address &quot;%1&quot; is not an IP address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A TLS key needs a certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A TLS certificate needs a key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMTPS (implicit TLS) needs a certificate and a key</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <source>(no subject)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>smtp-receiver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search: words, &quot;phrases&quot;, from:, to:, subject:, has:attachment, is:unread, after:2026-01-31, larger:1m, -term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message store cannot be opened:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete &amp;All…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark as &amp;Read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark as &amp;Unread</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+U</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark All as Read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save as .eml…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View S&amp;ource</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+U</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Receiving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listening on %1:%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (STARTTLS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, SMTPS on port %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not receiving</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>smtp-receiver: %n unread</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>smtp-receiver (%1 unread)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete all messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n message(s)? This cannot be undone.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Save message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email messages (*.eml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New mail from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n new messages</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Newest: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Could not write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bare line feed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bare carriage return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line too long</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing Date header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing Message-ID header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>8-bit data without 8BITMIME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTML without a plain-text alternative</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Broken MIME structure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No message selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cc:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTML</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMTP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load remote content</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loads images and styles from the Internet for this message. The sender may learn that, when and where the message was opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview width:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 pixels wide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tablet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The full width of the view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message has no HTML part. Its text is on the Text tab.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message has no plain-text part.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monospace font</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the raw message to the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the raw message as an .eml file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message has no attachments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Charset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Content-ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Part</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No problems found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MAIL FROM:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RCPT TO:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HELO:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received at:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authenticated user:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extensions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored as:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No message store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message view has no message store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message is no longer in the store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Remote content blocked (%n request(s))</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unnamed part %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Inline part</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Content-ID: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attachments (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;&gt; (null sender)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not authenticated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>smtp-receiver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no such attachment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Part %1 of message %2 could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create a temporary folder: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Attachment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No message is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail messages (*.eml);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message>
        <source>Accept the address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject it with 550 Mailbox unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rewrite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1 (“%2”): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No rule selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1 rewrites it to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1 (%2) accepts it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1 (%2) rejects it: %3 %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No rule decides: accepted by default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No rule decides: rejected by default: %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivered to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule %1 is invalid and is skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rules files (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported 1 rule from %1; Apply makes it take effect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Imported %n rules from %1; Apply makes them take effect.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Not exported: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported 1 rule to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exported %n rules to %1.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <source>TLS Certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS Private Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SMTP address “%1” is not an IP address (for example 127.0.0.1, 0.0.0.0 or ::1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SMTPS address “%1” is not an IP address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMTP and SMTPS cannot both listen on port %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMTPS needs a TLS certificate and key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host name “%1” must not contain spaces.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A TLS key needs its certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A TLS certificate needs its private key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS certificate: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS private key: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requiring TLS needs a certificate and a key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A user in the AUTH table has a password but no name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user “%1” is in the AUTH table twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add at least one user to the AUTH table, or choose another AUTH setting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate for %1, expired on %2: clients that check it will refuse it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate for %1, valid until %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source> (and %n more in the chain)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1 private key, %2 bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the key in %1 is encrypted; the server needs it without a passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds no PEM private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications and Tray</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings could not be applied.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsNotificationsPage</name>
    <message>
        <source>Notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Notify when new mail arrives</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A burst of messages gives one notification, not one per message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System tray</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Minimize to the system tray</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start minimized</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsRulesPage</name>
    <message>
        <source>Each recipient (RCPT TO, and VRFY) goes through these rules from the top. The first accept or reject rule that matches decides; a rewrite rule changes the address and the next rules see the new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add Rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move &amp;Up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move Do&amp;wn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Match:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>*@example.com, or /^regex$/ (add i after the slash to ignore case)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A&amp;ction:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rewrite &amp;to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new address; \1 to \9 stand for the regular expression&apos;s groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply c&amp;ode:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply t&amp;ext:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mailbox unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When no rule &amp;decides:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tr&amp;y an address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>someone@example.com</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsServerPage</name>
    <message>
        <source>Listening</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMTP &amp;address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>127.0.0.1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An IP address to listen on: 127.0.0.1 for this computer only, 0.0.0.0 or :: for every network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any free port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also listen for SMTP&amp;S (implicit TLS, RFC 8314)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMTPS a&amp;ddress:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same as SMTP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Host name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The name in the greeting and in the reply to EHLO; empty uses this computer&apos;s name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A PEM file; none: no STARTTLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private &amp;key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A PEM file, not encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B&amp;rowse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;quire STARTTLS before MAIL (530 5.7.0 otherwise)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>O&amp;ff: AUTH is not offered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offer AUTH and accept an&amp;y user name and password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offer AUTH, accept only &amp;these users, and require it before MAIL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R&amp;emove User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Maximum message size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Idle timeout:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum co&amp;nnections:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsStoragePage</name>
    <message>
        <source>Message store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An SQLite file; empty uses the default location shown. “:memory:” keeps nothing after the program ends.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keep at most:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The oldest messages are deleted when there are more; 0 keeps everything.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete All Messages…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StoragePage</name>
    <message>
        <source>Message Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQLite databases (*.sqlite *.db);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete All Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete every stored message? This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete All</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
