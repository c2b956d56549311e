import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createMailer } from '../../sidecar/mail/transport';
import { readMails } from '../support/mailbox';

describe('sidecar mail transport without SMTP', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-mail-unit-')), 'mail');
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('writes each mail as an .eml file readable only by its owner, in sending order', async () => {
    const mailer = createMailer({ directory: dir, from: 'Portal <portal@example.com>' });
    await mailer.send({ to: 'a@example.com', subject: 'First', text: 'one' });
    await mailer.send({ to: 'b@example.com', subject: 'Second', text: `link: http://portal.example.com/verify-email?token=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}` });
    const mails = readMails(dir);
    expect(mails.map((m) => [m.to, m.subject])).toEqual([['a@example.com', 'First'], ['b@example.com', 'Second']]);
    expect(mails[1]?.token).toBe('00000000-0000-4000-8000-000000000000');
    for (const file of fs.readdirSync(dir)) expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
  });
});

describe('sidecar mail transport with SMTP_URL', () => {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        received.push(data);
        callback();
      });
    },
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers through the SMTP server and writes no file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-mail-smtp-'));
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, directory: dir, from: 'Portal <portal@example.com>' });
    await mailer.send({ to: 'dev@example.com', subject: 'Over SMTP', text: 'hello' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/^Subject: Over SMTP$/m);
    expect(received[0]).toMatch(/^To: dev@example\.com$/m);
    expect(fs.readdirSync(dir)).toHaveLength(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
