// A real terminal for CLI tests: a tmux session the test types into and reads
// the screen of. tmux is required: a missing tmux fails, never skips.
import { execFileSync } from 'node:child_process';

export interface Terminal {
  /** What the pane shows now, wrapped lines joined. */
  screen(): string;
  /** Waits until the screen matches, or fails showing the screen. */
  waitFor(pattern: RegExp, seconds: number): Promise<RegExpMatchArray>;
  /** tmux key names: `C-c`, `Enter`, or plain text. */
  keys(...keys: string[]): void;
  close(): void;
}

const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

export function requireTmux(): void {
  try {
    tmux('-V');
  } catch {
    throw new Error('tmux is not installed: run `apt-get update && apt-get install -y tmux`');
  }
}

/** Runs `command` (a shell command line) in a new 200×50 tmux session in `cwd`. */
export function openTerminal(session: string, command: string, cwd: string): Terminal {
  tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-c', cwd, command);
  const screen = (): string => tmux('capture-pane', '-p', '-J', '-t', session);
  return {
    screen,
    async waitFor(pattern, seconds) {
      const until = Date.now() + seconds * 1000;
      for (;;) {
        const match = screen().match(pattern);
        if (match) return match;
        if (Date.now() > until) throw new Error(`the screen never showed ${pattern}:\n${screen()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    keys: (...keys) => void tmux('send-keys', '-t', session, ...keys),
    close() {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // already gone
      }
    },
  };
}
