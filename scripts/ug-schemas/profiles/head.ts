/**
 * Profile of the business application header (head.001.001.02) that travels with every message
 * exchanged with the gateway, in the CBPR+ style: financial institutions on both sides, the
 * message definition one the gateway supports, an explicit creation time.
 */
import { TEXT_PATTERN, rules, type MessageProfile } from '../profile.js';
import { COMMON_2019 } from './common-2019.js';

/** Message definitions the gateway exchanges (the other profiles in this folder). */
export const SUPPORTED_MESSAGE_DEFINITIONS = [
  'pacs.008.001.08',
  'pacs.009.001.08',
  'pacs.004.001.09',
  'pacs.002.001.10',
  'camt.056.001.08',
  'camt.029.001.09',
  'camt.052.001.08',
  'camt.053.001.08',
  'camt.054.001.08',
  'camt.053.001.02',
] as const;

const escapeRegex = (s: string): string => s.replace(/\./g, '\\.');

export const HEAD_001_001_02: MessageProfile = {
  id: 'head.001.001.02',
  purpose:
    'Business application header of every message exchanged with the gateway: sender and receiver are financial institutions (BIC or clearing-system member id), the header names a supported message definition, and its BizMsgIdr follows the reference rules.',
  textPattern: TEXT_PATTERN,
  ...rules(COMMON_2019, {
    simple: {
      Max35Text_MessageDefinition: {
        restricts: 'Max35Text',
        pattern: SUPPORTED_MESSAGE_DEFINITIONS.map(escapeRegex).join('|'),
        why: 'The message definitions the gateway supports; any other is refused at the header.',
      },
      BusinessMessagePriorityCode: {
        pattern: 'HIGH|NORM|URGT',
        why: 'Priorities as in Priority3Code (CBPR+ uses NORM and HIGH).',
      },
    },
    complex: {
      BusinessApplicationHeaderV02: {
        keep: [
          'Fr',
          'To',
          'BizMsgIdr',
          'MsgDefIdr',
          'BizSvc',
          'MktPrctc',
          'CreDt',
          'BizPrcgDt',
          'CpyDplct',
          'PssblDplct',
          'Prty',
          'Sgntr',
          'Rltd',
        ],
        occurs: { Rltd: [0, 1] },
        types: {
          Fr: 'Party44Choice_FI',
          To: 'Party44Choice_FI',
          BizMsgIdr: 'Max35Text_Reference',
          MsgDefIdr: 'Max35Text_MessageDefinition',
        },
        why: 'UTF-8 only (no CharSet); at most one related header (CBPR+). MktPrctc names the usage guideline a market infrastructure follows (Fedwire, FedNow).',
      },
      ImplementationSpecification1: { keep: '*' },
      Party44Choice_FI: {
        restricts: 'Party44Choice',
        keep: ['FIId'],
        why: 'Sender and receiver of a message are financial institutions (participants or the gateway), never organisations.',
      },
      BusinessApplicationHeader5: {
        keep: ['Fr', 'To', 'BizMsgIdr', 'MsgDefIdr', 'BizSvc', 'CreDt', 'CpyDplct', 'PssblDplct', 'Prty'],
        types: { Fr: 'Party44Choice_FI', To: 'Party44Choice_FI' },
        why: 'The related header identifies an earlier message; it carries no signature of its own.',
      },
      SignatureEnvelope: { keep: '*' },
    },
  }),
};
