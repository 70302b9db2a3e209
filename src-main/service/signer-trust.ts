// Trusting the key that signed a bundle of the case, from the workbench: the analyst names the key by its
// fingerprint and the key is taken from the bundle's own signature file as the case keeps it, so no path
// and no key material ever comes from the renderer.
import { basename } from 'node:path';
import { canonicalManifestBytes } from '../core/bundle/manifest';
import { checkSignature, SignatureFile } from '../core/bundle/signing';
import { ServiceError } from '../shared/errors';
import type { CaseStore } from '../store/case-store';
import { listBundles } from '../store/verification';
import { recordAction } from './analysis';
import { addTrustedPem } from './trust';

export interface TrustedSigner {
  fingerprint: string;
  scope: 'case' | 'always';
  label: string;
}

/** The public key of a valid signature over one of the case's bundles, with the bundle it signed. */
function signerKey(store: CaseStore, fingerprint: string): { pem: string; bundle: string } {
  for (const bundle of listBundles(store)) {
    if (bundle.signature === null) continue;
    let parsed;
    try {
      parsed = SignatureFile.safeParse(JSON.parse(bundle.signature));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    const checked = checkSignature(canonicalManifestBytes(JSON.parse(bundle.manifest)), parsed.data);
    // Only a key that verifies its own signature is offered: trusting a key whose signature is invalid trusts nothing.
    if (checked.valid && checked.fingerprint === fingerprint)
      return { pem: parsed.data.public_key_pem, bundle: basename(bundle.location.replace(/[\\/]+$/, '')) };
  }
  throw new ServiceError('not_found', `no bundle of this case carries a valid signature by key ${fingerprint}`);
}

/**
 * Trusts a signer for this case (a journal entry: who trusted which key, when) or always (the analyst's
 * trust store, as `causa trust add` does).
 */
export async function trustSigner(store: CaseStore, fingerprint: string, scope: 'case' | 'always'): Promise<TrustedSigner> {
  const { pem, bundle } = signerKey(store, fingerprint);
  const label = `signer of ${bundle}`;
  if (scope === 'always') await addTrustedPem(fingerprint, pem, label);
  else recordAction(store, { type: 'trust_signer', fingerprint, trusted: true });
  return { fingerprint, scope, label };
}
