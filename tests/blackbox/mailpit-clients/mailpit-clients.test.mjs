// The npm clients users' test suites use, against the real binary: nodemailer sends over SMTP,
// mailpit-api (2.1.0) reads, searches, marks, deletes and sends over the HTTP API. Run by
// run.sh from a build folder where `npm ci` installed the pinned versions; SMTP_RECEIVER names
// the binary.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";

import { MailpitClient } from "mailpit-api";
import nodemailer from "nodemailer";

const binary = process.env.SMTP_RECEIVER;
assert.ok(binary, "SMTP_RECEIVER must name the smtp-receiver binary");

// A 1x1 PNG.
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const binary4 = Buffer.from([0, 1, 2, 255]);
const run = `${process.pid}-${Date.now()}`;
const subject = `Harness nodemailer ${run}`;
const sentSubject = `Harness send API ${run}`;

let child;
let folder;
let smtpPort;
let mailpit;
const stdoutLines = [];

// Starts the binary and resolves with the readiness line's ports.
function start() {
  folder = mkdtempSync(join(tmpdir(), "smtp-receiver-mailpit-"));
  child = spawn(
    binary,
    [
      "--no-gui", "--json",
      "--smtp", "127.0.0.1:0",
      "--http", "127.0.0.1:0",
      "--database", join(folder, "messages.sqlite"),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no readiness line within 15 s")), 15000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`smtp-receiver exited with ${code} before it was ready`));
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      stdoutLines.push(line);
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event === "listening" && event.smtp && event.http) {
        clearTimeout(timer);
        resolve(event);
      }
    });
  });
}

