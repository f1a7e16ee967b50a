// The Espruino globals, typed from the one declaration in espruino-api.ts.
// Only firmware code (tsconfig.espruino.json) sees these.
import type { EspruinoGlobals } from './espruino-api.js';

declare global {
  const getTime: EspruinoGlobals['getTime'];
  const setTimeout: EspruinoGlobals['setTimeout'];
  const clearTimeout: EspruinoGlobals['clearTimeout'];
  const setInterval: EspruinoGlobals['setInterval'];
  const clearInterval: EspruinoGlobals['clearInterval'];
  const setWatch: EspruinoGlobals['setWatch'];
  const clearWatch: EspruinoGlobals['clearWatch'];
  const digitalWrite: EspruinoGlobals['digitalWrite'];
  const digitalRead: EspruinoGlobals['digitalRead'];
  const analogRead: EspruinoGlobals['analogRead'];
  const pinMode: EspruinoGlobals['pinMode'];
  const Pin: EspruinoGlobals['Pin'];
  const E: EspruinoGlobals['E'];
  const process: EspruinoGlobals['process'];
  const I2C1: EspruinoGlobals['I2C1'];
  const Graphics: EspruinoGlobals['Graphics'];
  const print: EspruinoGlobals['print'];
  const atob: EspruinoGlobals['atob'];
  const btoa: EspruinoGlobals['btoa'];
  const espruinoModule: EspruinoGlobals['espruinoModule'];
}
