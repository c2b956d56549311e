import fs from 'node:fs';
import path from 'node:path';

/** One `.eml` written by the sidecar's file transport, decoded enough to read. */
export interface ReadMail {
  to: string;
  subject: string;
  text: string;
  /** The `token` of the mail's link, if it has one. */
  token: string | undefined;
  link: string | undefined;
}

/** Quoted-printable, as nodemailer writes long lines (soft breaks and =XX escapes). */
const decodeQuotedPrintable = (body: string) =>
  body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function parse(raw: string): ReadMail {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1]?.trim() ?? '';
  const body = rest.join('\n\n');
  const text = /quoted-printable/i.test(header('Content-Transfer-Encoding')) ? decodeQuotedPrintable(body) : body;
  const link = /https?:\/\/\S+\?token=[0-9a-f-]+/.exec(text)?.[0];
  return { to: header('To'), subject: header('Subject'), text, link, token: link && new URL(link).searchParams.get('token')! };
}

/** The mails in `dir`, oldest first. */
export function readMails(dir: string): ReadMail[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.eml'))
    .sort()
    .map((file) => parse(fs.readFileSync(path.join(dir, file), 'utf8')));
}

/** The newest mail to `to`; throws when there is none. */
export function lastMailTo(dir: string, to: string): ReadMail {
  const mail = readMails(dir).filter((m) => m.to.includes(to)).at(-1);
  if (!mail) throw new Error(`no mail to ${to} in ${dir}`);
  return mail;
}
