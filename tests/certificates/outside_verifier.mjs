// An outside verifier for the test suite: Digital Bazaar's VC stack (@digitalbazaar/vc,
// data-integrity, eddsa-rdfc-2022-cryptosuite, vc-bitstring-status-list), offline.
//
// Reads {"credential": {...}} or {"presentation": {...}} on stdin, with "documents":
// {url: status list credential} (what a verifier would have fetched), and writes
// {"verified": bool, "revoked": bool, "errors": [...]} on stdout.
//
// The document loader serves the JSON-LD contexts Qadam bundles (certificates/contexts),
// the DID and Multikey contexts from their npm packages, did:key documents (resolved
// from the identifier itself) and the given documents; any other URL is an error.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createRequire} from 'node:module';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const contextDir = join(here, '..', '..', 'certificates', 'contexts');

const documents = new Map([
  ['https://www.w3.org/ns/credentials/v2',
    JSON.parse(readFileSync(join(contextDir, 'credentials-v2.jsonld'), 'utf8'))],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    JSON.parse(readFileSync(join(contextDir, 'ob-v3p0-context-3.0.3.json'), 'utf8'))],
]);
for(const [url, context] of require('did-context').contexts) {
  documents.set(url, context);
}
for(const [url, context] of require('@digitalbazaar/multikey-context').contexts) {
  documents.set(url, context);
}

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

const input = JSON.parse(readFileSync(0, 'utf8'));
for(const [url, document] of Object.entries(input.documents || {})) {
  documents.set(url, document);
}

async function documentLoader(url) {
  if(url.startsWith('did:key:')) {
    const document = await didKey.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  if(documents.has(url)) {
    return {contextUrl: null, documentUrl: url, document: documents.get(url)};
  }
  throw new Error(`offline: no document for ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
let revoked = false;
async function statusCheck(options) {
  const result = await checkStatus({...options, suite, verifyBitstringStatusListCredential: true});
  if(result.verified && result.results.some(r => r.status)) {
    revoked = true;
    return {verified: false, error: new Error('revoked: the status list has its bit set')};
  }
  return result;
}

function messages(result) {
  const out = [];
  const walk = value => {
    if(!value) {
      return;
    }
    if(Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if(value.message) {
      out.push(value.message);
    }
    if(value.errors) {
      walk(value.errors);
    }
    if(value.error) {
      walk(value.error);
    }
    if(value.cause) {
      walk(value.cause);
    }
  };
  walk(result.error);
  for(const key of ['results', 'credentialResults', 'presentationResult']) {
    for(const entry of [].concat(result[key] || [])) {
      walk(entry.error);
      if(entry.statusResult) {
        walk(entry.statusResult.error);
      }
    }
  }
  if(result.statusResult) {
    walk(result.statusResult.error);
  }
  return [...new Set(out)];
}

let result;
try {
  if(input.presentation) {
    result = await vc.verify({
      presentation: input.presentation,
      challenge: input.presentation.proof?.challenge,
      domain: input.presentation.proof?.domain,
      suite,
      documentLoader,
      checkStatus: statusCheck,
    });
  } else {
    result = await vc.verifyCredential({
      credential: input.credential,
      suite,
      documentLoader,
      checkStatus: statusCheck,
    });
  }
} catch(error) {
  result = {verified: false, error};
}
process.stdout.write(JSON.stringify({
  verified: result.verified === true,
  revoked,
  errors: messages(result),
}) + '\n');
