// A zip whose bytes depend only on the files' names and contents, so the same
// code and config always give the same archive and the same SHA-256 (what
// Lambda and infrastructure tools compare to decide whether to deploy).
// Everything a zip tool would take from the file system is fixed instead:
// order (by name), time (1980-01-01 00:00, the earliest a zip can hold),
// permissions (a regular file, rw-r--r--, readable by the Lambda runtime user).
import { zipSync, type ZipOptions } from 'fflate';

export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

const UNIX = 3;
const REGULAR_FILE_RW_R_R = 0o100644;

export function deterministicZip(entries: readonly ZipEntry[]): Uint8Array {
  const options: ZipOptions = {
    level: 9,
    // fflate writes the DOS time from the local-time fields of this date, so a
    // date built from local fields (in the time zone of this call) gives the
    // same bytes in every time zone.
    mtime: new Date(1980, 0, 1, 0, 0, 0),
    os: UNIX,
    attrs: REGULAR_FILE_RW_R_R << 16,
  };
  const files: Record<string, [Uint8Array, ZipOptions]> = {};
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    if (Object.hasOwn(files, entry.name)) throw new Error(`zip entry ${entry.name} given twice`);
    files[entry.name] = [entry.data, options];
  }
  return zipSync(files);
}
