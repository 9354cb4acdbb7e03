// Session and login ids are 256-bit random values in base64url (43 chars).
// The table is keyed by their SHA-256 ("handle"), so a table dump or the
// identity header sent to the origin holds nothing a browser could replay.
import { createHash, randomBytes } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newId = (): string => randomBytes(32).toString('base64url');

/** False for anything we could not have issued: such ids never cost a table read. */
export const isWellFormedId = (id: string): boolean => ID_PATTERN.test(id);

/** The table key and public handle of an id. */
export const handleOf = (id: string): string => createHash('sha256').update(id).digest('base64url');

/** Handles have the same shape as ids (SHA-256 is 32 bytes too). */
export const isWellFormedHandle = isWellFormedId;
