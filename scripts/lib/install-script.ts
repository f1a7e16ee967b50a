// The script the flasher sends to the device's RAM (espruino-tools' default:
// reset() first, so nothing runs from flash while it works). It leaves no old
// code behind and puts the new code where no later compaction can move it
// while it runs, without losing what the device still holds:
//
//  1. the device's own files (the button's outbox and press clock, the pager's
//     shift) are copied into one plain file, "lb.carry" (merged with a carry
//     an interrupted install left); old code, config and the sequence
//     reservation (the new config's seqFloor covers it) are erased;
//  2. the update guard is written to ".boot0" and the new code to ".bootcde",
//     each padded with spaces to whole flash pages (header included); then
//     "lb.config", its own file (never rewritten at boot); then "lb.carry".
//     An update left half-done ("lb.u.*") is dropped, not carried;
//  3. every other file is erased and Storage compacted: ".boot0" moves to
//     the start of Storage, ".bootcde" right after it, and the files after
//     them start on a fresh page. The compaction a full Storage triggers later
//     starts at the first page with trash (Espruino 2v29, src/jsflash.c),
//     which is never a page of the guard or the code;
//  4. load(): the device boots the new code, which writes the carried files
//     back (firmware/lib/carry.ts) and erases the carry.
//
// A power cut at any point leaves every pending press in the outbox or the
// carry (or both: the outbox drops duplicates by sequence number), and
// running the install again finishes the job.
import { FLASH_PAGE_BYTES, HEADER_BYTES } from '../../firmware/shim/espruino-storage.js';

/** Code goes over in pieces: each line is executed as it arrives, so the device never holds the whole bundle in RAM. */
const CHUNK = 1024;

/** ".bootcde"'s size: header and code together fill whole flash pages. */
export function paddedCodeSize(codeBytes: number): number {
  return Math.ceil((codeBytes + HEADER_BYTES) / FLASH_PAGE_BYTES) * FLASH_PAGE_BYTES - HEADER_BYTES;
}

/**
 * A JavaScript string literal of 8-bit text, as Espruino reads it: bytes
 * above ASCII written \xNN, so the script itself is ASCII whatever carries it
 * (the lexer makes \xNN one byte, src/jslex.c).
 */
function literal(text: string): string {
  return JSON.stringify(text).replace(/[\x7f-\xff]/g, (ch) => '\\x' + ch.charCodeAt(0).toString(16));
}

function writeFileLines(name: string, text: string): string[] {
  const padded = text.padEnd(paddedCodeSize(text.length), ' ');
  const lines = ['S.write(' + literal(name) + ',' + literal(padded.substr(0, CHUNK)) + ',0,' + padded.length + ');'];
  for (let at = CHUNK; at < padded.length; at += CHUNK) lines.push('S.write(' + literal(name) + ',' + literal(padded.substr(at, CHUNK)) + ',' + at + ');');
  return lines;
}

/** `guard`: the update guard (firmware/dist/guard.js), written to ".boot0"; `font`: a pager's Cyrillic letters, written to "lb.font". */
export function installScript(code: string, configJson: string, guard: string, font?: string): string {
  const lines = [
    '// loyalty-button install: see scripts/lib/install-script.ts',
    'var S=require("Storage");',
    // 1. carry the device's own files; erase old code, config and sequence reservation
    'var lbKeep=function(m){return m!==".boot0"&&m!==".bootcde"&&m!=="lb.config"&&m!=="lb.font"&&m!=="lb.carry";};',
    'var lbCarry=S.readJSON("lb.carry",true)||{f:{},s:{}};',
    '(function(){var n=S.list();for(var i=0;i<n.length;i++){var m=n[i];' +
      'if(m.charCodeAt(m.length-1)===1){var b=m.substr(0,m.length-1),f=S.open(b,"r"),t="",p=f.read(256);while(p!==undefined){t+=p;p=f.read(256);}lbCarry.s[b]=(lbCarry.s[b]||"")+t;}' +
      'else if(m.charAt(0)!=="."&&m!=="lb.seq"&&m.indexOf("lb.u.")!==0&&lbKeep(m)){lbCarry.f[m]=S.read(m);}}})();',
    'S.erase(".boot0");S.erase(".bootcde");S.erase("lb.config");S.erase("lb.seq");',
  ];
  // 2. the guard, the code, then the config, then the carry
  lines.push(...writeFileLines('.boot0', guard));
  lines.push(...writeFileLines('.bootcde', code));
  lines.push('S.write("lb.config",' + literal(configJson) + ');');
  lines.push(font === undefined ? 'S.erase("lb.font");' : 'S.write("lb.font",' + literal(font) + ');');
  lines.push('if(Object.keys(lbCarry.f).length+Object.keys(lbCarry.s).length>0)S.write("lb.carry",JSON.stringify(lbCarry));');
  // 3. nothing else stays; compaction puts the code first
  lines.push('(function(){var n=S.list();for(var i=0;i<n.length;i++){var m=n[i];if(!lbKeep(m))continue;if(m.charCodeAt(m.length-1)===1)S.open(m.substr(0,m.length-1),"r").erase();else S.erase(m);}})();');
  lines.push('S.compact();');
  // 4. boot the new code
  lines.push('load();');
  return lines.join('\n') + '\n';
}
