/** Offline packet decoding: capture reading, tshark-identical summaries, formatting. */
export * from './types.js';
export {
  CaptureParser,
  readCaptureFile,
  readCaptureBytes,
  type Frame,
  type CaptureInfo,
  type FrameSink,
  type ReadResult,
} from './file/reader.js';
export { Summarizer, type SummaryOptions } from './summary/summary.js';
export {
  decodeFile,
  decodeEach,
  decodeEachText,
  decodeBytes,
  decodeBytesText,
  decodeStream,
  type DecodeResult,
  type DecodeSummary,
} from './file/decode-file.js';
export { TsharkLineWriter } from './summary/line-writer.js';
export { renderTsharkText } from './summary/text-render.js';
export type { TcpInfoParts } from './summary/tcp-summary.js';
export { formatTsharkLine, formatFieldsLine, formatRelTime } from './summary/format.js';
