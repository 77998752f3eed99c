/**
 * One process that runs Auth0's Deploy CLI commands for a test file, one message at a time: the
 * `import` and `export` functions `a0deploy import|export` itself calls (the package's documented
 * programmatic entry points), with the parameters its argument parser would produce.
 *
 * Why not a new `a0deploy` process per command: before every import the CLI validates the assets
 * against its own 8 MB JSON schema with a new ajv instance, and compiling that schema (plus the first
 * run of the generated validator) costs about 35 s of CPU, every time. Here the compiled validator is
 * shared across ajv instances for the same schema object with the same options, so a test file pays
 * it once; the validation itself runs on every import exactly as before (same schema, same options,
 * same defaults applied to the assets).
 *
 * Plain CommonJS: Node 20 cannot load TypeScript, and the CLI is CommonJS.
 */
'use strict';
const { dirname } = require('node:path');

const cliMain = process.env.A0DEPLOY_MAIN;
const Ajv = require(require.resolve('ajv/lib/ajv', { paths: [dirname(cliMain)] }));
const compiled = new Map();
const originalValidate = Ajv.prototype.validate;
Ajv.prototype.validate = function validate(schema, data) {
  if (typeof schema !== 'object' || schema === null) return originalValidate.call(this, schema, data);
  const key = JSON.stringify(this._opts);
  let byOptions = compiled.get(schema);
  if (!byOptions) compiled.set(schema, (byOptions = new Map()));
  let validator = byOptions.get(key);
  if (!validator) byOptions.set(key, (validator = this.compile(schema)));
  const valid = validator(data);
  this.errors = validator.errors;
  return valid;
};

const cli = require(cliMain);

process.on('message', async ({ id, command, params }) => {
  try {
    if (command === 'import') await cli.deploy(params);
    else if (command === 'export') await cli.dump(params);
    else throw new Error(`unknown command ${command}`);
    process.send({ id, ok: true });
  } catch (error) {
    process.send({ id, ok: false, message: (error && (error.stack || error.message)) || String(error), type: error && error.type, stage: error && error.stage });
  }
});
process.send({ ready: true });
