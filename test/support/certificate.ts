// A self-signed P-256 certificate for 127.0.0.1 and hub.local, made with
// openssl (which CI has: PostgreSQL's packages pull it in); null without it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function selfSignedCertificate(): { certFile: string; keyFile: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-cert-'));
  const certFile = join(dir, 'hub.crt');
  const keyFile = join(dir, 'hub.key');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=hub.local', '-addext', 'subjectAltName=DNS:hub.local,IP:127.0.0.1'], { stdio: 'pipe' });
  } catch {
    return null;
  }
  return { certFile, keyFile };
}
