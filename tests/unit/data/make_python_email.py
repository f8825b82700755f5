#!/usr/bin/python3
"""Regenerates python-email.eml and python-email-attachment.pdf, the fixture of tst_mimeparser:
a message as Python's email package builds it (EmailMessage, policy SMTP: CRLF line endings)
with a UTF-8 subject, multipart/alternative text + quoted-printable HTML, and a PDF attachment.
Boundaries, Date and Message-ID are fixed so that the output is reproducible."""

import email.policy
import os
from email.message import EmailMessage

here = os.path.dirname(os.path.abspath(__file__))

# A small PDF with every octet value in a stream, so that decoding must be exact.
pdf = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 256 >>\nstream\n"
       + bytes(range(256)) + b"\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n")

msg = EmailMessage(policy=email.policy.SMTP)
msg["Subject"] = "Grüße aus Köln – Rechnung № 42 €"
msg["From"] = "Jürgen Müller <juergen@example.com>"
msg["To"] = "Alice <alice@example.com>, bob@example.com"
msg["Cc"] = '"Doe, John" <john@example.org>'
msg["Reply-To"] = "Support Team <support@example.com>"
msg["Date"] = "Tue, 05 Mar 2024 14:30:00 +0100"
msg["Message-ID"] = "<20240305143000.4711@example.com>"
msg.set_content("Hallo Alice,\n\nanbei die Rechnung über 42 €.\n\nGrüße\nJürgen\n")
msg.add_alternative("<html><body><p>Hallo Alice,</p><p>anbei die Rechnung über "
                    "<b>42&nbsp;€</b>.</p><p>Grüße<br>Jürgen</p></body></html>\n",
                    subtype="html", cte="quoted-printable")
msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="Rechnung-42.pdf")

msg.set_boundary("===============mixed-4711==")
msg.get_payload()[0].set_boundary("===============alternative-4711==")

with open(os.path.join(here, "python-email.eml"), "wb") as f:
    f.write(msg.as_bytes())
with open(os.path.join(here, "python-email-attachment.pdf"), "wb") as f:
    f.write(pdf)
