/**
 * The README's browser walkthrough and its screenshots stay together: every image the README links is a PNG in
 * docs/img (what `npm run screenshots` writes), and every PNG there is linked (none left behind by a renamed shot).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const IMAGES = path.join(ROOT, 'docs', 'img');
/** The eight bytes every PNG file starts with. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Every docs/img path the README links, as an image `![..](..)` or a plain link `[..](..)`. */
function linkedImages(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...new Set([...readme.matchAll(/\]\((docs\/img\/[^)\s]+)\)/g)].map((match) => match[1]!))].sort();
}

describe('the README and docs/img', () => {
  const linked = linkedImages();

  it('links screenshots at all', () => {
    expect(linked.length).toBeGreaterThan(0);
  });

  it.each(linked)('links %s, which is a PNG file', (image) => {
    expect(image).toMatch(/\.png$/);
    const file = path.join(ROOT, image);
    expect(fs.existsSync(file)).toBe(true);
    const head = Buffer.alloc(PNG_SIGNATURE.length);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    expect(head.equals(PNG_SIGNATURE)).toBe(true);
  });

  it('links every PNG in docs/img', () => {
    const stored = fs
      .readdirSync(IMAGES)
      .filter((name) => name.endsWith('.png'))
      .map((name) => `docs/img/${name}`)
      .sort();
    expect(stored.filter((image) => !linked.includes(image))).toEqual([]);
  });
});
