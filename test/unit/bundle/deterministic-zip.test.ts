import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deterministicZip, type ZipEntry } from '../../../src/bundle/deterministic-zip.js';

const text = (s: string) => new TextEncoder().encode(s);
const entries: ZipEntry[] = [
  { name: 'package.json', data: text('{ "type": "commonjs" }\n') },
  { name: 'index.js', data: text('exports.handler = async () => 42;\n'.repeat(50)) },
];

const dir = mkdtempSync(join(tmpdir(), 'cogcf-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What Python's zipfile (an independent reader) sees in the archive. */
function inspect(zip: Uint8Array) {
  const path = join(dir, `z${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(path, zip);
  const script = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([{"name": i.filename, "date": list(i.date_time), "mode": i.external_attr >> 16, "system": i.create_system,
  "method": i.compress_type, "data": z.read(i).decode()} for i in z.infolist()]))`;
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as {
    name: string;
    date: number[];
    mode: number;
    system: number;
    method: number;
    data: string;
  }[];
}

describe('deterministicZip', () => {
  it('gives the same bytes whatever the order of the entries', () => {
    expect(Buffer.from(deterministicZip(entries)).equals(Buffer.from(deterministicZip([...entries].reverse())))).toBe(true);
  });

  it('gives the same bytes in every time zone', () => {
    const before = process.env.TZ;
    try {
      const zips = ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles'].map((tz) => {
        process.env.TZ = tz;
        return Buffer.from(deterministicZip(entries));
      });
      expect(zips[1]!.equals(zips[0]!)).toBe(true);
      expect(zips[2]!.equals(zips[0]!)).toBe(true);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('changes when a byte of content changes', () => {
    const changed = [entries[0]!, { name: 'index.js', data: text('exports.handler = async () => 43;\n'.repeat(50)) }];
    expect(Buffer.from(deterministicZip(changed)).equals(Buffer.from(deterministicZip(entries)))).toBe(false);
  });

  it('holds sorted, deflated, 1980-01-01, rw-r--r-- Unix files that read back intact', () => {
    const files = inspect(deterministicZip(entries));
    expect(files.map((f) => f.name)).toEqual(['index.js', 'package.json']);
    for (const f of files) {
      expect(f.date).toEqual([1980, 1, 1, 0, 0, 0]);
      expect(f.mode).toBe(0o100644);
      expect(f.system).toBe(3);
      expect(f.method).toBe(8);
    }
    expect(files[0]!.data).toBe(new TextDecoder().decode(entries[1]!.data));
  });

  it('refuses two entries with one name', () => {
    expect(() => deterministicZip([entries[0]!, entries[0]!])).toThrow(/given twice/);
  });
});
