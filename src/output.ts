// Two channels: stdout carries only the command's result (a human table, or
// exactly one JSON document under --json) so it can be piped; progress, warnings
// and errors go to stderr.

export interface TextSink {
  write(text: string): unknown;
}

export interface Streams {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

export const JSON_SCHEMA_VERSION = 1;

/** The shape every `--json` document starts with. */
export interface JsonResult {
  readonly schemaVersion: typeof JSON_SCHEMA_VERSION;
  readonly command: string;
  readonly ok: boolean;
  readonly [field: string]: unknown;
}

export interface Output {
  readonly json: boolean;
  /** A progress or information line on stderr. */
  log(line: string): void;
  /** The command's one result: `human` normally, `doc` under --json. */
  result(human: string, doc: JsonResult): void;
}

export function createOutput(streams: Streams, options: { readonly json: boolean }): Output {
  let resultWritten = false;
  return {
    json: options.json,
    log: (line) => void streams.stderr.write(line + '\n'),
    result(human, doc) {
      // A second document would break every consumer that parses stdout.
      if (resultWritten) throw new Error('a command wrote its result twice');
      resultWritten = true;
      streams.stdout.write(options.json ? JSON.stringify(doc, null, 2) + '\n' : human.endsWith('\n') ? human : human + '\n');
    },
  };
}
