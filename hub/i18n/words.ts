// The words for the hub's codes (incident kinds, outcomes) as English keys of
// the catalogs: the dashboard, the CSV and the e-mail say the same thing.
// Browser-safe.

export const KIND_WORDS: Record<string, string> = {
  red: 'Unhappy',
  green: 'Happy',
  missing: 'Device missing',
  battery: 'Battery low',
  storage: 'Hub disk failing',
  mood: 'Many unhappy',
  closing: 'Still open at closing',
};

export const OUTCOME_WORDS: Record<string, string> = {
  apologised: 'apologised',
  compensated: 'compensated',
  fixed: 'fixed',
  left: 'customer left',
  other: 'other',
  open: 'still open',
};
