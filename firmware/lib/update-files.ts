// Files of an update over the air, shared by the receiver in the firmware
// (update-receiver.ts) and the guard in ".boot0" (guard.ts). Every name starts
// with "lb.u.", which the flasher and the guard never carry across a re-flash.

export const UPDATE_PREFIX = 'lb.u.';
/** The update's state (UpdateRecord), written by the receiver, the guard and the firmware on connecting. */
export const UPDATE_STATE = 'lb.u.state';
/** A firmware bundle being received, then installed by the guard. */
export const NEW_CODE = 'lb.u.new';
/** The code that ran before, kept until the new one has reached the hub. */
export const PREVIOUS_CODE = 'lb.u.prev';
export const NEW_CONFIG = 'lb.u.newcfg';
export const PREVIOUS_CONFIG = 'lb.u.prevcfg';

/**
 * s: "install" (the guard installs at the next boot), "trial" (the new one
 * runs and must reach the hub), "rollback" (the guard restores at the next
 * boot), "confirmed" (it reached the hub; the guard drops the old one at the
 * next boot), "rolled-back", "done".
 */
export interface UpdateRecord {
  s: string;
  /** The hub's id for this update. */
  u: number;
  /** "f": firmware, "c": configuration. */
  w: string;
  /** Seconds the new one has to reach the hub. */
  t: number;
  /** Boots in trial so far. */
  n?: number;
  /** Why it was rolled back. */
  r?: string;
  /** The old code is already kept (an install interrupted by a power cut does not copy the new one over it). */
  p?: number;
  /** The hub has been told how it ended. */
  k?: number;
}
