/** Offline packet decoding: capture reading, tshark-identical summaries, formatting. */
export * from './types.js';
export { CaptureParser, readCaptureFile, readCaptureBytes, type Frame, type CaptureInfo, type FrameSink, type ReadResult } from './reader.js';
export { Summarizer, type SummaryOptions } from './summary.js';
export { decodeFile, decodeEach, decodeEachText, decodeBytes, decodeBytesText, decodeStream, type DecodeResult, type DecodeSummary } from './decode-file.js';
export { TsharkLineWriter } from './line-writer.js';
export { renderTsharkText } from './text-render.js';
export type { TcpInfoParts } from './tcp-summary.js';
export { formatTsharkLine, formatFieldsLine, formatRelTime } from './format.js';