function port(address) {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

before(async () => {
  const ready = await start();
  smtpPort = port(ready.smtp);
  mailpit = new MailpitClient(`http://127.0.0.1:${port(ready.http)}`);
});

after(() => {
  if (child && child.exitCode === null) child.kill("SIGTERM");
  if (folder) rmSync(folder, { recursive: true, force: true });
});

// The whole message summary of the nodemailer message, filled in by the first test.
let sent;

test("nodemailer's message arrives and waitForMessage finds it by quoted subject", async () => {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  await transport.sendMail({
    from: '"Sender Name" <sender@example.com>',
    to: '"Jürgen Tester" <jurgen@example.com>',
    cc: "copy@example.com",
    bcc: "hidden@example.org",
    subject,
    text: "Hello from nodemailer\n",
    html: '<p>Hello <b>HTML</b></p><img src="cid:logo@harness">',
    attachments: [
      { filename: "logo.png", content: png, contentType: "image/png", cid: "logo@harness" },
      { filename: "notes.txt", content: "plain notes\n", contentType: "text/plain" },
      { filename: "data.bin", content: binary4, contentType: "application/octet-stream" },
    ],
  });
  transport.close();

  sent = await mailpit.waitForMessage({ query: `subject:"${subject}"` }, { timeout: 10000, interval: 100 });
  assert.equal(sent.Subject, subject);
  assert.equal(sent.From.Address, "sender@example.com");
  assert.equal(sent.From.Name, "Sender Name");
  assert.deepEqual(sent.To.map((a) => [a.Name, a.Address]), [["Jürgen Tester", "jurgen@example.com"]]);
  assert.deepEqual(sent.Cc.map((a) => a.Address), ["copy@example.com"]);
  assert.ok(sent.Bcc.some((a) => a.Address === "hidden@example.org"), "the envelope-only recipient is in Bcc");
  assert.equal(sent.ReturnPath, "sender@example.com");
  assert.match(sent.Text, /Hello from nodemailer/);
  assert.match(sent.HTML, /<b>HTML<\/b>/);
  assert.deepEqual(sent.Attachments.map((a) => [a.FileName, a.ContentType, a.PartID]), [
    ["notes.txt", "text/plain", "2"],
    ["data.bin", "application/octet-stream", "3"],
  ]);
  assert.deepEqual(sent.Inline.map((a) => [a.FileName, a.ContentID, a.PartID]), [
    ["logo.png", "logo@harness", "1.2.2"],
  ]);
});

test("searchMessages by subject and by to:", async () => {
  const bySubject = await mailpit.searchMessages({ query: `subject:"${subject}"` });
  assert.equal(bySubject.messages_count, 1);
  assert.equal(bySubject.messages[0].ID, sent.ID);
  assert.equal(bySubject.messages[0].Attachments, 2);

  const byTo = await mailpit.searchMessages({ query: "to:jurgen@example.com" });
  assert.ok(byTo.messages.some((m) => m.ID === sent.ID));
  const nobody = await mailpit.searchMessages({ query: "to:nobody-at-all@example.com" });
  assert.equal(nobody.messages_count, 0);
  assert.deepEqual(nobody.messages, []);
});

test("getMessageSummary, getMessageHeaders and getMessageSource", async () => {
  const summary = await mailpit.getMessageSummary(sent.ID);
  assert.equal(summary.ID, sent.ID);

  const headers = await mailpit.getMessageHeaders(sent.ID);
  const keys = Object.keys(headers);
  assert.deepEqual(keys, [...keys].sort(), "header keys are sorted");
  assert.ok(headers["Message-Id"], "Go-canonical Message-Id");
  assert.ok(headers["Content-Type"][0].startsWith("multipart/mixed"));
  assert.equal(headers.Bcc, undefined, "nodemailer writes no Bcc header and the store adds none");

  const source = await mailpit.getMessageSource(sent.ID);
  assert.match(source, /^Content-Type: multipart\/mixed/m);
  assert.equal(Buffer.byteLength(source, "utf8"), sent.Size);
});

test("getMessageAttachment by PartID: the bytes and blob.type", async () => {
  const expected = { "1.2.2": [png, "image/png"], 2: [Buffer.from("plain notes\n"), "text/plain"], 3: [binary4, "application/octet-stream"] };
  for (const [partID, [bytes, type]] of Object.entries(expected)) {
    const blob = await mailpit.getMessageAttachment(sent.ID, partID);
    assert.equal(blob.type, type, `blob.type of part ${partID}`);
    assert.deepEqual(Buffer.from(await blob.arrayBuffer()), bytes, `bytes of part ${partID}`);
  }
  await assert.rejects(mailpit.getMessageAttachment(sent.ID, "9"), /404/);
});

test("renderMessageHTML rewrites cid: and renderMessageText gives the text", async () => {
  const html = await mailpit.renderMessageHTML(sent.ID);
  assert.match(html, /<b>HTML<\/b>/);
  assert.ok(html.includes(`/api/v1/message/${sent.ID}/part/1.2.2`), "cid:logo@harness points at its part");
  const text = await mailpit.renderMessageText(sent.ID);
  assert.match(text, /Hello from nodemailer/);
});

test("setReadStatus by IDs, by search and for all", async () => {
  assert.equal(await mailpit.setReadStatus({ IDs: [sent.ID], Read: false }), "ok");
  let unread = await mailpit.searchMessages({ query: "is:unread" });
  assert.ok(unread.messages.some((m) => m.ID === sent.ID));

  assert.equal(await mailpit.setReadStatus({ Search: `subject:"${subject}"`, Read: true }), "ok");
  unread = await mailpit.searchMessages({ query: `is:unread subject:"${subject}"` });
  assert.equal(unread.messages_count, 0);

  assert.equal(await mailpit.setReadStatus(), "ok"); // {}: every message unread
  const info = await mailpit.getInfo();
  assert.equal(info.Unread, info.Messages);
  assert.equal(await mailpit.setReadStatus({ Read: true }), "ok");
  assert.equal((await mailpit.getInfo()).Unread, 0);
});

test("sendMessage goes through the send API and is found like SMTP mail", async () => {
  const response = await mailpit.sendMessage({
    From: { Email: "api@example.com", Name: "API Sender" },
    To: [{ Email: "jurgen@example.com", Name: "Jürgen Tester" }],
    Bcc: ["hidden-api@example.org"],
    Subject: sentSubject,
    Text: "Sent through the API\n",
    HTML: "<p>Sent through the <i>API</i></p>",
    Attachments: [{ Content: Buffer.from("attached text\n").toString("base64"), Filename: "hello.txt", ContentType: "text/plain" }],
    Headers: { "X-Harness": "1" },
    Tags: ["harness"],
  });
  assert.match(response.ID, /^[A-Za-z0-9._~-]+$/);

  const message = await mailpit.waitForMessage({ query: `subject:"${sentSubject}"` }, { timeout: 10000, interval: 100 });
  assert.equal(message.ID, response.ID);
  assert.equal(message.From.Address, "api@example.com");
  assert.ok(message.Bcc.some((a) => a.Address === "hidden-api@example.org"));
  assert.deepEqual(message.Attachments.map((a) => a.FileName), ["hello.txt"]);
  const headers = await mailpit.getMessageHeaders(response.ID);
  assert.deepEqual(headers["X-Harness"], ["1"]);
  assert.equal(headers.Bcc, undefined);
  // The headless runner printed it like SMTP mail: the same id, no remote address.
  const event = stdoutLines.map((l) => { try { return JSON.parse(l); } catch { return {}; } })
    .find((e) => e.event === "message" && String(e.id) === response.ID);
  assert.ok(event, "a JSON line for the sent message");
  assert.equal(event.remoteAddress, "");

  await assert.rejects(mailpit.sendMessage({ From: { Email: "api@example.com" }, Subject: "no one" }), /400/);
});

test("deleteMessagesBySearch, deleteMessages by IDs and for all", async () => {
  assert.equal(await mailpit.deleteMessagesBySearch({ query: `subject:"${sentSubject}"` }), "ok");
  assert.equal((await mailpit.searchMessages({ query: `subject:"${sentSubject}"` })).messages_count, 0);

  assert.equal(await mailpit.deleteMessages({ IDs: [sent.ID] }), "ok");
  await assert.rejects(mailpit.getMessageSummary(sent.ID), /404/);

  await mailpit.sendMessage({ From: { Email: "a@example.com" }, To: [{ Email: "b@example.com" }], Subject: "last" });
  assert.ok((await mailpit.listMessages()).total >= 1);
  assert.equal(await mailpit.deleteMessages(), "ok"); // no body: every message
  const list = await mailpit.listMessages();
  assert.equal(list.total, 0);
  assert.deepEqual(list.messages, []);
});
