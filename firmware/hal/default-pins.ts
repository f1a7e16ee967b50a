// The default wiring (docs/hardware.md): the flasher writes it into a device's
// configuration unless told otherwise; the simulated shop and tests use it too.
export const DEFAULT_PINS: { button: { [role: string]: string }; pager: { [role: string]: string } } = {
  button: { red: 'D4', green: 'D5', led: 'D2' },
  pager: { button: 'D4', motor: 'D25', led: 'D2', sda: 'D21', scl: 'D22' },
};
