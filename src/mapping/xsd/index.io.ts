/**
 * mapping/xsd, adapter half of the door (see index.ts for what the module owns and asserts):
 * the libxml2-wasm and Xerces validators and `createXsdValidator`, which picks one from the
 * configuration (XSD_VALIDATOR=libxml2|xerces). Only shells (main.ts, the CLI, stage shells,
 * tests) import it.
 */
import type { XmlLimits } from '../xml/safe.js';
import { createLibxml2Validator } from './libxml2.io.js';
import type { XsdValidator } from './port.js';
import { createXercesValidator } from './xerces.io.js';

export { createLibxml2Validator, type Libxml2ValidatorOptions } from './libxml2.io.js';
export { createXercesValidator, type XercesValidatorOptions } from './xerces.io.js';

export interface XsdValidatorConfig {
  readonly validator: 'libxml2' | 'xerces';
  readonly schemaDir: string;
  /** Gate limits (the Xerces adapter re-checks every input). */
  readonly limits: XmlLimits;
  /** Per-call time limit of the Xerces adapter (JVM start included). */
  readonly xercesTimeLimitMs: number;
}

export function createXsdValidator(config: XsdValidatorConfig): XsdValidator {
  return config.validator === 'xerces'
    ? createXercesValidator({
        schemaDir: config.schemaDir,
        limits: config.limits,
        timeLimitMs: config.xercesTimeLimitMs,
      })
    : createLibxml2Validator({ schemaDir: config.schemaDir });
}
