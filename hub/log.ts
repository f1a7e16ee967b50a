import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (or the given destination); one line per event. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return destination ? pino({ level, base: { app: 'loyalty-hub' } }, destination) : pino({ level, base: { app: 'loyalty-hub' } });
}
