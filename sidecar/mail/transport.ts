import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';

/** One mail: plain text, one recipient. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export interface MailerOptions {
  /** `smtp://` or `smtps://` URL; unset: each mail is an `.eml` file in `directory`. */
  smtpUrl?: string;
  /** Where mails go without SMTP (the sidecar's `data/mail`). */
  directory: string;
  from: string;
}

/**
 * The one mail transport: nodemailer over SMTP when configured, else nodemailer's stream transport written to
 * `.eml` files (one per mail, named so that a listing sorts them in sending order), which tests and the local
 * stack read links from.
 */
export function createMailer({ smtpUrl, directory, from }: MailerOptions): Mailer {
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail({ from, ...mail });
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const { message } = await transport.sendMail({ from, ...mail });
      await fs.mkdir(directory, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
      await fs.writeFile(path.join(directory, name), message as Buffer, { mode: 0o600 });
    },
  };
}
