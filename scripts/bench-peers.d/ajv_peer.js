// Peer of `pfhir validate --ndjson`: ajv 8 and the STU3 JSON schema (draft-06), each line of
// an NDJSON file validated as an STU3 Bundle. Prints "valid N invalid M".
// Usage: node ajv_peer.js SCHEMA NDJSON   (NODE_PATH: the folder holding ajv)
'use strict';
const fs = require('fs');
const readline = require('readline');
const Ajv = require('ajv');
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json');

const [schemaPath, ndjsonPath] = process.argv.slice(2);
const ajv = new Ajv({ strict: false });
ajv.addMetaSchema(draft06);
ajv.addSchema(JSON.parse(fs.readFileSync(schemaPath, 'utf8')), 'fhir');
const validate = ajv.compile({ $ref: 'fhir#/definitions/Bundle' });

let valid = 0;
let invalid = 0;
const lines = readline.createInterface({ input: fs.createReadStream(ndjsonPath), crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let doc;
  try {
    doc = JSON.parse(line);
  } catch (e) {
    invalid += 1;
    return;
  }
  if (validate(doc)) valid += 1;
  else invalid += 1;
});
lines.on('close', () => console.log(`valid ${valid} invalid ${invalid}`));
