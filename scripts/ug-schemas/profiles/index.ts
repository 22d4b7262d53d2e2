import type { MessageProfile } from '../profile.js';
import { CAMT_029_001_09, CAMT_056_001_08 } from './camt-exceptions.js';
import { CAMT_053_001_02 } from './camt-053-001-02.js';
import { CAMT_052_001_08, CAMT_053_001_08, CAMT_054_001_08 } from './camt-reports.js';
import { HEAD_001_001_02 } from './head.js';
import { PACS_002_001_10, PACS_004_001_09, PACS_008_001_08, PACS_009_001_08 } from './pacs.js';

/** Every message version the gateway supports, in the order the schemas are generated. */
export const PROFILES: readonly MessageProfile[] = [
  PACS_008_001_08,
  PACS_009_001_08,
  PACS_004_001_09,
  PACS_002_001_10,
  CAMT_056_001_08,
  CAMT_029_001_09,
  CAMT_052_001_08,
  CAMT_053_001_08,
  CAMT_054_001_08,
  CAMT_053_001_02,
  HEAD_001_001_02,
];
